"""An upper bound on the GPU allocation ratio any placement policy can reach on a given arrived workload.

The bound is the LP relaxation of packing the arrived GPU pods onto the cluster's GPUs, written as an arc-flow
model (Valério de Carvalho's formulation of cutting stock): each GPU is a path from 0 to 1,000 milli-GPUs whose arcs
are the GPU shares placed on it, and the LP chooses how many GPUs follow each path.  It keeps what makes shares
waste capacity (an 810-milli share leaves 190 that only a pod of at most 190 can use) and the cluster's total CPU
and memory on GPU nodes, and relaxes the rest: node boundaries (a multi-GPU pod counts as whole GPUs anywhere), GPU
models, the arrival order and integrality.  Every real placement is a feasible point, so no policy can exceed it;
min(100 %, arrived %) is the trivial bound it tightens.

`node_type_bound` tightens it further by writing the same arc-flow once per node type, so that GPU models, each
type's CPU and memory, and which pods fit on one node of a type are respected.

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


def node_type_bound(nodes: Sequence[OpenbNode], arrived: Sequence[OpenbPod]) -> float:
    """A tighter upper bound (% of all GPUs) that respects the node types: `allocation_bound`'s arc-flow over GPU
    shares, written once per node type (GPU model, CPU, memory, GPU count) instead of over one pool of GPUs.

    A pod may use a type only when the type's model is one it accepts and one node of the type can hold it (its
    CPU, memory and GPU count each within one node's); each type's GPUs, CPU and memory bound what its pods take;
    and a pod needing more than half of a node's CPU, memory or GPUs takes a node of its own (at most one such pod
    per node).  What stays relaxed: how the type's nodes share the rest of their capacity among themselves, the
    arrival order and integrality.  Every real placement is a feasible point, so no policy can exceed it, and it is
    never above `allocation_bound` (which relaxes more).
    """
    gpu_nodes = [n for n in nodes if n.gpus]
    gpus = sum(n.gpus for n in gpu_nodes)
    if gpus == 0:
        return 0.0
    gpu_pods = [p for p in arrived if p.num_gpu > 0 and p.gpu_milli > 0]
    if not gpu_pods:
        return 0.0
    unit = _unit(gpu_pods)
    size = MILLI // unit
    types = sorted(Counter((n.model, n.cpu_milli, n.memory_mib, n.gpus) for n in gpu_nodes).items())
    classes = sorted(Counter((p.num_gpu, p.gpu_milli, p.cpu_milli, p.memory_mib, tuple(sorted(p.gpu_spec)))
                             for p in gpu_pods).items())

    # Variables, in three blocks: z[k, t] GPU-items (one GPU's share of a pod) of class k on nodes of type t;
    # y[t, s, u] type-t GPUs carrying a share of s units at offset u (a multi-GPU pod's every GPU is whole, so it
    # sits at offset 0 as s = size); w[t, u] type-t GPUs whose path ends at u.  Splitting z from y keeps the LP
    # small: the arc-flow runs over the distinct shares, not over every class.
    zk: list[int] = []
    zt: list[int] = []
    for t, ((model, cpu, mem, g), _) in enumerate(types):
        for k, ((pgpus, _milli, pcpu, pmem, spec), _) in enumerate(classes):
            if not ((spec and model not in spec) or pgpus > g or pcpu > cpu or pmem > mem):
                zk.append(k)
                zt.append(t)
    ks, ts = np.array(zk, dtype=np.int64), np.array(zt, dtype=np.int64)
    num = np.array([c[0][0] for c in classes])[ks]
    share = np.where(num > 1, size, np.array([c[0][1] for c in classes])[ks] // unit)
    cpu_per = np.array([c[0][2] for c in classes])[ks] / num
    mem_per = np.array([c[0][3] for c in classes])[ks] / num
    arcs = sorted({(int(t), int(a)) for t, a in zip(ts, share, strict=True)})
    arc_id = {ta: i for i, ta in enumerate(arcs)}
    yt = np.array([t for (t, a) in arcs for _ in range(size - a + 1)], dtype=np.int64)
    ya = np.array([a for (t, a) in arcs for _ in range(size - a + 1)], dtype=np.int64)
    yu = np.array([u for (t, a) in arcs for u in range(size - a + 1)], dtype=np.int64)
    yarc = np.array([arc_id[(t, a)] for (t, a) in arcs for _ in range(size - a + 1)], dtype=np.int64)
    n_z, n_y, n_t = len(ks), len(yt), len(types)
    n_w = n_t * size
    n_var = n_z + n_y + n_w

    # Equalities: flow conservation per type at offsets 0..size-1 (rows t * size + u; -G_t at 0), then one row
    # per (type, share) tying the arcs to the items placed.
    jy = n_z + np.arange(n_y)
    inner = yu + ya < size
    t_rep = np.repeat(np.arange(n_t), size)
    u_rep = np.tile(np.arange(size), n_t)
    link = n_t * size + np.array([arc_id[(int(t), int(a))] for t, a in zip(ts, share, strict=True)], dtype=np.int64)
    rows = np.concatenate([yt * size + yu, (yt * size + yu + ya)[inner], t_rep * size + u_rep,
                           n_t * size + yarc, link])
    cols = np.concatenate([jy, jy[inner], n_z + n_y + np.arange(n_w), jy, np.arange(n_z)])
    vals = np.concatenate([-np.ones(n_y), np.ones(int(inner.sum())), -np.ones(n_w), np.ones(n_y), -np.ones(n_z)])
    a_eq = sparse.csr_matrix((vals, (rows, cols)), shape=(n_t * size + len(arcs), n_var))
    b_eq = np.zeros(n_t * size + len(arcs))
    for t, ((_, _, _, g), count) in enumerate(types):
        b_eq[t * size] = -g * count

    # Inequalities: each class's arrived GPU-items; each type's CPU and memory; each type's "big" pods (more than
    # half a node in some resource: one per node), counted in pods (a pod's items / its GPUs).
    n_k = len(classes)
    jz = np.arange(n_z)
    type_cpu = np.array([t[0][1] for t in types])[ts]
    type_mem = np.array([t[0][2] for t in types])[ts]
    type_gpus = np.array([t[0][3] for t in types])[ts]
    big = (2 * cpu_per * num > type_cpu) | (2 * mem_per * num > type_mem) | (2 * num > type_gpus)
    a_ub = sparse.csr_matrix(
        (
            np.concatenate([np.ones(n_z), cpu_per, mem_per, 1.0 / num[big]]),
            (np.concatenate([ks, n_k + ts, n_k + n_t + ts, n_k + 2 * n_t + ts[big]]),
             np.concatenate([jz, jz, jz, jz[big]])),
        ),
        shape=(n_k + 3 * n_t, n_var),
    )
    b_ub = np.concatenate([
        [float(c[0][0] * c[1]) for c in classes],
        [float(t[0][1] * t[1]) for t in types],
        [float(t[0][2] * t[1]) for t in types],
        [float(t[1]) for t in types],
    ])
    objective = np.concatenate([-share.astype(np.float64) * unit, np.zeros(n_y + n_w)])
    res = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"node-type bound LP did not solve: {res.message}")
    return min(100.0, 100.0 * -float(res.fun) / (gpus * MILLI))


def node_type_bounds(
    nodes: Sequence[OpenbNode], pods: Sequence[OpenbPod], seed: int, loads_pct: Sequence[int] = (100, 130)
) -> dict[int, float]:
    """`node_type_bound` at each load level of `allocation_curve` for the same seed (the same arrived pods)."""
    capacity = MILLI * sum(n.gpus for n in nodes)
    workload = inflate(pods, capacity, max(loads_pct) / 100.0, np.random.default_rng(seed))
    return {level: node_type_bound(nodes, workload[:n])
            for level, n in level_crossings(workload, capacity, loads_pct).items()}
