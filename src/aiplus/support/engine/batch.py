"""Deciding one programme for many applicants at once: the batch path of `evaluate`.

Pure: no Django. `compile_programme` reads every parameter the programme uses once (on one date) and turns its
conditions into plain comparisons; `evaluate_batch` then decides each applicant without building a `Decision`
(no reason texts, no citations), giving the outcome, the amount and the codes of the reasons the single path
would give, in the same order. The amounts are the single path's to the fen: same Decimal arithmetic, the same
one rounding (`aiplus.rules.money.money`) at the same steps. The tests in `tests/test_batch.py` drive both paths over
the same table of applicants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aiplus.rules.money import money
from aiplus.rules.parameters import ParameterRegistry
from aiplus.support.engine.evaluate import ZERO, Award, _missing, _number
from aiplus.support.engine.programme import Programme


@dataclass(frozen=True, slots=True)
class Applicant:
    """One applicant of a batch: a key the caller chooses (an organisation's id), its facts and its history."""

    key: Any
    facts: Mapping[str, Any]
    history: Sequence[Award] = ()
    cost_ref: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the engine decides for one applicant: the single path's outcome, `amounts["amount_cny"]` (None where
    it gives none: incomplete before any amount could be computed) and its reasons' codes, in order."""

    key: Any
    outcome: str
    amount_cny: Decimal | None
    codes: tuple[str, ...]
    missing: tuple[str, ...] = ()
    why_not: tuple[str, ...] = ()  # the facts (or "stacking:<programme>") that failed

    @property
    def qualifies(self) -> bool:
        return self.outcome == "eligible"


@dataclass(frozen=True, slots=True)
class _Check:
    fact: str
    test: Callable[[Any], bool]


@dataclass(slots=True)
class Compiled:
    """A programme with its parameters read on one date: what `evaluate_batch` runs."""

    programme: Programme
    on: dt.date
    checks: list[_Check] = field(default_factory=list)
    formula: Callable[[Decimal | None], tuple[Decimal, str]] | None = None
    caps: list[tuple[str, Decimal, str]] = field(default_factory=list)  # (code, cap, "award" | "year" | "ever")
    budget_cny: Decimal | None = None


def _comparison(op: str, value: Any, bound: Decimal | None) -> Callable[[Any], bool]:
    if op == "true":
        return lambda v: v is True
    if op == "false":
        return lambda v: v is False
    if op in {"gte", "lte"}:
        if bound is None:
            return lambda v: False
        if op == "gte":
            def at_least(v: Any) -> bool:
                number = _number(v)
                return number is not None and number >= bound
            return at_least

        def at_most(v: Any) -> bool:
            number = _number(v)
            return number is not None and number <= bound
        return at_most
    wanted = {str(w) for w in (value if isinstance(value, list) else [value])}

    def hit(v: Any) -> bool:
        values = v if isinstance(v, (list, tuple, set, frozenset)) else [v]
        return any(str(x) in wanted for x in values)
    if op == "ne":
        return lambda v: not hit(v)
    return hit


def compile_programme(programme: Programme, registry: ParameterRegistry, on: dt.date) -> Compiled:
    """Read the programme's parameters on `on` (a LookupError if one is not in force) into a `Compiled`."""

    def number(key: str) -> Decimal:
        return registry.version(key, on).decimal

    compiled = Compiled(programme=programme, on=on)
    for condition in programme.eligibility:
        bound = number(condition.parameter) if condition.parameter else None
        compiled.checks.append(_Check(condition.fact, _comparison(condition.op, condition.value, bound)))
    compiled.formula = _compile_formula(programme, number)
    caps = programme.caps
    for code, key, period in (("per_award", caps.per_award, "award"), ("per_year", caps.per_year, "year"),
                              ("per_applicant", caps.per_applicant, "ever")):
        if key:
            compiled.caps.append((code, money(number(key)), period))
    if programme.budget:
        compiled.budget_cny = money(number(programme.budget))
    return compiled


