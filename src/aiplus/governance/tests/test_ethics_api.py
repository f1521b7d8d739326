"""Ethics review through the API (and the services it calls): committees and their composition, the one notice of
everything missing, quorum failures refused with nothing written, votes and the two-thirds decision, the clock,
the expert re-review by a drawn panel without the unit's committee members, follow-ups and their reminders, and who
may see and do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.models import AuditEvent, Notification
from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.governance.models import Attendance, EthicsApplication, FollowUp, ReReview, Review

pytestmark = pytest.mark.django_db


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _ids(ethics: Any, *indexes: int) -> list[int]:
    return [ethics.members[i].pk for i in indexes]


def test_committee_is_set_up_and_checked_through_the_api(world: Any, make_user: Any) -> None:
    member = world.user("enterprise_member")
    company = world.orgs["suzhou:enterprise"]
    client = signed_in(member)
    created = _post(client, "aiplus_governance_api_create_committee",
                    {"organisation_id": company.pk, "name": "苏州测试伦理委员会", "established_on": "2026-01-05"})
    assert created.status_code == 201, created.content
    committee = created.json()
    assert not committee["composition_ok"]
    assert {c["code"] for c in committee["composition"] if not c["ok"]} >= {"size", "chair"}
    today = timezone.localdate()
    people = [make_user() for _ in range(7)]
    from aiplus.governance.tests.conftest import SEVEN

    for person, (role, discipline, gender, external) in zip(people, SEVEN, strict=True):
        answer = _post(client, "aiplus_governance_api_add_member", {
            "user_id": person.pk, "role": role, "discipline": discipline, "gender": gender, "external": external,
            "term_start": str(today), "term_end": str(today + dt.timedelta(days=365))},
            committee_id=committee["id"])
        assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["composition_ok"], body["composition"]
    training = next(c for c in body["composition"] if c["code"] == "training")
    assert not training["ok"] and not training["required"]  # advice only

    # a term over five years, a second chair, an in-house "external" member: each refused naming its field
    spare = [make_user(), make_user()]
    before = written(AuditEvent)
    too_long = _post(client, "aiplus_governance_api_add_member", {
        "user_id": spare[0].pk, "role": "member", "discipline": "law", "gender": "female",
        "term_start": "2026-01-01", "term_end": "2031-01-02"}, committee_id=committee["id"])
    assert_refused_naming(too_long, "term_end")
    chair = _post(client, "aiplus_governance_api_add_member", {
        "user_id": spare[1].pk, "role": "chair", "discipline": "law", "gender": "female",
        "term_start": str(today), "term_end": str(today)}, committee_id=committee["id"])
    assert_refused_naming(chair, "role")
    inside = _post(client, "aiplus_governance_api_add_member", {
        "user_id": world.user("provider").pk, "role": "member", "discipline": "law", "gender": "female",
        "external": True, "term_start": str(today), "term_end": str(today)}, committee_id=committee["id"])
    assert inside.status_code == 201  # the provider belongs to another organisation: truly external
    assert written(AuditEvent)[1] == before[1] + 1

    registered = _post(client, "aiplus_governance_api_register_committee",
                       {"registered_on": "2026-01-20", "registration_number": "NSTEC-2026-001"},
                       committee_id=committee["id"])
    assert registered.status_code == 200 and registered.json()["registered_on"] == "2026-01-20"
    early = _post(client, "aiplus_governance_api_register_committee",
                  {"registered_on": "2026-01-01", "registration_number": "X"}, committee_id=committee["id"])
    assert_refused_naming(early, "registered_on")

    # another company's member cannot see it, nor add to it
    outsider = signed_in(world.user("enterprise_member", "shenzhen"))
    assert outsider.get(operation("aiplus_governance_api_get_committee", committee_id=committee["id"])
                        ).status_code == 404
    assert _post(outsider, "aiplus_governance_api_add_member", {
        "user_id": make_user().pk, "role": "member", "discipline": "law", "gender": "female",
        "term_start": str(today), "term_end": str(today)}, committee_id=committee["id"]).status_code == 404
    # an official of Suzhou is no member of the company: nothing to see of an unlisted committee
    official = signed_in(world.user("official"))
    assert official.get(operation("aiplus_governance_api_get_committee", committee_id=committee["id"])
                        ).status_code == 404


def test_missing_materials_are_named_in_one_notice(ethics: Any, make_application: Any) -> None:
    application = make_application(complete=False)
    chair = signed_in(ethics.chair)
    answer = _post(chair, "aiplus_governance_api_examine_application",
                   {"procedure": "general", "requested_other": "数据来源合规证明"}, application_id=application.pk)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "incomplete"
    assert [m["kind"] for m in body["missing_notice"]] == ["plan", "qualifications", "consent", "commitment",
                                                           "other"]
    applicant = signed_in(ethics.applicant)
    assert applicant.patch(operation("aiplus_governance_api_update_materials", application_id=application.pk),
                           {"plan": "方案", "qualifications": "资质", "consent": "同意书", "commitment": "承诺",
                            "other": "合规证明"}, content_type="application/json").status_code == 200
    assert _post(applicant, "aiplus_governance_api_submit_application",
                 application_id=application.pk).status_code == 200
    # a second notice may not ask for anything new
    again = _post(chair, "aiplus_governance_api_examine_application",
                  {"procedure": "general", "requested_other": "又一份材料"}, application_id=application.pk)
    assert_refused_naming(again, "requested_other")
    accepted = _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
                     application_id=application.pk).json()
    assert accepted["status"] == "accepted"
    due = dt.datetime.fromisoformat(accepted["decision_due"])
    assert (due.date() - timezone.localdate()).days in (29, 30)  # 30 calendar days, read in UTC or local time
    assert accepted["decision_due_basis"]["parameter"] == "ethics.decision_days"


def test_application_is_reviewed_end_to_end_through_the_api(ethics: Any, make_application: Any) -> None:
    application = make_application()
    chair = signed_in(ethics.chair)
    assert _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
                 application_id=application.pk).json()["status"] == "accepted"
    today = str(timezone.localdate())

    # quorum failure: five present but one declares a conflict, so four count; refused, nothing written
    before = written(Review), Attendance.objects.count(), AuditEvent.objects.count()
    refused = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": today, "present": _ids(ethics, 0, 1, 2, 3, 4), "conflicts": _ids(ethics, 4),
        "votes": {str(i): "approve" for i in _ids(ethics, 0, 1, 2, 3)}}, application_id=application.pk)
    assert_refused_naming(refused, "present")
    assert "4" in refused.json()["message"] and "5" in refused.json()["message"]
    assert (written(Review), Attendance.objects.count(), AuditEvent.objects.count()) == before
    # a quorum without a lawyer or an external member is refused too
    no_law = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": today, "present": _ids(ethics, 0, 1, 3, 4, 5, 6),
        "votes": {str(i): "approve" for i in _ids(ethics, 0, 1, 3, 4, 5, 6)}}, application_id=application.pk)
    assert_refused_naming(no_law, "present")

    # six present and voting (one of seven excluded for a conflict): 4 approve of 6 = exactly two thirds
    present = _ids(ethics, 0, 1, 2, 3, 4, 5, 6)
    votes = dict(zip(map(str, _ids(ethics, 0, 1, 2, 3, 4, 5)),
                     ["approve", "approve", "approve", "approve", "reject", "abstain"], strict=True))
    decided = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": today, "present": present, "conflicts": _ids(ethics, 6), "votes": votes},
        application_id=application.pk)
    assert decided.status_code == 201, decided.content
    body = decided.json()
    assert body["status"] == "approved"
    review = body["reviews"][0]
    assert review["outcome"] == "approved"
    by_member = {a["member_id"]: a for a in review["attendance"]}
    assert by_member[ethics.members[6].pk]["conflict"] and by_member[ethics.members[6].pk]["vote"] == ""
    assert by_member[ethics.members[4].pk]["vote"] == "reject"
    # the first follow-up is due within 12 months
    assert body["follow_ups"][0]["due_on"] == str(
        __import__("aiplus.governance.ethics_rules", fromlist=["add_months"]).add_months(timezone.localdate(), 12))
    assert AuditEvent.objects.filter(action="governance.review.recorded").count() == 1


def test_one_vote_short_of_two_thirds_records_no_decision(ethics: Any, make_application: Any) -> None:
    application = make_application()
    chair = signed_in(ethics.chair)
    _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
          application_id=application.pk)
    present = _ids(ethics, 0, 1, 2, 3, 4, 5)
    votes = dict(zip(map(str, present), ["approve", "approve", "approve", "reject", "reject", "reject"],
                     strict=True))
    body = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": present, "votes": votes},
        application_id=application.pk).json()
    assert body["status"] == "accepted" and body["reviews"][0]["outcome"] == ""
    majority = next(c for c in body["reviews"][0]["checks"] if c["code"] == "majority")
    assert not majority["ok"]


def test_every_member_present_must_vote_and_only_they(ethics: Any, make_application: Any) -> None:
    application = make_application()
    chair = signed_in(ethics.chair)
    _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
          application_id=application.pk)
    present = _ids(ethics, 0, 1, 2, 3, 4)
    missing_vote = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": present,
        "votes": {str(i): "approve" for i in present[:4]}}, application_id=application.pk)
    assert_refused_naming(missing_vote, "votes")
    stray = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": present,
        "votes": {str(i): "approve" for i in [*present, ethics.members[6].pk]}}, application_id=application.pk)
    assert_refused_naming(stray, "votes")
    future = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate() + dt.timedelta(days=1)), "present": present,
        "votes": {str(i): "approve" for i in present}}, application_id=application.pk)
    assert_refused_naming(future, "held_on")
    unknown = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": [*present, 999999],
        "votes": {str(i): "approve" for i in present}}, application_id=application.pk)
    assert_refused_naming(unknown, "present")


def test_only_the_chair_records_and_nobody_reviews_their_own(ethics: Any, make_application: Any,
                                                             make_user: Any) -> None:
    from aiplus.governance import services

    application = make_application()
    plain_member = signed_in(ethics.members[3].user)
    assert _post(plain_member, "aiplus_governance_api_examine_application", {"procedure": "general"},
                 application_id=application.pk).status_code == 200
    present = _ids(ethics, 0, 1, 2, 3, 4)
    answer = _post(plain_member, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": present,
        "votes": {str(i): "approve" for i in present}}, application_id=application.pk)
    assert answer.status_code == 403
    # the chair's own application: they may not examine or review it
    from aiplus.core import services as core_services

    core_services.assign_role(acting_user=ethics.world.admin, user=ethics.chair, role="enterprise_member",
                              organisation_id=ethics.company.pk)
    own = services.create_application(acting_user=ethics.chair, committee_id=ethics.committee.pk, title="主任的项目",
                                      **{k: "x" for k in ("overview", "plan", "qualifications", "consent",
                                                          "commitment")})
    services.submit_application(acting_user=ethics.chair, application_id=own.pk)
    assert _post(signed_in(ethics.chair), "aiplus_governance_api_examine_application", {"procedure": "general"},
                 application_id=own.pk).status_code == 403


def test_simplified_procedure_decides_only_when_all_approve(ethics: Any, make_application: Any) -> None:
    application = make_application()
    chair = signed_in(ethics.chair)
    _post(chair, "aiplus_governance_api_examine_application", {"procedure": "simplified"},
          application_id=application.pk)
    reviewers = _ids(ethics, 1, 2)
    split = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": reviewers,
        "votes": {str(reviewers[0]): "approve", str(reviewers[1]): "reject"}}, application_id=application.pk).json()
    assert split["status"] == "accepted" and split["procedure"] == "general"  # to a meeting


def test_emergency_procedure_has_a_72_hour_clock(ethics: Any, make_application: Any) -> None:
    application = make_application()
    body = _post(signed_in(ethics.chair), "aiplus_governance_api_examine_application", {"procedure": "emergency"},
                 application_id=application.pk).json()
    due = dt.datetime.fromisoformat(body["decision_due"])
    assert abs((due - timezone.now()).total_seconds() - 72 * 3600) < 120
    assert body["decision_due_basis"]["unit"] == "hours"


def _listed_and_approved(ethics: Any, make_application: Any) -> EthicsApplication:
    application = make_application(listed_item="autonomous_decisions")
    official = signed_in(ethics.world.user("official"))
    # before the committee's preliminary approval refers it, the authority sees nothing of a listed activity
    assert official.get(operation("aiplus_governance_api_get_application", application_id=application.pk)
                        ).status_code == 404
    chair = signed_in(ethics.chair)
    _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
          application_id=application.pk)
    present = _ids(ethics, 0, 1, 2, 3, 4)
    body = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": present,
        "votes": {str(i): "approve" for i in present}}, application_id=application.pk).json()
    assert body["status"] == "re_review" and body["referred_jurisdiction"] == "suzhou"
    return EthicsApplication.objects.get(pk=application.pk)


@pytest.fixture
def pool(ethics: Any, make_user: Any) -> list[Any]:
    """Eight Suzhou experts: one is a member of the applying unit's committee, one works for the company."""
    from aiplus.experts import services as expert_services

    experts = []
    for i in range(8):
        user = ethics.members[2].user if i == 0 else make_user("expert")
        experts.append(expert_services.register_expert(
            acting_user=ethics.world.admin, user=user, organisation_id=ethics.company.pk if i == 1 else None,
            fields=["industry.manufacturing"], jurisdiction="suzhou"))
    return experts


