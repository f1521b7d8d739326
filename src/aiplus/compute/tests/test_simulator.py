from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiplus.compute.simulator import (
    CentreSpec,
    OpenbNode,
    OpenbPod,
    Simulation,
    TraceJob,
    bounds,
    load_acme,
    load_helios,
    load_openb_nodes,
    load_openb_pods,
    load_pai2020,
    load_philly,
    simulate,
)
from aiplus.compute.simulator.placement import (
    POLICIES,
    Cluster,
    Fragmentation,
    Placer,
    PodClass,
    allocation_curve,
    inflate,
    model_pressure,
    pod_class,
)

CENTRES = (CentreSpec("a", 8, 10.0, 1.3, 0.2), CentreSpec("b", 4, 6.0, 1.1, 0.6))

jobs_strategy = st.lists(
    st.tuples(st.integers(0, 500), st.integers(1, 400), st.sampled_from([1, 2, 4, 8]), st.integers(0, 1)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=25, deadline=None)
@given(
    jobs_strategy,
    st.sampled_from(["fifo", "easy", "sjf"]),
    st.sampled_from(["local-only", "replicate-first-fit", "cheapest", "least-loaded", "broker", "broker-batch"]),
)
def test_conservation_and_no_overallocation(raw, queue, dispatch) -> None:  # type: ignore[no-untyped-def]
    jobs = [TraceJob(f"j{i}", float(t), float(d), g) for i, (t, d, g, _) in enumerate(raw)]
    home = [h for *_, h in raw]
    res = simulate(CENTRES, jobs, home, dispatch=dispatch, queue_policy=queue, broker_window_s=60.0)
    assert not np.isnan(res.finish).any()
    assert np.allclose(res.finish - res.start, res.duration)
    assert (res.start >= res.submit - 1e-9).all()
    for c, spec in enumerate(CENTRES):
        sel = np.flatnonzero(res.centre == c)
        times = sorted({float(t) for t in res.start[sel]})
        for t in times:
            running = sel[(res.start[sel] <= t) & (res.finish[sel] > t)]
            assert res.gpus[running].sum() <= spec.gpus
    b = bounds(CENTRES, jobs)
    assert res.jct.mean() >= b["avg_jct_s"] - 1e-6
    assert res.cost_cny >= b["cost_cny"] - 1e-6


def test_easy_backfill_never_delays_head() -> None:
    centre = (CentreSpec("a", 4, 1.0, 1.0, 0.0),)
    jobs = [
        TraceJob("run", 0.0, 100.0, 3),
        TraceJob("head", 1.0, 50.0, 4),
        TraceJob("short", 2.0, 90.0, 1),  # fits before the head's reserved start at t=100
        TraceJob("long", 3.0, 500.0, 1),  # would delay the head: must wait
    ]
    fifo = simulate(centre, jobs, [0] * 4, queue_policy="fifo")
    easy = simulate(centre, jobs, [0] * 4, queue_policy="easy")
    assert easy.start[1] <= fifo.start[1]
    assert easy.start[1] == 100.0
    assert easy.start[2] == 2.0
    assert easy.start[3] >= 150.0


def test_placement_never_overallocates() -> None:
    nodes = [OpenbNode(f"n{i}", 16000, 65536, 2, "T4" if i % 2 else "V100") for i in range(6)]
    pods = [
        OpenbPod(
            f"p{i}",
            2000,
            4096,
            1 + (i % 3 == 0),
            1000 if i % 3 == 0 else 300,
            frozenset({"T4"}) if i % 5 == 0 else frozenset(),
        )
        for i in range(60)
    ]
    for policy in POLICIES:
        cl = Cluster(nodes)
        placer = Placer(cl, policy, np.random.default_rng(0), [pod_class(p) for p in pods], [1.0] * len(pods))
        for p in pods:
            node = placer.place(pod_class(p))
            if node >= 0 and p.gpu_spec:
                assert nodes[node].model in p.gpu_spec
        assert (cl.gpu >= 0).all() and (cl.cpu >= 0).all() and (cl.mem >= 0).all()
        curve = allocation_curve(nodes, pods, policy, seed=1)
        assert 0.0 <= curve[100] <= curve[130] <= 100.0


def _pod(name: str, cpu: int, num_gpu: int, milli: int) -> OpenbPod:
    return OpenbPod(name, cpu, 1024, num_gpu, milli, frozenset())


def test_typical_pods_keep_the_most_frequent_shapes_and_count_cpu_pods() -> None:
    cl = Cluster([OpenbNode("n0", 16000, 65536, 2, "T4")])
    shapes = [PodClass(4000, 1024, 1, 500, frozenset()), PodClass(2000, 1024, 0, 0, frozenset()),
              PodClass(4000, 2048, 1, 500, frozenset()), PodClass(8000, 1024, 2, 1000, frozenset())]
    # 60 half-GPU pods (two memory sizes: one shape), 35 CPU-only pods, 5 two-GPU pods.
    weights = [30.0, 35.0, 30.0, 5.0]
    fgd = Fragmentation(shapes, weights, cl, popularity=0.95, include_cpu_pods=True)
    assert list(fgd.milli) == [500] and fgd.freq[0] == 60 / 95 and fgd.cpu_only_freq == 35 / 95
    every = Fragmentation(shapes, weights, cl)
    assert sorted(every.num.tolist()) == [1, 2] and every.cpu_only_freq == 0.0
    # A node with 600 and 1000 free milli-GPUs: for the half-GPU shape nothing is fragmented, for the two-GPU
    # shape everything is (it cannot run); CPU-only pods can never use the 1600 idle milli-GPUs.
    model, cpu, gpu = np.array([0]), np.array([16000]), np.array([[600, 1000, 0, 0, 0, 0, 0, 0]])
    assert np.isclose(fgd.amount(model, cpu, gpu)[0], 35 / 95 * 1600)
    assert np.isclose(every.amount(model, cpu, gpu)[0], 5 / 65 * 1600)


def test_inflate_keeps_the_trace_then_appends_resampled_pods() -> None:
    pods = [_pod(f"p{i}", 1000, 1, 1000) for i in range(10)]
    out = inflate(pods, capacity_milli=8000, load=1.3, rng=np.random.default_rng(3))
    assert sorted(p.name for p in out[:10]) == sorted(p.name for p in pods)
    assert sum(p.num_gpu * p.gpu_milli for p in out) == 10_000  # 10.4 GPUs wanted: no room for an 11th
    down = inflate(pods, capacity_milli=4000, load=1.3, rng=np.random.default_rng(3))
    assert len(down) == 5 and len({p.name for p in down}) == 5
    up = inflate(pods, capacity_milli=10_000, load=1.3, rng=np.random.default_rng(3))
    assert sorted(p.name for p in up[:10]) == sorted(p.name for p in pods) and len(up) == 13


def test_fgd_and_aiplus_prefer_the_gpu_that_a_share_fits_tightly() -> None:
    nodes = [OpenbNode("n0", 64000, 262144, 2, "T4"), OpenbNode("n1", 64000, 262144, 2, "T4")]
    shapes = [PodClass(1000, 1024, 1, 500, frozenset()), PodClass(1000, 1024, 1, 1000, frozenset())]
    for policy in ("FGD", "aiplus"):
        cl = Cluster(nodes)
        cl.gpu[0, 0] = 500  # n0 already holds one half-GPU pod
        placer = Placer(cl, policy, np.random.default_rng(0), shapes, [1.0, 1.0])
        assert placer.place(shapes[0]) == 0
        assert cl.gpu[0, 0] == 0 and cl.gpu[0, 1] == 1000  # the partly used GPU, leaving whole GPUs whole


def test_fgd_breaks_ties_by_a_node_order_drawn_once_from_the_seed() -> None:
    # Twenty identical fresh nodes: every one gives FGD the same integer score, so the tie-break alone decides.
    nodes = [OpenbNode(f"n{i:02d}", 32000, 131072, 2, "T4") for i in range(20)]
    share = PodClass(4000, 8192, 1, 500, frozenset())

    def run(seed: int) -> tuple[list[int], Any]:
        placer = Placer(Cluster(nodes), "FGD", np.random.default_rng(seed), [share], [1.0])
        return [placer.place(share) for _ in range(3)], placer.tie_rank

    chosen, rank = run(7)
    assert sorted(rank) == list(range(20))  # a permutation of the nodes
    assert run(7)[0] == chosen  # the same seed makes the same choices
    assert rank[chosen[0]] == 0  # a tie goes to the first node of the seeded order, not the first name
    assert len({run(seed)[0][0] for seed in range(12)}) > 1  # and the order is drawn per seed
    # The second half-GPU pod completes the GPU the first one opened (a strictly better score, no tie).
    assert chosen[1] == chosen[0]


def test_model_pressure_is_restricted_demand_share_over_capacity_share() -> None:
    # 2 V100 GPUs of 10 (capacity share 0.2); a quarter of the GPU demand may run only on V100 (share 0.25).
    nodes = [OpenbNode("n0", 64000, 262144, 2, "V100"), OpenbNode("n1", 64000, 262144, 8, "T4")]
    cl = Cluster(nodes)
    anywhere = PodClass(1000, 1024, 1, 1000, frozenset())
    v100_only = PodClass(1000, 1024, 1, 1000, frozenset({"V100"}))
    cpu_only = PodClass(1000, 1024, 0, 0, frozenset())
    pressure = model_pressure(cl, [anywhere, v100_only, cpu_only], [3.0, 1.0, 50.0])
    t4, v100 = cl.model_id["T4"], cl.model_id["V100"]
    assert pressure[v100] == pytest.approx(0.25 / 0.2) and pressure[t4] == 0.0
    # A class accepting both models splits its demand by their GPU counts.
    both = PodClass(1000, 1024, 1, 1000, frozenset({"V100", "T4"}))
    split = model_pressure(cl, [both], [1.0])
    assert split[v100] == pytest.approx(1.0) and split[t4] == pytest.approx(1.0)
    assert not model_pressure(cl, [anywhere], [1.0]).any()


def test_aiplus_keeps_pods_that_can_run_anywhere_off_a_model_others_need() -> None:
    # Both nodes are empty and alike but for their model; the V100 node is the tighter fit (fewer GPUs), so
    # packing alone would take it.  With V100-only pods in the workload, aiplus leaves it to them.
    nodes = [OpenbNode("n0", 64000, 262144, 4, "V100"), OpenbNode("n1", 64000, 262144, 8, "T4")]
    anywhere = PodClass(1000, 1024, 1, 1000, frozenset())
    v100_only = PodClass(1000, 1024, 1, 1000, frozenset({"V100"}))
    free = Placer(Cluster(nodes), "aiplus", np.random.default_rng(0), [anywhere], [1.0])
    assert free.place(anywhere) == 0
    reserved = Placer(Cluster(nodes), "aiplus", np.random.default_rng(0), [anywhere, v100_only], [3.0, 1.0])
    assert reserved.place(anywhere) == 1
    assert reserved.place(v100_only) == 0


def test_loaders_parse_tiny_files(tmp_path: Path) -> None:
    (tmp_path / "nodes.csv").write_text(
        "sn,cpu_milli,memory_mib,gpu,model\nn0,32000,1024,0,\nn1,64000,2048,8,G2\n"
    )
    nodes = load_openb_nodes(tmp_path / "nodes.csv")
    assert nodes[1].gpus == 8 and nodes[0].model == ""
    (tmp_path / "pods.csv").write_text(
        "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,"
        "scheduled_time\np0,1000,512,1,460,V100M16|V100M32,LS,Running,0,10,0\np1,1000,512,0,0,,BE,Running,1,2,1\n"
    )
    pods = load_openb_pods(tmp_path / "pods.csv")
    assert pods[0].gpu_spec == frozenset({"V100M16", "V100M32"}) and pods[1].gpu_milli == 0
    (tmp_path / "philly.csv").write_text(
        "timestamp,duration,num_gpus,gpu_time,cluster\n2017-10-09 07:01:55,66.0,1,66.0,a\n"
        "2017-10-09 06:13:03,10.0,2,20.0,b\n"
    )
    ph = load_philly(tmp_path / "philly.csv")
    assert [j.submit_s for j in ph] == [0.0, 2932.0] and ph[0].gpus == 2
    (tmp_path / "pai.csv").write_text(
        "j1,worker,2,Terminated,100,160,600,29,50,V100\nj2,ps,1,Failed,100,160,600,29,100,V100\n"
        "j3,worker,1,Terminated,90,100,600,29,100,T4\n"
    )
    pai = load_pai2020(tmp_path / "pai.csv")
    assert [(j.id, j.submit_s, j.duration_s, j.gpus) for j in pai] == [
        ("j3/worker", 0.0, 10.0, 1),
        ("j1/worker", 10.0, 60.0, 1),
    ]
    (tmp_path / "helios.csv").write_text(
        "job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n"
        "1,u,vcA,8,16,1,COMPLETED,2020-04-01 00:00:00,2020-04-01 00:01:00,2020-04-01 01:01:00,3600,60\n"
        "2,u,vcA,0,16,1,COMPLETED,2020-04-01 00:00:00,2020-04-01 00:01:00,2020-04-01 01:01:00,3600,60\n"
    )
    he = load_helios(tmp_path / "helios.csv")
    assert len(he) == 1 and he[0].gpus == 8 and he[0].group == "vcA"
    (tmp_path / "acme.csv").write_text(
        "job_id,user,node_num,gpu_num,cpu_num,type,state,submit_time,start_time,end_time,duration,queue,gpu_time\n"
        "a,u,1,4,8,pretrain,COMPLETED,1000,1010,1110,,10,400\n"
    )
    ac = load_acme(tmp_path / "acme.csv")
    assert ac[0].duration_s == 100.0 and ac[0].group == "pretrain"


def test_broker_dispatch_runs_and_counts_solves() -> None:
    jobs = [TraceJob(f"j{i}", float(i * 10), 300.0, 2) for i in range(20)]
    sim = Simulation(CENTRES, jobs, [0] * 20, dispatch="broker-batch", broker_window_s=30.0)
    res = sim.run()
    assert res.broker_solves > 0
    assert (res.centre >= 0).all()


def test_allocation_bound_counts_share_waste_and_cpu() -> None:
    from aiplus.compute.simulator.placement_bound import allocation_bound

    one_gpu = [OpenbNode("n0", 16000, 65536, 1, "T4")]
    # Two 810-milli shares cannot share a GPU: at most 81 % of it; 600 + 400 fill it.
    assert abs(allocation_bound(one_gpu, [_pod("a", 1000, 1, 810), _pod("b", 1000, 1, 810)]) - 81.0) < 1e-6
    assert abs(allocation_bound(one_gpu, [_pod("a", 1000, 1, 600), _pod("b", 1000, 1, 400)]) - 100.0) < 1e-6
    # Two whole-GPU pods of 12 cores on two GPUs with 16 cores in all: CPU admits only 16/24 of the demand.
    two = [OpenbNode("n0", 16000, 65536, 2, "T4")]
    assert abs(allocation_bound(two, [_pod("a", 12000, 1, 1000), _pod("b", 12000, 1, 1000)]) - 100 * 16 / 24) < 1e-6
    assert allocation_bound(two, [_pod("c", 4000, 0, 0)]) == 0.0


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.sampled_from([1, 2]), st.sampled_from([200, 350, 500, 810, 1000])),
                min_size=1, max_size=40), st.sampled_from(POLICIES))
