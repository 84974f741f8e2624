"""No mail lost in silence, none sent twice (core/mail.py): the Message-ID of a row, given
up by age and not by a count of attempts, send_outbox's exit status, claims that follow the
clock, the settings, and the migration that gives the rows already queued a Message-ID."""

from __future__ import annotations

import re
import runpy
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core import mail as mail_module
from core.mail import give_up_at, mail_queue_message, outbox_retry, outbox_send
from core.models import Outbox

FAILING = "tests.grants.failing_backend.FailingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
T0 = datetime(2027, 3, 9, 17, 0, tzinfo=UTC)
SETTINGS_FILE = Path(__file__).resolve().parent.parent / "natverk" / "settings.py"


def _row(**extra) -> Outbox:
    return Outbox.objects.create(
        **{"to": "a@example.se", "subject": "Hej", "body": "Text", "kind": "test.mail", **extra}
    )


# ---- the Message-ID ----


@pytest.mark.django_db
def test_every_row_gets_its_own_message_id_in_the_sites_form(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = LOCMEM
    settings.MAIL_MESSAGE_ID_DOMAIN = "natverk.example.se"
    with django_capture_on_commit_callbacks(execute=True):
        mail_queue_message(to=["a@example.se", "b@example.se"], subject="Hej", body="Text", kind="test.mail")
    ids = list(Outbox.objects.values_list("message_id", flat=True))
    assert len(set(ids)) == 2
    assert all(re.fullmatch(r"<[0-9a-f]{32}@natverk\.example\.se>", value) for value in ids)
    # The header of each mail is its row's, not one Django makes up per attempt.
    assert sorted(m.message()["Message-ID"] for m in mail.outbox) == sorted(ids)


@pytest.mark.django_db
def test_every_attempt_of_a_row_carries_the_same_message_id(settings, monkeypatch):
    seen: list[str] = []
    original = EmailBackend.send_messages

    def fail_twice(self, messages):
        seen.append(messages[0].message()["Message-ID"])
        if len(seen) <= 2:
            raise ConnectionRefusedError("mail server is down")
        return original(self, messages)

    settings.EMAIL_BACKEND = LOCMEM
    monkeypatch.setattr(EmailBackend, "send_messages", fail_twice)
    row = _row(created_at=T0, next_attempt_at=T0)
    for minutes in (0, 1, 3):
        outbox_send(now=T0 + timedelta(minutes=minutes))
    row.refresh_from_db()
    assert row.sent_at == T0 + timedelta(minutes=3)
    assert seen == [row.message_id] * 3
    assert mail.outbox[0].message()["Message-ID"] == row.message_id


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["<a\r\nBcc: evil@example.se>", "utan-vinkel@example.se", "<@x>", ""])
def test_a_row_whose_message_id_the_site_did_not_make_is_never_sent(settings, value):
    settings.EMAIL_BACKEND = LOCMEM
    _row(message_id=value)
    assert outbox_send().failed == 1
    assert mail.outbox == []
    assert "Message-ID" in Outbox.objects.get().last_error


@pytest.mark.django_db
def test_a_row_written_by_the_previous_release_during_an_update_gets_one_message_id(settings, monkeypatch):
    """The previous release's INSERT names no message_id: it must not fail (the column is
    nullable), and the sender gives the row one before its first attempt, kept for the next."""
    seen: list[str] = []
    original = EmailBackend.send_messages

    def fail_once(self, messages):
        seen.append(messages[0].message()["Message-ID"])
        if len(seen) == 1:
            raise ConnectionRefusedError("mail server is down")
        return original(self, messages)

    settings.EMAIL_BACKEND = LOCMEM
    settings.MAIL_MESSAGE_ID_DOMAIN = "natverk.example.se"
    monkeypatch.setattr(EmailBackend, "send_messages", fail_once)
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO natverk_outbox ("to", subject, body, reply_to, attachments, headers, kind, created_at,'
            " attempts, next_attempt_at, last_error) VALUES (%s, %s, %s, '', '[]', '{}', %s, %s, 0, %s, '')",
            ["gammal@example.se", "Hej", "Text", "test.old", *[connection.ops.adapt_datetimefield_value(T0)] * 2],
        )
    assert Outbox.objects.get().message_id is None
    outbox_send(now=T0)
    row = Outbox.objects.get()
    assert re.fullmatch(r"<[0-9a-f]{32}@natverk\.example\.se>", row.message_id)
    outbox_send(now=T0 + timedelta(minutes=1))
    row.refresh_from_db()
    assert row.sent_at is not None
    assert seen == [row.message_id, row.message_id]


