"""Template helpers that every app's pages use."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.markdown import render_markdown

register = template.Library()


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


# Time of day: Swedish and Finnish write 18.00, English and Arabic 18:00 (24 hours everywhere).
_TIME_FORMATS = {"en": "H:i", "ar": "H:i"}
# The day with its weekday. Finnish puts a point after the day and the month in the partitive
# ("tiistai 9. maaliskuuta 2027"); Django's catalogues give Swedish names in lower case.
_DAY_FORMATS = {"fi": "l j. E Y"}


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


@register.filter
def local_time(value: datetime | None) -> str:
    """`18.00` (Swedish, Finnish) or `18:00` (English, Arabic), in the site's time zone."""
    if not value:
        return ""
    return dateformat.format(timezone.localtime(value), _TIME_FORMATS.get(_language(), "H.i"))


@register.filter
def local_day(value: datetime | None) -> str:
    """`tisdag 9 mars 2027`, `Tuesday 9 March 2027`, `tiistai 9. maaliskuuta 2027`."""
    if not value:
        return ""
    return dateformat.format(timezone.localtime(value), _DAY_FORMATS.get(_language(), "l j F Y"))


@register.filter
def local_when(value: datetime | None) -> str:
    """`tisdag 9 mars 2027 kl. 18.00` or `Tuesday 9 March 2027 at 18:00`."""
    if not value:
        return ""
    # Translators: a day ("tisdag 9 mars 2027") and a time of day ("18.00").
    return _("%(day)s kl. %(time)s") % {"day": local_day(value), "time": local_time(value)}
