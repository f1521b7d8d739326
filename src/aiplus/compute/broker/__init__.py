"""Compute broker: places AI jobs onto (centre, accelerator pool) pairs. Pure Python, no Django."""

from .engine import BrokerOptions, lagrangian_bound, solve
from .model import (
    BrokerResult,
    Centre,
    Job,
    Placement,
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
    "Job",
    "Placement",
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