def _expert(expert_id: int) -> Any:
    from aiplus.experts.models import ExpertProfile

    return signed_in(ExpertProfile.objects.get(pk=expert_id).user)


def _panel_votes(application: Any, experts: list[int], vote: str) -> Any:
    """Each expert signs in and submits their own opinion; the last answer (the application as they see it)."""
    body = None
    for expert_id in experts:
        answer = _post(_expert(expert_id), "aiplus_governance_api_submit_re_review_opinion",
                       {"vote": vote, "opinion": "同意：风险可控。" if vote == "agree" else "不同意：风险不可控。"},
                       application_id=application.pk)
        assert answer.status_code == 200, answer.content
        body = answer.json()
    return body


def test_listed_activity_goes_to_a_drawn_panel_without_the_committee(ethics: Any, make_application: Any,
                                                                      pool: list[Any]) -> None:
    application = _listed_and_approved(ethics, make_application)
    official = signed_in(ethics.world.user("official"))
    # the official now sees the referred file (votes included)
    seen = official.get(operation("aiplus_governance_api_get_application", application_id=application.pk))
    assert seen.status_code == 200 and seen.json()["reviews"][0]["attendance"]
    # the company's member may not draw its own panel; too small a panel is refused
    assert _post(signed_in(ethics.applicant), "aiplus_governance_api_draw_re_review_panel",
                 {"fields": ["industry.manufacturing"], "size": 5}, application_id=application.pk
                 ).status_code == 403
    assert_refused_naming(_post(official, "aiplus_governance_api_draw_re_review_panel",
                                {"fields": ["industry.manufacturing"], "size": 4}, application_id=application.pk),
                          "size")
    drawn = _post(official, "aiplus_governance_api_draw_re_review_panel",
                  {"fields": ["industry.manufacturing"], "size": 5}, application_id=application.pk)
    assert drawn.status_code == 201, drawn.content
    re_review = ReReview.objects.get(application=application)
    excluded = {e["expert_id"]: [r["code"] for r in e["reasons"]] for e in re_review.draw.excluded}
    assert "committee_member" in excluded[pool[0].pk]
    assert excluded[pool[1].pk] == ["same_organisation"]
    assert pool[0].pk not in re_review.draw.selected and pool[1].pk not in re_review.draw.selected
    from aiplus.experts import services as expert_services

    assert expert_services.verify_draw(re_review.draw)["matches"]  # reproducible as every draw

    panel = [int(i) for i in re_review.draw.selected]
    # the official no longer enters the experts' opinions: only each drawn expert, for themself, once
    assert _post(official, "aiplus_governance_api_submit_re_review_opinion",
                 {"vote": "agree", "opinion": "同意"}, application_id=application.pk).status_code == 403
    assert _post(signed_in(pool[0].user), "aiplus_governance_api_submit_re_review_opinion",
                 {"vote": "agree", "opinion": "同意"}, application_id=application.pk).status_code == 403
    _panel_votes(application, panel[:3], "agree")
    first = _expert(panel[0])
    assert _post(first, "aiplus_governance_api_submit_re_review_opinion", {"vote": "disagree", "opinion": "改主意"},
                 application_id=application.pk).status_code == 409
    assert_refused_naming(_post(_expert(panel[3]), "aiplus_governance_api_submit_re_review_opinion",
                                {"vote": "maybe", "opinion": "?"}, application_id=application.pk), "vote")
    assert_refused_naming(_post(_expert(panel[3]), "aiplus_governance_api_submit_re_review_opinion",
                                {"vote": "agree", "opinion": "a\x00b"}, application_id=application.pk), "opinion")
    assert ReReview.objects.get(application=application).outcome == ""  # 3 of 5 so far: no conclusion yet
    body = _panel_votes(application, panel[3:], "disagree")  # 3 of 5 agree: short of two thirds
    assert body["status"] == "rejected" and body["re_review"]["outcome"] == "disagree"
    assert body["re_review"]["opinions"][str(panel[0])] == "同意：风险可控。"
    assert not FollowUp.objects.filter(application=application).exists()


