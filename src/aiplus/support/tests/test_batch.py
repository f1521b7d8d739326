"""The batch path of the programme engine against the single path, table-driven: for every programme of the packs
and a table of applicants (missing facts, failed conditions, tiers, caps, history, stacking, double funding,
rounding), the same outcome, the same reason codes and the same amount to the fen (Decimal, exact); and the
scenario overlay changes what is simulated, never the published programme."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aiplus.regulation.loader import load_packs
from aiplus.support.engine import Award, evaluate, load_catalogue
from aiplus.support.engine.batch import Applicant, evaluate_batch
from aiplus.support.engine.scenario import Change, changed
from aiplus.support.tests.test_engine import programme, registry

D = Decimal
DAY = dt.date(2026, 6, 1)
PACKS = Path(__file__).resolve().parents[4] / "packs"

SZ = ["suzhou", "jiangsu"]
SHENZHEN = ["shenzhen", "guangdong"]
# (facts, history, cost_ref): every branch of the engine
TABLE: list[tuple[dict[str, Any], list[Award], str]] = [
    ({}, [], ""),
    ({"jurisdictions": SZ}, [], ""),
    ({"jurisdictions": SZ, "org_kind": "enterprise", "seller_affiliated": False, "eligible_cost_cny": "1000000"},
     [], ""),
    ({"jurisdictions": SZ, "org_kind": "enterprise", "seller_affiliated": True, "eligible_cost_cny": "1000000"},
     [], ""),
    ({"jurisdictions": SZ, "org_kind": "university", "seller_affiliated": False, "eligible_cost_cny": "50"}, [], ""),
    ({"jurisdictions": SZ, "org_kind": "opc", "seller_affiliated": False, "eligible_cost_cny": "123.45"}, [], ""),
    ({"jurisdictions": SZ, "org_kind": "enterprise", "eligible_cost_cny": "99999999"}, [], ""),
    ({"jurisdictions": SZ, "org_kind": "enterprise", "seller_affiliated": False, "provider_affiliated": False,
      "eligible_cost_cny": "99999999.99"}, [Award("suzhou.dataset_purchase", 2026, D("100000"))], ""),
    ({"jurisdictions": SZ, "provider_affiliated": False, "eligible_cost_cny": "3000000"},
     [Award("suzhou.compute_cost", 2026, D("999999.99")), Award("suzhou.compute_cost", 2025, D("5"))], ""),
    ({"jurisdictions": SZ, "org_kind": "enterprise", "seller_affiliated": False, "eligible_cost_cny": "10000"},
     [Award("suzhou.compute_cost", 2026, D("9000"), "HT-1")], "HT-1"),
    ({"jurisdictions": SZ, "rd_investment_cny": "0"}, [], ""),
    ({"jurisdictions": SZ, "rd_investment_cny": "4999999.99"}, [], ""),
    ({"jurisdictions": SZ, "rd_investment_cny": "5000000"}, [], ""),
    ({"jurisdictions": SZ, "rd_investment_cny": "20000000"}, [], ""),
    ({"jurisdictions": SZ, "rd_investment_cny": "987654321.05"}, [], ""),
    ({"jurisdictions": SZ, "standard_level": "national"}, [], ""),
    ({"jurisdictions": SZ, "standard_level": "group"}, [], ""),
    ({"jurisdictions": SZ, "maintains_open_source_project": True},
     [Award("suzhou.open_source", 2026, D("1"))], ""),
    ({"jurisdictions": SZ, "maintains_open_source_project": False}, [], ""),
    ({"jurisdictions": SHENZHEN, "eligible_cost_cny": "8000000"}, [], ""),
    ({"jurisdictions": SHENZHEN, "eligible_cost_cny": "8000000"},
     [Award("shenzhen.benchmark_project", 2026, D("10")), Award("shenzhen.demonstration_project", 2026, D("10"))],
     ""),
    ({"jurisdictions": SHENZHEN, "eligible_cost_cny": ""}, [], ""),
]


@pytest.fixture(scope="module")
def packs() -> tuple[Any, Any]:
    return load_catalogue(PACKS), load_packs(PACKS, ["suzhou", "guangdong"]).parameters


def _same(programme_: Any, reg: Any, budget: Decimal | None = None) -> None:
    applicants = [Applicant(k, facts, history, ref) for k, (facts, history, ref) in enumerate(TABLE)]
    batch = list(evaluate_batch(programme_, reg, applicants, on=DAY, budget_left_cny=budget))
    assert [o.key for o in batch] == list(range(len(TABLE)))
    for outcome, (facts, history, ref) in zip(batch, TABLE, strict=True):
        single = evaluate(programme_, reg, facts=facts, on=DAY, history=history, budget_left_cny=budget,
                          cost_ref=ref)
        assert outcome.outcome == single.outcome, (programme_.code, facts)
        assert outcome.amount_cny == single.amounts.get("amount_cny"), (programme_.code, facts)
        assert str(outcome.amount_cny) == str(single.amounts.get("amount_cny"))  # same scale, not only equal
        assert list(outcome.codes) == [r.code for r in single.reasons], (programme_.code, facts)
        assert list(outcome.missing) == single.missing
        assert list(outcome.why_not) == [w["fact"] for w in single.data["why_not"]]


@pytest.mark.parametrize("code", ["suzhou.dataset_purchase", "suzhou.compute_cost", "suzhou.major_rd",
                                  "suzhou.standards_award", "suzhou.open_source", "shenzhen.demonstration_project",
                                  "shenzhen.benchmark_project"])
@pytest.mark.parametrize("budget", [None, D("150000.00")])
def test_batch_and_single_paths_agree_on_every_pack_programme(packs: tuple[Any, Any], code: str,
                                                              budget: Decimal | None) -> None:
    catalogue, reg = packs
    _same(catalogue.get(code), reg, budget)


@pytest.mark.parametrize(("over", "values"), [
    ({"amount": {"kind": "rate", "base": "cost", "rate": "p.rate"}, "caps": {"per_award": "p.cap"}},
     {"rate": "0.333", "cap": "1000.005"}),
    ({"amount": {"kind": "tiers", "base": "cost", "tiers": [{"minimum": "p.high", "rate": "p.rate"},
                                                            {"minimum": "p.low", "amount": "p.fixed"}]}},
     {"rate": "0.15", "high": "10000", "low": "100", "fixed": "55.555"}),
    ({"amount": {"kind": "fixed", "amount": "p.fixed"}, "caps": {"per_applicant": "p.cap"}},
     {"fixed": "300", "cap": "250"}),
    ({"eligibility": [{"fact": "cost", "op": "lte", "parameter": "p.high", "text": {"zh": "上限", "en": "max"}},
                      {"fact": "org_kind", "op": "ne", "value": "university", "text": {"zh": "非高校", "en": "no"}}],
      "amount": {"kind": "rate", "base": "cost", "rate": "p.rate"}},
     {"rate": "0.5", "high": "1000000"}),
])
def test_batch_and_single_paths_agree_on_synthetic_formulas(over: dict[str, Any], values: dict[str, str]) -> None:
    item = programme(**over)
    rows = [dict(facts, cost=facts.get("eligible_cost_cny", facts.get("rd_investment_cny"))) for facts, _h, _r in TABLE]
    reg = registry(**values)
    for facts in rows:
        for kind in ("enterprise", "university", None):
            data = {**facts, "org_kind": kind}
            [outcome] = evaluate_batch(item, reg, [Applicant(0, data)], on=DAY)
            single = evaluate(item, reg, facts=data, on=DAY)
            assert (outcome.outcome, outcome.amount_cny) == (single.outcome, single.amounts.get("amount_cny"))
            assert list(outcome.codes) == [r.code for r in single.reasons]


def test_a_negative_base_is_refused_by_both_paths(packs: tuple[Any, Any]) -> None:
    catalogue, reg = packs
    item = catalogue.get("suzhou.compute_cost")
    facts = {"jurisdictions": SZ, "provider_affiliated": False, "eligible_cost_cny": "-1"}
    with pytest.raises(ValueError, match="non-negative"):
        evaluate(item, reg, facts=facts, on=DAY)
    with pytest.raises(ValueError, match="non-negative"):
        list(evaluate_batch(item, reg, [Applicant(0, facts)], on=DAY))


def test_a_change_is_simulated_on_a_copy(packs: tuple[Any, Any]) -> None:
    catalogue, reg = packs
    item = catalogue.get("suzhou.dataset_purchase")
    before = reg.version("subsidies.suzhou.dataset_purchase.rate", DAY).value
    change = Change(values={"subsidies.suzhou.dataset_purchase.rate": D("0.5"),
                            "subsidies.suzhou.dataset_purchase.cap_cny": D("1000000")},
                    dropped=frozenset({2}), condition_values={1: ("enterprise", "university")})
    new, overlay = changed(item, reg, change)
    facts = {"jurisdictions": SZ, "org_kind": "university", "seller_affiliated": True, "eligible_cost_cny": "1000000"}
    assert evaluate(item, reg, facts=facts, on=DAY).outcome == "ineligible"
    decision = evaluate(new, overlay, facts=facts, on=DAY)
    assert (decision.outcome, decision.amounts["amount_cny"]) == ("eligible", D("500000.00"))
    [outcome] = evaluate_batch(new, overlay, [Applicant(0, facts)], on=DAY)
    assert outcome.amount_cny == D("500000.00")
    # the published programme and the packs' registry are untouched
    assert catalogue.get("suzhou.dataset_purchase") is item and len(item.eligibility) == 3
    assert reg.version("subsidies.suzhou.dataset_purchase.rate", DAY).value == before


@pytest.mark.parametrize("change", [
    Change(values={"p.unknown": D("1")}),
    Change(dropped=frozenset({7})),
    Change(condition_values={2: ("x",)}),  # a true/false condition has no values to change
])
def test_a_change_outside_the_programme_is_refused(packs: tuple[Any, Any], change: Change) -> None:
    catalogue, reg = packs
    with pytest.raises(ValueError):
        changed(catalogue.get("suzhou.dataset_purchase"), reg, change)
