"""The parts other apps add to the overview on "Mina sidor".

The same pattern as members.gdpr: grants and meetings register a function in their
AppConfig.ready(), so that members never imports the apps that build on it. Each function
returns template context for its own section; a key that is missing hides the section.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from members.models import Membership, User

MyPagesSection = Callable[..., dict[str, Any]]

# Functions `f(*, user, actor_ids) -> dict`, merged into the context of members/my_pages.html;
# `actor_ids`: the actors the user represents, read once by the page.
MY_PAGES_SECTIONS: list[MyPagesSection] = []


def my_pages_register(section: MyPagesSection) -> None:
    """Register an app's part of the overview; safe to call twice."""
    if section not in MY_PAGES_SECTIONS:
        MY_PAGES_SECTIONS.append(section)


def my_pages_context(*, user: User, actor_ids: Sequence[int]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for section in MY_PAGES_SECTIONS:
        context.update(section(user=user, actor_ids=actor_ids))
    return context


def actor_memberships(actor_ids: Sequence[int]) -> dict[int, list[Membership]]:
    """Each actor's memberships by network name, with the network's names only."""
    # Ordered by the network alone: Membership's own ordering also sorts by the actor's name,
    # which joined every actor into a query that is already per actor.
    memberships = (
        Membership.objects.filter(actor_id__in=actor_ids)
        .select_related("network")
        .order_by("network__name", "pk")
        .only("actor", "status", "network__name", "network__network_name")
    )
    by_actor: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_actor.setdefault(membership.actor_id, []).append(membership)
    return by_actor
