"""Fixtures of the sandbox tests: an expert pool in Suzhou (one expert on the applying company's staff, who must
never be drawn) and helpers that drive the API from application to admission."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.testing import operation, signed_in

FIELD = "industry.manufacturing"


def post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


@dataclass
class Sandbox:
    world: Any
    company: Any
    member: Any
    official: Any
    staff_expert: Any  # an expert employed by the applying company

    def apply(self, **extra: Any) -> dict[str, Any]:
        answer = post(signed_in(self.member), "aiplus_sandbox_api_apply", {
            "organisation_id": self.company.pk, "title": "无人配送车城区道路测试",
            "innovation": "L4级无人配送车在城区开放道路配送", "legal_gap": "现行道路交通规定未覆盖无人配送车上路",
            "risk_controls": "安全员远程监控、限速20公里", "planned_users": 5000, "geography": "苏州工业园区",
            "planned_days": 365, "exit_plan": "测试结束后回收车辆并提交评估报告",
            **extra})
        assert answer.status_code == 201, answer.content
        return answer.json()  # type: ignore[no-any-return]

    def backdate(self, application_id: int, days: int) -> None:
        """The application was made `days` ago (so that its term may have started in the past)."""
        from aiplus.sandbox.models import SandboxApplication

        SandboxApplication.objects.filter(pk=application_id).update(
            created_at=timezone.now() - dt.timedelta(days=days))

    def draw(self, application_id: int, size: int = 3) -> dict[str, Any]:
        answer = post(signed_in(self.official), "aiplus_sandbox_api_draw_panel", {"fields": [FIELD], "size": size},
                      application_id=application_id)
        assert answer.status_code == 200, answer.content
        return answer.json()  # type: ignore[no-any-return]

    def vote(self, application_id: int, panel: list[int], admit: int) -> None:
        """Each drawn expert signs in and votes themself: the first `admit` of them admit, the others reject."""
        from aiplus.experts.models import ExpertProfile

        for i, expert_id in enumerate(panel):
            answer = post(signed_in(ExpertProfile.objects.get(pk=expert_id).user), "aiplus_sandbox_api_vote_admission",
                          {"vote": "admit" if i < admit else "reject", "opinion": "意见"},
                          application_id=application_id)
            assert answer.status_code == 200, answer.content

    def admit(self, application_id: int, panel: list[int], *, start: dt.date | None = None, days: int = 180,
              every: int = 30, admit: int | None = None) -> Any:
        start = start or timezone.localdate()
        admit = len(panel) if admit is None else admit
        self.vote(application_id, panel, admit)
        return post(signed_in(self.official), "aiplus_sandbox_api_decide_admission", {
            "reasons": "创新性突出，风险可控", "user_cap": 1000, "geography_condition": "苏州工业园区",
            "start_on": str(start), "end_on": str(start + dt.timedelta(days=days - 1)), "report_every_days": every},
            application_id=application_id)


@pytest.fixture
def sandbox(world: Any) -> Sandbox:
    from aiplus.core import services as core_services
    from aiplus.experts import services as expert_services

    company = world.orgs["suzhou:enterprise"]
    for i in range(4):
        user = core_services.create_user(acting_user=world.admin, username=f"sb-pool-{i}", password="x-password-123")
        expert_services.register_expert(acting_user=world.admin, user=user, organisation_id=None, fields=[FIELD],
                                        jurisdiction="suzhou")
    staff = core_services.create_user(acting_user=world.admin, username="sb-staff", password="x-password-123")
    staff_expert = expert_services.register_expert(acting_user=world.admin, user=staff, organisation_id=company.pk,
                                                   fields=[FIELD], jurisdiction="suzhou")
    return Sandbox(world, company, world.user("enterprise_member"), world.user("official"), staff_expert)
