"""The OPC pages: registering refused beside its field, the profile with its definition and its source, the
community page with its KPIs and the operator's decision form, who may open and post what, the KPI page for
officials, and the English pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.testing import assert_page_refused_naming, section, signed_in
from aiplus.opc import services
from aiplus.opc.models import Profile, Residency

pytestmark = pytest.mark.django_db


def _registered(ow: Any) -> Profile:
    return services.register_opc(acting_user=ow.founder, organisation_id=ow.opc.pk, founders=["林一"], headcount=2,
                                 ai_tools=["ai_coding"], stage="idea",
                                 registered_on=timezone.localdate() - dt.timedelta(days=10))


def _community(ow: Any) -> Any:
    return services.create_community(acting_user=ow.world.user("official"), name="姑苏OPC社区", operator_id=ow.park.pk,
                                     jurisdiction="suzhou", area_m2="800", seats=10, services=["shared_desk"],
                                     bundle="suzhou.opc_community")


def test_a_founder_registers_through_the_page_and_a_bad_headcount_is_refused_beside_its_field(opc_world: Any
                                                                                             ) -> None:
    ow = opc_world
    client = signed_in(ow.founder)
    page = client.get("/opc/").content.decode()
    assert 'data-testid="register-form"' in page and "平台工作定义" in section(page, "opc-definition")
    form = {"action": "register", "register-organisation": ow.opc.pk, "register-founders": "林一",
            "register-headcount": "0", "register-ai_tools": ["ai_coding"], "register-stage": "idea",
            "register-registered_on": "2026-01-05"}
    assert_page_refused_naming(client.post("/opc/", form), "headcount", "register-headcount")
    assert not Profile.objects.exists()
    done = client.post("/opc/", {**form, "register-headcount": "1"})
    profile = Profile.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/opc/{profile.pk}/"
    html = client.get(f"/opc/{profile.pk}/").content.decode()
    assert 'data-meets="yes"' in html and "平台设置" in section(html, "reasons")
    # another company's member does not see it; a Suzhou official does, without the founder's forms
    assert signed_in(ow.world.user("enterprise_member")).get(f"/opc/{profile.pk}/").status_code == 404
    official = signed_in(ow.world.user("official")).get(f"/opc/{profile.pk}/").content.decode()
    assert 'data-testid="update-form"' not in official
    assert signed_in(ow.world.user("official")).post(f"/opc/{profile.pk}/", {"action": "update"}).status_code == 403


def test_the_operator_decides_on_the_community_page_and_an_official_sees_the_kpis(opc_world: Any) -> None:
    ow = opc_world
    profile = _registered(ow)
    community = _community(ow)
    founder = signed_in(ow.founder)
    assert founder.post(f"/opc/communities/{community.pk}/",
                        {"action": "apply", "profile": profile.pk, "term_months": "12"}).status_code == 302
    residency = Residency.objects.get()
    assert 'data-testid="decide-form"' not in founder.get(f"/opc/communities/{community.pk}/").content.decode()
    operator = signed_in(ow.operator)
    page = operator.get(f"/opc/communities/{community.pk}/").content.decode()
    assert 'data-testid="decide-form"' in page
    refused = operator.post(f"/opc/communities/{community.pk}/", {"action": f"decide_{residency.pk}", "admit": "yes",
                                                                  "rent_relief_rate": "1.5", "seat": "B-1"})
    assert_page_refused_naming(refused, "rent_relief_rate")
    assert operator.post(f"/opc/communities/{community.pk}/", {"action": f"decide_{residency.pk}", "admit": "yes",
                                                               "seat": "B-1"}).status_code == 302
    kpis = section(operator.get(f"/opc/communities/{community.pk}/").content.decode(), "community-kpis")
    assert 'data-kpi="occupancy"' in kpis and 'data-value="0.1000"' in kpis
    html = signed_in(ow.world.user("official")).get("/opc/kpis/").content.decode()
    assert 'data-place="suzhou"' in html and 'data-place="shenzhen"' not in html
    assert 'data-kpi="firms" data-target="targets.suzhou.opc_enterprises_2028" data-current="1"' in html
    # the founder claims from the profile page: a support application
    claimed = founder.post(f"/opc/{profile.pk}/", {"action": "claim", "residency_id": residency.pk,
                                                   "programme_code": "suzhou.opc_rent_relief"})
    assert claimed.status_code == 302 and claimed["Location"].startswith("/support/applications/")


def test_the_pages_read_in_english(opc_world: Any, english: Any) -> None:
    ow = opc_world
    profile = _registered(ow)
    english.force_login(ow.founder)
    html = english.get(f"/opc/{profile.pk}/").content.decode()
    assert "Platform setting" in html and "AI coding" in html
    assert english.get("/opc/communities/").status_code == 200