def test_two_thirds_of_the_panel_approves_and_follow_ups_are_six_monthly(ethics: Any, make_application: Any,
                                                                         pool: list[Any]) -> None:
    application = _listed_and_approved(ethics, make_application)
    official = signed_in(ethics.world.user("official"))
    _post(official, "aiplus_governance_api_draw_re_review_panel", {"fields": ["industry.manufacturing"], "size": 6},
          application_id=application.pk)
    panel = [int(i) for i in ReReview.objects.get(application=application).draw.selected]
    _panel_votes(application, panel[4:], "disagree")
    body = _panel_votes(application, panel[:4], "agree")  # 4 of 6: exactly two thirds
    assert body["status"] == "approved" and body["re_review"]["outcome"] == "agree"
    from aiplus.governance.ethics_rules import add_months

    assert body["follow_ups"][0]["due_on"] == str(add_months(timezone.localdate(), 6))

    # the follow-up: reminded once when due within the reminder days, then recorded by a member
    from aiplus.governance import services

    follow_up = FollowUp.objects.get(application=application)
    assert services.remind_follow_ups(today=follow_up.due_on - dt.timedelta(days=40)) == 0
    assert services.remind_follow_ups(today=follow_up.due_on - dt.timedelta(days=10)) == 1
    assert services.remind_follow_ups(today=follow_up.due_on - dt.timedelta(days=9)) == 0  # once
    assert Notification.objects.filter(recipient=ethics.chair, verb="governance.ethics").exists()
    member = signed_in(ethics.members[3].user)
    done = _post(member, "aiplus_governance_api_record_follow_up",
                 {"done_on": str(timezone.localdate()), "conclusion": "风险可控"}, follow_up_id=follow_up.pk)
    assert done.status_code == 200, done.content
    assert len(done.json()["follow_ups"]) == 2


