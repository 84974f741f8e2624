"""Mail against a real SMTP server that fails (tests/smtp_stub.py, on a free port).

- An outage of 72 hours, the server refusing connections or answering 451, on a clock the
  test moves: every mail stays queued and is tried at most an hour apart, and is delivered
  exactly once when the server takes mail again; a mail is given up only at its give-up time.
- A `manage.py send_outbox` killed (SIGKILL) while the server holds a mail it has taken and
  the database does not yet know: the next run leaves that mail to its claim, the run after
  the claim has run out sends it again with the same Message-ID, so that there are exactly
  as many Message-IDs as mails. And send_outbox's exit status, 1 when a mail failed.

The killed sender is a real process with the test's database: the pytest database on
PostgreSQL (transaction=True), a database file of its own on SQLite (an in-memory test
database cannot be shared), read and written through manage.py either way.
"""

from __future__ import annotations

import collections
import json
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.mail import outbox_retry, outbox_send
from core.models import Outbox
from tests.appservers import REPO, manage, server_env_with_database
from tests.smtp_stub import ACCEPT, REFUSE, TEMPFAIL, SMTPStub, send_through

T0 = datetime(2027, 4, 16, 17, 0, tzinfo=UTC)  # a Friday evening
OUTAGE = timedelta(hours=72)


@pytest.fixture
def smtp(settings):
    stub = SMTPStub(ACCEPT)
    send_through(settings, stub, timeout=5)
    yield stub
    stub.stop()


def _queue(count: int) -> list[Outbox]:
    return [
        Outbox.objects.create(
            to=f"{n}@example.se", subject=f"Brev {n}", body="Text", kind="test.mail", created_at=T0, next_attempt_at=T0
        )
        for n in range(count)
    ]


def _run_the_timer(until: datetime, now: datetime = T0) -> tuple[datetime, int]:
    """send_outbox once a minute from `now` until `until`, skipping the minutes nothing is due.

    Checks after every run that each queued mail's next try is at most an hour away. Returns
    the time of the next run and how many runs tried a mail.
    """
    runs = 0
    while now < until:
        result = outbox_send(now=now)
        assert (result.sent, result.gave_up) == (0, 0)
        runs += result.failed > 0
        queued = Outbox.objects.filter(sent_at__isnull=True, failed_at__isnull=True)
        assert all(row.next_attempt_at - now <= timedelta(hours=1) for row in queued)
        now = max(now + timedelta(minutes=1), min(row.next_attempt_at for row in queued))
    return now, runs


@pytest.mark.django_db
@pytest.mark.parametrize("fault", [REFUSE, TEMPFAIL])
def test_a_72_hour_outage_keeps_every_mail_and_delivers_each_once(smtp, settings, fault):
    assert settings.MAIL_GIVE_UP_AFTER > OUTAGE  # the default, as in production
    rows = _queue(3)
    smtp.set_mode(fault)

    now, runs = _run_the_timer(until=T0 + OUTAGE)

    assert smtp.messages == []
    assert runs > 72
    queued = Outbox.objects.filter(sent_at__isnull=True, failed_at__isnull=True)
    assert queued.count() == 3
    assert all(row.attempts > 60 and row.last_error for row in queued)
    expected = "SMTPSenderRefused" if fault == TEMPFAIL else "ConnectionRefusedError"
    assert all(expected in row.last_error for row in queued)

    # The server is back: within the hour every mail goes out, once.
    smtp.set_mode(ACCEPT)
    back = now
    while Outbox.objects.filter(sent_at__isnull=True).exists():
        assert outbox_send(now=now).failed == 0
        now += timedelta(minutes=1)
    assert now - back <= timedelta(hours=1)
    outbox_send(now=now + timedelta(hours=5))
    assert sorted(smtp.recipients()) == ["0@example.se", "1@example.se", "2@example.se"]
    assert sorted(smtp.message_ids()) == sorted(row.message_id for row in rows)


@pytest.mark.django_db
def test_a_mail_is_given_up_at_its_give_up_time_and_not_before(smtp, settings):
    (row,) = _queue(1)
    deadline = T0 + settings.MAIL_GIVE_UP_AFTER
    smtp.set_mode(REFUSE)

    now, _runs = _run_the_timer(until=deadline)

    row.refresh_from_db()
    assert (row.failed_at, row.next_attempt_at, now) == (None, deadline, deadline)
    result = outbox_send(now=deadline)
    row.refresh_from_db()
    assert (result.failed, result.gave_up, row.failed_at) == (1, 1, deadline)

    # Given up is not sent when the server comes back, until someone queues it again.
    smtp.set_mode(ACCEPT)
    assert outbox_send(now=deadline + timedelta(hours=1)).sent == 0
    assert smtp.messages == []
    outbox_retry(rows=Outbox.objects.all(), now=deadline + timedelta(hours=2))
    assert outbox_send(now=deadline + timedelta(hours=2)).sent == 1
    assert smtp.message_ids() == [row.message_id]


# ---- a sender killed mid-run ----

