"""Trace-driven discrete-event simulation of one or many compute centres.

Each centre is a pool of GPUs with its own queue (FIFO, FIFO + EASY backfill, or SJF).  A dispatch policy
decides which centre(s) an arriving job joins:

- local-only: the job stays in its home centre (today's dispersed situation);
- replicate-first-fit: copies go to every centre that can hold it and the first to start it wins
  (MultiKueue / Slurm federation);
- cheapest: the cheapest centre that can start it now, else the cheapest that can hold it (SkyPilot-style,
  per request);
- least-loaded: the centre with the least running + queued GPU demand per GPU;
- broker (aiplus): the job joins the queues of the centres it may use, cheapest first (price plus carbon at
  `broker_carbon_cny_per_kg`), and starts at the first that frees room; it waits `broker_patience_s` for the
  cheaper centres before the next dearer one is opened to it (0: every centre at once, the time end of the
  trade-off; a long patience: the cheapest only, the cost end). Patience and the carbon price are the broker's
  time/cost/carbon weighting, which bench/dispatch.py sweeps into a frontier;
- broker-batch: arrivals are batched per window and placed by the broker MILP, with each centre offered as a
  "start now" pool (its uncommitted free GPUs) and a "queue" pool priced with its expected wait (the broker
  before the frontier; kept for the benchmark's comparison, not in the savings study).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from ..broker import BrokerOptions, Centre, Job, Pool, Preferences, solve
from .loaders import TraceJob

QUEUE_POLICIES = ("fifo", "easy", "sjf")
DISPATCH_POLICIES = ("local-only", "replicate-first-fit", "cheapest", "least-loaded", "broker")
ALL_POLICIES = (*DISPATCH_POLICIES, "broker-batch")
# A job's copies sit in several queues and start at the first centre with room.
REPLICATING = frozenset({"replicate-first-fit", "broker"})
# The broker's default weighting: a job waits at most ten minutes per price tier for a cheaper centre. Chosen on
# the benchmark's tuning window of the Philly log (days 20–30), where it is the setting that dominates the
# "cheapest" peer on both time and cost; bench/dispatch.py prints it on a later window as well.
BROKER_PATIENCE_S = 600.0
# Slurm's default_queue_depth: backfill looks this far down the queue.
BACKFILL_DEPTH = 100


@dataclass(frozen=True)
class CentreSpec:
    id: str
    gpus: int
    price_cny_per_gpu_hour: float
    pue: float
    green_share: float
    grid_carbon_kg_per_kwh: float = 0.58
    power_kw_per_gpu: float = 0.4
    city: str = ""
    province: str = ""

    def carbon_kg_per_gpu_hour(self) -> float:
        return self.power_kw_per_gpu * self.pue * self.grid_carbon_kg_per_kwh * (1.0 - self.green_share)


@dataclass
class _Run:
    job: int
    centre: int
    start: float
    end: float


@dataclass
class _CentreState:
    spec: CentreSpec
    free: int
    queue: list[int] = field(default_factory=list)
    running: list[_Run] = field(default_factory=list)
    queued_gpus: int = 0


@dataclass(frozen=True)
class SimResult:
    start: np.ndarray
    finish: np.ndarray
    centre: np.ndarray
    submit: np.ndarray
    duration: np.ndarray
    gpus: np.ndarray
    cost_cny: float
    carbon_kg: float
    capacity_gpus: int
    broker_solves: int = 0

    @property
    def jct(self) -> np.ndarray:
        return np.asarray(self.finish - self.submit)

    @property
    def queueing(self) -> np.ndarray:
        return np.asarray(self.start - self.submit)

    def utilisation(self) -> float:
        """Busy card-time over capacity while jobs arrive (first to last submission). Measured to the last finish
        instead, a heavy-tailed log reads as an idle region: one day-long job left running after the window
        dilutes the figure (a 0.85 load read as 8 %)."""
        lo, hi = float(self.submit.min()), float(self.submit.max())
        if hi - lo < 1.0:  # one burst: the whole run is the window
            hi = float(self.finish.max())
        busy = np.clip(np.minimum(self.finish, hi) - np.maximum(self.start, lo), 0.0, None)
        return float((self.gpus * busy).sum()) / (self.capacity_gpus * max(hi - lo, 1e-9))

    def summary(self) -> dict[str, float]:
        return {
            "avg_jct_s": float(self.jct.mean()),
            "p99_jct_s": float(np.percentile(self.jct, 99)),
            "avg_queue_s": float(self.queueing.mean()),
            "p99_queue_s": float(np.percentile(self.queueing, 99)),
            "utilisation_pct": 100.0 * self.utilisation(),
            "cost_cny": self.cost_cny,
            "carbon_kg": self.carbon_kg,
        }


class Simulation:
    def __init__(
        self,
        centres: Sequence[CentreSpec],
        jobs: Sequence[TraceJob],
        home: Sequence[int],
        dispatch: str = "local-only",
        queue_policy: str = "easy",
        broker_window_s: float = 300.0,
        broker_wait_weight: float = 2.0,
        broker_cost_weight: float = 1.0,
        broker_carbon_weight: float = 0.2,
        broker_patience_s: float = BROKER_PATIENCE_S,
        broker_carbon_cny_per_kg: float = 0.0,
    ) -> None:
        """`broker_patience_s`, `broker_carbon_cny_per_kg`: the broker's time/cost/carbon weighting (see the
        module's docstring). `broker_window_s` and the `broker_*_weight`s: the batch broker's window and the
        `Preferences` it places a batch with."""
        if dispatch not in ALL_POLICIES:
            raise ValueError(f"unknown dispatch policy {dispatch!r}")
        if queue_policy not in QUEUE_POLICIES:
            raise ValueError(f"unknown queue policy {queue_policy!r}")
        biggest = max(c.gpus for c in centres)
        for j in jobs:
            if j.gpus > biggest:
                raise ValueError(f"job {j.id} needs {j.gpus} GPUs; the largest centre has {biggest}")
        self.specs = list(centres)
        self.jobs = list(jobs)
        self.home = list(home)
        self.dispatch = dispatch
        self.queue_policy = queue_policy
        self.window = broker_window_s
        self.wait_weight = broker_wait_weight
        self.cost_weight = broker_cost_weight
        self.carbon_weight = broker_carbon_weight
        if broker_patience_s < 0 or broker_carbon_cny_per_kg < 0:
            raise ValueError("the broker's patience and carbon price cannot be negative")
        self.patience = broker_patience_s
        self.carbon_price = broker_carbon_cny_per_kg
        # a waiting job's centres not yet opened to it: tiers of equal price, cheapest first
        self.tiers: dict[int, list[list[int]]] = {}
        n = len(jobs)
        self.submit = np.array([j.submit_s for j in jobs], dtype=np.float64)
        self.duration = np.array([j.duration_s for j in jobs], dtype=np.float64)
        self.gpus = np.array([j.gpus for j in jobs], dtype=np.int64)
        self.start = np.full(n, np.nan)
        self.finish = np.full(n, np.nan)
        self.where = np.full(n, -1, dtype=np.int64)
        self.started = np.zeros(n, dtype=np.bool_)
        self.state = [_CentreState(spec=c, free=c.gpus) for c in centres]
        self.events: list[tuple[float, int, int, int]] = []
        self.seq = itertools.count()
        self.now = 0.0
        self.pending: list[int] = []
        self.broker_solves = 0
        # the broker's shadow times, (centre, GPUs) -> time; valid until a job starts or finishes
        self.shadows: dict[tuple[int, int], float] = {}

    # Event kinds, ordered so that finishes at time t free GPUs before arrivals at t are dispatched.
    FINISH, ARRIVE, WINDOW, WIDEN = 0, 1, 2, 3

    def run(self) -> SimResult:
        for i in range(len(self.jobs)):
            self._push(self.submit[i], self.ARRIVE, i)
        while self.events:
            t, kind, _, payload = heapq.heappop(self.events)
            self.now = t
            if kind == self.FINISH:
                self._finish(payload)
            elif kind == self.ARRIVE:
                self._arrive(payload)
            elif kind == self.WIDEN:
                self._widen(payload)
            else:
                self._broker_window()
        if np.isnan(self.finish).any():
            raise RuntimeError("simulation ended with unfinished jobs")
        hours = self.gpus * self.duration / 3600.0
        price = np.array([c.price_cny_per_gpu_hour for c in self.specs])
        carbon = np.array([c.carbon_kg_per_gpu_hour() for c in self.specs])
        return SimResult(
            start=self.start,
            finish=self.finish,
            centre=self.where,
            submit=self.submit,
            duration=self.duration,
            gpus=self.gpus,
            cost_cny=float((hours * price[self.where]).sum()),
            carbon_kg=float((hours * carbon[self.where]).sum()),
            capacity_gpus=sum(c.gpus for c in self.specs),
            broker_solves=self.broker_solves,
        )

    def _push(self, t: float, kind: int, payload: int) -> None:
        heapq.heappush(self.events, (t, kind, next(self.seq), payload))

    def _fits(self, c: int, i: int) -> bool:
        return int(self.gpus[i]) <= self.specs[c].gpus

    def _arrive(self, i: int) -> None:
        d = self.dispatch
        if d == "local-only":
            home = self.home[i]
            if not self._fits(home, i):
                home = min(
                    (c for c in range(len(self.specs)) if self._fits(c, i)), key=lambda c: self.specs[c].gpus
                )
            self._enqueue(home, i)
        elif d == "replicate-first-fit":
            targets = [c for c in range(len(self.specs)) if self._fits(c, i)]
            for c in targets:
                self.state[c].queue.append(i)
            for c in targets:
                self._schedule(c)
                if self.started[i]:
                    break
        elif d == "cheapest":
            order = sorted(
                (c for c in range(len(self.specs)) if self._fits(c, i)),
                key=lambda c: self.specs[c].price_cny_per_gpu_hour,
            )
            now = [c for c in order if self._can_start_now(c, i)]
            self._enqueue(now[0] if now else order[0], i)
        elif d == "least-loaded":
            cands = [c for c in range(len(self.specs)) if self._fits(c, i)]
            self._enqueue(min(cands, key=self._load), i)
        elif d == "broker":
            score = {c: self._price_with_carbon(c) for c in range(len(self.specs)) if self._fits(c, i)}
            self.tiers[i] = [[c for c in score if score[c] == level] for level in sorted(set(score.values()))]
            self._widen(i)
        else:
            if not self.pending:
                self._push(self.now + self.window, self.WINDOW, 0)
            self.pending.append(i)

    def _price_with_carbon(self, c: int) -> float:
        spec = self.specs[c]
        return spec.price_cny_per_gpu_hour + self.carbon_price * spec.carbon_kg_per_gpu_hour()

    def _widen(self, i: int) -> None:
        """Open the next centre(s) to a waiting job: with no patience every centre at once, else the next dearer
        one now and another after each patience period, until the job starts."""
        tiers = self.tiers.get(i)
        if self.started[i] or not tiers:
            self.tiers.pop(i, None)
            return
        while tiers:
            for c in tiers.pop(0):
                self.state[c].queue.append(i)
            for c in range(len(self.specs)):  # a copy may start where there is room now
                if not self.started[i] and i in self.state[c].queue:
                    self._schedule(c)
            if self.started[i] or self.patience > 0:
                break
        if self.started[i] or not tiers:
            self.tiers.pop(i, None)
        else:
            self._push(self.now + self.patience, self.WIDEN, i)

    def _can_start_now(self, c: int, i: int) -> bool:
        st = self.state[c]
        return not st.queue and st.free >= self.gpus[i]

    def _load(self, c: int) -> float:
        st = self.state[c]
        return (st.spec.gpus - st.free + st.queued_gpus) / st.spec.gpus

    def _enqueue(self, c: int, i: int) -> None:
        st = self.state[c]
        st.queue.append(i)
        st.queued_gpus += int(self.gpus[i])
        self._schedule(c)

    def _start(self, c: int, i: int) -> None:
        st = self.state[c]
        g = int(self.gpus[i])
        st.free -= g
        self.shadows.clear()
        self.started[i] = True
        self.start[i] = self.now
        self.where[i] = c
        end = self.now + float(self.duration[i])
        st.running.append(_Run(i, c, self.now, end))
        self._push(end, self.FINISH, i)

    def _finish(self, i: int) -> None:
        c = int(self.where[i])
        st = self.state[c]
        st.free += int(self.gpus[i])
        self.finish[i] = self.now
        self.shadows.clear()
        st.running = [r for r in st.running if r.job != i]
        if self.dispatch in REPLICATING:
            # Freed GPUs anywhere may start a replica; every centre re-examines its queue.
            for k in range(len(self.state)):
                self._schedule(k)
        else:
            self._schedule(c)

    def _schedule(self, c: int) -> None:
        st = self.state[c]
        if self.dispatch in REPLICATING:
            st.queue = [i for i in st.queue if not self.started[i]]
        if not st.queue:
            return
        started: list[int] = []
        if self.queue_policy == "sjf":
            for i in sorted(st.queue, key=lambda j: (self.duration[j], j)):
                if self.gpus[i] <= st.free and not self.started[i]:
                    self._start(c, i)
                    started.append(i)
        elif self.dispatch == "broker":
            started = self._schedule_broker(c)
        else:
            q = st.queue
            k = 0
            while k < len(q) and (self.started[q[k]] or self.gpus[q[k]] <= st.free):
                if not self.started[q[k]]:
                    self._start(c, q[k])
                    started.append(q[k])
                k += 1
            if self.queue_policy == "easy" and k < len(q):
                started += self._backfill(c, q[k], q[k + 1 : k + 1 + BACKFILL_DEPTH])
        if started:
            done = set(started)
            st.queue = [i for i in st.queue if i not in done and not self.started[i]]
            st.queued_gpus -= int(sum(int(self.gpus[i]) for i in started))
            st.queued_gpus = max(st.queued_gpus, 0)

    def _schedule_broker(self, c: int) -> list[int]:
        """FIFO (+ EASY) at one centre for the broker, whose waiting jobs sit in several queues. A blocked job holds
        ONE reservation: at the centre where it will start earliest (its shadow time; ties go to the cheaper
        centre). Elsewhere it holds nothing, so it does not block those queues: the jobs behind it there are
        scheduled as if it were not queued. Without this, a job waiting at four centres is the blocked head of
        four queues and holds back four centres' backfill for one start (replicate-first-fit's behaviour)."""
        st = self.state[c]
        started: list[int] = []
        passed = 0  # blocked jobs passed over: the scan stops at the backfill depth, as Slurm's does
        for k, i in enumerate(st.queue):
            if self.started[i]:
                continue
            if self.gpus[i] <= st.free:
                self._start(c, i)
                started.append(i)
                continue
            if self.queue_policy == "easy" and passed < BACKFILL_DEPTH and self._reserved_elsewhere(c, i):
                passed += 1
                continue
            if self.queue_policy == "easy":
                started += self._backfill(c, i, st.queue[k + 1 : k + 1 + BACKFILL_DEPTH])
            break
        return started

    def _opened(self, i: int) -> list[int]:
        """The centres a broker job has joined the queues of: those it fits, less the tiers not yet opened."""
        closed = {c for tier in self.tiers.get(i, ()) for c in tier}
        return [c for c in range(len(self.specs)) if self._fits(c, i) and c not in closed]

    def _shadow(self, c: int, i: int) -> float:
        """The earliest time centre `c` has room for job `i` as its running jobs end (now if it has room now).
        Memoised per (centre, size) until a job starts or finishes: a long queue asks for few distinct sizes."""
        need = int(self.gpus[i])
        known = self.shadows.get((c, need))
        if known is not None:
            return known
        st = self.state[c]
        free = st.free
        shadow = float("inf")
        if free >= need:
            shadow = self.now
        else:
            for r in sorted(st.running, key=lambda r: r.end):
                free += int(self.gpus[r.job])
                if free >= need:
                    shadow = r.end
                    break
        self.shadows[(c, need)] = shadow
        return shadow

    def _reservation(self, i: int) -> int:
        """The one centre a blocked broker job reserves: earliest shadow, then cheapest, then first."""
        return min(self._opened(i), key=lambda c: (self._shadow(c, i), self._price_with_carbon(c), c))

    def _reserved_elsewhere(self, c: int, i: int) -> bool:
        return self._reservation(i) != c

    def _backfill(self, c: int, head: int, candidates: Sequence[int]) -> list[int]:
        """EASY: start later jobs only if they cannot delay the head job's reserved start."""
        st = self.state[c]
        need = int(self.gpus[head])
        free = st.free
        shadow = float("inf")
        for r in sorted(st.running, key=lambda r: r.end):
            free += int(self.gpus[r.job])
            if free >= need:
                shadow = r.end
                break
        extra = free - need
        started = []
        for i in candidates:
            if self.started[i]:
                continue
            g = int(self.gpus[i])
            if g > st.free:
                continue
            ends = self.now + float(self.duration[i])
            if ends <= shadow:
                self._start(c, i)
                started.append(i)
            elif g <= extra:
                self._start(c, i)
                extra -= g
                started.append(i)
        return started

    def _broker_window(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        centres = [
            Centre(
                id=s.id,
                city=s.city or s.id,
                province=s.province or s.id,
                country="CN",
                pue=s.pue,
                green_share=s.green_share,
                grid_carbon_kg_per_kwh=s.grid_carbon_kg_per_kwh,
            )
            for s in self.specs
        ]
        pools: list[Pool] = []
        for s, st in zip(self.specs, self.state, strict=True):
            uncommitted = max(0, st.free - st.queued_gpus)
            backlog = (st.spec.gpus - st.free + st.queued_gpus) / st.spec.gpus
            # Expected wait of a queued job: its share of the backlog (a coarse fluid estimate, in hours).
            busy_hours = sum(max(r.end - self.now, 0.0) * self.gpus[r.job] for r in st.running) / 3600.0
            queued_hours = sum(self.gpus[i] * self.duration[i] for i in st.queue) / 3600.0
            wait_h = (busy_hours + queued_hours) / s.gpus if backlog > 0 else 0.0
            price = Decimal(str(s.price_cny_per_gpu_hour))
            pools.append(
                Pool(
                    f"{s.id}/now", s.id, "gpu", False, s.gpus, 80, price, uncommitted, 0.0, s.power_kw_per_gpu
                )
            )
            pools.append(
                Pool(
                    f"{s.id}/queue",
                    s.id,
                    "gpu",
                    False,
                    s.gpus,
                    80,
                    price,
                    10**9,
                    max(wait_h, 1e-3),
                    s.power_kw_per_gpu,
                )
            )
        prefs = Preferences(cost=self.cost_weight, carbon=self.carbon_weight, latency=0.0, wait=self.wait_weight)
        jobs = [
            Job(
                id=str(i),
                accepted_models=frozenset(),
                cards=int(self.gpus[i]),
                hours=float(self.duration[i]) / 3600.0,
                preferences=prefs,
            )
            for i in batch
        ]
        result = solve(jobs, pools, centres, options=BrokerOptions(compute_bound=False, time_limit_s=5.0))
        self.broker_solves += 1
        placed = {int(p.job_id): p.pool_id for p in result.placements}
        index = {s.id: k for k, s in enumerate(self.specs)}
        for i in batch:
            pool_id = placed.get(i)
            if pool_id is None:
                cands = [c for c in range(len(self.specs)) if self._fits(c, i)]
                self._enqueue(min(cands, key=self._load), i)
                continue
            self._enqueue(index[pool_id.split("/")[0]], i)


def simulate(
    centres: Sequence[CentreSpec],
    jobs: Sequence[TraceJob],
    home: Sequence[int],
    dispatch: str = "local-only",
    queue_policy: str = "easy",
    **kwargs: float,
) -> SimResult:
    return Simulation(centres, jobs, home, dispatch, queue_policy, **kwargs).run()


def srpt_fluid_mean_jct(jobs: Sequence[TraceJob], capacity_gpus: int) -> float:
    """Mean completion time of preemptive SRPT on one machine of speed `capacity_gpus` (GPU-seconds per s).

    SRPT is optimal for total completion time on one preemptive machine, and any cluster schedule maps to a
    feasible fluid schedule of the work g*d, so this is a lower bound on the cluster's mean JCT.
    """
    order = sorted(range(len(jobs)), key=lambda i: jobs[i].submit_s)
    heap: list[tuple[float, int]] = []
    t = 0.0
    total = 0.0
    k = 0
    n = len(jobs)
    while k < n or heap:
        if not heap:
            t = max(t, jobs[order[k]].submit_s)
        while k < n and jobs[order[k]].submit_s <= t:
            j = jobs[order[k]]
            heapq.heappush(heap, (j.gpus * j.duration_s / capacity_gpus, order[k]))
            k += 1
        rem, i = heapq.heappop(heap)
        nxt = jobs[order[k]].submit_s if k < n else float("inf")
        if t + rem <= nxt:
            t += rem
            total += t - jobs[i].submit_s
        else:
            heapq.heappush(heap, (rem - (nxt - t), i))
            t = nxt
    return total / max(n, 1)


def bounds(centres: Sequence[CentreSpec], jobs: Sequence[TraceJob]) -> dict[str, float]:
    """Lower bounds on JCT, queueing, cost and carbon; upper bound on utilisation (compute.md §6.4)."""
    cap = sum(c.gpus for c in centres)
    duration = np.array([j.duration_s for j in jobs])
    gpus = np.array([j.gpus for j in jobs])
    submit = np.array([j.submit_s for j in jobs])
    hours = gpus * duration / 3600.0
    fits = np.array([[j.gpus <= c.gpus for c in centres] for j in jobs])
    price = np.array([c.price_cny_per_gpu_hour for c in centres])
    carbon = np.array([c.carbon_kg_per_gpu_hour() for c in centres])
    # upper bound on utilisation while jobs arrive: a job runs at most from its submission to the window's end
    lo, hi = float(submit.min()), float(submit.max())
    if hi - lo < 1.0:
        hi = float((submit + duration).max())
    reachable = float((gpus * np.clip(np.minimum(duration, hi - submit), 0.0, None)).sum())
    return {
        "avg_jct_s": max(float(duration.mean()), srpt_fluid_mean_jct(jobs, cap)),
        "p99_queue_s": 0.0,
        "utilisation_pct": 100.0 * min(1.0, reachable / (cap * max(hi - lo, 1e-9))),
        "cost_cny": float((hours * np.where(fits, price[None, :], np.inf).min(axis=1)).sum()),
        "carbon_kg": float((hours * np.where(fits, carbon[None, :], np.inf).min(axis=1)).sum()),
    }
