"""Working days on the official Chinese holiday calendar (国务院办公厅 annual holiday notices).

Legal deadlines such as "10 working days" count days that are working days on the official calendar: public
holidays are skipped and the adjusted working weekends (调休上班) count. The data come from `chinesecalendar`,
which transcribes the State Council notices; a year it does not know yet is an error, never a silent guess.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar


class CalendarUnavailable(LookupError):
    """The official holiday calendar for that year has not been published (or not yet loaded)."""


def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as error:
        raise CalendarUnavailable(f"no official holiday calendar for {day.year}") from error


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
