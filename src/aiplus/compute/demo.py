"""Demo compute network: centres with pools in Suzhou and Guangdong, a Suzhou voucher programme with a quota, a
job request placed by the broker in the background, and metered usage, so that `make run` shows the capacity map,
the provider, request and voucher pages with content (see `portal/demo.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiplus.compute import request_broker, services
from aiplus.compute.models import Placement

# (name, jurisdiction, location, PUE, green share, grid kgCO2/kWh, lat, lon, pools: (model, cards, GB, price, free))
CENTRES = [
    ("苏州工业园区智算中心", "suzhou-sip", "苏州工业园区星湖街", "1.25", "0.35", "0.5703", "31.30", "120.74",
     [("ascend-910b", 512, 64, "9.80", 180), ("nvidia-a800", 128, 80, "14.50", 24)]),
    ("昆山智算中心", "suzhou-kunshan", "昆山市花桥镇", "1.30", "0.20", "0.5703", "31.38", "121.05",
     [("hygon-k100", 256, 64, "6.20", 120)]),
    ("广州南沙智算中心", "guangzhou", "广州市南沙区", "1.18", "0.45", "0.4403", "22.80", "113.53",
     [("ascend-910b", 1024, 64, "8.60", 600), ("nvidia-h20", 256, 96, "11.00", 90)]),
]


def seed(context: Any) -> None:
    people = context.people
    provider, official, member = people["provider-compute"], people["official-suzhou"], people["enterprise-suzhou"]
    operator = provider.role_assignments.filter(organisation__isnull=False).first().organisation
    member_org = member.role_assignments.filter(organisation__isnull=False).first().organisation

    pools = []
    for name, place, location, pue, green, carbon, lat, lon, pool_rows in CENTRES:
        centre = services.register_centre(
            acting_user=provider, operator_id=operator.pk, name=name, jurisdiction=place, location=location, pue=pue,
            green_power_share=green, grid_carbon_kg_per_kwh=carbon, certifications=["GB 40879-2021 一级能效"],
            latitude=lat, longitude=lon)
        for model, cards, memory, price, free in pool_rows:
            pools.append(services.add_pool(acting_user=provider, centre_id=centre.pk, accelerator_model=model,
                                           cards=cards, memory_gb=memory, price_cny_per_card_hour=price,
                                           available_cards=free, interconnect="RoCE 200G"))
    context.count("compute centres", len(CENTRES))

    today = dt.date.today()
    programme = services.create_programme(
        acting_user=official, name=f"{today.year}年苏州市算力券（演示）", jurisdiction="suzhou",
        parameter_prefix="vouchers.suzhou_compute", budget_cny="5000000", valid_from=dt.date(today.year, 1, 1),
        valid_until=dt.date(today.year, 12, 31), eligible_provider_ids=[operator.pk])
    quota = services.issue_quota(acting_user=official, programme_id=programme.pk, organisation_id=member_org.pk,
                                 amount_cny="200000")
    context.count("voucher programmes")

    request = services.submit_request(
        acting_user=member, organisation_id=member_org.pk, title="缺陷检测模型微调", accepted_models=["ascend-910b"],
        cards=16, hours=72, budget_cny="20000", residency_level="city", residency_region="suzhou", quota_id=quota.pk)
    # Placed now, as the background job would place it (the job, when a worker runs it, finds the request placed
    # and settles), so that the seeded demo shows every stage of the voucher journey on the day it is seeded:
    # a request placed, its usage metered by the provider, the voucher redeemed against it, the ledger moved.
    services.apply_placement(acting_user=None, request_id=request.pk, result=request_broker.solve_request(request.pk))
    context.count("compute requests")

    placement = Placement.objects.select_related("pool").get(request=request)
    usage, _created = services.record_usage(
        acting_user=provider, record_id=f"DEMO-{today.year}-0001", pool_id=placement.pool_id,
        card_hours=str(request.cards * request.hours), amount_cny=str(placement.cost_cny),
        period_end=today.isoformat(), request_id=request.pk, invoice_number=f"DEMO-INV-{today.year}-0001")
    services.redeem(acting_user=member, usage_id=usage.pk, quota_id=quota.pk)
    context.count("usage records")
    context.count("voucher redemptions")
