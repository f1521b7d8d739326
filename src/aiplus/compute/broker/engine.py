"""Batch placement of jobs onto (centre, pool) pairs as a MILP solved by HiGHS (scipy.optimize.milp).

Formulation (Gavel/Sia-style assignment, see shared/reference/compute.md §6.1):

    min  Σ_{j,p} s_jp x_jp + M Σ_j (1 - Σ_p x_jp)
    s.t. Σ_p x_jp <= 1                       each job at most once
         Σ_j cards_j x_jp <= free_p           pool capacity
         Σ_{j in v} subsidy_jp x_jp <= rem_v   voucher-pool spend
         x_jp in {0,1}, only for eligible pairs (model, residency, border, size, budget, deadline)

Every solve also reports a lower bound, so the objective can be read against the physical limit.  For small
batches the bound is the exact LP relaxation.  Large batches are solved in rolling windows; their bound is a
Lagrangian dual bound of the *whole* batch (valid for any non-negative multipliers by weak duality), with
multipliers taken from the LP duals of a capacity-scaled sample and refined by subgradient steps.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .compile import BoolArray, Compiled, FloatArray, IntArray, compile_problem
from .greedy import greedy_assign
from .model import (
    BrokerResult,
    Centre,
    Explanation,
    Job,
    Placement,
    PlacementCode,
    Pool,
    SolveStats,
    Unplaced,
    UnplacedCode,
    VoucherPool,
    to_cny,
)


@dataclass(frozen=True)
class BrokerOptions:
    time_limit_s: float = 60.0
    # Pairs (eligible job x pool) above which the batch is solved in rolling windows.
    exact_pairs_limit: int = 40_000
    window_jobs: int = 1_000
    mip_rel_gap: float = 2e-3
    # Shadow prices of capacity from the LP sample steer each window towards the global optimum.
    price_guided_windows: bool = True
    sample_jobs: int = 2_000
    subgradient_steps: int = 40
    # Up to this many pairs the global LP relaxation is solved: it is the bound, and its solution splits
    # pool capacity between windows so each window gets the share the global optimum would give it.
    lp_pairs_limit: int = 4_000_000
    lp_guided_windows: bool = True
    # Dispatchers that re-solve every few minutes can skip the bound; reports then carry NaN.
    compute_bound: bool = True
    seed: int = 0


@dataclass
class _Sub:
    """The MILP/LP over a subset of jobs against given remaining capacity and voucher budgets."""

    rows: IntArray
    pair_job: IntArray
    pair_pool: IntArray
    c: FloatArray
    a: sparse.csr_array
    ub: FloatArray


def _build(
    prob: Compiled, rows: IntArray, capacity: FloatArray, vrem: FloatArray, extra: FloatArray | None = None
) -> _Sub:
    elig = prob.eligible[rows]
    local_job, pair_pool = np.nonzero(elig)
    pair_job = rows[local_job]
    k, m, v = len(rows), len(prob.pools), len(prob.voucher_ids)
    c = prob.score[pair_job, pair_pool] - prob.penalty[pair_job]
    if extra is not None:
        c = c + extra[pair_job, pair_pool] if extra.ndim == 2 else c + extra[pair_pool] * prob.cards[pair_job]
    npairs = len(pair_job)
    idx = np.arange(npairs)
    row_i = [local_job, k + pair_pool]
    col_i = [idx, idx]
    data = [np.ones(npairs), prob.cards[pair_job]]
    vi = prob.voucher_index[pair_job]
    has_v = vi >= 0
    if v and has_v.any():
        row_i.append(k + m + vi[has_v])
        col_i.append(idx[has_v])
        data.append(prob.subsidy[pair_job[has_v], pair_pool[has_v]])
    a = sparse.csr_array(
        (np.concatenate(data), (np.concatenate(row_i), np.concatenate(col_i))), shape=(k + m + v, npairs)
    )
    ub = np.concatenate([np.ones(k), capacity, vrem])
    return _Sub(rows, pair_job, pair_pool, c, a, ub)


def _solve_milp(sub: _Sub, time_limit: float, gap: float) -> tuple[IntArray | None, str]:
    if len(sub.c) == 0:
        return np.zeros(0, dtype=np.int64), "optimal"
    res = milp(
        sub.c,
        constraints=LinearConstraint(sub.a, -np.inf, sub.ub),
        integrality=np.ones(len(sub.c)),
        bounds=Bounds(0, 1),
        options={"time_limit": max(time_limit, 0.05), "mip_rel_gap": gap, "presolve": True},
    )
    if res.x is None:
        return None, "no_solution"
    chosen = np.flatnonzero(res.x > 0.5)
    status = "optimal" if res.status == 0 else "time_limit"
    return chosen.astype(np.int64), status


def _solve_lp(sub: _Sub) -> tuple[float, FloatArray, FloatArray] | None:
    """Returns (LP objective over this sub-problem, LP solution, pool and voucher row duals) or None."""
    if len(sub.c) == 0:
        return 0.0, np.zeros(0), np.zeros(sub.a.shape[0] - len(sub.rows))
    res = linprog(sub.c, A_ub=sub.a, b_ub=sub.ub, bounds=(0, 1), method="highs")
    if res.status != 0:
        return None
    marg = -np.asarray(res.ineqlin.marginals, dtype=np.float64)
    duals = np.maximum(marg[len(sub.rows) :], 0.0)
    return float(res.fun), np.asarray(res.x, dtype=np.float64), duals


def lagrangian_bound(
    prob: Compiled, rows: IntArray, lam: FloatArray, mu: FloatArray
) -> tuple[float, IntArray]:
    """Weak-duality bound over `rows` for capacity prices lam >= 0 and voucher prices mu >= 0.

    Returns the bound (penalty-inclusive, same scale as the objective) and each job's minimising pool
    (-1: none).
    """
    m = len(prob.pools)
    score = prob.score[rows] - prob.penalty[rows, None] + lam[None, :m] * prob.cards[rows, None]
    vi = prob.voucher_index[rows]
    if len(mu):
        vj = np.where(vi >= 0, vi, 0)
        score = score + np.where(vi[:, None] >= 0, mu[vj][:, None] * prob.subsidy[rows], 0.0)
    score = np.where(prob.eligible[rows], score, np.inf)
    best = score.min(axis=1) if score.shape[1] else np.full(len(rows), np.inf)
    arg = np.where(best < 0, score.argmin(axis=1) if score.shape[1] else -1, -1)
    value = float(np.minimum(best, 0.0).sum()) + float(prob.penalty[rows].sum())
    value -= float(lam @ prob.capacity) + float(mu @ prob.voucher_limit)
    return value, arg.astype(np.int64)


def _subgradient(
    prob: Compiled, rows: IntArray, lam: FloatArray, mu: FloatArray, steps: int, target: float
) -> tuple[float, str]:
    """Polyak subgradient ascent on the Lagrangian dual; keeps the best (largest) bound seen."""
    best = -np.inf
    theta, stall = 1.0, 0
    for _ in range(steps + 1):
        value, arg = lagrangian_bound(prob, rows, lam, mu)
        if value > best + 1e-9:
            best, stall = value, 0
        else:
            stall += 1
            if stall >= 4:
                theta, stall = theta / 2, 0
        placed = arg >= 0
        used = np.bincount(arg[placed], weights=prob.cards[rows][placed], minlength=len(prob.pools))
        g_lam = used - prob.capacity
        g_mu = np.zeros(len(mu))
        if len(mu):
            vi = prob.voucher_index[rows]
            sel = placed & (vi >= 0)
            spend = prob.subsidy[rows[sel], arg[sel]]
            g_mu = np.bincount(vi[sel], weights=spend, minlength=len(mu)) - prob.voucher_limit
        norm = float(g_lam @ g_lam + g_mu @ g_mu)
        if norm <= 1e-12:
            break
        step = theta * max(target - value, 1e-6) / norm
        lam = np.maximum(lam + step * g_lam, 0.0)
        mu = np.maximum(mu + step * g_mu, 0.0)
    return best, "lagrangian"


def _objective(prob: Compiled, rows: IntArray, assign: IntArray) -> float:
    placed = assign >= 0
    return float(prob.score[rows[placed], assign[placed]].sum()) + float(prob.penalty[rows[~placed]].sum())


def solve(
    jobs: Sequence[Job],
    pools: Sequence[Pool],
    centres: Mapping[str, Centre] | Sequence[Centre],
    vouchers: Sequence[VoucherPool] = (),
    options: BrokerOptions | None = None,
    method: str = "milp",
) -> BrokerResult:
    """Places a batch of jobs. `method` is "milp" (default) or "greedy" (the heuristic baseline)."""
    opts = options or BrokerOptions()
    centre_map = centres if isinstance(centres, Mapping) else {c.id: c for c in centres}
    t0 = time.perf_counter()
    prob = compile_problem(jobs, pools, centre_map, vouchers)
    rows = np.flatnonzero(prob.placeable).astype(np.int64)
    assign_all = np.full(len(jobs), -1, dtype=np.int64)
    npairs = int(prob.eligible[rows].sum())

    status = "optimal"
    used_method = method
    windows = 1
    bound = float("nan")
    bound_method = "none"
    bound_seconds = 0.0
    if method == "greedy":
        assign = greedy_assign(prob, rows, prob.capacity.copy(), prob.voucher_limit.copy())
        status = "heuristic"
        solve_seconds = time.perf_counter() - t0
        if opts.compute_bound:
            tb = time.perf_counter()
            bound, bound_method = _bound(prob, rows, npairs, opts, _objective(prob, rows, assign))
            bound_seconds = time.perf_counter() - tb
    elif (uncoupled := _uncoupled(prob, rows)) is not None:
        # Every job's best pool fits with all the others': that assignment is optimal, no search needed.
        assign, status, used_method = uncoupled, "optimal", "uncoupled"
        solve_seconds = time.perf_counter() - t0
        bound, bound_method = _objective(prob, rows, assign), "exact"
    elif npairs <= opts.exact_pairs_limit:
        sub = _build(prob, rows, prob.capacity, prob.voucher_limit)
        chosen, status = _solve_milp(sub, opts.time_limit_s - (time.perf_counter() - t0), opts.mip_rel_gap)
        assign = np.full(len(rows), -1, dtype=np.int64)
        if chosen is None:
            assign = greedy_assign(prob, rows, prob.capacity.copy(), prob.voucher_limit.copy())
            status, used_method = "time_limit", "greedy_fallback"
        else:
            pos = np.searchsorted(rows, sub.pair_job[chosen])
            assign[pos] = sub.pair_pool[chosen]
        solve_seconds = time.perf_counter() - t0
        tb = time.perf_counter()
        lp = _solve_lp(sub) if opts.compute_bound else None
        if lp is not None:
            bound, bound_method = lp[0] + float(prob.penalty[rows].sum()), "lp_relaxation"
        bound_seconds = time.perf_counter() - tb
    else:
        shares: tuple[FloatArray, FloatArray] | None = None
        lp = None
        if npairs <= opts.lp_pairs_limit:
            full = _build(prob, rows, prob.capacity, prob.voucher_limit)
            lp = _solve_lp(full)
        if lp is not None:
            m = len(prob.pools)
            lam, mu = lp[2][:m], lp[2][m:]
            shares = _lp_shares(prob, full, lp[1]) if opts.lp_guided_windows else None
            bound, bound_method = lp[0] + float(prob.penalty[rows].sum()), "lp_relaxation"
        else:
            lam, mu = _sample_duals(prob, rows, opts)
        guide = opts.price_guided_windows and shares is None
        assign, status, used_method, windows = _windows(
            prob, rows, lam if guide else None, mu if guide else None, shares, opts, t0
        )
        solve_seconds = time.perf_counter() - t0
        if lp is None:
            tb = time.perf_counter()
            bound, bound_method = _subgradient(
                prob, rows, lam, mu, opts.subgradient_steps, _objective(prob, rows, assign)
            )
            bound_seconds = time.perf_counter() - tb
        used_method = f"lp_fix+{used_method}_windows" if shares is not None else f"{used_method}_windows"

    assign_all[rows] = assign
    objective = _objective(prob, rows, assign)
    # The bound can never exceed the objective of a feasible point; clip float noise from the LP tolerance.
    if np.isfinite(bound):
        bound = min(bound, objective)
    gap = 100.0 * (objective - bound) / max(abs(objective), 1e-9) if np.isfinite(bound) else float("nan")
    stats = SolveStats(
        objective=objective,
        bound=bound,
        gap_pct=gap,
        solve_seconds=solve_seconds,
        bound_seconds=bound_seconds,
        status=status,
        method=used_method,
        windows=windows,
        bound_method=bound_method,
    )
    return _explain(prob, assign_all, stats)


def _uncoupled(prob: Compiled, rows: IntArray) -> IntArray | None:
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    best = prob.score[rows].argmin(axis=1)
    used = np.bincount(best, weights=prob.cards[rows], minlength=len(prob.pools))
    if (used > prob.capacity + 1e-9).any():
        return None
    vi = prob.voucher_index[rows]
    sel = vi >= 0
    if sel.any():
        spend = np.bincount(
            vi[sel], weights=prob.subsidy[rows[sel], best[sel]], minlength=len(prob.voucher_ids)
        )
        if (spend > prob.voucher_limit + 1e-9).any():
            return None
    return best.astype(np.int64)


def _bound(
    prob: Compiled, rows: IntArray, npairs: int, opts: BrokerOptions, target: float
) -> tuple[float, str]:
    if npairs <= opts.lp_pairs_limit:
        lp = _solve_lp(_build(prob, rows, prob.capacity, prob.voucher_limit))
        if lp is not None:
            return lp[0] + float(prob.penalty[rows].sum()), "lp_relaxation"
    lam, mu = _sample_duals(prob, rows, opts)
    return _subgradient(prob, rows, lam, mu, opts.subgradient_steps, target)


def _sample_duals(prob: Compiled, rows: IntArray, opts: BrokerOptions) -> tuple[FloatArray, FloatArray]:
    """Capacity and voucher prices from the LP over a random sample with proportionally scaled resources.

    Any non-negative prices give a valid bound; a representative sample gives prices close to the optimum's.
    """
    m, v = len(prob.pools), len(prob.voucher_ids)
    if len(rows) == 0:
        return np.zeros(m), np.zeros(v)
    rng = np.random.default_rng(opts.seed)
    k = min(len(rows), opts.sample_jobs)
    sample = np.sort(rng.choice(rows, size=k, replace=False))
    frac = k / len(rows)
    sub = _build(prob, sample, prob.capacity * frac, prob.voucher_limit * frac)
    lp = _solve_lp(sub)
    if lp is None:
        return np.zeros(m), np.zeros(v)
    duals = lp[2]
    return duals[:m].copy(), duals[m : m + v].copy()


def _lp_shares(prob: Compiled, sub: _Sub, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per (job, pool) card use and per (job, voucher) spend of the global LP solution, as dense job rows."""
    n, m, v = len(prob.jobs), len(prob.pools), len(prob.voucher_ids)
    cards_share = np.zeros((n, m))
    np.add.at(cards_share, (sub.pair_job, sub.pair_pool), x * prob.cards[sub.pair_job])
    spend_share = np.zeros((n, max(v, 1)))
    vi = prob.voucher_index[sub.pair_job]
    sel = vi >= 0
    np.add.at(
        spend_share,
        (sub.pair_job[sel], vi[sel]),
        x[sel] * prob.subsidy[sub.pair_job[sel], sub.pair_pool[sel]],
    )
    return cards_share, spend_share[:, :v]


