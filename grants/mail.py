"""Outgoing mail through the Outbox: stored in the transaction, sent after commit, retried."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from grants.models import Outbox

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 20


def outbox_queue(*, recipients: Iterable[str], subject: str, body: str) -> list[int]:
    """Store one mail per recipient and send them when the surrounding transaction commits."""
    ids = []
    for address in sorted({r.strip().lower() for r in recipients if r and r.strip()}):
        ids.append(Outbox.objects.create(to=address, subject=subject[:200], body=body).pk)
    if ids:
        transaction.on_commit(lambda: outbox_send(ids=ids))
    return ids


def outbox_send(*, ids: list[int] | None = None) -> tuple[int, int]:
    """Try to send unsent mail (all of it, or the given ids). Returns (sent, failed)."""
    pending = Outbox.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    sent = failed = 0
    for message in pending.order_by("pk"):
        message.attempts += 1
        try:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to], fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any mail failure must leave the row for a retry
            logger.warning("Could not send mail %s to %s: %s", message.pk, message.to, exc)
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.save(update_fields=["attempts", "last_error"])
            failed += 1
            continue
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "sent_at", "last_error"])
        sent += 1
    return sent, failed
