"""The application list's filters of the steering group's own."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from grants.models import Application


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


class ApplicationSentInStatusFilter(admin.ChoicesFieldListFilter):
    """The status filter without "Utkast": the steering group never sees drafts
    (grants.access), so that choice would only ever show an empty list. The parameter
    stays `status__exact`, which the admin index's to-do links use."""

    def choices(self, changelist):
        draft = changelist.get_query_string({self.lookup_kwarg: Application.Status.DRAFT}, [self.lookup_kwarg_isnull])
        for choice in super().choices(changelist):
            if choice["query_string"] != draft:
                yield choice
