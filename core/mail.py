"""The one road for the site's e-mail.

Every mail is rendered from a template and written to the outbox (`core.models.Outbox`)
in the same transaction as the change it reports: a rolled-back change sends nothing, and a
committed one cannot lose its mail. After the commit, one short try sends that transaction's
rows over one connection (timeout `EMAIL_REQUEST_TIMEOUT`); whatever fails stays queued for
`manage.py send_outbox`, which retries with back-off (1, 2, 4, … minutes, at most an hour
apart, so a mail server that is back is used within the hour) and gives a mail up only when
`MAIL_GIVE_UP_AFTER` has passed since it was written or queued again (`give_up_at`). A run
in which a mail failed or was given up ends with an error (exit status 1), for systemd's
OnFailure= to report. The send after commit never raises into the request.

No mail twice: a row is claimed before it is sent (`claimed_until`), so the try after commit
and `send_outbox` never take the same row; it is marked sent right after the mail server
took it, in a transaction of its own. Only a sender that dies between the server's answer
and that write leaves a delivered row unsent; it is sent again once the claim has run out,
with the same `Message-ID` (`Outbox.message_id`, made with the row), so the receiving
server and the reader's mail program see one message, not a new one.
"""

from __future__ import annotations

import base64
import logging
import re
import smtplib
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy

from core.models import SUBJECT_MAX_LENGTH, Outbox, message_id_new

logger = logging.getLogger(__name__)

# A sender holds a row this long (longer with a long EMAIL_TIMEOUT: `_claim_length`); a
# sender that died mid-way frees it by then. The row goes out again only after that.
CLAIM_FOR = timedelta(minutes=5)
# One SMTP exchange is a handful of commands, each waiting at most the timeout: a claim
# outlasts this many timeouts, so no live sender loses its row in the middle of a send.
CLAIM_TIMEOUTS = 10
FIRST_RETRY = timedelta(minutes=1)
# The longest wait between two attempts: a mail server that comes back after a weekend is
# used within the hour.
LONGEST_RETRY = timedelta(hours=1)
BREAKER_SECONDS = 60.0
ERROR_MAX_LENGTH = 2000
ATTACHMENT_NAME_MAX_LENGTH = 100
# Runs of whitespace and control characters (newlines included) become one space in a header:
# Django raises BadHeaderError on a newline, after the change was saved.
_HEADER_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_BATCHES_ATTRIBUTE = "_natverk_mail_batches"
# Extra headers (List-Unsubscribe, …): a plain field name, never one the sender sets itself.
_HEADER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,75}")
_SENDER_HEADERS = {
    "bcc",
    "cc",
    "content-transfer-encoding",
    "content-type",
    "date",
    "from",
    "message-id",
    "mime-version",
    "reply-to",
    "sender",
    "subject",
    "to",
}
# RFC 5322: a line is at most 998 characters.
HEADER_VALUE_MAX_LENGTH = 998
# What core.models.message_id_new makes; a row written otherwise is refused, not sent.
_MESSAGE_ID = re.compile(r"<[A-Za-z0-9._-]{1,64}@[A-Za-z0-9.-]{1,253}>")

# (filename, content, mimetype), as EmailMessage.attach takes them.
Attachment = tuple[str, bytes | str, str]


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    # Not tried this round, because the connection to the mail server failed first.
    left: int = 0
    # The first error of the round, for send_outbox's message ("" when nothing failed).
    error: str = ""


class CircuitBreaker:
    """After a failed send, sends after commit are skipped in this process for a while.

    A dead or hanging mail server then costs one short wait per minute per process, not one
    per request; the skipped rows stay queued for `send_outbox`.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._open_until = 0.0

    def is_open(self) -> bool:
        with self._lock:
            return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.seconds

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


BREAKER = CircuitBreaker(BREAKER_SECONDS)


def header_clean(value: str, *, max_length: int = SUBJECT_MAX_LENGTH) -> str:
    """One line without control characters, at most `max_length` characters."""
    return _HEADER_SPACE.sub(" ", str(value)).strip()[:max_length].rstrip()


def address_clean(value: str) -> str:
    """`value` when it is one plain e-mail address, else "" (a list, a name, a header)."""
    value = (value or "").strip()
    if not value or _HEADER_SPACE.search(value):
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def headers_clean(headers: dict[str, str] | None) -> dict[str, str]:
    """Extra headers as given, or ValueError: a line break would start a header of its own.

    They come from code, not from a form: a bad one is a bug, refused before anything is queued.
    """
    clean: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name) or name.lower() in _SENDER_HEADERS:
            raise ValueError(f"Not an extra mail header the site may set: {name!r}")
        if not isinstance(value, str) or _HEADER_SPACE.sub(" ", value) != value or len(value) > HEADER_VALUE_MAX_LENGTH:
            raise ValueError(f"The value of the mail header {name} holds a line break or control character")
        clean[name] = value
    return clean


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4, … minutes, at most an hour."""
    # Capping the exponent first keeps the number small however many attempts are allowed.
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20), LONGEST_RETRY)


