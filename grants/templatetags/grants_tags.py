from django import template

from grants.formatting import format_kr, format_size

register = template.Library()


@register.filter
def kr(amount: int | None) -> str:
    """12500 -> "12 500 kr" (non-breaking spaces)."""
    return format_kr(amount)


@register.filter
def abs_kr(amount: int | None) -> str:
    """-2500 -> "2 500 kr": for sentences that say "more" or "less" in words."""
    return format_kr(None if amount is None else abs(amount))


@register.filter
def size(size_in_bytes: int | None) -> str:
    """9216 -> "9 kB" (Django's filesizeformat says "9,0 KB")."""
    return format_size(size_in_bytes)