def _compile_formula(programme: Programme,
                     number: Callable[[str], Decimal]) -> Callable[[Decimal | None], tuple[Decimal, str]]:
    formula = programme.amount
    if formula.kind == "fixed":
        assert formula.amount
        fixed = money(number(formula.amount))
        return lambda base: (fixed, "fixed")
    if formula.kind == "rate":
        assert formula.rate
        rate = number(formula.rate)

        def by_rate(base: Decimal | None) -> tuple[Decimal, str]:
            assert base is not None
            return money(base * rate), "by_rate"
        return by_rate
    # tiers, lowest floor first (a stable sort, as the single path's); each (floor, fixed amount or None, rate)
    tiers = sorted(((number(t.minimum) if t.minimum else ZERO,
                     money(number(t.amount)) if t.amount else None,
                     number(t.rate) if t.rate else None) for t in formula.tiers), key=lambda t: t[0])

    def tiered(base: Decimal | None) -> tuple[Decimal, str]:
        assert base is not None
        chosen = None
        for tier in tiers:
            if base >= tier[0]:
                chosen = tier
        if chosen is None:
            return ZERO, "below_tiers"
        _floor, fixed, rate = chosen
        if fixed is not None:
            return fixed, "tier"
        assert rate is not None
        return money(base * rate), "tier"
    return tiered


def decide_one(compiled: Compiled, applicant: Applicant, *, budget_left_cny: Decimal | None = None) -> Outcome:
    """One applicant through the compiled programme (see `evaluate` for the outcomes)."""
    programme = compiled.programme
    facts = applicant.facts
    codes: list[str] = []
    missing: list[str] = []
    failed: list[str] = []
    for check in compiled.checks:
        value = facts.get(check.fact)
        if _missing(value):
            missing.append(check.fact)
            codes.append(f"missing:{check.fact}")
        elif check.test(value):
            codes.append(f"met:{check.fact}")
        else:
            failed.append(check.fact)
            codes.append(f"failed:{check.fact}")
    year = compiled.on.year
    history = applicant.history
    for other in programme.stacking.exclusive_with:
        if any(a.programme == other and a.year == year and a.amount_cny > 0 for a in history):
            failed.append(f"stacking:{other}")
            codes.append(f"stacking:{other}")
    base: Decimal | None = None
    base_fact = programme.amount.base
    if base_fact:
        raw = facts.get(base_fact)
        if _missing(raw):
            if base_fact not in missing:
                missing.append(base_fact)
                codes.append(f"missing:{base_fact}")
        else:
            base = _number(raw)
            if base is None or base < 0:
                raise ValueError(f"{base_fact} must be a non-negative number")
    key = applicant.key
    if failed:
        return Outcome(key, "ineligible", ZERO, tuple(codes), tuple(missing), tuple(failed))
    if missing and (base is None and programme.amount.kind != "fixed"):
        return Outcome(key, "incomplete", None, tuple(codes), tuple(missing))
    assert compiled.formula is not None
    amount, code = compiled.formula(base)
    codes.append(code)
    if compiled.caps:
        mine = [a for a in history if a.programme == programme.code] if history else []
        for cap_code, cap, period in compiled.caps:
            if period == "award":
                used = ZERO
            elif period == "year":
                used = sum((a.amount_cny for a in mine if a.year == year), ZERO)
            else:
                used = sum((a.amount_cny for a in mine), ZERO)
            left = max(money(cap - used), ZERO)
            if left < amount:
                amount = left
                codes.append(f"cap:{cap_code}")
    if programme.stacking.no_double_funding and applicant.cost_ref and base is not None:
        funded = sum((a.amount_cny for a in history if a.cost_ref == applicant.cost_ref), ZERO)
        room = max(money(base - funded), ZERO)
        if room < amount:
            amount = room
            codes.append("no_double_funding")
    if missing:
        return Outcome(key, "incomplete", amount, tuple(codes), tuple(missing))
    if budget_left_cny is not None and amount > budget_left_cny:
        codes.append("over_budget")
        return Outcome(key, "over_budget", amount, tuple(codes))
    return Outcome(key, "eligible" if amount > 0 else "nothing_payable", amount, tuple(codes))


def evaluate_batch(programme: Programme, registry: ParameterRegistry, applicants: Iterable[Applicant], *,
                   on: dt.date, budget_left_cny: Decimal | None = None,
                   progress: Callable[[int], None] | None = None, every: int = 5000) -> Iterator[Outcome]:
    """Decide `programme` for each applicant on day `on`, in order; `progress(done)` every `every` applicants."""
    compiled = compile_programme(programme, registry, on)
    for done, applicant in enumerate(applicants, start=1):
        yield decide_one(compiled, applicant, budget_left_cny=budget_left_cny)
        if progress is not None and done % every == 0:
            progress(done)