# ---- links ----


def _link(target: str | Callable[[], str], kwargs: dict) -> str:
    path = target() if callable(target) else reverse(target, kwargs=kwargs)
    return f"{settings.SITE_URL}{path}"


_lazy_link = lazy(_link, str)


def mail_link(target: str | Callable[[], str], **kwargs) -> str:
    """An absolute link for a mail's context, made when the mail is rendered.

    `mail_queue` renders in the recipient's language, so the link gets that language's
    prefix (/en/, /fi/, /ar/; none for Swedish) and the page opens in the language of the
    mail, also when one context serves readers of several languages (`mail_queue_each`).
    `target` is a URL name, reversed with `kwargs` (`mail_link("grants:report", pk=7)`),
    or a function that gives the path (`mail_link(meeting.get_absolute_url)`).
    """
    return _lazy_link(target, kwargs)


def _home_link() -> str:
    code = translation.get_language()
    return settings.SITE_URL if code == settings.LANGUAGE_CODE else f"{settings.SITE_URL}/{code}/"


# The portal's address under every mail (includes/mail_signature.txt): the site itself in
# Swedish, the home page in the mail's language otherwise (i18n_patterns' prefix).
home_link = lazy(_home_link, str)


# ---- queueing ----


def mail_queue(
    *,
    to: Iterable[str],
    template: str,
    context: dict,
    reply_to: str = "",
    attachments: Iterable[Attachment] = (),
    kind: str,
    headers: dict[str, str] | None = None,
    language: str | None = None,
) -> list[int]:
    """Queue one mail per recipient in the current transaction; it is sent after commit.

    Subject and body come from `<template>_subject.txt` and `<template>.txt`, rendered in
    `language` (the recipient's, `User.language`), or in the site's language (Swedish) when it
    is None or not one of the site's languages, whatever page the change came from. Links made
    with `{% url %}` in the template or with `mail_link` in the context get that language's
    prefix (/fi/, /ar/). `headers` are extra headers (`headers_clean`). Returns the outbox ids.
    """
    # Every mail ends with whom to contact and the portal's address (includes/mail_signature.txt);
    # a caller that knows a closer contact (the network's address) passes its own.
    context = {
        "contact_email": settings.CONTACT_EMAIL,
        "site_url": settings.SITE_URL,
        "home_url": home_link(),
        **context,
    }
    with translation.override(mail_language(language)):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    return mail_queue_message(
        to=to, subject=subject, body=body, reply_to=reply_to, attachments=attachments, kind=kind, headers=headers
    )


def mail_language(language: str | None) -> str:
    """`language` when it is one of the site's languages, else the site's own (Swedish)."""
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def mail_queue_each(
    *,
    users: Iterable,
    template: str,
    context: dict,
    reply_to: str = "",
    attachments: Sequence[Attachment] = (),
    kind: str,
) -> list[int]:
    """`mail_queue` once per user, so that each mail greets its reader by name, in the user's language.

    `users` are accounts (anything with `email` and `greeting_name`, and `language`; without
    it the mail is Swedish); a user whose address comes twice gets one mail. The context gets
    `name`, "" for a user without a name.
    """
    ids: list[int] = []
    seen: set[str] = set()
    for user in users:
        email = (user.email or "").lower()
        if not email or email in seen:
            continue
        seen.add(email)
        ids += mail_queue(
            to=[user.email],
            template=template,
            context={**context, "name": user.greeting_name},
            reply_to=reply_to,
            attachments=attachments,
            kind=kind,
            language=getattr(user, "language", None),
        )
    return ids


