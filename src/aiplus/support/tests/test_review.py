"""Review before a decision, through the API: a programme whose procedure asks for experts gets a panel drawn with
the experts app's reproducible, conflict-free draw (the applicant's own expert is excluded); the panel scores
against the programme's criteria and the weighted mean must reach the pass score; an approval goes to public
notice (公示), anyone may object (trap field, rate limit per source), an official answers before making the award
final; later tranches are paid only after their milestone is accepted."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from aiplus.compute import ledger
from aiplus.core import services as core_services
from aiplus.core.models import AuditEvent
from aiplus.core.testing import operation, signed_in
from aiplus.experts import services as expert_services
from aiplus.support import services
from aiplus.support.models import Application, Objection, Score, Tranche

pytestmark = pytest.mark.django_db
D = Decimal
_n = itertools.count(1)


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _expert(world: Any, organisation: Any = None) -> Any:
    user = core_services.create_user(acting_user=world.admin, username=f"rd-expert-{next(_n)}",
                                     password="x-password-123")
    expert_services.register_expert(acting_user=world.admin, user=user, fields=["industry.manufacturing"],
                                    jurisdiction="suzhou", organisation_id=organisation.pk if organisation else None)
    return user


@pytest.fixture
def accepted(world: Any) -> Any:
    """A major R&D application (expert review, public notice, three tranches), accepted by the formal check."""
    official, member = world.user("official"), world.user("enterprise_member")
    company = world.orgs["suzhou:enterprise"]
    services.open_budget(acting_user=official, programme_code="suzhou.major_rd", year=timezone.localdate().year)
    application = services.create_application(acting_user=member, organisation_id=company.pk,
                                              programme_code="suzhou.major_rd", title="工业大模型研发",
                                              declared_cny="30000000")
    for code in ("proposal", "budget_plan"):
        services.add_document(acting_user=member, application_id=application.pk, code=code, reference=f"{code}.pdf")
    services.submit_application(acting_user=member, application_id=application.pk)
    services.examine_application(acting_user=official, application_id=application.pk)
    application.refresh_from_db()
    assert application.status == "accepted"
    return application


def test_expert_review_notice_objection_and_milestones_end_to_end(world: Any, accepted: Any,
                                                                 monkeypatch: Any) -> None:
    official = signed_in(world.user("official"))
    own_expert = _expert(world, world.orgs["suzhou:enterprise"])  # the applicant's own expert: never drawn
    panel = [_expert(world) for _ in range(3)]
    pk = accepted.pk

    early = _post(official, "aiplus_support_api_decide_application", {"approve": True}, application_id=pk)
    assert early.status_code == 409 and early.json()["code"] == "review_pending"

    drawn = _post(official, "aiplus_support_api_draw_review_panel", application_id=pk)
    assert drawn.status_code == 200, drawn.content
    application = Application.objects.select_related("panel").get(pk=pk)
    assert application.panel is not None and len(application.panel.selected) == 3
    excluded = {row["expert_id"] for row in application.panel.excluded}
    assert own_expert.expert_profile.pk in excluded
    assert AuditEvent.objects.filter(action="support.review.drawn", object_id=str(pk)).count() == 1

    # Only a drawn expert scores, each criterion 0-100, once.
    outsider = _post(signed_in(own_expert), "aiplus_support_api_score_application",
                     {"scores": {"innovation": 90, "feasibility": 90, "impact": 90}}, application_id=pk)
    assert outsider.status_code in (403, 404)
    members = [u for u in panel if u.expert_profile.pk in application.panel.selected]
    bad = _post(signed_in(members[0]), "aiplus_support_api_score_application",
                {"scores": {"innovation": 101, "feasibility": 90, "impact": 90}}, application_id=pk)
    assert bad.status_code == 400 and bad.json()["field"] == "scores.innovation"
    for user, marks in zip(members, ((80, 70, 60), (90, 60, 70), (70, 80, 90)), strict=True):
        answer = _post(signed_in(user), "aiplus_support_api_score_application",
                       {"scores": dict(zip(("innovation", "feasibility", "impact"), marks, strict=True)),
                        "comment": "同意"}, application_id=pk)
        assert answer.status_code == 200, answer.content
    again = _post(signed_in(members[0]), "aiplus_support_api_score_application",
                  {"scores": {"innovation": 1, "feasibility": 1, "impact": 1}}, application_id=pk)
    assert again.status_code == 409
    assert sorted(Score.objects.values_list("total", flat=True)) == [D("71.00"), D("75.00"), D("79.00")]

    # The decision: approved into public notice; the budget is committed, nothing is paid yet.
    decided = _post(official, "aiplus_support_api_decide_application", {"approve": True}, application_id=pk)
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["status"] == "notice" and body["decision"]["review"]["mean"] == "75.00"
    notice_until = dt.date.fromisoformat(body["notice_until"])
    assert notice_until == timezone.localdate() + dt.timedelta(days=5)
    first = Tranche.objects.get(application_id=pk, number=1)
    refused = _post(official, "aiplus_support_api_pay_tranche", tranche_id=first.pk)
    assert refused.status_code == 409

    # Anyone objects during the notice; the trap field and the rate limit hold.
    notices = signed_in(world.user("enterprise_member")).get(operation("aiplus_support_api_list_notices")).json()
    assert [n["id"] for n in notices["items"]] == [pk]
    from django.test import Client
    public = Client(REMOTE_ADDR="203.0.113.9")
    trap = _post(public, "aiplus_support_api_object_to_award", {"text": "x", "website": "spam"}, application_id=pk)
    assert trap.status_code == 400 and trap.json()["field"] == "website"
    raised = _post(public, "aiplus_support_api_object_to_award", {"text": "该企业研发投入存在重复申报。"},
                   application_id=pk)
    assert raised.status_code == 201, raised.content
    for _ in range(4):
        _post(public, "aiplus_support_api_object_to_award", {"text": "重复"}, application_id=pk)
    flooded = _post(public, "aiplus_support_api_object_to_award", {"text": "重复"}, application_id=pk)
    assert flooded.status_code == 429
    assert Objection.objects.exclude(source_key="").values("source_key").distinct().count() == 1
    assert "203.0.113.9" not in Objection.objects.first().source_key  # type: ignore[union-attr]

    running = _post(official, "aiplus_support_api_finalise_award", application_id=pk)
    assert running.status_code == 409 and running.json()["code"] == "notice_running"
    monkeypatch.setattr(timezone, "localdate", lambda *a: notice_until + dt.timedelta(days=1))
    unanswered = _post(official, "aiplus_support_api_finalise_award", application_id=pk)
    assert unanswered.status_code == 409 and unanswered.json()["code"] == "objections_unanswered"
    late = _post(Client(REMOTE_ADDR="203.0.113.10"), "aiplus_support_api_object_to_award", {"text": "迟到"},
                 application_id=pk)
    assert late.status_code == 409
    member_answer = _post(signed_in(world.user("enterprise_member")), "aiplus_support_api_answer_objection",
                          {"answer": "无"}, objection_id=Objection.objects.first().pk)  # type: ignore[union-attr]
    assert member_answer.status_code == 403
    for objection in Objection.objects.all():
        answered = _post(official, "aiplus_support_api_answer_objection", {"answer": "经核查，不存在重复申报。"},
                         objection_id=objection.pk)
        assert answered.status_code == 200, answered.content
    final = _post(official, "aiplus_support_api_finalise_award", application_id=pk)
    assert final.status_code == 200 and final.json()["status"] == "approved"

    # Tranches: the first on approval; the second only after its milestone is accepted.
    assert _post(official, "aiplus_support_api_pay_tranche", tranche_id=first.pk).status_code == 200
    second = Tranche.objects.get(application_id=pk, number=2)
    blocked = _post(official, "aiplus_support_api_pay_tranche", tranche_id=second.pk)
    assert blocked.status_code == 409 and blocked.json()["code"] == "milestone_not_accepted"
    no_note = _post(official, "aiplus_support_api_accept_milestone", {"note": ""}, tranche_id=second.pk)
    assert no_note.status_code == 400 and no_note.json()["field"] == "note"
    accepted_ms = _post(official, "aiplus_support_api_accept_milestone", {"note": "中期检查通过"},
                        tranche_id=second.pk)
    assert accepted_ms.status_code == 200, accepted_ms.content
    assert _post(official, "aiplus_support_api_pay_tranche", tranche_id=second.pk).status_code == 200
    assert ledger.unbalanced_transactions() == []
    for action in ("support.review.scored", "support.objection.raised", "support.objection.answered",
                   "support.application.finalised", "support.tranche.accepted"):
        assert AuditEvent.objects.filter(action=action).exists(), action


def test_a_panel_below_the_pass_score_cannot_approve(world: Any, accepted: Any) -> None:
    official = world.user("official")
    for _ in range(3):
        _expert(world)
    services.draw_review_panel(acting_user=official, application_id=accepted.pk)
    accepted.refresh_from_db()
    from aiplus.experts.models import ExpertProfile
    for profile in ExpertProfile.objects.filter(pk__in=accepted.panel.selected).select_related("user"):
        services.score_application(acting_user=profile.user, application_id=accepted.pk,
                                   scores={"innovation": 50, "feasibility": 50, "impact": 50})
    answer = _post(signed_in(official), "aiplus_support_api_decide_application", {"approve": True},
                   application_id=accepted.pk)
    assert answer.status_code == 409 and answer.json()["code"] == "below_pass_score"
    rejected = _post(signed_in(official), "aiplus_support_api_decide_application",
                     {"approve": False, "note": "评审未通过"}, application_id=accepted.pk)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


def test_only_an_official_of_the_programme_draws_the_panel(world: Any, accepted: Any) -> None:
    for who in ("enterprise_member", ("official", "shenzhen")):
        user = world.user(*who) if isinstance(who, tuple) else world.user(who)
        answer = _post(signed_in(user), "aiplus_support_api_draw_review_panel", application_id=accepted.pk)
        assert answer.status_code in (403, 404), who
