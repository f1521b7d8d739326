"""Greedy placement: the fallback when the MILP runs out of time, and the baseline it is measured against.

Jobs are taken in order of regret (how much worse their second-best pool is than their best), so jobs with
one good option claim it before flexible jobs do; each goes to its best pool that still has room.
"""

from __future__ import annotations

import numpy as np

from .compile import Compiled, FloatArray, IntArray


def greedy_assign(prob: Compiled, rows: IntArray, capacity: FloatArray, vrem: FloatArray) -> IntArray:
    """Assigns `rows` in place against `capacity` and `vrem` (both consumed); returns pool index or -1."""
    assign = np.full(len(rows), -1, dtype=np.int64)
    if len(rows) == 0 or len(prob.pools) == 0:
        return assign
    score = prob.score[rows]
    order_pools = np.argsort(score, axis=1, kind="stable")
    sorted_scores = np.take_along_axis(score, order_pools, axis=1)
    second = sorted_scores[:, 1] if score.shape[1] > 1 else np.full(len(rows), np.inf)
    regret = np.where(np.isfinite(second), second - sorted_scores[:, 0], 1e9)
    cards = prob.cards[rows]
    vindex = prob.voucher_index[rows]
    for local in np.argsort(-regret, kind="stable"):
        i = rows[local]
        need = cards[local]
        vi = int(vindex[local])
        for p in order_pools[local]:
            if not np.isfinite(score[local, p]):
                break
            if capacity[p] < need:
                continue
            if vi >= 0 and prob.subsidy[i, p] > vrem[vi] + 1e-9:
                continue
            capacity[p] -= need
            if vi >= 0:
                vrem[vi] -= prob.subsidy[i, p]
            assign[local] = p
            break
    return assign