def mail_queue_message(
    *,
    to: Iterable[str],
    subject: str,
    body: str,
    reply_to: str = "",
    attachments: Iterable[Attachment] = (),
    kind: str,
    headers: dict[str, str] | None = None,
) -> list[int]:
    """Queue a mail that is already rendered (allauth renders its own); see `mail_queue`.

    Every subject starts with MAIL_SUBJECT_PREFIX ("[Stadsdelsnätverken] "), here only: the
    site's own mails and allauth's alike (allauth's own prefix is off).
    """
    headers = headers_clean(headers)
    subject = header_clean(settings.MAIL_SUBJECT_PREFIX + header_clean(subject))
    reply_to = address_clean(reply_to)
    stored = [
        {
            "filename": header_clean(name, max_length=ATTACHMENT_NAME_MAX_LENGTH),
            "content": base64.b64encode(content.encode() if isinstance(content, str) else content).decode("ascii"),
            "mimetype": mimetype,
        }
        for name, content, mimetype in attachments
    ]
    ids: list[int] = []
    seen: set[str] = set()
    for address in to:
        clean = address_clean(address)
        if not clean:
            # The row could never be sent; the address itself stays out of the log.
            logger.warning("Mail %s not queued for a recipient that is not one e-mail address", kind)
            continue
        if clean.lower() in seen:
            continue
        seen.add(clean.lower())
        row = Outbox.objects.create(
            to=clean, subject=subject, body=body, reply_to=reply_to, attachments=stored, kind=kind, headers=headers
        )
        ids.append(row.pk)
    if ids:
        _send_after_commit(ids)
    return ids


class _CommitBatch:
    """The rows of one `mail_queue` call, waiting for the commit.

    Each call registers its own on_commit callback (one registered inside a savepoint that is
    rolled back is dropped with it), but the first callback to run sends the rows of every
    batch of the connection that has not run yet, over one connection; the others find
    nothing left. Ids of rolled-back rows match no row and are skipped.
    """

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        connection = transaction.get_connection()
        waiting = getattr(connection, _BATCHES_ATTRIBUTE, [])
        # After a real commit the connection is out of its atomic block. Inside one, a test runs
        # the callbacks by hand (captureOnCommitCallbacks), and batches registered before it
        # began are not part of this "commit": send only this batch's rows then.
        together = [self] if connection.in_atomic_block else [*waiting, self]
        ids: list[int] = []
        for batch in together:
            if not batch.done:
                batch.done = True
                ids.extend(batch.ids)
        waiting[:] = [batch for batch in waiting if not batch.done]
        outbox_send_after_commit(ids=ids)


def _send_after_commit(ids: list[int]) -> None:
    connection = transaction.get_connection()
    batch = _CommitBatch(ids)
    if connection.in_atomic_block:
        if not hasattr(connection, _BATCHES_ATTRIBUTE):
            setattr(connection, _BATCHES_ATTRIBUTE, [])
        getattr(connection, _BATCHES_ATTRIBUTE).append(batch)
    # Outside a transaction this runs at once.
    transaction.on_commit(batch, robust=True)


# ---- sending ----


def outbox_send_after_commit(*, ids: Sequence[int]) -> SendResult:
    """The short try right after the commit; never raises, never waits long."""
    if not ids:
        return SendResult()
    if BREAKER.is_open():
        # The rows stay queued and due: send_outbox sends them at its next run.
        return SendResult(left=len(ids))
    try:
        return _send_rows(list(ids), now=timezone.now(), timeout=settings.EMAIL_REQUEST_TIMEOUT, after_commit=True)
    except Exception as exc:  # noqa: BLE001 - the request has committed; a mail problem must not turn it into a 500
        BREAKER.trip()
        logger.warning("Mail not sent after commit, it stays in the outbox: %s", _error_text(exc))
        return SendResult(left=len(ids))


