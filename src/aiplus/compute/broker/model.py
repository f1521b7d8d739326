"""Input and output records of the broker.

Inputs are frozen dataclasses so a batch can be solved, re-solved and compared without anything mutating it.
Money crosses the API boundary as Decimal (CNY, 2 places); floats are used only inside the optimiser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

CENTS = Decimal("0.01")


def to_cny(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENTS, rounding=ROUND_HALF_UP)


class RegionLevel(StrEnum):
    CITY = "city"
    PROVINCE = "province"
    COUNTRY = "country"


@dataclass(frozen=True)
class Centre:
    id: str
    city: str
    province: str
    country: str
    pue: float
    green_share: float
    grid_carbon_kg_per_kwh: float
    # Keyed by any region code (city, province or country) a job may originate from.
    latency_ms: Mapping[str, float] = field(default_factory=dict)
    default_latency_ms: float = 50.0

    def region(self, level: RegionLevel) -> str:
        if level is RegionLevel.CITY:
            return self.city
        if level is RegionLevel.PROVINCE:
            return self.province
        return self.country

    def latency_to(self, origin: str | None) -> float:
        if origin is None:
            return 0.0
        return float(self.latency_ms.get(origin, self.default_latency_ms))


@dataclass(frozen=True)
class Pool:
    id: str
    centre_id: str
    accelerator_model: str
    domestic: bool
    cards: int
    memory_gb: int
    price_cny_per_card_hour: Decimal
    available_cards: int
    # Expected wait before a job placed now would start; used by deadlines and the optional wait term.
    queue_wait_hours: float = 0.0
    power_kw_per_card: float = 0.4


@dataclass(frozen=True)
class Residency:
    region: str
    level: RegionLevel


@dataclass(frozen=True)
class Preferences:
    cost: float = 1.0
    carbon: float = 0.0
    latency: float = 0.0
    # Not part of the regulation's wording; lets a dispatcher trade price against queueing time.
    wait: float = 0.0


@dataclass(frozen=True)
class Job:
    id: str
    accepted_models: frozenset[str]
    cards: int
    hours: float
    deadline_hours: float | None = None
    budget_cny: Decimal | None = None
    residency: Residency | None = None
    cross_border_allowed: bool = False
    home_country: str = "CN"
    origin: str | None = None
    preferences: Preferences = Preferences()
    voucher_pool: str | None = None


@dataclass(frozen=True)
class VoucherPool:
    """A subsidy pool (算力券): pays `rate` of the contract, capped in total at `limit_cny`.

    Hangzhou's rule pays a higher share when the contract uses domestic accelerators.
    """

    id: str
    limit_cny: Decimal
    rate: Decimal = Decimal("0.20")
    domestic_rate: Decimal = Decimal("0.30")


class UnplacedCode(StrEnum):
    NO_MODEL = "no_pool_with_model"
    RESIDENCY = "residency_unsatisfiable"
    TOO_LARGE = "job_larger_than_any_pool"
    OVER_BUDGET = "over_budget"
    DEADLINE = "deadline"
    CAPACITY = "capacity_exhausted"
    VOUCHER = "voucher_pool_exhausted"
    UNKNOWN_VOUCHER = "unknown_voucher_pool"


class PlacementCode(StrEnum):
    """Why the broker chose a placement's pool."""

    # The job had a single eligible pool.
    ONLY_ELIGIBLE = "only_eligible_pool"
    # The pool has the job's best weighted score among all its eligible pools.
    BEST_SCORE = "best_weighted_score"
    # Not the job's own best-scoring pool: the batch's total weighted score is best with this assignment (the
    # job's better pools serve other jobs of the batch).
    BEST_FOR_BATCH = "best_for_batch"


@dataclass(frozen=True)
class Explanation:
    """A placement's or an unplaced job's reason as facts: a stable code and its parameters, never a sentence,
    so the caller can render it in the reader's language.

    Parameters are JSON values (str, int, float, bool, None, lists and dicts of them); money is a string of CNY
    with two decimals.  Placements (codes in `PlacementCode`): `pool_id`, `accelerator_model`, `centre_id`,
    `cost_cny`, `card_hours`, `price_cny_per_card_hour`, `cheapest_cny` (cheapest eligible cost), `carbon_kg`,
    `lowest_carbon_kg`, `latency_ms`, `lowest_latency_ms`, `weights` ({cost, carbon, latency, wait}),
    `eligible_pools`.  Unplaced jobs (codes in `UnplacedCode`):

    - no_pool_with_model: `models` (the accepted models, sorted; empty: any)
    - residency_unsatisfiable: `level` and `region` (None without residency), `home_country`,
      `cross_border_allowed`
    - job_larger_than_any_pool: `cards`, `largest_cards` (largest pool with an accepted model in the allowed places)
    - over_budget: `cheapest_paid_cny` (after subsidy), `budget_cny`
    - deadline: `shortest_wait_hours`, `hours`, `deadline_hours`
    - capacity_exhausted: `eligible_pools`, `cards`, `most_free_cards`
    - voucher_pool_exhausted: `voucher_pool`, `left_cny`, `needed_cny`
    - unknown_voucher_pool: `voucher_pool`
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Placement:
    job_id: str
    pool_id: str
    centre_id: str
    cost_cny: Decimal
    subsidy_cny: Decimal
    paid_cny: Decimal
    carbon_kg: float
    latency_ms: float
    # One English sentence (logs, benchmarks); `explanation` holds the same reason as facts.
    reason: str
    explanation: Explanation


@dataclass(frozen=True)
class Unplaced:
    job_id: str
    code: UnplacedCode
    # One English sentence; `params` holds its figures (see `Explanation`).
    message: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def explanation(self) -> Explanation:
        return Explanation(self.code.value, self.params)


@dataclass(frozen=True)
class SolveStats:
    objective: float
    bound: float
    gap_pct: float
    solve_seconds: float
    bound_seconds: float
    status: str
    method: str
    windows: int
    bound_method: str


@dataclass(frozen=True)
class BrokerResult:
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    stats: SolveStats

    @property
    def total_cost_cny(self) -> Decimal:
        return sum((p.cost_cny for p in self.placements), Decimal("0.00"))
