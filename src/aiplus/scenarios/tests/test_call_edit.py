"""Editing a draft open call: page, API and service; an opened call is fixed (Suzhou art. 6, Guangdong art. 20)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from aiplus.core.errors import ServiceError
from aiplus.core.models import AuditEvent
from aiplus.scenarios import services
from aiplus.scenarios.models import OpenCall
from aiplus.scenarios.testing import published_need

pytestmark = pytest.mark.django_db

RUBRIC = [{"code": "technical", "name": "技术方案", "name_en": "Technical plan", "weight": 60},
          {"code": "price", "name": "报价", "weight": 40}]


@pytest.fixture
def draft(world):
    need = published_need(world)
    call = services.create_call(acting_user=world.user("official"), jurisdiction="suzhou", title="草稿榜单",
                                need_ids=[need.pk], closes_on=dt.date.today() + dt.timedelta(days=20))
    return world, need, call


def _state(call_id: int) -> tuple:
    call = OpenCall.objects.get(pk=call_id)
    return (call.title, call.closes_on, call.reviewers, call.rubric, sorted(n.pk for n in call.needs.all()),
            AuditEvent.objects.count())


def test_official_edits_a_draft_call_with_its_rubric_and_it_is_audited(draft):
    world, need, call = draft
    second = published_need(world, title="第二个场景")
    closes = dt.date.today() + dt.timedelta(days=30)
    events = AuditEvent.objects.count()
    call = services.update_call(acting_user=world.user("official"), call_id=call.pk, title="修改后的榜单",
                                need_ids=[need.pk, second.pk], closes_on=closes.isoformat(), rubric=RUBRIC,
                                reviewers="7")
    assert (call.title, call.closes_on, call.reviewers) == ("修改后的榜单", closes, 7)
    assert call.rubric == [{"code": "technical", "name": "技术方案", "name_en": "Technical plan", "weight": 60},
                           {"code": "price", "name": "报价", "weight": 40}]
    assert sorted(n.pk for n in call.needs.all()) == sorted([need.pk, second.pk])
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == events + 1 and event.action == "scenarios.call.updated"
    assert event.before["title"] == "草稿榜单"


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"title": "  "}, "required", "title"),
    ({"closes_on": "2020-01-01"}, "deadline_past", "closes_on"),
    ({"closes_on": "31/12/2030"}, "invalid_date", "closes_on"),
    ({"need_ids": []}, "unknown_need", "need_ids"),
    ({"need_ids": [999999]}, "unknown_need", "need_ids"),
    ({"reviewers": "3"}, "too_few_reviewers", "reviewers"),
    ({"reviewers": "five"}, "invalid_number", "reviewers"),
    ({"rubric": [{"code": "a", "name": "甲", "weight": 0}]}, "rubric_invalid", "rubric"),
    ({"rubric": [{"code": "a", "name": "甲", "weight": "NaN"}]}, "rubric_invalid", "rubric"),
    ({"rubric": [{"code": "a", "name": "甲", "weight": "-5"}]}, "rubric_invalid", "rubric"),
    ({"rubric": [{"code": "A b", "name": "甲", "weight": 10}]}, "rubric_invalid", "rubric"),
    ({"rubric": [{"code": "a", "name": "甲", "weight": 10}, {"code": "a", "name": "乙", "weight": 5}]},
     "rubric_duplicate", "rubric"),
    ({"rubric": [{"code": "a", "name": " ", "weight": 10}]}, "rubric_unnamed", "rubric"),
])
def test_bad_edits_name_the_field_and_change_nothing(draft, changes, code, field):
    world, need, call = draft
    values = {"title": "新名称", "need_ids": [need.pk], "closes_on": dt.date.today() + dt.timedelta(days=9),
              "rubric": RUBRIC, "reviewers": 5, **changes}
    before = _state(call.pk)
    with pytest.raises(ServiceError) as info:
        services.update_call(acting_user=world.user("official"), call_id=call.pk, **values)
    assert (info.value.code, info.value.field) == (code, field)
    assert _state(call.pk) == before


def test_an_opened_call_and_outsiders_cannot_edit(draft):
    world, need, call = draft
    values = {"title": "新名称", "need_ids": [need.pk], "closes_on": dt.date.today() + dt.timedelta(days=9)}
    with pytest.raises(ServiceError) as info:
        services.update_call(acting_user=world.user("enterprise_member"), call_id=call.pk, **values)
    assert info.value.status in (403, 404)
    with pytest.raises(ServiceError) as info:
        services.update_call(acting_user=world.user("official", "shenzhen"), call_id=call.pk, **values)
    assert info.value.status in (403, 404)
    services.transition_call(acting_user=world.user("official"), call_id=call.pk, transition="open")
    before = _state(call.pk)
    with pytest.raises(ServiceError) as info:
        services.update_call(acting_user=world.user("official"), call_id=call.pk, **values)
    assert info.value.code == "not_draft"
    assert _state(call.pk) == before


def test_edit_page_saves_shows_errors_and_refuses_outsiders(draft, client):
    world, need, call = draft
    client.force_login(world.user("official"))
    page = client.get(f"/scenarios/calls/{call.pk}/").content.decode()
    assert f"/scenarios/calls/{call.pk}/edit/" in page and "技术方案先进性" in page
    form = client.get(f"/scenarios/calls/{call.pk}/edit/").content.decode()
    assert 'data-testid="call-form"' in form and 'value="technical"' in form
    post = {"title": "页面修改", "closes_on": (dt.date.today() + dt.timedelta(days=12)).isoformat(),
            "reviewers": "5", "need_ids": [str(need.pk)],
            "rubric_code": ["quality", "price", ""], "rubric_name": ["质量", "价格", ""],
            "rubric_name_en": ["Quality", "", ""], "rubric_weight": ["70", "30", ""]}
    response = client.post(f"/scenarios/calls/{call.pk}/edit/", post)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == "页面修改" and [r["code"] for r in call.rubric] == ["quality", "price"]
    before = _state(call.pk)
    bad = {**post, "rubric_weight": ["70", "abc", ""]}
    response = client.post(f"/scenarios/calls/{call.pk}/edit/", bad)
    assert response.status_code == 200 and "rubric" in response.content.decode()
    assert _state(call.pk) == before
    with translation.override(translation.get_language()):  # the client leaves the language it activated
        english = client.get(f"/scenarios/calls/{call.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Quality · weight 70" in english and "价格" in english  # no English name given: the Chinese one
    client.force_login(world.user("enterprise_member"))
    assert client.get(f"/scenarios/calls/{call.pk}/edit/").status_code in (403, 404)
    assert client.post(f"/scenarios/calls/{call.pk}/edit/", post).status_code in (403, 404)
    assert _state(call.pk) == before


def test_api_patch_changes_only_what_is_given(draft, client):
    world, _need, call = draft
    client.force_login(world.user("official"))
    response = client.patch(f"/api/v1/scenarios/calls/{call.pk}", {"rubric": RUBRIC},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "草稿榜单" and [r["weight"] for r in body["rubric"]] == [60, 40]
    response = client.patch(f"/api/v1/scenarios/calls/{call.pk}", {"rubric": [{"code": "x", "name": "", "weight": 1}]},
                            content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "rubric"
    client.force_login(world.user("official", "shenzhen"))
    assert client.patch(f"/api/v1/scenarios/calls/{call.pk}", {"title": "越权"},
                        content_type="application/json").status_code == 404


def test_the_reviewer_minimum_comes_from_a_pack_parameter_everywhere(world):
    from aiplus.core.models import Jurisdiction
    from aiplus.scenarios import pack_rules

    # Suzhou's pack sets its own minimum; Guangdong's does not, so Shenzhen falls back to the national default.
    suzhou, shenzhen = Jurisdiction.objects.get(code="suzhou"), Jurisdiction.objects.get(code="shenzhen")
    assert pack_rules.param_or_default_key(suzhou, "experts", "min_reviewers") == "experts.suzhou.min_reviewers"
    assert pack_rules.param_or_default_key(shenzhen, "experts", "min_reviewers") == "experts.min_reviewers"
