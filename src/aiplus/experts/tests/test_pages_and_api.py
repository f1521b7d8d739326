"""The expert pool pages and API: rendering, permissions, jurisdiction isolation, verify, query budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django.utils.html import escape

from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_within_query_budget, query_budgets
from aiplus.experts import draws, services
from aiplus.experts.models import ConflictDeclaration, Consultation, Draw, Opinion

pytestmark = pytest.mark.django_db
BUDGETS = query_budgets(__file__)


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
    assert_within_query_budget(client, busy_pool.user("official"), page, BUDGETS[page], django_assert_max_num_queries)


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
    draw = _draw(world, conflicted=[world.orgs["suzhou:enterprise"].pk])
    client.force_login(world.user("official"))
    body = client.get(f"/experts/draws/{draw.pk}/").content.decode()
    assert str(draw.seed) in body and str(conflicted.user) in body
    assert 'id="excluded"' in body and 'id="candidates"' in body
    # The public inputs the seed comes from are shown with the draw: the server's nonce and the time included.
    assert draw.seed_inputs["nonce"] in body and 'id="seed-inputs"' in body
    assert escape(draws.canonical_json(draw.seed_inputs)) in body
    verified = client.get(f"/experts/draws/{draw.pk}/verify/")
    assert verified.status_code == 200
    html = verified.content.decode()
    assert 'id="verification" class="ok"' in html
    for check in ("verify-seed", "verify-selection", "verify-inputs"):
        assert f'id="{check}" data-ok="true"' in html
    assert "种子一致" in html and "抽取结果一致" in html
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
    response = client.post("/experts/me/", {"form": "conflict", "organisation": world.orgs["suzhou:provider"].name,
                                            "relationship": "employment", "note": "兼职"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.filter(expert=expert, relationship="employment").exists()
    response = client.post("/experts/me/", {"form": "conflict", "organisation": "999999",
                                            "relationship": "employment"})
    assert response.status_code == 400
    assert 'data-field="organisation"' in response.content.decode()


def test_consultation_pages_for_panel_members_only(world, make_expert, client):
    experts = [make_expert() for _ in range(3)]
    draw = _draw(world, size=1)
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
        "purpose": "评审", "jurisdiction": "suzhou", "fields": ["industry"], "size": 2,
        "conflicted_organisation_ids": [world.orgs["suzhou:enterprise"].pk]}, content_type="application/json")
    assert response.status_code == 201, response.content
    draw = response.json()
    assert draw["seed"] == draws.derive_seed(draw["seed_inputs"]) and len(draw["selected"]) == 2
    verify = client.get(f"/api/v1/experts/draws/{draw['id']}/verify").json()
    assert verify["matches"] is True and verify["recomputed"] == draw["selected"]
    assert verify["seed_matches"] is True and verify["recomputed_seed"] == draw["seed"]
    assert verify["selection_matches"] is True and verify["inputs_match"] is True

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


# -- nobody chooses a seed; verify detects a changed record --------------------------------------------------------

def _records() -> tuple[int, ...]:
    from aiplus.experts.models import DrawMember

    return Draw.objects.count(), DrawMember.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("extra", [{"seed": 99}, {"seed": None}, {"seed": "0"}, {"nonce": "0" * 32}])
def test_the_draw_api_refuses_a_seed_naming_the_field_and_changes_nothing(world, make_expert, client, extra):
    for _ in range(3):
        make_expert()
    client.force_login(world.user("official"))
    before = _records()
    response = client.post("/api/v1/experts/draws", {
        "purpose": "评审", "jurisdiction": "suzhou", "fields": ["industry"], "size": 2,
        "conflicted_organisation_ids": [], **extra}, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["field"] == next(iter(extra)) and next(iter(extra)) in body["message"]
    assert _records() == before


def test_the_draw_api_schema_has_no_seed_input(client):
    schema = client.get("/api/v1/openapi.json").json()
    draw_in = schema["components"]["schemas"]["DrawIn"]
    assert "seed" not in draw_in["properties"] and draw_in.get("additionalProperties") is False
    assert "seed_inputs" in schema["components"]["schemas"]["DrawOut"]["properties"]


def test_the_draw_page_has_no_seed_input_and_ignores_a_posted_one(world, make_expert, client):
    for _ in range(4):
        make_expert()
    client.force_login(world.user("official"))
    html = client.get("/experts/draws/new/").content.decode()
    assert 'name="purpose"' in html
    assert 'name="seed"' not in html and 'name="nonce"' not in html
    count = Draw.objects.count()
    response = client.post("/experts/draws/new/", {"purpose": "评审", "jurisdiction": "suzhou",
                                                    "domains": ["industry"], "size": 2, "seed": "7",
                                                    "nonce": "0" * 32})
    assert response.status_code == 302
    assert Draw.objects.count() == count + 1
    draw = Draw.objects.latest("id")
    assert draw.seed != 7 and draw.seed_inputs["nonce"] != "0" * 32
    assert draw.seed == draws.derive_seed(draw.seed_inputs)


def _other_candidate(draw: Draw) -> int:
    return next(i for i in draw.seed_inputs["candidate_ids"] if i not in draw.selected)


TAMPERING = {
    # name: (change to the row, (seed_matches, selection_matches, inputs_match))
    "nonce": (lambda d: {"seed_inputs": {**d.seed_inputs, "nonce": "0" * 32}}, (False, None, True)),
    "drawn_at": (lambda d: {"seed_inputs": {**d.seed_inputs, "drawn_at": "2026-01-01T00:00:00+00:00"}},
                 (False, None, True)),
    "inputs_candidates": (lambda d: {"seed_inputs": {**d.seed_inputs,
                                                     "candidate_ids": d.seed_inputs["candidate_ids"][:-1]}},
                          (False, None, False)),
    "inputs_missing_key": (lambda d: {"seed_inputs": {k: v for k, v in d.seed_inputs.items() if k != "nonce"}},
                           (False, False, True)),
    "selected_swapped": (lambda d: {"selected": [_other_candidate(d), *d.selected[1:]]}, (True, False, True)),
    "selected_reordered": (lambda d: {"selected": list(reversed(d.selected))}, (True, False, True)),
    "seed": (lambda d: {"seed": d.seed ^ 1}, (False, True, True)),
    "excluded_column": (lambda d: {"excluded": []}, (True, True, False)),
    "size_column": (lambda d: {"size": d.size + 1}, (True, True, False)),
    "excluded_malformed": (lambda d: {"excluded": [{"name": "?"}]}, (True, True, False)),
    "selected_malformed": (lambda d: {"selected": ["x"]}, (True, False, True)),
}


@pytest.mark.parametrize("name", sorted(TAMPERING))
def test_verify_detects_a_changed_record(world, make_expert, client, name):
    """Draw rows are not write-protected in the database (only the admin refuses edits): a change through the ORM's
    `update()` is possible, and the verify page and API report it."""
    for _ in range(5):
        make_expert()
    make_expert(organisation=world.orgs["suzhou:enterprise"])
    draw = _draw(world, size=2, conflicted=[world.orgs["suzhou:enterprise"].pk])
    assert services.verify_draw(draw)["matches"] is True
    change, (seed_ok, selection_ok, inputs_ok) = TAMPERING[name]
    Draw.objects.filter(pk=draw.pk).update(**change(draw))
    client.force_login(world.user("official"))
    verify = client.get(f"/api/v1/experts/draws/{draw.pk}/verify").json()
    assert verify["matches"] is False
    assert verify["seed_matches"] is seed_ok and verify["inputs_match"] is inputs_ok
    if selection_ok is not None:
        assert verify["selection_matches"] is selection_ok
    html = client.get(f"/experts/draws/{draw.pk}/verify/").content.decode()
    assert 'id="verification" class="error"' in html and "复核不一致" in html
    assert f'id="verify-seed" data-ok="{str(seed_ok).lower()}"' in html
    assert f'id="verify-inputs" data-ok="{str(inputs_ok).lower()}"' in html
    if selection_ok is not None:
        assert f'id="verify-selection" data-ok="{str(selection_ok).lower()}"' in html


def test_verify_reports_both_results_in_english(world, make_expert, client):
    for _ in range(3):
        make_expert()
    draw = _draw(world, size=2)
    client.force_login(world.user("official"))
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    html = client.get(f"/experts/draws/{draw.pk}/verify/").content.decode()
    assert f"Seed matches: the seed recomputed from the recorded inputs is {draw.seed}" in html
    assert "Selection matches" in html and "no user can choose or submit it" in html
    Draw.objects.filter(pk=draw.pk).update(selected=list(reversed(draw.selected)))
    html = client.get(f"/experts/draws/{draw.pk}/verify/").content.decode()
    assert "Selection does not match" in html and 'id="verification" class="error"' in html


def test_draw_and_consultation_lists_filter_alike_on_the_page_and_in_the_api(world, make_expert, client):
    for _ in range(4):
        make_expert()
    kept = services.draw_panel(acting_user=world.user("official"), purpose="揭榜评审", subject_type="call",
                               subject_id="7", jurisdiction="suzhou", fields=["industry"], size=1,
                               conflicted_organisation_ids=[])
    _draw(world, size=1)
    today = timezone.localdate()
    late = services.ask_panel(acting_user=world.user("official"), title="算力口径", question="问",
                              draw_id=kept.pk, deadline=today + dt.timedelta(days=5))
    past = services.ask_panel(acting_user=world.user("official"), title="数据口径", question="问",
                              draw_id=kept.pk, deadline=today)
    Consultation.objects.filter(pk=past.pk).update(deadline=today - dt.timedelta(days=1))  # time has passed
    client.force_login(world.user("official"))

    def ids(path: str) -> set[int]:
        return {row["id"] for row in client.get(f"/api/v1/experts/{path}").json()["items"]}

    assert ids("draws?q=揭榜") == {kept.pk}
    assert f'href="/experts/draws/{kept.pk}/"' in client.get("/experts/draws/?q=揭榜").content.decode()
    assert ids(f"draws?since={today + dt.timedelta(days=1)}") == set()
    assert ids("consultations?open=true") == {late.pk} and ids("consultations?open=false") == {past.pk}
    assert ids("consultations?q=算力") == {late.pk}
    assert ids(f"consultations?due_until={today - dt.timedelta(days=1)}") == {past.pk}
    page = client.get("/experts/consultations/?open=true").content.decode()
    assert "算力口径" in page and "数据口径" not in page
    bad = client.get("/api/v1/experts/consultations?due_until=yesterday")
    assert bad.status_code in (400, 422) and bad.json()["field"] == "due_until"
    assert client.get("/experts/draws/?since=never").status_code == 400
