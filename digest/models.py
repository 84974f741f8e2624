"""The weekly digest: who wants it from which networks, and which weeks went out to whom.

A user ticks networks under "Mina sidor" (one Subscription row per network). Once a week
`manage.py send_weekly_digest` mails each subscriber one letter covering their networks,
and writes a DigestSent row for (user, ISO week) in the same transaction as the mail is
queued: the unique constraint makes a second run, or a second process, send nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import date_bounds_constraint

# "2026-W48": ISO year, "W", ISO week number with two digits.
WEEK_MAX_LENGTH = 8


class Subscription(models.Model):
    """A user wants the weekly digest from one network."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_subscriptions",
        verbose_name=_("användare"),
    )
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.CASCADE,
        related_name="digest_subscriptions",
        verbose_name=_("nätverk"),
    )
    created_at = models.DateTimeField(_("valt"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("prenumeration på veckobrevet")
        verbose_name_plural = _("prenumerationer på veckobrevet")
        ordering = ["user", "network__sort_order", "network__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network"],
                name="digest_subscription_once_per_network",
                violation_error_message=_("Veckobrevet från nätverket är redan beställt."),
            ),
            date_bounds_constraint("digest_subscription", "created_at", with_time=True),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.network}"


class DigestSent(models.Model):
    """The digest of one ISO week was queued for one user; at most one row per user and week."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digests_sent",
        verbose_name=_("användare"),
    )
    week = models.CharField(_("vecka"), max_length=WEEK_MAX_LENGTH, help_text=_("Till exempel 2026-W48."))
    sent_at = models.DateTimeField(_("lagt i kö"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("skickat veckobrev")
        verbose_name_plural = _("skickade veckobrev")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="digest_sent_once_per_week"),
            date_bounds_constraint("digest_sent", "sent_at", with_time=True),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.week}"
