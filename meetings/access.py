"""Who may see and change meetings and registrations.

Meetings themselves are public on the site. In the admin, superusers and the steering
group read every network's meetings; coordinators read and change those of the networks
they run (networks.scoping.NetworkScopedAdminMixin over networks.access). A
registration is its own user's: anyone else gets 404. What a registrant wrote about
access needs or food is health data: besides the registrant, only the coordinators of
the meeting's network (and superusers) see it, not the steering group.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from meetings.models import Meeting, Registration
from networks.access import networks_coordinated_by
from networks.models import WorkingGroup


def working_groups_for(user) -> QuerySet[WorkingGroup]:
    """Working groups a meeting of the user's may belong to."""
    return WorkingGroup.objects.filter(network__in=networks_coordinated_by(user)).select_related("network")


def runs_meetings(user) -> bool:
    """Who changes meetings in the admin (their own networks' only): coordinators and superusers."""
    return user.has_perm("meetings.change_meeting")


def get_registration_for_user(request: HttpRequest, pk: int) -> Registration:
    """The user's own registration; 404 for anyone else's."""
    return get_object_or_404(Registration.objects.select_related("meeting__network", "actor"), pk=pk, user=request.user)


def can_see_needs(user, meeting: Meeting) -> bool:
    """Whether `user` may read the registrations' access needs of `meeting` (admin inline and CSV)."""
    return networks_coordinated_by(user).filter(pk=meeting.network_id).exists()
