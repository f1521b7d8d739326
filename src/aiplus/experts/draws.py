"""The random draw of an expert panel, as pure functions (no Django): who is eligible, who is excluded and why,
and the seeded sample.

A draw is reproducible: `sample(candidate_ids, size, seed)` is `random.Random(seed).sample(sorted(ids), size)`,
so the recorded seed and candidate list are enough to re-run it and check the recorded selection.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

SEED_BITS = 63

# Reasons an otherwise matching expert is left out of the candidate list.
SAME_ORGANISATION = "same_organisation"
DECLARED_RELATIONSHIP = "declared_relationship"
STAFF_OF_APPLICANT = "staff_of_applicant"
UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class Pooled:
    """An expert of the pool, as the draw sees it."""

    expert_id: int
    fields: tuple[str, ...]
    jurisdiction_id: int
    organisation_id: int | None = None
    available: bool = True
    # Organisation id -> relationship kinds the expert declared with it.
    declared: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    # Organisations where the expert's user holds a role (staff, member, provider).
    staff_of: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    organisation_id: int | None = None
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "organisation_id": self.organisation_id, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Eligibility:
    candidate_ids: tuple[int, ...]  # sorted ascending: the list the sample is drawn from
    excluded: tuple[tuple[int, tuple[Reason, ...]], ...]  # sorted by expert id


def ancestors_or_self(code: str, parents: Mapping[str, str | None]) -> set[str]:
    found: set[str] = set()
    current: str | None = code
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return found


def fields_match(requested: Iterable[str], offered: Iterable[str], parents: Mapping[str, str | None]) -> bool:
    """True when a requested field and an offered field are equal, or one is an ancestor (domain) of the other."""
    offered_set = set(offered)
    offered_lines = set().union(*(ancestors_or_self(code, parents) for code in offered_set)) if offered_set else set()
    return any(ancestors_or_self(code, parents) & offered_set or code in offered_lines for code in requested)


def conflict_reasons(expert: Pooled, conflicted: Iterable[int]) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    for organisation_id in sorted(set(conflicted)):
        if expert.organisation_id == organisation_id:
            reasons.append(Reason(SAME_ORGANISATION, organisation_id))
        for kind in sorted(expert.declared.get(organisation_id, ())):
            reasons.append(Reason(DECLARED_RELATIONSHIP, organisation_id, kind))
        if organisation_id in expert.staff_of:
            reasons.append(Reason(STAFF_OF_APPLICANT, organisation_id))
    return tuple(reasons)


def eligibility(
    pool: Iterable[Pooled],
    *,
    fields: Sequence[str],
    jurisdiction_ids: Iterable[int],
    parents: Mapping[str, str | None],
    conflicted: Iterable[int],
) -> Eligibility:
    """Split the pool's matching experts (field and jurisdiction) into candidates and exclusions with reasons."""
    places = set(jurisdiction_ids)
    conflicted_ids = sorted(set(conflicted))
    candidates: list[int] = []
    excluded: list[tuple[int, tuple[Reason, ...]]] = []
    for expert in sorted(pool, key=lambda e: e.expert_id):
        if expert.jurisdiction_id not in places or not fields_match(fields, expert.fields, parents):
            continue
        reasons = conflict_reasons(expert, conflicted_ids)
        if not expert.available:
            reasons = (*reasons, Reason(UNAVAILABLE))
        if reasons:
            excluded.append((expert.expert_id, reasons))
        else:
            candidates.append(expert.expert_id)
    return Eligibility(tuple(candidates), tuple(excluded))


def sample(candidate_ids: Iterable[int], size: int, seed: int) -> list[int]:
    """The seeded draw: `random.Random(seed).sample(sorted(candidate_ids), size)`."""
    return random.Random(seed).sample(sorted(candidate_ids), size)
