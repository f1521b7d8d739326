"""Enterprise cultivation lists (Guangdong draft art. 13: 企业培育) as pack data, computed from registered facts.

A tier (`packs/<pack>/cultivation/*.yaml`, strict schema) names its jurisdiction and criteria: conditions on the
facts the platform holds about a firm (verified patents, standards led, talent awards, the figures an official
recorded), each compared with a pack parameter where a number is involved. `classify` says for every tier whether
the firm is listed, with a reason per criterion (met, not met, still unknown) and its source; a firm registered
outside the tier's jurisdiction is not considered. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiplus.rules.decision import Decision
from aiplus.rules.parameters import ParameterRegistry
from aiplus.support.engine.evaluate import _met, _missing
from aiplus.support.engine.programme import CitationModel, Condition, Strict, Text

LISTED, NOT_LISTED, UNKNOWN, OUTSIDE = "listed", "not_listed", "unknown", "outside"


class Tier(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
    jurisdiction: str
    rank: int = Field(ge=1, le=9)  # the higher, the more advanced (a firm is shown under its highest tier)
    title: Text
    summary: Text
    citation: CitationModel
    articles: list[tuple[str, int]] = Field(default_factory=list)
    criteria: list[Condition] = Field(min_length=1)

    def parameter_keys(self) -> list[str]:
        return [c.parameter for c in self.criteria if c.parameter]


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tiers: list[Tier]


class TierError(ValueError):
    """A cultivation file that does not validate, named with its file."""


@dataclass(slots=True)
class TierSet:
    tiers: dict[str, Tier] = field(default_factory=dict)

    def __iter__(self) -> Any:
        return iter(sorted(self.tiers.values(), key=lambda t: (-t.rank, t.code)))

    def __len__(self) -> int:
        return len(self.tiers)

    def get(self, code: str) -> Tier | None:
        return self.tiers.get(code)

    def problems(self, registry: ParameterRegistry) -> list[str]:
        return [f"{t.code}: unknown parameter {key}" for t in self for key in t.parameter_keys()
                if key not in registry]


def load_tiers(packs_root: Path, packs: Iterable[str] | None = None) -> TierSet:
    found = TierSet()
    wanted = set(packs) if packs is not None else None
    for pack in sorted(p for p in Path(packs_root).iterdir() if p.is_dir()):
        if wanted is not None and pack.name not in wanted:
            continue
        for file in sorted((pack / "cultivation").glob("*.yaml")):
            try:
                tiers = _File.model_validate(yaml.safe_load(file.read_text(encoding="utf-8"))).tiers
            except (yaml.YAMLError, ValidationError) as exc:
                raise TierError(f"{file}: {exc}") from exc
            for tier in tiers:
                if tier.code in found.tiers:
                    raise TierError(f"{file}: tier {tier.code} is defined twice")
                found.tiers[tier.code] = tier
    return found


@dataclass(frozen=True, slots=True)
class TierOutcome:
    tier: Tier
    decision: Decision

    @property
    def outcome(self) -> str:
        return self.decision.outcome

    @property
    def listed(self) -> bool:
        return self.decision.outcome == LISTED


def _decide(tier: Tier, registry: ParameterRegistry, facts: Mapping[str, Any], on: dt.date) -> Decision:
    decision = Decision(rule=f"measures.tier.{tier.code}", effective_on=on)
    source = tier.citation.citation()
    places = facts.get("jurisdictions") or []
    if tier.jurisdiction not in places:
        decision.outcome = OUTSIDE
        decision.because("outside", "注册地不在本名单的辖区内", "Registered outside the list's jurisdiction", source)
        return decision
    failed = unknown = 0
    for condition in tier.criteria:
        value = facts.get(condition.fact)
        bound = decision.use_decimal(registry, condition.parameter) if condition.parameter else None
        citation = registry.version(condition.parameter, on).citation if condition.parameter else source
        shown = f"（{bound}）" if bound is not None else ""
        shown_en = f" ({bound})" if bound is not None else ""
        if _missing(value):
            unknown += 1
            decision.missing.append(condition.fact)
            decision.because(f"missing:{condition.fact}", f"尚无登记数据：{condition.text.zh}{shown}",
                             f"No registered figure yet: {condition.text.en}{shown_en}", citation)
        elif _met(condition, value, bound):
            decision.because(f"met:{condition.fact}", f"符合：{condition.text.zh}{shown}（登记值 {value}）",
                             f"Met: {condition.text.en}{shown_en} (registered: {value})", citation)
        else:
            failed += 1
            decision.because(f"failed:{condition.fact}", f"不符合：{condition.text.zh}{shown}（登记值 {value}）",
                             f"Not met: {condition.text.en}{shown_en} (registered: {value})", citation)
    decision.outcome = NOT_LISTED if failed else (UNKNOWN if unknown else LISTED)
    return decision


def classify(tiers: TierSet | Sequence[Tier], registry: ParameterRegistry, facts: Mapping[str, Any], *,
             on: dt.date) -> list[TierOutcome]:
    """Every tier for one firm, highest rank first: listed, not listed, unknown (a figure not yet registered) or
    outside (registered outside the tier's jurisdiction), each criterion with its reason and source."""
    return [TierOutcome(tier, _decide(tier, registry, facts, on)) for tier in tiers]


def highest(outcomes: Sequence[TierOutcome]) -> TierOutcome | None:
    listed = [o for o in outcomes if o.listed]
    return max(listed, key=lambda o: o.tier.rank) if listed else None
