"""The admin mixin that keeps a coordinator to the rows of their own networks.

It decides nothing itself: every rule is a helper in networks/access.py.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from networks.access import may_change_in_network, networks_coordinated_by, scope_to_visible


class NetworkScopedAdminMixin:
    """For a ModelAdmin whose rows belong to a network through `network_field`.

    Superusers see and change everything. The steering group reads every network's rows
    (its permissions stop at viewing). Coordinators see and change only rows of the
    networks they run; the network choices in forms are limited the same way.
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

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "network":
            kwargs["queryset"] = networks_coordinated_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
