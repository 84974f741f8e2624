"""The digest in the admin: who gets it from which network, and which weeks went out.

Read-only, and for superusers only: the rows say which e-mail address wants what. A user
changes their own choice under "Mina sidor" or leaves with the link in every letter.
"""

from __future__ import annotations

from django.contrib import admin

from core.admin_readonly import MailRecordsAdmin
from digest.models import DigestSent, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(MailRecordsAdmin):
    list_display = ["user", "user__email", "network", "created_at"]
    list_filter = ["network"]
    search_fields = ["user__email", "user__name"]
    list_select_related = ["user", "network"]
    readonly_fields = ["user", "network", "created_at"]


@admin.register(DigestSent)
class DigestSentAdmin(MailRecordsAdmin):
    list_display = ["week", "user", "user__email", "sent_at"]
    date_hierarchy = "sent_at"
    search_fields = ["user__email", "week"]
    list_select_related = ["user"]
    readonly_fields = ["user", "week", "sent_at"]
