from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import numpy as np
import pytest

from aiplus.compute.broker import (
    BrokerOptions,
    Centre,
    Job,
    Pool,
    RegionLevel,
    Residency,
    UnplacedCode,
    VoucherPool,
    solve,
)
from aiplus.compute.broker.synthetic import generate

CENTRES = (
    Centre("sz", "suzhou", "jiangsu", "CN", 1.3, 0.2, 0.58, {"suzhou": 2.0}),
    Centre("gz", "guangzhou", "guangdong", "CN", 1.3, 0.2, 0.58),
    Centre("sg", "singapore", "singapore", "SG", 1.2, 0.3, 0.4),
)


def pool(
    pid: str,
    centre: str,
    model: str = "A100",
    free: int = 8,
    price: str = "10",
    domestic: bool = False,
    wait: float = 0.0,
) -> Pool:
    return Pool(pid, centre, model, domestic, 16, 80, Decimal(price), free, wait)


def job(jid: str, **kw: object) -> Job:
    base: dict[str, object] = {"accepted_models": frozenset({"A100"}), "cards": 4, "hours": 2.0}
    base.update(kw)
    return Job(jid, **base)  # type: ignore[arg-type]


def check_feasible(result, jobs, pools, vouchers=()):  # type: ignore[no-untyped-def]
    by_pool = {p.id: p for p in pools}
    by_job = {j.id: j for j in jobs}
    used: dict[str, int] = defaultdict(int)
    spent: dict[str, Decimal] = defaultdict(Decimal)
    centres = {c.id: c for c in CENTRES}
    for pl in result.placements:
        j, p = by_job[pl.job_id], by_pool[pl.pool_id]
        used[p.id] += j.cards
        assert p.accelerator_model in j.accepted_models or not j.accepted_models
        c = centres.get(p.centre_id)
        if c is not None and not j.cross_border_allowed:
            assert c.country == j.home_country
        if j.voucher_pool:
            spent[j.voucher_pool] += pl.subsidy_cny
        if j.budget_cny is not None:
            assert pl.paid_cny <= j.budget_cny + Decimal("0.01")
    for pid, n in used.items():
        assert n <= by_pool[pid].available_cards
    for v in vouchers:
        assert spent[v.id] <= v.limit_cny + Decimal("0.05")
    assert len(result.placements) + len(result.unplaced) == len(jobs)
    for u in result.unplaced:
        assert u.message


def test_capacity_and_unplaced_reason() -> None:
    pools = [pool("a", "sz", free=8)]
    jobs = [job(f"j{i}") for i in range(3)]
    r = solve(jobs, pools, CENTRES)
    check_feasible(r, jobs, pools)
    assert len(r.placements) == 2
    assert r.unplaced[0].code is UnplacedCode.CAPACITY


def test_border_never_crossed_without_permission() -> None:
    pools = [pool("cheap-sg", "sg", price="1"), pool("dear-gz", "gz", price="50")]
    stay = job("stay")
    go = job("go", cross_border_allowed=True)
    r = solve([stay, go], pools, CENTRES)
    where = {p.job_id: p.pool_id for p in r.placements}
    assert where == {"stay": "dear-gz", "go": "cheap-sg"}
    only_abroad = solve([job("x")], [pool("cheap-sg", "sg")], CENTRES)
    assert only_abroad.unplaced[0].code is UnplacedCode.RESIDENCY


def test_residency_model_budget_deadline_reasons() -> None:
    pools = [pool("a", "gz", price="10", wait=5.0)]
    jobs = [
        job("city", residency=Residency("suzhou", RegionLevel.CITY)),
        job("model", accepted_models=frozenset({"Ascend910B"})),
        job("budget", budget_cny=Decimal("10")),
        job("deadline", deadline_hours=4.0),
        job("ok", residency=Residency("guangdong", RegionLevel.PROVINCE)),
    ]
    r = solve(jobs, pools, CENTRES)
    codes = {u.job_id: u.code for u in r.unplaced}
    assert codes == {
        "city": UnplacedCode.RESIDENCY,
        "model": UnplacedCode.NO_MODEL,
        "budget": UnplacedCode.OVER_BUDGET,
        "deadline": UnplacedCode.DEADLINE,
    }
    assert [p.job_id for p in r.placements] == ["ok"]
    placed = r.placements[0]
    assert placed.cost_cny == Decimal("80.00") and placed.cost_cny.as_tuple().exponent == -2
    assert "cost 80.00 CNY" in placed.reason


def test_voucher_limit() -> None:
    v = VoucherPool("v", Decimal("20"), rate=Decimal("0.2"), domestic_rate=Decimal("0.3"))
    pools = [pool("a", "sz", free=16)]
    jobs = [job(f"j{i}", voucher_pool="v") for i in range(3)]  # each: cost 80, subsidy 16
    r = solve(jobs, pools, CENTRES, [v])
    check_feasible(r, jobs, pools, [v])
    assert len(r.placements) == 1
    assert {u.code for u in r.unplaced} == {UnplacedCode.VOUCHER}


@pytest.mark.parametrize("method", ["milp", "greedy"])
def test_random_batch_feasible_and_bounded(method: str) -> None:
    inst = generate(300, 20, seed=3, load=0.9)
    r = solve(inst.jobs, inst.pools, inst.centres, inst.vouchers, method=method)
    by_pool = {p.id: p for p in inst.pools}
    by_job = {j.id: j for j in inst.jobs}
    centres = {c.id: c for c in inst.centres}
    used: dict[str, int] = defaultdict(int)
    for pl in r.placements:
        j, p = by_job[pl.job_id], by_pool[pl.pool_id]
        used[p.id] += j.cards
        assert p.accelerator_model in j.accepted_models
        assert j.cross_border_allowed or centres[p.centre_id].country == j.home_country
        if j.residency is not None:
            assert centres[p.centre_id].region(j.residency.level) == j.residency.region
    assert all(n <= by_pool[k].available_cards for k, n in used.items())
    assert len(r.placements) + len(r.unplaced) == len(inst.jobs)
    assert all(u.code and u.message for u in r.unplaced)
    s = r.stats
    assert s.bound <= s.objective + 1e-9
    assert s.gap_pct >= 0


def test_windowed_mode_bound_is_valid() -> None:
    inst = generate(600, 15, seed=5, load=0.9)
    opts = BrokerOptions(exact_pairs_limit=10, window_jobs=200)
    r = solve(inst.jobs, inst.pools, inst.centres, inst.vouchers, options=opts)
    assert "windows" in r.stats.method
    exact = solve(inst.jobs, inst.pools, inst.centres, inst.vouchers)
    assert r.stats.bound <= exact.stats.objective + 1e-6
    assert r.stats.gap_pct >= 0
    no_lp = solve(
        inst.jobs,
        inst.pools,
        inst.centres,
        inst.vouchers,
        options=BrokerOptions(exact_pairs_limit=10, window_jobs=200, lp_pairs_limit=10),
    )
    assert no_lp.stats.bound_method == "lagrangian"
    assert no_lp.stats.bound <= exact.stats.objective + 1e-6
    assert np.isfinite(no_lp.stats.bound)
