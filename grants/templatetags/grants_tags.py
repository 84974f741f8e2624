from django import template

from grants.formatting import format_kr

register = template.Library()


@register.filter
def kr(amount: int | None) -> str:
    """12500 -> "12 500 kr" (non-breaking spaces)."""
    return format_kr(amount)


@register.filter
def abs_kr(amount: int | None) -> str:
    """-2500 -> "2 500 kr": for sentences that say "more" or "less" in words."""
    return format_kr(None if amount is None else abs(amount))
