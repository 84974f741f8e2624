"""The series planner: dates such as "the second Tuesday every other month", minus holidays.

Decision: a date that falls on a Swedish public holiday is skipped, not moved. The series
goes on until it has the number of meetings asked for, and the preview in the admin lists
the skipped dates so that the coordinator can add a meeting by hand if one is wanted.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from holidays.constants import DE_FACTO, PUBLIC

LAST = -1
MAX_MEETINGS = 52


@dataclass
class SeriesPlan:
    dates: list[date] = field(default_factory=list)
    skipped: list[tuple[date, str]] = field(default_factory=list)


@lru_cache(maxsize=64)
def _swedish_holidays(year: int) -> dict[date, str]:
    # Public holidays plus midsummer, Christmas and New Year's Eve, which Swedish law treats
    # the same way (the DE_FACTO category). Some versions of `holidays` also list every
    # Sunday as "Söndag" (Sweden counts Sundays as holidays); a series on Sundays is normal,
    # so those entries are left out and only real public holidays remain.
    found = holidays.Sweden(years=year, categories=(PUBLIC, DE_FACTO), language="sv")
    return {day: name for day, name in found.items() if name.strip().lower() != "söndag"}


def holiday_name(day: date) -> str | None:
    """The Swedish name of the public holiday on `day`, or None."""
    return _swedish_holidays(day.year).get(day)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The `nth` (1–4, or LAST) `weekday` (0 = Monday) of a month."""
    if nth == LAST:
        last_day = calendar.monthrange(year, month)[1]
        day = date(year, month, last_day)
        return day - timedelta(days=(day.weekday() - weekday) % 7)
    if not 1 <= nth <= 4:
        raise ValueError("nth must be 1–4 or LAST")
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def plan_series_with_skipped(
    *, first_date: date, weekday: int, nth: int, interval_months: int, count: int, skip_holidays: bool = True
) -> SeriesPlan:
    """The meeting dates from `first_date` on, and the holidays that were skipped on the way."""
    if not 1 <= count <= MAX_MEETINGS:
        raise ValueError(f"count must be 1–{MAX_MEETINGS}")
    if not 1 <= interval_months <= 12:
        raise ValueError("interval_months must be 1–12")
    if not 0 <= weekday <= 6:
        raise ValueError("weekday must be 0–6")
    plan = SeriesPlan()
    step = 0
    # Each step is one rule occurrence; holidays cannot fill more than a few of them.
    while len(plan.dates) < count and step < count + 60:
        year, month = _add_months(first_date.year, first_date.month, step * interval_months)
        step += 1
        day = nth_weekday(year, month, weekday, nth)
        if day < first_date:
            continue
        name = holiday_name(day) if skip_holidays else None
        if name:
            plan.skipped.append((day, name))
            continue
        plan.dates.append(day)
    return plan


def plan_series(
    *, first_date: date, weekday: int, nth: int, interval_months: int, count: int, skip_holidays: bool = True
) -> list[date]:
    """The dates of a series of `count` meetings, Swedish public holidays skipped."""
    return plan_series_with_skipped(
        first_date=first_date,
        weekday=weekday,
        nth=nth,
        interval_months=interval_months,
        count=count,
        skip_holidays=skip_holidays,
    ).dates