@pytest.mark.parametrize("role", ["official", "auditor", "expert", "provider", "public"])
def test_every_other_role_is_refused_the_materials_and_votes(ethics: Any, make_application: Any, role: str,
                                                             client: Any) -> None:
    application = make_application()
    chair = signed_in(ethics.chair)
    _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
          application_id=application.pk)
    present = _ids(ethics, 0, 1, 2, 3, 4)
    _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": present,
        "votes": {str(i): "approve" for i in present}}, application_id=application.pk)
    other = client if role == "public" else signed_in(ethics.world.user(role))
    api = other.get(operation("aiplus_governance_api_get_application", application_id=application.pk))
    page = other.get(f"/governance/ethics/applications/{application.pk}/")
    assert api.status_code in (401, 403, 404)
    assert page.status_code in (302, 403, 404)
    listing = other.get(operation("aiplus_governance_api_list_applications"))
    assert listing.status_code in (401, 403) or listing.json()["count"] == 0
    for place_role in ("official", "enterprise_member"):
        shenzhen = signed_in(ethics.world.user(place_role, "shenzhen"))
        assert shenzhen.get(operation("aiplus_governance_api_get_application", application_id=application.pk)
                            ).status_code == 404
    # the committee's external member and the applicant do see it
    for user in (ethics.members[2].user, ethics.applicant):
        assert signed_in(user).get(f"/governance/ethics/applications/{application.pk}/").status_code == 200


