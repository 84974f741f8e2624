"""The one road for mail (core/mail.py): queued with the change, sent after commit,
retried with back-off, never a 500 or a long wait when the mail server is down or hangs."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from core.mail import (
    BREAKER,
    mail_queue,
    mail_queue_each,
    mail_queue_message,
    outbox_send,
    outbox_send_after_commit,
    retry_delay,
)
from core.models import Outbox
from grants.models import Application
from meetings.models import Registration
from meetings.services import registration_create
from members.models import Actor, ActorMessage, Invitation, Membership, User
from members.services import actor_message_send
from tests.grants.conftest import make_application, pot  # noqa: F401 - pot is a fixture
from tests.meetings.conftest import make_meeting
from tests.smtp_stub import ACCEPT, HANG, REFUSE, SMTPStub, send_through

FAILING = "tests.grants.failing_backend.FailingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
T0 = datetime(2027, 3, 9, 17, 0, tzinfo=UTC)


@pytest.fixture
def smtp(settings):
    stub = SMTPStub(ACCEPT)
    send_through(settings, stub, timeout=2)
    settings.EMAIL_REQUEST_TIMEOUT = 0.5
    yield stub
    stub.stop()


def _queue(to: list[str], subject: str = "Hej", **extra) -> list[int]:
    return mail_queue_message(to=to, subject=subject, body="Text", kind="test.mail", **extra)


# ---- the transaction ----


@pytest.mark.django_db
def test_rows_are_written_in_the_transaction_and_rolled_back_with_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _queue(["a@example.se"])
        assert Outbox.objects.count() == 1
        raise RuntimeError("the change fails")
    assert not Outbox.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_sent_after_commit_not_before(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        ids = _queue(["a@example.se", "A@example.se", "b@example.se"])
        assert mail.outbox == []
    assert len(ids) == 2  # one row per recipient, the same address once
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.se", "b@example.se"]
    assert Outbox.objects.filter(sent_at__isnull=False, attempts=1).count() == 2


@pytest.mark.django_db
def test_templates_are_rendered_in_swedish_whatever_the_page(settings, django_capture_on_commit_callbacks):
    from django.utils import translation

    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        mail_queue(
            to=["a@example.se"],
            template="members/email/actor_message",
            context={"sender": User(name="Kim"), "actor": Actor(name="Alfa"), "subject": "Hej", "body": "Text"},
            kind="members.actor_message",
        )
    assert mail.outbox[0].subject == "[Stadsdelsnätverken] Meddelande via webbplatsen: Hej"


def _actor_message(**extra) -> None:
    mail_queue(
        to=["a@example.se"],
        template="members/email/actor_message",
        context={"sender": User(name="Kim"), "actor": Actor(name="Alfa"), "subject": "Hej", "body": "Text"},
        kind="members.actor_message",
        **extra,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "[Stadsdelsnätverken] Message via the website: Hej"),
        ("sv", "[Stadsdelsnätverken] Meddelande via webbplatsen: Hej"),
        (None, "[Stadsdelsnätverken] Meddelande via webbplatsen: Hej"),
        ("xx", "[Stadsdelsnätverken] Meddelande via webbplatsen: Hej"),  # not a site language: Swedish
    ],
)
def test_templates_are_rendered_in_the_language_asked_for(django_capture_on_commit_callbacks, language, subject):
    from django.utils import translation

    with django_capture_on_commit_callbacks(execute=True), translation.override("fi"):
        _actor_message(language=language)
        # The page's language is back once the mail is rendered.
        assert translation.get_language() == "fi"
    assert mail.outbox[0].subject == subject


@pytest.mark.django_db
def test_mail_to_each_user_in_the_users_language(django_capture_on_commit_callbacks):
    english = User.objects.create_user(email="en@example.se", name="Kim Berg", language="en")
    swedish = User.objects.create_user(email="sv@example.se", name="Ulla Berg")
    with django_capture_on_commit_callbacks(execute=True):
        mail_queue_each(
            users=[english, swedish],
            template="members/email/actor_message",
            context={"sender": User(name="Kim"), "actor": Actor(name="Alfa"), "subject": "Hej", "body": "Text"},
            kind="members.actor_message",
        )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "en@example.se": "[Stadsdelsnätverken] Message via the website: Hej",
        "sv@example.se": "[Stadsdelsnätverken] Meddelande via webbplatsen: Hej",
    }


@pytest.mark.django_db(transaction=True)
def test_one_connection_for_all_mail_of_a_commit(smtp):
    with transaction.atomic():
        _queue(["a@example.se", "b@example.se"])
        Actor.objects.create(name="Mellan", slug="mellan")
        with transaction.atomic():
            _queue(["c@example.se"])
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue(["rolled-back@example.se"])
            raise RuntimeError("savepoint rolled back")
    assert sorted(smtp.recipients()) == ["a@example.se", "b@example.se", "c@example.se"]
    assert smtp.connections == 1
    assert not Outbox.objects.filter(to="rolled-back@example.se").exists()


# ---- links in the recipient's language (issue 22) ----


@pytest.mark.django_db
def test_links_in_mail_carry_each_readers_language(
    settings, networks, actor_a, rep_a, django_capture_on_commit_callbacks
):
    """One context, made on a Finnish page, for readers of two languages: each reader's links
    (and the portal's address under the mail) open the pages in the language of their mail."""
    from django.utils import translation

    from meetings.services import meeting_publish_minutes
    from members.models import Representation

    settings.SITE_URL = "https://natverk.example.se"
    User.objects.filter(pk=rep_a.pk).update(language="ar")
    swedish = User.objects.create_user(email="sv@example.se", name="Ulla Berg")
    Representation.objects.create(user=swedish, actor=actor_a, role=Representation.Role.CONTACT)
    meeting = make_meeting(networks["andersberg"], minutes="Vi bestämde att ses igen.")
    path = meeting.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True), translation.override("fi"):
        assert meeting_publish_minutes(meeting=meeting) == 2

    bodies = {message.to[0]: message.body for message in mail.outbox}
    arabic, plain = bodies[rep_a.email], bodies[swedish.email]
    assert f"https://natverk.example.se/ar{path}" in arabic
    assert arabic.rstrip().endswith("https://natverk.example.se/ar/")
    assert f"https://natverk.example.se{path}" in plain and "/fi/" not in plain
    assert plain.rstrip().endswith("https://natverk.example.se")