def _windows(
    prob: Compiled,
    rows: IntArray,
    lam: FloatArray | None,
    mu: FloatArray | None,
    shares: tuple[FloatArray, FloatArray] | None,
    opts: BrokerOptions,
    t0: float,
) -> tuple[IntArray, str, str, int]:
    capacity = prob.capacity.copy()
    vrem = prob.voucher_limit.copy()
    assign = np.full(len(rows), -1, dtype=np.int64)
    chunks = [
        np.arange(s, min(s + opts.window_jobs, len(rows))) for s in range(0, len(rows), opts.window_jobs)
    ]
    status, method = "optimal", "milp"
    extra: FloatArray | None = None
    if lam is not None:
        extra = lam[None, :] * prob.cards[:, None]
        if mu is not None and len(mu):
            vi = prob.voucher_index
            extra = extra + np.where(vi[:, None] >= 0, mu[np.maximum(vi, 0)][:, None] * prob.subsidy, 0.0)
    if shares is not None:
        # Jobs the global LP places whole are kept where it put them (the LP is feasible, so these fit
        # together); only fractional and LP-unplaced jobs go through the window MILPs, against what is left.
        whole = shares[0][rows] >= prob.cards[rows, None] - 1e-6
        fixed = np.flatnonzero(whole.any(axis=1))
        assign[fixed] = whole[fixed].argmax(axis=1)
        np.subtract.at(capacity, assign[fixed], prob.cards[rows[fixed]])
        vi = prob.voucher_index[rows[fixed]]
        sel = vi >= 0
        np.subtract.at(vrem, vi[sel], prob.subsidy[rows[fixed][sel], assign[fixed][sel]])
        capacity = np.maximum(capacity, 0.0)
        vrem = np.maximum(vrem, 0.0)
        rest = np.flatnonzero(assign < 0)
        chunks = [rest[s : s + opts.window_jobs] for s in range(0, len(rest), opts.window_jobs)]
    for w, chunk in enumerate(chunks):
        sub_rows = rows[chunk]
        left = opts.time_limit_s - (time.perf_counter() - t0)
        per_window = left / (len(chunks) - w)
        chosen: IntArray | None = None
        if per_window > 0.05:
            sub = _build(prob, sub_rows, capacity, vrem, extra)
            chosen, st = _solve_milp(sub, per_window, opts.mip_rel_gap)
            if st != "optimal":
                status = "time_limit"
        if chosen is None:
            local = greedy_assign(prob, sub_rows, capacity, vrem)
            status, method = "time_limit", "milp+greedy_fallback"
        else:
            local = np.full(len(sub_rows), -1, dtype=np.int64)
            pos = np.searchsorted(sub_rows, sub.pair_job[chosen])
            local[pos] = sub.pair_pool[chosen]
            placed = local >= 0
            np.subtract.at(capacity, local[placed], prob.cards[sub_rows[placed]])
            vi = prob.voucher_index[sub_rows]
            sel = placed & (vi >= 0)
            np.subtract.at(vrem, vi[sel], prob.subsidy[sub_rows[sel], local[sel]])
        assign[chunk] = local
    return assign, status, method, len(chunks)


