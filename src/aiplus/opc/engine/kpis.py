"""KPIs against targets: a target's value, the current figure and the share reached."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Target:
    kpi: str  # "communities", "firms", "talents"
    key: str  # the pack parameter holding the target
    min_area_m2_key: str = ""  # a parameter naming the least area a community must have to count


def progress(current: int, target: Decimal) -> Decimal | None:
    """The share of the target reached (1 = reached), to four places; None when the target is not positive."""
    if target <= 0:
        return None
    return (Decimal(current) / target).quantize(Decimal("0.0001"))
