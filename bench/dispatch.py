"""Multi-centre dispatch on the Philly job table: is "compute dispersed, scheduled inefficiently" measurable, and
does the broker dominate its peers?

The Philly-derived table (82,248 jobs) is split across four centres by its `cluster` column (virtual clusters
ranked by job count, dealt round-robin), so each centre has its own tenants.  Centre sizes deliberately do not
match their tenants' demand, as with dispersed build-out: the east-coast centres are busy, the western hub
(cheap, green) is idle.  Every dispatch policy runs on the same jobs with FIFO + EASY backfill in each centre.

The broker's time/cost/carbon weighting (its patience for cheaper centres and a carbon price) is swept into a
frontier; for each peer the benchmark looks for a broker setting at least as good on both average completion time
and cost (strictly better on one).  The default setting was chosen on the tuning window (days 20-30); the same
comparison on a later window (days 30-40) is printed separately, and on the whole table without --quick.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiplus.compute.simulator import CentreSpec, bounds, load_philly, simulate
from aiplus.compute.simulator.des import BROKER_PATIENCE_S
from bench._common import Report, parse_args, traces_dir

CENTRES = (
    CentreSpec("suzhou", 128, 12.0, 1.35, 0.15, city="suzhou", province="jiangsu"),
    CentreSpec("guangzhou", 160, 11.0, 1.30, 0.25, city="guangzhou", province="guangdong"),
    CentreSpec("shanghai", 96, 13.0, 1.30, 0.15, city="shanghai", province="shanghai"),
    CentreSpec("zhongwei", 256, 8.0, 1.15, 0.60, city="zhongwei", province="ningxia"),
)
PEERS = {
    "local-only": "local-only",
    "replicate-first-fit": "replicate-first-fit",
    "cheapest": "cheapest",
    "least-loaded": "least-loaded",
}
SYSTEMS = {**PEERS, "aiplus": "broker", "aiplus-batch": "broker-batch"}
METRICS = (
    ("avg_jct_s", "s"),
    ("p99_queue_s", "s"),
    ("utilisation_pct", "%"),
    ("cost_cny", "CNY"),
    ("carbon_kg", "kg"),
)
TUNING_DAYS = (20.0, 30.0)  # the window the default was chosen on (the trace's first 20 days hold few jobs)
VALIDATION_DAYS = (30.0, 40.0)  # a later window, never looked at when choosing
# The sweep: patience for cheaper centres (s) x carbon price (CNY per kg CO2). For these four centres the
# cheaper is also the cleaner, except Suzhou against Shanghai, which a carbon price would reorder only above
# 100 CNY/kg (a market price is about 0.1): the carbon knob cannot move this frontier, so it is held at 0.
DEFAULT_RULE = ("the smallest patience (carbon price 0) that on its own dominates every peer on the tuning window: "
                "the fastest setting that is also no dearer than any peer")
PATIENCE_S = (0.0, 30.0, 300.0, 600.0, 1200.0, 3600.0, 14400.0)
CARBON_CNY_PER_KG = (0.0,)


def _window(jobs: list[Any], days: tuple[float, float]) -> list[Any]:
    lo, hi = (d * 86400 for d in days)
    return [replace(j, submit_s=j.submit_s - lo) for j in jobs if lo <= j.submit_s < hi]


def _homes(jobs: list[Any]) -> list[int]:
    ranked = [c for c, _ in Counter(j.group for j in jobs).most_common()]
    centre_of_group = {g: k % len(CENTRES) for k, g in enumerate(ranked)}
    return [centre_of_group[j.group] for j in jobs]


def _dominates(a: dict[str, float], b: dict[str, float]) -> bool:
    """`a` at least as good as `b` on average completion time and cost, strictly better on one."""
    return (a["avg_jct_s"] <= b["avg_jct_s"] and a["cost_cny"] <= b["cost_cny"]
            and (a["avg_jct_s"] < b["avg_jct_s"] or a["cost_cny"] < b["cost_cny"]))


def run_case(case: str, jobs: list[Any], report: Report, timings: dict[str, float]) -> dict[str, Any]:
    home = _homes(jobs)
    results: dict[str, dict[str, float]] = {}
    for system, policy in SYSTEMS.items():
        t = time.perf_counter()
        results[system] = simulate(CENTRES, jobs, home, dispatch=policy, queue_policy="easy").summary()
        timings[f"{case}:{system}"] = time.perf_counter() - t
        for metric, unit in METRICS:
            report.add(case, system, metric, results[system][metric], unit)
    bound = bounds(CENTRES, jobs)
    for metric, unit in METRICS:
        report.add(case, "bound", metric, bound[metric], unit)
    sweep = []
    for patience in PATIENCE_S:
        for carbon in CARBON_CNY_PER_KG:
            summary = simulate(CENTRES, jobs, home, dispatch="broker", queue_policy="easy",
                               broker_patience_s=patience, broker_carbon_cny_per_kg=carbon).summary()
            sweep.append({"patience_s": patience, "carbon_cny_per_kg": carbon, **summary})
    frontier = [s for s in sweep if not any(_dominates(o, s) for o in sweep if o is not s)]
    frontier.sort(key=lambda s: s["avg_jct_s"])
    dominance = {}
    for peer in PEERS:
        winners = [s for s in sweep if _dominates(s, results[peer])]
        # the winner with the largest smaller relative margin: the most robust evidence, not the fastest setting
        best = max(winners, key=lambda s: _margin(s, results[peer])) if winners else None
        dominance[peer] = None if best is None else {
            "patience_s": best["patience_s"], "carbon_cny_per_kg": best["carbon_cny_per_kg"],
            "avg_jct_s": best["avg_jct_s"], "cost_cny": best["cost_cny"],
            "delta_jct_s": best["avg_jct_s"] - results[peer]["avg_jct_s"],
            "delta_cost_cny": best["cost_cny"] - results[peer]["cost_cny"]}
    return {"results": results, "bound": bound, "sweep": sweep, "frontier": frontier, "dominance": dominance,
            "all_dominated": all(d is not None for d in dominance.values()),
            "default_dominates": [p for p in PEERS if _dominates(results["aiplus"], results[p])]}


def _margin(a: dict[str, float], b: dict[str, float]) -> float:
    """The smaller of `a`'s two relative savings over `b` (time, cost): how thin the dominance is."""
    return min((b["avg_jct_s"] - a["avg_jct_s"]) / b["avg_jct_s"], (b["cost_cny"] - a["cost_cny"]) / b["cost_cny"])


