"""The sandbox engine at its boundaries, table-driven: the panel majority, the report schedule, a report's state
on, before and after its due day, the extension caps and the fault-tolerance outcomes the criteria allow."""

from __future__ import annotations

import datetime as dt

import pytest

from aiplus.sandbox import engine

D = dt.date


@pytest.mark.parametrize(("admit", "size", "percent", "admitted"), [
    (2, 3, 50, True),     # 2 of 3: more than half
    (1, 3, 50, False),
    (2, 4, 50, False),    # exactly half is not more than half
    (3, 4, 50, True),
    (3, 5, 50, True),
    (0, 0, 50, False),    # no panel, no admission
    (4, 5, 80, False),    # exactly 80% is not more than 80%
    (5, 5, 80, True),
])
def test_the_panel_admits_with_more_than_the_share_of_all_its_experts(admit: int, size: int, percent: int,
                                                                       admitted: bool) -> None:
    votes = {i: engine.ADMIT for i in range(admit)} | {100 + i: engine.REJECT for i in range(size - admit)}
    result = engine.tally(votes, size, percent)
    assert result.admitted is admitted and result.checks[0].ok is admitted


def test_an_absent_vote_counts_against() -> None:
    assert engine.tally({1: engine.ADMIT, 2: engine.ADMIT}, 5, 50).admitted is False


@pytest.mark.parametrize(("start", "end", "every", "ends"), [
    (D(2026, 1, 1), D(2026, 1, 30), 30, [D(2026, 1, 30)]),                   # exactly one period
    (D(2026, 1, 1), D(2026, 1, 31), 30, [D(2026, 1, 30), D(2026, 1, 31)]),   # one day over: a short last period
    (D(2026, 1, 1), D(2026, 1, 29), 30, [D(2026, 1, 29)]),                   # shorter than a period
    (D(2026, 1, 1), D(2026, 1, 1), 7, [D(2026, 1, 1)]),                      # one day
    (D(2026, 1, 1), D(2026, 3, 1), 30, [D(2026, 1, 30), D(2026, 3, 1)]),
    (D(2026, 1, 2), D(2026, 1, 1), 7, []),                                   # end before start
    (D(2026, 1, 1), D(2026, 1, 3), 1, [D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 3)]),
])
def test_the_report_schedule_follows_the_frequency(start: dt.date, end: dt.date, every: int,
                                                   ends: list[dt.date]) -> None:
    assert engine.period_ends(start, end, every) == ends


def test_a_frequency_below_one_day_is_refused() -> None:
    with pytest.raises(ValueError):
        engine.period_ends(D(2026, 1, 1), D(2026, 2, 1), 0)


@pytest.mark.parametrize(("due", "filed", "today", "state"), [
    (D(2026, 3, 10), None, D(2026, 3, 9), engine.PENDING),
    (D(2026, 3, 10), None, D(2026, 3, 10), engine.PENDING),      # the due day itself is still in time
    (D(2026, 3, 10), None, D(2026, 3, 11), engine.OVERDUE),
    (D(2026, 3, 10), D(2026, 3, 10), D(2026, 3, 20), engine.FILED),
    (D(2026, 3, 10), D(2026, 3, 11), D(2026, 3, 20), engine.FILED_LATE),
])
def test_a_report_is_overdue_from_the_day_after_its_due_day(due: dt.date, filed: dt.date | None, today: dt.date,
                                                            state: str) -> None:
    assert engine.report_state(due, filed, today) == state


@pytest.mark.parametrize(("current", "new", "so_far", "ok", "failed"), [
    (D(2026, 6, 30), D(2027, 6, 30), 0, True, set()),                 # 365 days: the cap itself
    (D(2026, 6, 30), D(2027, 7, 1), 0, False, {"extension_days"}),    # one day over
    (D(2026, 6, 30), D(2026, 7, 1), 0, True, set()),                  # one day
    (D(2026, 6, 30), D(2026, 6, 30), 0, False, {"later", "extension_days"}),
    (D(2026, 6, 30), D(2026, 6, 1), 0, False, {"later", "extension_days"}),
    (D(2026, 6, 30), D(2026, 12, 31), 1, False, {"extension_count"}),  # the one extension used
])
def test_an_extension_stays_within_its_caps(current: dt.date, new: dt.date, so_far: int, ok: bool,
                                            failed: set[str]) -> None:
    result = engine.extension(current_end=current, new_end=new, extensions_so_far=so_far, max_extensions=1,
                              max_extension_days=365)
    assert result.ok is ok
    assert {c.code for c in result.checks if not c.ok} == failed


REQUIRED = {"r.a": ("甲", "A"), "r.b": ("乙", "B")}
MITIGATING = ["m.a", "m.b", "m.c"]


@pytest.mark.parametrize(("met", "allowed"), [
    (set(), ()),
    ({"r.a", "m.a", "m.b", "m.c"}, ()),                                            # a required one missing
    ({"r.a", "r.b"}, (engine.LIGHTER, engine.MITIGATED)),
    ({"r.a", "r.b", "m.a"}, (engine.LIGHTER, engine.MITIGATED)),                   # one below the threshold
    ({"r.a", "r.b", "m.a", "m.b"}, (engine.NO_PENALTY, engine.LIGHTER, engine.MITIGATED)),  # the threshold
    ({"r.a", "r.b", "m.a", "unknown", "other"}, (engine.LIGHTER, engine.MITIGATED)),  # unknown codes not counted
])
def test_the_criteria_met_decide_which_outcomes_are_open(met: set[str], allowed: tuple[str, ...]) -> None:
    result = engine.tolerance(met=met, required=REQUIRED, mitigating=MITIGATING, no_penalty_min_mitigating=2)
    assert result.allowed == allowed


def test_the_reasons_name_the_missing_required_criteria() -> None:
    result = engine.tolerance(met={"r.a"}, required=REQUIRED, mitigating=MITIGATING, no_penalty_min_mitigating=2)
    assert "乙" in result.checks[0].text_zh and "B" in result.checks[0].text_en
    assert "甲" not in result.checks[0].text_zh
