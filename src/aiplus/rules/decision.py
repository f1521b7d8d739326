"""Decisions: the outcome of a rule with amounts, reasons and the parameters it used."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aiplus.rules.citations import Citation
from aiplus.rules.parameters import ParameterRegistry, ParameterStatus, ParameterVersion


@dataclass(frozen=True, slots=True)
class Reason:
    """One step of a decision, in both languages, with the rule it applies."""

    code: str
    text_zh: str
    text_en: str
    citation: Citation

    def text(self, language: str = "zh-hans") -> str:
        return self.text_zh if language.startswith("zh") else self.text_en

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text_zh": self.text_zh, "text_en": self.text_en,
                "citation": self.citation.as_dict(), "citation_label": self.citation.label()}


@dataclass(frozen=True, slots=True)
class ParameterUse:
    """A parameter value a decision relied on, stored with the decision so it can be replayed."""

    key: str
    value: Any
    status: ParameterStatus
    citation: Citation
    effective_from: dt.date

    @classmethod
    def of(cls, version: ParameterVersion) -> ParameterUse:
        return cls(version.key, version.value, version.status, version.citation, version.effective_from)

    def as_dict(self) -> dict[str, Any]:
        value = str(self.value) if isinstance(self.value, Decimal) else self.value
        return {"key": self.key, "value": value, "status": self.status.value,
                "citation": self.citation.as_dict(), "effective_from": self.effective_from.isoformat()}


@dataclass(slots=True)
class Decision:
    """What a rule decided, and why.

    `outcome` is a short machine code (e.g. "standard_contract", "approved"); `amounts` hold money as Decimal;
    `missing` lists facts the rule still needs: a rule that lacks a fact says so instead of guessing.
    """

    rule: str
    effective_on: dt.date
    outcome: str = ""
    amounts: dict[str, Decimal] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)
    parameters: list[ParameterUse] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def because(self, code: str, text_zh: str, text_en: str, citation: Citation) -> None:
        self.reasons.append(Reason(code, text_zh, text_en, citation))

    def use(self, registry: ParameterRegistry, key: str) -> Any:
        """Look a parameter up on the decision's date and record that the decision used it."""
        version = registry.version(key, self.effective_on)
        if all(p.key != key for p in self.parameters):
            self.parameters.append(ParameterUse.of(version))
        return version.value

    def use_decimal(self, registry: ParameterRegistry, key: str) -> Decimal:
        version = registry.version(key, self.effective_on)
        self.use(registry, key)
        return version.decimal

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def relies_on_local_settings(self) -> bool:
        return any(p.status is ParameterStatus.LOCAL_SETTING for p in self.parameters)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "effective_on": self.effective_on.isoformat(),
            "outcome": self.outcome,
            "amounts": {k: str(v) for k, v in self.amounts.items()},
            "reasons": [r.as_dict() for r in self.reasons],
            "parameters": [p.as_dict() for p in self.parameters],
            "missing": list(self.missing),
            "data": self.data,
        }
