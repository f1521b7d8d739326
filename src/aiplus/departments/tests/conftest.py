"""Fixtures of the departments tests: the packs' departments and duties loaded, officials placed in departments
with heads, and an incident that brings work to the queue of the department handling incidents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone


@dataclass
class Staff:
    world: Any
    departments: dict[str, Any]
    head: dict[str, Any]

    def dept(self, code: str) -> Any:
        return self.departments[code]


def load_duties() -> None:
    from aiplus.core.reference import sync_departments
    from aiplus.departments.reference import sync
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    sync(packset=active_packs())


def make_official(world: Any, username: str, place: str = "suzhou") -> Any:
    from aiplus.core import services

    user = services.create_user(acting_user=world.admin, username=username, password="x-password-123")
    services.assign_role(acting_user=world.admin, user=user, role="official", jurisdiction=place)
    return user


@pytest.fixture
def staff(world: Any) -> Staff:
    """The Suzhou development and reform commission (lead), cyberspace office and market regulator, each with a
    head; the world's Suzhou official works in the cyberspace office."""
    from aiplus.core.models import Department
    from aiplus.departments import services

    load_duties()
    departments = {d.code: d for d in Department.objects.all()}
    heads = {}
    for code in ("sz_fgw", "sz_cac", "sz_scjgj", "gd_fgw", "gd_cac"):
        place = "suzhou" if code.startswith("sz") else "guangdong"
        head = make_official(world, f"head-{code}", place)
        services.add_member(acting_user=world.admin, department_id=departments[code].pk, user_id=head.pk)
        services.appoint_head(acting_user=world.admin, department_id=departments[code].pk, user_id=head.pk)
        heads[code] = head
    services.add_member(acting_user=world.admin, department_id=departments["sz_cac"].pk,
                        user_id=world.user("official").pk)
    return Staff(world=world, departments=departments, head=heads)


@pytest.fixture
def incident(staff: Staff) -> Any:
    """An incident the Suzhou enterprise reports: work for whoever handles incidents in Suzhou."""
    from aiplus.governance.incident_services import report_incident

    world = staff.world
    return report_incident(acting_user=world.user("enterprise_member"),
                           organisation_id=world.orgs["suzhou:enterprise"].pk, title="模型输出泄露用户信息",
                           description="客服模型在回答中输出了其他用户的手机号。",
                           discovered_at=timezone.now() - dt.timedelta(hours=1))
