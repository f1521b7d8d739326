"""The annual counters of people whose personal information a processor has sent abroad.

Order No. 16 counts cumulatively "since 1 January of the current year" (arts. 5, 7, 8): the counters restart
at
each period start. The period start is the pack parameter `crossborder.counting_period_start` ("01-01").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from aiplus.rules import ParameterRegistry

PERIOD_START_KEY = "crossborder.counting_period_start"


def parse_month_day(value: object) -> tuple[int, int]:
    """'01-01' → (1, 1); a malformed setting is an error, never a silent default."""
    text = str(value)
    try:
        month_text, day_text = text.split("-")
        month, day = int(month_text), int(day_text)
        dt.date(2024, month, day)  # a leap year accepts every real month-day
    except ValueError as error:
        raise ValueError(f"{PERIOD_START_KEY} must be 'MM-DD', got {text!r}") from error
    return month, day


def period_start(day: dt.date, month_day: tuple[int, int] = (1, 1)) -> dt.date:
    """The first day of the counting period that contains `day`."""
    month, start_day = month_day
    start = dt.date(day.year, month, start_day)
    return start if start <= day else dt.date(day.year - 1, month, start_day)


def registry_period_start(registry: ParameterRegistry, day: dt.date) -> dt.date:
    return period_start(day, parse_month_day(registry.value(PERIOD_START_KEY, day)))


@dataclass(frozen=True, slots=True)
class AnnualCounter:
    """Cumulative people sent abroad in one counting period (period_start is normally 1 January)."""

    period_start: dt.date
    pi_people: int = 0
    sensitive_pi_people: int = 0

    def __post_init__(self) -> None:
        if self.pi_people < 0:
            raise ValueError("pi_people must not be negative")
        if self.sensitive_pi_people < 0:
            raise ValueError("sensitive_pi_people must not be negative")

    @property
    def year(self) -> int:
        return self.period_start.year

    def as_of(self, day: dt.date, month_day: tuple[int, int] = (1, 1)) -> AnnualCounter:
        """The counter seen on `day`: zero if a new period has begun since (the 1 January reset)."""
        start = period_start(day, month_day)
        if start < self.period_start:
            raise ValueError(
                f"a transfer on {day.isoformat()} falls before this counter's period (from "
                f"{self.period_start.isoformat()}); record it in its own period"
            )
        if start > self.period_start:
            return AnnualCounter(period_start=start)
        return self


def apply_transfer(
    counter: AnnualCounter | None,
    *,
    on: dt.date,
    pi_people: int,
    sensitive_pi_people: int,
    month_day: tuple[int, int] = (1, 1),
) -> AnnualCounter:
    """Record a transfer made on `on`: reset the counter if a new period began, then add the transfer's
    people.

    Counting is by people per transfer as the processor reports them; a processor that can de-duplicate people
    across transfers reports the new people only.
    """
    if pi_people < 0:
        raise ValueError("pi_people must not be negative")
    if sensitive_pi_people < 0:
        raise ValueError("sensitive_pi_people must not be negative")
    current = (counter or AnnualCounter(period_start=period_start(on, month_day))).as_of(on, month_day)
    return replace(
        current,
        pi_people=current.pi_people + pi_people,
        sensitive_pi_people=current.sensitive_pi_people + sensitive_pi_people,
    )
