import datetime as dt

import pytest

from aiplus.core.calendar import CalendarUnavailable, add_working_days, is_working_day, working_days_between


def test_ten_working_days_from_just_before_national_day_2026():
    # The State Council General Office's notice on the 2026 holidays: National Day 1–7 October off;
    # Sunday 20 September and
    # Saturday 10 October are working days. Counting from Wednesday 30 September: 8, 9, 10 (Saturday, worked),
    # 12, 13, 14, 15, 16, 19, 20 October.
    assert add_working_days(dt.date(2026, 9, 30), 10) == dt.date(2026, 10, 20)
    assert is_working_day(dt.date(2026, 10, 10))  # the adjusted working Saturday
    assert not is_working_day(dt.date(2026, 10, 5))


def test_ten_working_days_from_just_before_national_day_2025():
    # 2025: 1–8 October off (National Day and Mid-Autumn); Saturday 11 October worked.
    assert add_working_days(dt.date(2025, 9, 30), 10) == dt.date(2025, 10, 21)


def test_a_plain_week_skips_the_weekend():
    assert add_working_days(dt.date(2026, 3, 6), 1) == dt.date(2026, 3, 9)  # Friday → Monday
    assert working_days_between(dt.date(2026, 3, 6), dt.date(2026, 3, 13)) == 5


@pytest.mark.official_calendar
@pytest.mark.django_db  # a year the package does not know is looked up among the entered notices
def test_an_unknown_year_is_an_error_not_a_guess():
    with pytest.raises(CalendarUnavailable):
        add_working_days(dt.date(2099, 12, 30), 5)


def test_the_suite_counts_weekdays_after_its_pinned_year():
    # conftest.py pins the calendar: no test depends on whether the installed release knows next year.
    assert add_working_days(dt.date(2099, 12, 31), 2) == dt.date(2100, 1, 4)  # Thursday, Friday 1 January, Monday
