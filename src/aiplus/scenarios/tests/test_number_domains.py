"""Every number the scenarios module writes, driven with hostile values (hypothesis) through the API and the need
form: each is refused naming the field and writes nothing; every edge of its domain round-trips (issue: every
input bounded, once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from aiplus.core.domains import MONEY_MAX
from aiplus.core.testing import (
    assert_hostile_numbers_refused,
    assert_refused_naming,
    domain_settings,
    in_domain,
    json_with,
    literal,
    out_of_domain,
    signed_in,
    written,
)
from aiplus.scenarios.models import CapabilityProfile, Kpi, Measurement, Need, OpenCall
from aiplus.scenarios.testing import awarded_pilot

pytestmark = pytest.mark.django_db
API = "/api/v1/scenarios"
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()
MIN_REVIEWERS = 5  # the Suzhou pack's experts.suzhou.min_reviewers: fewer is a rule's refusal, not the domain's


def _need(world: Any) -> dict[str, Any]:
    return {"organisation_id": world.orgs["suzhou:enterprise"].pk, "jurisdiction": "suzhou", "title": "缺陷检测",
            "domain": "industry.manufacturing", "problem": "人工目检效率低", "budget_min_cny": "0",
            "budget_max_cny": str(MONEY_MAX), "deadline": FUTURE,
            "kpis": [{"name": "检出率", "target_value": "99", "unit": "%"}]}


def _profile(world: Any) -> dict[str, Any]:
    return {"organisation_id": world.orgs["suzhou:provider"].pk, "products": "视觉检测", "description": "工业视觉",
            "domains": ["industry.manufacturing"], "price_min_cny": "0", "price_max_cny": str(MONEY_MAX)}


def _call(world: Any) -> dict[str, Any]:
    return {"jurisdiction": "suzhou", "title": "揭榜挂帅", "need_ids": [world.need.pk], "closes_on": FUTURE}


def _measurement(world: Any) -> dict[str, Any]:
    return {"kpi_id": world.pilot.need.kpis.order_by("id").first().pk, "value": "1"}


# (who, path, body, the field's path in the body, model, field, the rows that must not grow, valid values)
CASES: list[tuple[str, Any, Any, tuple[Any, ...], type, str, type, Any]] = [
    ("enterprise_member", lambda w: "/needs", _need, ("budget_min_cny",), Need, "budget_min_cny", Need, None),
    ("enterprise_member", lambda w: "/needs", _need, ("budget_max_cny",), Need, "budget_max_cny", Need, None),
    ("enterprise_member", lambda w: "/needs", _need, ("kpis", 0, "target_value"), Kpi, "target_value", Need, None),
    ("provider", lambda w: "/profiles", _profile, ("price_min_cny",), CapabilityProfile, "price_min_cny",
     CapabilityProfile, None),
    ("provider", lambda w: "/profiles", _profile, ("price_max_cny",), CapabilityProfile, "price_max_cny",
     CapabilityProfile, None),
    ("official", lambda w: "/calls", _call, ("reviewers",), OpenCall, "reviewers", OpenCall,
     lambda values: values.filter(lambda v: v >= MIN_REVIEWERS)),
    ("enterprise_member", lambda w: f"/pilots/{w.pilot.pk}/measurements", _measurement, ("value",), Measurement,
     "value", Measurement, None),
]
IDS = [f"{case[4].__name__}.{case[5]}" for case in CASES]


@pytest.fixture
def scene(call_world: Any) -> Any:
    """A published need and a running pilot (a call scored, noticed and awarded)."""
    world, need, call, _pool, _suppliers = call_world
    world.need, world.pilot = need, awarded_pilot(world, need, call)
    return world


@pytest.mark.parametrize(("who", "path", "body", "where", "model", "name", "counted", "valid"), CASES, ids=IDS)
def test_a_hostile_number_is_a_4xx_naming_the_field_and_writes_nothing(scene, who, path, body, where, model, name,
                                                                       counted, valid):
    client, url, payload = signed_in(scene.user(who)), f"{API}{path(scene)}", body(scene)
    assert_hostile_numbers_refused(lambda text: client.post(url, json_with(payload, where, text),
                                                            content_type="application/json"), model, name, counted)


@pytest.mark.parametrize(("who", "path", "body", "where", "model", "name", "counted", "valid"), CASES, ids=IDS)
def test_every_edge_of_the_domain_round_trips(scene, who, path, body, where, model, name, counted, valid):
    client, url, payload = signed_in(scene.user(who)), f"{API}{path(scene)}", body(scene)
    values = in_domain(model, name)

    @given(value=valid(values) if valid else values, as_text=st.booleans())
    @domain_settings(15)
    def round_trip(value: Any, as_text: bool) -> None:
        with transaction.atomic():
            response = client.post(url, json_with(payload, where, literal(value, as_text=as_text)),
                                   content_type="application/json")
            assert response.status_code == 201, (value, response.content[:500])
            assert getattr(model.objects.order_by("-pk").first(), name) == value
            transaction.set_rollback(True)

    round_trip()


def test_a_rubric_weight_out_of_its_range_is_refused(scene):
    client = signed_in(scene.user("official"))
    rubric = [{"code": "technical", "name": "技术", "weight": 1}]
    for text in ("0", "-1", "101", "1e400", "NaN", "Infinity", '"heavy"', "1E+20"):
        before = written(OpenCall)
        body = json_with({**_call(scene), "rubric": rubric}, ("rubric", 0, "weight"), text)
        response = client.post(f"{API}/calls", body, content_type="application/json")
        assert_refused_naming(response, "weight")
        assert written(OpenCall) == before


def test_the_need_form_refuses_a_hostile_budget_beside_the_field(scene):
    client = signed_in(scene.user("enterprise_member"))
    post = {"organisation": scene.orgs["suzhou:enterprise"].pk, "jurisdiction": "suzhou", "title": "场景",
            "domain": "industry.manufacturing", "problem": "问题", "budget_min_cny": "0", "budget_max_cny": "100",
            "kpi_name": ["检出率"], "kpi_target": ["99"], "kpi_unit": ["%"], "kpi_direction": ["ge"]}

    @given(text=out_of_domain(Need, "budget_max_cny"))
    @domain_settings()
    def hostile(text: str) -> None:
        before = written(Need)
        response = client.post("/scenarios/needs/new/", {**post, "budget_max_cny": text.strip('"')})
        page = response.content.decode()
        assert response.status_code == 400, text
        beside = page.split('name="budget_max_cny"', 1)[1].split("</p>", 1)[0]
        assert "errorlist" in beside, text
        assert written(Need) == before

    hostile()
