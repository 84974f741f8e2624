"""Template helpers that every app's pages use."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value: datetime | date | None) -> str:
    """`2027-03-09T18:00:00+01:00` for `<time datetime>`: local time, whole seconds.

    Django's `date:'c'` keeps microseconds, and the HTML validator refuses six decimals.
    """
    if not value:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
