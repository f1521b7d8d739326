"""The random draw of an expert panel, as pure functions (no Django): who is eligible, who is excluded and why,
the seed derived from the draw's recorded public inputs, and the seeded sample.

Nobody chooses a seed. At draw time the server records the draw's public inputs (`seed_inputs`): the purpose, the
subject (type and id), the jurisdiction code, the requested fields, the size, the sorted candidate expert ids, the
sorted excluded expert ids, the sorted conflicted organisation ids, the time of the draw (ISO 8601) and a 128-bit
nonce the server generates with `secrets` at that moment. The seed is `derive_seed(seed_inputs)`: the first
`SEED_BITS` (63) bits of SHA-256 over the canonical JSON of that dict (`canonical_json`: sorted keys, no spaces,
`ensure_ascii=False`, UTF-8). The panel is `sample(candidate_ids, size, seed)`, i.e.
`random.Random(seed).sample(sorted(candidate_ids), size)`.

How anyone re-checks a draw (`verify` does steps 2 and 3; the verify page and API also do step 4):
1. take the recorded `seed_inputs` as published with the draw;
2. recompute the seed: `int.from_bytes(sha256(canonical_json(seed_inputs).encode("utf-8")).digest()[:8], "big")
   >> 1`, and compare it with the recorded seed;
3. re-run `random.Random(seed).sample(sorted(seed_inputs["candidate_ids"]), seed_inputs["size"])` and compare it
   with the recorded selection;
4. check that the recorded inputs are the draw's own (candidates, exclusions, fields, size... shown with it).
Changing any recorded input changes the seed (and so, almost surely, the panel); changing the selection no longer
matches the re-run.

Honest limit: there is no external public randomness beacon here, so the nonce is the server's. It is generated at
draw time, recorded and shown with the draw, and no user (official or otherwise) can choose or submit it; together
with the time of the draw it keeps the panel unpredictable before the draw. A future beacon value could be added to
the recorded inputs without changing how a draw is re-checked.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

SEED_BITS = 63
NONCE_BITS = 128

# The keys of the recorded public inputs a seed is derived from (exactly these, no more, no less).
INPUT_KEYS = ("purpose", "subject_type", "subject_id", "jurisdiction", "fields", "size", "candidate_ids",
              "excluded_ids", "conflicted_organisation_ids", "drawn_at", "nonce")

# Reasons an otherwise matching expert is left out of the candidate list.
SAME_ORGANISATION = "same_organisation"
DECLARED_RELATIONSHIP = "declared_relationship"
STAFF_OF_APPLICANT = "staff_of_applicant"
UNAVAILABLE = "unavailable"
# Named by the caller for one expert (e.g. "committee_member": a member of the applying unit's ethics committee).


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
    excluded_experts: Mapping[int, str] | None = None,
) -> Eligibility:
    """Split the pool's matching experts (field and jurisdiction) into candidates and exclusions with reasons;
    `excluded_experts` (expert id -> reason code) leaves named experts out whatever their organisation."""
    places = set(jurisdiction_ids)
    named = dict(excluded_experts or {})
    conflicted_ids = sorted(set(conflicted))
    candidates: list[int] = []
    excluded: list[tuple[int, tuple[Reason, ...]]] = []
    for expert in sorted(pool, key=lambda e: e.expert_id):
        if expert.jurisdiction_id not in places or not fields_match(fields, expert.fields, parents):
            continue
        reasons = conflict_reasons(expert, conflicted_ids)
        if expert.expert_id in named:
            reasons = (*reasons, Reason(named[expert.expert_id]))
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


# -- the seed, derived from recorded public inputs ----------------------------------------------------------------

def new_nonce() -> str:
    """A fresh 128-bit nonce (32 hex digits) from the operating system's CSPRNG, generated by the server per draw."""
    return secrets.token_hex(NONCE_BITS // 8)


def seed_inputs(
    *,
    purpose: str,
    subject_type: str,
    subject_id: str,
    jurisdiction: str,
    fields: Sequence[str],
    size: int,
    candidate_ids: Iterable[int],
    excluded_ids: Iterable[int],
    conflicted_organisation_ids: Iterable[int],
    drawn_at: datetime | str,
    nonce: str,
) -> dict[str, object]:
    """The dict of public inputs a draw records and derives its seed from (id lists sorted, time as ISO 8601)."""
    return {
        "purpose": str(purpose),
        "subject_type": str(subject_type),
        "subject_id": str(subject_id),
        "jurisdiction": str(jurisdiction),
        "fields": [str(code) for code in fields],
        "size": int(size),
        "candidate_ids": sorted(int(i) for i in candidate_ids),
        "excluded_ids": sorted(int(i) for i in excluded_ids),
        "conflicted_organisation_ids": sorted({int(i) for i in conflicted_organisation_ids}),
        "drawn_at": drawn_at.isoformat() if isinstance(drawn_at, datetime) else str(drawn_at),
        "nonce": str(nonce),
    }


def canonical_json(inputs: Mapping[str, object]) -> str:
    """The exact text that is hashed: sorted keys, no spaces, non-ASCII kept as is (hashed as UTF-8)."""
    return json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def derive_seed(inputs: Mapping[str, object]) -> int:
    """The first `SEED_BITS` bits of SHA-256(canonical_json(inputs)), as a non-negative integer."""
    digest = hashlib.sha256(canonical_json(inputs).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - SEED_BITS)


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of re-checking a recorded draw from its recorded inputs."""

    recorded_seed: int
    recomputed_seed: int | None  # None: the draw recorded no inputs to derive from (or they are malformed)
    recorded_selection: tuple[int, ...]
    recomputed_selection: tuple[int, ...] | None  # None: the recorded inputs cannot be re-run

    @property
    def seed_matches(self) -> bool:
        return self.recomputed_seed is not None and self.recomputed_seed == self.recorded_seed

    @property
    def selection_matches(self) -> bool:
        return self.recomputed_selection is not None and self.recomputed_selection == self.recorded_selection


def _safe_seed(inputs: Mapping[str, object] | None) -> int | None:
    """The seed derived from complete recorded inputs; None when they are missing or incomplete."""
    if not inputs or set(inputs) != set(INPUT_KEYS):
        return None
    try:
        return derive_seed(inputs)
    except (TypeError, ValueError):
        return None


def verify(inputs: Mapping[str, object] | None, *, seed: int, selected: Sequence[int]) -> Verification:
    """Recompute the seed from the recorded inputs and re-run the sample with it; compare both with the record.

    Never raises on tampered or malformed inputs: what cannot be recomputed is reported as `None` (a mismatch).
    """
    recomputed_seed = _safe_seed(inputs)
    try:
        recorded = tuple(int(i) for i in selected)
    except (TypeError, ValueError):  # a selection changed into something malformed: reported empty, never matching
        return Verification(int(seed), recomputed_seed, (), None)
    if recomputed_seed is None or inputs is None:
        return Verification(int(seed), None, recorded, None)
    candidates, size = inputs["candidate_ids"], inputs["size"]
    try:
        if not isinstance(candidates, list) or not isinstance(size, int) or isinstance(size, bool):
            raise TypeError("malformed inputs")
        recomputed: tuple[int, ...] | None = tuple(sample([int(i) for i in candidates], size, recomputed_seed))
    except (TypeError, ValueError):
        recomputed = None
    return Verification(int(seed), recomputed_seed, recorded, recomputed)
