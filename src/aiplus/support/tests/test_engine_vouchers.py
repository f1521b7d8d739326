"""The compute voucher is one programme of the engine: its legal examples (the golden cases of the redemption rule,
`rules/cases/vouchers_redemption.yaml`) give the same outcome and amount through the engine; uplifts, the maximum
rate and a budget that limits rather than refuses are table-driven here; and parameter-version dates for caps, tiers
and fixed amounts (a change applies from its day, the day before keeps the old value)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aiplus.rules.cases import coerce_input, load_cases
from aiplus.rules.citations import Citation
from aiplus.rules.parameters import ParameterRegistry, ParameterStatus, ParameterVersion
from aiplus.support.engine import Award, Programme, evaluate

D = Decimal
CASES = Path(__file__).resolve().parents[2] / "rules" / "cases" / "vouchers_redemption.yaml"


def voucher_programme(prefix: str) -> Programme:
    """The voucher shape every pack's vouchers.yaml uses, over the parameters under `prefix`."""
    return Programme.model_validate({
        "code": prefix, "kind": "voucher", "channel": "compute_voucher", "rule": "vouchers.redemption",
        "over_budget": "limit", "jurisdiction": "suzhou", "title": {"zh": "券", "en": "Voucher"},
        "summary": {"zh": "券", "en": "Voucher"}, "citation": {"pack": "suzhou", "article": "34"},
        "eligibility": [{"fact": "provider_affiliated", "op": "false", "reason_when_met": False,
                         "cited_by": f"{prefix}.rate", "text": {"zh": "无关联", "en": "Not affiliated"}}],
        "amount": {"kind": "rate", "base": "spend_cny", "rate": f"{prefix}.rate", "max_rate": f"{prefix}.max_rate",
                   "uplifts": [{"code": c, "fact": f, "parameter": f"{prefix}.uplift.{c}",
                                "text": {"zh": c, "en": c}} for c, f in (("startup", "is_startup"),
                                                                          ("opc", "is_opc"))]},
        "caps": {"per_year": f"{prefix}.annual_cap_cny"}, "stacking": {"no_double_funding": False}})


@pytest.mark.parametrize("case", load_cases(CASES), ids=lambda c: c.name)
def test_the_redemption_rules_legal_examples_hold_through_the_engine(case: Any) -> None:
    registry = ParameterRegistry()
    registry.register(case.parameters, override=True)
    given = coerce_input(case.input)
    on: dt.date = given["effective_on"]
    code = f"vouchers.{given['programme']}"
    used = given["used_this_year_cny"]
    decision = evaluate(voucher_programme(code), registry, on=on, budget_left_cny=given["budget_remaining_cny"],
                        history=[Award(code, on.year, used)] if used else [],
                        facts={"spend_cny": given["spend_cny"], "is_startup": given.get("is_startup", False),
                               "is_opc": given.get("is_opc", False),
                               "provider_affiliated": given.get("provider_affiliated", False)})
    outcome = "approved" if decision.outcome == "eligible" else decision.outcome
    assert decision.rule == "vouchers.redemption"
    assert outcome == case.expect["outcome"]
    for key, value in case.expect.get("amounts", {}).items():
        assert decision.amounts[key] == D(str(value)), key
    # The reasons the example names are given by the engine too (it also says the rate it computed by).
    codes = [r.code for r in decision.reasons]
    expected = [c.replace("annual_cap", "cap:per_year").replace("affiliated_provider", "failed:provider_affiliated")
                for c in case.expect.get("reasons", [])]
    assert [c for c in codes if c in expected] == expected


LAW = Citation(instrument="测试措施")


def dated(key: str, *versions: tuple[dt.date, dt.date | None, Any]) -> list[ParameterVersion]:
    return [ParameterVersion(key, v, start, end, LAW, ParameterStatus.OFFICIAL) for start, end, v in versions]


def always(**values: Any) -> list[ParameterVersion]:
    return [ParameterVersion(k.replace("__", "."), v, dt.date(2020, 1, 1), None, LAW, ParameterStatus.OFFICIAL)
            for k, v in values.items()]


JULY = dt.date(2026, 7, 1)
JUNE_30 = dt.date(2026, 6, 30)


def grant(**over: Any) -> Programme:
    data: dict[str, Any] = {"code": "test.grant", "kind": "grant", "jurisdiction": "suzhou",
                            "title": {"zh": "测试", "en": "Test"}, "summary": {"zh": "测试", "en": "Test"},
                            "citation": {"instrument": "测试措施"},
                            "amount": {"kind": "rate", "base": "cost", "rate": "p.rate"}}
    data.update(over)
    return Programme.model_validate(data)


