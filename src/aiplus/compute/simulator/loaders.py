"""Trace loaders. Every loader takes a path; no trace data lives in the repository.

Column layouts follow the upstream READMEs as summarised in shared/reference/compute.md §4:
- openb nodes:  sn,cpu_milli,memory_mib,gpu,model
- openb pods:   name,cpu_milli,memory_mib,num_gpu,gpu_milli
                [,gpu_spec,qos,pod_phase,creation_time,deletion_time,...]
- Philly (AdaptDL-derived): timestamp,duration,num_gpus,gpu_time,cluster
- PAI-2020 task table (headerless upstream): job_name,task_name,inst_num,status,start_time,end_time,
  plan_cpu,plan_mem,plan_gpu,gpu_type   (plan_gpu in percent of one GPU, per instance)
- Helios: job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue
- Acme:   job_id,user,node_num,gpu_num,cpu_num,type,state,submit_time,start_time,end_time,duration,
          queue,gpu_time
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class OpenbNode:
    name: str
    cpu_milli: int
    memory_mib: int
    gpus: int
    model: str


@dataclass(frozen=True)
class OpenbPod:
    name: str
    cpu_milli: int
    memory_mib: int
    num_gpu: int
    gpu_milli: int
    gpu_spec: frozenset[str]
    creation_time: float = 0.0
    deletion_time: float = 0.0


@dataclass(frozen=True)
class TraceJob:
    """A GPU job as the queueing simulator sees it. Times in seconds from the trace's first submission."""

    id: str
    submit_s: float
    duration_s: float
    gpus: int
    group: str = ""
    gpu_type: str = ""


def _rows(path: Path | str) -> Iterator[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _int(value: str | None, default: int = 0) -> int:
    if value is None or value.strip() in ("", "nan", "NaN", "None"):
        return default
    return int(float(value))


def _float(value: str | None) -> float | None:
    if value is None or value.strip() in ("", "nan", "NaN", "None"):
        return None
    return float(value)


def load_openb_nodes(path: Path | str) -> list[OpenbNode]:
    return [
        OpenbNode(
            name=r["sn"],
            cpu_milli=_int(r["cpu_milli"]),
            memory_mib=_int(r["memory_mib"]),
            gpus=_int(r["gpu"]),
            model=(r.get("model") or "").strip(),
        )
        for r in _rows(path)
    ]


def load_openb_pods(path: Path | str) -> list[OpenbPod]:
    pods = []
    for r in _rows(path):
        num_gpu = _int(r["num_gpu"])
        spec = (r.get("gpu_spec") or "").strip()
        pods.append(
            OpenbPod(
                name=r["name"],
                cpu_milli=_int(r["cpu_milli"]),
                memory_mib=_int(r["memory_mib"]),
                num_gpu=num_gpu,
                # Shared pods carry gpu_milli < 1000; whole-GPU pods 1000; CPU pods none.
                gpu_milli=_int(r.get("gpu_milli"), 1000 if num_gpu else 0) if num_gpu else 0,
                gpu_spec=frozenset(s for s in spec.split("|") if s and s != "nan"),
                creation_time=float(_float(r.get("creation_time")) or 0.0),
                deletion_time=float(_float(r.get("deletion_time")) or 0.0),
            )
        )
    return pods


def _time(value: str | None) -> float | None:
    """Epoch seconds or an ISO-like timestamp ("2020-04-01 00:00:07")."""
    if value is None or value.strip() in ("", "nan", "NaN", "None", "NaT"):
        return None
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        return datetime.fromisoformat(text).timestamp()


def _rebase(jobs: list[TraceJob]) -> list[TraceJob]:
    if not jobs:
        return jobs
    t0 = min(j.submit_s for j in jobs)
    out = [TraceJob(j.id, j.submit_s - t0, j.duration_s, j.gpus, j.group, j.gpu_type) for j in jobs]
    out.sort(key=lambda j: (j.submit_s, j.id))
    return out


def load_philly(path: Path | str) -> list[TraceJob]:
    jobs = []
    for i, r in enumerate(_rows(path)):
        submit = _time(r["timestamp"])
        duration = _float(r["duration"])
        if submit is None or duration is None:
            continue
        jobs.append(
            TraceJob(f"philly-{i}", submit, duration, max(1, _int(r["num_gpus"], 1)), r.get("cluster", ""))
        )
    return _rebase(jobs)


PAI_TASK_COLUMNS = (
    "job_name",
    "task_name",
    "inst_num",
    "status",
    "start_time",
    "end_time",
    "plan_cpu",
    "plan_mem",
    "plan_gpu",
    "gpu_type",
)


def load_pai2020(path: Path | str, only_terminated: bool = True) -> list[TraceJob]:
    """PAI-2020 `pai_task_table`; one TraceJob per task, GPUs = inst_num x plan_gpu / 100 (rounded up)."""
    jobs = []
    with open(path, newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.reader(fh)):
            if not row or (i == 0 and row[0] == "job_name"):
                continue
            r = dict(zip(PAI_TASK_COLUMNS, row, strict=False))
            if only_terminated and r.get("status") not in (None, "Terminated"):
                continue
            start, end = _time(r.get("start_time")), _time(r.get("end_time"))
            plan_gpu = _float(r.get("plan_gpu")) or 0.0
            inst = _int(r.get("inst_num"), 1)
            if start is None or end is None or end < start or plan_gpu <= 0:
                continue
            gpus = max(1, math.ceil(inst * plan_gpu / 100.0 - 1e-9))
            jobs.append(
                TraceJob(
                    f"{r['job_name']}/{r['task_name']}", start, end - start, gpus, "", r.get("gpu_type", "")
                )
            )
    return _rebase(jobs)


def _load_submit_style(path: Path | str, group_field: str, prefix: str) -> list[TraceJob]:
    jobs = []
    for r in _rows(path):
        gpus = _int(r.get("gpu_num"))
        submit = _time(r.get("submit_time"))
        duration = _float(r.get("duration"))
        if duration is None:
            start, end = _time(r.get("start_time")), _time(r.get("end_time"))
            duration = None if start is None or end is None else end - start
        if gpus <= 0 or submit is None or duration is None or duration < 0:
            continue
        jobs.append(TraceJob(f"{prefix}-{r['job_id']}", submit, duration, gpus, r.get(group_field, "")))
    return _rebase(jobs)


def load_helios(path: Path | str) -> list[TraceJob]:
    """Helios (SenseTime) cluster_log.csv; GPU jobs only, grouped by virtual cluster."""
    return _load_submit_style(path, "vc", "helios")


def load_acme(path: Path | str) -> list[TraceJob]:
    """Acme (Shanghai AI Lab) trace_{seren,kalos}.csv; GPU jobs only, grouped by job type."""
    return _load_submit_style(path, "type", "acme")
