"""Samverkansbörsen's part of the overview on "Mina sidor" (registered in apps.py through members.overview)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from borsen.models import Listing
from core.translation import translated_columns
from members.models import User

# The newest listings of the user's actors, whatever their state.
OVERVIEW_LISTINGS = 20


def my_pages_listings(*, user: User, actor_ids: Sequence[int]) -> dict[str, Any]:
    """Every listing of the actors the user represents, the newest first."""
    # What templates/borsen/_my_pages_listings.html shows, not whole listings and actors.
    listings = (
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
        )
    )
    return {"my_listings": list(listings[:OVERVIEW_LISTINGS])}
