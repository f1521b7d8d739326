"""An upper bound on the GPU allocation ratio any placement policy can reach on a given arrived workload.

The bound is the LP relaxation of packing the arrived GPU pods onto the cluster's GPUs, written as an arc-flow
model (Valério de Carvalho's formulation of cutting stock): each GPU is a path from 0 to 1,000 milli-GPUs whose arcs
are the GPU shares placed on it, and the LP chooses how many GPUs follow each path.  It keeps what makes shares
waste capacity (an 810-milli share leaves 190 that only a pod of at most 190 can use) and the cluster's total CPU
and memory on GPU nodes, and relaxes the rest: node boundaries (a multi-GPU pod counts as whole GPUs anywhere), GPU
models, the arrival order and integrality.  Every real placement is a feasible point, so no policy can exceed it;
min(100 %, arrived %) is the trivial bound it tightens.

Pure (numpy, scipy's HiGHS); no Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .loaders import OpenbNode, OpenbPod
from .placement import inflate, level_crossings

MILLI = 1000


def _unit(pods: Sequence[OpenbPod]) -> int:
    """The largest step (in milli-GPUs) that divides every share: openb's shares are multiples of 10."""
    unit = MILLI
    for p in pods:
        if p.num_gpu:
            unit = int(np.gcd(unit, p.gpu_milli))
    return max(unit, 1)


def allocation_bound(nodes: Sequence[OpenbNode], arrived: Sequence[OpenbPod]) -> float:
    """Upper bound (% of all GPUs) on the GPU capacity that can be allocated to `arrived`."""
    gpus = sum(n.gpus for n in nodes)
    if gpus == 0:
        return 0.0
    gpu_pods = [p for p in arrived if p.num_gpu > 0 and p.gpu_milli > 0]
    if not gpu_pods:
        return 0.0
    unit = _unit(gpu_pods)
    size = MILLI // unit
    # One item per GPU a pod occupies: (share in units, CPU and memory per GPU) -> how many such items arrived.
    items: Counter[tuple[int, float, float]] = Counter()
    for p in gpu_pods:
        items[(p.gpu_milli // unit, p.cpu_milli / p.num_gpu, p.memory_mib / p.num_gpu)] += p.num_gpu
    shapes = sorted(items)

    # Variables: x[k, u] (item k placed at offset u on some GPUs), then w[u] (GPUs whose path ends at u).
    columns: list[tuple[int, int]] = [(k, u) for k, (a, _, _) in enumerate(shapes) for u in range(size - a + 1)]
    n_x, n_w = len(columns), size
    col_k = np.array([k for k, _ in columns])
    col_u = np.array([u for _, u in columns])
    col_a = np.array([shapes[k][0] for k in col_k])

    # Flow conservation at offsets 0..size-1: inflow - outflow = -G at 0 and 0 elsewhere.
    rows, cols, vals = [], [], []
    for j in range(n_x):
        rows.append(col_u[j])
        cols.append(j)
        vals.append(-1.0)
        if col_u[j] + col_a[j] < size:
            rows.append(col_u[j] + col_a[j])
            cols.append(j)
            vals.append(1.0)
    for u in range(size):
        rows.append(u)
        cols.append(n_x + u)
        vals.append(-1.0)
    a_eq = sparse.csr_matrix((vals, (rows, cols)), shape=(size, n_x + n_w))
    b_eq = np.zeros(size)
    b_eq[0] = -gpus

    # At most the arrived items of each shape; the GPU nodes' total CPU and memory.
    ub_rows, ub_cols, ub_vals = [], [], []
    for j in range(n_x):
        ub_rows += [col_k[j], len(shapes), len(shapes) + 1]
        ub_cols += [j, j, j]
        ub_vals += [1.0, shapes[col_k[j]][1], shapes[col_k[j]][2]]
    a_ub = sparse.csr_matrix((ub_vals, (ub_rows, ub_cols)), shape=(len(shapes) + 2, n_x + n_w))
    b_ub = np.array(
        [float(items[s]) for s in shapes]
        + [float(sum(n.cpu_milli for n in nodes if n.gpus)), float(sum(n.memory_mib for n in nodes if n.gpus))]
    )
    objective = np.concatenate([-col_a.astype(np.float64) * unit, np.zeros(n_w)])
    res = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"allocation bound LP did not solve: {res.message}")
    return min(100.0, 100.0 * -float(res.fun) / (gpus * MILLI))


def allocation_bounds(
    nodes: Sequence[OpenbNode], pods: Sequence[OpenbPod], seed: int, loads_pct: Sequence[int] = (100, 130)
) -> dict[int, float]:
    """The bound at each load level of `allocation_curve` for the same seed (the same arrived pods)."""
    capacity = MILLI * sum(n.gpus for n in nodes)
    workload = inflate(pods, capacity, max(loads_pct) / 100.0, np.random.default_rng(seed))
    return {level: allocation_bound(nodes, workload[:n])
            for level, n in level_crossings(workload, capacity, loads_pct).items()}
