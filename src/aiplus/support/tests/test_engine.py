"""The programme engine, table-driven: formulas, tiers, caps, stacking, rounding, parameter versions by date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from aiplus.regulation.loader import load_packs
from aiplus.rules.citations import Citation
from aiplus.rules.parameters import ParameterRegistry, ParameterStatus, ParameterVersion
from aiplus.support.engine import Award, CatalogueError, Programme, evaluate, load_catalogue, split_tranches
from aiplus.support.engine.catalogue import Catalogue

D = Decimal
DAY = dt.date(2026, 6, 1)
LAW = Citation(instrument="测试措施")


def registry(**values: Any) -> ParameterRegistry:
    reg = ParameterRegistry()
    versions = []
    for key, value in values.items():
        if isinstance(value, list):  # [(from, to, value), …]: dated versions
            versions += [ParameterVersion(f"p.{key}", v, start, end, LAW, ParameterStatus.OFFICIAL)
                         for start, end, v in value]
        else:
            versions.append(ParameterVersion(f"p.{key}", value, dt.date(2020, 1, 1), None, LAW,
                                             ParameterStatus.OFFICIAL))
    reg.register(versions)
    return reg


def programme(**over: Any) -> Programme:
    data: dict[str, Any] = {
        "code": "test.grant", "kind": "subsidy", "jurisdiction": "suzhou",
        "title": {"zh": "测试", "en": "Test"}, "summary": {"zh": "测试", "en": "Test"},
        "citation": {"instrument": "测试措施"},
        "eligibility": [{"fact": "jurisdictions", "op": "eq", "value": "suzhou",
                         "text": {"zh": "在苏州注册", "en": "Registered in Suzhou"}}],
        "amount": {"kind": "rate", "base": "cost", "rate": "p.rate"},
    }
    data.update(over)
    return Programme.model_validate(data)


FACTS = {"jurisdictions": ["suzhou", "jiangsu"], "cost": "1000000"}


@pytest.mark.parametrize(("cost", "rate", "expected"), [
    ("1000000", "0.20", "200000.00"),
    ("0.05", "0.30", "0.02"),          # 0.015 rounds half up to 0.02
    ("0.05", "0.10", "0.01"),          # 0.005 → 0.01 (half up, not banker's)
    ("123.45", "0.333", "41.11"),      # 41.10885 → 41.11
    ("0", "0.20", "0.00"),
])
def test_rate_rounds_once_half_up(cost: str, rate: str, expected: str) -> None:
    d = evaluate(programme(), registry(rate=rate), facts={**FACTS, "cost": cost}, on=DAY)
    assert d.amounts["amount_cny"] == D(expected)
    assert d.outcome == ("eligible" if D(expected) > 0 else "nothing_payable")


TIERS = {"kind": "tiers", "base": "cost", "tiers": [
    {"minimum": "p.t1", "amount": "p.a1"}, {"minimum": "p.t2", "rate": "p.r2"}]}


@pytest.mark.parametrize(("cost", "expected", "reason"), [
    ("999999.99", "0.00", "below_tiers"),
    ("1000000", "50000.00", "tier"),
    ("4999999.99", "50000.00", "tier"),
    ("5000000", "500000.00", "tier"),
    ("80000000", "3000000.00", "cap:per_award"),
])
def test_tiers(cost: str, expected: str, reason: str) -> None:
    p = programme(amount=TIERS, caps={"per_award": "p.cap"})
    reg = registry(t1=1000000, a1=50000, t2=5000000, r2="0.10", cap=3000000)
    d = evaluate(p, reg, facts={**FACTS, "cost": cost}, on=DAY)
    assert d.amounts["amount_cny"] == D(expected)
    assert reason in [r.code for r in d.reasons]


@pytest.mark.parametrize(("history", "expected", "binding"), [
    ([], "200000.00", None),
    ([Award("test.grant", 2026, D("250000"))], "50000.00", "cap:per_year"),
    ([Award("test.grant", 2025, D("250000"))], "200000.00", None),       # last year's award: annual cap fresh
    ([Award("test.grant", 2024, D("400000")), Award("test.grant", 2025, D("500000"))], "100000.00",
     "cap:per_applicant"),
    ([Award("other.grant", 2026, D("300000"))], "200000.00", None),       # another programme's award: not counted
    ([Award("test.grant", 2026, D("300000"))], "0.00", "cap:per_year"),
])
def test_caps_per_year_and_per_applicant(history: list[Award], expected: str, binding: str | None) -> None:
    p = programme(caps={"per_year": "p.year", "per_applicant": "p.life"})
    d = evaluate(p, registry(rate="0.20", year=300000, life=1000000), facts=FACTS, on=DAY, history=history)
    assert d.amounts["amount_cny"] == D(expected)
    codes = [r.code for r in d.reasons]
    assert (binding in codes) if binding else not any(c.startswith("cap:") for c in codes)


def test_exclusive_programmes_do_not_stack_in_one_year() -> None:
    p = programme(stacking={"exclusive_with": ["other.grant"]})
    reg = registry(rate="0.20")
    refused = evaluate(p, reg, facts=FACTS, on=DAY, history=[Award("other.grant", 2026, D("1"))])
    assert refused.outcome == "ineligible" and refused.amounts["amount_cny"] == 0
    assert refused.data["why_not"][0]["fact"] == "stacking:other.grant"
    named = evaluate(p, reg, facts=FACTS, on=DAY, history=[Award("other.grant", 2026, D("1"))],
                     titles={"other.grant": ("另一项目", "Other grant")})
    assert "“另一项目”" in named.reasons[-1].text_zh and "Other grant" in named.reasons[-1].text_en
    allowed = evaluate(p, reg, facts=FACTS, on=DAY, history=[Award("other.grant", 2025, D("1"))])
    assert allowed.outcome == "eligible"


def test_one_cost_is_funded_at_most_once_across_programmes() -> None:
    d = evaluate(programme(), registry(rate="0.80"), facts=FACTS, on=DAY, cost_ref="contract-7",
                 history=[Award("other.grant", 2026, D("900000"), cost_ref="contract-7")])
    assert d.amounts["amount_cny"] == D("100000.00")
    assert "no_double_funding" in [r.code for r in d.reasons]


def test_a_parameter_version_change_applies_from_its_date() -> None:
    reg = registry(rate=[(dt.date(2025, 1, 1), dt.date(2026, 6, 30), "0.20"), (dt.date(2026, 7, 1), None, "0.25")])
    before = evaluate(programme(), reg, facts=FACTS, on=dt.date(2026, 6, 30))
    after = evaluate(programme(), reg, facts=FACTS, on=dt.date(2026, 7, 1))
    assert (before.amounts["amount_cny"], after.amounts["amount_cny"]) == (D("200000.00"), D("250000.00"))
    assert after.parameters[0].value == "0.25"


@pytest.mark.parametrize(("facts", "outcome", "why"), [
    ({"jurisdictions": ["shenzhen"], "cost": "10"}, "ineligible", "jurisdictions"),
    ({"cost": "10"}, "incomplete", None),
    ({"jurisdictions": ["suzhou"]}, "incomplete", None),
])
def test_why_not_names_the_missing_or_failed_condition(facts: dict[str, Any], outcome: str, why: str | None) -> None:
    d = evaluate(programme(), registry(rate="0.20"), facts=facts, on=DAY)
    assert d.outcome == outcome
    if why:
        assert [f["fact"] for f in d.data["why_not"]] == [why]
        assert any(r.code == f"failed:{why}" and "Registered in Suzhou" in r.text_en for r in d.reasons)
    else:
        assert d.missing and all(r.citation for r in d.reasons)


@pytest.mark.parametrize(("op", "value", "param", "fact", "met"), [
    ("in", ["enterprise", "opc"], None, "opc", True),
    ("in", ["enterprise"], None, "university", False),
    ("ne", "university", None, "enterprise", True),
    ("true", None, None, True, True),
    ("true", None, None, "yes", False),
    ("false", None, None, False, True),
    ("gte", None, "p.min", "100", True),
    ("gte", None, "p.min", "99.99", False),
    ("lte", None, "p.min", "not a number", False),
])
def test_condition_operators(op: str, value: Any, param: str | None, fact: Any, met: bool) -> None:
    condition = {"fact": "f", "op": op, "text": {"zh": "条件", "en": "condition"}}
    if value is not None:
        condition["value"] = value
    if param:
        condition["parameter"] = param
    p = programme(eligibility=[condition], amount={"kind": "fixed", "amount": "p.fixed"})
    d = evaluate(p, registry(min=100, fixed=1000), facts={"f": fact}, on=DAY)
    assert (d.outcome == "eligible") is met


def test_a_decision_that_would_overrun_the_budget_is_refused_with_the_reason() -> None:
    d = evaluate(programme(budget="p.budget"), registry(rate="0.20", budget=1000000), facts=FACTS, on=DAY,
                 budget_left_cny=D("199999.99"))
    assert d.outcome == "over_budget" and d.amounts["amount_cny"] == D("200000.00")
    assert "over_budget" in [r.code for r in d.reasons]
    assert evaluate(programme(), registry(rate="0.20"), facts=FACTS, on=DAY,
                    budget_left_cny=D("200000.00")).outcome == "eligible"


@pytest.mark.parametrize("bad", ["-1", "NaN", "Infinity", "abc"])
def test_a_bad_base_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        evaluate(programme(), registry(rate="0.20"), facts={**FACTS, "cost": bad}, on=DAY)


@pytest.mark.parametrize(("amount", "shares", "parts"), [
    ("100.00", ["0.5", "0.5"], ["50.00", "50.00"]),
    ("100.01", ["0.5", "0.5"], ["50.01", "50.00"]),
    ("100.00", ["0.4", "0.4", "0.2"], ["40.00", "40.00", "20.00"]),
    ("0.01", ["0.4", "0.4", "0.2"], ["0.00", "0.00", "0.01"]),
    ("33.33", ["1"], ["33.33"]),
])
def test_tranches_add_up_to_the_amount(amount: str, shares: list[str], parts: list[str]) -> None:
    got = split_tranches(D(amount), [D(s) for s in shares])
    assert got == [D(p) for p in parts] and sum(got) == D(amount)


@pytest.mark.parametrize("bad", [
    {"tranches": [{"share": "0.5", "title": {"zh": "a", "en": "a"}}]},
    {"amount": {"kind": "rate", "base": "cost"}},
    {"eligibility": [{"fact": "x", "op": "gte", "text": {"zh": "a", "en": "a"}}]},
    {"unknown": 1},
])
def test_a_malformed_programme_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        programme(**bad)


def test_the_packs_programmes_name_only_defined_parameters_and_programmes(settings: Any) -> None:
    packs = load_packs(settings.AIPLUS_PACKS_DIR, settings.AIPLUS_PACKS)
    catalogue = load_catalogue(settings.AIPLUS_PACKS_DIR, settings.AIPLUS_PACKS)
    assert len(catalogue) >= 5 and catalogue.problems(packs.parameters) == []
    with pytest.raises(CatalogueError):
        Catalogue().get("no.such")
