"""The outbox in the admin: what went out, what waits and why, what was given up on."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_readonly import MailRecordsAdmin
from core.mail import outbox_retry
from core.models import Outbox

QUEUED, SENT, FAILED = "queued", "sent", "failed"
STATUS_LABELS = {QUEUED: _("i kö"), SENT: _("skickad"), FAILED: _("gav upp")}


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(STATUS_LABELS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Outbox]) -> QuerySet[Outbox]:
        if self.value() == QUEUED:
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=True)
        if self.value() == SENT:
            return queryset.filter(sent_at__isnull=False)
        if self.value() == FAILED:
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=False)
        return queryset


@admin.register(Outbox)
class OutboxAdmin(MailRecordsAdmin):
    """Read-only, and for superusers only: the rows hold addresses and the text of every mail."""

    list_display = ["created_at", "status", "kind", "to", "subject", "attempts", "next_attempt_at", "sent_at"]
    list_filter = [StatusFilter, "kind"]
    # The Message-ID too: a bounce or a complaint about a mail quotes it.
    search_fields = ["to", "subject", "message_id"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [field.name for field in Outbox._meta.fields]

    @admin.display(description=_("status"))
    def status(self, obj: Outbox) -> str:
        if obj.sent_at:
            return STATUS_LABELS[SENT]
        if obj.failed_at:
            return STATUS_LABELS[FAILED]
        return STATUS_LABELS[QUEUED]

    @admin.action(description=_("Försök skicka igen"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Outbox]) -> None:
        count = outbox_retry(rows=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d brev ligger i kö igen.",
                "%(count)d brev ligger i kö igen.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
