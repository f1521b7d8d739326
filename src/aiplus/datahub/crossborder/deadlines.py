"""Legal clocks as data: a kind, a length (working days or months), the event that starts it, and its
citation.

Working days follow the official Chinese holiday calendar, which this pure package does not carry: the caller
passes
`calendar(start, n)` → the date n working days after `start` (the start day itself not counted). Without it a
working-day clock carries its count only. Month clocks need no holiday calendar: the period ends on the
corresponding day of the final month, or its last day when there is none (Civil Code arts. 201–202).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiplus.rules import Citation, Decision, ParameterRegistry

WorkingDayCalendar = Callable[[dt.date, int], dt.date]


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def calendar_date(calendar: WorkingDayCalendar, start: dt.date, days: int) -> dt.date | None:
    """calendar(start, days), or None when the official calendar for that year is not published yet (the
    calendar raises LookupError): a date is never guessed from weekdays."""
    try:
        return calendar(start, days)
    except LookupError:
        return None


def working_days_before(end: dt.date, days: int, calendar: WorkingDayCalendar) -> dt.date | None:
    """The earliest date d with calendar(d, days) >= end: the day a window of `days` working days before `end`
    opens. Found by bisection with the forward-only calendar; None when the calendar does not cover it."""
    low = end - dt.timedelta(days=days * 3 + 60)  # far enough back for any holiday pattern
    high = end
    try:
        while low < high:
            middle = low + (high - low) // 2
            if calendar(middle, days) >= end:
                high = middle
            else:
                low = middle + dt.timedelta(days=1)
    except LookupError:
        return None
    return low


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: str
    citation: Citation
    parameter: str
    starts_with: str  # the event that starts the clock
    working_days: int | None = None
    months: int | None = None
    start_on: dt.date | None = None
    due_on: dt.date | None = None
    extendable: bool = False
    before_kind: str | None = None  # for a reminder: the deadline it counts back from
    text_zh: str = ""
    text_en: str = ""

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "kind": self.kind,
            "starts_with": self.starts_with,
            "citation": self.citation.as_dict(),
            "citation_label": self.citation.label(),
            "parameter": self.parameter,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }
        if self.working_days is not None:
            result["working_days"] = self.working_days
        if self.months is not None:
            result["months"] = self.months
        if self.extendable:
            result["extendable"] = True
        if self.before_kind:
            result["before"] = self.before_kind
        result["start_on"] = self.start_on.isoformat() if self.start_on else None
        result["due_on"] = self.due_on.isoformat() if self.due_on else None
        return result


def parameter_clock(
    decision: Decision,
    registry: ParameterRegistry,
    key: str,
    *,
    kind: str,
    starts_with: str,
    start_on: dt.date | None,
    calendar: WorkingDayCalendar | None,
    text_zh: str,
    text_en: str,
    extendable: bool = False,
) -> Deadline:
    """The working-day clock whose length is the pack parameter `key` on the decision's date (the decision records
    that it used it), cited as the parameter is; `{days}` in the texts is that length."""
    days = int(decision.use(registry, key))
    return Deadline(
        kind=kind,
        citation=registry.version(key, decision.effective_on).citation,
        parameter=key,
        starts_with=starts_with,
        working_days=days,
        start_on=start_on,
        due_on=calendar_date(calendar, start_on, days) if calendar is not None and start_on is not None else None,
        extendable=extendable,
        text_zh=text_zh.format(days=days),
        text_en=text_en.format(days=days),
    )
