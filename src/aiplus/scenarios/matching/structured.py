"""Structured fit, vectorised: every set-valued field is a row of 64-bit masks, every range a pair of floats.

A query then costs a handful of numpy operations over all rows (bitwise AND, any, a few comparisons) instead
of a Python loop over 10^5 candidates. Code vocabularies grow as new codes arrive: a mask matrix widens by one
word of 64 bits when its vocabulary outgrows it, which is rare (all of Suzhou's districts and Guangdong's
cities fit in one).

Codes are hierarchical by dots: `industry.manufacturing` is in `industry`; `suzhou.sip` is in `suzhou`. The
region code `national` (全国) is an ancestor of every region.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from decimal import Decimal

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

NATIONAL = "national"


def ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def parent(code: str) -> str:
    return code.split(".", 1)[0]


class CodeMasks:
    """A growable (rows x words) uint64 matrix with a code -> bit vocabulary."""

    def __init__(self, capacity: int) -> None:
        self.bits: dict[str, int] = {}
        self.m: U64 = np.zeros((capacity, 1), dtype=np.uint64)

    def bit(self, code: str, grow: bool = True) -> int | None:
        b = self.bits.get(code)
        if b is None and grow:
            b = len(self.bits)
            self.bits[code] = b
            if b >= 64 * self.m.shape[1]:
                self.m = np.hstack([self.m, np.zeros((self.m.shape[0], 1), dtype=np.uint64)])
        return b

    def mask(self, codes: Iterable[str], grow: bool = False) -> U64:
        out = np.zeros(self.m.shape[1], dtype=np.uint64)
        for c in codes:
            b = self.bit(c, grow)
            if b is not None:
                if b >= 64 * out.shape[0]:
                    out = np.concatenate([out, np.zeros(self.m.shape[1] - out.shape[0], dtype=np.uint64)])
                out[b // 64] |= np.uint64(1) << np.uint64(b % 64)
        return out

    def copy(self) -> CodeMasks:
        other = CodeMasks(0)
        other.bits = dict(self.bits)
        other.m = self.m.copy()
        return other

    def set_row(self, row: int, codes: Iterable[str]) -> None:
        self.m[row] = self.mask(codes, grow=True)

    def resize(self, capacity: int) -> None:
        grown = np.zeros((capacity, self.m.shape[1]), dtype=np.uint64)
        n = min(capacity, self.m.shape[0])
        grown[:n] = self.m[:n]
        self.m = grown

    def any_overlap(self, q: U64, n: int) -> B:
        return np.asarray(((self.m[:n] & q) != 0).any(axis=1), dtype=np.bool_)

    def not_covered(self, required: U64, n: int) -> B:
        """Rows that lack at least one bit of `required`."""
        return np.asarray(((~self.m[:n] & required) != 0).any(axis=1), dtype=np.bool_)

    def rows_lacking(self, q: U64, n: int) -> B:
        """Rows whose own bits are not all in `q` (a row's requirement that `q` does not meet)."""
        return np.asarray(((self.m[:n] & ~q) != 0).any(axis=1), dtype=np.bool_)


def to_float(v: Decimal | None, default: float) -> float:
    return float(v) if v is not None else default


def range_fit(q_lo: float, q_hi: float, lo: F64, hi: F64) -> F64:
    """1 where [lo, hi] overlaps [q_lo, q_hi]; falls off with the log-distance between them (0 at 10x apart).

    A side with no figures at all (lo=0, hi=inf) is unknown and gets 0.5, so "price on request" is neither
    rewarded nor punished against suppliers that state a price.
    """
    q_unknown = q_lo <= 0.0 and math.isinf(q_hi)
    unknown = (lo <= 0.0) & np.isinf(hi)
    top = np.maximum(lo, q_lo)
    bottom = np.minimum(hi, q_hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(top > bottom, np.log10(np.maximum(top, 1.0) / np.maximum(bottom, 1.0)), 0.0)
    fit = np.clip(1.0 - gap, 0.0, 1.0)
    if q_unknown:
        return np.full(lo.shape, 0.5)
    return np.asarray(np.where(unknown, 0.5, fit), dtype=np.float64)


class StructStore:
    """Structured arrays of one side (profiles or needs), one row per document, same rows as the lexical
    index.

    `regions` means "regions served" for a profile and "where the need is" for a need; for a need we also
    store `region_cover` (its regions plus their ancestors and `national`), so both directions test region fit
    with one AND: a supplier fits a need if it serves any code in the need's cover set.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self.capacity = capacity
        self.n = 0
        self.live: B = np.zeros(capacity, dtype=np.bool_)
        self.sub = CodeMasks(capacity)
        self.top = CodeMasks(capacity)
        self.regions = CodeMasks(capacity)
        self.region_cover = CodeMasks(capacity)
        self.region_desc = CodeMasks(capacity)
        self.quals = CodeMasks(capacity)
        self.lo: F64 = np.zeros(capacity, dtype=np.float64)
        self.hi: F64 = np.full(capacity, np.inf, dtype=np.float64)
        self.has_domain: B = np.zeros(capacity, dtype=np.bool_)
        self.has_region: B = np.zeros(capacity, dtype=np.bool_)

    def copy(self) -> StructStore:
        """An independent copy (every array is written in place by `put` and `kill`)."""
        other = copy.copy(self)
        for name in ("sub", "top", "regions", "region_cover", "region_desc", "quals"):
            setattr(other, name, getattr(self, name).copy())
        for name in ("live", "lo", "hi", "has_domain", "has_region"):
            setattr(other, name, getattr(self, name).copy())
        return other

    def _masks(self) -> list[CodeMasks]:
        return [self.sub, self.top, self.regions, self.region_cover, self.region_desc, self.quals]

    def _ensure(self, row: int) -> None:
        if row < self.capacity:
            return
        cap = max(row + 1, self.capacity * 2)
        for m in self._masks():
            m.resize(cap)
        self.live = np.concatenate([self.live, np.zeros(cap - self.capacity, dtype=np.bool_)])
        self.lo = np.concatenate([self.lo, np.zeros(cap - self.capacity)])
        self.hi = np.concatenate([self.hi, np.full(cap - self.capacity, np.inf)])
        self.has_domain = np.concatenate([self.has_domain, np.zeros(cap - self.capacity, dtype=np.bool_)])
        self.has_region = np.concatenate([self.has_region, np.zeros(cap - self.capacity, dtype=np.bool_)])
        self.capacity = cap

    def region_cover_codes(self, regions: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for r in regions:
            out.add(r)
            out.update(ancestors(r))
        if out:
            out.add(NATIONAL)
        return out

    def region_desc_codes(self, regions: Iterable[str]) -> set[str]:
        regs = list(regions)
        known = list(self.regions.bits) + list(self.region_cover.bits)
        return {k for k in known for r in regs if k.startswith(r + ".")} - set(regs)

    def put(
        self,
        row: int,
        domains: Iterable[str],
        regions: Iterable[str],
        quals: Iterable[str],
        lo: Decimal | None,
        hi: Decimal | None,
    ) -> None:
        self._ensure(row)
        doms = list(domains)
        regs = list(regions)
        self.sub.set_row(row, [d for d in doms if "." in d])
        self.top.set_row(row, [parent(d) for d in doms])
        self.regions.set_row(row, regs)
        self.region_cover.set_row(row, self.region_cover_codes(regs))
        self.region_desc.set_row(row, self.region_desc_codes(regs))
        self.quals.set_row(row, quals)
        self.lo[row] = to_float(lo, 0.0)
        self.hi[row] = to_float(hi, math.inf)
        self.has_domain[row] = bool(doms)
        self.has_region[row] = bool(regs)
        self.live[row] = True
        self.n = max(self.n, row + 1)

    def kill(self, row: int) -> None:
        if row < self.capacity:
            self.live[row] = False

    def domain_fit(self, domains: Iterable[str]) -> F64:
        """1 for a shared sub-domain, 0.5 for a shared top domain only, 0 otherwise; 1 if the query has
        none."""
        doms = list(domains)
        n = self.n
        if not doms:
            return np.ones(n)
        sub = self.sub.mask([d for d in doms if "." in d])
        top = self.top.mask([parent(d) for d in doms])
        same_sub = self.sub.any_overlap(sub, n)
        same_top = self.top.any_overlap(top, n)
        # A top-level code on the query side ("any industry") is fully met by anything under it.
        only_top = not any("." in d for d in doms)
        return np.where(same_sub | (same_top & only_top), 1.0, np.where(same_top, 0.5, 0.0))
