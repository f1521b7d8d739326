"""Compute broker: places AI jobs onto (centre, accelerator pool) pairs. Pure Python, no Django."""

from .engine import BrokerOptions, lagrangian_bound, solve
from .model import (
    BrokerResult,
    Centre,
    Explanation,
    Job,
    Placement,
    PlacementCode,
    Pool,
    Preferences,
    RegionLevel,
    Residency,
    SolveStats,
    Unplaced,
    UnplacedCode,
    VoucherPool,
    to_cny,
)

__all__ = [
    "BrokerOptions",
    "BrokerResult",
    "Centre",
    "Explanation",
    "Job",
    "Placement",
    "PlacementCode",
    "Pool",
    "Preferences",
    "RegionLevel",
    "Residency",
    "SolveStats",
    "Unplaced",
    "UnplacedCode",
    "VoucherPool",
    "lagrangian_bound",
    "solve",
    "to_cny",
]
