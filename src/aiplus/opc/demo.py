"""Demo OPC data (fictional): the demo founder's one-person company registered and admitted to a community in its
city, run by a demo park (see `portal/demo.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from aiplus.opc import register, services


def seed(context: Any) -> None:
    founder = context.people.get("opc-suzhou")
    opcs = context.organisations.get("opc") or []
    if founder is None or not opcs:
        return
    opc = opcs[0]
    official = context.people.get("official-suzhou")
    if official is None or register.definition_pack(opc.jurisdiction_id) != "suzhou":
        return
    operator = (context.organisations.get("park") or context.organisations.get("enterprise") or [None])[0]
    if operator is None:
        return
    profile = services.register_opc(acting_user=founder, organisation_id=opc.pk, founders=["吴凡"], headcount=3,
                                    ai_tools=["foundation_model_api", "ai_coding", "agents"], stage="prototype",
                                    registered_on=timezone.localdate() - dt.timedelta(days=60))
    community = services.create_community(acting_user=official, name="苏州工业园区OPC社区（演示）",
                                          operator_id=operator.pk, jurisdiction="suzhou", area_m2="12000", seats=120,
                                          services=["private_office", "shared_desk", "compute", "financing"],
                                          bundle="suzhou.opc_community")
    residency = services.apply_residency(acting_user=founder, community_id=community.pk, profile_id=profile.pk,
                                         term_months=12, note="需要一个独立工位")
    services.decide_residency(acting_user=official, residency_id=residency.pk, admit=True, seat="A-101")
    context.count("opc_profiles")
    context.count("opc_communities")
