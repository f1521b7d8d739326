"""Fixtures of the ethics review tests: a Suzhou company's committee of seven meeting the Measures, its members as
users (one from outside the company), an applicant of the company, and helpers that drive the API; and the sector
departments of the AI application register with an official in two of them (`sectors`)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

_counter = itertools.count(1)

# (role, discipline, gender, external)
SEVEN = [("chair", "science", "male", False), ("vice_chair", "ethics", "female", False),
         ("member", "law", "male", True), ("member", "science", "female", False),
         ("member", "science", "male", False), ("member", "other", "female", False),
         ("member", "ethics", "male", False)]


@dataclass
class Ethics:
    world: Any
    company: Any
    applicant: Any
    committee: Any
    members: list[Any] = field(default_factory=list)  # CommitteeMember rows, in SEVEN's order

    @property
    def chair(self) -> Any:
        return self.members[0].user


@pytest.fixture
def make_user(world: Any) -> Any:
    from aiplus.core import services as core_services

    def make(prefix: str = "ethics") -> Any:
        return core_services.create_user(acting_user=world.admin, username=f"{prefix}-{next(_counter)}",
                                         password="x-password-123")

    return make


@pytest.fixture
def ethics(world: Any, make_user: Any) -> Ethics:
    from aiplus.governance import services

    company = world.orgs["suzhou:enterprise"]
    applicant = world.user("enterprise_member")
    today = timezone.localdate()
    committee = services.create_committee(acting_user=applicant, organisation_id=company.pk, name="测试伦理委员会",
                                          established_on=today - dt.timedelta(days=40))
    result = Ethics(world=world, company=company, applicant=applicant, committee=committee)
    for role, discipline, gender, external in SEVEN:
        result.members.append(services.add_member(
            acting_user=applicant, committee_id=committee.pk, user_id=make_user().pk, role=role,
            discipline=discipline, gender=gender, external=external, term_start=today - dt.timedelta(days=30),
            term_end=today + dt.timedelta(days=3 * 365), trained_on=today - dt.timedelta(days=20),
            training="伦理审查培训"))
    return result


MATERIALS = {"overview": "活动概况", "plan": "实施方案与风险防控", "qualifications": "资质与利益冲突声明",
             "consent": "知情同意书", "commitment": "承诺书"}


@pytest.fixture
def make_application(ethics: Ethics) -> Any:
    from aiplus.governance import services

    def make(listed_item: str = "", complete: bool = True, submit: bool = True, **extra: Any) -> Any:
        given = MATERIALS if complete else {"overview": "只有概况"}
        application = services.create_application(acting_user=ethics.applicant, committee_id=ethics.committee.pk,
                                                   title=f"智能问诊系统研发{next(_counter)}",
                                                   listed_item=listed_item, **given, **extra)
        if submit:
            services.submit_application(acting_user=ethics.applicant, application_id=application.pk)
        return application

    return make


@pytest.fixture
def sectors(world: Any) -> Any:
    """Departments synced; a Suzhou official of the industry bureau (工信局) and one of the science bureau."""
    from aiplus.core import services
    from aiplus.core.models import Department, RoleAssignment
    from aiplus.core.reference import sync_departments
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    made = {}
    for code in ("sz_gxj", "sz_kjj"):
        user = services.create_user(acting_user=world.admin, username=f"official-{code}", password="x-password-123")
        assignment = services.assign_role(acting_user=world.admin, user=user, role="official", jurisdiction="suzhou")
        RoleAssignment.objects.filter(pk=assignment.pk).update(department=Department.objects.get(code=code))
        made[code] = user
    made["gxj"] = Department.objects.get(code="sz_gxj")
    made["kjj"] = Department.objects.get(code="sz_kjj")
    return made
