"""Samverkansbörsen's part of the overview on "Mina sidor" (registered in apps.py through members.overview)."""

from __future__ import annotations

from typing import Any

from borsen.access import listings_of_user
from members.models import User

# The newest listings of the user's actors, whatever their state.
OVERVIEW_LISTINGS = 20


def my_pages_listings(*, user: User) -> dict[str, Any]:
    listings = listings_of_user(user).select_related("actor").order_by("-created_at", "-pk")
    return {"my_listings": list(listings[:OVERVIEW_LISTINGS])}