@pytest.mark.parametrize(("what", "over", "versions", "facts", "before", "after"), [
    # the per-award cap falls from 1 m to 0.5 m on 1 July
    ("cap", {"caps": {"per_award": "p.cap"}},
     always(p__rate="0.50") + dated("p.cap", (dt.date(2025, 1, 1), JUNE_30, 1000000), (JULY, None, 500000)),
     {"cost": "3000000"}, "1000000.00", "500000.00"),
    # the tier's lower bound rises: the same investment falls below it from 1 July
    ("tier bound", {"amount": {"kind": "tiers", "base": "cost", "tiers": [{"minimum": "p.t1", "amount": "p.a1"}]}},
     always(p__a1=50000) + dated("p.t1", (dt.date(2025, 1, 1), JUNE_30, 1000000), (JULY, None, 2000000)),
     {"cost": "1500000"}, "50000.00", "0.00"),
    # the fixed award doubles from 1 July
    ("fixed amount", {"amount": {"kind": "fixed", "amount": "p.fixed"}},
     dated("p.fixed", (dt.date(2025, 1, 1), JUNE_30, 100000), (JULY, None, 200000)),
     {}, "100000.00", "200000.00"),
    # an uplift appears on 1 July (a voucher's start-up uplift): the rate rises for start-ups only
    ("uplift", {"amount": {"kind": "rate", "base": "cost", "rate": "p.rate", "uplifts": [
        {"code": "startup", "fact": "is_startup", "parameter": "p.up", "text": {"zh": "初创", "en": "start-up"}}]}},
     always(p__rate="0.20") + dated("p.up", (dt.date(2025, 1, 1), JUNE_30, "0"), (JULY, None, "0.10")),
     {"cost": "1000", "is_startup": True}, "200.00", "300.00"),
    # the maximum rate is lowered on 1 July
    ("maximum rate", {"amount": {"kind": "rate", "base": "cost", "rate": "p.rate", "max_rate": "p.max"}},
     always(p__rate="0.50") + dated("p.max", (dt.date(2025, 1, 1), JUNE_30, "0.50"), (JULY, None, "0.40")),
     {"cost": "1000"}, "500.00", "400.00"),
])
def test_a_parameter_version_change_applies_from_its_day(what: str, over: dict[str, Any],
                                                         versions: list[ParameterVersion], facts: dict[str, Any],
                                                         before: str, after: str) -> None:
    registry = ParameterRegistry()
    registry.register(versions)
    programme = grant(**over)
    old = evaluate(programme, registry, facts=facts, on=JUNE_30)
    new = evaluate(programme, registry, facts=facts, on=JULY)
    assert (old.amounts["amount_cny"], new.amounts["amount_cny"]) == (D(before), D(after)), what
    assert old.effective_on == JUNE_30 and new.effective_on == JULY


def test_an_annual_cap_counts_only_this_years_awards_across_new_year() -> None:
    registry = ParameterRegistry()
    registry.register(always(p__rate="1", p__year=1000))
    programme = grant(caps={"per_year": "p.year"})
    history = [Award("test.grant", 2026, D("900"))]
    december = evaluate(programme, registry, facts={"cost": "500"}, on=dt.date(2026, 12, 31), history=history)
    january = evaluate(programme, registry, facts={"cost": "500"}, on=dt.date(2027, 1, 1), history=history)
    assert (december.amounts["amount_cny"], january.amounts["amount_cny"]) == (D("100.00"), D("500.00"))


@pytest.mark.parametrize(("rule", "left", "outcome", "amount"), [
    ("limit", "150", "eligible", "150.00"),      # a voucher pays what the budget still holds
    ("limit", "0", "nothing_payable", "0.00"),
    ("refuse", "150", "over_budget", "200.00"),  # a grant is refused, its amount said
    ("refuse", "200", "eligible", "200.00"),
])
def test_a_small_budget_limits_a_voucher_and_refuses_a_grant(rule: str, left: str, outcome: str,
                                                            amount: str) -> None:
    registry = ParameterRegistry()
    registry.register(always(p__rate="0.20"))
    decision = evaluate(grant(over_budget=rule), registry, facts={"cost": "1000"}, on=JULY,
                        budget_left_cny=D(left))
    assert (decision.outcome, decision.amounts["amount_cny"]) == (outcome, D(amount))


def test_uplifts_belong_to_a_rate_formula() -> None:
    with pytest.raises(ValueError):
        grant(amount={"kind": "fixed", "amount": "p.a", "max_rate": "p.max"})
