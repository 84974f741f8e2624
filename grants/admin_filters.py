"""The application list's filter for where each case stands, shared with the to-do list.

The admin index's to-do list (natverk.admin_todo) counts with the same conditions and
links here, so a count and the list it links to always agree.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from grants.models import Application, CoApplicant
from grants.workflow import unconfirmed_coapplicants

S = Application.Status

PARAMETER = "beslut"
READY = "klara"
AWAITING_COAPPLICANTS = "medsokande"
AWAITING_COMPLETION = "komplettering"


def queue_conditions() -> dict[str, tuple[Promise, Q]]:
    """slug → (label, condition on Application) for each queue, in the order shown."""
    undecided = Q(status__in=(S.SUBMITTED, S.IN_REVIEW))
    waiting = Exists(unconfirmed_coapplicants(CoApplicant.objects.filter(application=OuterRef("pk"))))
    return {
        READY: (gettext_lazy("Klara för beslut"), undecided & ~Q(waiting)),
        AWAITING_COAPPLICANTS: (gettext_lazy("Väntar på medsökande"), undecided & Q(waiting)),
        AWAITING_COMPLETION: (gettext_lazy("Väntar på komplettering"), Q(status=S.NEEDS_COMPLETION)),
    }


class DecisionQueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("beslutsläge")
    parameter_name = PARAMETER

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Promise]]:
        return [(slug, label) for slug, (label, _condition) in queue_conditions().items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        queue = queue_conditions().get(self.value() or "")
        return queryset if queue is None else queryset.filter(queue[1])
