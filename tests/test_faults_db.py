"""The database refused, hung and restarted: the 503 page within seconds, never a 500.

In this process (SQLite and PostgreSQL): which database errors count as "unavailable",
the 503 page a view or a middleware gets, and the pool options database_from_url sets.
Against real servers (PostgreSQL only: SQLite has no server to lose; CI runs both): a
real gunicorn talks to the test database through tests/tcpproxy.py, which the test makes
refuse connections or hang on new ones; and pg_terminate_backend ends every backend of
the test database (only that one) as a database restart would, after which the
health-checked pool must give no request a dead connection.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path

import natverk.urls
from core.unavailable import DATABASE, unavailable_dependency
from members.models import User
from natverk.settings import database_from_url
from tests.appservers import Browser, app_servers, form_fields, server_env, test_database_url
from tests.conftest import PASSWORD
from tests.grants.conftest import postgresql_only
from tests.htmlcheck import html_problems
from tests.tcpproxy import TCPProxy

UNAVAILABLE_TEXT = "Tyvärr, det går inte just nu"
FORM_TEXT = "Det du skickade har troligen inte sparats"
# The bound: no request over 5 s, whatever the database does.
MAX_SECONDS = 5.0


# ---- Settings ----


def test_the_pool_waits_briefly_and_checks_each_connection(monkeypatch) -> None:
    for name in ("DB_POOL", "DB_POOL_TIMEOUT", "DB_POOL_RECONNECT_TIMEOUT", "DB_CONNECT_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    database = database_from_url("postgres://app:pw@db.internal:5432/natverk")

    assert database["ENGINE"] == "core.postgresql"  # Checks each connection taken from the pool.
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["connect_timeout"] == 2
    pool = database["OPTIONS"]["pool"]
    assert pool["timeout"] == 2
    assert pool["reconnect_timeout"] == 10
    assert "check" not in pool  # Django 5.2 passes it itself; here it would be a TypeError.


@pytest.mark.django_db
def test_a_dead_pooled_connection_is_replaced_before_a_query_uses_it() -> None:
    postgresql_only()
    from django.db import connections

    from core.postgresql.base import DatabaseWrapper

    assert isinstance(connections["default"], DatabaseWrapper)
    pool = connection.pool
    if pool is None:
        pytest.skip("DB_POOL is off")
    # An alias of its own, so that the test's transaction is not in the way.
    other = connections.create_connection("default")
    try:
        other.ensure_connection()
        other.close()  # Back to the pool, idle like the others there.
        assert _terminate_backends() >= 1  # Every idle connection in the pool is dead now.
        started = time.monotonic()
        with other.cursor() as cursor:  # Takes one from the pool.
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        assert time.monotonic() - started < 1  # No pause for the dead ones.
    finally:
        other.close()


# ---- Which errors mean "the database is unavailable" ----


class _PgError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _wrapped(cause: BaseException, kind=OperationalError) -> Exception:
    try:
        try:
            raise cause
        except BaseException as error:
            raise kind(str(error)) from error
    except kind as wrapped:
        return wrapped


def _pool_timeout() -> Exception:
    from psycopg_pool import PoolTimeout

    return _wrapped(PoolTimeout("couldn't get a connection after 2.00 sec"))


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(lambda: _wrapped(_PgError(None)), id="connection lost (no SQLSTATE)"),
        pytest.param(lambda: _wrapped(_PgError("57P01")), id="admin shutdown"),
        pytest.param(lambda: _wrapped(_PgError("53300")), id="too many connections"),
        pytest.param(lambda: _wrapped(_PgError("08006")), id="connection failure"),
        pytest.param(_pool_timeout, id="pool timeout"),
        pytest.param(lambda: InterfaceError("connection already closed"), id="closed connection"),
        pytest.param(lambda: _wrapped(sqlite3.OperationalError("database is locked")), id="sqlite locked"),
    ],
)
def test_database_errors_that_mean_unavailable(error) -> None:
    assert unavailable_dependency(error()) == DATABASE


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(lambda: _wrapped(_PgError("42P01")), id="undefined table"),
        pytest.param(lambda: _wrapped(sqlite3.OperationalError("no such table: x")), id="sqlite no such table"),
        pytest.param(lambda: ValueError("a bug"), id="a bug"),
    ],
)
def test_database_errors_that_are_bugs_stay_errors(error) -> None:
    assert unavailable_dependency(error()) is None


# ---- The 503 page, in this process ----


def _database_down(request):
    raise _wrapped(_PgError(None))


def _a_bug(request):
    raise _wrapped(_PgError("42P01"))


def _fine(request):
    return HttpResponse("ok")


# This module is also the URLconf of the tests below: the site's addresses and three more.
urlpatterns = [
    *natverk.urls.urlpatterns,
    *i18n_patterns(
        path("test-database-down/", _database_down),
        path("test-a-bug/", _a_bug),
        path("test-fine/", _fine),
        prefix_default_language=False,
    ),
]
handler500 = natverk.urls.handler500


@pytest.mark.urls(__name__)
def test_a_view_that_loses_the_database_answers_the_503_page(client, db, caplog, django_assert_num_queries) -> None:
    with caplog.at_level("WARNING"), django_assert_num_queries(0):  # The page needs no database.
        response = client.get("/test-database-down/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert '<html lang="sv" dir="ltr">' in html
    assert UNAVAILABLE_TEXT in html and FORM_TEXT not in html
    assert 'class="site-header"' in html  # The site's own page, not a bare error.
    assert html_problems(html) == []
    records = [r for r in caplog.records if r.name == "core.unavailable"]
    assert len(records) == 1 and records[0].levelname == "WARNING" and records[0].exc_info is None
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.urls(__name__)
def test_the_503_page_is_in_the_language_of_the_page(client, db) -> None:
    response = client.get("/en/test-database-down/")

    assert response.status_code == 503
    assert '<html lang="en" dir="ltr">' in response.content.decode()
    assert response["Content-Language"] == "en"


@pytest.mark.urls(__name__)
def test_a_form_sent_to_a_lost_database_is_told_it_was_not_saved(db) -> None:
    response = Client().post("/test-database-down/", {"a": "1"})

    assert response.status_code == 503
    assert FORM_TEXT in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_middleware_that_loses_the_database_gets_the_503_page_too(db, rep_a, caplog) -> None:
    """A logged-in user's session and user are read by middleware, before the view."""
    client = Client(raise_request_exception=False)
    client.force_login(rep_a)
    with (
        mock.patch("members.middleware.StaffMFAMiddleware.process_view", side_effect=_wrapped(_PgError(None))),
        caplog.at_level("WARNING"),
    ):
        response = client.get("/test-fine/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert UNAVAILABLE_TEXT in response.content.decode()
    # Django's own line for it: a warning without the traceback.
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "WARNING" and record.exc_info is None
    assert "OperationalError" in record.getMessage()


@pytest.mark.urls(__name__)
def test_a_real_database_bug_still_answers_500(db) -> None:
    response = Client(raise_request_exception=False).get("/test-a-bug/")

    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


# ---- A real gunicorn, the real PostgreSQL behind a proxy ----


def _timed(browser: Browser, port: int, method: str, path: str, data=None):
    started = time.monotonic()
    status, headers, body = browser.request(port, method, path, data)
    elapsed = time.monotonic() - started
    assert elapsed < MAX_SECONDS, f"{method} {path} took {elapsed:.1f} s"
    assert status < 500 or status == 503, f"{method} {path} answered {status}: {body[:300]}"
    if status == 503 and path != "/healthz":
        assert UNAVAILABLE_TEXT in body, body[:500]
        assert int(headers["Retry-After"]) > 0
    return status, headers, body, elapsed


def _health(port: int) -> tuple[int, dict]:
    status, _headers, body, _elapsed = _timed(Browser(), port, "GET", "/healthz")
    return status, json.loads(body)


def _until(condition, seconds: float, pause: float = 0.3):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(pause)


def _terminate_backends() -> int:
    """End every other backend of the test database (never another database's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        ended = cursor.fetchone()[0]
    # The test process's own idle pooled connections were among them: a new pool for the
    # rest of the test and the next test's setup (the servers under test have their own).
    if connection.pool is not None:
        connection.close_pool()
    return ended


class Site:
    """One gunicorn on the test database through the proxy; a resident logged in there."""

    PAGES = ("/", "/aktorer/", "/nyheter/", "/moten/")

    def __init__(self, port: int, proxy: TCPProxy) -> None:
        self.port = port
        self.proxy = proxy
        self.resident = Browser()
        self.visitor = Browser()

    def prepare(self) -> None:
        # The visitor gets a CSRF cookie; the resident logs in.
        assert self.visitor.get(self.port, "/konto/login/")[0] == 200
        status, _headers, html = self.resident.get(self.port, "/konto/login/")
        assert status == 200
        fields = dict(form_fields(html, "login-form")) | {"login": "boende@example.se", "password": PASSWORD}
        status, _headers, body = self.resident.request(self.port, "POST", "/konto/login/", fields)
        assert status == 302, body[:2000]

    def _post(self, browser: Browser, path: str, data: dict):
        # Django takes the cookie's secret as the form's token as well.
        return _timed(browser, self.port, "POST", path, {"csrfmiddlewaretoken": browser.cookies["csrftoken"], **data})

    def requests(self) -> list[tuple[str, Callable]]:
        """Pages and saves, anonymous and logged in: (what, call), each call giving _timed()'s answer."""
        calls = [(f"GET {p}", partial(_timed, Browser(), self.port, "GET", p)) for p in self.PAGES]
        calls.append(("GET /mina-sidor/ (logged in)", partial(_timed, self.resident, self.port, "GET", "/mina-sidor/")))
        login = {"login": "boende@example.se", "password": PASSWORD}
        calls.append(("POST /konto/login/", partial(self._post, self.visitor, "/konto/login/", login)))
        # A save of the logged-in resident: the language of their mail.
        language = partial(self._post, self.resident, "/mina-sidor/mina-uppgifter/", {"language": "sv"})
        calls.append(("POST /mina-sidor/mina-uppgifter/ (logged in)", language))
        return calls


@pytest.fixture
def site(tmp_path, networks):
    postgresql_only()
    # Hashed as the server checks it (the tests' own fast hasher is not in its settings).
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user = User.objects.create(email="boende@example.se", name="Boende", password=hashed)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    database = connection.settings_dict
    with TCPProxy(int(database["PORT"] or 5432), database["HOST"] or "127.0.0.1") as proxy:
        direct = urlsplit(test_database_url())
        through_proxy = direct._replace(netloc=f"{direct.netloc.rpartition('@')[0]}@127.0.0.1:{proxy.port}")
        env = server_env(
            {
                "DATABASE_URL": urlunsplit(through_proxy),
                # Every page from the database, not from the page cache.
                "ANON_CACHE_SECONDS": "0",
                "MEDIA_ROOT": str(tmp_path / "media"),
                "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
            },
            tmp_path,
        )
        with app_servers(env, count=1) as (port,):
            site = Site(port, proxy)
            site.prepare()
            yield site


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_a_refused_database_answers_503_quickly_and_comes_back(site) -> None:
    for _what, call in site.requests():
        assert call()[0] in {200, 302}

    site.proxy.refuse()
    try:
        for what, call in site.requests():
            status, _headers, body, _elapsed = call()
            assert status == 503, what
            # A form is told that it was not saved.
            assert (FORM_TEXT in body) == what.startswith("POST"), what
        status, health = _health(site.port)
        assert status == 503
        assert health["status"] == "down" and health["checks"]["database"]["status"] == "down"
    finally:
        site.proxy.resume()

    started = time.monotonic()
    assert _until(lambda: _health(site.port)[0] == 200, 20), "the database never came back"
    back_after = time.monotonic() - started
    assert back_after < 15, back_after
    for what, call in site.requests():
        assert call()[0] in {200, 302}, what


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_after_every_backend_is_terminated_no_request_fails(site) -> None:
    # Several connections in the server's pool, as after a busy moment.
    with ThreadPoolExecutor(6) as pool:
        assert all(r[0] == 200 for r in pool.map(lambda p: _timed(Browser(), site.port, "GET", p), site.PAGES * 3))
    assert site.proxy.open_connections() >= 1

    assert _terminate_backends() >= 1  # The server's connections (and no other database's).

    statuses = []
    for _ in range(2):
        for what, call in site.requests():
            statuses.append((what, call()[0]))
    with ThreadPoolExecutor(4) as pool:
        statuses += [("GET concurrent", r[0]) for r in pool.map(lambda _: site.requests()[0][1](), range(4))]
    assert len(statuses) >= 16
    assert [s for s in statuses if s[1] >= 500] == []
    status, health = _health(site.port)
    assert status == 200 and health["checks"]["database"]["status"] == "ok"


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_a_database_that_hangs_on_new_connections_answers_503_quickly(site) -> None:
    """The proxy accepts and never answers: libpq's connect_timeout and the pool's wait bound it."""
    site.proxy.freeze()
    try:
        _terminate_backends()  # The pool's open connections die; new ones hang.
        for what, call in site.requests():
            assert call()[0] == 503, what
        status, health = _health(site.port)
        assert status == 503 and health["checks"]["database"]["status"] == "down"
    finally:
        site.proxy.resume()
    assert _until(lambda: _health(site.port)[0] == 200, 20), "the database never came back"
