"""The OPC register through the API (and the services it calls): a founder registers, applies for a residency, the
operator admits it, the bundle's first programme is claimed and paid through the support app and the ledger, the
finder knows OPC status, an official sees the KPIs against the targets; permissions for every role; hostile input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from aiplus.compute import ledger
from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_hostile_numbers_refused, assert_refused_naming, json_with, operation, signed_in
from aiplus.opc.models import Community, Profile, Residency
from aiplus.support import services as support
from aiplus.support.models import Application, Budget

pytestmark = pytest.mark.django_db
D = Decimal


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _profile_payload(ow: Any, **extra: Any) -> dict[str, Any]:
    return {"organisation_id": ow.opc.pk, "founders": ["林一"], "headcount": 2,
            "ai_tools": ["ai_coding", "agents"], "stage": "prototype",
            "registered_on": (timezone.localdate() - dt.timedelta(days=30)).isoformat(), **extra}


def _register(ow: Any, **extra: Any) -> dict[str, Any]:
    answer = _post(signed_in(ow.founder), "aiplus_opc_api_register_opc", _profile_payload(ow, **extra))
    assert answer.status_code == 201, answer.content
    return answer.json()  # type: ignore[no-any-return]


def _community_payload(ow: Any, **extra: Any) -> dict[str, Any]:
    return {"name": "苏州工业园区OPC社区", "operator_id": ow.park.pk, "jurisdiction": "suzhou", "area_m2": "12000",
            "seats": 2, "services": ["shared_desk", "compute"], "bundle": "suzhou.opc_community", **extra}


def _community(ow: Any, **extra: Any) -> dict[str, Any]:
    answer = _post(signed_in(ow.world.user("official")), "aiplus_opc_api_create_community",
                   _community_payload(ow, **extra))
    assert answer.status_code == 201, answer.content
    return answer.json()  # type: ignore[no-any-return]


def _resident(ow: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    profile = _register(ow)
    community = _community(ow)
    applied = _post(signed_in(ow.founder), "aiplus_opc_api_apply_residency",
                    {"profile_id": profile["id"], "term_months": 12}, community_id=community["id"])
    assert applied.status_code == 201, applied.content
    admitted = _post(signed_in(ow.operator), "aiplus_opc_api_decide_residency", {"admit": True, "seat": "A-01"},
                     residency_id=applied.json()["id"])
    assert admitted.status_code == 200, admitted.content
    return profile, community, admitted.json()


def _finder(ow: Any) -> dict[str, str]:
    answer = _post(signed_in(ow.founder), "aiplus_support_api_find_programmes", {"organisation_id": ow.opc.pk})
    return {row["programme"]: row["outcome"] for row in answer.json()}


def test_the_opc_flow_through_the_api_pays_the_bundle_through_the_ledger(opc_world: Any) -> None:
    ow = opc_world
    official = signed_in(ow.world.user("official"))
    assert _finder(ow)["suzhou.opc_rent_relief"] == "ineligible"  # not yet an OPC of the register

    profile = _register(ow)
    assert profile["meets_definition"] is True
    assert [r["code"] for r in profile["definition_check"]["reasons"]] == ["met:headcount", "met:tools"]
    assert all(r["citation_label"].startswith("平台设置") for r in profile["definition_check"]["reasons"])
    community = _community(ow)
    applied = _post(signed_in(ow.founder), "aiplus_opc_api_apply_residency",
                    {"profile_id": profile["id"], "term_months": 12, "note": "需要两张工位"},
                    community_id=community["id"])
    assert applied.status_code == 201 and applied.json()["status"] == "applied"
    pk = applied.json()["id"]
    # nobody decides their own request; another organisation's member cannot see it
    assert _post(signed_in(ow.founder), "aiplus_opc_api_decide_residency", {"admit": True, "seat": "A-01"},
                 residency_id=pk).status_code == 403
    assert _post(signed_in(ow.world.user("enterprise_member")), "aiplus_opc_api_decide_residency",
                 {"admit": True, "seat": "A-01"}, residency_id=pk).status_code == 404
    admitted = _post(signed_in(ow.operator), "aiplus_opc_api_decide_residency", {"admit": True, "seat": "A-01"},
                     residency_id=pk).json()
    assert admitted["status"] == "admitted" and D(admitted["rent_relief_rate"]) == D("1.00")
    assert admitted["starts_on"] == timezone.localdate().isoformat()
    assert _finder(ow)["suzhou.opc_rent_relief"] == "eligible"  # the finder knows OPC status

    # the bundle's first programme: a support application, decided and paid through the ledger
    claimed = _post(signed_in(ow.founder), "aiplus_opc_api_claim_entitlement",
                    {"programme_code": "suzhou.opc_rent_relief"}, residency_id=pk)
    assert claimed.status_code == 201, claimed.content
    application_id = claimed.json()["application_id"]
    again = _post(signed_in(ow.founder), "aiplus_opc_api_claim_entitlement",
                  {"programme_code": "suzhou.opc_rent_relief"}, residency_id=pk)
    assert again.status_code == 409
    assert _post(official, "aiplus_support_api_open_budget",
                 {"programme_code": "suzhou.opc_rent_relief", "year": timezone.localdate().year}).status_code == 201
    assert _post(signed_in(ow.founder), "aiplus_support_api_submit_application",
                 application_id=application_id).status_code == 200
    assert _post(official, "aiplus_support_api_examine_application",
                 application_id=application_id).json()["status"] == "accepted"
    decided = _post(official, "aiplus_support_api_decide_application", {"approve": True},
                    application_id=application_id).json()
    assert decided["status"] == "approved" and D(decided["amount_cny"]) == D("24000.00")
    paid = _post(official, "aiplus_support_api_pay_tranche", tranche_id=decided["tranches"][0]["id"])
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    budget = Budget.objects.get(programme_code="suzhou.opc_rent_relief")
    assert ledger.balance(support.paid_account(budget, ow.opc.pk)) == D("24000.00")
    assert ledger.unbalanced_transactions() == []

    # the community's KPIs and the jurisdiction's figures against the targets
    detail = official.get(operation("aiplus_opc_api_get_community", community_id=community["id"])).json()
    assert detail["kpis"] == {"seats": 2, "occupied": 1, "occupancy": "0.5000", "firms": 1, "talents": 2}
    places = {p["jurisdiction"]: p["kpis"] for p in official.get(operation("aiplus_opc_api_list_kpis")).json()}
    assert set(places) == {"suzhou"}  # an official sees their own jurisdiction
    suzhou = {k["kpi"]: k for k in places["suzhou"]}
    assert suzhou["communities"]["current"] == 1 and D(suzhou["communities"]["target"]) == D(30)
    assert suzhou["firms"]["current"] == 1 and D(suzhou["talents"]["target"]) == D(10000)
    assert "苏州市人工智能OPC培育发展行动计划" in suzhou["firms"]["source"]
    actions = set(AuditEvent.objects.filter(action__startswith="opc.").values_list("action", flat=True))
    assert actions == {"opc.profile.registered", "opc.community.created", "opc.residency.applied",
                       "opc.residency.admitted"}


def test_a_founder_edits_only_their_own_profile_and_records_milestones(opc_world: Any) -> None:
    ow = opc_world
    profile = _register(ow)
    update = {"founders": ["林一", "林二"], "headcount": 3, "ai_tools": ["agents"], "stage": "revenue",
              "policy_matched_on": timezone.localdate().isoformat()}
    path = operation("aiplus_opc_api_update_opc", profile_id=profile["id"])
    assert signed_in(ow.shenzhen_founder).put(path, update, content_type="application/json").status_code == 404
    assert signed_in(ow.world.user("official")).put(path, update, content_type="application/json").status_code == 403
    answer = signed_in(ow.founder).put(path, update, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["policy_matched_on"] == timezone.localdate().isoformat()
    early = {**update, "financed_on": "2001-01-01"}
    assert_refused_naming(signed_in(ow.founder).put(path, early, content_type="application/json"), "financed_on")
    # officials see their jurisdiction's OPCs only
    assert signed_in(ow.world.user("official", "shenzhen")).get(
        operation("aiplus_opc_api_get_profile", profile_id=profile["id"])).status_code == 404
    listed = signed_in(ow.world.user("official")).get(operation("aiplus_opc_api_list_profiles")).json()
    assert [row["id"] for row in listed.get("items", listed)] == [profile["id"]]


def test_an_opc_outside_the_definition_is_registered_but_cannot_take_a_seat(opc_world: Any) -> None:
    ow = opc_world
    profile = _register(ow, headcount=40, ai_tools=["aigc"])
    assert profile["meets_definition"] is False
    community = _community(ow)
    refused = _post(signed_in(ow.founder), "aiplus_opc_api_apply_residency",
                    {"profile_id": profile["id"], "term_months": 12}, community_id=community["id"])
    assert refused.status_code == 409 and refused.json()["field"] == "profile_id"
    assert "从业人数" in refused.json()["message"]


def test_admission_needs_a_free_seat_and_only_an_official_recognises_a_community(opc_world: Any, make_org: Any
                                                                                 ) -> None:
    ow = opc_world
    assert _post(signed_in(ow.operator), "aiplus_opc_api_create_community",
                 _community_payload(ow)).status_code == 403
    assert _post(signed_in(ow.world.user("official", "shenzhen")), "aiplus_opc_api_create_community",
                 _community_payload(ow)).status_code == 403
    _profile, community, _admitted = _resident(ow)
    Community.objects.filter(pk=community["id"]).update(seats=1)
    from aiplus.core import services

    other = make_org("suzhou", "opc", name="苏州第二一人公司")
    founder = services.create_user(acting_user=make_org.admin, username="second-founder", password="x-password-123")
    services.assign_role(acting_user=make_org.admin, user=founder, role="enterprise_member",
                         organisation_id=other.pk)
    second = _post(signed_in(founder), "aiplus_opc_api_register_opc", _profile_payload(ow, organisation_id=other.pk))
    applied = _post(signed_in(founder), "aiplus_opc_api_apply_residency",
                    {"profile_id": second.json()["id"], "term_months": 6}, community_id=community["id"])
    full = _post(signed_in(ow.operator), "aiplus_opc_api_decide_residency", {"admit": True, "seat": "A-02"},
                 residency_id=applied.json()["id"])
    assert full.status_code == 409 and full.json()["field"] == "admit"
    refused = _post(signed_in(ow.operator), "aiplus_opc_api_decide_residency", {"admit": False},
                    residency_id=applied.json()["id"])
    assert_refused_naming(refused, "note")
    done = _post(signed_in(ow.operator), "aiplus_opc_api_decide_residency", {"admit": False, "note": "工位已满"},
                 residency_id=applied.json()["id"])
    assert done.json()["status"] == "refused"


@pytest.mark.parametrize(("change", "field"), [
    ({"organisation_id": None}, "organisation_id"),
    ({"founders": []}, "founders"),
    ({"founders": ["甲"] * 6}, "founders"),
    ({"founders": ["甲" * 51]}, "founders"),
    ({"ai_tools": ["telepathy"]}, "ai_tools"),
    ({"stage": "unicorn"}, "stage"),
    ({"registered_on": "2026-02-30"}, "registered_on"),
    ({"registered_on": "2999-01-01"}, "registered_on"),
    ({"extra": 1}, "extra"),
])
def test_hostile_profiles_are_refused_naming_the_field(opc_world: Any, change: dict[str, Any], field: str) -> None:
    payload = {**_profile_payload(opc_world), **change}
    before = Profile.objects.count(), AuditEvent.objects.count()
    answer = _post(signed_in(opc_world.founder), "aiplus_opc_api_register_opc", payload)
    assert_refused_naming(answer, field)
    assert (Profile.objects.count(), AuditEvent.objects.count()) == before


def test_a_non_opc_organisation_and_a_foreign_bundle_are_refused(opc_world: Any) -> None:
    ow = opc_world
    enterprise = _post(signed_in(ow.world.user("enterprise_member")), "aiplus_opc_api_register_opc",
                       _profile_payload(ow, organisation_id=ow.world.orgs["suzhou:enterprise"].pk))
    assert_refused_naming(enterprise, "organisation_id")
    foreign = _post(signed_in(ow.world.user("official")), "aiplus_opc_api_create_community",
                    _community_payload(ow, bundle="shenzhen.opc_community"))
    assert_refused_naming(foreign, "bundle")
    _profile, _community_row, residency = _resident(ow)
    outside = _post(signed_in(ow.founder), "aiplus_opc_api_claim_entitlement",
                    {"programme_code": "suzhou.major_rd"}, residency_id=residency["id"])
    assert_refused_naming(outside, "programme_code")
    assert not Application.objects.exists()


@pytest.mark.parametrize("name", ["headcount"])
def test_hostile_headcounts_are_refused(opc_world: Any, name: str) -> None:
    payload = _profile_payload(opc_world)
    client = signed_in(opc_world.founder)
    assert_hostile_numbers_refused(
        lambda text: client.post(operation("aiplus_opc_api_register_opc"), json_with(payload, (name,), text),
                                 content_type="application/json"), Profile, name, Profile)


def test_hostile_community_numbers_and_residency_terms_are_refused(opc_world: Any) -> None:
    ow = opc_world
    official = signed_in(ow.world.user("official"))
    payload = _community_payload(ow)
    for name in ("area_m2", "seats"):
        assert_hostile_numbers_refused(
            lambda text, name=name: official.post(operation("aiplus_opc_api_create_community"),
                                                  json_with(payload, (name,), text), content_type="application/json"),
            Community, name, Community)
    profile = _register(ow)
    community = _community(ow)
    client = signed_in(ow.founder)
    assert_hostile_numbers_refused(
        lambda text: client.post(operation("aiplus_opc_api_apply_residency", community_id=community["id"]),
                                 json_with({"profile_id": profile["id"], "term_months": 1}, ("term_months",), text),
                                 content_type="application/json"), Residency, "term_months", Residency)


def test_a_residency_application_waits_in_the_opc_departments_queue_until_decided(opc_world: Any) -> None:
    from aiplus.departments.models import WorkItem
    from aiplus.departments.tests.conftest import load_duties

    load_duties()
    ow = opc_world
    profile, community = _register(ow), _community(ow)
    applied = _post(signed_in(ow.founder), "aiplus_opc_api_apply_residency",
                    {"profile_id": profile["id"], "term_months": 12}, community_id=community["id"])
    assert applied.status_code == 201, applied.content
    item = WorkItem.objects.select_related("department").get(object_id=applied.json()["id"],
                                                              duty__code="opc.residency")
    assert item.department.code == "sz_gxj" and item.status == "open"
    decided = _post(signed_in(ow.operator), "aiplus_opc_api_decide_residency", {"admit": True, "seat": "A-01"},
                    residency_id=applied.json()["id"])
    assert decided.status_code == 200, decided.content
    item.refresh_from_db()
    assert item.status == "done"
