"""Site-wide models: the one outbox for every e-mail the site sends (core/mail.py)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SUBJECT_MAX_LENGTH = 200
# "<" + 32 hex digits + "@" + a domain name (at most 253 characters) + ">".
MESSAGE_ID_MAX_LENGTH = 300


def message_id_new() -> str:
    """A Message-ID for a new row: `<32 hex digits@MAIL_MESSAGE_ID_DOMAIN>`.

    Made once, when the row is written, and sent with every attempt: a mail that reached the
    recipient's server before a sender died, and goes out again, is the same message to that
    server (and to the reader's mail program), which can drop the copy.
    """
    return f"<{uuid.uuid4().hex}@{settings.MAIL_MESSAGE_ID_DOMAIN}>"


class Outbox(models.Model):
    """One plain-text e-mail to one recipient, written with the change it reports."""

    to = models.EmailField(_("till"))
    subject = models.CharField(_("ämne"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(_("text"))
    reply_to = models.EmailField(_("svar till"), blank=True)
    # [{"filename": ..., "content": base64, "mimetype": ...}]: small .ics files only.
    attachments = models.JSONField(_("bilagor"), default=list, blank=True)
    # {"List-Unsubscribe": "<https://…>", …}: extra headers, checked by core.mail.headers_clean.
    headers = models.JSONField(_("extra rubrikfält"), default=dict, blank=True)
    kind = models.CharField(_("typ"), max_length=50, db_index=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(_("nästa försök"), default=timezone.now)
    # Set while one sender works on the row, so that no other sender takes it at the same time.
    claimed_until = models.DateTimeField(_("upptagen till"), null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    failed_at = models.DateTimeField(_("gav upp"), null=True, blank=True)
    last_error = models.TextField(_("senaste fel"), blank=True)
    # The Message-ID header of every attempt (message_id_new); unique, so two rows are never
    # taken for one mail. Null only for a row that a server still on the previous release
    # wrote during an update (it knows no such column): the sender gives it one before its
    # first attempt (core.mail._claim), so a required column cannot fail that server's saves.
    message_id = models.CharField(
        _("meddelande-id"),
        max_length=MESSAGE_ID_MAX_LENGTH,
        unique=True,
        null=True,
        default=message_id_new,
        editable=False,
    )
    # When someone last chose "Försök skicka igen" in the admin: the time the row is tried
    # for (MAIL_GIVE_UP_AFTER) counts from here then, not from created_at.
    retried_at = models.DateTimeField(_("köad igen"), null=True, blank=True)

    class Meta:
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # send_outbox's query: the queued rows that are due, oldest first.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="natverk_outbox_due_idx",
            ),
            # The admin index's warning and /healthz: the unsent rows by age (few, however
            # many have been sent).
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="natverk_outbox_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class RateLimitHit(models.Model):
    """One request counted against one of allauth's rate limits while the cache was down.

    allauth counts in the cache (Redis); while it cannot be reached the forms that mail an
    address typed into them count here instead (core/ratelimits.py). Written only then,
    and deleted once older than the longest limit's window. `source` is a keyed hash of
    what the limit counts per (an address, an IP address, a user), never the value itself.
    """

    action = models.CharField(_("åtgärd"), max_length=40)
    source = models.CharField(_("källa"), max_length=64)
    at = models.DateTimeField(_("tidpunkt"), default=timezone.now)

    class Meta:
        verbose_name = _("räknad begäran")
        verbose_name_plural = _("räknade begäranden")
        indexes = [
            models.Index(fields=["action", "source", "at"], name="natverk_ratelimit_count_idx"),
            models.Index(fields=["at"], name="natverk_ratelimit_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M:%S}"
