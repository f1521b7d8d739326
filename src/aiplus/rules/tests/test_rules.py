import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from aiplus.rules import Citation, ParameterError, ParameterRegistry, ParameterStatus, ParameterVersion, money
from aiplus.rules.cases import check_case, load_cases, run_case

CASES_DIR = Path(__file__).resolve().parents[1] / "cases"
ALL_CASES = [case for path in sorted(CASES_DIR.glob("*.yaml")) for case in load_cases(path)]
CITE = Citation(pack="suzhou", article="34")


def version(key, value, start, end=None):
    return ParameterVersion(key, value, start, end, CITE, ParameterStatus.LOCAL_SETTING)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: f"{c.file.stem}:{c.name}")
def test_legal_case(case):
    decision = run_case(case)
    assert check_case(case, decision) == []
    # Every reason carries a citation, and every decision records the parameters it used.
    assert all(reason.citation.pack or reason.citation.instrument for reason in decision.reasons)
    assert decision.reasons


def test_dated_lookup_picks_the_version_in_force():
    registry = ParameterRegistry()
    registry.register([
        version("x", 1, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        version("x", 2, dt.date(2025, 1, 1)),
    ])
    assert registry.value("x", dt.date(2024, 12, 31)) == 1
    assert registry.value("x", dt.date(2025, 1, 1)) == 2
    with pytest.raises(ParameterError, match="no value in force"):
        registry.value("x", dt.date(2023, 6, 1))
    with pytest.raises(ParameterError, match="unknown parameter"):
        registry.value("y", dt.date(2025, 1, 1))


def test_overlapping_periods_are_refused():
    registry = ParameterRegistry()
    with pytest.raises(ParameterError, match="overlap"):
        registry.register([version("x", 1, dt.date(2024, 1, 1)), version("x", 2, dt.date(2025, 1, 1))])


def test_money_refuses_floats_and_rounds_half_up():
    assert money(Decimal("0.005")) == Decimal("0.01")
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]


def test_citation_labels_in_both_languages():
    assert Citation(pack="suzhou", article="34").label("en") == "suzhou art. 34"
    label = Citation(instrument="促进和规范数据跨境流动规定", article="8").label()
    assert label == "《促进和规范数据跨境流动规定》第8条"
    with pytest.raises(ValueError):
        Citation()

