"""Plain value objects of the matching engine.

They are frozen dataclasses, not Django models, so the engine can be tested and benchmarked without a
database; the Django layer converts its rows into these before calling the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


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
class ExplanationItem:
    """One reason in an explanation: a stable code and its parameters (codes, numbers, the matched terms), never
    a finished sentence, so the caller can render it in the reader's language.

    Codes: "terms" / "terms_none" (the text score; `terms` lists term, share and surface forms), "domain_match"
    (same sub-domain), "domain_top_match" (same top-level domain), "domain_mismatch", "domain_unspecified",
    "region_served", "region_partial", "region_not_served", "region_unspecified", "budget_within",
    "budget_unknown", "budget_outside", and for exclusions "qualification_missing" and "region_excluded".
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Why a candidate may not be recommended at all, whatever its score."""

    constraint: Constraint
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    def item(self) -> ExplanationItem:
        return ExplanationItem(self.code, self.params)


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
    """One structured fit (name "domain", "region" or "budget"), its value in [0, 1] and why, as a code."""

    name: str
    value: float
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def item(self) -> ExplanationItem:
        return ExplanationItem(self.code, {"value": round(self.value, 3), **self.params})


@dataclass(frozen=True, slots=True)
class Explanation:
    text_score: float
    terms: tuple[TermMatch, ...]
    fields: tuple[FieldFit, ...]
    exclusions: tuple[Exclusion, ...] = ()

    def items(self) -> list[ExplanationItem]:
        """The reasons in reading order: exclusions first, then the text score with its terms, then the fits."""
        out = [e.item() for e in self.exclusions]
        score = round(self.text_score, 3)
        if self.terms:
            out.append(ExplanationItem("terms", {
                "text_score": score,
                "terms": [{"term": t.term, "share": round(t.share, 3),
                           "forms": sorted((set(t.query_forms) | set(t.candidate_forms)) - {t.term})}
                          for t in self.terms]}))
        else:
            out.append(ExplanationItem("terms_none", {"text_score": score}))
        out.extend(f.item() for f in self.fields)
        return out

    def lines(self) -> list[str]:
        """A compact, language-neutral trace of the items (code and parameters) for logs and the benchmark; user
        interfaces render the items themselves."""
        return [f"{i.code} " + " ".join(f"{k}={v}" for k, v in i.params.items()) for i in self.items()]

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
