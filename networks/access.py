"""Which networks, working groups and news each role may see and change.

Superusers: everything. The steering group: reads every network (no changes).
Coordinators: their own networks, and the working groups and news of those networks.
News always belongs to a network for everyone but superusers (site-wide news is theirs).
"""

from __future__ import annotations

from django.db.models import QuerySet

from core.roles import coordinated_network_ids, coordinates, is_steering_group, is_superuser
from networks.models import Network, Post


def networks_coordinated_by(user) -> QuerySet[Network]:
    """The networks whose rows the user may change (all of them for superusers)."""
    if is_superuser(user):
        return Network.objects.all()
    return Network.objects.filter(id__in=coordinated_network_ids(user))


def networks_visible_to(user) -> QuerySet[Network]:
    """Networks in the admin: the steering group reads them all, coordinators their own."""
    if is_superuser(user) or is_steering_group(user):
        return Network.objects.all()
    return networks_coordinated_by(user)


def only_network_of(user) -> int | None:
    """The network a new row of the user's belongs to without a choice: a coordinator of one
    network has it chosen already (superusers and coordinators of several choose)."""
    if is_superuser(user):
        return None
    ids = coordinated_network_ids(user)
    return next(iter(ids)) if len(ids) == 1 else None


def scope_to_coordinated(queryset: QuerySet, user, network_field: str = "network") -> QuerySet:
    """Rows of `queryset` that belong (through `network_field`) to networks the user runs."""
    if is_superuser(user):
        return queryset
    return queryset.filter(**{f"{network_field}__in": coordinated_network_ids(user)}).distinct()


def scope_to_visible(queryset: QuerySet, user, network_field: str = "network") -> QuerySet:
    """Rows the user may read in the admin: the steering group reads every network's rows."""
    if is_superuser(user) or is_steering_group(user):
        return queryset
    return scope_to_coordinated(queryset, user, network_field)


def may_change_in_network(user, network_id: int | None) -> bool:
    """Whether the user may change a row of this network (None: a site-wide row)."""
    return is_superuser(user) or coordinates(user, network_id)


def runs_a_network(user) -> bool:
    """Superusers, and coordinators of at least one network."""
    return is_superuser(user) or bool(coordinated_network_ids(user))


def may_publish_news(user) -> bool:
    """Superusers publish anywhere; a coordinator needs a network of their own."""
    return runs_a_network(user)


def posts_editable_by(user) -> QuerySet[Post]:
    return scope_to_coordinated(Post.objects.all(), user)
