"""Who may see and change meetings and registrations.

Meetings themselves are public on the site. In the admin, superusers and the steering
group read every network's meetings; coordinators read and change those of the networks
they run. A registration is its own user's: anyone else gets 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from meetings.models import Meeting, Registration
from members.roles import coordinated_network_ids, is_steering_group, is_superuser
from networks.access import may_change_in_network, networks_coordinated_by
from networks.models import WorkingGroup


def meetings_visible_to(user, queryset: QuerySet[Meeting] | None = None) -> QuerySet[Meeting]:
    """Meetings in the admin: all for superusers and the steering group, else the user's networks."""
    queryset = Meeting.objects.all() if queryset is None else queryset
    if is_superuser(user) or is_steering_group(user):
        return queryset
    return queryset.filter(network__in=coordinated_network_ids(user))


def may_change_meeting(user, meeting: Meeting | None) -> bool:
    """Change or delete: only in a network the user coordinates (None: the list or a new one)."""
    return meeting is None or may_change_in_network(user, meeting.network_id)


def working_groups_for(user) -> QuerySet[WorkingGroup]:
    """Working groups a meeting of the user's may belong to."""
    return WorkingGroup.objects.filter(network__in=networks_coordinated_by(user)).select_related("network")


def get_registration_for_user(request: HttpRequest, pk: int) -> Registration:
    """The user's own registration; 404 for anyone else's."""
    return get_object_or_404(Registration.objects.select_related("meeting__network", "actor"), pk=pk, user=request.user)
