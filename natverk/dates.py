"""Dates a person types stay within a sensible range.

A typo like 9999-12-31 is a valid date, but adding a day to it overflows, and a page or
the reminder job that does so would crash. Forms refuse dates more than ten years from
today (`validate_sensible_date`, added to every date field by `natverk.text`); the
database refuses anything outside fixed bounds (`date_bounds_constraint`), so no row
can hold one whatever path wrote it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
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
            params={"first": date_format(first, "j F Y"), "last": date_format(last, "j F Y")},
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
