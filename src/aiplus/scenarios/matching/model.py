"""Plain value objects of the matching engine.

They are frozen dataclasses, not Django models, so the engine can be tested and benchmarked without a
database; the Django layer converts its rows into these before calling the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Need:
    """A scenario need published by a demand-side owner (场景需求 / 榜单)."""

    id: str
    title: str
    description: str = ""
    domains: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    required_qualifications: tuple[str, ...] = ()
    budget_min_cny: Decimal | None = None
    budget_max_cny: Decimal | None = None
    kpis: str = ""


@dataclass(frozen=True, slots=True)
class CapabilityProfile:
    """A supplier's capability-list entry (能力清单)."""

    id: str
    org_name: str
    description: str = ""
    products: str = ""
    domains: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    models_used: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    regions_served: tuple[str, ...] = ()
    price_min_cny: Decimal | None = None
    price_max_cny: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Weights:
    """How the text score and the structured fits add up to one score in [0, 1].

    Text dominates because it is the only signal that tells two suppliers of the same sub-domain apart; the
    structured fits reorder suppliers whose texts are about equally relevant.
    """

    text: float = 0.6
    domain: float = 0.15
    region: float = 0.15
    budget: float = 0.10

    def total(self) -> float:
        return self.text + self.domain + self.region + self.budget


class Constraint(StrEnum):
    QUALIFICATION = "qualification"
    REGION = "region"


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Why a candidate may not be recommended at all, whatever its score."""

    constraint: Constraint
    detail: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One query term found in the candidate, after synonym folding."""

    term: str
    query_forms: tuple[str, ...]
    candidate_forms: tuple[str, ...]
    bm25: float
    share: float  # of the candidate's BM25 total, so the terms of one explanation sum to 1


@dataclass(frozen=True, slots=True)
class FieldFit:
    name: str
    value: float
    detail: str


@dataclass(frozen=True, slots=True)
class Explanation:
    text_score: float
    terms: tuple[TermMatch, ...]
    fields: tuple[FieldFit, ...]
    exclusions: tuple[Exclusion, ...] = ()

    def lines(self) -> list[str]:
        """A short, human-readable account of the score, e.g. for an official reviewing a recommendation."""
        out: list[str] = []
        if self.exclusions:
            out.extend(f"excluded by {e.constraint.value}: {e.detail}" for e in self.exclusions)
        if self.terms:
            parts = []
            for t in self.terms:
                shown = t.term
                others = sorted((set(t.query_forms) | set(t.candidate_forms)) - {t.term})
                if others:
                    shown += "(" + "/".join(others) + ")"
                parts.append(f"{shown} {t.share:.0%}")
            out.append(f"text {self.text_score:.2f}: " + ", ".join(parts))
        else:
            out.append("text 0.00: no query term found")
        out.extend(f"{f.name} {f.value:.2f}: {f.detail}" for f in self.fields)
        return out

    def __str__(self) -> str:
        return "; ".join(self.lines())


@dataclass(frozen=True, slots=True)
class Match:
    candidate_id: str
    score: float
    explanation: Explanation
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class MatchResult:
    query_id: str
    matches: tuple[Match, ...]
    excluded: tuple[Match, ...] = ()
    candidates: int = 0  # live candidates considered, for the caller's paging and logs


@dataclass(frozen=True, slots=True)
class StrongMatchPolicy:
    """When a new match is worth a notification to a supplier or a scenario owner.

    A high combined score alone is not enough: a supplier of the right domain, region and budget whose text
    barely overlaps would pass on structure alone, so the text score has its own floor.
    """

    min_score: float = 0.6
    min_text: float = 0.45
    require_domain: bool = True

    def accepts(self, match: Match) -> bool:
        if match.excluded or match.score < self.min_score or match.explanation.text_score < self.min_text:
            return False
        if self.require_domain:
            dom = next((f for f in match.explanation.fields if f.name == "domain"), None)
            if dom is None or dom.value <= 0.0:
                return False
        return True


def strong_matches(result: MatchResult, policy: StrongMatchPolicy | None = None) -> list[Match]:
    pol = policy or StrongMatchPolicy()
    return [m for m in result.matches if pol.accepts(m)]


@dataclass(frozen=True, slots=True)
class IndexStats:
    main_docs: int
    delta_docs: int
    deleted_in_main: int
    vocab: int = field(default=0)