def test_pages_draw_for_members(ethics: Any, make_application: Any) -> None:
    application = make_application(complete=False)
    chair = signed_in(ethics.chair)
    page = chair.get(f"/governance/ethics/committees/{ethics.committee.pk}/")
    assert page.status_code == 200 and 'data-ok="true"' in page.content.decode()
    page = chair.get(f"/governance/ethics/applications/{application.pk}/")
    assert page.status_code == 200 and 'data-testid="examine-form"' in page.content.decode()
    assert chair.get("/governance/ethics/applications/").status_code == 200
    assert chair.get("/governance/ethics/committees/").status_code == 200
    english = signed_in(ethics.chair)
    english.cookies["django_language"] = "en"
    assert english.get(f"/governance/ethics/committees/{ethics.committee.pk}/", HTTP_ACCEPT_LANGUAGE="en"
                       ).status_code == 200


def test_the_daily_command_reminds_each_follow_up_once(ethics: Any, make_application: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    application = make_application()
    chair = signed_in(ethics.chair)
    _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
          application_id=application.pk)
    present = _ids(ethics, 0, 1, 2, 3, 4)
    _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": present,
        "votes": {str(i): "approve" for i in present}}, application_id=application.pk)
    due = FollowUp.objects.get(application=application).due_on
    out = StringIO()
    call_command("remind_ethics_follow_ups", "--today", str(due - dt.timedelta(days=3)), stdout=out)
    call_command("remind_ethics_follow_ups", "--today", str(due - dt.timedelta(days=2)), stdout=out)
    # the fixture's committee, set up 40 days ago and unregistered, is told once too; a year on, its annual
    # report for the year it was set up is past due and missing: told once as well
    assert out.getvalue().splitlines() == ["1 follow-up review(s) reminded",
                                           "1 committee(s) overdue for registration told",
                                           "0 listed activit(ies) overdue for registration told",
                                           "1 committee(s) overdue with their annual report told",
                                           "0 follow-up review(s) reminded",
                                           "0 committee(s) overdue for registration told",
                                           "0 listed activit(ies) overdue for registration told",
                                           "0 committee(s) overdue with their annual report told"]
    assert Notification.objects.filter(recipient=ethics.applicant, verb="governance.ethics").exists()
    assert AuditEvent.objects.filter(action="governance.follow_up.reminded").count() == 1


