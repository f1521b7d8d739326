"""GPU allocation ratio on the Alibaba openb traces, beside the FGD paper's published figures.

Protocol of the paper's simulator: the cluster is openb's 1,213 GPU nodes (6,212 GPUs; the node list the
published figures were produced on: with the 310 CPU-only nodes added, every policy's figure moves, Random's by
about +1.3 points); the trace's pods in random order, then pods resampled from it until arrived GPU demand
reaches 130 % of capacity, placed one by one with no departures; the ratio is read at 100 % and 130 % arrived
load and averaged over seeds (the paper used seeds 42-51).
"""

from __future__ import annotations

import csv
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiplus.compute.simulator import allocation_curve, load_openb_nodes, load_openb_pods
from aiplus.compute.simulator.placement import PACKING_MILLI, RESERVATION_MILLI
from aiplus.compute.simulator.placement_bound import allocation_bounds
from bench._common import Report, parse_args, traces_dir

# The tuning set (the variants PACKING_MILLI and RESERVATION_MILLI were chosen on) and the validation set (never
# looked at when choosing):
# the two are printed apart, and the JSON records which set every row belongs to and `tuned_on`.
TUNING = ("default", "cpu050", "gpushare40", "gpuspec20", "multigpu20")
VALIDATION = ("cpu100", "cpu200", "gpushare60", "gpushare80", "gpuspec10", "gpuspec25", "multigpu30", "multigpu40")
TRACES = (*TUNING, *VALIDATION)
# --quick: seed 42 on every trace (the full run: seeds 42..51, the paper's ten).
LOADS = (100, 130)
# Random, BestFit and FGD as the paper's simulator runs them (our reproductions), and our own policy.
OURS = ("Random", "BestFit", "FGD", "aiplus")
PUBLISHED = {"01-Random": "published:Random", "05-BestFit": "published:BestFit", "06-FGD": "published:FGD"}


def published(path: Path) -> dict[tuple[str, str, int], float]:
    sums: dict[tuple[str, str, int], list[float]] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            system = PUBLISHED.get(r["sc_policy"])
            if system is None:
                continue
            trace = r["workload"].removeprefix("openb_pod_list_")
            for load in LOADS:
                sums.setdefault((trace, system, load), []).append(float(r[str(load)]))
    return {k: sum(v) / len(v) for k, v in sums.items()}


def _run(task: tuple[str, str, str, int]) -> dict[int, float]:
    root, trace, system, seed = task
    nodes = load_openb_nodes(Path(root) / "openb_node_list_gpu_node.csv")
    pods = load_openb_pods(Path(root) / f"openb_pod_list_{trace}.csv")
    if system == "bound":
        return allocation_bounds(nodes, pods, seed, LOADS)
    return allocation_curve(nodes, pods, system, seed, LOADS)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    root = traces_dir(args) / "alibaba-openb"
    seeds = (42,) if args.quick else tuple(range(42, 52))
    traces = TRACES
    nodes = load_openb_nodes(root / "openb_node_list_gpu_node.csv")
    ref = published(root / "reference_fgd_gpu_allocation.csv")
    report = Report(
        "placement",
        {
            "traces": list(traces),
            "tuned_on": list(TUNING),
            "packing_milli": PACKING_MILLI,
            "reservation_milli": RESERVATION_MILLI,
            "validation": list(VALIDATION),
            "loads_pct": list(LOADS),
            "seeds": list(seeds),
            "nodes": len(nodes),
            "quick": bool(args.quick),
            "processes": os.cpu_count() or 1,
        },
    )
    t_all = time.perf_counter()
    # Every (trace, policy, seed) run is independent: spread them over the machine's cores.
    # Longest runs (our policy) first, so the workers finish together.
    tasks = [
        (str(root), trace, system, seed)
        for system in (*reversed(OURS), "bound")
        for trace in traces
        for seed in seeds
    ]
    with ProcessPoolExecutor(max_workers=min(len(tasks), os.cpu_count() or 1)) as pool:
        results = dict(zip(tasks, pool.map(_run, tasks), strict=True))
    for trace in traces:
        for system in (*OURS, "bound"):
            curves = [results[(str(root), trace, system, seed)] for seed in seeds]
            for load in LOADS:
                value = sum(c[load] for c in curves) / len(curves)
                report.add(f"{trace}@{load}%", system, "gpu_allocation_pct", value, "%")
        for load in LOADS:
            for system in PUBLISHED.values():
                if (trace, system, load) in ref:
                    report.add(
                        f"{trace}@{load}%", system, "gpu_allocation_pct", ref[(trace, system, load)], "%"
                    )
    print(f"placement: GPU allocation ratio, {len(nodes)} nodes, seeds {seeds[0]}..{seeds[-1]}")
    if args.quick:
        print("quick run: seed 42 only, beside the published means over seeds 42..51; the full run uses all ten")
    for label, names in (("tuning set (PACKING_MILLI and RESERVATION_MILLI chosen here)", TUNING),
                         ("validation set (not used to choose)", VALIDATION)):
        print(f"\n{label}")
        print(Report(report.benchmark, rows=[r for r in report.rows
                                             if r["case"].split("@")[0] in names]).table(
            [*OURS, *PUBLISHED.values(), "bound"]))
    print("bound: LP relaxation of packing the arrived GPU pods onto the GPUs (arc-flow over GPU shares, total CPU "
          "and memory; node boundaries, GPU models and arrival order relaxed). At 130 % it may drop pods that an "
          "online policy must place, so there it is close to the trivial 100 %.")
    cells = {(r["case"], r["system"]): r["value"] for r in report.rows}
    print("\ndeltas (ours - published), targets: |Random|,|BestFit| <= 1.5; aiplus >= published FGD "
          "(FGD: our reproduction of it, for reference)")
    met = {"tuning": [0, 0], "validation": [0, 0]}
    for case in dict.fromkeys(r["case"] for r in report.rows):
        parts = []
        for ours, theirs in (
            ("Random", "published:Random"),
            ("BestFit", "published:BestFit"),
            ("FGD", "published:FGD"),
            ("aiplus", "published:FGD"),
        ):
            if (case, theirs) not in cells:
                continue
            d = cells[(case, ours)] - cells[(case, theirs)]
            ok = d >= 0 if ours == "aiplus" else abs(d) <= 1.5
            if ours == "aiplus":
                which = "tuning" if case.split("@")[0] in TUNING else "validation"
                met[which][0] += ok
                met[which][1] += 1
            parts.append(f"{ours} {d:+.2f} {'met' if ok else 'NOT met'}")
        print(f"  {case:<18} " + "; ".join(parts))
    for which, (good, cells_seen) in met.items():
        print(f"aiplus >= published FGD on {good} of {cells_seen} cells of the {which} set")
    report.params["aiplus_ge_fgd"] = {which: {"met": good, "cells": n} for which, (good, n) in met.items()}
    print(f"wall time {time.perf_counter() - t_all:.1f}s")
    report.write(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