def _explain(prob: Compiled, assign: IntArray, stats: SolveStats) -> BrokerResult:
    placements: list[Placement] = []
    unplaced: list[Unplaced] = []
    used = np.zeros(len(prob.pools))
    spent = np.zeros(len(prob.voucher_ids))
    for i in range(len(prob.jobs)):
        p = int(assign[i])
        if p >= 0:
            used[p] += prob.cards[i]
            if prob.voucher_index[i] >= 0:
                spent[prob.voucher_index[i]] += prob.subsidy[i, p]
    for i, job in enumerate(prob.jobs):
        p = int(assign[i])
        if p < 0:
            unplaced.append(_unplaced(prob, i, used, spent))
            continue
        pool = prob.pools[p]
        cost = to_cny(prob.cost[i, p])
        subsidy = to_cny(prob.subsidy[i, p])
        elig = prob.eligible[i]
        eligible_pools = int(elig.sum())
        cheapest = float(prob.cost[i][elig].min())
        greenest = float(prob.carbon[i][elig].min())
        nearest = float(prob.latency[i][elig].min())
        prefs = job.preferences
        weights = f"cost {prefs.cost:g}, carbon {prefs.carbon:g}, latency {prefs.latency:g}, wait {prefs.wait:g}"
        among = f"among {eligible_pools} eligible pools"
        if eligible_pools == 1:
            code, why = PlacementCode.ONLY_ELIGIBLE, "the only eligible pool"
        elif prob.score[i, p] <= float(prob.score[i][elig].min()) + 1e-9:
            code, why = PlacementCode.BEST_SCORE, f"best weighted score ({weights}) {among}"
        else:
            code, why = PlacementCode.BEST_FOR_BATCH, f"best total weighted score ({weights}) for the batch {among}"
        card_hours = job.cards * job.hours
        reason = (
            f"{pool.id} ({pool.accelerator_model} at {pool.centre_id}): cost {cost} CNY for "
            f"{card_hours:.1f} card-h at {pool.price_cny_per_card_hour} CNY/card-h "
            f"(cheapest eligible {cheapest:.2f}), carbon {prob.carbon[i, p]:.1f} kg (lowest {greenest:.1f}), "
            f"latency {prob.latency[i, p]:.0f} ms (lowest {nearest:.0f}); {why}"
        )
        facts = Explanation(
            code.value,
            {
                "pool_id": pool.id,
                "accelerator_model": pool.accelerator_model,
                "centre_id": pool.centre_id,
                "cost_cny": str(cost),
                "card_hours": round(float(card_hours), 4),
                "price_cny_per_card_hour": str(to_cny(pool.price_cny_per_card_hour)),
                "cheapest_cny": str(to_cny(cheapest)),
                "carbon_kg": round(float(prob.carbon[i, p]), 3),
                "lowest_carbon_kg": round(greenest, 3),
                "latency_ms": round(float(prob.latency[i, p]), 2),
                "lowest_latency_ms": round(nearest, 2),
                "weights": {"cost": prefs.cost, "carbon": prefs.carbon, "latency": prefs.latency, "wait": prefs.wait},
                "eligible_pools": eligible_pools,
            },
        )
        placements.append(
            Placement(
                job_id=job.id,
                pool_id=pool.id,
                centre_id=pool.centre_id,
                cost_cny=cost,
                subsidy_cny=subsidy,
                paid_cny=cost - subsidy,
                carbon_kg=float(prob.carbon[i, p]),
                latency_ms=float(prob.latency[i, p]),
                reason=reason,
                explanation=facts,
            )
        )
    return BrokerResult(tuple(placements), tuple(unplaced), stats)


