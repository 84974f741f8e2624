"""Outgoing e-mail, stored with the change that caused it and sent after commit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outbox(models.Model):
    """One e-mail to one recipient; retried by `manage.py send_outbox` until sent."""

    to = models.EmailField(_("till"))
    subject = models.CharField(_("ämne"), max_length=200)
    body = models.TextField(_("text"))
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    last_error = models.TextField(_("senaste fel"), blank=True)

    class Meta:
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
