"""The admin's change lists: a far-off date in the date drill-down is a bad lookup, not a crash."""

from __future__ import annotations

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest


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
