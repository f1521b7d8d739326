"""A bank version's coverage against the standard's minimums (TC260-003 / GB/T 45654-2025 8.1–8.3): the total and,
where the standard sets one, a minimum per Appendix A risk; what is met and what is short, by risk. Pure: the counts
and the minimums (pack parameters) are given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Minimums:
    """The minimums of one bank kind: the total (None: the standard sets none) and a minimum per risk category
    (`a1`…`a5`; a category missing or 0 needs no minimum per risk)."""

    total: int | None
    per_category: Mapping[str, int]


@dataclass(frozen=True)
class RiskRow:
    code: str
    category: str
    count: int
    required: int

    @property
    def met(self) -> bool:
        return self.count >= self.required

    @property
    def short_by(self) -> int:
        return max(0, self.required - self.count)


@dataclass(frozen=True)
class Coverage:
    total: int
    required_total: int | None
    unmapped: int
    rows: tuple[RiskRow, ...]

    @property
    def total_met(self) -> bool:
        return self.required_total is None or self.total >= self.required_total

    @property
    def short_risks(self) -> list[RiskRow]:
        return [r for r in self.rows if r.required and not r.met]

    @property
    def met(self) -> bool:
        return self.total_met and not self.short_risks

    @property
    def has_minimums(self) -> bool:
        return self.required_total is not None or any(r.required for r in self.rows)


def category_of(code: str) -> str:
    """`a1.terrorism` → `a1`."""
    return code.split(".", 1)[0]


def coverage(counts: Mapping[str, int], risks: Sequence[str], minimums: Minimums) -> Coverage:
    """The coverage of a bank whose counted items per risk code are `counts` ("" counts the unmapped ones), over the
    taxonomy's `risks` (leaf codes, in the standard's order). The unmapped count towards the total but no risk."""
    rows = tuple(RiskRow(code=code, category=category_of(code), count=int(counts.get(code, 0)),
                         required=int(minimums.per_category.get(category_of(code), 0) or 0)) for code in risks)
    total = sum(int(n) for n in counts.values())
    return Coverage(total=total, required_total=minimums.total, unmapped=int(counts.get("", 0)), rows=rows)
