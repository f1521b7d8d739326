"""The sandbox and fault tolerance through the API (and the services it calls): an application to exit, the panel
drawn without the applicant's people, admission with conditions and its report schedule, reports (cap checked,
overdue ones with a working-day clock and one reminder in the recipient's language), incidents into governance,
extension within its caps, graduation; fault-tolerance cases tied to violations; refusals for every role and
hostile inputs naming the field, nothing written."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from aiplus.core.models import AuditEvent, Notification
from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.governance import violation_services
from aiplus.governance.models import Incident
from aiplus.sandbox.models import ExitDecision, SandboxApplication, SandboxReport, ToleranceCase
from aiplus.sandbox.tests.conftest import Sandbox, post

pytestmark = pytest.mark.django_db


def _admitted(sandbox: Sandbox, *, started_days_ago: int = 0, days: int = 180, every: int = 30) -> dict[str, Any]:
    application = sandbox.apply()
    sandbox.backdate(application["id"], started_days_ago)
    drawn = sandbox.draw(application["id"])
    start = timezone.localdate() - dt.timedelta(days=started_days_ago)
    answer = sandbox.admit(application["id"], drawn["panel"], start=start, days=days, every=every)
    assert answer.status_code == 200, answer.content
    return answer.json()  # type: ignore[no-any-return]


def test_a_sandbox_goes_from_application_to_exit_through_the_api(sandbox: Sandbox) -> None:
    application = sandbox.apply()
    assert application["status"] == "submitted"
    sandbox.backdate(application["id"], 40)
    drawn = sandbox.draw(application["id"])
    assert drawn["status"] == "reviewing" and len(drawn["panel"]) == 3
    assert sandbox.staff_expert.pk not in drawn["panel"]  # the company's own expert is never drawn

    start = timezone.localdate() - dt.timedelta(days=40)
    decided = sandbox.admit(application["id"], drawn["panel"], start=start, days=120, every=30)
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["status"] == "admitted" and body["user_cap"] == 1000
    assert body["checks"][0]["code"] == "panel_majority" and body["checks"][0]["ok"]
    assert [r["sequence"] for r in body["reports"]] == [1, 2, 3, 4]
    first = body["reports"][0]
    assert first["period_end"] == str(start + dt.timedelta(days=29))
    assert first["state"] == "overdue" and first["working_days"] > 0

    # the first report, late, over the cap: recorded with the failed check, the officials told
    member = signed_in(sandbox.member)
    filed = post(member, "aiplus_sandbox_api_file_report", {"users_served": 1200, "summary": "运行平稳"},
                 report_id=first["id"])
    assert filed.status_code == 200, filed.content
    report = filed.json()["reports"][0]
    assert report["state"] == "filed_late" and report["checks"][0]["ok"] is False
    assert Notification.objects.filter(recipient=sandbox.official, verb="sandbox.cap").exists()
    again = post(member, "aiplus_sandbox_api_file_report", {"users_served": 10, "summary": "重复"},
                 report_id=first["id"])
    assert again.status_code == 409
    # a report whose period has not begun cannot be filed yet
    later = post(member, "aiplus_sandbox_api_file_report", {"users_served": 10, "summary": "提前"},
                 report_id=body["reports"][3]["id"])
    assert later.status_code == 409

    # an incident during the test: a governance incident, linked
    incident = post(member, "aiplus_sandbox_api_report_incident", {
        "title": "配送车轻微剐蹭", "description": "路口转弯时剐蹭护栏", "discovered_at": timezone.now().isoformat()},
        application_id=application["id"])
    assert incident.status_code == 201, incident.content
    link = incident.json()["incidents"][0]
    assert Incident.objects.get(pk=link["incident_id"]).organisation_id == sandbox.company.pk

    # extension within the caps, then a second one refused, then graduation
    official = signed_in(sandbox.official)
    end = dt.date.fromisoformat(body["end_on"])
    extended = post(official, "aiplus_sandbox_api_decide_exit", {
        "kind": "extend", "reasons": "需补充冬季路况数据", "new_end_on": str(end + dt.timedelta(days=60))},
        application_id=application["id"])
    assert extended.status_code == 200, extended.content
    assert extended.json()["extensions"] == 1 and len(extended.json()["reports"]) == 6
    refused = post(official, "aiplus_sandbox_api_decide_exit", {
        "kind": "extend", "reasons": "再延期", "new_end_on": str(end + dt.timedelta(days=90))},
        application_id=application["id"])
    assert_refused_naming(refused, "new_end_on")
    graduated = post(official, "aiplus_sandbox_api_decide_exit", {"kind": "graduate", "reasons": "测试目标达成"},
                     application_id=application["id"])
    assert graduated.status_code == 200
    assert graduated.json()["status"] == "graduated"
    assert [e["kind"] for e in graduated.json()["exits"]] == ["graduate", "extend"]
    actions = set(AuditEvent.objects.filter(action__startswith="sandbox.").values_list("action", flat=True))
    assert actions == {"sandbox.application.submitted", "sandbox.panel.drawn", "sandbox.panel.voted",
                       "sandbox.application.decided", "sandbox.report.filed", "sandbox.incident.linked",
                       "sandbox.exit.decided"}
    assert Notification.objects.filter(recipient=sandbox.member, verb="sandbox.application").exists()


def test_a_panel_without_a_majority_does_not_admit(sandbox: Sandbox) -> None:
    application = sandbox.apply()
    drawn = sandbox.draw(application["id"])
    answer = sandbox.admit(application["id"], drawn["panel"], admit=1)
    assert answer.status_code == 200
    assert answer.json()["status"] == "rejected" and answer.json()["reports"] == []
    assert answer.json()["user_cap"] is None


def test_overdue_reports_are_told_once_in_the_recipients_language(sandbox: Sandbox) -> None:
    application = _admitted(sandbox, started_days_ago=100, days=180, every=30)
    sandbox.member.language = "en"
    sandbox.member.save(update_fields=["language"])
    out = StringIO()
    call_command("check_sandbox_reports", stdout=out)
    overdue = [r for r in application["reports"] if r["state"] == "overdue"]
    assert len(overdue) >= 2
    assert f"{len(overdue)} overdue sandbox report(s) reported" in out.getvalue()
    call_command("check_sandbox_reports", stdout=out)  # rerun: nothing new
    assert "0 overdue sandbox report(s) reported" in out.getvalue()
    notes = Notification.objects.filter(recipient=sandbox.member, verb="sandbox.report.overdue")
    assert notes.count() == len(overdue)
    assert notes.first().rendered_title().startswith("Sandbox report overdue")  # type: ignore[union-attr]
    assert "沙盒定期报告逾期" in notes.first().rendered_title("zh-hans")  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="sandbox.reports.overdue").count() == 1


@pytest.mark.parametrize(("role", "place", "status"), [
    ("enterprise_member", "suzhou", 403),   # the applicant never draws nor decides
    ("provider", "suzhou", 404),            # another company does not see it
    ("auditor", "suzhou", 403),             # sees, does not decide
    ("expert", "suzhou", 404),              # a pool expert does not see applications
    ("public", "suzhou", 404),
    ("official", "shenzhen", 404),          # an official elsewhere does not see it
])
def test_only_an_official_of_the_place_draws_and_decides(sandbox: Sandbox, role: str, place: str,
                                                         status: int) -> None:
    application = sandbox.apply()
    client = signed_in(sandbox.world.user(role, place))
    before = written(SandboxApplication)
    drawn = post(client, "aiplus_sandbox_api_draw_panel", {"fields": ["industry.manufacturing"], "size": 3},
                 application_id=application["id"])
    assert drawn.status_code == status
    exit_ = post(client, "aiplus_sandbox_api_decide_exit", {"kind": "terminate", "reasons": "x"},
                 application_id=application["id"])
    assert exit_.status_code in (status, 409)
    assert written(SandboxApplication) == before


def test_an_official_who_is_a_member_of_the_company_does_not_decide(sandbox: Sandbox) -> None:
    from aiplus.core import services as core_services

    application = sandbox.apply()
    core_services.assign_role(acting_user=sandbox.world.admin, user=sandbox.official, role="enterprise_member",
                              organisation_id=sandbox.company.pk)
    answer = post(signed_in(sandbox.official), "aiplus_sandbox_api_draw_panel",
                  {"fields": ["industry.manufacturing"], "size": 3}, application_id=application["id"])
    assert answer.status_code == 403


def test_reports_and_incidents_are_the_companys_own(sandbox: Sandbox) -> None:
    application = _admitted(sandbox, started_days_ago=40)
    report_id = application["reports"][0]["id"]
    for role, status in (("official", 403), ("auditor", 403), ("provider", 404), ("public", 404)):
        client = signed_in(sandbox.world.user(role))
        answer = post(client, "aiplus_sandbox_api_file_report", {"users_served": 1, "summary": "x"},
                      report_id=report_id)
        assert answer.status_code == status, role
    assert SandboxReport.objects.filter(filed_on__isnull=False).count() == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"user_cap": 6000}, "user_cap"),                      # more than asked for
    ({"user_cap": None}, "user_cap"),
    ({"user_cap": 0}, "user_cap"),
    ({"user_cap": 10**12}, "user_cap"),
    ({"report_every_days": 6}, "report_every_days"),        # below the pack's 7
    ({"report_every_days": 183}, "report_every_days"),      # above the pack's 182
    ({"report_every_days": 367}, "report_every_days"),
    ({"start_on": "2000-01-01"}, "start_on"),               # before the application
    ({"end_on": "2000-01-01"}, "end_on"),
    ({"geography_condition": ""}, "geography_condition"),
    ({"geography_condition": "x" * 201}, "geography_condition"),
    ({"votes": {"1": "admit"}}, "votes"),                   # the official no longer enters votes
    ({"votes": "admit"}, "votes"),
    ({"reasons": ""}, "reasons"),
    ({"unexpected": 1}, "unexpected"),
])
def test_hostile_admissions_are_refused_naming_the_field(sandbox: Sandbox, change: dict[str, Any],
                                                         field: str) -> None:
    application = sandbox.apply()
    drawn = sandbox.draw(application["id"])
    sandbox.vote(application["id"], drawn["panel"], len(drawn["panel"]))
    today = timezone.localdate()
    payload = {"reasons": "理由", "user_cap": 1000,
               "geography_condition": "园区", "start_on": str(today), "end_on": str(today + dt.timedelta(days=99)),
               "report_every_days": 30, **change}
    before = written(SandboxReport)
    answer = post(signed_in(sandbox.official), "aiplus_sandbox_api_decide_admission", payload,
                  application_id=application["id"])
    assert_refused_naming(answer, field)
    assert written(SandboxReport) == before
    assert SandboxApplication.objects.get(pk=application["id"]).status == "reviewing"


def test_a_term_longer_than_the_pack_allows_is_refused(sandbox: Sandbox) -> None:
    application = sandbox.apply()
    drawn = sandbox.draw(application["id"])
    answer = sandbox.admit(application["id"], drawn["panel"], days=731)
    assert_refused_naming(answer, "end_on")
    too_long = post(signed_in(sandbox.member), "aiplus_sandbox_api_apply", {
        "organisation_id": sandbox.company.pk, "title": "t", "innovation": "i", "legal_gap": "g",
        "risk_controls": "r", "planned_users": 1, "geography": "g", "planned_days": 731, "exit_plan": "e"})
    assert_refused_naming(too_long, "planned_days")


@pytest.mark.parametrize(("change", "field"), [
    ({"planned_users": 0}, "planned_users"),
    ({"planned_users": 10**9}, "planned_users"),
    ({"planned_days": -1}, "planned_days"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"innovation": "a\x00b"}, "innovation"),
    ({"organisation_id": 999999}, "organisation_id"),
])
def test_hostile_applications_are_refused_naming_the_field(sandbox: Sandbox, change: dict[str, Any],
                                                           field: str) -> None:
    payload = {"organisation_id": sandbox.company.pk, "title": "t", "innovation": "i", "legal_gap": "g",
               "risk_controls": "r", "planned_users": 1, "geography": "g", "planned_days": 30, "exit_plan": "e",
               **change}
    before = written(SandboxApplication)
    answer = post(signed_in(sandbox.member), "aiplus_sandbox_api_apply", payload)
    assert_refused_naming(answer, field)
    assert written(SandboxApplication) == before


def test_a_company_applies_only_for_itself(sandbox: Sandbox) -> None:
    other = sandbox.world.orgs["shenzhen:enterprise"]
    answer = post(signed_in(sandbox.member), "aiplus_sandbox_api_apply", {
        "organisation_id": other.pk, "title": "t", "innovation": "i", "legal_gap": "g", "risk_controls": "r",
        "planned_users": 1, "geography": "g", "planned_days": 30, "exit_plan": "e"})
    assert answer.status_code == 403


# -- fault tolerance ---------------------------------------------------------------------------------------------

def _violation(world: Any) -> Any:
    official = world.user("official")
    return violation_services.open_violation(
        acting_user=official, organisation_id=world.orgs["suzhou:enterprise"].pk, title="未履行算法备案",
        provision="algorithms.filing.penalty_range_cny", facts="上线前未备案")


ALL_MET = ["required.good_faith", "required.no_red_line", "required.no_serious_harm", "mitigating.first_offence",
           "mitigating.corrected_promptly"]


def test_a_fault_tolerance_case_is_decided_through_the_api(world: Any) -> None:
    violation = _violation(world)
    auditor = signed_in(world.user("auditor"))
    official = signed_in(world.user("official", "suzhou"))
    payload = {"organisation_id": world.orgs["suzhou:enterprise"].pk, "title": "算法备案迟延的容错认定",
               "facts": "测试阶段未及时备案，发现后三日内补办", "criteria": ALL_MET, "outcome": "no_penalty",
               "reasons": "符合容错情形", "violation_id": violation.pk}
    assert post(auditor, "aiplus_sandbox_api_decide_tolerance", payload).status_code == 403
    answer = post(official, "aiplus_sandbox_api_decide_tolerance", payload)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["outcome"] == "no_penalty" and body["violation_id"] == violation.pk
    assert all(c["ok"] for c in body["checks"])
    got = official.get(operation("aiplus_sandbox_api_get_tolerance_case", case_id=body["id"]))
    assert got.status_code == 200 and got.json()["criteria"] == sorted(ALL_MET)
    listed = signed_in(world.user("enterprise_member")).get(operation("aiplus_sandbox_api_list_tolerance_cases"))
    assert [c["id"] for c in listed.json()["items"]] == [body["id"]]
    assert signed_in(world.user("enterprise_member", "shenzhen")).get(
        operation("aiplus_sandbox_api_get_tolerance_case", case_id=body["id"])).status_code == 404
    # the violation's page shows it
    page = official.get(f"/governance/violations/{violation.pk}/")
    assert 'data-outcome="no_penalty"' in page.content.decode()
    assert AuditEvent.objects.filter(action="sandbox.tolerance.decided").count() == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"criteria": ALL_MET[:2], "outcome": "lighter"}, "outcome"),            # a required criterion missing
    ({"criteria": ALL_MET[:3], "outcome": "no_penalty"}, "outcome"),         # no mitigating criterion
    ({"criteria": ALL_MET[:4], "outcome": "no_penalty"}, "outcome"),         # one below the pack's two
    ({"criteria": ["made.up"]}, "criteria"),
    ({"criteria": "required.good_faith"}, "criteria"),
    ({"outcome": "pardon"}, "outcome"),
    ({"reasons": ""}, "reasons"),
    ({"facts": "x" * 5001}, "facts"),
    ({"violation_id": 999999}, "violation_id"),
    ({"application_id": 999999}, "application_id"),
    ({"organisation_id": "x"}, "organisation_id"),
])
def test_hostile_fault_tolerance_cases_are_refused_naming_the_field(world: Any, change: dict[str, Any],
                                                                    field: str) -> None:
    payload = {"organisation_id": world.orgs["suzhou:enterprise"].pk, "title": "t", "facts": "f",
               "criteria": ALL_MET, "outcome": "no_penalty", "reasons": "r", **change}
    before = written(ToleranceCase)
    answer = post(signed_in(world.user("official")), "aiplus_sandbox_api_decide_tolerance", payload)
    assert_refused_naming(answer, field)
    assert written(ToleranceCase) == before


def test_nobody_decides_tolerance_for_their_own_company(world: Any) -> None:
    from aiplus.core import services as core_services

    official = world.user("official")
    core_services.assign_role(acting_user=world.admin, user=official, role="enterprise_member",
                              organisation_id=world.orgs["suzhou:enterprise"].pk)
    answer = post(signed_in(official), "aiplus_sandbox_api_decide_tolerance", {
        "organisation_id": world.orgs["suzhou:enterprise"].pk, "title": "t", "facts": "f", "criteria": ALL_MET,
        "outcome": "lighter", "reasons": "r"})
    assert answer.status_code == 403
    for role in ("enterprise_member", "provider", "expert", "public", "auditor"):
        client = signed_in(world.user(role))
        assert post(client, "aiplus_sandbox_api_decide_tolerance", {
            "organisation_id": world.orgs["suzhou:enterprise"].pk, "title": "t", "facts": "f",
            "criteria": ALL_MET, "outcome": "lighter", "reasons": "r"}).status_code == 403, role
    assert ToleranceCase.objects.count() == 0
    assert ExitDecision.objects.count() == 0


@pytest.mark.official_calendar  # the real calendar: the year after the installed notices is unknown
def test_a_term_running_into_a_year_without_a_published_calendar_schedules_what_can_be_counted(
        sandbox: Sandbox) -> None:
    """A due day in a year whose holiday notice is not out cannot be counted: admission still succeeds, the reports
    whose due days can be counted are scheduled, and the daily check adds the rest only once the year is known (it
    never guesses a day)."""
    from aiplus.core import calendar
    from aiplus.sandbox.models import SandboxReport

    unknown = max(calendar.package_years()) + 1
    while calendar.entered_year(unknown) is not None:
        unknown += 1
    today = timezone.localdate()
    days = (dt.date(unknown, 3, 31) - today).days + 1
    application = _admitted(sandbox, days=days, every=30)
    periods = -(-days // 30)
    due_days = list(SandboxReport.objects.filter(application_id=application["id"]).values_list("due_on", flat=True))
    assert len(due_days) < periods  # those due in the unknown year are not scheduled (none at all if the first is)
    assert all(day.year < unknown for day in due_days)
    call_command("check_sandbox_reports", stdout=StringIO())  # the year is still unknown: nothing is added
    assert SandboxReport.objects.filter(application_id=application["id"]).count() == len(due_days)


@pytest.mark.parametrize("role", ["official", "auditor", "enterprise_member", "provider", "expert", "public",
                                  "admin", "company_expert"])
def test_only_the_drawn_experts_vote_and_the_official_decides_after_all_have(sandbox: Sandbox, role: str) -> None:
    """Nobody votes for an expert: every other role is refused (no page form either), writing nothing; the
    official's decision waits for the whole panel; the drawn expert reads the application and votes on the page."""
    from aiplus.experts.models import ExpertProfile

    application = sandbox.apply()
    drawn = sandbox.draw(application["id"])
    pk = application["id"]
    user = {"official": sandbox.official, "admin": sandbox.world.admin,
            "company_expert": ExpertProfile.objects.get(user__username="sb-staff").user}.get(role) \
        or sandbox.world.user(role)
    client = signed_in(user)
    refused = post(client, "aiplus_sandbox_api_vote_admission", {"vote": "admit", "opinion": "代投"},
                   application_id=pk)
    assert refused.status_code in (403, 404), (role, refused.status_code)
    page = client.get(f"/sandbox/applications/{pk}/")
    assert page.status_code == 404 or 'data-testid="vote-form"' not in page.content.decode()
    assert SandboxApplication.objects.get(pk=pk).votes == {}
    # the official may not decide before every expert has voted
    early = post(signed_in(sandbox.official), "aiplus_sandbox_api_decide_admission", {
        "reasons": "理由", "user_cap": 1000, "geography_condition": "园区"}, application_id=pk)
    assert early.status_code == 409 and early.json()["field"] == "votes"
    assert 'data-testid="admission-form"' not in signed_in(sandbox.official).get(
        f"/sandbox/applications/{pk}/").content.decode()
    # the first drawn expert votes on the page, once
    expert = signed_in(ExpertProfile.objects.get(pk=drawn["panel"][0]).user)
    page = expert.get(f"/sandbox/applications/{pk}/").content.decode()
    assert 'data-testid="vote-form"' in page and "安全员远程监控" in page
    done = expert.post(f"/sandbox/applications/{pk}/", {"action": "vote", "vote": "admit", "opinion": "风险可控。"})
    assert done.status_code == 302, done.content[:600]
    again = post(expert, "aiplus_sandbox_api_vote_admission", {"vote": "reject", "opinion": "改主意"},
                 application_id=pk)
    assert again.status_code == 409 and again.json()["field"] == "vote"
    assert SandboxApplication.objects.get(pk=pk).votes == {str(drawn["panel"][0]): "admit"}


