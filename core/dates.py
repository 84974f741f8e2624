"""Dates a person types mean one thing, and stay within a sensible range.

`parse_date` reads ISO (2026-12-07), the compact 20261207 and the day-first forms a
Swede types (7/12 2026, 7.12.2026, 7 dec. 2026), never the US month first: 07/12/2026 is
7 December. Anything else (a two-digit year, a missing year, 31/2) is refused with one
message showing the format. `SwedishDateField` is the form field built on it; the admin
gets it through `ADMIN_DATE_OVERRIDES`, and core/formats/ keeps Django's own date
fields day-first in every language.

A typo like 9999-12-31 is a valid date, but adding a day to it overflows, and a page or
the reminder job that does so would crash. Forms refuse dates more than ten years from
today (`validate_sensible_date`, added to every date field by `core.text`); the
database refuses anything outside fixed bounds (`date_bounds_constraint`), so no row
can hold one whatever path wrote it.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

YEARS_EITHER_WAY = 10
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def sensible_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last date a form accepts: ten years either side of today."""
    today = today or timezone.localdate()
    return _years_from(today, -YEARS_EITHER_WAY), _years_from(today, YEARS_EITHER_WAY)


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one.
        return day.replace(year=day.year + years, day=28)


def validate_sensible_date(value: object) -> None:
    """Validator: a date or time within ten years of today."""
    if isinstance(value, datetime.datetime):
        day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        return
    first, last = sensible_range()
    if not first <= day <= last:
        raise ValidationError(
            _("Datumet måste ligga mellan %(first)s och %(last)s. Kontrollera årtalet."),
            code="date_out_of_range",
            params={"first": date_format(first, "DATE_FORMAT"), "last": date_format(last, "DATE_FORMAT")},
        )


def bounds(*, with_time: bool = False) -> tuple[datetime.date, datetime.date]:
    """EARLIEST and LATEST, as aware datetimes spanning whole days when `with_time`."""
    if with_time:
        return (
            datetime.datetime.combine(EARLIEST, datetime.time.min, tzinfo=datetime.UTC),
            datetime.datetime.combine(LATEST, datetime.time.max, tzinfo=datetime.UTC),
        )
    return EARLIEST, LATEST


def clamp_rows(model: type[models.Model], field_names: list[str], *, with_time: bool = False) -> int:
    """Move stored dates outside the bounds onto them, so a bounds constraint can be added.

    For migrations: a row typed as 9999-12-31 before the check existed keeps a visibly
    wrong but storable date that a person can correct. Returns how many rows changed.
    """
    low, high = bounds(with_time=with_time)
    outside = models.Q()
    for name in field_names:
        outside |= models.Q(**{f"{name}__lt": low}) | models.Q(**{f"{name}__gt": high})
    changed = 0
    for row in model._default_manager.filter(outside):
        for name in field_names:
            value = getattr(row, name)
            if value is not None:
                setattr(row, name, min(max(value, low), high))
        row.save(update_fields=field_names)
        changed += 1
    return changed


def date_bounds_constraint(model_name: str, field_name: str, *, with_time: bool = False) -> models.CheckConstraint:
    """A CheckConstraint keeping `field_name` between EARLIEST and LATEST (or empty)."""
    low, high = bounds(with_time=with_time)
    within = models.Q(**{f"{field_name}__gte": low, f"{field_name}__lte": high})
    return models.CheckConstraint(
        condition=within | models.Q(**{f"{field_name}__isnull": True}),
        name=f"{model_name}_{field_name}_in_range",
    )


INVALID_DATE = _("Skriv datumet som 2026-12-07 eller 7/12 2026.")
MISSING_DATE = _("Skriv ett datum, till exempel 2026-12-07 eller 7/12 2026.")
DATE_HINT = _("Till exempel 2026-12-07 eller 7/12 2026.")
ISO_DATE = "%Y-%m-%d"

# Swedish names and abbreviations, and the English ones: a month written as a word after
# the day cannot be read the US way, so the English words are as safe as the Swedish.
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan", "january"),
            ("februari", "feb", "february"),
            ("mars", "mar", "march"),
            ("april", "apr"),
            ("maj", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("augusti", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct", "october"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

# Year first (ISO, 4 digits) cannot clash with day first (1 or 2 digits) in the patterns below.
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
# 7/12 2026, 7/12/2026, 7.12.2026, 7-12-2026: the second separator repeats the first or is a space.
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})(?:\2|\s+)(\d{4})")
# 7 dec 2026, 7 dec. 2026, 7. december 2026, 7 december, 2026
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})\.?\s*([^\W\d_]+)\.?,?\s+(\d{4})")


def parse_date(text: str) -> datetime.date:
    """The date in `text`, read day first; ValidationError(INVALID_DATE) when it is not one.

    Digits of any script count (an Arabic keyboard's ٧/١٢ ٢٠٢٦ is 7 December 2026).
    """
    value = " ".join(str(text).split()).lower()
    year = month = day = None
    if match := _ISO.fullmatch(value) or _COMPACT.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(value):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif (match := _DAY_MONTH_NAME.fullmatch(value)) and match[2] in MONTHS:
        day, month, year = int(match[1]), MONTHS[match[2]], int(match[3])
    if year is None:
        raise ValidationError(INVALID_DATE, code="invalid")
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 31/2 2026, 12/13/2026 (no thirteenth month), year 0.
        raise ValidationError(INVALID_DATE, code="invalid") from None


class DateTextInput(forms.DateInput):
    """A text input, not type="date": people type Swedish dates, and a re-shown form reads ISO."""

    def __init__(self, attrs: dict | None = None, format: str | None = None) -> None:
        super().__init__(
            attrs={"class": "input--date", "autocomplete": "off", **(attrs or {})}, format=format or ISO_DATE
        )


class SwedishDateField(forms.DateField):
    """A date typed the Swedish way or as ISO (`parse_date`), shown back as ISO.

    Without a help text of its own the field shows the hint with examples (`DATE_HINT`);
    a form that has its own help text adds the hint with `with_date_hint`.
    """

    widget = DateTextInput
    # A form's own words for a missing date ("Skriv sista dag.") still come first.
    default_error_messages = {"invalid": INVALID_DATE, "required": MISSING_DATE}

    def __init__(self, *, help_text: str = "", **kwargs) -> None:
        super().__init__(help_text=help_text or DATE_HINT, **kwargs)

    def to_python(self, value: object) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return parse_date(str(value))


def with_date_hint(text: str) -> str:
    """A date field's own help text followed by the hint with examples."""
    return format_lazy("{} {}", text, DATE_HINT)


class SwedishSplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date and time pair, its date part read by `parse_date`."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        date_part, time_part = self.fields
        # As Django set up its own date part: not required on its own, the pair's messages.
        swedish = SwedishDateField(
            required=date_part.required,
            disabled=date_part.disabled,
            error_messages={**date_part.error_messages, "invalid": INVALID_DATE},
        )
        self.fields = (swedish, time_part)


# For a ModelAdmin's `formfield_overrides`: Django's date widgets (the calendar writes
# ISO), read by `parse_date`.
ADMIN_DATE_OVERRIDES = {
    models.DateTimeField: {"form_class": SwedishSplitDateTimeField, "widget": admin_widgets.AdminSplitDateTime},
    models.DateField: {"form_class": SwedishDateField, "widget": admin_widgets.AdminDateWidget},
}
