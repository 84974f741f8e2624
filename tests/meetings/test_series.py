from datetime import date

import pytest

from meetings.series import LAST, nth_weekday, plan_series, plan_series_with_skipped


def test_second_tuesday_every_other_month_from_january_2027() -> None:
    dates = plan_series(first_date=date(2027, 1, 1), weekday=1, nth=2, interval_months=2, count=6)
    assert dates == [
        date(2027, 1, 12),
        date(2027, 3, 9),
        date(2027, 5, 11),
        date(2027, 7, 13),
        date(2027, 9, 14),
        date(2027, 11, 9),
    ]


def test_ascension_day_is_skipped_and_named() -> None:
    plan = plan_series_with_skipped(first_date=date(2027, 4, 1), weekday=3, nth=1, interval_months=1, count=3)
    assert plan.dates == [date(2027, 4, 1), date(2027, 6, 3), date(2027, 7, 1)]
    assert plan.skipped == [(date(2027, 5, 6), "Kristi himmelsfärdsdag")]


def test_national_day_skipped_but_ordinary_sundays_kept() -> None:
    plan = plan_series_with_skipped(first_date=date(2027, 5, 1), weekday=6, nth=1, interval_months=1, count=2)
    assert plan.dates == [date(2027, 5, 2), date(2027, 7, 4)]
    assert [day for day, _ in plan.skipped] == [date(2027, 6, 6)]


def test_christmas_eve_counts_as_a_holiday() -> None:
    plan = plan_series_with_skipped(first_date=date(2027, 11, 1), weekday=4, nth=4, interval_months=1, count=2)
    assert plan.dates == [date(2027, 11, 26), date(2028, 1, 28)]
    assert plan.skipped[0][0] == date(2027, 12, 24)


def test_last_friday_every_third_month() -> None:
    dates = plan_series(first_date=date(2027, 1, 1), weekday=4, nth=LAST, interval_months=3, count=4)
    assert dates == [date(2027, 1, 29), date(2027, 4, 30), date(2027, 7, 30), date(2027, 10, 29)]


def test_an_occurrence_before_the_first_date_is_not_used() -> None:
    assert plan_series(first_date=date(2027, 1, 13), weekday=1, nth=2, interval_months=2, count=1) == [date(2027, 3, 9)]


def test_nth_weekday() -> None:
    assert nth_weekday(2027, 3, 6, LAST) == date(2027, 3, 28)
    assert nth_weekday(2027, 10, 6, LAST) == date(2027, 10, 31)


@pytest.mark.parametrize("count", [0, 53, 500])
def test_count_out_of_range_is_refused(count: int) -> None:
    with pytest.raises(ValueError):
        plan_series(first_date=date(2027, 1, 1), weekday=1, nth=2, interval_months=2, count=count)