@pytest.mark.parametrize(("payload", "field"), [
    ({"vote": "maybe"}, "vote"), ({"vote": ""}, "vote"), ({"opinion": ""}, "opinion"),
    ({"opinion": "x" * 5001}, "opinion"), ({"opinion": "a\x00b"}, "opinion"), ({"extra": 1}, "extra"),
])
def test_hostile_votes_are_refused_naming_the_field(sandbox: Sandbox, payload: dict[str, Any], field: str) -> None:
    from aiplus.experts.models import ExpertProfile

    application = sandbox.apply()
    drawn = sandbox.draw(application["id"])
    expert = signed_in(ExpertProfile.objects.get(pk=drawn["panel"][0]).user)
    answer = post(expert, "aiplus_sandbox_api_vote_admission", {"vote": "admit", "opinion": "意见", **payload},
                  application_id=application["id"])
    assert_refused_naming(answer, field)
    assert SandboxApplication.objects.get(pk=application["id"]).votes == {}


def test_an_application_and_an_overdue_report_wait_in_the_sandbox_departments_queue(sandbox: Sandbox) -> None:
    from aiplus.departments.models import WorkItem
    from aiplus.departments.tests.conftest import load_duties

    load_duties()
    application = sandbox.apply()
    item = WorkItem.objects.select_related("department").get(object_id=application["id"],
                                                              object_type__model="sandboxapplication")
    assert item.duty.code == "sandbox.supervision" and item.department.code == "sz_scjgj"
    assert item.status == "open" and item.link == f"/sandbox/applications/{application['id']}/"
    sandbox.backdate(application["id"], 100)
    drawn = sandbox.draw(application["id"])
    decided = sandbox.admit(application["id"], drawn["panel"], start=timezone.localdate() - dt.timedelta(days=100),
                            days=180, every=30)
    assert decided.status_code == 200, decided.content
    item.refresh_from_db()
    assert item.status == "done"
    call_command("check_sandbox_reports", stdout=StringIO())
    overdue = [r for r in decided.json()["reports"] if r["state"] == "overdue"]
    chased = WorkItem.objects.filter(object_type__model="sandboxreport", status="open")
    assert sorted(chased.values_list("object_id", flat=True)) == sorted(r["id"] for r in overdue)
    filed = post(signed_in(sandbox.member), "aiplus_sandbox_api_file_report",
                 {"users_served": 10, "summary": "补报"}, report_id=overdue[0]["id"])
    assert filed.status_code == 200, filed.content
    assert not chased.filter(object_id=overdue[0]["id"]).exists()
