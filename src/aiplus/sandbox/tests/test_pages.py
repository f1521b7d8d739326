"""The sandbox pages for every role: who sees a case and its forms, who is refused (403/404), and a bad input drawn
again with 400 beside its field, nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.testing import assert_page_refused_naming, signed_in, written
from aiplus.sandbox.models import SandboxApplication, ToleranceCase
from aiplus.sandbox.tests.conftest import Sandbox

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "place", "status"), [
    ("enterprise_member", "suzhou", 200), ("official", "suzhou", 200), ("auditor", "suzhou", 200),
    ("provider", "suzhou", 404), ("expert", "suzhou", 404), ("public", "suzhou", 404),
    ("official", "shenzhen", 404), ("enterprise_member", "shenzhen", 404),
])
def test_a_case_page_is_seen_by_the_company_and_its_authorities(sandbox: Sandbox, role: str, place: str,
                                                                 status: int) -> None:
    application = sandbox.apply()
    client = signed_in(sandbox.world.user(role, place))
    assert client.get("/sandbox/applications/").status_code == 200
    page = client.get(f"/sandbox/applications/{application['id']}/")
    assert page.status_code == status
    if status == 200:
        html = page.content.decode()
        assert ('data-testid="draw-form"' in html) is (role == "official")


def test_the_applicant_cannot_post_a_decision_on_its_own_case(sandbox: Sandbox) -> None:
    application = sandbox.apply()
    answer = signed_in(sandbox.member).post(f"/sandbox/applications/{application['id']}/",
                                            {"action": "draw", "domains": ["industry.manufacturing"], "size": 3})
    assert answer.status_code == 403
    assert SandboxApplication.objects.get(pk=application["id"]).status == "submitted"


@pytest.mark.parametrize(("change", "field"), [
    ({"report_every_days": "400"}, "report_every_days"),
    ({"report_every_days": "3"}, "report_every_days"),
    ({"user_cap": "9999"}, "user_cap"),
    ({"end_on": "not-a-date"}, "end_on"),
    ({"reasons": ""}, "reasons"),
])
def test_a_bad_admission_on_the_page_is_drawn_again_beside_its_field(sandbox: Sandbox, change: dict[str, str],
                                                                     field: str) -> None:
    application = sandbox.apply()
    drawn = sandbox.draw(application["id"])
    sandbox.vote(application["id"], drawn["panel"], len(drawn["panel"]))
    today = timezone.localdate()
    data = {"action": "admission", "reasons": "理由", "user_cap": "1000", "geography_condition": "园区",
            "start_on": str(today), "end_on": str(today + dt.timedelta(days=89)), "report_every_days": "30",
            **change}
    answer = signed_in(sandbox.official).post(f"/sandbox/applications/{application['id']}/", data)
    assert_page_refused_naming(answer, field)
    assert SandboxApplication.objects.get(pk=application["id"]).status == "reviewing"


def test_a_bad_application_on_the_page_is_refused_beside_its_field(sandbox: Sandbox) -> None:
    before = written(SandboxApplication)
    answer = signed_in(sandbox.member).post("/sandbox/applications/", {
        "action": "apply", "organisation": sandbox.company.pk, "title": "t", "innovation": "i", "legal_gap": "g",
        "risk_controls": "r", "planned_users": "1", "geography": "g", "planned_days": "900", "exit_plan": "e"})
    assert_page_refused_naming(answer, "planned_days")
    assert written(SandboxApplication) == before


@pytest.mark.parametrize("role", ["enterprise_member", "provider", "auditor", "expert", "public"])
def test_only_officials_decide_fault_tolerance_on_the_page(world: Any, role: str) -> None:
    answer = signed_in(world.user(role)).post("/sandbox/tolerance/", {
        "action": "decide", "organisation": world.orgs["suzhou:enterprise"].pk, "title": "t", "facts": "f",
        "criteria": ["required.good_faith", "required.no_red_line", "required.no_serious_harm"],
        "outcome": "lighter", "reasons": "r"})
    assert answer.status_code == 403
    assert ToleranceCase.objects.count() == 0
    assert signed_in(world.user(role)).get("/sandbox/tolerance/").status_code == 200
