"""Template helpers that every app's pages use."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import get_language

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


def _english() -> bool:
    return (get_language() or "sv").startswith("en")


@register.filter
def local_time(value: datetime | None) -> str:
    """`18.00` (Swedish) or `18:00` (English), in the site's time zone."""
    if not value:
        return ""
    return dateformat.format(timezone.localtime(value), "H:i" if _english() else "H.i")


@register.filter
def local_day(value: datetime | None) -> str:
    """`tisdag 9 mars 2027` or `Tuesday 9 March 2027`."""
    if not value:
        return ""
    # Django's catalogues give the Swedish day and month names in lower case, as Swedish writes them.
    return dateformat.format(timezone.localtime(value), "l j F Y")


@register.filter
def local_when(value: datetime | None) -> str:
    """`tisdag 9 mars 2027 kl. 18.00` or `Tuesday 9 March 2027 at 18:00`."""
    if not value:
        return ""
    joiner = " at " if _english() else " kl. "
    return local_day(value) + joiner + local_time(value)
