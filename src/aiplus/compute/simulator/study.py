"""What brokering saves against local-only: every dispatch policy on one trace window over a region's centres.

The trace's jobs are dealt to the centres by their tenant group (groups ranked by job count, round-robin), as in
bench/dispatch.py, so each centre has its own tenants: that is the dispersed status quo that local-only keeps.
Jobs larger than the largest centre are left out (and counted).  The time axis is rescaled so the offered work
is `target_load` of the region's capacity over the window, whatever the region's size: the comparison stays
meaningful for a region of 100 cards and one of 10,000.  Pure Python, no Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .des import BROKER_PATIENCE_S, DISPATCH_POLICIES, CentreSpec, bounds, simulate
from .loaders import TraceJob

METRICS = ("avg_jct_s", "p99_jct_s", "avg_queue_s", "p99_queue_s", "utilisation_pct", "cost_cny", "carbon_kg")


@dataclass(frozen=True)
class StudyOptions:
    start_day: float = 20.0
    days: float = 3.0
    max_jobs: int = 1500
    target_load: float = 0.85
    queue_policy: str = "easy"
    # the broker's time/cost/carbon weighting (des.Simulation): the platform setting unless the study sets it
    broker_patience_s: float = BROKER_PATIENCE_S
    broker_carbon_cny_per_kg: float = 0.0


def prepare_jobs(
    jobs: Sequence[TraceJob], centres: Sequence[CentreSpec], options: StudyOptions
) -> tuple[list[TraceJob], list[int], dict[str, Any]]:
    """The window's jobs (rescaled in time) and each job's home centre, with what was done to them."""
    if not centres:
        raise ValueError("no centres")
    lo, hi = options.start_day * 86400.0, (options.start_day + options.days) * 86400.0
    window = sorted((j for j in jobs if lo <= j.submit_s < hi), key=lambda j: j.submit_s)
    if not window:  # a short trace: take it from its start
        window = sorted(jobs, key=lambda j: j.submit_s)
    biggest = max(c.gpus for c in centres)
    too_big = sum(1 for j in window if j.gpus > biggest)
    window = [j for j in window if j.gpus <= biggest][: options.max_jobs]
    if not window:
        raise ValueError("no job of the trace fits the largest centre")
    t0 = window[0].submit_s
    span = max(window[-1].submit_s - t0, 1.0)
    work = sum(j.gpus * j.duration_s for j in window)
    capacity = sum(c.gpus for c in centres)
    scale = work / (options.target_load * capacity * span)
    rescaled = [replace(j, submit_s=(j.submit_s - t0) * scale) for j in window]
    ranked = [g for g, _ in Counter(j.group for j in rescaled).most_common()]
    centre_of_group = {g: k % len(centres) for k, g in enumerate(ranked)}
    home = [centre_of_group[j.group] for j in rescaled]
    facts = {"jobs": len(rescaled), "left_out_too_big": too_big, "time_scale": scale,
             "window_days": [options.start_day, options.start_day + options.days],
             "target_load": options.target_load, "capacity_gpus": capacity,
             "broker_patience_s": options.broker_patience_s,
             "broker_carbon_cny_per_kg": options.broker_carbon_cny_per_kg}
    return rescaled, home, facts


def compare_dispatch(
    centres: Sequence[CentreSpec],
    jobs: Sequence[TraceJob],
    options: StudyOptions | None = None,
    progress: Callable[[int, str], Any] | None = None,
) -> dict[str, Any]:
    """Run every dispatch policy and the bounds; report the broker's saving against local-only."""
    options = options or StudyOptions()
    window, home, facts = prepare_jobs(jobs, centres, options)
    policies: dict[str, dict[str, float]] = {}
    for step, policy in enumerate(DISPATCH_POLICIES, start=1):
        result = simulate(centres, window, home, dispatch=policy, queue_policy=options.queue_policy,
                          broker_patience_s=options.broker_patience_s,
                          broker_carbon_cny_per_kg=options.broker_carbon_cny_per_kg)
        policies[policy] = result.summary()
        if progress:
            progress(step, policy)
    bound = bounds(centres, window)
    local, broker = policies["local-only"], policies["broker"]
    saving = {m: local[m] - broker[m] for m in METRICS}
    saving_pct = {m: (100.0 * (local[m] - broker[m]) / local[m]) if local[m] else 0.0 for m in METRICS}
    return {"facts": facts, "policies": policies, "bound": bound, "saving": saving, "saving_pct": saving_pct,
            "centres": [{"id": c.id, "gpus": c.gpus, "price_cny_per_gpu_hour": c.price_cny_per_gpu_hour,
                         "pue": c.pue, "green_share": c.green_share} for c in centres]}
