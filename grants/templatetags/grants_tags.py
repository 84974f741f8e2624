from django import template

from grants.formatting import format_kr

register = template.Library()


@register.filter
def kr(amount: int | None) -> str:
    """12500 -> "12 500 kr" (non-breaking spaces)."""
    return format_kr(amount)
