"""The experts services: registration, conflicts, draws, consultations and opinions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import AuditEvent
from aiplus.experts import draws, selectors, services
from aiplus.experts.models import ConflictDeclaration, Consultation, Draw, DrawMember, ExpertProfile, Opinion

pytestmark = pytest.mark.django_db


def _draw(world: Any, **kwargs: Any) -> Draw:
    options: dict[str, Any] = {
        "acting_user": world.user("official"), "purpose": "场景揭榜评审", "subject_type": "scenarios.application",
        "subject_id": "17", "jurisdiction": "suzhou", "fields": ["industry.manufacturing"], "size": 3,
        "conflicted_organisation_ids": [],
    }
    options.update(kwargs)
    return services.draw_panel(**options)


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (ExpertProfile, ConflictDeclaration, Draw, DrawMember,
                                                     Consultation, Opinion, AuditEvent))


def _refused(field: str, write: Callable[..., Any], **arguments: Any) -> None:
    """`write` refuses the arguments, naming `field`, and nothing is written."""
    counts = _counts()
    with pytest.raises(ServiceError) as error:
        write(**arguments)
    assert error.value.field == field
    assert _counts() == counts


def test_register_expert_creates_profile_role_and_one_audit_event(world, make_expert):
    from aiplus.core import services as core_services

    user = core_services.create_user(acting_user=world.admin, username="zhang", password="x-password-123")
    before = AuditEvent.objects.count()
    profile = services.register_expert(
        acting_user=world.user("official"), user=user, organisation_id=world.orgs["suzhou:enterprise"].pk,
        fields=["industry.manufacturing", "science"], technologies=["机器视觉"], title="教授",
        jurisdiction="suzhou")
    assert profile.fields == ["industry.manufacturing", "science"]
    assert profile.fields_index == ",industry.manufacturing,science,"
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "experts.profile.registered"
    assert user.role_assignments.filter(role="expert").exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"fields": ["industry.nonsense"]}, "fields"),
    ({"fields": []}, "fields"),
    ({"jurisdiction": "atlantis"}, "jurisdiction"),
    ({"organisation_id": 999999}, "organisation_id"),
])
def test_register_expert_bad_input_names_the_field_and_changes_nothing(world, changes, field):
    from aiplus.core import services as core_services

    user = core_services.create_user(acting_user=world.admin, username="wang", password="x-password-123")
    options = {"acting_user": world.user("official"), "user": user, "organisation_id": None,
               "fields": ["industry"], "jurisdiction": "suzhou", **changes}
    _refused(field, services.register_expert, **options)


def test_register_expert_twice_and_out_of_jurisdiction_refused(world, make_expert):
    expert = make_expert()
    with pytest.raises(ServiceError) as error:
        services.register_expert(acting_user=world.admin, user=expert.user, organisation_id=None,
                                 fields=["industry"], jurisdiction="suzhou")
    assert error.value.field == "user"
    from aiplus.core import services as core_services

    user = core_services.create_user(acting_user=world.admin, username="li", password="x-password-123")
    with pytest.raises(PermissionDeniedError):
        services.register_expert(acting_user=world.user("official", "shenzhen"), user=user, organisation_id=None,
                                 fields=["industry"], jurisdiction="suzhou")


def test_declare_conflict_by_the_expert_and_one_audit_event(world, make_expert):
    expert = make_expert()
    before = AuditEvent.objects.count()
    declaration = services.declare_conflict(acting_user=expert.user, expert_id=expert.pk,
                                            organisation_id=world.orgs["suzhou:enterprise"].pk,
                                            relationship="shareholding", note="持股 3%")
    assert declaration.relationship == "shareholding"
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "experts.conflict.declared"
    # Not attached to the declared organisation: its members do not see who declared a relationship with it.
    assert event.organisation_id is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"relationship": "friendship"}, "relationship"),
    ({"organisation_id": 999999}, "organisation_id"),
])
def test_declare_conflict_bad_input(world, make_expert, changes, field):
    expert = make_expert()
    options = {"acting_user": expert.user, "expert_id": expert.pk,
               "organisation_id": world.orgs["suzhou:enterprise"].pk, "relationship": "family", **changes}
    _refused(field, services.declare_conflict, **options)


def test_another_user_cannot_declare_for_an_expert(world, make_expert):
    expert, other = make_expert(), make_expert()
    with pytest.raises((PermissionDeniedError, NotFoundError)):
        services.declare_conflict(acting_user=other.user, expert_id=expert.pk,
                                  organisation_id=world.orgs["suzhou:enterprise"].pk, relationship="family")


def test_draw_excludes_conflicts_with_reasons_and_is_reproducible(world, make_expert):
    applicant = world.orgs["suzhou:enterprise"]
    same_org = make_expert(organisation=applicant)
    declared = make_expert()
    services.declare_conflict(acting_user=declared.user, expert_id=declared.pk, organisation_id=applicant.pk,
                              relationship="collaboration")
    staff = make_expert()
    from aiplus.core import services as core_services

    core_services.assign_role(acting_user=world.admin, user=staff.user, role="enterprise_member",
                              organisation_id=applicant.pk)
    domain = make_expert(fields=("industry",))  # the parent domain matches a sub-field request
    others = [make_expert() for _ in range(4)]
    unrelated = make_expert(fields=("livelihood.health",))
    shenzhen = make_expert(place="shenzhen")
    national = make_expert(place="cn")
    unavailable = make_expert()
    services.update_expert(acting_user=unavailable.user, expert_id=unavailable.pk, available=False)

    before = AuditEvent.objects.count()
    draw = _draw(world, size=4, conflicted_organisation_ids=[applicant.pk])
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "experts.panel.drawn"

    candidate_ids = draw.candidate_ids()
    assert candidate_ids == sorted([domain.pk, national.pk, *(o.pk for o in others)])
    assert unrelated.pk not in candidate_ids and shenzhen.pk not in candidate_ids
    reasons = {row["expert_id"]: [r["code"] for r in row["reasons"]] for row in draw.excluded}
    assert reasons == {same_org.pk: ["same_organisation"], declared.pk: ["declared_relationship"],
                       staff.pk: ["staff_of_applicant"], unavailable.pk: ["unavailable"]}
    assert draw.selected == services.redraw(draw)
    assert len(draw.selected) == 4 and set(draw.selected) <= set(candidate_ids)
    assert [m.expert_id for m in draw.members.order_by("position")] == draw.selected
    assert {u.pk for u in selectors.drawn_users(draw.pk)} == {
        ExpertProfile.objects.get(pk=i).user_id for i in draw.selected}
    member = ExpertProfile.objects.get(pk=draw.selected[0])
    assert selectors.is_drawn(draw.pk, member.user)
    assert not selectors.is_drawn(draw.pk, same_org.user)


def test_the_seed_is_derived_from_the_recorded_public_inputs(world, make_expert):
    experts = [make_expert() for _ in range(3)]
    conflicted = make_expert(organisation=world.orgs["suzhou:enterprise"])
    before = timezone.now()
    draw = _draw(world, size=2, conflicted_organisation_ids=[world.orgs["suzhou:enterprise"].pk])
    inputs = draw.seed_inputs
    assert tuple(sorted(inputs)) == tuple(sorted(draws.INPUT_KEYS))
    assert inputs == {
        "purpose": "场景揭榜评审", "subject_type": "scenarios.application", "subject_id": "17",
        "jurisdiction": "suzhou", "fields": ["industry.manufacturing"], "size": 2,
        "candidate_ids": sorted(e.pk for e in experts), "excluded_ids": [conflicted.pk],
        "conflicted_organisation_ids": [world.orgs["suzhou:enterprise"].pk],
        "drawn_at": inputs["drawn_at"], "nonce": inputs["nonce"],
    }
    assert re.fullmatch(r"[0-9a-f]{32}", inputs["nonce"])  # 128 bits from `secrets`
    assert before <= dt.datetime.fromisoformat(inputs["drawn_at"]) <= timezone.now()
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert draw.seed == int.from_bytes(hashlib.sha256(canonical.encode()).digest()[:8], "big") >> 1
    assert 0 <= draw.seed < 2**63
    assert draw.selected == random.Random(draw.seed).sample(sorted(inputs["candidate_ids"]), 2)
    assert services.redraw(draw) == draw.selected
    assert services.verify_draw(draw)["matches"] is True


def test_nobody_can_pass_a_seed(world, make_expert):
    from aiplus.scenarios import services as scenario_services

    for _ in range(3):
        make_expert()
    counts = _counts()
    with pytest.raises(TypeError):
        _draw(world, size=2, seed=7)
    with pytest.raises(TypeError):
        scenario_services.draw_reviewers(acting_user=world.user("official"), call_id=1, seed=7)  # type: ignore[call-arg]
    assert _counts() == counts


def test_same_recorded_inputs_give_the_same_seed_and_panel(world, make_expert, monkeypatch):
    """Nothing but the recorded inputs decides a panel: with the nonce and the clock fixed, a draw repeats."""
    for _ in range(6):
        make_expert()
    monkeypatch.setattr(draws, "new_nonce", lambda: "0123456789abcdef0123456789abcdef")
    fixed = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(services.timezone, "now", lambda: fixed)
    first, second = _draw(world, size=3), _draw(world, size=3)
    assert first.pk != second.pk and first.seed_inputs == second.seed_inputs
    assert first.seed_inputs["nonce"] == "0123456789abcdef0123456789abcdef"
    assert first.seed_inputs["drawn_at"] == "2026-11-23T10:00:00+00:00"
    assert (first.seed, first.selected) == (second.seed, second.selected)
    # Another server nonce (or any other recorded input) gives another seed.
    monkeypatch.setattr(draws, "new_nonce", lambda: "f" * 32)
    assert _draw(world, size=3).seed != first.seed
    assert _draw(world, size=3, purpose="另一用途").seed != first.seed


@pytest.mark.parametrize(("changes", "field"), [
    ({"size": 0}, "size"),
    ({"size": 4}, "size"),
    ({"fields": ["industry.unknown"]}, "fields"),
    ({"fields": []}, "fields"),
    ({"purpose": " "}, "purpose"),
    ({"jurisdiction": "atlantis"}, "jurisdiction"),
    ({"conflicted_organisation_ids": [999999]}, "conflicted_organisation_ids"),
])
def test_draw_bad_input_names_the_field_and_changes_nothing(world, make_expert, changes, field):
    for _ in range(3):
        make_expert()
    _refused(field, _draw, world=world, **changes)


def test_draw_larger_than_pool_says_how_many_are_eligible(world, make_expert):
    for _ in range(2):
        make_expert()
    conflicted = make_expert(organisation=world.orgs["suzhou:enterprise"])
    with pytest.raises(ServiceError) as error:
        _draw(world, size=3, conflicted_organisation_ids=[conflicted.organisation_id])
    assert error.value.field == "size"
    assert "2" in str(error.value.message)


def test_draw_refused_outside_the_officials_jurisdiction(world, make_expert):
    make_expert()
    with pytest.raises(PermissionDeniedError):
        _draw(world, acting_user=world.user("official", "shenzhen"), size=1)
    with pytest.raises(PermissionDeniedError):
        _draw(world, acting_user=world.user("enterprise_member"), size=1)


def test_draws_are_isolated_by_jurisdiction(world, make_expert):
    make_expert()
    draw = _draw(world, size=1)
    assert selectors.draws(world.user("official")).filter(pk=draw.pk).exists()
    assert not selectors.draws(world.user("official", "shenzhen")).filter(pk=draw.pk).exists()
    with pytest.raises(NotFoundError):
        selectors.draw(world.user("official", "shenzhen"), draw.pk)
    with pytest.raises(ServiceError):
        services.ask_panel(acting_user=world.user("official", "shenzhen"), title="t", question="q",
                           draw_id=draw.pk, deadline=timezone.localdate())


def test_consultation_and_opinions(world, make_expert):
    pool = [make_expert() for _ in range(4)]
    draw = _draw(world, size=2)
    before = AuditEvent.objects.count()
    deadline = timezone.localdate() + dt.timedelta(days=10)
    consultation = services.ask_panel(acting_user=world.user("official"), title="算力券评审口径",
                                      question="请就评审口径提出意见。", draw_id=draw.pk, deadline=deadline)
    assert AuditEvent.objects.count() == before + 1
    drawn = [p for p in pool if p.pk in draw.selected]
    outsider = next(p for p in pool if p.pk not in draw.selected)
    for profile in drawn:
        assert profile.user.notifications.filter(verb="experts.consultation").exists()

    before = AuditEvent.objects.count()
    opinion = services.submit_opinion(acting_user=drawn[0].user, consultation_id=consultation.pk, text="同意。")
    assert AuditEvent.objects.count() == before + 1
    assert opinion.expert == drawn[0]
    services.submit_opinion(acting_user=drawn[0].user, consultation_id=consultation.pk, text="修改后同意。")
    assert Opinion.objects.get(pk=opinion.pk).text == "修改后同意。"

    counts = _counts()
    with pytest.raises(PermissionDeniedError):
        services.submit_opinion(acting_user=outsider.user, consultation_id=consultation.pk, text="我也想说")
    with pytest.raises(PermissionDeniedError):
        services.submit_opinion(acting_user=world.user("official"), consultation_id=consultation.pk, text="x")
    with pytest.raises(ServiceError) as error:
        services.submit_opinion(acting_user=drawn[1].user, consultation_id=consultation.pk, text="  ")
    assert error.value.field == "text"
    assert _counts() == counts

    assert selectors.consultations(drawn[1].user).filter(pk=consultation.pk).exists()
    assert not selectors.consultations(outsider.user).filter(pk=consultation.pk).exists()
    assert not selectors.consultations(world.user("official", "shenzhen")).filter(pk=consultation.pk).exists()
    assert list(selectors.opinions(drawn[1].user, consultation)) == []
    assert selectors.opinions(world.user("official"), consultation).count() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"question": ""}, "question"),
    ({"deadline": dt.date(2000, 1, 1)}, "deadline"),
])
def test_ask_panel_bad_input(world, make_expert, changes, field):
    make_expert()
    draw = _draw(world, size=1)
    options = {"acting_user": world.user("official"), "title": "t", "question": "q", "draw_id": draw.pk,
               "deadline": timezone.localdate(), **changes}
    _refused(field, services.ask_panel, **options)


def test_hand_picked_consultation(world, make_expert):
    picked, other = make_expert(), make_expert()
    consultation = services.ask_experts(acting_user=world.user("official"), title="t", question="q",
                                        jurisdiction="suzhou", expert_ids=[picked.pk],
                                        deadline=timezone.localdate())
    services.submit_opinion(acting_user=picked.user, consultation_id=consultation.pk, text="意见")
    with pytest.raises(PermissionDeniedError):
        services.submit_opinion(acting_user=other.user, consultation_id=consultation.pk, text="意见")


def test_update_expert_one_audit_event_and_field_filter(world, make_expert):
    expert = make_expert(fields=("industry.manufacturing",))
    before = AuditEvent.objects.count()
    services.update_expert(acting_user=expert.user, expert_id=expert.pk, available=False,
                           unavailable_until=timezone.localdate() + dt.timedelta(days=3))
    assert AuditEvent.objects.count() == before + 1
    official = world.user("official")
    assert selectors.experts(official, field="industry").filter(pk=expert.pk).exists()
    assert selectors.experts(official, field="industry.manufacturing").filter(pk=expert.pk).exists()
    assert not selectors.experts(official, field="industry.agriculture").filter(pk=expert.pk).exists()
    assert not selectors.experts(world.user("official", "shenzhen")).filter(pk=expert.pk).exists()
    with pytest.raises(PermissionDeniedError):
        services.update_expert(acting_user=expert.user, expert_id=expert.pk, is_active=False)


def test_search_finds_chinese_technologies_and_titles(world, make_expert):
    expert = make_expert(technologies=["机器视觉", "大模型"], title="研究员")
    official = world.user("official")
    assert list(selectors.experts(official, search="机器视觉")) == [expert]
    assert list(selectors.experts(official, search="研究员")) == [expert]
    assert not selectors.experts(official, search="区块链").exists()


def test_inactive_users_are_not_drawn(world, make_expert):
    expert = make_expert()
    expert.user.is_active = False
    expert.user.save()
    with pytest.raises(ServiceError) as error:
        _draw(world, size=1)
    assert error.value.field == "size"
