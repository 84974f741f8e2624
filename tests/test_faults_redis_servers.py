"""Two real app servers sharing PostgreSQL and a Redis that freezes, dies and comes back:
nothing Redis held before comes back on either server, and residents log in throughout.

The issue these tests reproduce: after Redis came back with its old data (thawed, or
restarted from its append-only file), the server that had not noticed the outage served
stale public pages, and a logout made during the freeze was undone. Two gunicorn servers
(tests/appservers.py) share the pytest test database and a redis-server the test starts
on a free port (tests/redisserver.py); one (A) takes the requests made during the outage,
the other (B) gets none until Redis is back. Every request is checked to answer without
5xx within MAX_SECONDS. PostgreSQL only, as both servers must share the database.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.db import connection

from core.cache_backend import DEFAULT_GENERATION_SECONDS, GENERATION_KEY
from core.models import Outbox
from members.models import User
from tests.appservers import Browser, app_servers, form_fields, server_env, test_database_url
from tests.conftest import PASSWORD
from tests.redisserver import RedisProcess, keys_matching, redis_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.serial,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: both servers must share the test database (set DATABASE_URL=postgres://...)",
    ),
]

MAX_SECONDS = 5.0
PREFIX = f"servers-{uuid.uuid4().hex[:8]}"
# The servers' defaults: the probe asks every second, a process reads the generation every second.
SETTLE_SECONDS = DEFAULT_GENERATION_SECONDS + 0.2


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    yield from redis_server(tmp_path_factory.mktemp("redis"))


@pytest.fixture(scope="module")
def servers(django_db_setup, redis, tmp_path_factory):
    env = {
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis.url,
        "CACHE_KEY_PREFIX": PREFIX,
        "ANON_CACHE_SECONDS": "300",
    }
    with app_servers(server_env(env, tmp_path_factory.mktemp("servers"))) as ports:
        yield ports


@pytest.fixture(autouse=True)
def _production_password_hasher(settings) -> None:
    """Users made here log in through gunicorn, which hashes like production does."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def _timed(browser: Browser, port: int, method: str, path: str, data=None):
    started = time.monotonic()
    status, headers, html = browser.request(port, method, path, data)
    elapsed = time.monotonic() - started
    assert status < 500, f"{method} {path}: {status}"
    assert elapsed < MAX_SECONDS, f"{method} {path}: {elapsed:.2f} s"
    return status, headers, html


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _generation(redis: RedisProcess) -> bytes | None:
    return redis.client().get(f"{PREFIX}:{GENERATION_KEY}")


def _wait_for_new_generation(redis: RedisProcess, old: bytes | None) -> None:
    """Until the server that saw the outage has probed Redis and started a new generation."""
    deadline = time.monotonic() + 5
    while _generation(redis) == old:
        assert time.monotonic() < deadline, "no new generation after Redis came back"
        time.sleep(0.05)


def _log_in_by_code(browser: Browser, port: int, address: str) -> None:
    _status, _headers, html = _timed(browser, port, "GET", "/konto/login/code/")
    status, headers, _html = _timed(
        browser, port, "POST", "/konto/login/code/", {"csrfmiddlewaretoken": _csrf(html), "email": address}
    )
    assert status == 302, "the login code was not sent"
    body = Outbox.objects.filter(to=address, kind="account.login_code").latest("created_at").body
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", body, re.M).group(1)
    _status, _headers, html = _timed(browser, port, "GET", headers["Location"])
    status, _headers, _html = _timed(
        browser, port, "POST", "/konto/login/code/confirm/", {"csrfmiddlewaretoken": _csrf(html), "code": code}
    )
    assert status == 302, "the code did not log in"


def _passwordless(address: str) -> User:
    user = User.objects.create_user(email=address, name="Kim Kod")
    EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
    return user


def _my_pages(browser: Browser, port: int) -> int:
    return _timed(browser, port, "GET", "/mina-sidor/")[0]


def _admin_login(browser: Browser, port: int, user: User) -> None:
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    _status, _headers, html = _timed(browser, port, "GET", "/konto/login/?next=/admin/")
    fields = {"csrfmiddlewaretoken": _csrf(html), "login": user.email, "password": PASSWORD}
    status, _headers, _html = _timed(browser, port, "POST", "/konto/login/?next=/admin/", fields)
    assert status == 302, "the admin login failed"


