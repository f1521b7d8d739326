"""Legal examples as YAML cases: each file names a rule, the parameters in force and cases with expectations.

A case file looks like:

    rule: vouchers.redemption
    parameters:            # optional: versions registered for these cases only
      - {key: ..., value: ..., effective_from: 2025-01-01, citation: {pack: suzhou, article: "34"},
         status: local-setting}
    cases:
      - name: plain rate
        input: {programme: demo, effective_on: 2026-03-01, spend_cny: "1000.00", ...}
        expect: {outcome: approved, amounts: {amount_cny: "300.00"}, reasons: [base_rate, by_rate]}

Strings given for `*_cny` inputs are read as Decimal; `effective_on` as a date. `reasons` lists the expected
reason codes in order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from aiplus.rules.citations import Citation
from aiplus.rules.decision import Decision
from aiplus.rules.parameters import ParameterRegistry, ParameterStatus, ParameterVersion
from aiplus.rules.registry import get_rule


@dataclass(frozen=True, slots=True)
class LegalCase:
    file: Path
    rule: str
    name: str
    input: dict[str, Any]
    expect: dict[str, Any]
    parameters: tuple[ParameterVersion, ...]


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def load_cases(path: Path) -> list[LegalCase]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    versions = tuple(
        ParameterVersion(
            key=p["key"], value=p["value"], effective_from=_as_date(p["effective_from"]),
            effective_to=_as_date(p["effective_to"]) if p.get("effective_to") else None,
            citation=Citation(**p["citation"]) if p.get("citation") else Citation(setting=True),
            status=ParameterStatus(p["status"]), source=str(path),
        )
        for p in document.get("parameters", [])
    )
    return [
        LegalCase(path, document["rule"], case["name"], case["input"], case["expect"], versions)
        for case in document["cases"]
    ]


def coerce_input(raw: dict[str, Any]) -> dict[str, Any]:
    coerced: dict[str, Any] = {}
    for key, value in raw.items():
        if key.endswith("_cny") and value is not None:
            coerced[key] = Decimal(str(value))
        elif key == "effective_on" or key.endswith("_on"):
            coerced[key] = _as_date(value)
        else:
            coerced[key] = value
    return coerced


def run_case(case: LegalCase, registry: ParameterRegistry | None = None) -> Decision:
    if registry is None:
        registry = ParameterRegistry()
    if case.parameters:
        registry.register(case.parameters, override=True)
    spec = get_rule(case.rule)
    result: Decision = spec.function(registry, **coerce_input(case.input))
    return result


def check_case(case: LegalCase, decision: Decision) -> list[str]:
    """The differences between a decision and the case's expectations (empty when it matches)."""
    problems: list[str] = []
    expect = case.expect
    if "outcome" in expect and decision.outcome != expect["outcome"]:
        problems.append(f"outcome {decision.outcome!r} != {expect['outcome']!r}")
    for key, value in expect.get("amounts", {}).items():
        got = decision.amounts.get(key)
        if got is None or got != Decimal(str(value)):
            problems.append(f"amount {key} {got} != {value}")
    if "reasons" in expect:
        codes = [r.code for r in decision.reasons]
        if codes != list(expect["reasons"]):
            problems.append(f"reasons {codes} != {expect['reasons']}")
    if "missing" in expect and sorted(decision.missing) != sorted(expect["missing"]):
        problems.append(f"missing {decision.missing} != {expect['missing']}")
    for key, value in expect.get("data", {}).items():
        if decision.data.get(key) != value:
            problems.append(f"data {key} {decision.data.get(key)!r} != {value!r}")
    return problems
