"""Reporting periods: months, quarters and years, with their ends and the one before."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.periods import Period

D = datetime.date


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (D(2025, 1, 15), D(2025, 1, 31)),
        (D(2025, 2, 1), D(2025, 2, 28)),
        (D(2024, 2, 29), D(2024, 2, 29)),  # leap year
        (D(2000, 2, 10), D(2000, 2, 29)),  # divisible by 400: leap
        (D(2100, 2, 10), D(2100, 2, 28)),  # divisible by 100 only: not leap
        (D(2025, 4, 30), D(2025, 4, 30)),
        (D(2025, 12, 31), D(2025, 12, 31)),
    ],
)
def test_month_runs_from_the_first_to_its_last_day(day, end):
    # given a day
    # when the month containing it is taken
    # then it starts on the 1st and ends on the month's real last day
    period = Period.containing(day, "month")
    assert (period.start, period.end) == (day.replace(day=1), end)


@pytest.mark.parametrize(
    ("day", "start", "end", "label"),
    [
        (D(2025, 1, 1), D(2025, 1, 1), D(2025, 3, 31), "2025年第1季度"),
        (D(2025, 6, 30), D(2025, 4, 1), D(2025, 6, 30), "2025年第2季度"),
        (D(2025, 7, 1), D(2025, 7, 1), D(2025, 9, 30), "2025年第3季度"),
        (D(2025, 12, 31), D(2025, 10, 1), D(2025, 12, 31), "2025年第4季度"),
    ],
)
def test_quarter_boundaries_and_label(day, start, end, label):
    period = Period.containing(day, "quarter")
    assert (period.start, period.end, period.label) == (start, end, label)


def test_previous_quarter_of_the_first_crosses_into_last_year():
    # given the first quarter of 2025
    period = Period.containing(D(2025, 2, 14), "quarter")
    # when the previous one is asked for
    previous = period.previous()
    # then it is the fourth quarter of 2024
    assert (previous.start, previous.end, previous.label) == (D(2024, 10, 1), D(2024, 12, 31), "2024年第4季度")


def test_previous_month_of_january_is_last_december():
    previous = Period.containing(D(2025, 1, 20), "month").previous()
    assert (previous.start, previous.end, previous.label) == (D(2024, 12, 1), D(2024, 12, 31), "2024年12月")


def test_previous_month_of_march_in_a_leap_year_ends_on_the_29th():
    previous = Period.containing(D(2024, 3, 31), "month").previous()
    assert previous.end == D(2024, 2, 29)


def test_year_and_its_previous():
    period = Period.containing(D(2025, 7, 1))
    assert (period.start, period.end, period.label) == (D(2025, 1, 1), D(2025, 12, 31), "2025年")
    assert period.previous().label == "2024年"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="week"):
        Period.containing(D(2025, 1, 1), "week")


def test_current_period_follows_the_local_date(monkeypatch):
    # given it is 31 March 2025 in 南京 (frozen)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: D(2025, 3, 31))
    # when the current quarter is asked for
    # then it is the first quarter of 2025
    assert Period.current("quarter").label == "2025年第1季度"


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2099, 12, 31)), st.sampled_from(["month", "quarter", "year"]))
def test_periods_contain_their_day_and_follow_each_other_without_gaps(day, kind):
    # given any day and kind
    period = Period.containing(day, kind)
    # when the period and the one before are taken
    previous = period.previous()
    # then the day is inside, the period starts on a 1st, and the previous ends the day before
    assert period.start <= day <= period.end
    assert period.start.day == 1
    assert previous.end + datetime.timedelta(days=1) == period.start
    assert Period.containing(period.end, kind) == period
