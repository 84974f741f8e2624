"""Dates the Swedish way (`tisdag 9 mars 2027 kl. 18.00`) and in English on English pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import get_language

from natverk.templatetags.natverk_tags import iso_datetime

register = template.Library()


def _english() -> bool:
    return (get_language() or "sv").startswith("en")


@register.filter
def meeting_time(value: datetime | None) -> str:
    """`18.00` (Swedish) or `18:00` (English), in the site's time zone."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return dateformat.format(local, "H:i" if _english() else "H.i")


@register.filter
def meeting_day(value: datetime | None) -> str:
    """`tisdag 9 mars 2027` or `Tuesday 9 March 2027`."""
    if not value:
        return ""
    # Django's catalogues give the Swedish day and month names in lower case, as Swedish writes them.
    return dateformat.format(timezone.localtime(value), "l j F Y")


@register.filter
def meeting_month(value: datetime | None) -> str:
    """`mars 2027` or `March 2027`: the heading the meeting list groups by."""
    if not value:
        return ""
    return dateformat.format(timezone.localtime(value), "F Y")


@register.filter
def meeting_when(value: datetime | None) -> str:
    """`tisdag 9 mars 2027 kl. 18.00` or `Tuesday 9 March 2027 at 18:00`."""
    if not value:
        return ""
    joiner = " at " if _english() else " kl. "
    return meeting_day(value) + joiner + meeting_time(value)


@register.filter
def meeting_when_html(value: datetime | None) -> str:
    """The same as `meeting_when`, inside `<time datetime="…">`."""
    if not value:
        return ""
    return format_html('<time datetime="{}">{}</time>', iso_datetime(value), meeting_when(value))


@register.simple_tag
def meeting_span(meeting) -> str:
    """`<time>tisdag 9 mars 2027 kl. 18.00</time>–<time>20.00</time>` for a meeting."""
    return format_html(
        '<time datetime="{}">{}</time>–<time datetime="{}">{}</time>',
        iso_datetime(meeting.starts_at),
        meeting_when(meeting.starts_at),
        iso_datetime(meeting.ends_at),
        meeting_time(meeting.ends_at)
        if timezone.localdate(meeting.starts_at) == timezone.localdate(meeting.ends_at)
        else meeting_when(meeting.ends_at),
    )


@register.simple_tag(takes_context=True)
def webcal_url(context, path: str) -> str:
    """The webcal:// form of a calendar address, which calendar programs open as a subscription."""
    request = context.get("request")
    absolute = request.build_absolute_uri(path) if request else path
    return "webcal://" + absolute.split("://", 1)[-1]


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path