ROWS = 4
CREATE = f"""
import json
from core.models import Outbox
rows = [Outbox(to=f"{{n}}@example.se", subject=f"Brev {{n}}", body="Text", kind="test.kill") for n in range({ROWS})]
Outbox.objects.bulk_create(rows)
print(json.dumps([row.message_id for row in rows]))
"""
STATE = """
import json
from core.models import Outbox
print(json.dumps([
    {"to": r.to, "message_id": r.message_id, "sent": r.sent_at is not None, "claimed": r.claimed_until is not None}
    for r in Outbox.objects.order_by("pk")
]))
"""
# What a clock moved past the claim would see: the claim of the killed sender has run out.
EXPIRE_CLAIMS = """
import json
from datetime import timedelta
from django.utils import timezone
from core.models import Outbox
claimed = Outbox.objects.filter(claimed_until__isnull=False)
print(json.dumps(claimed.update(claimed_until=timezone.now() - timedelta(seconds=1))))
"""


def _shell(env: dict[str, str], code: str):
    return json.loads(manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def _send_outbox(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - a fixed program and arguments
        [sys.executable, "manage.py", "send_outbox"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def sender_env(smtp, tmp_path: Path) -> dict[str, str]:
    """The environment of send_outbox processes: the test's database, the stub as mail server."""
    extra = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp.host,
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        # Longer than the test needs to kill the sender while the stub holds its answer.
        "EMAIL_TIMEOUT": "30",
        "MAIL_MESSAGE_ID_DOMAIN": "natverk.example.se",
        "REDIS_URL": "",
    }
    env = server_env_with_database(extra, tmp_path)
    return env


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_sender_killed_after_the_server_took_a_mail_never_makes_a_new_mail_of_it(smtp, sender_env):
    message_ids = _shell(sender_env, CREATE)
    assert len(set(message_ids)) == ROWS

    # The first run: the server takes mail 1, then takes mail 2 and holds its answer, and the
    # sender is killed: the server has mail 2, the database does not know it went.
    smtp.hold_after(2)
    sender = subprocess.Popen(  # noqa: S603 - a fixed program and arguments
        [sys.executable, "manage.py", "send_outbox"],
        cwd=REPO,
        env=sender_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert smtp.holding.wait(60), sender.stderr.read().decode() if sender.poll() is not None else "no mail"
        sender.send_signal(signal.SIGKILL)
        assert sender.wait(30) == -signal.SIGKILL
    finally:
        if sender.poll() is None:
            sender.kill()
            sender.wait(30)
        sender.stderr.close()
        smtp.release_hold()
    state = _shell(sender_env, STATE)
    # Mail 1 was marked sent at once, before the sender went on; mail 2 is held by its claim.
    assert [(row["sent"], row["claimed"]) for row in state] == [(True, False), (False, True), (False, False)] + [
        (False, False)
    ] * (ROWS - 3)
    assert smtp.message_ids() == message_ids[:2]

    # The next run, while the claim holds: the others go out, mail 2 is left to its claim.
    second = _send_outbox(sender_env)
    assert second.returncode == 0, second.stderr
    assert f"sent={ROWS - 2} failed=0 gave_up=0" in second.stdout
    assert [row["sent"] for row in _shell(sender_env, STATE)] == [True, False] + [True] * (ROWS - 2)

    # Once the claim has run out, mail 2 goes again: with its own Message-ID, the same as before.
    assert _shell(sender_env, EXPIRE_CLAIMS) == 1
    third = _send_outbox(sender_env)
    assert third.returncode == 0, third.stderr
    assert "sent=1 failed=0 gave_up=0" in third.stdout
    state = _shell(sender_env, STATE)
    assert all(row["sent"] for row in state)

    arrived = collections.Counter(smtp.message_ids())
    assert len(smtp.messages) == ROWS + 1
    # As many Message-IDs as mails, each mail's own among them: the copy is the same message.
    assert set(arrived) == {row["message_id"] for row in state} == set(message_ids)
    assert [mid for mid, count in arrived.items() if count > 1] == [message_ids[1]]
    copies = [m for m in smtp.messages if m["Message-ID"] == message_ids[1]]
    assert [(m["To"], m["Subject"]) for m in copies] == [("1@example.se", "Brev 1")] * 2

    # Nothing is left: a clean run, exit status 0, nothing sent.
    fourth = _send_outbox(sender_env)
    assert (fourth.returncode, fourth.stderr) == (0, "")
    assert "sent=0 failed=0" in fourth.stdout
    assert len(smtp.messages) == ROWS + 1

    # The server goes away: the run that fails exits 1 and says why on one line.
    smtp.set_mode(REFUSE)
    _shell(sender_env, CREATE.replace(f"range({ROWS})", "range(1)"))
    failing = _send_outbox(sender_env)
    assert failing.returncode == 1
    assert "sent=0 failed=1 gave_up=0" in failing.stdout
    # The log's warning, then the command's own line, last.
    *_log, line = failing.stderr.strip().splitlines()
    assert line.startswith("CommandError: E-posten fastnar: 1 brev kunde inte skickas och ligger kvar i kön.")
    assert "ConnectionRefusedError" in line
