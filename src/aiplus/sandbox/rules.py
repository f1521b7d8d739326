"""The sandbox and fault-tolerance numbers as the pack has them on a day (`sandbox.*`, `tolerance.*`: platform
settings serving Guangdong art. 6), and the fault-tolerance criteria (the `tolerance_criteria` taxonomy)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from aiplus.regulation.runtime import active_packs, parameters

KEYS = ("sandbox.panel_min_experts", "sandbox.panel_admit_percent", "sandbox.max_duration_days",
        "sandbox.report_every_days_min", "sandbox.report_every_days_max", "sandbox.report_grace_working_days",
        "sandbox.max_extensions", "sandbox.max_extension_days")
TOLERANCE_KEYS = ("tolerance.no_penalty_min_mitigating",)


@dataclass(frozen=True)
class Limits:
    panel_min_experts: int
    panel_admit_percent: int
    max_duration_days: int
    report_every_days_min: int
    report_every_days_max: int
    report_grace_working_days: int
    max_extensions: int
    max_extension_days: int
    no_penalty_min_mitigating: int


def limits(day: dt.date) -> Limits:
    registry = parameters()
    return Limits(**{key.split(".", 1)[1]: int(registry.value(key, day)) for key in (*KEYS, *TOLERANCE_KEYS)})


def parameter_rows(day: dt.date, keys: tuple[str, ...] = KEYS) -> list[Any]:
    """The parameter versions in force on `day`, for a page's "where the numbers come from" table."""
    return [parameters().version(key, day) for key in keys]


@dataclass(frozen=True)
class Criteria:
    items: list[Any]  # the taxonomy's leaves
    required: dict[str, tuple[str, str]]
    mitigating: list[str]
    citation: Any

    @property
    def codes(self) -> set[str]:
        return {item.code for item in self.items}


def criteria() -> Criteria:
    taxonomy = active_packs().taxonomy("tolerance_criteria")
    items = [item for item in taxonomy.flatten() if item.parent is not None]
    return Criteria(items=items,
                    required={i.code: (i.name_zh, i.name_en) for i in items if i.parent == "required"},
                    mitigating=[i.code for i in items if i.parent == "mitigating"], citation=taxonomy.citation)


def criteria_choices() -> list[tuple[str, str]]:
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    return [(item.code, item.name_en if english else item.name_zh) for item in criteria().items]


@dataclass(frozen=True)
class ReportClock:
    """A report's state against its due day and, counted on the official working-day calendar, how many working
    days are left (pending) or have passed since the due day (overdue)."""

    report: Any
    state: str
    working_days: int


def report_clock(report: Any, today: dt.date) -> ReportClock:
    from aiplus.core import calendar
    from aiplus.sandbox import engine

    state = engine.report_state(report.due_on, report.filed_on, today)
    if state == engine.OVERDUE:
        days = calendar.working_days_between(report.due_on, today)
    elif state == engine.PENDING:
        days = calendar.working_days_between(today, report.due_on)
    else:
        days = 0
    return ReportClock(report, state, days)
