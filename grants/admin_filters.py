"""The application list's filters: where each case stands (shared with the to-do list),
the handler ("Mina ärenden"), the pot and the networks (read by their names alone), and
the status without drafts.

The admin index's to-do list (website.admin_todo) counts with the same conditions as
DecisionQueueFilter and links to it, so a count and the list it links to always agree.
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


# slug → label of each queue, in the order shown.
QUEUE_LABELS: dict[str, Promise] = {
    READY: gettext_lazy("Klara för beslut"),
    AWAITING_COAPPLICANTS: gettext_lazy("Väntar på medsökande"),
    AWAITING_COMPLETION: gettext_lazy("Väntar på komplettering"),
}


def queue_conditions() -> dict[str, tuple[Promise, Q]]:
    """slug → (label, condition on Application) for each queue, in the order shown."""
    undecided = Q(status__in=(S.SUBMITTED, S.IN_REVIEW))
    waiting = Exists(unconfirmed_coapplicants(CoApplicant.objects.filter(application=OuterRef("pk"))))
    conditions = {
        READY: undecided & ~Q(waiting),
        AWAITING_COAPPLICANTS: undecided & Q(waiting),
        AWAITING_COMPLETION: Q(status=S.NEEDS_COMPLETION),
    }
    return {slug: (label, conditions[slug]) for slug, label in QUEUE_LABELS.items()}


class DecisionQueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("beslutsläge")
    parameter_name = PARAMETER

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Promise]]:
        return list(QUEUE_LABELS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # The conditions (a subquery on the co-applicants) are built only for a queue asked
        # for: built for the labels and for every list they took 0.3 ms a page.
        if self.value() not in QUEUE_LABELS:
            return queryset
        return queryset.filter(queue_conditions()[self.value()][1])


class ApplicationHandlerFilter(admin.SimpleListFilter):
    """ "Mina ärenden": the cases the signed-in member handles; or the cases nobody handles."""

    title = gettext_lazy("handläggare")
    parameter_name = "handlaggare"
    MINE, NOBODY = "mina", "ingen"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(self.MINE, gettext_lazy("Mina ärenden")), (self.NOBODY, gettext_lazy("Utan handläggare"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> QuerySet[Application]:
        if self.value() == self.MINE:
            return queryset.filter(handler=request.user)
        if self.value() == self.NOBODY:
            return queryset.filter(handler__isnull=True)
        return queryset


class NameOnlyRelatedFilter(admin.RelatedFieldListFilter):
    """Django's filter by a related row (the pot, the networks), each choice read with only
    the columns its name (str()) is made of, `name_fields`: whole rows, the networks' long
    texts in every language among them, took 0.4 ms a page."""

    name_fields: tuple[str, ...] = ("name",)

    def field_choices(self, field, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[object, str]]:
        # As Django's field.get_choices(), reading fewer columns.
        ordering = self.field_admin_ordering(field, request, model_admin)
        rows = field.related_model._default_manager.complex_filter(field.get_limit_choices_to())
        if ordering:
            rows = rows.order_by(*ordering)
        return [(row.pk, str(row)) for row in rows.only(*self.name_fields)]


class PotFilter(NameOnlyRelatedFilter):
    name_fields = ("name",)


class NetworkFilter(NameOnlyRelatedFilter):
    # Network.display_name: "TIBO (Bomhus)".
    name_fields = ("name", "network_name")


class ApplicationSentInStatusFilter(admin.ChoicesFieldListFilter):
    """The status filter without "Utkast": the steering group never sees drafts
    (grants.access), so that choice would only ever show an empty list. The parameter
    stays `status__exact`, which the admin index's to-do links use."""

    def choices(self, changelist):
        draft = changelist.get_query_string({self.lookup_kwarg: Application.Status.DRAFT}, [self.lookup_kwarg_isnull])
        for choice in super().choices(changelist):
            if choice["query_string"] != draft:
                yield choice
