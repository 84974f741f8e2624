"""The meetings part of the overview on "Mina sidor" (registered in apps.py through members.overview)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from core.translation import translated_columns
from meetings.models import Meeting, Registration
from members.models import User

# The overview shows the next few; "Mina anmälningar" has them all.
OVERVIEW_MEETINGS = 5


def my_pages_meetings(*, user: User, actor_ids: Sequence[int], network_ids: Sequence[int]) -> dict[str, Any]:
    """The user's coming registrations (waiting list included), the next meeting first, and
    the next meetings of the networks the user's actors belong to (`network_ids`).

    Every registration names the user who made it, also one made for an actor, so the
    user's actors (`actor_ids`) are not needed here."""
    registrations = (
        Registration.objects.active()
        .filter(user=user, meeting__ends_at__gte=timezone.now())
        .select_related("meeting__network", "actor")
        .order_by("meeting__starts_at", "pk")
        # What templates/meetings/_my_pages_meetings.html shows, not whole meetings and networks.
        .only(
            "status",
            "meeting__status",
            "meeting__starts_at",
            "meeting__ends_at",
            *translated_columns("title", prefix="meeting__"),
            "meeting__network__name",
            "meeting__network__network_name",
            "actor__name",
        )
    )
    coming = list(registrations[: OVERVIEW_MEETINGS + 1])
    registered = [registration.meeting_id for registration in coming]
    network_meetings = []
    if network_ids:
        network_meetings = list(
            Meeting.objects.upcoming()
            .filter(network__in=network_ids)
            .exclude(pk__in=registered)
            .select_related("network")
            .only(
                "status",
                "starts_at",
                "ends_at",
                *translated_columns("title"),
                "network__name",
                "network__network_name",
            )[:OVERVIEW_MEETINGS]
        )
    return {
        "coming_registrations": coming[:OVERVIEW_MEETINGS],
        "more_registrations": len(coming) > OVERVIEW_MEETINGS,
        "network_meetings": network_meetings,
    }
