"""Template helpers for texts kept in Swedish with an optional English version."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def tr(obj, field: str) -> str:
    """`{{ network|tr:"description" }}`: the English text on English pages when there is one."""
    return obj.tr(field)


@register.filter
def is_fallback(obj, field: str) -> bool:
    """True when an English page shows the Swedish text, so the element can say lang="sv"."""
    return obj.is_shown_in_swedish(field)
