"""Samverkansbörsen's part of the overview on "Mina sidor" (registered in apps.py through members.overview)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from borsen.models import Listing
from core.translation import translated_columns
from members.models import User
from members.overview import Todo

# The newest listings of the user's actors, whatever their state.
OVERVIEW_LISTINGS = 20
# A listing whose last day is this near (or past) is on the to-do list: renew it or let it go.
RENEW_WITHIN_DAYS = 7


def my_pages_listings(*, user: User, actor_ids: Sequence[int], network_ids: Sequence[int]) -> dict[str, Any]:
    """Every listing of the actors the user represents, the newest first; to do: renew a
    listing whose last day is near or past (and that is neither solved nor hidden)."""
    # What templates/borsen/_my_pages_listings.html shows, not whole listings and actors.
    listings = list(
        Listing.objects.filter(actor__in=actor_ids)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .only(
            *translated_columns("title"),
            "direction",
            "kind",
            "last_date",
            "solved_at",
            "solved_note",
            "hidden_at",
            "hidden_reason",
            "actor__name",
        )[:OVERVIEW_LISTINGS]
    )
    soon = timezone.localdate() + datetime.timedelta(days=RENEW_WITHIN_DAYS)
    todo = [
        Todo(
            (
                _("Inlägget ”%(title)s” stängs snart. Förläng det om ni fortfarande behöver det.")
                if listing.is_open
                else _("Sista dagen för inlägget ”%(title)s” har passerat. Förläng det om ni fortfarande behöver det.")
            )
            % {"title": listing.tr("title")},
            _("Ändra sista dag"),
            reverse("borsen:edit", kwargs={"pk": listing.pk}),
            listing.last_date if listing.is_open else None,
        )
        for listing in listings
        if not listing.is_solved and not listing.is_hidden and listing.last_date <= soon
    ]
    return {"my_listings": listings, "todo": todo}