def test_a_review_past_its_clock_is_flagged(ethics: Any, make_application: Any) -> None:
    application = make_application()
    chair = signed_in(ethics.chair)
    _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
          application_id=application.pk)
    url = f"/governance/ethics/applications/{application.pk}/"
    assert 'data-testid="overdue"' not in chair.get(url).content.decode()
    EthicsApplication.objects.filter(pk=application.pk).update(decision_due=timezone.now() - dt.timedelta(hours=1))
    assert 'data-testid="overdue"' in chair.get(url).content.decode()


@pytest.mark.parametrize("role", ["official", "auditor", "enterprise_member", "provider", "expert", "public",
                                  "applicant", "chair", "admin"])
def test_only_the_drawn_experts_submit_re_review_opinions(ethics: Any, make_application: Any, pool: list[Any],
                                                         role: str) -> None:
    """Every role but the drawn expert is refused, writing nothing; no page form is offered to them; the expert
    reads the file and submits on the page."""
    application = _listed_and_approved(ethics, make_application)
    _post(signed_in(ethics.world.user("official")), "aiplus_governance_api_draw_re_review_panel",
          {"fields": ["industry.manufacturing"], "size": 5}, application_id=application.pk)
    re_review = ReReview.objects.get(application=application)
    user = {"applicant": ethics.applicant, "chair": ethics.chair,
            "admin": ethics.world.admin}.get(role) or ethics.world.user(role)
    counts = written(ReReview)
    client = signed_in(user)
    refused = _post(client, "aiplus_governance_api_submit_re_review_opinion",
                    {"vote": "agree", "opinion": "代为提交"}, application_id=application.pk)
    assert refused.status_code in (403, 404), (role, refused.status_code)
    page = client.get(f"/governance/ethics/applications/{application.pk}/")
    assert page.status_code == 404 or 'data-testid="opinion-form"' not in page.content.decode()
    assert written(ReReview) == counts and ReReview.objects.get(pk=re_review.pk).votes == {}
    # the drawn expert sees the file and the form, and submits on the page
    expert = _expert(int(re_review.draw.selected[0]))
    page = expert.get(f"/governance/ethics/applications/{application.pk}/").content.decode()
    assert 'data-testid="opinion-form"' in page and "实施方案与风险防控" in page
    done = expert.post(f"/governance/ethics/applications/{application.pk}/",
                       {"action": "opinion", "vote": "agree", "opinion": "风险防控措施充分。"})
    assert done.status_code == 302, done.content[:600]
    assert list(ReReview.objects.get(pk=re_review.pk).votes.values()) == ["agree"]
    page = expert.get(f"/governance/ethics/applications/{application.pk}/").content.decode()
    assert 'data-testid="opinion-form"' not in page and "风险防控措施充分。" in page


