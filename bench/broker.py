"""Broker MILP: solve time and gap to the LP-relaxation bound at 1,000 / 5,000 / 20,000 jobs over 100 pools.

Batches are generated deterministically (bench/_broker_gen.py): five accelerator models (two
domestic), twenty sites (two abroad), residency, border, budget, deadline and three voucher pools, with card
demand at 80 % of the free cards.  The greedy heuristic (the solver's time-out fallback) runs on the same
batch
as the baseline.  The bound is the LP relaxation of the whole batch, including for windowed solves.

Why 1,000 jobs can take longer than 5,000 (issue 19 §2): the two cases take different paths.  A batch with at most
`BrokerOptions.exact_pairs_limit` (40,000) eligible job-pool pairs -- the 1,000-job case has about 25,000 -- is
solved as one MILP over every pair, which HiGHS takes seconds to close (root LP, cuts, branching over ~25,000
binaries coupled by 100 capacity rows).  Above it -- the 5,000-job case -- the global LP is solved, every job the LP
places whole is fixed where it put it, and a MILP is solved only over the few fractional jobs (LP-and-fix): far
fewer binaries, so faster, but a looser answer.  Measured on this machine: 1,000 jobs exact, gap 0.25 % to the LP
bound in 10-15 s; the same batch by LP-and-fix in under 1 s at a gap of 1.03 %, which misses the < 1 % target;
LP-and-fix that also reopens the jobs of the five most contended pools, 0.92 % in about 1.4 s.  The time is
therefore the price of the tighter answer at 1,000 jobs, not a defect; the default keeps the exact path while it
is well inside the time limit.  The notes below print the path each case took.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiplus.compute.broker import BrokerOptions, solve
from bench._broker_gen import generate
from bench._common import Report, parse_args

POOLS = 100
FULL_SIZES = (1_000, 5_000, 20_000)
# --quick keeps 1,000 and 5,000 and scales the largest case down, as the brief allows.
QUICK_SIZES = (1_000, 5_000, 10_000)


def _case(n: int, opts: BrokerOptions) -> tuple[list[tuple[str, str, str, float, str]], list[str]]:
    inst = generate(n, POOLS, seed=1, load=0.8)
    case = f"{n}x{POOLS}"
    rows: list[tuple[str, str, str, float, str]] = []
    notes = []
    bound = float("nan")
    for system, method in (("aiplus", "milp"), ("greedy", "greedy")):
        t = time.perf_counter()
        # The greedy baseline is measured against the same batch's bound, computed once with the MILP run.
        options = opts if system == "aiplus" else replace(opts, compute_bound=False)
        res = solve(inst.jobs, inst.pools, inst.centres, inst.vouchers, options=options, method=method)
        wall = time.perf_counter() - t
        s = res.stats
        if system == "aiplus":
            bound = s.bound
        gap = s.gap_pct if system == "aiplus" else 100.0 * (s.objective - bound) / max(abs(s.objective), 1e-9)
        rows.append((case, system, "solve_s", s.solve_seconds, "s"))
        rows.append((case, system, "gap_pct", gap, "%"))
        rows.append((case, system, "placed", float(len(res.placements)), "jobs"))
        rows.append((case, system, "objective", s.objective, "score"))
        if system == "aiplus":
            rows.append((case, "bound", "objective", s.bound, "score"))
        notes.append(
            f"  {case} {system}: method {s.method}, status {s.status}, windows {s.windows}, "
            f"bound {s.bound_method if system == 'aiplus' else 'as aiplus'}, bound time {s.bound_seconds:.2f}s, "
            f"wall {wall:.2f}s, unplaced {len(res.unplaced)}"
        )
    return rows, notes


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    opts = BrokerOptions(time_limit_s=60.0)
    report = Report(
        "broker",
        {
            "pools": POOLS,
            "sizes": list(sizes),
            "load": 0.8,
            "seed": 1,
            "time_limit_s": opts.time_limit_s,
            "quick": bool(args.quick),
        },
    )
    notes = []
    # --quick solves the independent cases side by side (largest first); the full run solves them one after the
    # other, so the 20,000-job solve time is not inflated by a neighbour on the same cores.
    order = sorted(sizes, reverse=True)
    workers = min(len(sizes), os.cpu_count() or 1) if args.quick else 1
    with ProcessPoolExecutor(max_workers=workers) as executor:
        outcomes = dict(zip(order, executor.map(_case, order, [opts] * len(order)), strict=True))
    for n in sizes:
        rows, lines = outcomes[n]
        for row in rows:
            report.add(*row)
        notes.extend(lines)
    print(f"broker: {POOLS} pools, deterministic batches (seed 1)")
    print(report.table(["aiplus", "greedy", "bound"], digits=3))
    print("\n".join(notes))
    cells = {(r["case"], r["system"], r["metric"]): r["value"] for r in report.rows}
    for n in sizes:
        case = f"{n}x{POOLS}"
        gap, secs = cells[(case, "aiplus", "gap_pct")], cells[(case, "aiplus", "solve_s")]
        print(
            f"  target {case}: gap {gap:.3f} % {'< 1 % met' if gap < 1 else '>= 1 % NOT met'}"
            + (f"; {secs:.1f} s {'< 60 s met' if secs < 60 else '>= 60 s NOT met'}" if n >= 20_000 else "")
        )
    report.write(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