# ---- given up by age ----


@pytest.mark.django_db
def test_a_failing_mail_is_tried_at_most_an_hour_apart_until_the_give_up_time(settings):
    settings.EMAIL_BACKEND = FAILING
    settings.MAIL_GIVE_UP_AFTER = timedelta(hours=96)
    row = _row(created_at=T0, next_attempt_at=T0)
    now, tries = T0, []
    while True:
        result = outbox_send(now=now)
        assert result.failed == 1
        tries.append(now)
        row.refresh_from_db()
        if row.failed_at:
            break
        now = row.next_attempt_at
    gaps = [b - a for a, b in zip(tries, tries[1:], strict=False)]
    assert max(gaps) == timedelta(hours=1)
    # Given up at the give-up time itself, on the attempt made then, not on an attempt count.
    assert (row.failed_at, tries[-1]) == (T0 + timedelta(hours=96), T0 + timedelta(hours=96))
    assert row.attempts == len(tries) > 90
    assert result.gave_up == 1


@pytest.mark.django_db
def test_queued_again_in_the_admin_the_give_up_time_counts_from_then(settings):
    settings.EMAIL_BACKEND = FAILING
    settings.MAIL_GIVE_UP_AFTER = timedelta(hours=96)
    row = _row(created_at=T0, failed_at=T0 + timedelta(hours=96), attempts=100)
    later = T0 + timedelta(days=10)
    assert outbox_retry(rows=Outbox.objects.all(), now=later) == 1
    result = outbox_send(now=later)
    row.refresh_from_db()
    assert (result.failed, result.gave_up, row.failed_at) == (1, 0, None)
    assert (row.attempts, row.next_attempt_at) == (1, later + timedelta(minutes=1))
    assert give_up_at(row) == later + timedelta(hours=96)


# ---- claims ----


def test_a_claim_outlasts_ten_timeouts_of_the_mail_server():
    assert mail_module._claim_length(10) == timedelta(minutes=5)
    assert mail_module._claim_length(60) == timedelta(minutes=10)


@pytest.mark.django_db
def test_claims_follow_the_clock_through_a_long_run(settings, monkeypatch):
    """A row claimed ten minutes into a run is held until ten minutes plus the claim from its start."""
    claims: dict[str, datetime] = {}
    original = EmailBackend.send_messages

    def note_claim(self, messages):
        message_id = messages[0].extra_headers["Message-ID"]
        claims[messages[0].to[0]] = Outbox.objects.get(message_id=message_id).claimed_until
        return original(self, messages)

    ticks = iter([0.0, 0.0, 600.0])
    monkeypatch.setattr(mail_module, "time", types.SimpleNamespace(monotonic=lambda: next(ticks)))
    monkeypatch.setattr(EmailBackend, "send_messages", note_claim)
    settings.EMAIL_BACKEND = LOCMEM
    for address in ("first@example.se", "second@example.se"):
        Outbox.objects.create(to=address, subject="Hej", body="Text", kind="test.mail", next_attempt_at=T0)
    assert outbox_send(now=T0).sent == 2
    assert claims == {
        "first@example.se": T0 + timedelta(minutes=5),
        "second@example.se": T0 + timedelta(minutes=15),
    }


# ---- send_outbox's exit status ----


@pytest.mark.django_db
def test_send_outbox_succeeds_when_all_went_out_or_nothing_was_due(settings, capsys):
    settings.EMAIL_BACKEND = LOCMEM
    call_command("send_outbox")
    _row()
    call_command("send_outbox")
    assert "sent=1 failed=0 gave_up=0" in capsys.readouterr().out


