"""A programme as an official proposes to change it: other numbers, conditions dropped or given other values.

Pure: no Django. `changed` returns a copy of the programme and a registry in which the changed parameters have one
value for every date; the published programme and the packs' registry are left as they are (a simulation never
changes what is published).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from aiplus.rules.citations import Citation
from aiplus.rules.parameters import ParameterRegistry, ParameterStatus, ParameterVersion
from aiplus.support.engine.programme import Programme

# Where a changed number comes from: the official's proposal, shown as a platform setting, never as the law.
PROPOSED = Citation(setting=True)


@dataclass(frozen=True, slots=True)
class Change:
    """What an official changes: parameter values by key, conditions dropped (by position) and conditions whose
    accepted values are replaced (by position; eq, ne and in conditions only)."""

    values: Mapping[str, Decimal] = field(default_factory=dict)
    dropped: frozenset[int] = frozenset()
    condition_values: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.values or self.dropped or self.condition_values)


def rate_keys(programme: Programme) -> set[str]:
    """The parameters the programme reads as a rate (a share of a base); the others are amounts in CNY."""
    keys = {programme.amount.rate} if programme.amount.rate else set()
    return keys | {t.rate for t in programme.amount.tiers if t.rate}


def changed(programme: Programme, registry: ParameterRegistry, change: Change) -> tuple[Programme, ParameterRegistry]:
    """The programme and registry as changed; a key or a position the programme does not have is a ValueError."""
    keys = set(programme.parameter_keys())
    unknown = set(change.values) - keys
    if unknown:
        raise ValueError(f"{programme.code} reads no parameter {sorted(unknown)[0]}")
    positions = set(range(len(programme.eligibility)))
    if not (set(change.dropped) | set(change.condition_values)) <= positions:
        raise ValueError(f"{programme.code} has no such condition")
    conditions = []
    for index, condition in enumerate(programme.eligibility):
        if index in change.dropped:
            continue
        if index in change.condition_values:
            if condition.op not in {"eq", "ne", "in"}:
                raise ValueError(f"condition on {condition.fact} compares no values")
            values = list(change.condition_values[index])
            condition = condition.model_copy(update={"value": values if condition.op != "eq" or len(values) != 1
                                                     else values[0],
                                                     "op": "in" if condition.op == "eq" and len(values) != 1
                                                     else condition.op})
        conditions.append(condition)
    programme = programme.model_copy(update={"eligibility": conditions})
    overlay = ParameterRegistry(dict(registry._versions))
    for key, value in change.values.items():
        unit = registry.history(key)[0].unit if registry.history(key) else ""
        overlay._versions[key] = [ParameterVersion(key=key, value=Decimal(value), effective_from=dt.date.min,
                                                   effective_to=None, citation=PROPOSED,
                                                   status=ParameterStatus.LOCAL_SETTING, unit=unit)]
    return programme, overlay
