"""The ethics self-check of an AI application against the norms of 《新一代人工智能伦理规范》, as a pure function.

The organisation says which kinds of AI activity it carries out for the application (management, research and
development, supply, use); the basic norms apply always, a group's specific requirements when its activity is
chosen. For each norm that applies it states whether it is met, partly met or not met, and what it does (required
when met or partly met: a claim without a measure is not a self-check). The result lists the norms not fully met as
the points to improve. No Django: the norms arrive as `Norm` rows built by the caller from the pack's
`ai_ethics_norms` taxonomy; every refusal names the answer it concerns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

BASIC = "basic"  # the group that applies to every activity
MET, PARTLY, NOT_MET = "met", "partly", "not_met"
STATUSES = (MET, PARTLY, NOT_MET)
MAX_MEASURES = 1000  # characters of one answer's measures


@dataclass(frozen=True, slots=True)
class Norm:
    code: str  # e.g. "research.avoid_bias"
    group: str  # "basic" or a kind of activity
    name_zh: str
    name_en: str


class CheckError(ValueError):
    """A refused self-check: `code` says why, `field` names the answer ("activities" or "answers.<norm>")."""

    def __init__(self, code: str, field: str) -> None:
        super().__init__(f"{code}: {field}")
        self.code = code
        self.field = field


@dataclass(frozen=True, slots=True)
class Row:
    code: str
    group: str
    status: str
    measures: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "group": self.group, "status": self.status, "measures": self.measures}


@dataclass(frozen=True, slots=True)
class Result:
    activities: tuple[str, ...]
    rows: tuple[Row, ...]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def to_improve(self) -> tuple[str, ...]:
        """The norms not fully met, in the taxonomy's order."""
        return tuple(row.code for row in self.rows if row.status != MET)


def activities_of(norms: Sequence[Norm]) -> tuple[str, ...]:
    """The kinds of activity the norms name, in their order (the basic group is not one)."""
    seen: list[str] = []
    for norm in norms:
        if norm.group != BASIC and norm.group not in seen:
            seen.append(norm.group)
    return tuple(seen)


def applicable(norms: Sequence[Norm], activities: Sequence[str]) -> tuple[Norm, ...]:
    return tuple(n for n in norms if n.group == BASIC or n.group in activities)


def check(norms: Sequence[Norm], activities: Sequence[str], answers: Mapping[str, Mapping[str, object]]) -> Result:
    """The self-check of one application: every applicable norm answered, nothing else answered."""
    known = activities_of(norms)
    if not isinstance(activities, (list, tuple)) or not activities:
        raise CheckError("no_activity", "activities")
    chosen: list[str] = []
    for activity in activities:
        if activity not in known:
            raise CheckError("unknown_activity", "activities")
        if activity not in chosen:
            chosen.append(activity)
    ordered = tuple(a for a in known if a in chosen)
    asked = applicable(norms, ordered)
    codes = {n.code for n in asked}
    every = {n.code for n in norms}
    for code in answers:
        if code not in every:
            raise CheckError("unknown_norm", f"answers.{str(code)[:60]}")
        if code not in codes:
            raise CheckError("not_applicable", f"answers.{code}")
    rows: list[Row] = []
    for norm in asked:
        field = f"answers.{norm.code}"
        answer = answers.get(norm.code)
        if not isinstance(answer, Mapping):
            raise CheckError("unanswered", field)
        status = answer.get("status")
        if status not in STATUSES:
            raise CheckError("unanswered" if status in (None, "") else "unknown_status", field)
        measures = answer.get("measures", "")
        if not isinstance(measures, str):
            raise CheckError("invalid_measures", field)
        measures = measures.strip()
        if len(measures) > MAX_MEASURES:
            raise CheckError("measures_too_long", field)
        if status in (MET, PARTLY) and not measures:
            raise CheckError("measures_required", field)
        rows.append(Row(norm.code, norm.group, str(status), measures))
    return Result(ordered, tuple(rows))
