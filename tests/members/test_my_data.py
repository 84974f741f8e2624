"""Data export and account deletion."""

from __future__ import annotations

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import dateformat, timezone

from members import gdpr, services
from members.models import Actor, ActorMessage, Invitation, Representation, User

pytestmark = pytest.mark.django_db


def test_export_contains_mine_and_nobody_elses(client, rep_a, rep_b, actor_a) -> None:
    ActorMessage.objects.create(sender=rep_a, actor=rep_b.representations.get().actor)
    ActorMessage.objects.create(sender=rep_b, actor=actor_a)
    client.force_login(rep_a)
    response = client.get("/mina-sidor/mina-uppgifter/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["user"]["email"] == rep_a.email
    assert [r["actor"] for r in data["representations"]] == ["Föreningen Alfa"]
    assert [m["network"] for m in data["memberships"]] == ["Andersberg"]
    assert [m["actor"] for m in data["messages_sent_to_actors"]] == ["Föreningen Beta"]
    text = response.content.decode()
    assert rep_b.email not in text
    assert "Föreningen Beta" in text  # only as the recipient of my own message
    assert "Sätra" not in text


def test_delete_page_says_what_goes_and_what_stays(client, rep_a) -> None:
    client.force_login(rep_a)
    html = client.get("/mina-sidor/mina-uppgifter/radera/").content.decode()
    assert "Det här tas bort" in html
    assert "Det här sparas" in html
    assert "allmänna handlingar" in html
    assert "Föreningen Alfa" in html  # the actor only this user represents


def test_delete_needs_confirmation(client, rep_a) -> None:
    client.force_login(rep_a)
    response = client.post("/mina-sidor/mina-uppgifter/radera/", {})
    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert User.objects.filter(pk=rep_a.pk).exists()


def test_delete_removes_what_it_says(client, rep_a, rep_b, actor_a, resident) -> None:
    EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=True, primary=True)
    actor_a.contact_email = "alfa@example.se"
    actor_a.contact_phone = "026-1"
    actor_a.save()
    Invitation.objects.create(
        actor=actor_a,
        email="ny@example.se",
        token="t1",
        invited_by=rep_a,
        expires_at=actor_a.created_at.replace(year=2100),
    )
    Invitation.objects.create(
        actor=rep_b.representations.get().actor,
        email=rep_a.email,
        token="t2",
        expires_at=actor_a.created_at.replace(year=2100),
    )
    ActorMessage.objects.create(sender=rep_a, actor=rep_b.representations.get().actor)
    # Another actor that rep_a shares with the resident stays public.
    shared = Actor.objects.create(name="Delad", slug="delad", kind="organisation")
    Representation.objects.create(user=rep_a, actor=shared)
    Representation.objects.create(user=resident, actor=shared)

    client.force_login(rep_a)
    response = client.post("/mina-sidor/mina-uppgifter/radera/", {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=rep_a.pk).exists()
    assert not EmailAddress.objects.filter(email=rep_a.email).exists()
    assert not Representation.objects.filter(user_id=rep_a.pk).exists()
    assert not Invitation.objects.exists()
    actor_a.refresh_from_db()
    assert not actor_a.is_public
    assert actor_a.contact_email == "" and actor_a.contact_phone == ""
    shared.refresh_from_db()
    assert shared.is_public
    assert ActorMessage.objects.get().sender is None
    # Logged out, and the actor has left public view.
    assert client.get("/mina-sidor/").status_code == 302
    assert client.get("/aktorer/foreningen-alfa/").status_code == 404
    # Others are untouched.
    assert User.objects.filter(pk=rep_b.pk).exists()


def test_other_apps_cleanup_hooks_run(rep_a, monkeypatch) -> None:
    called = []
    monkeypatch.setattr(gdpr, "USER_DELETE_CLEANUPS", [_record])
    monkeypatch.setattr(__import__("tests.members.test_my_data", fromlist=["x"]), "_calls", called)
    services.user_delete(user=rep_a)
    assert called == [rep_a.email]


_calls: list = []


def _record(*, user) -> None:
    _calls.append(user.email)


def test_other_apps_export_sections_are_included(client, rep_a, monkeypatch) -> None:
    monkeypatch.setattr(gdpr, "USER_EXPORT_SECTIONS", [_export_section])
    client.force_login(rep_a)
    data = json.loads(client.get("/mina-sidor/mina-uppgifter/export/").content)
    assert data["registrations"] == [rep_a.email]


def _export_section(*, user) -> dict:
    return {"registrations": [user.email]}


def test_deleted_users_sole_actor_leaves_the_page_cache(
    client, rep_a, actor_a, settings, django_capture_on_commit_callbacks
) -> None:
    from django.core.cache import cache
    from django.test import Client

    settings.ANON_CACHE_SECONDS = 300
    cache.clear()
    anonymous = Client()
    assert anonymous.get("/aktorer/").content.decode().count("Föreningen Alfa") >= 1
    with django_capture_on_commit_callbacks(execute=True):
        services.user_delete(user=rep_a)
    assert "Föreningen Alfa" not in anonymous.get("/aktorer/").content.decode()
    cache.clear()


def test_grants_and_meetings_register_their_gdpr_hooks() -> None:
    from grants.services import applications_user_delete, applications_user_export
    from meetings.services import registrations_user_delete, registrations_user_export

    assert {applications_user_export, registrations_user_export} <= set(gdpr.USER_EXPORT_SECTIONS)
    assert {applications_user_delete, registrations_user_delete} <= set(gdpr.USER_DELETE_CLEANUPS)


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.fixture
def rich_user(rep_a, rep_b, actor_a, networks):
    """rep_a with a row in most sections: an application, a registration, invitations, a message."""
    import datetime

    from django.utils import timezone

    from grants.models import Pot
    from meetings.models import Registration
    from tests.grants.conftest import make_application
    from tests.meetings.conftest import make_meeting

    today = timezone.localdate()
    pot = Pot.objects.create(
        year=today.year,
        name="Potten",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        max_amount_per_application=20_000,
    )
    make_application(pot=pot, lead=actor_a, status="submitted")
    meeting = make_meeting(networks["andersberg"], title="Vårträff", registration_enabled=True, capacity=5)
    Registration.objects.create(meeting=meeting, user=rep_a, actor=actor_a, needs="Glutenfritt")
    later = timezone.now() + datetime.timedelta(days=5)
    Invitation.objects.create(actor=actor_a, email="ny@example.se", token="t1", invited_by=rep_a, expires_at=later)
    Invitation.objects.create(actor=rep_b.representations.get().actor, email=rep_a.email, token="t2", expires_at=later)
    ActorMessage.objects.create(sender=rep_a, actor=actor_a)
    rep_a.name = "Anna Alfa"
    rep_a.save(update_fields=["name"])
    return rep_a


def test_export_uses_words_and_local_times(client, rich_user) -> None:
    client.force_login(rich_user)
    response = client.get("/mina-sidor/mina-uppgifter/export/")
    data = json.loads(response.content)
    assert data["user"]["name"] == "Anna Alfa"
    rep = data["representations"][0]
    assert rep["role"] == "kontaktperson som kan bjuda in fler företrädare"
    assert rep["actor_details"]["kind"] == "Förening"
    assert data["memberships"][0]["status"] == "Aktiv"
    assert data["grant_applications"][0]["status"] == "Inskickad"
    assert data["meeting_registrations"][0]["status"] == "Anmäld"
    text = response.content.decode()
    for code in ('"signatory"', '"forening"', '"active"', '"submitted"', '"confirmed"'):
        assert code not in text
    # Local time with its offset and whole seconds: never UTC's "Z"/"+00:00", never microseconds.
    stamps = re.findall(r'"(\d{4}-\d\d-\d\dT[^"]+)"', text)
    assert stamps
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00", stamp) for stamp in stamps), stamps
    assert data["user"]["date_joined"] == timezone.localtime(rich_user.date_joined).replace(microsecond=0).isoformat()


def test_my_data_page_shows_the_data_readably_and_documents_every_key(client, rich_user) -> None:
    client.force_login(rich_user)
    html = client.get("/mina-sidor/mina-uppgifter/").content.decode()
    assert "<dt>Din roll</dt><dd>kontaktperson som kan bjuda in fler företrädare</dd>" in html
    assert "<dt>Typ</dt><dd>Förening</dd>" in html
    assert "<dt>Namn</dt><dd>Anna Alfa</dd>" in html
    assert "<dt>Behov av anpassning eller kost</dt><dd>Glutenfritt</dd>" in html
    joined = dateformat.format(timezone.localtime(rich_user.date_joined), "l j F Y")
    assert f"<dt>Kontot skapades</dt><dd>{joined} kl. " in html
    assert "signatory" not in html and "forening" not in html.replace("foreningen-alfa", "")
    assert 'href="/mina-sidor/mina-uppgifter/export/" download' in html
    # Every key of the download is explained on the page, and shown under its label.
    data = json.loads(client.get("/mina-sidor/mina-uppgifter/export/").content)
    for key in _keys(data):
        assert f"<code>{key}</code></dt><dd>" in html, f"{key} is not documented"
        assert f"<code>{key}</code></dt><dd>{key}</dd>" not in html


def test_every_export_key_has_a_label() -> None:
    # Sections without rows in the page test (decisions, payments, ...) are checked in the source.
    import inspect

    from grants.services import applications_user_export
    from meetings.services import registrations_user_export

    labels = {**services.USER_EXPORT_LABELS, **gdpr.EXPORT_LABELS}
    for export in (services.user_export, applications_user_export, registrations_user_export):
        source = inspect.getsource(export)
        keys = set(re.findall(r'"([a-z_]+)": ', source)) | set(re.findall(r"\b([a-z_]+)=app\.", source))
        assert keys, export
        assert keys <= set(labels), keys - set(labels)


@pytest.mark.parametrize("path", ["/mina-sidor/mina-uppgifter/", "/mina-sidor/mina-uppgifter/export/"])
def test_my_data_is_kept_by_no_browser_cache(client, rep_a, path) -> None:
    """A person's data (an actor's bank details among it) stays off a shared computer's disk."""
    client.force_login(rep_a)
    response = client.get(path)
    assert response.status_code == 200
    parts = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= parts