def _unplaced(prob: Compiled, i: int, used: FloatArray, spent: FloatArray) -> Unplaced:
    job = prob.jobs[i]
    if i in prob.ineligible:
        code, msg, params = prob.ineligible[i]
        return Unplaced(job.id, code, msg, params)
    elig: BoolArray = prob.eligible[i]
    free = prob.capacity - used
    fits = elig & (free >= prob.cards[i])
    vi = int(prob.voucher_index[i])
    if fits.any() and vi >= 0:
        left = float(prob.voucher_limit[vi] - spent[vi])
        need = float(prob.subsidy[i][fits].min())
        if need > left + 1e-9:
            return Unplaced(
                job.id,
                UnplacedCode.VOUCHER,
                f"voucher pool {job.voucher_pool} has {left:.2f} CNY left; the smallest subsidy this job "
                f"needs in a pool with free cards is {need:.2f} CNY",
                {"voucher_pool": job.voucher_pool, "left_cny": str(to_cny(left)), "needed_cny": str(to_cny(need))},
            )
    most = float(free[elig].max()) if elig.any() else 0.0
    return Unplaced(
        job.id,
        UnplacedCode.CAPACITY,
        f"all {int(elig.sum())} eligible pools are taken by other jobs of the batch: "
        f"needs {job.cards} cards, "
        f"at most {most:.0f} left in any eligible pool",
        {"eligible_pools": int(elig.sum()), "cards": job.cards, "most_free_cards": max(int(most), 0)},
    )
