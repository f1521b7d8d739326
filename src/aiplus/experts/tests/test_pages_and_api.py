"""The expert pool pages and API: rendering, permissions, jurisdiction isolation, verify, query budgets."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.models import AuditEvent
from aiplus.experts import services
from aiplus.experts.models import ConflictDeclaration, Draw, Opinion

pytestmark = pytest.mark.django_db
BUDGETS = json.loads((Path(__file__).with_name("query_budgets.json")).read_text())


def _draw(world: Any, size: int = 2, **kwargs: Any) -> Draw:
    return services.draw_panel(acting_user=world.user("official"), purpose="评审", subject_type="t", subject_id="1",
                               jurisdiction="suzhou", fields=["industry"], size=size,
                               conflicted_organisation_ids=kwargs.pop("conflicted", []), **kwargs)


@pytest.fixture
def busy_pool(world, make_expert):
    experts = [make_expert(organisation=world.orgs["suzhou:provider"] if i % 2 else None,
                           fields=("industry.manufacturing", "science")) for i in range(30)]
    for expert in experts[:10]:
        services.declare_conflict(acting_user=expert.user, expert_id=expert.pk,
                                  organisation_id=world.orgs["suzhou:enterprise"].pk, relationship="other")
    for _ in range(5):
        draw = _draw(world, size=3, conflicted=[world.orgs["suzhou:enterprise"].pk])
        services.ask_panel(acting_user=world.user("official"), title="咨询", question="问题", draw_id=draw.pk,
                           deadline=timezone.localdate())
    return world


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_list_pages_stay_within_their_query_budget(busy_pool, client, django_assert_max_num_queries, page):
    client.force_login(busy_pool.user("official"))
    with django_assert_max_num_queries(BUDGETS[page]):
        response = client.get(page)
    assert response.status_code == 200


def test_pool_page_lists_only_the_officials_jurisdiction(world, make_expert, client):
    suzhou, shenzhen = make_expert(title="苏州教授"), make_expert(place="shenzhen", title="深圳研究员")
    client.force_login(world.user("official"))
    body = client.get("/experts/").content.decode()
    assert "苏州教授" in body and "深圳研究员" not in body
    client.force_login(world.user("official", "shenzhen"))
    body = client.get("/experts/?field=industry").content.decode()
    assert "深圳研究员" in body and "苏州教授" not in body
    client.force_login(world.user("enterprise_member"))
    assert client.get("/experts/").status_code == 403
    assert suzhou.pk and shenzhen.pk


def test_draw_page_shows_seed_candidates_exclusions_and_verifies(world, make_expert, client):
    conflicted = make_expert(organisation=world.orgs["suzhou:enterprise"])
    for _ in range(3):
        make_expert()
    draw = _draw(world, conflicted=[world.orgs["suzhou:enterprise"].pk], seed=424242)
    client.force_login(world.user("official"))
    body = client.get(f"/experts/draws/{draw.pk}/").content.decode()
    assert "424242" in body and str(conflicted.user) in body
    assert 'id="excluded"' in body and 'id="candidates"' in body
    verified = client.get(f"/experts/draws/{draw.pk}/verify/")
    assert verified.status_code == 200
    assert 'id="verification" class="ok"' in verified.content.decode()
    # A Shenzhen official cannot see Suzhou's draws, on the pages or in the API.
    client.force_login(world.user("official", "shenzhen"))
    assert client.get(f"/experts/draws/{draw.pk}/").status_code == 404
    assert client.get(f"/experts/draws/{draw.pk}/verify/").status_code == 404
    assert str(draw.pk) not in [str(d["id"]) for d in client.get("/api/v1/experts/draws").json()["items"]]
    assert client.get(f"/api/v1/experts/draws/{draw.pk}").status_code == 404
    assert client.get(f"/api/v1/experts/draws/{draw.pk}/verify").status_code == 404


def test_draw_form_reports_errors_beside_the_field(world, make_expert, client):
    make_expert()
    client.force_login(world.user("official"))
    count = Draw.objects.count()
    response = client.post("/experts/draws/new/", {"purpose": "评审", "jurisdiction": "suzhou",
                                                    "domains": ["industry"], "size": 5})
    assert response.status_code == 400
    assert 'data-field="size"' in response.content.decode()
    assert Draw.objects.count() == count
    response = client.post("/experts/draws/new/", {"purpose": "评审", "jurisdiction": "suzhou",
                                                    "domains": ["industry"], "size": 1, "conflicted": ""})
    assert response.status_code == 302
    assert Draw.objects.count() == count + 1


def test_expert_profile_page_declares_conflicts(world, make_expert, client):
    expert = make_expert()
    client.force_login(expert.user)
    assert client.get("/experts/me/").status_code == 200
    response = client.post("/experts/me/", {"form": "conflict", "organisation_id": world.orgs["suzhou:provider"].pk,
                                            "relationship": "employment", "note": "兼职"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.filter(expert=expert, relationship="employment").exists()
    response = client.post("/experts/me/", {"form": "conflict", "organisation_id": 999999,
                                            "relationship": "employment"})
    assert response.status_code == 400
    assert 'data-field="organisation_id"' in response.content.decode()


def test_consultation_pages_for_panel_members_only(world, make_expert, client):
    experts = [make_expert() for _ in range(3)]
    draw = _draw(world, size=1, seed=1)
    consultation = services.ask_panel(acting_user=world.user("official"), title="口径", question="请提意见",
                                      draw_id=draw.pk, deadline=timezone.localdate() + dt.timedelta(days=3))
    member = next(e for e in experts if e.pk in draw.selected)
    outsider = next(e for e in experts if e.pk not in draw.selected)
    client.force_login(member.user)
    assert "口径" in client.get("/experts/consultations/").content.decode()
    assert client.post(f"/experts/consultations/{consultation.pk}/", {"text": "同意"}).status_code == 302
    assert Opinion.objects.filter(consultation=consultation, expert=member).exists()
    client.force_login(outsider.user)
    assert client.get(f"/experts/consultations/{consultation.pk}/").status_code == 404
    client.force_login(world.user("official"))
    assert "同意" in client.get(f"/experts/consultations/{consultation.pk}/").content.decode()


def test_api_round_trip(world, make_expert, client):
    from aiplus.core import services as core_services

    client.force_login(world.user("official"))
    user = core_services.create_user(acting_user=world.admin, username="api-expert", password="x-password-123")
    response = client.post("/api/v1/experts/profiles", {
        "user_id": user.pk, "fields": ["industry.manufacturing"], "jurisdiction": "suzhou", "title": "高工",
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    profile_id = response.json()["id"]
    response = client.post("/api/v1/experts/profiles", {
        "user_id": user.pk, "fields": ["nope"], "jurisdiction": "suzhou"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "user"
    for _ in range(2):
        make_expert()

    response = client.post("/api/v1/experts/draws", {
        "purpose": "评审", "jurisdiction": "suzhou", "fields": ["industry"], "size": 99,
        "conflicted_organisation_ids": []}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "size" and "3" in response.json()["message"]
    response = client.post("/api/v1/experts/draws", {
        "purpose": "评审", "jurisdiction": "suzhou", "fields": ["industry.unknown"], "size": 1,
        "conflicted_organisation_ids": []}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "fields"
    response = client.post("/api/v1/experts/draws", {
        "purpose": "评审", "jurisdiction": "suzhou", "fields": ["industry"], "size": 2, "seed": 99,
        "conflicted_organisation_ids": [world.orgs["suzhou:enterprise"].pk]}, content_type="application/json")
    assert response.status_code == 201, response.content
    draw = response.json()
    assert draw["seed"] == 99 and len(draw["selected"]) == 2
    verify = client.get(f"/api/v1/experts/draws/{draw['id']}/verify").json()
    assert verify["matches"] is True and verify["recomputed"] == draw["selected"]

    response = client.post("/api/v1/experts/consultations", {
        "title": "t", "question": "q", "deadline": timezone.localdate().isoformat(), "draw_id": draw["id"]},
        content_type="application/json")
    assert response.status_code == 201, response.content
    consultation_id = response.json()["id"]

    # Conflicts and opinions through the API, as experts.
    drawn = services.ExpertProfile.objects.get(pk=draw["selected"][0])
    client.force_login(drawn.user)
    response = client.post("/api/v1/experts/conflicts", {
        "expert_id": drawn.pk, "organisation_id": world.orgs["suzhou:provider"].pk, "relationship": "family"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    response = client.post(f"/api/v1/experts/consultations/{consultation_id}/opinions", {"text": "同意"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    not_drawn = services.ExpertProfile.objects.exclude(pk__in=draw["selected"]).first()
    client.force_login(not_drawn.user)
    before = AuditEvent.objects.count()
    response = client.post(f"/api/v1/experts/consultations/{consultation_id}/opinions", {"text": "我也说"},
                           content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert AuditEvent.objects.count() == before
    client.force_login(world.user("official"))
    opinions = client.get(f"/api/v1/experts/consultations/{consultation_id}/opinions").json()
    assert [o["text"] for o in opinions] == ["同意"]
    assert client.get(f"/api/v1/experts/profiles/{profile_id}").status_code == 200
    assert client.get("/api/v1/experts/profiles").status_code == 200
    client.logout()
    assert client.get("/api/v1/experts/draws").status_code == 401