@pytest.mark.parametrize(("age_days", "registered", "told"), [
    (29, False, 0), (30, False, 0),   # within the 30 days: the due day itself is still in time
    (31, False, 1), (400, False, 1),  # the day after: told once
    (31, True, 0),                    # registered: nothing to tell
])
def test_a_committee_unregistered_after_30_days_is_told_once(world: Any, age_days: int, registered: bool,
                                                             told: int) -> None:
    from aiplus.governance import services
    from aiplus.governance.models import EthicsCommittee

    member = world.user("enterprise_member")
    today = timezone.localdate()
    committee = services.create_committee(acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk,
                                          name="登记时限委员会", established_on=today - dt.timedelta(days=age_days))
    if registered:
        EthicsCommittee.objects.filter(pk=committee.pk).update(registered_on=today, registration_number="R-1")
    assert services.remind_unregistered_committees(today=today) == told
    assert services.remind_unregistered_committees(today=today) == 0  # safe to rerun
    notes = Notification.objects.filter(recipient=member, verb="governance.ethics",
                                        link=f"/governance/ethics/committees/{committee.pk}/")
    assert notes.count() == told
    if told:
        assert AuditEvent.objects.filter(action="governance.committee.registration_overdue").exists()


def test_a_referred_re_review_waits_in_the_ethics_departments_queue_until_decided(ethics: Any, make_application: Any,
                                                                                   pool: list[Any]) -> None:
    from aiplus.departments.models import WorkItem
    from aiplus.departments.tests.conftest import load_duties

    load_duties()
    application = _listed_and_approved(ethics, make_application)
    item = WorkItem.objects.select_related("department").get(object_id=application.pk, duty__code="ethics.review")
    assert item.department.code == "sz_kjj" and item.status == "open"
    assert item.link == f"/governance/ethics/applications/{application.pk}/"
    official = signed_in(ethics.world.user("official"))
    _post(official, "aiplus_governance_api_draw_re_review_panel", {"fields": ["industry.manufacturing"], "size": 6},
          application_id=application.pk)
    panel = [int(i) for i in ReReview.objects.get(application=application).draw.selected]
    body = _panel_votes(application, panel, "agree")
    assert body["status"] == "approved"
    item.refresh_from_db()
    assert item.status == "done"
