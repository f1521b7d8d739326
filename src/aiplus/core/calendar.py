"""Working days on the official Chinese holiday calendar (国务院办公厅 annual holiday notices).

Legal deadlines such as "10 working days" count days that are working days on the official calendar: public
holidays are skipped and the adjusted working weekends (调休上班) count. The data come from two places:

- `chinesecalendar`, which transcribes the State Council notices, for the years its installed release knows;
- the notices the platform operator entered (`core.HolidayNotice`, the page "节假日安排"), for a year the package does
  not know yet (the notice for the next year comes out each November or December, often before a new release). A
  year the package knows is never entered, so the two never disagree, and known years never touch the database.

A year neither knows is `CalendarUnavailable` (a 409 naming the year), never a silent guess.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import chinese_calendar
from django.utils.translation import gettext_lazy as _

from aiplus.core.errors import ServiceError

# One entered year: the weekdays off and the weekend days worked.
YearArrangement = tuple[frozenset[dt.date], frozenset[dt.date]]
CACHE_SECONDS = 60  # another process sees a newly entered notice within a minute (this one at once)


class CalendarUnavailable(ServiceError, LookupError):
    """The official holiday calendar for that year is neither in the package nor entered by the operator."""

    status = 409

    def __init__(self, year: int) -> None:
        super().__init__("calendar_unavailable", _(
            "尚无%(year)s年的国务院节假日安排，无法按工作日计算期限。请平台管理员在“节假日安排”页面录入该年的通知。"
        ) % {"year": year})
        self.year = year


_entered: Callable[[int], YearArrangement | None] = lambda year: None  # noqa: E731 - replaced at start-up
_cache: dict[int, tuple[float, YearArrangement | None]] = {}


def use_entered_years(source: Callable[[int], YearArrangement | None]) -> None:
    """Where the operator's entered years are read from (core's AppConfig: the HolidayNotice table)."""
    global _entered
    _entered = source
    forget_entered_years()


def forget_entered_years() -> None:
    """Read the entered years again (after a notice is entered; tests, between cases)."""
    _cache.clear()


def entered_year(year: int) -> YearArrangement | None:
    now = time.monotonic()
    cached = _cache.get(year)
    if cached is None or now - cached[0] > CACHE_SECONDS:
        cached = (now, _entered(year))
        _cache[year] = cached
    return cached[1]


def package_years() -> list[int]:
    """The years the installed chinesecalendar knows."""
    return sorted({day.year for day in chinese_calendar.holidays})


def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as error:
        entered = entered_year(day.year)
        if entered is None:
            raise CalendarUnavailable(day.year) from error
    days_off, days_worked = entered
    if day in days_worked:
        return True
    return day not in days_off and day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date on which a period of `days` working days that starts after `start` ends.

    The day of the triggering event does not count (期间开始的当日不计入), so one working day after a Friday
    is the next Monday, unless that Monday is a holiday.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days fall after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
