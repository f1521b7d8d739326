"""Multi-centre dispatch on the Philly job table: is "compute dispersed, scheduled inefficiently" measurable?

The Philly-derived table (82,248 jobs) is split across four centres by its `cluster` column (virtual clusters
ranked by job count, dealt round-robin), so each centre has its own tenants.  Centre sizes deliberately do not
match their tenants' demand, as with dispersed build-out: the east-coast centres are busy, the western hub
(cheap, green) is idle.  Every dispatch policy runs on the same jobs with FIFO + EASY backfill in each centre.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiplus.compute.simulator import CentreSpec, bounds, load_philly, simulate
from bench._common import Report, parse_args, traces_dir

CENTRES = (
    CentreSpec("suzhou", 128, 12.0, 1.35, 0.15, city="suzhou", province="jiangsu"),
    CentreSpec("guangzhou", 160, 11.0, 1.30, 0.25, city="guangzhou", province="guangdong"),
    CentreSpec("shanghai", 96, 13.0, 1.30, 0.15, city="shanghai", province="shanghai"),
    CentreSpec("zhongwei", 256, 8.0, 1.15, 0.60, city="zhongwei", province="ningxia"),
)
SYSTEMS = {
    "local-only": "local-only",
    "replicate-first-fit": "replicate-first-fit",
    "cheapest": "cheapest",
    "least-loaded": "least-loaded",
    "aiplus": "broker",
}
METRICS = (
    ("avg_jct_s", "s"),
    ("p99_queue_s", "s"),
    ("utilisation_pct", "%"),
    ("cost_cny", "CNY"),
    ("carbon_kg", "kg"),
)
# --quick keeps ten busy days (the trace's first 20 days hold only a few dozen jobs).
QUICK_WINDOW_DAYS = (20.0, 30.0)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    jobs = load_philly(traces_dir(args) / "philly" / "philly.csv")
    if args.quick:
        lo, hi = (d * 86400 for d in QUICK_WINDOW_DAYS)
        jobs = [replace(j, submit_s=j.submit_s - lo) for j in jobs if lo <= j.submit_s < hi]
    ranked = [c for c, _ in Counter(j.group for j in jobs).most_common()]
    centre_of_group = {g: k % len(CENTRES) for k, g in enumerate(ranked)}
    home = [centre_of_group[j.group] for j in jobs]
    case = f"philly-{len(jobs)}jobs-{len(CENTRES)}centres"
    report = Report(
        "dispatch",
        {
            "jobs": len(jobs),
            "quick": bool(args.quick),
            "window_days": list(QUICK_WINDOW_DAYS) if args.quick else "all",
            "queue_policy": "easy",
            "broker_window_s": 300,
            "centres": [
                {
                    "id": c.id,
                    "gpus": c.gpus,
                    "price_cny_per_gpu_hour": c.price_cny_per_gpu_hour,
                    "pue": c.pue,
                    "green_share": c.green_share,
                }
                for c in CENTRES
            ],
        },
    )
    timings = {}
    for system, policy in SYSTEMS.items():
        t = time.perf_counter()
        result = simulate(CENTRES, jobs, home, dispatch=policy, queue_policy="easy")
        timings[system] = time.perf_counter() - t
        summary = result.summary()
        for metric, unit in METRICS:
            report.add(case, system, metric, summary[metric], unit)
    bound = bounds(CENTRES, jobs)
    for metric, unit in METRICS:
        report.add(case, "bound", metric, bound[metric], unit)
    print(
        f"dispatch: {len(jobs)} Philly jobs over {len(CENTRES)} centres "
        f"({', '.join(f'{c.id} {c.gpus} GPUs @{c.price_cny_per_gpu_hour} CNY' for c in CENTRES)})"
    )
    print(report.table([*SYSTEMS, "bound"]))
    print(
        "bounds: avg JCT = max(no-wait mean, SRPT fluid on pooled GPUs); p99 queue = 0; "
        "utilisation = offered "
        "work / (capacity x shortest horizon); cost, carbon = every job in the cheapest / cleanest centre"
    )
    cells = {(r["system"], r["metric"]): r["value"] for r in report.rows}
    for metric in ("avg_jct_s", "cost_cny"):
        ours, local = cells[("aiplus", metric)], cells[("local-only", metric)]
        verdict = "beats" if ours < local else "DOES NOT beat"
        print(
            f"aiplus {verdict} local-only on {metric}: {ours:,.0f} vs {local:,.0f} "
            f"({100 * (ours / local - 1):+.1f} %)"
        )
    print("wall time per policy: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    report.write(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
