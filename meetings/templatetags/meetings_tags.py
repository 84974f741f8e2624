"""Dates the Swedish way (`tisdag 9 mars 2027 kl. 18.00`) and in English on English pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html

from core.templatetags.natverk_tags import iso_datetime, local_day, local_time, local_when

register = template.Library()


# The site-wide date helpers under the names the meeting templates use.
meeting_time = register.filter("meeting_time", local_time)
meeting_day = register.filter("meeting_day", local_day)
meeting_when = register.filter("meeting_when", local_when)


@register.filter
def meeting_month(value: datetime | None) -> str:
    """`mars 2027` or `March 2027`: the heading the meeting list groups by."""
    if not value:
        return ""
    return dateformat.format(timezone.localtime(value), "F Y")


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
