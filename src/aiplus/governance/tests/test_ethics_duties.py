"""The committee side of ethics review (issue 15 §2) through the API and the pages: listed activities registered
after approval (and the one reminder when late), the committee's annual report prefilled from its records and
seen by the supervising department, entrusting another unit's registered committee, and independent advisers who
read one application, declare no conflict and give an opinion without a vote. Hostile input is refused naming the
field with nothing written; every role that must not see a thing gets 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.models import AuditEvent, Notification
from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.governance.models import Advice, AnnualReport, Entrustment, EthicsApplication, EthicsCommittee

pytestmark = pytest.mark.django_db


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _get(client: Any, op: str, **ids: Any) -> Any:
    return client.get(operation(op, **ids))


def _approved(application: Any, days_ago: int) -> EthicsApplication:
    """A listed activity as its approved re-review leaves it (the flow itself is test_ethics_api's), approved
    `days_ago` days ago."""
    EthicsApplication.objects.filter(pk=application.pk).update(
        status="approved", decided_on=timezone.localdate() - dt.timedelta(days=days_ago))
    return EthicsApplication.objects.get(pk=application.pk)


# -- slice 1: registration of listed activities ------------------------------------------------------------------

def test_a_listed_activity_registration_is_recorded_through_the_api(ethics: Any, make_application: Any) -> None:
    application = _approved(make_application(listed_item="autonomous_decisions"), days_ago=5)
    applicant = signed_in(ethics.applicant)
    detail = _get(applicant, "aiplus_governance_api_get_application", application_id=application.pk).json()
    assert detail["activity_registration_due"] == str(application.decided_on + dt.timedelta(days=30))
    op = "aiplus_governance_api_register_activity"
    before = written(EthicsApplication)
    for payload, field in [
        ({"registered_on": str(timezone.localdate() + dt.timedelta(days=1)), "registration_number": "A"},
         "registered_on"),
        ({"registered_on": str(application.decided_on - dt.timedelta(days=1)), "registration_number": "A"},
         "registered_on"),
        ({"registered_on": str(timezone.localdate()), "registration_number": ""}, "registration_number"),
        ({"registered_on": str(timezone.localdate()), "registration_number": "=HYPERLINK(1)" + "x" * 64},
         "registration_number"),
        ({"registered_on": "2026-02-30", "registration_number": "A"}, "registered_on"),
    ]:
        assert_refused_naming(_post(applicant, op, payload, application_id=application.pk), field)
    # the committee's chair is no member of the applying unit; another city's company does not see it
    assert _post(signed_in(ethics.chair), op, {"registered_on": str(timezone.localdate()),
                                               "registration_number": "A"},
                 application_id=application.pk).status_code == 403
    assert _post(signed_in(ethics.world.user("enterprise_member", "shenzhen")), op,
                 {"registered_on": str(timezone.localdate()), "registration_number": "A"},
                 application_id=application.pk).status_code == 404
    assert written(EthicsApplication) == before and not EthicsApplication.objects.get(
        pk=application.pk).activity_registered_on
    done = _post(applicant, op, {"registered_on": str(timezone.localdate()), "registration_number": "KJLL-2026-7"},
                 application_id=application.pk)
    assert done.status_code == 200, done.content
    assert done.json()["activity_registration_number"] == "KJLL-2026-7"
    assert AuditEvent.objects.filter(action="governance.application.activity_registered").count() == 1
    again = _post(applicant, op, {"registered_on": str(timezone.localdate()), "registration_number": "B"},
                  application_id=application.pk)
    assert again.status_code == 409
    page = applicant.get(f"/governance/ethics/applications/{application.pk}/")
    assert "KJLL-2026-7" in page.content.decode()


def test_an_unlisted_or_undecided_activity_has_nothing_to_register(ethics: Any, make_application: Any) -> None:
    applicant = signed_in(ethics.applicant)
    payload = {"registered_on": str(timezone.localdate()), "registration_number": "A"}
    unlisted = _approved(make_application(), days_ago=3)
    assert _post(applicant, "aiplus_governance_api_register_activity", payload,
                 application_id=unlisted.pk).status_code == 409
    pending = make_application(listed_item="human_machine")
    assert _post(applicant, "aiplus_governance_api_register_activity", payload,
                 application_id=pending.pk).status_code == 409


@pytest.mark.parametrize(("approved_days_ago", "listed", "registered", "told"), [
    (29, True, False, 0), (30, True, False, 0),   # the 30th day itself is still in time
    (31, True, False, 1), (365, True, False, 1),  # the day after: told once
    (31, True, True, 0),                          # registered: nothing to tell
    (31, False, False, 0),                        # not a listed activity: no registration
])
def test_an_unregistered_listed_activity_is_told_once_after_30_days(ethics: Any, make_application: Any,
                                                                    approved_days_ago: int, listed: bool,
                                                                    registered: bool, told: int) -> None:
    from django.core.management import call_command

    from aiplus.governance import services

    application = _approved(make_application(listed_item="opinion_algorithms" if listed else ""),
                            days_ago=approved_days_ago)
    if registered:
        EthicsApplication.objects.filter(pk=application.pk).update(activity_registered_on=timezone.localdate(),
                                                                   activity_registration_number="R-1")
    today = timezone.localdate()
    assert services.remind_unregistered_activities(today=today) == told
    call_command("remind_ethics_follow_ups", "--today", str(today), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert services.remind_unregistered_activities(today=today) == 0  # safe to rerun
    notes = Notification.objects.filter(recipient=ethics.applicant, verb="governance.ethics",
                                        link=f"/governance/ethics/applications/{application.pk}/",
                                        title__contains="逾期未登记")
    assert notes.count() == told


def test_the_overdue_reminder_reads_in_the_recipients_language(ethics: Any, make_application: Any) -> None:
    from aiplus.governance import services

    application = _approved(make_application(listed_item="opinion_algorithms"), days_ago=40)
    assert services.remind_unregistered_activities(today=timezone.localdate()) == 1
    note = Notification.objects.get(recipient=ethics.applicant, link=f"/governance/ethics/applications/"
                                                                      f"{application.pk}/",
                                    title__contains="逾期未登记")
    assert note.rendered_title("zh-hans").startswith("清单内活动逾期未登记：")
    assert note.rendered_title("en").startswith("Listed activity overdue for registration: ")
    assert "national ethics registration platform" in note.rendered_body("en")


# -- slice 2: annual reports -------------------------------------------------------------------------------------

def _review_one(ethics: Any, make_application: Any) -> Any:
    application = make_application()
    chair = signed_in(ethics.chair)
    _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
          application_id=application.pk)
    present = [m.pk for m in ethics.members[:5]]
    answer = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": present, "votes": {str(i): "approve" for i in present}},
        application_id=application.pk)
    assert answer.status_code == 201, answer.content
    return application


def test_the_chair_files_the_annual_report_prefilled_and_the_supervisor_sees_it(ethics: Any,
                                                                                make_application: Any) -> None:
    _review_one(ethics, make_application)
    year = timezone.localdate().year
    chair = signed_in(ethics.chair)
    prefill = chair.get(operation("aiplus_governance_api_annual_report_figures", committee_id=ethics.committee.pk),
                        {"year": year}).json()
    figures = prefill["figures"]
    assert figures["reviews"] == 1 and figures["outcomes"] == {"approved": 1}
    assert figures["members_serving"] == 7 and figures["applications_received"] == 1
    op = "aiplus_governance_api_file_annual_report"
    before = written(AnnualReport)
    # a plain member, the applicant and another city's company may not file it
    assert _post(signed_in(ethics.members[3].user), op, {"year": year},
                 committee_id=ethics.committee.pk).status_code == 403
    assert _post(signed_in(ethics.applicant), op, {"year": year}, committee_id=ethics.committee.pk).status_code == 403
    assert _post(signed_in(ethics.world.user("enterprise_member", "shenzhen")), op, {"year": year},
                 committee_id=ethics.committee.pk).status_code == 404
    for payload, field in [({"year": year + 1}, "year"), ({"year": year - 1}, "year"),  # set up this year? see below
                           ({"year": "二〇二六"}, "year"), ({"year": year, "remarks": "x" * 5001}, "remarks"),
                           ({"year": year, "extra": 1}, "extra")]:
        if payload["year"] == year - 1 and ethics.committee.established_on.year < year:
            continue  # the fixture's committee was set up 40 days ago: last year may be valid in January
        assert_refused_naming(_post(chair, op, payload, committee_id=ethics.committee.pk), field)
    assert written(AnnualReport) == before
    filed = _post(chair, op, {"year": year, "remarks": "本年度开展伦理培训一次。"}, committee_id=ethics.committee.pk)
    assert filed.status_code == 201, filed.content
    report = filed.json()
    assert report["figures"]["reviews"] == 1 and report["jurisdiction"] == "suzhou"
    assert_refused_naming(_post(chair, op, {"year": year}, committee_id=ethics.committee.pk), "year")  # 409
    assert AuditEvent.objects.filter(action="governance.annual_report.filed").count() == 1

    official = signed_in(ethics.world.user("official"))
    listed = _get(official, "aiplus_governance_api_list_annual_reports").json()
    assert [r["id"] for r in listed["items"]] == [report["id"]]
    assert _get(official, "aiplus_governance_api_get_annual_report", report_id=report["id"]).status_code == 200
    csv = official.get("/governance/ethics/annual-reports/?export=csv")
    assert csv.status_code == 200 and "测试伦理委员会" in csv.content.decode("utf-8-sig")
    page = official.get(f"/governance/ethics/annual-reports/{report['id']}/")
    assert page.status_code == 200 and "本年度开展伦理培训一次。" in page.content.decode()
    # another city's official, the public and an expert of no part in it see nothing
    for outsider in (ethics.world.user("official", "shenzhen"), ethics.world.user("public"),
                     ethics.world.user("provider")):
        client = signed_in(outsider)
        assert _get(client, "aiplus_governance_api_list_annual_reports").json()["items"] == []
        assert _get(client, "aiplus_governance_api_get_annual_report", report_id=report["id"]).status_code == 404
        assert client.get(f"/governance/ethics/annual-reports/{report['id']}/").status_code == 404


def test_the_annual_report_page_files_for_the_chair_and_refuses_a_bad_year(ethics: Any) -> None:
    chair = signed_in(ethics.chair)
    url = f"/governance/ethics/committees/{ethics.committee.pk}/annual-report/"
    page = chair.get(url)
    assert page.status_code == 200 and 'data-testid="annual-report-form"' in page.content.decode()
    bad = chair.post(url, {"action": "file", "year": "1999", "remarks": ""})
    assert bad.status_code == 400 and not AnnualReport.objects.exists()
    year = timezone.localdate().year
    done = chair.post(url, {"action": "file", "year": str(year), "remarks": "<script>x</script>"})
    assert done.status_code == 302
    report = AnnualReport.objects.get()
    shown = chair.get(f"/governance/ethics/annual-reports/{report.pk}/").content.decode()
    assert "<script>x</script>" not in shown and "&lt;script&gt;" in shown
    # a plain member sees the page without the form and cannot post it
    member = signed_in(ethics.members[4].user)
    assert 'annual-report-form' not in member.get(url).content.decode()
    assert member.post(url, {"action": "file", "year": str(year)}).status_code == 403


@pytest.mark.parametrize(("days_after_due", "filed", "told"), [(0, False, 0), (1, False, 1), (1, True, 0)])
def test_a_missing_annual_report_is_told_once_after_the_due_date(world: Any, days_after_due: int, filed: bool,
                                                                 told: int) -> None:
    from aiplus.governance import ethics, services

    member = world.user("enterprise_member")
    today = timezone.localdate()
    last_year = today.year - 1
    committee = services.create_committee(acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk,
                                          name="年报委员会", established_on=dt.date(last_year, 3, 1))
    if filed:
        AnnualReport.objects.create(committee=committee, year=last_year, jurisdiction=committee.organisation
                                    .jurisdiction, submitted_at=timezone.now())
    day = ethics.annual_report_due(last_year) + dt.timedelta(days=days_after_due)
    if day.year != today.year:
        pytest.skip("the due date is in a later year than today")
    assert services.remind_missing_annual_reports(today=day) == told
    assert services.remind_missing_annual_reports(today=day) == 0
    assert Notification.objects.filter(recipient=member, title__contains="年度报告").count() == told
    assert EthicsCommittee.objects.get(pk=committee.pk).annual_report_reminded_year == (last_year if told else None)


# -- slice 3: entrusting another unit's committee ----------------------------------------------------------------

def _register(ethics: Any) -> None:
    from aiplus.governance import services

    services.register_committee(acting_user=ethics.applicant, committee_id=ethics.committee.pk,
                                registered_on=timezone.localdate(), registration_number="NSTEC-1")


def _entrust(ethics: Any, client: Any, **changes: Any) -> Any:
    today = timezone.localdate()
    payload = {"organisation_id": ethics.world.orgs["suzhou:provider"].pk, "committee_id": ethics.committee.pk,
               "agreed_on": str(today), "scope_text": "本单位人工智能研发活动的伦理审查",
               "term_start": str(today), "term_end": str(today + dt.timedelta(days=365)), **changes}
    return _post(client, "aiplus_governance_api_entrust_committee", payload)


def test_a_unit_without_a_committee_entrusts_a_registered_one_and_only_it_sees_its_outcome(
        ethics: Any, make_application: Any) -> None:
    world = ethics.world
    provider = signed_in(world.user("provider"))
    assert_refused_naming(_entrust(ethics, provider), "committee_id")  # not registered yet
    _register(ethics)
    before = written(Entrustment)
    today = timezone.localdate()
    for changes, field in [
        ({"agreed_on": str(today + dt.timedelta(days=1))}, "agreed_on"),
        ({"term_end": str(today - dt.timedelta(days=1))}, "term_end"),
        ({"scope_text": ""}, "scope_text"),
        ({"committee_id": 10**9}, "committee_id"),
        ({"organisation_id": world.orgs["suzhou:enterprise"].pk}, "organisation_id"),  # has its own committee
    ]:
        assert_refused_naming(_entrust(ethics, signed_in(ethics.applicant) if "organisation_id" in changes
                                       else provider, **changes), field)
    assert _entrust(ethics, signed_in(world.user("provider", "shenzhen"))).status_code == 403
    assert written(Entrustment) == before
    made = _entrust(ethics, provider)
    assert made.status_code == 201, made.content
    assert_refused_naming(_entrust(ethics, provider), "committee_id")  # 409, the same term twice
    assert AuditEvent.objects.filter(action="governance.entrustment.created").count() == 1

    created = _post(provider, "aiplus_governance_api_create_application", {
        "committee_id": ethics.committee.pk, "title": "受托审查的算法研发", "overview": "概况", "plan": "方案",
        "qualifications": "资质", "consent": "知情同意", "commitment": "承诺"})
    assert created.status_code == 201, created.content
    application = created.json()
    assert application["organisation_id"] == world.orgs["suzhou:provider"].pk
    assert _post(provider, "aiplus_governance_api_submit_application",
                 application_id=application["id"]).status_code == 200
    chair = signed_in(ethics.chair)
    accepted = _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
                     application_id=application["id"])
    assert accepted.json()["status"] == "accepted"
    present = [m.pk for m in ethics.members[:5]]
    _post(chair, "aiplus_governance_api_record_review", {"held_on": str(today), "present": present,
                                                         "votes": {str(i): "approve" for i in present}},
          application_id=application["id"])
    assert _get(provider, "aiplus_governance_api_get_application",
                application_id=application["id"]).json()["status"] == "approved"
    # the entrusting unit sees its own applications, not the committee's unit's; that unit does not see its own
    own = make_application()
    mine = {a["id"] for a in _get(provider, "aiplus_governance_api_list_applications").json()["items"]}
    assert mine == {application["id"]}
    assert _get(provider, "aiplus_governance_api_get_application", application_id=own.pk).status_code == 404
    for outsider in (ethics.applicant, world.user("provider", "shenzhen"), world.user("official")):
        assert _get(signed_in(outsider), "aiplus_governance_api_get_application",
                    application_id=application["id"]).status_code == 404
    # the entrustment is listed for the entrusting unit and the committee's members, nobody else
    assert len(_get(provider, "aiplus_governance_api_list_entrustments").json()["items"]) == 1
    assert len(_get(chair, "aiplus_governance_api_list_entrustments").json()["items"]) == 1
    assert _get(signed_in(world.user("provider", "shenzhen")),
                "aiplus_governance_api_list_entrustments").json()["items"] == []
    # a unit that entrusted nobody cannot apply to the committee
    assert _post(signed_in(world.user("provider", "shenzhen")), "aiplus_governance_api_create_application",
                 {"committee_id": ethics.committee.pk, "title": "x"}).status_code == 404


def test_the_entrustment_page_picks_committees_by_name(ethics: Any) -> None:
    _register(ethics)
    provider = signed_in(ethics.world.user("provider"))
    page = provider.get("/governance/ethics/entrustments/")
    assert page.status_code == 200 and "测试伦理委员会" in page.content.decode()
    today = timezone.localdate()
    bad = provider.post("/governance/ethics/entrustments/", {
        "action": "create", "organisation": ethics.world.orgs["suzhou:provider"].pk, "committee": "没有这个委员会",
        "agreed_on": str(today), "scope_text": "范围", "term_start": str(today), "term_end": str(today)})
    assert bad.status_code == 400 and not Entrustment.objects.exists()
    done = provider.post("/governance/ethics/entrustments/", {
        "action": "create", "organisation": ethics.world.orgs["suzhou:provider"].pk, "committee": "测试伦理委员会",
        "agreed_on": str(today), "scope_text": "范围", "term_start": str(today), "term_end": str(today)})
    assert done.status_code == 302 and Entrustment.objects.count() == 1


# -- slice 4: independent advisers -------------------------------------------------------------------------------

def test_an_adviser_reads_one_application_declares_no_conflict_and_has_no_vote(ethics: Any, make_application: Any,
                                                                              make_user: Any) -> None:
    application = make_application()
    other = make_application()
    adviser = make_user("adviser")
    chair = signed_in(ethics.chair)
    op = "aiplus_governance_api_invite_adviser"
    before = written(Advice)
    for payload, field in [
        ({"user_id": ethics.members[3].user.pk, "question": "q"}, "user_id"),   # a committee member
        ({"user_id": ethics.applicant.pk, "question": "q"}, "user_id"),         # the applicant's unit
        ({"user_id": 10**9, "question": "q"}, "user_id"),
        ({"user_id": adviser.pk, "question": ""}, "question"),
        ({"user_id": adviser.pk, "question": "x" * 2001}, "question"),
    ]:
        assert_refused_naming(_post(chair, op, payload, application_id=application.pk), field)
    assert _post(signed_in(ethics.applicant), op, {"user_id": adviser.pk, "question": "q"},
                 application_id=application.pk).status_code == 403
    assert written(Advice) == before
    invited = _post(chair, op, {"user_id": adviser.pk, "question": "数据来源是否合规？"},
                    application_id=application.pk)
    assert invited.status_code == 201, invited.content
    advice = Advice.objects.get()
    assert Notification.objects.filter(recipient=adviser, link=f"/governance/ethics/advice/{advice.pk}/").exists()

    mine = signed_in(adviser)
    seen = _get(mine, "aiplus_governance_api_get_advice", advice_id=advice.pk).json()
    assert seen["materials"]["overview"] and seen["question"] == "数据来源是否合规？"
    # the adviser sees only that application's materials: not the application's record, nor another one
    assert _get(mine, "aiplus_governance_api_get_application", application_id=application.pk).status_code == 404
    assert _get(mine, "aiplus_governance_api_get_application", application_id=other.pk).status_code == 404
    assert mine.get(f"/governance/ethics/applications/{application.pk}/").status_code == 404
    assert "data-testid=\"votes\"" not in mine.get(f"/governance/ethics/advice/{advice.pk}/").content.decode()
    submit = "aiplus_governance_api_submit_advice"
    assert_refused_naming(_post(mine, submit, {"no_conflict": False, "opinion": "意见"}, advice_id=advice.pk),
                          "no_conflict")
    assert_refused_naming(_post(mine, submit, {"no_conflict": True, "opinion": ""}, advice_id=advice.pk), "opinion")
    for stranger in (ethics.chair, ethics.applicant, make_user()):
        assert _post(signed_in(stranger), submit, {"no_conflict": True, "opinion": "x"},
                     advice_id=advice.pk).status_code == 404
    done = _post(mine, submit, {"no_conflict": True, "opinion": "数据来源合规，建议加强匿名化。"}, advice_id=advice.pk)
    assert done.status_code == 200, done.content
    assert _post(mine, submit, {"no_conflict": True, "opinion": "again"}, advice_id=advice.pk).status_code == 409
    # the committee sees the opinion with the review; the applicant does not
    shown = _get(chair, "aiplus_governance_api_get_application", application_id=application.pk).json()
    assert [a["opinion"] for a in shown["advice"]] == ["数据来源合规，建议加强匿名化。"]
    assert "数据来源合规" in chair.get(f"/governance/ethics/applications/{application.pk}/").content.decode()
    assert _get(signed_in(ethics.applicant), "aiplus_governance_api_get_application",
                application_id=application.pk).json()["advice"] == []
    # no vote: the review's attendance and votes are the committee's members only, the adviser is none of them
    _post(chair, "aiplus_governance_api_examine_application", {"procedure": "general"},
          application_id=application.pk)
    present = [m.pk for m in ethics.members[:5]]
    reviewed = _post(chair, "aiplus_governance_api_record_review", {
        "held_on": str(timezone.localdate()), "present": present, "votes": {str(i): "approve" for i in present}},
        application_id=application.pk).json()
    voters = {a["member"] for a in reviewed["reviews"][0]["attendance"]}
    assert str(adviser) not in voters and len(voters) == 7 and reviewed["advice"][0]["opinion"]
    assert AuditEvent.objects.filter(action__in=("governance.advice.invited", "governance.advice.submitted")
                                     ).count() == 2
