"""The digest part of the overview on "Mina sidor" (registered in apps.py through members.overview)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from digest.models import Subscription
from members.models import User


def my_pages_digest(*, user: User, actor_ids: Sequence[int], network_ids: Sequence[int]) -> dict[str, Any]:
    """The networks whose weekly digest the user gets (a person's choice: the actors and
    their networks are not needed)."""
    # The networks' names (display_name), not their texts in four languages.
    subscriptions = (
        Subscription.objects.filter(user=user).select_related("network").only("network__name", "network__network_name")
    )
    return {"digest_networks": [s.network for s in subscriptions.order_by("network__sort_order", "network__name")]}