def test_no_policy_beats_the_allocation_bound(raw, policy) -> None:  # type: ignore[no-untyped-def]
    from aiplus.compute.simulator.placement_bound import allocation_bounds, node_type_bounds

    nodes = [OpenbNode(f"n{i}", 16000 + 8000 * (i % 2), 65536, 2 + 2 * (i % 2), "T4") for i in range(4)]
    pods = [_pod(f"p{i}", cores * 1000, n if milli == 1000 else 1, milli) for i, (cores, n, milli) in enumerate(raw)]
    for seed in (1, 2):
        curve = allocation_curve(nodes, pods, policy, seed)
        bound = allocation_bounds(nodes, pods, seed)
        node_bound = node_type_bounds(nodes, pods, seed)
        for load in (100, 130):
            assert curve[load] <= node_bound[load] + 1e-6
            assert node_bound[load] <= bound[load] + 1e-6


def test_node_type_bound_respects_models_node_sizes_and_per_type_cpu() -> None:
    from aiplus.compute.simulator.placement_bound import allocation_bound, node_type_bound

    t4, v100 = OpenbNode("n0", 8000, 65536, 1, "T4"), OpenbNode("n1", 8000, 65536, 1, "V100")
    v100_only = [OpenbPod(f"v{i}", 1000, 1024, 1, 1000, frozenset({"V100"})) for i in range(2)]
    # Two V100-only pods, one V100 GPU of two: the pooled bound ignores the model, the node-type one does not.
    assert allocation_bound([t4, v100], v100_only) == pytest.approx(100.0)
    assert node_type_bound([t4, v100], v100_only) == pytest.approx(50.0)
    # A 2-GPU pod cannot span two 1-GPU nodes.
    assert allocation_bound([t4, t4], [_pod("m", 1000, 2, 1000)]) == pytest.approx(100.0)
    assert node_type_bound([t4, t4], [_pod("m", 1000, 2, 1000)]) == 0.0
    # 16-core pods: the 4-core node can hold none, the 32-core node two; pooled CPU (36 cores) would admit 2.25.
    small, large = OpenbNode("s", 4000, 65536, 2, "T4"), OpenbNode("l", 32000, 65536, 2, "T4")
    pods = [_pod(f"p{i}", 16000, 1, 1000) for i in range(4)]
    assert allocation_bound([small, large], pods) == pytest.approx(100 * 2.25 / 4)
    assert node_type_bound([small, large], pods) == pytest.approx(50.0)
    # Pods of 5 of a node's 8 cores need a node each: two of three fit, though the pooled 16 cores hold all three.
    big = OpenbNode("b", 8000, 65536, 4, "T4")
    three = [_pod(f"q{i}", 5000, 1, 1000) for i in range(3)]
    assert allocation_bound([big, big], three) == pytest.approx(100 * 3 / 8)
    assert node_type_bound([big, big], three) == pytest.approx(100 * 2 / 8)


