"""Seeded, reproducible sampling of bank items (pure): the same ids, size and seed always give the same sample,
whatever order the ids come in."""

from __future__ import annotations

import random
from collections.abc import Iterable


def sample(ids: Iterable[int], size: int, seed: int) -> list[int]:
    """`size` ids drawn without replacement (all of them when there are fewer), in the order drawn."""
    pool = sorted(set(ids))
    if size < 0:
        raise ValueError("size must not be negative")
    return random.Random(seed).sample(pool, min(size, len(pool)))
