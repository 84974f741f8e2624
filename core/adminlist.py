"""The admin's change lists: short dates that fit, and a far-off date in the date drill-down
is a bad lookup, not a crash."""

from __future__ import annotations

import datetime

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html


def short_date(value: datetime.datetime | None) -> str:
    """2026-11-29 in local time: a list column that stays narrow ("29 november 2026 20.45" does not)."""
    if value is None:
        return "–"
    # The class keeps the date on one line (a browser may break it at a hyphen).
    return format_html(
        '<span class="date-short">{}</span>', date_format(timezone.localtime(value).date(), "SHORT_DATE_FORMAT")
    )


class DateSafeChangeList(ChangeList):
    """Django turns ?starts_at__year=9999 (the year after overflows) or a year of twenty
    digits into a server error; here they become IncorrectLookupParameters, which the
    admin answers by showing the unfiltered list."""

    def get_filters(self, request: HttpRequest) -> tuple:
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class DateSafeChangeListMixin:
    """For ModelAdmins with a date_hierarchy."""

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return DateSafeChangeList
