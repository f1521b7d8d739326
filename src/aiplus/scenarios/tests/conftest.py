"""Fixtures of the scenarios tests."""

from __future__ import annotations

import pytest

from aiplus.scenarios import services
from aiplus.scenarios.testing import experts, open_call, published_need, suppliers


@pytest.fixture
def call_world(world, make_org):
    need = published_need(world)
    drawn_pool = experts(world, 6)
    supplier_list = suppliers(world, make_org, 2)
    call = open_call(world, need)
    for org, user in supplier_list:
        services.apply_to_call(acting_user=user, call_id=call.pk, need_id=need.pk, organisation_id=org.pk,
                               proposal="基于深度学习的缺陷检测方案")
    return world, need, call, drawn_pool, supplier_list
