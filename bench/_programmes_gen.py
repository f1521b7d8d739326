"""Seeded organisations for bench/programmes.py: where registered, kind of body, answers and declared amounts per
programme, and awards already held, with skewed (log-normal) amounts as real applications have."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

SEED = 2026
PLACES = [(["suzhou", "jiangsu", "cn"], 0.45), (["shenzhen", "guangdong", "cn"], 0.35),
          (["guangzhou", "guangdong", "cn"], 0.20)]
KINDS = [("enterprise", 0.62), ("opc", 0.12), ("university", 0.05), ("research_institute", 0.05),
         ("compute_provider", 0.06), ("data_provider", 0.06), ("industry_association", 0.04)]
LEVELS = [(None, 0.80), ("international", 0.01), ("national", 0.04), ("industry", 0.07), ("group", 0.08)]
# programme → (share that applied, median declared amount in CNY)
APPLY = {"suzhou.dataset_purchase": (0.30, 600_000), "suzhou.compute_cost": (0.35, 900_000),
         "suzhou.major_rd": (0.15, 8_000_000), "suzhou.standards_award": (0.0, 0),
         "suzhou.open_source": (0.0, 0), "shenzhen.demonstration_project": (0.25, 3_000_000),
         "shenzhen.benchmark_project": (0.15, 6_000_000)}


@dataclass(slots=True)
class Org:
    key: int
    jurisdictions: list[str]
    kind: str
    open_source: bool
    affiliated: bool | None
    standard_level: str | None
    declared: dict[str, Decimal] = field(default_factory=dict)
    awards: list[tuple[str, int, Decimal]] = field(default_factory=list)  # (programme, year, amount)


def _pick(rng: random.Random, table: list[tuple[object, float]]) -> object:
    x, acc = rng.random(), 0.0
    for value, share in table:
        acc += share
        if x < acc:
            return value
    return table[-1][0]


def generate(n: int, year: int, seed: int = SEED) -> list[Org]:
    rng = random.Random(seed)
    orgs = []
    for key in range(n):
        affiliated = rng.random()
        org = Org(key=key, jurisdictions=list(_pick(rng, PLACES)),  # type: ignore[call-overload]
                  kind=str(_pick(rng, KINDS)), open_source=rng.random() < 0.08,
                  affiliated=None if affiliated < 0.2 else affiliated < 0.32,
                  standard_level=_pick(rng, LEVELS))  # type: ignore[arg-type]
        for code, (share, median) in APPLY.items():
            if share and rng.random() < share:
                amount = Decimal(round(rng.lognormvariate(0, 1.1) * median, 2)).quantize(Decimal("0.01"))
                org.declared[code] = amount
            if rng.random() < 0.03:  # already funded by the programme this year or last
                org.awards.append((code, year - rng.randint(0, 1), Decimal(rng.randint(1, 3_000) * 100)))
        orgs.append(org)
    return orgs


def facts(org: Org, base: str | None, code: str) -> dict[str, object]:
    """The facts the platform gathers for `org` (register plus its application to `code`)."""
    found: dict[str, object] = {"jurisdictions": org.jurisdictions, "org_kind": org.kind,
                                "maintains_open_source_project": org.open_source}
    if org.affiliated is not None:
        found["seller_affiliated"] = found["provider_affiliated"] = org.affiliated
    if org.standard_level:
        found["standard_level"] = org.standard_level
    if base and code in org.declared:
        found[base] = str(org.declared[code])
    return found
