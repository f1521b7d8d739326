"""Turns broker records into dense arrays: eligibility, raw figures and the weighted score per (job, pool).

Constraints that concern a single (job, pool) pair (model, residency, border, size, budget, deadline) are
applied here by pruning, as SkyPilot's candidate filtering does, so the MILP only carries the coupling
constraints (one pool per job, pool capacity, voucher-pool spend).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .model import Centre, Job, Pool, RegionLevel, UnplacedCode, VoucherPool, to_cny

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_LEVELS = (RegionLevel.CITY, RegionLevel.PROVINCE, RegionLevel.COUNTRY)


@dataclass
class Compiled:
    jobs: Sequence[Job]
    pools: Sequence[Pool]
    centres: Mapping[str, Centre]
    voucher_ids: list[str]
    eligible: BoolArray
    score: FloatArray
    cost: FloatArray
    subsidy: FloatArray
    carbon: FloatArray
    latency: FloatArray
    cards: FloatArray
    capacity: FloatArray
    voucher_index: IntArray
    voucher_limit: FloatArray
    penalty: FloatArray
    # Set only for jobs with no eligible pool at all: which filter emptied the candidate set, why (an English
    # sentence) and the facts behind it (parameters, see `model.Explanation`).
    ineligible: dict[int, tuple[UnplacedCode, str, dict[str, Any]]]

    @property
    def placeable(self) -> BoolArray:
        return np.asarray(self.eligible.any(axis=1), dtype=np.bool_)


def _scale(values: FloatArray, mask: BoolArray) -> float:
    if not mask.any():
        return 1.0
    mean = float(values[mask].mean())
    return mean if mean > 1e-12 else 1.0


def compile_problem(
    jobs: Sequence[Job],
    pools: Sequence[Pool],
    centres: Mapping[str, Centre],
    vouchers: Sequence[VoucherPool] = (),
) -> Compiled:
    n, m = len(jobs), len(pools)
    for pool in pools:
        if pool.centre_id not in centres:
            raise ValueError(f"pool {pool.id} names unknown centre {pool.centre_id}")
    pool_centres = [centres[p.centre_id] for p in pools]
    voucher_by_id = {v.id: v for v in vouchers}
    voucher_ids = [v.id for v in vouchers]

    cards = np.array([j.cards for j in jobs], dtype=np.float64)
    hours = np.array([j.hours for j in jobs], dtype=np.float64)
    budget = np.array([np.inf if j.budget_cny is None else float(j.budget_cny) for j in jobs])
    deadline = np.array([np.inf if j.deadline_hours is None else j.deadline_hours for j in jobs])
    price = np.array([float(p.price_cny_per_card_hour) for p in pools], dtype=np.float64)
    wait = np.array([p.queue_wait_hours for p in pools], dtype=np.float64)
    power = np.array([p.power_kw_per_card for p in pools], dtype=np.float64)
    pue = np.array([c.pue for c in pool_centres], dtype=np.float64)
    carbon_per_kwh = np.array([c.grid_carbon_kg_per_kwh * (1.0 - c.green_share) for c in pool_centres])
    total_cards = np.array([p.cards for p in pools], dtype=np.float64)
    capacity = np.array([max(0, min(p.available_cards, p.cards)) for p in pools], dtype=np.float64)

    # Model compatibility, computed once per distinct accepted-model set.
    model_sets: dict[frozenset[str], int] = {}
    set_index = np.array([model_sets.setdefault(j.accepted_models, len(model_sets)) for j in jobs], dtype=int)
    set_ok = np.zeros((len(model_sets), m), dtype=np.bool_)
    for models, s in model_sets.items():
        set_ok[s] = [not models or p.accelerator_model in models for p in pools]
    model_ok = set_ok[set_index] if n else np.zeros((0, m), dtype=np.bool_)

    level_of = np.array([0 if j.residency is None else 1 + _LEVELS.index(j.residency.level) for j in jobs])
    region_of = np.array(["" if j.residency is None else j.residency.region for j in jobs], dtype=object)
    home = np.array([j.home_country for j in jobs], dtype=object)
    cross = np.array([j.cross_border_allowed for j in jobs], dtype=np.bool_)
    place_ok = np.zeros((n, m), dtype=np.bool_)
    for k, c in enumerate(pool_centres):
        res_ok = level_of == 0
        for li, level in enumerate(_LEVELS, start=1):
            res_ok = res_ok | ((level_of == li) & (region_of == c.region(level)))
        # The border rule holds even when residency is set at a coarser level than country.
        place_ok[:, k] = res_ok & (cross | (home == c.country))

    size_ok = cards[:, None] <= total_cards[None, :]
    card_hours = (cards * hours)[:, None]
    cost = card_hours * price[None, :]
    carbon = card_hours * (power * pue * carbon_per_kwh)[None, :]
    origins: dict[str | None, int] = {}
    origin_index = np.array([origins.setdefault(j.origin, len(origins)) for j in jobs], dtype=int)
    lat_table = np.array([[c.latency_to(o) for c in pool_centres] for o in origins], dtype=np.float64)
    latency = lat_table[origin_index] if n else np.zeros((0, m))

    voucher_index = np.full(n, -1, dtype=np.int64)
    rate = np.zeros((n, m), dtype=np.float64)
    domestic = np.array([p.domestic for p in pools], dtype=np.bool_)
    unknown_voucher = np.zeros(n, dtype=np.bool_)
    for i, j in enumerate(jobs):
        if j.voucher_pool is None:
            continue
        v = voucher_by_id.get(j.voucher_pool)
        if v is None:
            unknown_voucher[i] = True
            continue
        voucher_index[i] = voucher_ids.index(v.id)
        rate[i] = np.where(domestic, float(v.domestic_rate), float(v.rate))
    subsidy = cost * rate
    budget_ok = (cost - subsidy) <= budget[:, None] + 1e-9
    deadline_ok = (wait[None, :] + hours[:, None]) <= deadline[:, None] + 1e-9

    stages: list[tuple[UnplacedCode, BoolArray]] = [
        (UnplacedCode.NO_MODEL, model_ok),
        (UnplacedCode.RESIDENCY, place_ok),
        (UnplacedCode.TOO_LARGE, size_ok),
        (UnplacedCode.OVER_BUDGET, budget_ok),
        (UnplacedCode.DEADLINE, deadline_ok),
    ]
    eligible = np.ones((n, m), dtype=np.bool_)
    ineligible: dict[int, tuple[UnplacedCode, str, dict[str, Any]]] = {}
    for iv in np.flatnonzero(unknown_voucher):
        i = int(iv)
        ineligible[i] = (
            UnplacedCode.UNKNOWN_VOUCHER,
            f"voucher pool {jobs[i].voucher_pool!r} is unknown",
            {"voucher_pool": jobs[i].voucher_pool},
        )
    eligible[unknown_voucher] = False
    for code, ok in stages:
        previous = eligible.copy()
        eligible &= ok
        emptied = np.flatnonzero(previous.any(axis=1) & ~eligible.any(axis=1))
        for ie in emptied:
            i = int(ie)
            row = previous[i]
            paid = np.where(row, cost[i] - subsidy[i], np.inf)
            waits = np.where(row, wait, np.inf)
            ineligible[i] = (code, *_ineligible_message(code, jobs[i], pools, row, paid, waits))

    weights = np.array(
        [(j.preferences.cost, j.preferences.carbon, j.preferences.latency, j.preferences.wait) for j in jobs],
        dtype=np.float64,
    ).reshape(n, 4)
    wait_m = np.broadcast_to(wait[None, :], (n, m))
    score = (
        weights[:, 0:1] * cost / _scale(cost, eligible)
        + weights[:, 1:2] * carbon / _scale(carbon, eligible)
        + weights[:, 2:3] * latency / _scale(latency, eligible)
        + weights[:, 3:4] * wait_m / _scale(np.asarray(wait_m, dtype=np.float64), eligible)
    )
    score = np.where(eligible, score, np.inf)
    # Per job, one unit above its worst eligible placement: placing a job always lowers the objective, so
    # the solver serves every job it can.  A single batch-wide constant would have to exceed the largest
    # job's score, which lets the LP relaxation gain a lot by spreading big jobs over fractions of pools and
    # so loosens the bound without changing which placements are preferred.
    worst = np.where(eligible, score, -np.inf).max(axis=1) if m else np.zeros(n)
    penalty = np.where(np.isfinite(worst), worst, 0.0) + 1.0

    return Compiled(
        jobs=jobs,
        pools=pools,
        centres=centres,
        voucher_ids=voucher_ids,
        eligible=eligible,
        score=score,
        cost=cost,
        subsidy=subsidy,
        carbon=carbon,
        latency=np.asarray(latency, dtype=np.float64),
        cards=cards,
        capacity=capacity,
        voucher_index=voucher_index,
        voucher_limit=np.array([float(v.limit_cny) for v in vouchers], dtype=np.float64),
        penalty=penalty,
        ineligible=ineligible,
    )


def _ineligible_message(
    code: UnplacedCode, job: Job, pools: Sequence[Pool], row: BoolArray, paid: FloatArray, wait: FloatArray
) -> tuple[str, dict[str, Any]]:
    """The English sentence and the facts for a job whose candidate set the `code` filter emptied; `row` marks
    the pools that were still candidates before it."""
    if code is UnplacedCode.NO_MODEL:
        models = ", ".join(sorted(job.accepted_models)) or "any"
        return (
            f"no pool offers an accepted accelerator model ({models})",
            {"models": sorted(job.accepted_models)},
        )
    if code is UnplacedCode.RESIDENCY:
        params: dict[str, Any] = {
            "level": None if job.residency is None else job.residency.level.value,
            "region": None if job.residency is None else job.residency.region,
            "home_country": job.home_country,
            "cross_border_allowed": job.cross_border_allowed,
        }
        if job.residency is not None:
            return (
                f"no pool with an accepted model lies in {job.residency.level.value} {job.residency.region}"
                + ("" if job.cross_border_allowed else f" inside {job.home_country}"),
                params,
            )
        return (
            f"no pool with an accepted model lies inside {job.home_country} "
            "and cross-border use is not allowed",
            params,
        )
    if code is UnplacedCode.TOO_LARGE:
        biggest = max((p.cards for p, ok in zip(pools, row, strict=True) if ok), default=0)
        return (
            f"job needs {job.cards} cards; the largest compatible pool has at most {biggest}",
            {"cards": job.cards, "largest_cards": biggest},
        )
    if code is UnplacedCode.OVER_BUDGET:
        finite = paid[np.isfinite(paid)]
        cheapest = float(finite.min()) if finite.size else float("nan")
        return (
            f"cheapest remaining pool costs {cheapest:.2f} CNY after subsidy, "
            f"above the budget {job.budget_cny} CNY",
            {
                "cheapest_paid_cny": str(to_cny(cheapest)) if finite.size else None,
                "budget_cny": None if job.budget_cny is None else str(to_cny(job.budget_cny)),
            },
        )
    finite_wait = wait[np.isfinite(wait)]
    shortest = float(finite_wait.min()) if finite_wait.size else 0.0
    return (
        f"queue wait {shortest:.2f} h + run {job.hours:.2f} h exceeds the deadline {job.deadline_hours} h "
        "in every remaining pool",
        {"shortest_wait_hours": round(shortest, 2), "hours": round(job.hours, 2),
         "deadline_hours": job.deadline_hours},
    )