def test_the_broker_trades_time_for_cost_with_its_patience() -> None:
    """Two centres: a cheap one busy with a long job, a dear one free. With no patience the new job starts at once
    at the dear centre; with a patience longer than the busy job it waits for the cheap one; in between it waits
    the patience, then starts at the dear one."""
    cheap, dear = CentreSpec("cheap", 4, 5.0, 1.2, 0.5), CentreSpec("dear", 4, 15.0, 1.2, 0.1)
    jobs = [TraceJob("long", 0.0, 3600.0, 4), TraceJob("new", 10.0, 600.0, 4)]

    def run(patience: float) -> Any:
        return simulate([cheap, dear], jobs, [0, 0], dispatch="broker", broker_patience_s=patience)
    eager, patient, between = run(0.0), run(7200.0), run(600.0)
    assert list(eager.centre) == [0, 1] and eager.start[1] == 10.0
    assert list(patient.centre) == [0, 0] and patient.start[1] == 3600.0
    assert list(between.centre) == [0, 1] and between.start[1] == 610.0
    assert patient.cost_cny < between.cost_cny == eager.cost_cny
    with pytest.raises(ValueError):
        simulate([cheap, dear], jobs, [0, 0], dispatch="broker", broker_patience_s=-1.0)


# The broker's reservation rule. Two centres of 4 GPUs, the cheap one first; at t=0 a job fills the cheap centre
# until 1000 s and another holds `dear_busy` GPUs of the dear one until 500 s; at t=1 a 4-GPU job H arrives, blocked
# everywhere, starting earliest (500 s) at the dear centre; at t=2 job X arrives. Patience 0: every job joins both
# queues at once.
@pytest.mark.parametrize(
    ("cheap_busy", "dear_busy", "x_gpus", "x_duration", "x_start", "h_start", "why"),
    [
        # H reserves the dear centre only; the cheap centre's 2 free GPUs are not held back for it, so X starts
        # there at once (under replicate-first-fit H would block both queues and X would wait until 500 s).
        (2, 4, 2, 2000.0, 2.0, 500.0, "one reservation per blocked job"),
        # X fits the dear centre's free GPU now, but ends after H's reserved start on GPUs H needs: it waits.
        (4, 3, 1, 1000.0, 600.0, 500.0, "a backfill may not delay the head's reservation"),
        # The same X, short enough to end before H's reserved start: it backfills.
        (4, 3, 1, 100.0, 2.0, 500.0, "a backfill that ends before the reservation starts at once"),
    ],
)
def test_the_broker_holds_one_reservation_per_blocked_job(  # type: ignore[no-untyped-def]
    cheap_busy, dear_busy, x_gpus, x_duration, x_start, h_start, why
) -> None:
    cheap, dear = CentreSpec("cheap", 4, 5.0, 1.2, 0.5), CentreSpec("dear", 4, 15.0, 1.2, 0.1)
    jobs = [
        TraceJob("cheap-busy", 0.0, 1000.0, cheap_busy),
        TraceJob("dear-busy", 0.0, 500.0, dear_busy),
        TraceJob("H", 1.0, 100.0, 4),
        TraceJob("X", 2.0, x_duration, x_gpus),
    ]
    res = simulate([cheap, dear], jobs, [0, 0, 0, 0], dispatch="broker", broker_patience_s=0.0)
    assert list(res.centre[:2]) == [0, 1], why
    assert res.start[2] == h_start and res.centre[2] == 1, why
    assert res.start[3] == x_start, why


def test_replicate_first_fit_keeps_a_blocked_job_at_the_head_of_every_queue() -> None:
    """The peer the reservation rule departs from, on the first case above: H holds back the cheap centre's 2 free
    GPUs as well, so X, which would end after 1000 s, cannot backfill there and waits until H has come and gone."""
    cheap, dear = CentreSpec("cheap", 4, 5.0, 1.2, 0.5), CentreSpec("dear", 4, 15.0, 1.2, 0.1)
    jobs = [TraceJob("cheap-busy", 0.0, 1000.0, 2), TraceJob("dear-busy", 0.0, 500.0, 4),
            TraceJob("H", 1.0, 100.0, 4), TraceJob("X", 2.0, 2000.0, 2)]
    res = simulate([cheap, dear], jobs, [0, 0, 0, 0], dispatch="replicate-first-fit")
    assert res.start[2] == 500.0 and res.start[3] == 600.0
