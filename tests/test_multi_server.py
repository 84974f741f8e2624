"""Two app servers, one PostgreSQL and one Redis: any server can answer any request.

Starts two gunicorn instances on two free ports with production settings, against the
pytest test database (committed rows, hence `transaction=True`) and Redis database 15
with a key prefix of its own. Shows that a login, an edit and twenty concurrent approvals
behave through two servers as through one. Runs on PostgreSQL with Redis on 127.0.0.1:6379 only.
"""

from __future__ import annotations

import datetime
import html as htmllib
import socket
import threading
import uuid
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from grants.models import Application, ApplicationEvent, Decision, Funding, Pot
from members.models import User
from tests.appservers import Browser, app_servers, form_fields, server_env, test_database_url
from tests.conftest import PASSWORD
from tests.grants.conftest import make_application

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_answers() -> bool:
    try:
        with socket.create_connection((HOST, 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = [
    pytest.mark.serial,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: both servers must share the test database (set DATABASE_URL=postgres://...)",
    ),
    pytest.mark.skipif(not _redis_answers(), reason="needs Redis on 127.0.0.1:6379 for the shared cache"),
]


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory):
    """Two gunicorn instances sharing the test database and Redis (tests/appservers.py)."""
    env = {
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"multi-server-test-{uuid.uuid4().hex}",
        "ANON_CACHE_SECONDS": "300",
    }
    with app_servers(server_env(env, tmp_path_factory.mktemp("servers"))) as ports:
        yield ports


@pytest.fixture(autouse=True)
def _production_password_hasher(settings) -> None:
    """Users made here log in through gunicorn, which hashes like production does.

    Overrides the root conftest's fast hasher, which the servers do not know.
    """
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def _admin_login(browser: Browser, port: int, user: User) -> None:
    # The admin's login goes through allauth (members.admin), which wants a verified address.
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    status, headers, _html = browser.get(port, "/admin/login/?next=/admin/")
    assert status == 302
    status, _headers, html = browser.get(port, headers["Location"])
    assert status == 200
    fields = dict(form_fields(html, "login-form"))
    fields |= {"login": user.email, "password": PASSWORD}
    status, headers, _html = browser.request(port, "POST", "/konto/login/?next=/admin/", fields)
    assert status == 302, "the admin login failed"
    assert headers["Location"] == "/admin/"


@pytest.mark.django_db(transaction=True)
def test_login_through_one_server_is_valid_on_the_other(servers, networks):
    a, b = servers
    staff = User.objects.create_user(email="personal@example.se", password=PASSWORD, name="Per Sonal", is_staff=True)
    browser = Browser()
    assert browser.get(b, "/admin/")[0] == 302  # Not logged in yet: B sends to the login page.

    _admin_login(browser, a, staff)

    status, _headers, html = browser.get(b, "/admin/")
    assert status == 200
    assert "Per Sonal" in html or staff.email in html


@pytest.mark.django_db(transaction=True)
def test_edit_through_one_server_is_visible_on_the_other(servers, networks):
    a, b = servers
    andersberg = networks["andersberg"]
    admin = User.objects.create_superuser(email="admin@example.se", password=PASSWORD, name="Admin")
    visitor = Browser()
    page = "/natverk/andersberg/"
    status, headers, html = visitor.get(b, page)
    assert status == 200
    assert andersberg.summary in html
    assert visitor.get(b, page)[1]["X-Cache"] == "hit"  # B now serves the page from Redis.
    assert visitor.get(a, page)[1]["X-Cache"] == "hit"  # And so does A: one shared cache.

    editor = Browser()
    _admin_login(editor, a, admin)
    change_url = f"/admin/networks/network/{andersberg.pk}/change/"
    status, _headers, html = editor.get(a, change_url)
    assert status == 200
    new_summary = "Andersberg har fått en ny ingress, sparad genom server A."
    fields = [(k, v) for k, v in form_fields(html, "network_form") if k != "summary"]
    fields += [("summary", new_summary), ("_save", "Spara")]
    status, headers, html = editor.request(a, "POST", change_url, fields)
    assert status == 302, f"the admin did not save: {html[:2000]}"

    status, headers, html = visitor.get(b, page)
    assert status == 200
    assert headers["X-Cache"] == "miss"
    assert new_summary in html
    andersberg.refresh_from_db()
    assert andersberg.summary == new_summary


@pytest.mark.django_db(transaction=True)
def test_twenty_approvals_at_once_split_across_both_servers_never_overspend_the_pot(
    servers, steering, actor_a, actor_b, rep_a, rep_b
):
    S = Application.Status
    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name="Potten för två servrar",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
        max_amount_per_application=50_000,
    )
    Funding.objects.create(pot=pot, funder="Gävle kommun", amount=100_000)
    make_application(pot=pot, lead=actor_a, status=S.APPROVED, requested=30_000)
    # 70 000 kr remain; twenty approvals of 6 000 kr ask for 120 000 kr: 11 fit (66 000 kr).
    apps = [
        make_application(pot=pot, lead=actor_a if i % 2 else actor_b, status=S.IN_REVIEW, requested=6_000)
        for i in range(20)
    ]
    fits = 11

    changelist = "/admin/grants/application/"
    logged_in = {}
    for port in servers:  # The steering-group member logs in through each server.
        browser = Browser()
        _admin_login(browser, port, steering)
        status, _headers, html = browser.get(port, changelist)
        assert status == 200
        logged_in[port] = (browser, dict(form_fields(html, "changelist-form"))["csrfmiddlewaretoken"])

    # Each approval as in a browser tab of its own: the action's page with the amount and
    # motivation form, filled in, its "Bekräfta" not yet pressed.
    tabs = []
    for i, app in enumerate(apps):
        port = servers[i % 2]
        browser, token = logged_in[port]
        tab = Browser()
        tab.cookies = dict(browser.cookies)
        selected = {"csrfmiddlewaretoken": token, "action": "approve", "_selected_action": app.pk, "index": "0"}
        status, _headers, html = tab.request(port, "POST", changelist, selected)
        assert status == 200
        fields = form_fields(html, None)  # The action form has no id; the logout form has.
        assert ("apply", "1") in fields
        assert (f"a{app.pk}-amount", "6000") in fields  # Defaults to the amount asked.
        fields = [(k, v) for k, v in fields if k != f"a{app.pk}-motivation"]
        fields.append((f"a{app.pk}-motivation", "Bra för området."))
        tabs.append((app, port, tab, fields))

    barrier = threading.Barrier(len(tabs))
    answers: dict[int, tuple[int, str, str] | BaseException] = {}

    def confirm(app: Application, port: int, tab: Browser, fields: list[tuple[str, str]]) -> None:
        try:
            barrier.wait(timeout=30)
            status, headers, html = tab.request(port, "POST", changelist, fields)
            answers[app.pk] = (status, headers.get("Location", ""), htmllib.unescape(html))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            answers[app.pk] = error

    threads = [threading.Thread(target=confirm, args=tab) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [answer for answer in answers.values() if isinstance(answer, BaseException)], answers
    # An approval goes back to the list; a refusal answers with the form again, its reason
    # and what was typed. Nothing else (no 5xx).
    assert {answer[0] for answer in answers.values()} <= {200, 302}

    # What each tab shows: after a redirect the list with its message (messages travel in a
    # signed cookie), after a refusal the form itself.
    shown = {
        app.pk: htmllib.unescape(tab.get(port, changelist)[2]) if answers[app.pk][0] == 302 else answers[app.pk][2]
        for app, port, tab, _fields in tabs
    }

    for app in apps:
        app.refresh_from_db()
    approved = [app for app in apps if app.status == S.APPROVED]
    refused = [app for app in apps if app.status != S.APPROVED]
    granted = Application.objects.filter(pot=pot, status=S.APPROVED).aggregate(s=Sum("amount_granted"))["s"]
    assert granted <= pot.total == 100_000, "the pot was overspent"
    assert granted == 30_000 + fits * 6_000  # The most that fits.
    assert len(approved) == fits
    assert sum(app.amount_granted for app in approved) == fits * 6_000
    # Each server has only ten of the requests, so both must have approved some.
    assert {servers[apps.index(app) % 2] for app in approved} == set(servers)

    for app in approved:
        assert answers[app.pk][:2] == (302, changelist)
        assert Decision.objects.get(application=app).amount_granted == 6_000
        assert "1 ansökan fick status ”Beviljad”." in shown[app.pk]
        assert "Potten räcker inte" not in shown[app.pk]
    for app in refused:
        assert answers[app.pk][0] == 200
        assert "Potten räcker inte" in shown[app.pk]
        assert "Bra för området." in shown[app.pk], "the typed motivation is kept"
        assert app.status == S.IN_REVIEW
        assert app.amount_granted is None
        assert not Decision.objects.filter(application=app).exists()
        assert not app.events.exists()
        assert (
            "Potten räcker inte: 4\xa0000\xa0kr återstår i Potten för två servrar, men 6\xa0000\xa0kr skulle beviljas."
        ) in shown[app.pk]

    # One approval event per approved application, and no other status change from these requests;
    # each approval also wrote its decision letter's row.
    events = ApplicationEvent.objects.filter(application__in=apps)
    transitions = events.filter(kind=ApplicationEvent.Kind.TRANSITION)
    assert sorted(transitions.values_list("application_id", "from_status", "to_status", "actor_user")) == sorted(
        (app.pk, S.IN_REVIEW, S.APPROVED, steering.pk) for app in approved
    )
    assert sorted(events.filter(kind=ApplicationEvent.Kind.LETTER).values_list("application_id", flat=True)) == sorted(
        app.pk for app in approved
    )
    assert not events.exclude(kind__in=[ApplicationEvent.Kind.TRANSITION, ApplicationEvent.Kind.LETTER]).exists()
