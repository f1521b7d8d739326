"""Compute-voucher redemption (算力券, 据实结算): how much of a metered compute bill a voucher pays.

amount = min(rate × eligible spend, remaining annual cap, remaining programme budget), where the rate may carry
uplifts (start-up, OPC, domestic chips) and spend with an affiliated provider is never eligible.
The programme's numbers are pack parameters under `vouchers.<programme>.*`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aiplus.rules.citations import Citation
from aiplus.rules.decision import Decision
from aiplus.rules.money import money
from aiplus.rules.parameters import ParameterRegistry
from aiplus.rules.registry import rule

SUZHOU_34 = Citation(pack="suzhou", article="34")
GUANGDONG_7 = Citation(pack="guangdong", article="7")


@rule(
    "vouchers.redemption",
    citations=(SUZHOU_34, GUANGDONG_7),
    summary="Voucher amount for metered compute spend: min(rate × eligible spend, annual cap left, budget left).",
    summary_zh="按计量算力费用据实结算的算力券金额：min(比例 × 符合条件的费用, 年度剩余上限, 剩余预算)。",
)
def voucher_redemption(
    registry: ParameterRegistry,
    *,
    programme: str,
    effective_on: dt.date,
    spend_cny: Decimal,
    used_this_year_cny: Decimal,
    budget_remaining_cny: Decimal,
    is_startup: bool = False,
    is_opc: bool = False,
    domestic_chips: bool = False,
    provider_affiliated: bool = False,
) -> Decision:
    decision = Decision(rule="vouchers.redemption", effective_on=effective_on)
    prefix = f"vouchers.{programme}"
    if spend_cny < 0:
        raise ValueError("spend_cny must not be negative")

    if provider_affiliated:
        decision.outcome = "ineligible"
        decision.amounts["amount_cny"] = money(0)
        citation = registry.version(f"{prefix}.rate", effective_on).citation
        decision.because(
            "affiliated_provider",
            "算力服务商与使用方存在关联关系，该笔费用不属于可补贴支出。",
            "The compute provider is affiliated with the user, so this spend is not eligible.",
            citation,
        )
        return decision

    rate = decision.use_decimal(registry, f"{prefix}.rate")
    rate_version = registry.version(f"{prefix}.rate", effective_on)
    decision.because(
        "base_rate",
        f"基础补贴比例为 {rate:%}。",
        f"The base rate is {rate:%}.",
        rate_version.citation,
    )
    for flag, name, zh, en in (
        (is_startup, "startup", "初创企业", "start-up"),
        (is_opc, "opc", "一人公司（OPC）", "one-person company (OPC)"),
        (domestic_chips, "domestic_chips", "使用国产算力芯片", "domestic accelerators"),
    ):
        key = f"{prefix}.uplift.{name}"
        if flag and key in registry:
            uplift = decision.use_decimal(registry, key)
            rate += uplift
            decision.because(
                f"uplift_{name}",
                f"{zh}上浮 {uplift:%}。",
                f"Uplift for {en}: {uplift:%}.",
                registry.version(key, effective_on).citation,
            )
    max_key = f"{prefix}.max_rate"
    if max_key in registry:
        max_rate = decision.use_decimal(registry, max_key)
        if rate > max_rate:
            rate = max_rate
            decision.because(
                "rate_capped", f"补贴比例以 {max_rate:%} 为上限。", f"The rate is capped at {max_rate:%}.",
                registry.version(max_key, effective_on).citation,
            )

    annual_cap = decision.use_decimal(registry, f"{prefix}.annual_cap_cny")
    by_rate = money(spend_cny * rate)
    cap_left = max(money(annual_cap - used_this_year_cny), money(0))
    budget_left = max(money(budget_remaining_cny), money(0))
    amount = min(by_rate, cap_left, budget_left)
    decision.amounts.update(
        amount_cny=amount, by_rate_cny=by_rate, annual_cap_left_cny=cap_left, budget_left_cny=budget_left,
        rate=rate,
    )
    cap_citation = registry.version(f"{prefix}.annual_cap_cny", effective_on).citation
    if amount == by_rate:
        decision.because(
            "by_rate", f"按比例计算：{spend_cny} × {rate:%} = {by_rate} 元。",
            f"By rate: {spend_cny} × {rate:%} = CNY {by_rate}.", rate_version.citation,
        )
    if amount == cap_left and amount < by_rate:
        decision.because(
            "annual_cap", f"受年度上限 {annual_cap} 元限制，本年度剩余额度 {cap_left} 元。",
            f"Limited by the annual cap of CNY {annual_cap}; CNY {cap_left} left this year.", cap_citation,
        )
    if amount == budget_left and amount < min(by_rate, cap_left):
        decision.because(
            "budget", f"受项目剩余预算 {budget_left} 元限制。",
            f"Limited by the programme's remaining budget of CNY {budget_left}.", rate_version.citation,
        )
    decision.outcome = "approved" if amount > 0 else "nothing_payable"
    return decision