@pytest.mark.django_db
def test_a_sign_up_on_an_arabic_page_mails_a_swedish_reader_swedish_links(
    client, settings, networks, resident, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://natverk.example.se"
    meeting = make_meeting(networks["andersberg"], registration_enabled=True, capacity=5)
    path = meeting.get_absolute_url()
    client.force_login(resident)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ar{path}anmalan/", {"attendee": "self"})

    (message,) = mail.outbox
    assert f"https://natverk.example.se{path}" in message.body
    assert "https://natverk.example.se/mina-sidor/moten/" in message.body
    assert "/ar/" not in message.body
    (ics,) = [content for name, content, _type in message.attachments if name == "mote.ics"]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert f"URL:https://natverk.example.se{path}" in ics and "/ar/" not in ics


# ---- headers ----


@pytest.mark.django_db
def test_newline_in_subject_and_reply_to_never_reaches_a_header(rep_a, rep_b, django_capture_on_commit_callbacks):
    # Messages go between verified account addresses only (members.contact).
    for user in (rep_a, rep_b):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        _queue(["a@example.se"], subject="Hej\r\nBcc: evil@example.se\x00", reply_to="x@example.se\nBcc: y@example.se")
        actor_message_send(
            sender=rep_b, actor=rep_a.representations.get().actor, subject="Fest\nBcc: evil@example.se", body="Text"
        )
    first, relayed = mail.outbox
    assert first.subject == "[Stadsdelsnätverken] Hej Bcc: evil@example.se"
    assert first.reply_to == []
    assert relayed.subject == "[Stadsdelsnätverken] Meddelande via webbplatsen: Fest Bcc: evil@example.se"
    assert relayed.reply_to == [rep_b.email]
    assert all("\n" not in row.subject for row in Outbox.objects.all())


@pytest.mark.django_db
def test_long_subject_is_trimmed_to_the_field(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(["a@example.se"], subject="Å" * 500)
    assert len(Outbox.objects.get().subject) == 200


@pytest.mark.django_db
def test_extra_headers_are_stored_and_sent(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = LOCMEM
    headers = {
        "List-Unsubscribe": "<https://natverk.example/veckobrev/avsluta/1:abc/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    with django_capture_on_commit_callbacks(execute=True):
        _queue(["a@example.se"], headers=headers)
        _queue(["b@example.se"])
    assert Outbox.objects.get(to="a@example.se").headers == headers
    assert Outbox.objects.get(to="b@example.se").headers == {}
    with_headers, without = sorted(mail.outbox, key=lambda m: m.to)
    message = with_headers.message()
    assert message["List-Unsubscribe"] == headers["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert without.message()["List-Unsubscribe"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"List-Unsubscribe": "<https://a.example/>\r\nBcc: evil@example.se"},
        {"List-Unsubscribe": "<https://a.example/>\nBcc: evil@example.se"},
        {"List-Unsubscribe": "<https://a.example/>\rX"},
        {"List-Unsubscribe": "a\x00b"},
        {"X-Long": "x" * 999},
        {"Bcc": "evil@example.se"},
        {"reply-to": "evil@example.se"},
        {"X Bad": "value"},
        {"X-Bad:": "value"},
    ],
)
def test_extra_headers_with_line_breaks_or_sender_fields_are_refused(headers):
    with pytest.raises(ValueError):
        _queue(["a@example.se"], headers=headers)
    assert not Outbox.objects.exists()


@pytest.mark.django_db
def test_a_row_with_a_bad_header_is_never_sent(settings):
    # Written past mail_queue_message: the sender checks again and keeps the row with its error.
    settings.EMAIL_BACKEND = LOCMEM
    Outbox.objects.create(
        to="a@example.se", subject="Hej", body="Text", kind="test.mail", headers={"X-Evil": "a\r\nBcc: b@example.se"}
    )
    assert outbox_send().failed == 1
    assert mail.outbox == []
    assert "line break" in Outbox.objects.get().last_error


# ---- send_outbox: back-off, give-up, claims ----


def test_retry_delay_doubles_up_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_delay(6) == timedelta(minutes=32)
    assert retry_delay(7) == retry_delay(500) == timedelta(hours=1)


@pytest.mark.django_db
def test_back_off_and_give_up_with_a_frozen_clock(settings):
    settings.EMAIL_BACKEND = FAILING
    settings.MAIL_GIVE_UP_AFTER = timedelta(minutes=10)
    Outbox.objects.create(
        to="a@example.se", subject="Hej", body="Text", kind="test.mail", created_at=T0, next_attempt_at=T0
    )
    now = T0
    # 1, 2, 4 minutes, then the last attempt falls on the give-up time itself (T0 + 10), not T0 + 15.
    for attempt, next_at in [(1, 1), (2, 3), (3, 7), (4, 10)]:
        assert outbox_send(now=now).failed == 1
        row = Outbox.objects.get()
        assert (row.attempts, row.next_attempt_at, row.failed_at) == (attempt, T0 + timedelta(minutes=next_at), None)
        assert "mail server is down" in row.last_error
        # Not due yet: nothing is tried.
        assert outbox_send(now=row.next_attempt_at - timedelta(seconds=1)).failed == 0
        now = row.next_attempt_at
    result = outbox_send(now=now)
    row = Outbox.objects.get()
    assert (result.gave_up, row.attempts, row.failed_at) == (1, 5, T0 + timedelta(minutes=10))
    assert outbox_send(now=now + timedelta(days=30)).failed == 0

    settings.EMAIL_BACKEND = LOCMEM
    call_command("send_outbox")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_claimed_row_is_left_to_its_sender(settings):
    settings.EMAIL_BACKEND = LOCMEM
    row = Outbox.objects.create(
        to="a@example.se", subject="Hej", body="Text", kind="test.mail", claimed_until=T0 + timedelta(minutes=5)
    )
    assert outbox_send(now=T0).sent == 0
    assert outbox_send_after_commit(ids=[row.pk]).sent == 0
    assert mail.outbox == []
    # The other sender died: its claim runs out and the row goes out, once.
    assert outbox_send(now=T0 + timedelta(minutes=6)).sent == 1
    assert outbox_send(now=T0 + timedelta(minutes=20)).sent == 0
    assert outbox_send_after_commit(ids=[row.pk]).sent == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_refused_recipient_does_not_stop_the_others(settings, monkeypatch):
    import smtplib

    settings.EMAIL_BACKEND = LOCMEM
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def refuse_one(self, messages):
        if messages[0].to == ["nej@example.se"]:
            raise smtplib.SMTPRecipientsRefused({"nej@example.se": (550, b"No such user")})
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_one)
    for address in ["nej@example.se", "ja@example.se"]:
        Outbox.objects.create(to=address, subject="Hej", body="Text", kind="test.mail", next_attempt_at=T0)
    result = outbox_send(now=T0)
    assert (result.sent, result.failed) == (1, 1)
    assert [m.to for m in mail.outbox] == [["ja@example.se"]]


@pytest.mark.django_db
def test_send_outbox_prints_a_summary(settings, capsys):
    settings.EMAIL_BACKEND = LOCMEM
    _queue(["a@example.se"])
    call_command("send_outbox")
    assert "sent=1 failed=0" in capsys.readouterr().out


# ---- the circuit breaker ----


@pytest.mark.django_db
def test_after_a_failure_sends_after_commit_pause_and_send_outbox_catches_up(smtp, django_capture_on_commit_callbacks):
    smtp.set_mode(REFUSE)
    with django_capture_on_commit_callbacks(execute=True):
        _queue(["a@example.se"])
    assert "ConnectionRefusedError" in Outbox.objects.get(to="a@example.se").last_error
    assert BREAKER.is_open()
    smtp.set_mode(ACCEPT)
    with django_capture_on_commit_callbacks(execute=True):
        _queue(["b@example.se"])
    assert smtp.connections == 0  # skipped: the server failed less than a minute ago
    assert Outbox.objects.filter(sent_at__isnull=True).count() == 2
    call_command("send_outbox")
    call_command("send_outbox")
    assert sorted(smtp.recipients()) == ["a@example.se", "b@example.se"]


# ---- the admin ----

CHANGELIST = reverse("admin:natverk_outbox_changelist")


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(email="admin@example.se", password="x-Lösenord-123")


@pytest.mark.django_db
def test_admin_lists_status_and_retries_given_up_mail(client, superuser, settings):
    Outbox.objects.create(to="kö@example.se", subject="Väntar", body="x", kind="meetings.reminder")
    Outbox.objects.create(to="ute@example.se", subject="Skickad", body="x", kind="grants.status", sent_at=T0)
    given_up = Outbox.objects.create(
        to="nej@example.se", subject="Gav upp", body="x", kind="grants.status", failed_at=T0, attempts=10
    )
    client.force_login(superuser)
    page = client.get(CHANGELIST).content.decode()
    assert "i kö" in page and "skickad" in page and "gav upp" in page
    failed_page = client.get(CHANGELIST, {"status": "failed"}).content.decode()
    assert "nej@example.se" in failed_page and "ute@example.se" not in failed_page
    assert "kö@example.se" in client.get(CHANGELIST, {"kind": "meetings.reminder"}).content.decode()
    assert "ute@example.se" in client.get(CHANGELIST, {"q": "Skickad"}).content.decode()

    response = client.post(CHANGELIST, {"action": "retry", ACTION_CHECKBOX_NAME: [given_up.pk]}, follow=True)
    assert "1 brev ligger i kö igen" in response.content.decode()
    given_up.refresh_from_db()
    assert (given_up.failed_at, given_up.attempts) == (None, 0)
    assert given_up.retried_at is not None
    settings.EMAIL_BACKEND = LOCMEM
    call_command("send_outbox")
    assert sorted(m.to[0] for m in mail.outbox) == ["kö@example.se", "nej@example.se"]


@pytest.mark.django_db
def test_admin_outbox_is_for_superusers_only(client, superuser, coord_andersberg, steering):
    row = Outbox.objects.create(to="a@example.se", subject="Hej", body="x", kind="test.mail")
    for user in (coord_andersberg, steering):
        client.force_login(user)
        assert client.get(CHANGELIST).status_code == 403
        assert client.get(reverse("admin:natverk_outbox_change", args=[row.pk])).status_code == 403
        assert "Utgående e-post" not in client.get(reverse("admin:index")).content.decode()
    client.force_login(superuser)
    page = client.get(reverse("admin:natverk_outbox_change", args=[row.pk])).content.decode()
    assert "a@example.se" in page and 'name="_save"' not in page


# ---- faults: every action answers quickly, keeps its save and its mail ----


def _sign_up(client, resident, **_) -> Callable[[], object]:
    meeting = make_meeting_for_test()
    client.force_login(resident)
    return lambda: client.post(f"/moten/{meeting.pk}/anmalan/", {"attendee": "self"})


def make_meeting_for_test():
    from networks.models import Network

    return make_meeting(Network.objects.get(slug="andersberg"), registration_enabled=True, capacity=1)


def _cancel_moves_waiting_list(client, resident, rep_a, **_) -> Callable[[], object]:
    meeting = make_meeting_for_test()
    mine = registration_create(meeting=meeting, user=resident)
    registration_create(meeting=meeting, user=rep_a)
    client.force_login(resident)
    return lambda: client.post(f"/mina-sidor/moten/{mine.pk}/avboka/")


def _membership_request(client, rep_a, coord_satra, **_) -> Callable[[], object]:
    from networks.models import Network

    client.force_login(rep_a)
    satra = Network.objects.get(slug="satra")
    return lambda: client.post("/mina-sidor/aktorer/foreningen-alfa/ga-med/", {"networks": [satra.pk]})


def _membership_approve(client, rep_a, coord_satra, **_) -> Callable[[], object]:
    from networks.models import Network

    pending = Membership.objects.create(
        actor=Actor.objects.get(slug="foreningen-alfa"), network=Network.objects.get(slug="satra")
    )
    client.force_login(coord_satra)
    # The request's own approve page, confirmed.
    return lambda: client.post(reverse("admin:members_membership_approve", args=[pending.pk]))


def _invitation(client, rep_a, **_) -> Callable[[], object]:
    client.force_login(rep_a)
    return lambda: client.post(
        "/mina-sidor/aktorer/foreningen-alfa/bjud-in/", {"email": "ny@example.se", "role": "contact"}
    )


def _contact_form(client, rep_a, rep_b, **_) -> Callable[[], object]:
    # Messages go between verified account addresses only (members.contact).
    for user in (rep_a, rep_b):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(rep_b)
    return lambda: client.post("/aktorer/foreningen-alfa/meddelande/", {"subject": "Samarbete?", "body": "Hej!"})


def _grant_decision(client, rep_a, steering, pot, **_) -> Callable[[], object]:  # noqa: F811 - pot is the fixture
    app = make_application(pot=pot, lead=Actor.objects.get(slug="foreningen-alfa"), status=Application.Status.IN_REVIEW)
    client.force_login(steering)
    # The decision renders its letter. WeasyPrint's first PDF in a process loads the library
    # and the font (about a second on a busy machine), which is not the wait for the mail
    # server that the test times: load them before.
    from weasyprint import HTML

    HTML(string="<p>Beslut</p>").write_pdf()
    data = {
        "action": "approve",
        ACTION_CHECKBOX_NAME: [app.pk],
        "apply": "1",
        f"a{app.pk}-amount": "7500",
        f"a{app.pk}-motivation": "Bra",
    }
    return lambda: client.post(reverse("admin:grants_application_changelist"), data)


def _login_code(client, rep_a, **_) -> Callable[[], object]:
    EmailAddress.objects.create(user=rep_a, email=rep_a.email, verified=True, primary=True)
    return lambda: client.post(reverse("account_request_login_code"), {"email": rep_a.email})


def _saved(action: str, rep_a: User) -> bool:
    checks = {
        "sign_up": lambda: Registration.objects.filter(status="confirmed").exists(),
        "cancel": lambda: Registration.objects.filter(user=rep_a, status="confirmed").exists(),
        "membership_request": lambda: Membership.objects.filter(network__slug="satra", status="pending").exists(),
        "membership_approve": lambda: Membership.objects.filter(network__slug="satra", status="active").exists(),
        "invitation": lambda: Invitation.objects.filter(email="ny@example.se").exists(),
        "contact": lambda: ActorMessage.objects.exists(),
        "grant_decision": lambda: Application.objects.filter(status="approved").exists(),
        "login_code": lambda: True,  # nothing is saved but the mail
    }
    return checks[action]()


ACTIONS = {
    "sign_up": (_sign_up, "meetings.registration_confirmed"),
    "cancel": (_cancel_moves_waiting_list, "meetings.promoted"),
    "membership_request": (_membership_request, "members.membership_requested"),
    "membership_approve": (_membership_approve, "members.membership_approved"),
    "invitation": (_invitation, "members.invitation"),
    "contact": (_contact_form, "members.actor_message"),
    "grant_decision": (_grant_decision, "grants.status"),
    "login_code": (_login_code, "account.login_code"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", [REFUSE, HANG])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_mail_server_down_or_hanging(
    action,
    mode,
    smtp,
    client,
    resident,
    rep_a,
    rep_b,
    coord_satra,
    steering,
    pot,  # noqa: F811
):
    cache.clear()  # allauth's rate limits
    setup, kind = ACTIONS[action]
    do = setup(
        client=client, resident=resident, rep_a=rep_a, rep_b=rep_b, coord_satra=coord_satra, steering=steering, pot=pot
    )
    delivered_before = len(smtp.messages)
    smtp.set_mode(mode)
    BREAKER.reset()

    started = time.monotonic()
    response = do()
    elapsed = time.monotonic() - started

    assert response.status_code in (200, 302)
    assert elapsed < 2
    assert _saved(action, rep_a)
    queued = Outbox.objects.filter(kind=kind, sent_at__isnull=True)
    assert queued.count() == 1
    assert queued.get().last_error

    smtp.set_mode(ACCEPT)
    call_command("send_outbox")
    call_command("send_outbox")
    assert len(smtp.messages) - delivered_before == 1
    assert not Outbox.objects.filter(sent_at__isnull=True).exists()
