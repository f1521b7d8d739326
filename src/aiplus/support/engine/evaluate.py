"""Deciding a programme for one applicant: eligibility, amount, caps, stacking, budget — with reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from aiplus.rules.citations import Citation
from aiplus.rules.decision import Decision
from aiplus.rules.money import money
from aiplus.rules.parameters import ParameterRegistry
from aiplus.support.engine.programme import Condition, Programme

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Award:
    """An amount already granted to the applicant (the history caps and stacking read)."""

    programme: str
    year: int
    amount_cny: Decimal
    cost_ref: str = ""  # the cost item it funded (a contract, an invoice), for the no-double-funding rule


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _met(condition: Condition, value: Any, bound: Decimal | None) -> bool:
    op = condition.op
    if op == "true":
        return value is True
    if op == "false":
        return value is False
    if op in {"gte", "lte"}:
        number = _number(value)
        if number is None or bound is None:
            return False
        return number >= bound if op == "gte" else number <= bound
    values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
    wanted = condition.value if isinstance(condition.value, list) else [condition.value]
    hit = any(str(v) in {str(w) for w in wanted} for v in values)
    return not hit if op == "ne" else hit


def _missing(value: Any) -> bool:
    return value is None or value == ""


def evaluate(programme: Programme, registry: ParameterRegistry, *, facts: Mapping[str, Any], on: dt.date,
             history: Sequence[Award] = (), budget_left_cny: Decimal | None = None, cost_ref: str = "",
             titles: Mapping[str, tuple[str, str]] | None = None) -> Decision:
    """Decide `programme` for an applicant with `facts` on day `on`.

    outcome: "eligible" (amounts["amount_cny"] > 0), "nothing_payable", "ineligible" (data["why_not"] lists each
    failed condition), "incomplete" (`missing` lists the facts still needed) or "over_budget" (the amount would
    overrun `budget_left_cny`: refused, with the reason). `titles` names other programmes (zh, en) in the reasons.
    """
    decision = Decision(rule=programme.rule or f"support.{programme.code}", effective_on=on)
    source = programme.citation.citation()
    failed: list[dict[str, str]] = []

    def cited(key: str) -> Citation:
        return registry.version(key, on).citation

    for condition in programme.eligibility:
        citation = condition.citation.citation() if condition.citation else source
        value = facts.get(condition.fact)
        bound = decision.use_decimal(registry, condition.parameter) if condition.parameter else None
        source_key = condition.cited_by or condition.parameter
        if source_key:
            citation = cited(source_key)
        bound_text = f"（{bound}）" if bound is not None else ""
        bound_text_en = f" ({bound})" if bound is not None else ""
        if _missing(value):
            decision.missing.append(condition.fact)
            decision.because(f"missing:{condition.fact}", f"尚需确认：{condition.text.zh}{bound_text}",
                             f"Still to be confirmed: {condition.text.en}{bound_text_en}", citation)
        elif _met(condition, value, bound):
            if condition.reason_when_met:
                    decision.because(f"met:{condition.fact}", f"满足条件：{condition.text.zh}{bound_text}",
                                 f"Condition met: {condition.text.en}{bound_text_en}", citation)
        else:
            failed.append({"fact": condition.fact, "zh": condition.text.zh, "en": condition.text.en})
            decision.because(f"failed:{condition.fact}", f"不满足条件：{condition.text.zh}{bound_text}",
                             f"Condition not met: {condition.text.en}{bound_text_en}", citation)

    for other in programme.stacking.exclusive_with:
        if any(a.programme == other and a.year == on.year and a.amount_cny > 0 for a in history):
            zh, en = (titles or {}).get(other, (other, other))
            failed.append({"fact": f"stacking:{other}", "zh": f"本年度已获“{zh}”支持，不可叠加",
                           "en": f"already supported by \u201c{en}\u201d this year; the two do not stack"})
            decision.because(f"stacking:{other}", f"本年度已获“{zh}”支持，两者不可叠加享受。",
                             f"Already supported by \u201c{en}\u201d this year; the two do not stack.", source)

    base: Decimal | None = None
    if programme.amount.base:
        raw = facts.get(programme.amount.base)
        if _missing(raw):
            if programme.amount.base not in decision.missing:
                decision.missing.append(programme.amount.base)
                decision.because(f"missing:{programme.amount.base}", "尚需填写计算金额所依据的数额。",
                                 "The figure the amount is computed from is still to be given.", source)
        else:
            base = _number(raw)
            if base is None or base < 0:
                raise ValueError(f"{programme.amount.base} must be a non-negative number")

    decision.data["why_not"] = failed
    if failed:
        decision.outcome = "ineligible"
        decision.amounts["amount_cny"] = ZERO
        return decision
    if decision.missing and (base is None and programme.amount.kind != "fixed"):
        decision.outcome = "incomplete"
        return decision

    amount = _formula(programme, registry, decision, base, cited, facts)
    amount = _caps(programme, registry, decision, amount, on, history, cited)
    if programme.stacking.no_double_funding and cost_ref and base is not None:
        funded = sum((a.amount_cny for a in history if a.cost_ref == cost_ref), ZERO)
        room = max(money(base - funded), ZERO)
        if room < amount:
            amount = room
            decision.because("no_double_funding", f"同一费用已获支持 {funded} 元，本次以剩余 {room} 元为限。",
                             f"The same cost already received CNY {funded}; this award is limited to the CNY "
                             f"{room} left.", source)
    decision.amounts["amount_cny"] = amount
    if decision.missing:
        decision.outcome = "incomplete"
        return decision
    if budget_left_cny is not None and amount > budget_left_cny and programme.over_budget == "limit":
        left = money(max(budget_left_cny, ZERO))
        decision.amounts["budget_left_cny"] = left
        amount = decision.amounts["amount_cny"] = left
        decision.because("budget", f"受项目剩余预算 {left} 元限制。",
                         f"Limited by the programme's remaining budget of CNY {left}.",
                         cited(programme.budget) if programme.budget else source)
    elif budget_left_cny is not None and amount > budget_left_cny:
        decision.outcome = "over_budget"
        left = money(max(budget_left_cny, ZERO))
        decision.amounts["budget_left_cny"] = left
        citation = cited(programme.budget) if programme.budget else source
        decision.because("over_budget", f"金额 {amount} 元超过本年度剩余预算 {left} 元，不予决定。",
                         f"CNY {amount} would overrun the CNY {left} left in this year's budget; refused.", citation)
        return decision
    decision.outcome = "eligible" if amount > 0 else "nothing_payable"
    return decision


def rate_of(programme: Programme, registry: ParameterRegistry, decision: Decision, facts: Mapping[str, Any],
            cited: Any) -> Decimal:
    """A rate formula's rate: the base rate, plus each uplift whose fact holds, at most the maximum rate (each step a
    reason when the programme has uplifts or a maximum)."""
    formula = programme.amount
    assert formula.rate
    rate = decision.use_decimal(registry, formula.rate)
    stepped = bool(formula.uplifts or formula.max_rate)
    if stepped:
        decision.because("base_rate", f"基础补贴比例为 {rate:%}。", f"The base rate is {rate:%}.", cited(formula.rate))
    for uplift in formula.uplifts:
        if facts.get(uplift.fact) is True:
            extra = decision.use_decimal(registry, uplift.parameter)
            rate += extra
            decision.because(f"uplift_{uplift.code}", f"{uplift.text.zh}上浮 {extra:%}。",
                             f"Uplift for {uplift.text.en}: {extra:%}.", cited(uplift.parameter))
    if formula.max_rate:
        most = decision.use_decimal(registry, formula.max_rate)
        if rate > most:
            rate = most
            decision.because("rate_capped", f"补贴比例以 {most:%} 为上限。", f"The rate is capped at {most:%}.",
                             cited(formula.max_rate))
    return rate


def _formula(programme: Programme, registry: ParameterRegistry, decision: Decision, base: Decimal | None,
             cited: Any, facts: Mapping[str, Any]) -> Decimal:
    formula = programme.amount
    if formula.kind == "fixed":
        assert formula.amount
        amount = money(decision.use_decimal(registry, formula.amount))
        decision.because("fixed", f"定额支持 {amount} 元。", f"A fixed amount of CNY {amount}.", cited(formula.amount))
        return amount
    assert base is not None
    if formula.kind == "rate":
        rate = rate_of(programme, registry, decision, facts, cited)
        amount = money(base * rate)
        decision.amounts["rate"] = rate
        decision.because("by_rate", f"按比例计算：{base} × {rate:%} = {amount} 元。",
                         f"By rate: {base} × {rate:%} = CNY {amount}.", cited(formula.rate))
        return amount
    tiers = sorted(formula.tiers, key=lambda t: decision.use_decimal(registry, t.minimum) if t.minimum else ZERO)
    chosen = None
    for tier in tiers:
        floor = decision.use_decimal(registry, tier.minimum) if tier.minimum else ZERO
        if base >= floor:
            chosen = (tier, floor)
    if chosen is None:
        lowest = tiers[0]
        decision.because("below_tiers", f"{base} 元低于最低档。", f"CNY {base} is below the lowest tier.",
                         cited(lowest.minimum) if lowest.minimum else programme.citation.citation())
        return ZERO
    tier, floor = chosen
    if tier.amount:
        amount = money(decision.use_decimal(registry, tier.amount))
        decision.because("tier", f"{base} 元属于不低于 {floor} 元的档次，定额 {amount} 元。",
                         f"CNY {base} falls in the tier from CNY {floor}: a fixed CNY {amount}.", cited(tier.amount))
        return amount
    assert tier.rate
    rate = decision.use_decimal(registry, tier.rate)
    amount = money(base * rate)
    decision.amounts["rate"] = rate
    decision.because("tier", f"{base} 元属于不低于 {floor} 元的档次，按 {rate:%} 计 {amount} 元。",
                     f"CNY {base} falls in the tier from CNY {floor}: {rate:%} gives CNY {amount}.", cited(tier.rate))
    return amount


def _caps(programme: Programme, registry: ParameterRegistry, decision: Decision, amount: Decimal, on: dt.date,
          history: Sequence[Award], cited: Any) -> Decimal:
    decision.amounts["by_formula_cny"] = amount
    caps = programme.caps
    mine = [a for a in history if a.programme == programme.code]
    checks = []
    if caps.per_award:
        checks.append(("per_award", caps.per_award, ZERO, "单项上限", "the cap per award"))
    if caps.per_year:
        used = sum((a.amount_cny for a in mine if a.year == on.year), ZERO)
        checks.append(("per_year", caps.per_year, used, "每年上限", "the annual cap"))
    if caps.per_applicant:
        used = sum((a.amount_cny for a in mine), ZERO)
        checks.append(("per_applicant", caps.per_applicant, used, "每家单位累计上限", "the cap per applicant"))
    for code, key, used, zh, en in checks:
        cap = money(decision.use_decimal(registry, key))
        left = max(money(cap - used), ZERO)
        decision.amounts[f"{code}_left_cny"] = left
        if left < amount:
            amount = left
            decision.because(f"cap:{code}", f"受{zh} {cap} 元限制（已获 {money(used)} 元），以 {left} 元为限。",
                             f"Limited by {en} of CNY {cap} (CNY {money(used)} already granted): CNY {left}.",
                             cited(key))
    return amount


def split_tranches(amount: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` by `shares` (adding up to 1) to the fen; the last tranche takes the remainder."""
    if not shares:
        return []
    parts = [money(amount * share) for share in shares[:-1]]
    parts.append(money(amount) - sum(parts, ZERO))
    return parts
