"""The admin mixin that keeps a coordinator to the rows of their own networks.

It decides nothing itself: every rule is a helper in networks/access.py.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from networks.access import (
    may_change_in_network,
    networks_coordinated_by,
    networks_visible_to,
    only_network_of,
    scope_to_visible,
)


class VisibleNetworksFilter(admin.RelatedFieldListFilter):
    """A list's network filter with the networks the user reads in the admin only: a
    coordinator's own (none at all for one network: Django hides a filter of one choice),
    every network for the steering group and superusers."""

    def field_choices(self, field, request: HttpRequest, model_admin) -> list[tuple[int, str]]:
        return [(network.pk, str(network)) for network in networks_visible_to(request.user)]


class OneNetworkChosenMixin:
    """For a ModelAdmin with a `network` choice: the choice offers `network_choices(request)`,
    and a coordinator of one network finds it chosen on a new row (`only_network_of`)."""

    def network_choices(self, request: HttpRequest) -> QuerySet:
        return networks_coordinated_by(request.user)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "network":
            kwargs["queryset"] = self.network_choices(request)
            only = only_network_of(request.user)
            if only is not None:
                kwargs.setdefault("initial", only)
                field = super().formfield_for_foreignkey(db_field, request, **kwargs)
                # Chosen already, and still with the empty first choice that HTML asks of a
                # required select (Django's field drops it when there is an initial value).
                field.empty_label = _("Välj nätverk")
                return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NetworkScopedAdminMixin(OneNetworkChosenMixin):
    """For a ModelAdmin whose rows belong to a network through `network_field`.

    Superusers see and change everything. The steering group reads every network's rows
    (its permissions stop at viewing). Coordinators see and change only rows of the
    networks they run; the network choices in forms and the list's network filter are
    limited the same way, and a coordinator of one network finds it chosen on a new row.
    """

    network_field: str = "network"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope_to_visible(super().get_queryset(request), request.user, self.network_field)

    def _visible(self, request: HttpRequest, obj) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def _changeable(self, request: HttpRequest, obj) -> bool:
        return obj is None or may_change_in_network(request.user, self._network_id(obj))

    def _network_id(self, obj) -> int | None:
        return getattr(obj, f"{self.network_field}_id")

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) and self._visible(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._changeable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._changeable(request, obj)

    def get_list_filter(self, request: HttpRequest) -> list:
        return [
            (entry, VisibleNetworksFilter) if entry == self.network_field else entry
            for entry in super().get_list_filter(request)
        ]
