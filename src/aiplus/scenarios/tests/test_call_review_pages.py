"""The open-call and expert-review journey through the pages: an official creates a call by picking the place and
the needs; drawn experts are notified in their own language, find the call named in a sentence on their profile,
read the proposals and score them on the engine's 0–100 scale; a bad value keeps what was typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aiplus.core.models import Notification
from aiplus.core.models.notifications import render_message
from aiplus.experts.selectors import drawn_users
from aiplus.scenarios import pack_rules, services
from aiplus.scenarios.forms import ScoreForm, rubric_shares
from aiplus.scenarios.models import OpenCall, Score

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_official_creates_a_call_by_picking_place_and_needs(client, call_world):
    world, need, _call, _pool, _suppliers = call_world
    official = world.user("official")
    _login(client, official)
    calls = client.get("/scenarios/calls/")
    assert 'data-testid="new-call"' in calls.content.decode()
    assert 'data-testid="call-this-need"' in client.get(f"/scenarios/needs/{need.pk}/").content.decode()
    page = client.get(f"/scenarios/calls/new/?need={need.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert need.title in html and "data-picker" in html and "checked" in html
    closes = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    # the place typed by its Chinese name; a missing need is refused beside its field, the rest kept
    bad = client.post("/scenarios/calls/new/", {"jurisdiction": "苏州市", "title": "新榜单", "closes_on": closes})
    assert bad.status_code == 400 and 'data-field="need_ids"' in bad.content.decode()
    assert 'value="新榜单"' in bad.content.decode()
    past = client.post("/scenarios/calls/new/", {"jurisdiction": "苏州市", "title": "新榜单", "need_ids": [need.pk],
                                                 "closes_on": "2020-01-01"})
    assert past.status_code == 400 and 'data-field="closes_on"' in past.content.decode()
    before = OpenCall.objects.count()
    done = client.post("/scenarios/calls/new/", {"jurisdiction": "苏州市", "title": "<b>新榜单</b>",
                                                 "need_ids": [need.pk], "closes_on": closes})
    assert done.status_code == 302 and OpenCall.objects.count() == before + 1
    created = OpenCall.objects.order_by("-pk").first()
    assert created.jurisdiction.code == "suzhou" and list(created.needs.all()) == [need]
    assert "<b>新榜单</b>" not in client.get(done.url).content.decode()


def test_only_officials_create_calls(client, call_world):
    world, need, *_ = call_world
    _login(client, world.user("enterprise_member"))
    assert client.get("/scenarios/calls/new/").status_code == 403
    assert 'data-testid="new-call"' not in client.get("/scenarios/calls/").content.decode()
    # a Shenzhen official cannot put a Suzhou need into a call: it is not among the choices
    _login(client, world.user("official", "shenzhen"))
    answer = client.post("/scenarios/calls/new/", {"jurisdiction": "shenzhen", "title": "x", "need_ids": [need.pk],
                                                   "closes_on": (dt.date.today() + dt.timedelta(days=5)).isoformat()})
    assert answer.status_code == 400 and 'data-field="need_ids"' in answer.content.decode()


def _drawn(call_world):
    world, _need, call, _pool, _suppliers = call_world
    official = world.user("official")
    services.transition_call(acting_user=official, call_id=call.pk, transition="close_applications")
    call = services.draw_reviewers(acting_user=official, call_id=call.pk)
    return world, call, drawn_users(call.draw_id)


def test_drawn_experts_are_notified_in_their_language_and_see_the_call_named(client, call_world):
    world, call, drawn = _drawn(call_world)
    expert = drawn[0]
    notes = Notification.objects.filter(recipient__in=drawn, verb="scenarios.reviewer_drawn")
    assert notes.count() == len(drawn)
    note = notes.get(recipient=expert)
    assert note.link == f"/scenarios/calls/{call.pk}/review/" and call.title in note.title
    # stored as the message and its parameters: read in each recipient's language
    english = render_message(note.title_msgid, note.params, "en")
    assert english.startswith("You were drawn to review the open call") and call.title in english
    _login(client, expert)
    me = client.get("/experts/me/").content.decode()
    assert "scenarios.open" not in me and f"/scenarios/calls/{call.pk}/review/" in me
    # a conflict is declared with the organisation picked by name (the one picker), no number typed
    assert 'name="organisation"' in me and "data-picker" in me
    declared = client.post("/experts/me/", {"form": "conflict", "organisation": call_world[4][0][0].name,
                                            "relationship": "collaboration"})
    assert declared.status_code == 302
    draws_page = _login(client, world.user("official")).get("/experts/draws/").content.decode()
    assert "scenarios.opencall" not in draws_page and call.title in draws_page


def test_experts_read_the_proposals_and_score_on_the_engines_scale(client, call_world):
    _world, call, drawn = _drawn(call_world)
    expert = drawn[0]
    _login(client, expert)
    page = client.get(f"/scenarios/calls/{call.pk}/review/")
    html = page.content.decode()
    assert page.status_code == 200 and "基于深度学习的缺陷检测方案" in html
    assert "（0–100分，占总分40%）" in html and "(40)" not in html, html[html.find("<main"):][:3000]
    application = call.applications.order_by("id").first()
    typed = {"application": application.pk, "criteria_technical": "90", "criteria_feasibility": "80",
             "criteria_kpi": "170", "criteria_cost": "60", "comment": "方案可行"}
    bad = client.post(f"/scenarios/calls/{call.pk}/review/", typed)
    body = bad.content.decode()
    assert bad.status_code == 400 and 'data-field="criteria_kpi"' in body
    assert 'value="90"' in body and 'value="80"' in body and 'value="60"' in body and "方案可行" in body
    assert not Score.objects.filter(application=application).exists()
    done = client.post(f"/scenarios/calls/{call.pk}/review/", typed | {"criteria_kpi": "70"})
    assert done.status_code == 302
    score = Score.objects.get(application=application, expert=expert)
    # 40 % of 90 + 30 % of 80 + 20 % of 70 + 10 % of 60: a score on the same 0–100 scale
    assert score.total == Decimal("80.000")
    again = client.get(f"/scenarios/calls/{call.pk}/review/").content.decode()
    assert 'value="90' in again  # the expert's scores are shown back for correction


def test_outsiders_may_not_open_the_review(client, call_world):
    world, call, drawn = _drawn(call_world)
    outsider = next(u for u in call_world[3] if u not in drawn)
    _login(client, outsider)
    assert client.get(f"/scenarios/calls/{call.pk}/review/").status_code == 403
    _login(client, world.user("official"))
    assert client.get(f"/scenarios/calls/{call.pk}/review/").status_code == 200


def test_score_labels_state_the_scale_and_the_share_the_engine_uses():
    rubric = pack_rules.DEFAULT_RUBRIC
    assert rubric_shares(rubric) == {"technical": 40, "feasibility": 30, "kpi": 20, "cost": 10}
    form = ScoreForm(rubric=[{"code": "a", "name": "甲", "weight": 1}, {"code": "b", "name": "乙", "weight": 3}])
    assert str(form.fields["criteria_a"].label) == "甲（0–100分，占总分25%）"
    assert form.fields["criteria_b"].max_value == 100
    # full marks on every criterion give full marks whatever the weights: the engine's scale is 0–100
    _clean, total = pack_rules.weighted_total(rubric, {item["code"]: 100 for item in rubric})
    assert total == 100
    _clean, total = pack_rules.weighted_total(rubric, {"technical": 40, "feasibility": 30, "kpi": 20, "cost": 10})
    assert total == Decimal("30.000")  # "40 out of 40" is not full marks: the labels must not read so


def test_the_apply_form_picks_a_need_of_the_call_and_refuses_beside_the_field(client, call_world, make_org):
    """The application form on an open call's page: the call's needs by title and owner; a refusal is drawn again
    with its error beside the field and the proposal kept, nothing written; a valid one is listed."""
    from aiplus.core import services as core
    from aiplus.scenarios.models import Application
    from aiplus.scenarios.testing import published_need

    world, need, call, _pool, _suppliers = call_world
    org = make_org("suzhou-sip", "enterprise", name="苏州新揭榜科技有限公司")
    user = core.create_user(acting_user=world.admin, username="new-applicant", password="x-password-123")
    core.assign_role(acting_user=world.admin, user=user, role="provider", organisation_id=org.pk)
    _login(client, user)
    page = client.get(f"/scenarios/calls/{call.pk}/").content.decode()
    assert 'data-testid="apply-form"' in page and f'<option value="{need.pk}" selected>{need.title}' in page
    url = f"/scenarios/calls/{call.pk}/action/"
    before = Application.objects.count()
    missing = client.post(url, {"action": "apply", "organisation": org.pk, "proposal": "<b>方案</b>"})
    html = missing.content.decode()
    assert missing.status_code == 400 and 'data-field="need"' in html and "&lt;b&gt;方案&lt;/b&gt;" in html
    other = published_need(world, title="另一个需求")
    outside = client.post(url, {"action": "apply", "need": other.pk, "organisation": org.pk, "proposal": "方案"})
    assert outside.status_code == 400 and 'data-field="need"' in outside.content.decode()
    assert Application.objects.count() == before
    done = client.post(url, {"action": "apply", "need": need.pk, "organisation": org.pk, "proposal": "方案"})
    assert done.status_code == 302 and done.url == f"/scenarios/calls/{call.pk}/"
    assert Application.objects.filter(call=call, applicant=org).count() == 1
    again = client.post(url, {"action": "apply", "need": need.pk, "organisation": org.pk, "proposal": "再报"})
    assert again.status_code == 400 and "已申报该榜单" in again.content.decode()