def outbox_send(*, now: datetime | None = None) -> SendResult:
    """Send every queued row that is due (for `manage.py send_outbox`), oldest first."""
    now = now or timezone.now()
    due = (
        Outbox.objects.filter(sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    return _send_rows(list(due), now=now, timeout=settings.EMAIL_TIMEOUT, after_commit=False)


def outbox_retry(*, rows: QuerySet[Outbox], now: datetime | None = None) -> int:
    """Queue rows that were given up on again, with a fresh count of attempts. Returns how many.

    They are tried for MAIL_GIVE_UP_AFTER again, counted from now (`retried_at`), with the
    Message-ID they had.
    """
    now = now or timezone.now()
    return rows.filter(failed_at__isnull=False, sent_at__isnull=True).update(
        failed_at=None, attempts=0, next_attempt_at=now, claimed_until=None, retried_at=now
    )


def give_up_at(row: Outbox) -> datetime:
    """When a failed attempt gives the row up: MAIL_GIVE_UP_AFTER after it was written or queued again."""
    return (row.retried_at or row.created_at) + settings.MAIL_GIVE_UP_AFTER


def _claim_length(timeout: float) -> timedelta:
    return max(CLAIM_FOR, timedelta(seconds=CLAIM_TIMEOUTS * timeout))


def _claim(pk: int, now: datetime, length: timedelta) -> bool:
    """Take the row for this sender, atomically, so that no other sender delivers it too."""
    taken = bool(
        Outbox.objects.filter(pk=pk, sent_at__isnull=True, failed_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + length)
    )
    if taken:
        # A row written by a server still on the previous release during an update has no
        # Message-ID yet: it gets its own now, stored before the first attempt, so that every
        # attempt carries the same one.
        Outbox.objects.filter(pk=pk, message_id__isnull=True).update(message_id=message_id_new())
    return taken


def _message(row: Outbox) -> EmailMessage:
    if not _MESSAGE_ID.fullmatch(row.message_id or ""):
        raise ValueError(f"The row's Message-ID is not one the site makes: {row.message_id!r}")
    message = EmailMessage(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        reply_to=[row.reply_to] if row.reply_to else None,
        # Checked again: a row may have been written by other code than mail_queue_message.
        # The Message-ID is the row's own, the same in every attempt (see the module's docstring).
        headers={**headers_clean(row.headers), "Message-ID": row.message_id},
    )
    for attachment in row.attachments:
        message.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return message


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]


def _connection_broken(exc: BaseException) -> bool:
    """True when the next row would fail the same way (server down, hanging or gone)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    # SMTPException is an OSError too, but its other kinds concern one message or address.
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _record_failure(row: Outbox, *, error: str, now: datetime, after_commit: bool) -> bool:
    """Count the failed attempt and set the next one; returns True when this was the last.

    The last attempt falls on `give_up_at` itself: a mail is given up when that time has come,
    never before, however the back-off falls.
    """
    attempts = row.attempts + 1
    deadline = give_up_at(row)
    gave_up = now >= deadline
    Outbox.objects.filter(pk=row.pk).update(
        attempts=attempts,
        last_error=error,
        claimed_until=None,
        failed_at=now if gave_up else None,
        # The short try after commit is no reason to wait: the next send_outbox run retries.
        next_attempt_at=now if after_commit else min(now + retry_delay(attempts), deadline),
    )
    return gave_up


def _mark_sent(pk: int, now: datetime) -> None:
    """Record the delivery at once, in a transaction of its own.

    Right after the mail server's answer and before the next row: a sender killed later in
    its run has recorded every mail it delivered but the one in flight. (Django runs
    send_outbox and the callbacks after a commit outside any transaction, so this commits
    here and now.)
    """
    with transaction.atomic():
        Outbox.objects.filter(pk=pk).update(sent_at=now, attempts=F("attempts") + 1, claimed_until=None, last_error="")


def _send_rows(pks: list[int], *, now: datetime, timeout: float, after_commit: bool) -> SendResult:
    result = SendResult()
    connection = None
    claim_length = _claim_length(timeout)
    started = time.monotonic()
    try:
        for index, pk in enumerate(pks):
            # Claims follow the clock as the run goes on, from the caller's `now`: a long run
            # must not write claims that have already run out, which another sender would take.
            if not _claim(pk, now + timedelta(seconds=time.monotonic() - started), claim_length):
                continue
            row = Outbox.objects.get(pk=pk)
            try:
                if connection is None:
                    backend = get_connection(timeout=timeout)
                    backend.open()
                    connection = backend
                connection.send_messages([_message(row)])
            except Exception as exc:  # noqa: BLE001 - every failure leaves the row queued for a retry
                error = _error_text(exc)
                result.error = result.error or error
                result.failed += 1
                result.gave_up += _record_failure(row, error=error, now=now, after_commit=after_commit)
                if after_commit or connection is None or _connection_broken(exc):
                    rest = pks[index + 1 :]
                    result.left = len(rest)
                    if after_commit:
                        BREAKER.trip()
                        Outbox.objects.filter(pk__in=rest, sent_at__isnull=True).update(last_error=error)
                    logger.warning("Mail server failed, %d mails stay in the outbox: %s", 1 + len(rest), error)
                    break
                logger.warning("Mail %d not sent: %s", row.pk, error)
                continue
            _mark_sent(pk, now)
            result.sent += 1
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception as exc:  # noqa: BLE001 - the mail went out; a failing QUIT changes nothing
                logger.warning("Closing the mail connection failed: %s", _error_text(exc))
    return result
