from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

import numpy as np
import pytest
from bench._broker_gen import generate

from aiplus.compute.broker import (
    BrokerOptions,
    Centre,
    Job,
    PlacementCode,
    Pool,
    RegionLevel,
    Residency,
    UnplacedCode,
    VoucherPool,
    solve,
)

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
    assert r.unplaced[0].params == {"eligible_pools": 1, "cards": 4, "most_free_cards": 0}
    assert r.unplaced[0].explanation.as_dict() == {"code": "capacity_exhausted", "params": r.unplaced[0].params}
    assert {p.explanation.code for p in r.placements} == {PlacementCode.ONLY_ELIGIBLE}


def test_border_never_crossed_without_permission() -> None:
    pools = [pool("cheap-sg", "sg", price="1"), pool("dear-gz", "gz", price="50")]
    stay = job("stay")
    go = job("go", cross_border_allowed=True)
    r = solve([stay, go], pools, CENTRES)
    where = {p.job_id: p.pool_id for p in r.placements}
    assert where == {"stay": "dear-gz", "go": "cheap-sg"}
    codes = {p.job_id: p.explanation.code for p in r.placements}
    assert codes == {"stay": PlacementCode.ONLY_ELIGIBLE, "go": PlacementCode.BEST_SCORE}
    only_abroad = solve([job("x")], [pool("cheap-sg", "sg")], CENTRES)
    assert only_abroad.unplaced[0].code is UnplacedCode.RESIDENCY
    assert only_abroad.unplaced[0].params == {
        "level": None, "region": None, "home_country": "CN", "cross_border_allowed": False}


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
    params = {u.job_id: dict(u.params) for u in r.unplaced}
    assert params == {
        "city": {"level": "city", "region": "suzhou", "home_country": "CN", "cross_border_allowed": False},
        "model": {"models": ["Ascend910B"]},
        "budget": {"cheapest_paid_cny": "80.00", "budget_cny": "10.00"},
        "deadline": {"shortest_wait_hours": 5.0, "hours": 2.0, "deadline_hours": 4.0},
    }
    # The facts behind the English sentence: the figures a reader needs, JSON values only.
    assert placed.explanation.code == PlacementCode.ONLY_ELIGIBLE
    carbon = placed.explanation.params["carbon_kg"]
    assert placed.explanation.params == {
        "pool_id": "a", "accelerator_model": "A100", "centre_id": "gz", "cost_cny": "80.00", "card_hours": 8.0,
        "price_cny_per_card_hour": "10.00", "cheapest_cny": "80.00", "carbon_kg": carbon,
        "lowest_carbon_kg": carbon, "latency_ms": 0.0, "lowest_latency_ms": 0.0,
        "weights": {"cost": 1.0, "carbon": 0.0, "latency": 0.0, "wait": 0.0}, "eligible_pools": 1,
    }
    assert placed.explanation.params["carbon_kg"] == round(placed.carbon_kg, 3) > 0
    assert json.loads(json.dumps(placed.explanation.as_dict())) == placed.explanation.as_dict()


def test_placement_facts_name_why_the_pool_was_chosen() -> None:
    # "flex" could take the cheap H100 pool too, but only there can "tied" run: the batch optimum sends flex to
    # its second-best pool, and its facts say so.
    pools = [pool("cheap", "sz", model="H100", free=4, price="1"), pool("dear", "gz", free=4, price="2")]
    jobs = [job("flex", accepted_models=frozenset({"A100", "H100"})),
            job("tied", accepted_models=frozenset({"H100"}))]
    r = solve(jobs, pools, CENTRES)
    facts = {p.job_id: p.explanation for p in r.placements}
    assert facts["tied"].code == PlacementCode.ONLY_ELIGIBLE and facts["tied"].params["pool_id"] == "cheap"
    assert facts["flex"].code == PlacementCode.BEST_FOR_BATCH and facts["flex"].params["pool_id"] == "dear"
    assert facts["flex"].params["cheapest_cny"] == "8.00" and facts["flex"].params["cost_cny"] == "16.00"
    assert facts["flex"].params["eligible_pools"] == 2
    alone = solve([job("flex", accepted_models=frozenset({"A100", "H100"}))], pools, CENTRES).placements[0]
    assert alone.explanation.code == PlacementCode.BEST_SCORE and alone.explanation.params["pool_id"] == "cheap"
    assert "best weighted score" in alone.reason and "for the batch" in r.placements[0].reason


def test_unplaced_facts_for_size_and_unknown_voucher() -> None:
    pools = [pool("a", "sz"), Pool("big", "gz", "H100", False, 64, 80, Decimal("10"), 64)]
    r = solve([job("huge", cards=32), job("lost", voucher_pool="nope")], pools, CENTRES)
    params = {u.job_id: (u.code, dict(u.params)) for u in r.unplaced}
    # The largest pool with an accepted model, not the largest pool of the register.
    assert params["huge"] == (UnplacedCode.TOO_LARGE, {"cards": 32, "largest_cards": 16})
    assert "at most 16" in next(u.message for u in r.unplaced if u.job_id == "huge")
    assert params["lost"] == (UnplacedCode.UNKNOWN_VOUCHER, {"voucher_pool": "nope"})


def test_voucher_limit() -> None:
    v = VoucherPool("v", Decimal("20"), rate=Decimal("0.2"), domestic_rate=Decimal("0.3"))
    pools = [pool("a", "sz", free=16)]
    jobs = [job(f"j{i}", voucher_pool="v") for i in range(3)]  # each: cost 80, subsidy 16
    r = solve(jobs, pools, CENTRES, [v])
    check_feasible(r, jobs, pools, [v])
    assert len(r.placements) == 1
    assert {u.code for u in r.unplaced} == {UnplacedCode.VOUCHER}
    left = {"voucher_pool": "v", "left_cny": "4.00", "needed_cny": "16.00"}
    assert [dict(u.params) for u in r.unplaced] == [left, left]


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
    facts = [x.explanation.as_dict() for x in (*r.placements, *r.unplaced)]
    assert json.loads(json.dumps(facts)) == facts  # storable as JSON as they are
    assert {f["code"] for f in facts} <= {*PlacementCode, *UnplacedCode}
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
