"""The parts other apps add to the overview on "Mina sidor".

The same pattern as members.gdpr: grants, meetings, börsen and the digest register a function
in their AppConfig.ready(), so that members never imports the apps that build on it. Each
function returns template context for its own section (a key that is missing hides the
section) and, under "todo", what the person must do there: the page puts those on top,
the nearest deadline first.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from members.models import Membership, User

MyPagesSection = Callable[..., dict[str, Any]]

# Functions `f(*, user, actor_ids, network_ids) -> dict`, merged into the context of
# members/my_pages.html; `actor_ids`: the actors the user represents, `network_ids`: the
# networks those actors are active members of, both read once by the page.
MY_PAGES_SECTIONS: list[MyPagesSection] = []


@dataclass(frozen=True)
class Todo:
    """Something the person must do: what, the button that does it, and by when."""

    text: str
    action: str
    url: str
    due: datetime.date | None = None


def my_pages_register(section: MyPagesSection) -> None:
    """Register an app's part of the overview; safe to call twice."""
    if section not in MY_PAGES_SECTIONS:
        MY_PAGES_SECTIONS.append(section)


def my_pages_context(
    *, user: User, actor_ids: Sequence[int], network_ids: Sequence[int], todo: Sequence[Todo] = ()
) -> dict[str, Any]:
    """Every section's context, and "todo": every section's to-dos (and `todo`), the nearest deadline first."""
    context: dict[str, Any] = {}
    todos = list(todo)
    for section in MY_PAGES_SECTIONS:
        part = section(user=user, actor_ids=actor_ids, network_ids=network_ids)
        todos.extend(part.pop("todo", ()))
        context.update(part)
    context["todo"] = sorted(todos, key=lambda item: (item.due is None, item.due or datetime.date.max))
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
