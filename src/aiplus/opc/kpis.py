"""Community KPIs (occupancy, firms, talents) and a jurisdiction's OPC figures against the packs' targets.

Counted from the register: communities recognised in the jurisdiction and below (only those of at least the set area
where a target says so), OPCs registered there that meet the working definition, and their headcount (the
platform's measure of OPC talents). Each target is a pack parameter shown with its source (`|cite`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from aiplus.core import permissions
from aiplus.core.models import Jurisdiction
from aiplus.opc import register
from aiplus.opc.engine import progress
from aiplus.opc.models import Community, Profile
from aiplus.regulation.runtime import parameters


@dataclass
class Row:
    kpi: str
    label: Any
    current: int
    target: Any  # the parameter version (value, status, citation)
    target_value: Decimal
    reached: Decimal | None
    condition: Any = None  # the least area's parameter version, when the target counts only large communities


def jurisdiction_rows(place: Jurisdiction, on: dt.date | None = None) -> list[Row]:
    """The jurisdiction's OPC figures against each target the packs set for it (none: an empty list)."""
    on = on or timezone.localdate()
    ids = permissions.jurisdiction_ids_in_scope(place.pk)
    communities = Community.objects.filter(jurisdiction_id__in=ids)
    members = Profile.objects.filter(organisation__jurisdiction_id__in=ids, meets_definition=True)
    rows = []
    for target in register.TARGETS.get(place.code, ()):
        try:
            version = parameters().version(target.key, on)
        except LookupError:
            continue
        condition = None
        if target.kpi == "communities":
            counted = communities
            if target.min_area_m2_key:
                condition = parameters().version(target.min_area_m2_key, on)
                counted = counted.filter(area_m2__gte=condition.decimal)
            current = counted.count()
        elif target.kpi == "firms":
            current = members.count()
        else:
            current = int(members.aggregate(n=Sum("headcount"))["n"] or 0)
        value = version.decimal
        rows.append(Row(target.kpi, register.KPI_LABELS[target.kpi], current, version, value,
                        progress(current, value), condition))
    return rows


def targeted_places() -> list[Jurisdiction]:
    return list(Jurisdiction.objects.filter(code__in=list(register.TARGETS)).order_by("code"))


def occupancy(seats: int, occupied: int) -> Decimal:
    return (Decimal(occupied) / Decimal(seats)).quantize(Decimal("0.0001")) if seats else Decimal(0)