@pytest.mark.django_db(transaction=True)
def test_no_stale_page_on_the_other_server_after_an_outage(servers, redis, networks):
    """A freeze, then a kill and a restart from the append-only file.

    Both in one test: the servers keep the ids of the content types they have seen, which
    a new test's database no longer has (the admin's log of an edit needs them).
    """
    a, b = servers
    andersberg = networks["andersberg"]
    editor, visitor = Browser(), Browser()
    _admin_login(editor, a, User.objects.create_superuser(email="admin@example.se", password=PASSWORD))
    page = "/natverk/andersberg/"
    change_url = f"/admin/networks/network/{andersberg.pk}/change/"
    for kind in ("frozen", "killed"):
        visitor.get(b, page)
        assert visitor.get(b, page)[1]["X-Cache"] == "hit"
        before = _generation(redis)

        redis.fault(kind)
        # The edit, through A (which notices the outage); B gets no request meanwhile.
        _status, _headers, html = _timed(editor, a, "GET", change_url)
        new_summary = f"Ny ingress, sparad medan Redis var {kind}."
        fields = [(k, v) for k, v in form_fields(html, "network_form") if k != "summary"]
        fields += [("summary", new_summary), ("_save", "Spara")]
        status, _headers, html = _timed(editor, a, "POST", change_url, fields)
        assert status == 302, f"the admin did not save: {html[:2000]}"
        redis.recover(kind)
        back = time.monotonic()

        assert keys_matching(redis, f"{PREFIX}:*anon-page:p3*"), "Redis came back holding the old pages"
        _wait_for_new_generation(redis, before)
        time.sleep(SETTLE_SECONDS)
        status, headers, html = _timed(visitor, b, "GET", page)
        assert status == 200
        assert new_summary in html, kind
        assert headers["X-Cache"] == "miss"
        assert time.monotonic() - back < 4, "B served from the old cache for too long"
        assert new_summary in _timed(visitor, a, "GET", page)[2]
        assert visitor.get(b, page)[1]["X-Cache"] == "hit"  # Cached again, under the new generation.


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["frozen", "killed"])
def test_a_logout_during_an_outage_stays_a_logout_on_both_servers(servers, redis, kind):
    a, b = servers
    address = f"kim-{kind}@example.se"
    _passwordless(address)
    browser = Browser()
    _log_in_by_code(browser, a, address)
    assert _my_pages(browser, b) == 200  # The session, read through Redis on B.
    session = browser.cookies["sessionid"]
    before = _generation(redis)

    redis.fault(kind)
    # The logout, through A: reading the session times out (A's circuit opens), so the
    # delete from the cache is dropped; the database deletes it.
    _status, _headers, html = _timed(browser, a, "GET", "/mina-sidor/")
    status, _headers, _html = _timed(browser, a, "POST", "/konto/logout/", {"csrfmiddlewaretoken": _csrf(html)})
    assert status == 302
    # Meanwhile residents without a password still log in by code, and sign up.
    _passwordless(f"under-{kind}@example.se")
    _log_in_by_code(Browser(), a, f"under-{kind}@example.se")
    newcomer = Browser()
    _status, _headers, html = _timed(newcomer, a, "GET", "/konto/signup/")
    fields = {"csrfmiddlewaretoken": _csrf(html), "email": f"ny-{kind}@example.se", "name": "Anna Ny"}
    assert _timed(newcomer, a, "POST", "/konto/signup/", fields)[0] == 302
    assert User.objects.filter(email=f"ny-{kind}@example.se").exists()
    redis.recover(kind)

    assert keys_matching(redis, f"{PREFIX}:*natverk.sessions{session}"), "Redis came back holding the session"
    _wait_for_new_generation(redis, before)
    time.sleep(SETTLE_SECONDS)
    thief = Browser()
    thief.cookies = {"sessionid": session}
    for port in (b, a):
        status, headers, _html = _timed(thief, port, "GET", "/mina-sidor/")
        assert status == 302
        assert headers["Location"].startswith("/konto/login/")


@pytest.mark.django_db(transaction=True)
def test_a_redis_restored_from_an_old_backup_revives_no_session(servers, redis):
    """Restarted from older data between two requests: neither server saw Redis fail."""
    a, b = servers
    _passwordless("kim-backup@example.se")
    browser = Browser()
    _log_in_by_code(browser, a, "kim-backup@example.se")
    assert _my_pages(browser, b) == 200
    session = browser.cookies["sessionid"]
    backup = redis.snapshot(f"backup-{uuid.uuid4().hex[:6]}")
    _status, _headers, html = _timed(browser, a, "GET", "/mina-sidor/")
    assert _timed(browser, a, "POST", "/konto/logout/", {"csrfmiddlewaretoken": _csrf(html)})[0] == 302

    redis.restore(backup)
    assert keys_matching(redis, f"{PREFIX}:*natverk.sessions{session}"), "the backup holds the session"
    time.sleep(SETTLE_SECONDS)
    thief = Browser()
    thief.cookies = {"sessionid": session}
    for port in (b, a):
        assert _timed(thief, port, "GET", "/mina-sidor/")[0] == 302
