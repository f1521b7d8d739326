"""The OPC world: a Suzhou one-person company with its founder, a park that operates communities with its operator,
and a Shenzhen one-person company (for the jurisdiction and organisation boundaries)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class OpcWorld:
    world: Any
    opc: Any
    founder: Any
    park: Any
    operator: Any
    shenzhen_opc: Any
    shenzhen_founder: Any


@pytest.fixture
def opc_world(world: Any, make_org: Any) -> OpcWorld:
    from aiplus.core import services

    admin = make_org.admin

    def person(name: str, organisation: Any) -> Any:
        user = services.create_user(acting_user=admin, username=name, password="x-password-123")
        services.assign_role(acting_user=admin, user=user, role="enterprise_member", organisation_id=organisation.pk)
        return user

    opc = make_org("suzhou", "opc", name="苏州智影一人公司")
    park = make_org("suzhou", "park", name="苏州OPC社区运营有限公司")
    shenzhen_opc = make_org("shenzhen", "opc", name="深圳独行智能一人公司")
    return OpcWorld(world, opc, person("opc-founder", opc), park, person("opc-operator", park), shenzhen_opc,
                    person("opc-shenzhen-founder", shenzhen_opc))
