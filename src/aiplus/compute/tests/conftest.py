"""A small compute network: Suzhou and Shenzhen centres, a Suzhou voucher programme and quota."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@dataclass
class Net:
    world: Any
    sz_centre: Any
    sz_pool: Any
    sz_domestic: Any
    gd_centre: Any
    gd_pool: Any
    programme: Any
    quota: Any


@pytest.fixture
def net(world: Any) -> Net:
    return build_net(world)


def build_net(world: Any) -> Net:
    from aiplus.compute import services

    provider, gd_provider = world.user("provider", "suzhou"), world.user("provider", "shenzhen")
    sz_org, gd_org = world.orgs["suzhou:provider"], world.orgs["shenzhen:provider"]
    sz_centre = services.register_centre(
        acting_user=provider, operator_id=sz_org.pk, name="苏州智算中心", jurisdiction="suzhou-sip",
        pue="1.25", green_power_share="0.4", grid_carbon_kg_per_kwh="0.58", certifications=["GB/T 32910"])
    sz_pool = services.add_pool(acting_user=provider, centre_id=sz_centre.pk, accelerator_model="nvidia-a800",
                                cards=64, memory_gb=80, price_cny_per_card_hour="12.00", available_cards=48)
    sz_domestic = services.add_pool(acting_user=provider, centre_id=sz_centre.pk, accelerator_model="ascend-910b",
                                    cards=128, memory_gb=64, price_cny_per_card_hour="8.00")
    gd_centre = services.register_centre(
        acting_user=gd_provider, operator_id=gd_org.pk, name="深圳智算中心", jurisdiction="shenzhen",
        pue="1.30", green_power_share="0.3", grid_carbon_kg_per_kwh="0.50")
    gd_pool = services.add_pool(acting_user=gd_provider, centre_id=gd_centre.pk, accelerator_model="nvidia-a800",
                                cards=32, memory_gb=80, price_cny_per_card_hour="9.00")
    services.set_latency(acting_user=provider, centre_id=sz_centre.pk, region="suzhou", latency_ms="2")
    official = world.user("official", "suzhou")
    programme = services.create_programme(
        acting_user=official, name="苏州算力券2026", jurisdiction="suzhou",
        parameter_prefix="vouchers.suzhou_compute", budget_cny="1000000", valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 12, 31), eligible_provider_ids=[sz_org.pk, gd_org.pk])
    quota = services.issue_quota(acting_user=official, programme_id=programme.pk,
                                 organisation_id=world.orgs["suzhou:enterprise"].pk, amount_cny=Decimal("50000"))
    return Net(world, sz_centre, sz_pool, sz_domestic, gd_centre, gd_pool, programme, quota)


@pytest.fixture
def immediate_tasks() -> Any:
    with override_settings(TASKS=IMMEDIATE):
        yield
