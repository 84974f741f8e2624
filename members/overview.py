"""The parts other apps add to the overview on "Mina sidor".

The same pattern as members.gdpr: grants and meetings register a function in their
AppConfig.ready(), so that members never imports the apps that build on it. Each function
returns template context for its own section; a key that is missing hides the section.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from members.models import User

MyPagesSection = Callable[..., dict[str, Any]]

# Functions `f(*, user) -> dict`, merged into the context of members/my_pages.html.
MY_PAGES_SECTIONS: list[MyPagesSection] = []


def my_pages_register(section: MyPagesSection) -> None:
    """Register an app's part of the overview; safe to call twice."""
    if section not in MY_PAGES_SECTIONS:
        MY_PAGES_SECTIONS.append(section)


def my_pages_context(*, user: User) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for section in MY_PAGES_SECTIONS:
        context.update(section(user=user))
    return context
