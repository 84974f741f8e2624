"""Admin rules that keep a coordinator to the rows of their own networks."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from members.roles import coordinated_network_ids


def sees_all_networks(user) -> bool:
    return user.is_superuser


class NetworkScopedAdminMixin:
    """For a ModelAdmin whose rows belong to a network through `network_field`.

    Superusers see everything. Everyone else sees and changes only rows of the networks
    they coordinate; the network choices in forms are limited the same way.
    """

    network_field: str = "network"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if sees_all_networks(request.user):
            return qs
        return qs.filter(Q(**{f"{self.network_field}__in": coordinated_network_ids(request.user)})).distinct()

    def _in_scope(self, request: HttpRequest, obj) -> bool:
        if obj is None or sees_all_networks(request.user):
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "network" and not sees_all_networks(request.user):
            from networks.models import Network

            kwargs["queryset"] = Network.objects.filter(id__in=coordinated_network_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
