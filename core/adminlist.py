"""The admin's change lists: short dates that fit, a far-off date in the date drill-down is
a bad lookup, not a crash, and a page's rows read only what the list shows."""

from __future__ import annotations

import datetime
import html

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString


def short_date_text(day: datetime.date, form: str | None = None) -> str:
    """date_format(day, "SHORT_DATE_FORMAT"): the same text, at once for the ISO form (Swedish:
    2026-11-29), which Django's formatter builds piece by piece (twice per row of a list).
    `form`: the active language's SHORT_DATE_FORMAT, if the caller has it (a list asks once)."""
    if form is None:
        form = get_format("SHORT_DATE_FORMAT")
    return day.isoformat() if form == "Y-m-d" else dateformat.format(day, form)


def short_date_html(day: datetime.date, form: str | None = None) -> str:
    # The class keeps the date on one line (a browser may break it at a hyphen). As
    # format_html() writes it, without its checks for lazy texts (two dates in each row of a list).
    return SafeString(f'<span class="date-short">{html.escape(short_date_text(day, form))}</span>')


def short_date(value: datetime.datetime | None) -> str:
    """2026-11-29 in local time: a list column that stays narrow ("29 november 2026 20.45" does not)."""
    if value is None:
        return "–"
    return short_date_html(timezone.localtime(value).date())


class DateSafeChangeList(ChangeList):
    """Django turns ?starts_at__year=9999 (the year after overflows) or a year of twenty
    digits into a server error; here they become IncorrectLookupParameters, which the
    admin answers by showing the unfiltered list."""

    def get_filters(self, request: HttpRequest) -> tuple:
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class RowsChangeList(ChangeList):
    """A change list whose page of rows the ModelAdmin may narrow: `list_rows(queryset)`
    returns the queryset the page's rows are read from (e.g. with .only() and lighter
    prefetches), and `list_rows_loaded(rows)` may add to the rows once they are read (what a
    column needs of related rows, in one query). Both are for those rows alone; actions, the
    CSV export and the change page ask for the ModelAdmin's queryset themselves and get whole
    rows as before.
    """

    def get_results(self, request: HttpRequest) -> None:
        list_rows = getattr(self.model_admin, "list_rows", None)
        if list_rows is not None:
            self.queryset = list_rows(self.queryset)
        super().get_results(request)
        loaded = getattr(self.model_admin, "list_rows_loaded", None)
        if loaded is not None:
            self.result_list = list(self.result_list)
            loaded(self.result_list)


class DateSafeChangeListMixin:
    """For ModelAdmins with a date_hierarchy."""

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return DateSafeChangeList
