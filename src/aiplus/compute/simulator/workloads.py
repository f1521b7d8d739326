"""Workloads for the savings study that do not need the shipped traces: a region's own job log (a CSV an official
uploads, checked row by row) and a generated workload (seeded, labelled as generated wherever it is shown).

The job log's columns (a header row, any order; other columns are ignored):

    submit_time   when the job was submitted: an ISO date-time (2026-03-02T09:30:00) or seconds from any origin
    gpus          accelerator cards the job holds, a whole number ≥ 1
    duration_s    how long it ran, in seconds (> 0); or duration_hours instead
    tenant        who submitted it (a team, a company): jobs of one tenant start at one centre (optional)

The Philly trace's own columns (timestamp, duration, num_gpus, cluster) are read as well. Pure Python, no Django.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .loaders import TraceJob

MAX_ROWS = 20_000  # the study simulates at most this many jobs (the form's bound)
MAX_GPUS = 100_000  # one job cannot hold more cards than any region registers
MAX_DURATION_S = 366 * 86_400.0  # a job longer than a year is a typing error
MAX_ERRORS = 20  # the errors reported before the check stops reading


@dataclass(frozen=True)
class RowError:
    row: int  # the line of the file (the header is line 1)
    column: str
    code: str  # "required", "not_a_number", "not_whole", "out_of_range", "not_a_time"
    value: str


class JobLogError(ValueError):
    """The log cannot be read at all (no header, no known column set, empty, too many rows)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


_SIMPLE = {"submit": "submit_time", "gpus": "gpus", "duration": "duration_s", "group": "tenant"}
_PHILLY = {"submit": "timestamp", "gpus": "num_gpus", "duration": "duration", "group": "cluster"}


def _columns(header: Sequence[str]) -> tuple[dict[str, str], float]:
    names = {h.strip().lower() for h in header}
    if {"submit_time", "gpus"} <= names and ({"duration_s"} & names or {"duration_hours"} & names):
        columns = dict(_SIMPLE)
        if "duration_s" not in names:
            return {**columns, "duration": "duration_hours"}, 3600.0
        return columns, 1.0
    if {"timestamp", "num_gpus", "duration"} <= names:
        return dict(_PHILLY), 1.0
    raise JobLogError("unknown_columns", columns=", ".join(sorted(names))[:200])


def _time(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        return number if math.isfinite(number) else None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


def parse_job_log(text: str) -> tuple[list[TraceJob], list[RowError]]:
    """The jobs of a job log and every row error (up to MAX_ERRORS); rows with an error are not taken. Times are
    shifted so the first submission is at 0."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise JobLogError("empty")
    columns, unit = _columns(header)
    index = {h.strip().lower(): k for k, h in enumerate(header)}
    rows: list[tuple[float, int, float, str, int]] = []
    errors: list[RowError] = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise JobLogError("too_many_rows", maximum=MAX_ROWS)

        def cell(key: str, cells: list[str] = cells) -> str:
            k = index.get(columns[key], -1)
            return cells[k].strip() if 0 <= k < len(cells) else ""

        found: list[RowError] = []
        submit_text, gpus_text, duration_text = cell("submit"), cell("gpus"), cell("duration")
        submit = _time(submit_text) if submit_text else None
        if not submit_text:
            found.append(RowError(line, columns["submit"], "required", ""))
        elif submit is None:
            found.append(RowError(line, columns["submit"], "not_a_time", submit_text[:40]))
        gpus = 0
        try:
            gpus_number = float(gpus_text)
        except ValueError:
            found.append(RowError(line, columns["gpus"], "required" if not gpus_text else "not_a_number",
                                  gpus_text[:40]))
        else:
            if not math.isfinite(gpus_number) or gpus_number != int(gpus_number):
                found.append(RowError(line, columns["gpus"], "not_whole", gpus_text[:40]))
            elif not 1 <= gpus_number <= MAX_GPUS:
                found.append(RowError(line, columns["gpus"], "out_of_range", gpus_text[:40]))
            else:
                gpus = int(gpus_number)
        duration = 0.0
        try:
            duration = float(duration_text) * unit
        except ValueError:
            found.append(RowError(line, columns["duration"], "required" if not duration_text else "not_a_number",
                                  duration_text[:40]))
        else:
            if not math.isfinite(duration) or not 0 < duration <= MAX_DURATION_S:
                found.append(RowError(line, columns["duration"], "out_of_range", duration_text[:40]))
        if found:
            errors.extend(found)
            if len(errors) >= MAX_ERRORS:
                break
            continue
        assert submit is not None
        rows.append((submit, gpus, duration, cell("group")[:100], line))
    if not rows and not errors:
        raise JobLogError("no_rows")
    t0 = min((r[0] for r in rows), default=0.0)
    jobs = [TraceJob(id=f"row-{line}", submit_s=submit - t0, duration_s=duration, gpus=gpus, group=group)
            for submit, gpus, duration, group, line in sorted(rows)]
    return jobs, errors[:MAX_ERRORS]


def generate(*, seed: int, jobs: int, days: float, tenants: int = 24) -> list[TraceJob]:
    """A generated workload, reproducible from its seed: Poisson arrivals over `days`, tenants of Zipf-like size
    (a few large teams, many small ones: the dispersed status quo), card counts of 1–8 mostly and a few large
    trainings, durations log-normal (a median of about 40 minutes, a long tail of day-long runs). Shapes follow the
    public cluster traces qualitatively (compute.md §4); no figure of any trace is claimed for it."""
    rng = random.Random(seed)
    weights = [1.0 / (k + 1) ** 1.1 for k in range(tenants)]
    span = days * 86_400.0
    rate = jobs / span
    t = 0.0
    out: list[TraceJob] = []
    for k in range(jobs):
        t += rng.expovariate(rate)
        tenant = rng.choices(range(tenants), weights)[0]
        gpus = rng.choices((1, 2, 4, 8, 16, 32), (52, 16, 14, 12, 4, 2))[0]
        duration = min(rng.lognormvariate(math.log(2400.0), 1.3), 3 * 86_400.0)
        out.append(TraceJob(id=f"gen-{k}", submit_s=t, duration_s=max(duration, 30.0), gpus=gpus,
                            group=f"tenant-{tenant:02d}"))
    return out