def choose_default(tuning: dict[str, Any]) -> float | None:
    """DEFAULT_RULE, applied to the tuning window's sweep only."""
    for s in sorted(tuning["sweep"], key=lambda s: s["patience_s"]):
        if s["carbon_cny_per_kg"] == 0.0 and all(_dominates(s, tuning["results"][p]) for p in PEERS):
            return float(s["patience_s"])
    return None


def print_case(case: str, label: str, found: dict[str, Any]) -> None:
    results, bound = found["results"], found["bound"]
    print(f"\n{label}: the broker's frontier (patience s, carbon CNY/kg -> avg JCT s, cost CNY, carbon kg)")
    for s in found["frontier"]:
        print(f"  p{s['patience_s']:<6.0f} {s['carbon_cny_per_kg']:.1f}  ->  {s['avg_jct_s']:>10,.1f}  "
              f"{s['cost_cny']:>12,.0f}  {s['carbon_kg']:>9,.0f}")
    for peer, best in found["dominance"].items():
        peer_jct, peer_cost = results[peer]["avg_jct_s"], results[peer]["cost_cny"]
        if best is None:
            print(f"  {peer:<20} ({peer_jct:,.1f} s, {peer_cost:,.0f} CNY): NO broker setting dominates it")
        else:
            print(f"  {peer:<20} ({peer_jct:,.1f} s, {peer_cost:,.0f} CNY): beaten by p{best['patience_s']:.0f} "
                  f"with margins {best['delta_jct_s']:+,.1f} s, {best['delta_cost_cny']:+,.0f} CNY")
    default = results["aiplus"]
    print(f"  default (patience {BROKER_PATIENCE_S:,.0f} s, carbon 0) dominates: "
          f"{', '.join(found['default_dominates']) or 'none'}")
    for metric, unit in (("avg_jct_s", "s"), ("cost_cny", "CNY")):
        gap = default[metric] - bound[metric]
        print(f"  default's gap to the {metric} bound: {default[metric]:,.1f} vs {bound[metric]:,.1f} {unit} "
              f"(gap {gap:+,.1f} {unit}, {100 * gap / bound[metric]:+.1f} %)")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    every = load_philly(traces_dir(args) / "philly" / "philly.csv")
    cases = {"tuning": ("tuning window, days 20-30", _window(every, TUNING_DAYS)),
             "validation": ("validation window, days 30-40 (not used to choose)", _window(every, VALIDATION_DAYS))}
    if not args.quick:
        cases["whole"] = ("the whole table (includes the tuning window)", every)
    report = Report("dispatch", {
        "quick": bool(args.quick), "queue_policy": "easy", "tuned_on": "tuning",
        "tuning": f"philly days {TUNING_DAYS[0]:g}-{TUNING_DAYS[1]:g}",
        "validation": f"philly days {VALIDATION_DAYS[0]:g}-{VALIDATION_DAYS[1]:g}",
        "default": {"patience_s": BROKER_PATIENCE_S, "carbon_cny_per_kg": 0.0},
        "sweep": {"patience_s": list(PATIENCE_S), "carbon_cny_per_kg": list(CARBON_CNY_PER_KG)},
        "centres": [{"id": c.id, "gpus": c.gpus, "price_cny_per_gpu_hour": c.price_cny_per_gpu_hour, "pue": c.pue,
                     "green_share": c.green_share} for c in CENTRES]})
    timings: dict[str, float] = {}
    found = {}
    for name, (_label, jobs) in cases.items():
        found[name] = run_case(f"philly-{name}-{len(jobs)}jobs", jobs, report, timings)
    print(f"dispatch: Philly jobs over {len(CENTRES)} centres "
          f"({', '.join(f'{c.id} {c.gpus} GPUs @{c.price_cny_per_gpu_hour} CNY' for c in CENTRES)})")
    print(report.table([*SYSTEMS, "bound"]))
    print("bounds: avg JCT = max(no-wait mean, SRPT fluid on pooled GPUs); p99 queue = 0; utilisation (while jobs "
          "arrive) = each job running from its submission to the window's end at most; cost, carbon = every job in "
          "the cheapest / cleanest centre")
    for name, (label, _jobs) in cases.items():
        print_case(name, label, found[name])
    chosen = choose_default(found["tuning"])
    print(f"\ndefault rule: {DEFAULT_RULE}")
    agrees = "agrees" if chosen == BROKER_PATIENCE_S else "DIFFERS"
    print(f"  the rule picks patience {'none' if chosen is None else f'{chosen:,.0f} s'} on the tuning window; "
          f"the default in force is {BROKER_PATIENCE_S:,.0f} s ({agrees})")
    print("every peer dominated: " + "; ".join(f"{name} {'yes' if found[name]['all_dominated'] else 'no'}"
                                               for name in found))
    print("wall time per policy: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    report.params["frontier"] = {name: found[name]["frontier"] for name in found}
    report.params["dominance"] = {name: found[name]["dominance"] for name in found}
    report.params["every_peer_dominated"] = {name: found[name]["all_dominated"] for name in found}
    report.params["default_rule"] = DEFAULT_RULE
    report.params["default_rule_picks_patience_s"] = chosen
    report.params["gap_to_bound"] = {name: {m: found[name]["results"]["aiplus"][m] - found[name]["bound"][m]
                                            for m in ("avg_jct_s", "cost_cny")} for name in found}
    report.write(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