@pytest.mark.django_db
def test_send_outbox_fails_when_a_mail_failed_and_says_how_many(settings, capsys):
    settings.EMAIL_BACKEND = FAILING
    _row()
    _row(to="b@example.se")
    with pytest.raises(CommandError) as failed:
        call_command("send_outbox")
    message = str(failed.value)
    assert message.startswith("E-posten fastnar: 1 brev kunde inte skickas och ligger kvar i kön")
    # The server went away at the first: the other was not tried.
    assert "1 brev till väntar på att e-postservern svarar" in message
    assert "Fel: ConnectionRefusedError: mail server is down." in message
    assert "\n" not in message
    assert "sent=0 failed=1 gave_up=0 not_tried=1" in capsys.readouterr().out
    assert Outbox.objects.filter(sent_at__isnull=True, failed_at__isnull=True).count() == 2


@pytest.mark.django_db
def test_send_outbox_fails_when_a_mail_was_given_up(settings):
    settings.EMAIL_BACKEND = FAILING
    now = timezone.now()
    _row(created_at=now - settings.MAIL_GIVE_UP_AFTER - timedelta(minutes=1), next_attempt_at=now)
    with pytest.raises(CommandError, match=r"^E-posten fastnar: 1 brev har getts upp och skickas inte mer\. Fel: "):
        call_command("send_outbox")
    assert Outbox.objects.get().failed_at is not None
    # Given up is given up: the next run has nothing to send and succeeds.
    call_command("send_outbox")


# ---- settings ----


@pytest.mark.parametrize("hours", ["71", "721", "0", "tre dagar"])
def test_a_give_up_time_under_72_hours_or_not_a_number_stops_the_start(monkeypatch, hours):
    monkeypatch.setenv("MAIL_GIVE_UP_AFTER_HOURS", hours)
    with pytest.raises(ImproperlyConfigured, match="MAIL_GIVE_UP_AFTER_HOURS"):
        runpy.run_path(str(SETTINGS_FILE))


def test_the_give_up_time_and_message_id_domain_from_the_environment(monkeypatch):
    monkeypatch.delenv("MAIL_GIVE_UP_AFTER_HOURS", raising=False)
    monkeypatch.delenv("MAIL_MESSAGE_ID_DOMAIN", raising=False)
    monkeypatch.setenv("SITE_URL", "https://Natverk.Gavle.se/")
    read = runpy.run_path(str(SETTINGS_FILE))
    assert (read["MAIL_GIVE_UP_AFTER"], read["MAIL_MESSAGE_ID_DOMAIN"]) == (timedelta(hours=120), "natverk.gavle.se")
    monkeypatch.setenv("MAIL_GIVE_UP_AFTER_HOURS", "72")
    monkeypatch.setenv("MAIL_MESSAGE_ID_DOMAIN", "mail.gavle.se")
    read = runpy.run_path(str(SETTINGS_FILE))
    assert (read["MAIL_GIVE_UP_AFTER"], read["MAIL_MESSAGE_ID_DOMAIN"]) == (timedelta(hours=72), "mail.gavle.se")


@pytest.mark.parametrize("domain", ["natverk gavle.se", "natverk.gavle.se>", "<x>", "-natverk.se", "nätverk.se"])
def test_a_message_id_domain_that_is_not_a_plain_host_name_stops_the_start(monkeypatch, domain):
    monkeypatch.setenv("MAIL_MESSAGE_ID_DOMAIN", domain)
    with pytest.raises(ImproperlyConfigured, match="MAIL_MESSAGE_ID_DOMAIN"):
        runpy.run_path(str(SETTINGS_FILE))


# ---- the migration ----


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_queued_row_its_own_message_id(settings):
    settings.MAIL_MESSAGE_ID_DOMAIN = "natverk.example.se"
    before, after = [("natverk", "0002_outbox_headers")], [("natverk", "0003_outbox_message_id")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps.get_model("natverk", "Outbox")
        old.objects.bulk_create(
            old(to=f"{n}@example.se", subject="Hej", body="Text", kind="test.mail", created_at=T0) for n in range(3)
        )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("natverk"))
    ids = list(Outbox.objects.values_list("message_id", flat=True))
    assert len(ids) == len(set(ids)) == 3
    assert all(re.fullmatch(r"<[0-9a-f]{32}@natverk\.example\.se>", value) for value in ids)
    # New rows get theirs from the model, unique with the old ones.
    assert _row().message_id not in ids
