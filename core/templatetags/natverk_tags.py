"""Template helpers that every app's pages use."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.markdown import render_markdown

register = template.Library()


@register.simple_tag
def text_lang(obj=None, field: str = "") -> str:
    """` lang="sv" dir="auto"`: the attributes of an element that holds text someone wrote.

    `<h1{% text_lang meeting "title" %}>{{ meeting|tr:"title" }}</h1>` names the language of
    the text `tr` shows: the page's where the coordinator translated it, Swedish where the
    Swedish text stands in. `{% text_lang %}` alone is for text that has no translations (an
    actor's name, a voice, an application's title): Swedish, as nobody says otherwise.
    dir="auto" lets the text's own first letter set its direction, so that a Swedish
    sentence on an Arabic page reads left to right with its full stop at the end (and
    site.css isolates it from the Arabic around it).
    """
    code = obj.shown_language(field) if obj is not None and field else settings.LANGUAGE_CODE
    return format_html(' lang="{}" dir="auto"', code)


@register.filter
def markdown(value: str | None, top: int = 2) -> SafeString:
    """A Markdown text as sanitised HTML (core/markdown.py); `|markdown:3` when the text's
    headings belong under an h2."""
    return render_markdown(value or "", top=int(top))


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


# One style per language (issue 22): the time and the date come from the language's
# TIME_FORMAT and DATE_FORMAT (core/formats/<language>/formats.py), so "18.00" (Swedish,
# Finnish) or "18:00" (English, Arabic) and "9 mars 2027" read the same here as in every
# `date:"DATE_FORMAT"` of the pages.


@register.filter
def local_time(value: datetime | None) -> str:
    """`18.00` (Swedish, Finnish) or `18:00` (English, Arabic), in the site's time zone."""
    if not value:
        return ""
    return date_format(timezone.localtime(value), "TIME_FORMAT")


@register.filter
def local_day(value: datetime | None) -> str:
    """`tisdag 9 mars 2027`, `Tuesday 9 March 2027`, `tiistai 9. maaliskuuta 2027`: the weekday and DATE_FORMAT."""
    if not value:
        return ""
    return date_format(timezone.localtime(value), "l " + get_format("DATE_FORMAT"))


@register.filter
def local_when(value: datetime | None) -> str:
    """`tisdag 9 mars 2027 kl. 18.00` or `Tuesday 9 March 2027 at 18:00`."""
    if not value:
        return ""
    # Translators: a day ("tisdag 9 mars 2027") and a time of day ("18.00").
    return _("%(day)s kl. %(time)s") % {"day": local_day(value), "time": local_time(value)}
