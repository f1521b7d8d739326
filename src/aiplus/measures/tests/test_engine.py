"""The pure engines: cultivation tiers from facts with reasons, and financing requests matched to offers."""

import datetime as dt
from decimal import Decimal

from django.conf import settings

from aiplus.measures.engine import FinanceOffer, FinancingNeed, classify, load_tiers, match_offers
from aiplus.measures.engine.tiers import highest
from aiplus.regulation.runtime import parameters

TODAY = dt.date(2026, 6, 1)


def test_the_tiers_load_and_every_threshold_is_a_pack_parameter():
    tiers = load_tiers(settings.AIPLUS_PACKS_DIR, settings.AIPLUS_PACKS)
    assert {t.code for t in tiers} >= {"guangdong.unicorn", "guangdong.specialised", "guangdong.high_growth"}
    assert tiers.problems(parameters()) == []


def test_a_firm_is_listed_with_a_reason_per_criterion_and_unknown_when_a_figure_is_missing():
    tiers = load_tiers(settings.AIPLUS_PACKS_DIR, settings.AIPLUS_PACKS)
    facts = {"jurisdictions": ["shenzhen", "guangdong"], "invention_patent_count": 3, "output_cny": "20000000",
             "revenue_growth_pct": "5"}
    outcomes = {o.tier.code: o for o in classify(tiers, parameters(), facts, on=TODAY)}
    assert outcomes["guangdong.specialised"].outcome == "listed"
    assert outcomes["guangdong.high_growth"].outcome == "not_listed"
    assert outcomes["guangdong.unicorn"].outcome == "unknown"
    assert outcomes["guangdong.unicorn"].decision.missing == ["valuation_cny"]
    reasons = outcomes["guangdong.specialised"].decision.reasons
    assert len(reasons) == 2 and all(r.citation.setting for r in reasons)
    assert highest(list(outcomes.values())).tier.code == "guangdong.specialised"
    outside = classify(tiers, parameters(), {"jurisdictions": ["suzhou"]}, on=TODAY)
    assert {o.outcome for o in outside} == {"outside"}


def test_a_request_is_matched_to_offers_of_its_stage_with_reasons():
    offers = [
        FinanceOffer("1", "天使基金", "equity_fund", "人工智能早期股权投资", "投资大模型应用初创企业", ("industry",),
                     ("suzhou",), ("seed", "early"), Decimal(1_000_000), Decimal(20_000_000)),
        FinanceOffer("2", "科技银行", "bank_loan", "大模型科技贷", "大模型企业流动资金贷款", ("industry",),
                     ("national",), ("growth",), Decimal(500_000), Decimal(50_000_000)),
        FinanceOffer("3", "担保公司", "guarantee", "大模型融资担保", "大模型应用企业贷款担保", ("industry",),
                     ("suzhou",), ("early",), Decimal(100_000), Decimal(1_000_000)),
    ]
    need = FinancingNeed("r", "大模型应用研发融资", "大模型应用研发", "industry", "suzhou", "early",
                         Decimal(5_000_000))
    result = match_offers(need, offers)
    matched = {m.candidate_id: m for m in result.matches}
    assert set(matched) == {"1", "3"}  # the bank does not take early-stage firms
    assert {"domain_match", "region_served", "budget_within"} <= {i.code for i in matched["1"].explanation.items()}
    assert "budget_outside" in {i.code for i in matched["3"].explanation.items()}
    only_loans = match_offers(FinancingNeed("r", "x", "大模型", "industry", "suzhou", "growth", Decimal(1_000_000),
                                            kinds=("bank_loan",)), offers)
    assert [m.candidate_id for m in only_loans.matches] == ["2"]
