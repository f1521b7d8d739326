"""Red lines (Guangdong art. 33) as pack data: the prohibited uses and mandatory duties listed with their
instruments on a page and in the API; an incident located in Guangdong that touches one is flagged with the rule
and the article cited (by its harms or by words in its text), re-flagged at triage; the same report in Suzhou is
not (the red lines are Guangdong's); an ethics application of a Guangdong unit is flagged on submission."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aiplus.core.testing import operation, signed_in

pytestmark = pytest.mark.django_db


def _report(place: str, **extra: Any) -> Any:
    from aiplus.core.models import Jurisdiction

    payload = {"title": "直播间用AI换脸冒充名人", "description": "视频里的人脸被替换。",
               "jurisdiction_id": Jurisdiction.objects.get(code=place).pk, **extra}
    return Client().post(operation("aiplus_governance_api_report_public"), payload,
                         content_type="application/json", REMOTE_ADDR="192.0.2.1")


def test_red_lines_are_listed_with_their_sources(reference: None) -> None:
    body = Client().get(operation("aiplus_governance_api_list_red_lines")).json()
    codes = {r["code"] for r in body}
    assert {"prohibited.deepfake_impersonation", "prohibited.label_removal", "duties.incident_reporting"} <= codes
    deepfake = next(r for r in body if r["code"] == "prohibited.deepfake_impersonation")
    assert "深度合成管理规定" in deepfake["source"] and "广东" in deepfake["article"] and "33" in deepfake["article"]
    page = Client().get("/governance/red-lines/").content.decode()
    assert "利用深度合成制作、发布、传播虚假新闻信息或冒充他人" in page and "第33条" in page


def test_an_incident_in_guangdong_is_flagged_with_the_rule_cited(world: Any) -> None:
    incident_id = _report("shenzhen").json()["id"]
    official = signed_in(world.user("official", "shenzhen"))
    body = official.get(operation("aiplus_governance_api_get_incident", incident_id=incident_id)).json()
    flags = {r["code"]: r for r in body["red_lines"]}
    assert set(flags) == {"prohibited.deepfake_impersonation"}
    flag = flags["prohibited.deepfake_impersonation"]
    assert flag["matched"]["keywords"] == ["换脸", "冒充"] and "33" in flag["article"]
    assert "深度合成管理规定" in flag["source"]
    page = official.get(f"/governance/incidents/{incident_id}/").content.decode()
    assert 'data-testid="red-lines"' in page and "prohibited.deepfake_impersonation" in page
    # triage with the harm of a tampered label: the label red lines are flagged by the harm too
    triaged = official.post(operation("aiplus_governance_api_triage_incident", incident_id=incident_id),
                            {"severity": "general", "harms": ["label_tamper"]}, content_type="application/json")
    assert triaged.status_code == 200, triaged.content
    flags = {r["code"]: r["matched"] for r in triaged.json()["red_lines"]}
    assert flags["prohibited.label_removal"]["harms"] == ["label_tamper"]
    assert "duties.labelling" in flags and "prohibited.deepfake_impersonation" in flags


def test_the_same_report_in_suzhou_is_not_under_guangdongs_red_lines(world: Any) -> None:
    incident_id = _report("suzhou").json()["id"]
    body = signed_in(world.user("official")).get(
        operation("aiplus_governance_api_get_incident", incident_id=incident_id)).json()
    assert body["red_lines"] == []


def test_an_ethics_application_of_a_guangdong_unit_is_flagged(world: Any) -> None:
    from aiplus.governance import services

    member = world.user("enterprise_member", "shenzhen")
    company = world.orgs["shenzhen:enterprise"]
    committee = services.create_committee(acting_user=member, organisation_id=company.pk, name="深圳伦理委员会",
                                          established_on=timezone.localdate() - dt.timedelta(days=3))
    application = services.create_application(acting_user=member, committee_id=committee.pk,
                                               title="数字人换脸直播研究", overview="研究AI换脸技术在直播中的应用")
    services.submit_application(acting_user=member, application_id=application.pk)
    body = signed_in(member).get(operation("aiplus_governance_api_get_application",
                                           application_id=application.pk)).json()
    assert [r["code"] for r in body["red_lines"]] == ["prohibited.deepfake_impersonation"]
    page = signed_in(member).get(f"/governance/ethics/applications/{application.pk}/").content.decode()
    assert 'data-testid="red-lines"' in page
