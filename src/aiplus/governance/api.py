"""The ethics review API under /api/v1/governance/: committees (members, composition checks, registration) and
applications (materials, notice, reviews with votes, expert re-review, follow-ups). Every write is the page's
service; every answer is the row read back through its selector, as the caller may see it."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED
from aiplus.core.context import acting_user
from aiplus.governance import ethics, selectors, services
from aiplus.governance import ethics_rules as rules
from aiplus.governance.listings import ANNUAL_REPORTS, APPLICATIONS, COMMITTEES, ENTRUSTMENTS, UNREPORTED
from aiplus.regulation.runtime import citation_of, cite, cited_in_active_language

router = Router(tags=["governance"])

Text = Annotated[str, Field(max_length=5000)]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class CheckOut(Schema):
    code: str
    ok: bool
    text_zh: str
    text_en: str
    required: bool


class MemberOut(Schema):
    id: int
    user_id: int
    name: str
    role: str
    discipline: str
    field_of_work: str
    gender: str
    external: bool
    term_start: dt.date
    term_end: dt.date
    trained_on: dt.date | None
    training: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user)


class CommitteeOut(Schema):
    id: int
    name: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    established_on: dt.date
    registered_on: dt.date | None
    registration_number: str


class CommitteeDetail(CommitteeOut):
    members: list[MemberOut]
    composition: list[CheckOut]
    composition_ok: bool

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.members.all())

    @staticmethod
    def resolve_composition(obj: Any) -> list[dict[str, object]]:
        today = timezone.localdate()
        return [c.as_dict() for c in rules.composition([m.as_rule() for m in obj.members.all()],
                                                       ethics.rules_on(today), today)]

    @staticmethod
    def resolve_composition_ok(obj: Any) -> bool:
        today = timezone.localdate()
        return rules.holds(rules.composition([m.as_rule() for m in obj.members.all()], ethics.rules_on(today),
                                             today))


class CommitteeIn(_In):
    organisation_id: int
    name: Annotated[str, Field(min_length=1, max_length=200)]
    established_on: dt.date


class MemberIn(_In):
    user_id: int
    role: Annotated[str, Field(max_length=16)]
    discipline: Annotated[str, Field(max_length=16)]
    gender: Annotated[str, Field(max_length=8)]
    external: bool = False
    term_start: dt.date
    term_end: dt.date
    field_of_work: Annotated[str, Field(max_length=100)] = ""
    trained_on: dt.date | None = None
    training: Annotated[str, Field(max_length=300)] = ""


class RegistrationIn(_In):
    registered_on: dt.date
    registration_number: Annotated[str, Field(min_length=1, max_length=64)]


def _committee_reply(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.committee(user, getattr(result, "committee_id", None) or result.pk)


lists.add_operation(router, "/ethics/committees", COMMITTEES, CommitteeOut, auth=AUTHENTICATED)


@router.get("/ethics/committees/{committee_id}", response=CommitteeDetail, auth=AUTHENTICATED)
def get_committee(request: HttpRequest, committee_id: int) -> Any:
    """A committee with its members and its composition checked against the Measures (Art. 7), with reasons."""
    return selectors.committee(acting_user(request), committee_id)


writes.add_action(router, "POST", "/ethics/committees", services.create_committee, payload=CommitteeIn,
                  response=CommitteeDetail, created=True, reply=_committee_reply)
writes.add_action(router, "POST", "/ethics/committees/{committee_id}/members", services.add_member,
                  payload=MemberIn, response=CommitteeDetail, created=True, reply=_committee_reply)
writes.add_action(router, "POST", "/ethics/committees/{committee_id}/registration", services.register_committee,
                  payload=RegistrationIn, response=CommitteeDetail, reply=_committee_reply)


# -- applications ------------------------------------------------------------------------------------------------

class AttendanceOut(Schema):
    member_id: int
    member: str
    present: bool
    conflict: bool
    vote: str

    @staticmethod
    def resolve_member(obj: Any) -> str:
        return str(obj.member.user)


class ReviewOut(Schema):
    id: int
    procedure: str
    held_on: dt.date
    outcome: str
    checks: list[CheckOut]
    opinion: str
    attendance: list[AttendanceOut]

    @staticmethod
    def resolve_attendance(obj: Any) -> list[Any]:
        return list(obj.attendance.all())


class ReReviewOut(Schema):
    id: int
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    draw_id: int
    panel: list[int]
    votes: dict[str, str]
    opinions: dict[str, str]
    outcome: str
    checks: list[CheckOut]
    decided_on: dt.date | None

    @staticmethod
    def resolve_panel(obj: Any) -> list[int]:
        return [int(i) for i in obj.draw.selected]


class FollowUpOut(Schema):
    id: int
    due_on: dt.date
    done_on: dt.date | None
    conclusion: str
    reminded_at: dt.datetime | None


class ApplicationOut(Schema):
    id: int
    title: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    committee_id: int
    listed_item: str
    status: str
    procedure: str
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    decision_due: dt.datetime | None
    decided_on: dt.date | None
    activity_registered_on: dt.date | None
    activity_registration_number: str


class AdviceOut(Schema):
    id: int
    adviser_id: int
    adviser: str
    question: str
    no_conflict: bool
    opinion: str
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_adviser(obj: Any) -> str:
        return str(obj.adviser)


class ApplicationDetail(ApplicationOut):
    overview: str
    plan: str
    qualifications: str
    consent: str
    commitment: str
    requested_other: str
    other: str
    missing: list[str]
    missing_notice: list[dict[str, str]]
    notice_given_at: dt.datetime | None
    decision_due_basis: dict[str, Any]
    referred_jurisdiction: str | None
    re_review_due: dt.date | None
    reviews: list[ReviewOut]
    re_review: ReReviewOut | None
    follow_ups: list[FollowUpOut]
    red_lines: list[dict[str, Any]]
    activity_registration_due: dt.date | None
    # the independent advisers' opinions: for the committee's members only (empty for anyone else)
    advice: list[AdviceOut]

    @staticmethod
    def resolve_activity_registration_due(obj: Any) -> dt.date | None:
        if obj.listed and obj.decided_on and obj.status in services.APPROVED:
            return ethics.activity_registration_due(obj.decided_on)
        return None

    @staticmethod
    def resolve_advice(obj: Any, context: Any) -> list[Any]:
        return selectors.advice_of(obj, acting_user(context["request"]))

    @staticmethod
    def resolve_red_lines(obj: Any) -> list[dict[str, Any]]:
        from aiplus.governance.incident_api import flagged_out

        return flagged_out(obj.red_lines)

    @staticmethod
    def resolve_missing(obj: Any) -> list[str]:
        return services.missing(obj)

    @staticmethod
    def resolve_decision_due_basis(obj: Any) -> dict[str, Any]:
        return cited_in_active_language(obj.decision_due_basis)  # type: ignore[no-any-return]

    @staticmethod
    def resolve_referred_jurisdiction(obj: Any) -> str | None:
        return obj.referred_jurisdiction.code if obj.referred_jurisdiction_id else None

    @staticmethod
    def resolve_reviews(obj: Any) -> list[Any]:
        return selectors.reviews(obj)

    @staticmethod
    def resolve_re_review(obj: Any) -> Any:
        return selectors.re_review_of(obj)

    @staticmethod
    def resolve_follow_ups(obj: Any) -> list[Any]:
        return selectors.follow_ups_of(obj)


class ApplicationIn(_In):
    committee_id: int
    title: Annotated[str, Field(min_length=1, max_length=200)]
    listed_item: Annotated[str, Field(max_length=32)] = ""
    overview: Text = ""
    plan: Text = ""
    qualifications: Text = ""
    consent: Text = ""
    commitment: Text = ""
    other: Text = ""


class MaterialsPatch(_In):
    listed_item: Annotated[str, Field(max_length=32)] | None = None
    overview: Text | None = None
    plan: Text | None = None
    qualifications: Text | None = None
    consent: Text | None = None
    commitment: Text | None = None
    other: Text | None = None


class ExamineIn(_In):
    procedure: Annotated[str, Field(max_length=16)]
    requested_other: Annotated[str, Field(max_length=500)] = ""


class ReviewIn(_In):
    held_on: dt.date
    present: Annotated[list[int], Field(max_length=200)]
    conflicts: Annotated[list[int], Field(max_length=200)] = []
    # {member id: vote}; the service names `votes` for a bad id or choice (a dict's key would be named instead)
    votes: Annotated[dict[str, str], Field(max_length=200)] = {}
    opinion: Text = ""


class DrawIn(_In):
    fields: Annotated[list[Annotated[str, Field(max_length=100)]], Field(min_length=1, max_length=50)]
    size: Annotated[int, Field(ge=1, le=1000)]


class OpinionIn(_In):
    vote: Annotated[str, Field(max_length=16)]  # "agree" | "disagree"
    opinion: Annotated[str, Field(min_length=1, max_length=5000)]


class FollowUpIn(_In):
    done_on: dt.date
    conclusion: Annotated[str, Field(min_length=1, max_length=5000)]


def _application_reply(user: Any, result: Any, **ids: Any) -> Any:
    application_id = ids.get("application_id") or getattr(result, "application_id", None) or result.pk
    return selectors.application(user, application_id)


lists.add_operation(router, "/ethics/applications", APPLICATIONS, ApplicationOut, auth=AUTHENTICATED)


@router.get("/ethics/applications/{application_id}", response=ApplicationDetail, auth=AUTHENTICATED)
def get_application(request: HttpRequest, application_id: int) -> Any:
    """An application with its materials, the notice of what was missing, its reviews with attendance and votes,
    its expert re-review and its follow-up reviews: for the committee's members and the applying organisation's
    members (and officials of the jurisdiction once a listed activity is referred to them)."""
    return selectors.application(acting_user(request), application_id)


_APP = "/ethics/applications/{application_id}"
writes.add_action(router, "POST", "/ethics/applications", services.create_application, payload=ApplicationIn,
                  response=ApplicationDetail, created=True, reply=_application_reply)
writes.add_action(router, "PATCH", _APP, services.update_materials, payload=MaterialsPatch, partial=True,
                  response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", f"{_APP}/submit", services.submit_application, response=ApplicationDetail,
                  reply=_application_reply)
writes.add_action(router, "POST", f"{_APP}/examine", services.examine_application, payload=ExamineIn,
                  response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", f"{_APP}/reviews", services.record_review, payload=ReviewIn,
                  response=ApplicationDetail, created=True, reply=_application_reply)
writes.add_action(router, "POST", f"{_APP}/re-review", services.draw_re_review_panel, payload=DrawIn,
                  response=ApplicationDetail, created=True, reply=_application_reply)
writes.add_action(router, "POST", f"{_APP}/re-review/opinion", services.submit_re_review_opinion,
                  payload=OpinionIn, response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/ethics/follow-ups/{follow_up_id}", services.record_follow_up,
                  payload=FollowUpIn, response=ApplicationDetail,
                  reply=lambda user, result, **ids: selectors.application(user, result.application_id))



class ActivityRegistrationIn(_In):
    registered_on: dt.date
    registration_number: Annotated[str, Field(min_length=1, max_length=64)]


class AdviserIn(_In):
    user_id: int
    question: Annotated[str, Field(min_length=1, max_length=2000)]


writes.add_action(router, "POST", f"{_APP}/activity-registration", services.register_activity,
                  payload=ActivityRegistrationIn, response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", f"{_APP}/advisers", services.invite_adviser, payload=AdviserIn,
                  response=ApplicationDetail, created=True, reply=_application_reply)


# -- independent advisers: their own invitation, the one application's materials, their opinion ------------------

class AdviceDetail(AdviceOut):
    application_id: int
    title: str = Field(..., alias="application.title")
    organisation: str = Field(..., alias="application.organisation.name")
    committee: str = Field(..., alias="application.committee.name")
    materials: dict[str, str]

    @staticmethod
    def resolve_materials(obj: Any) -> dict[str, str]:
        return obj.application.materials()  # type: ignore[no-any-return]


class AdviceIn(_In):
    no_conflict: bool
    opinion: Annotated[str, Field(min_length=1, max_length=5000)]


@router.get("/ethics/advice/{advice_id}", response=AdviceDetail, auth=AUTHENTICATED)
def get_advice(request: HttpRequest, advice_id: int) -> Any:
    """An independent adviser's invitation: the committee's question and the one application's materials (nothing
    of its reviews or votes), for the adviser themself."""
    return selectors.advice(acting_user(request), advice_id)


writes.add_action(router, "POST", "/ethics/advice/{advice_id}/opinion", services.submit_advice, payload=AdviceIn,
                  response=AdviceDetail, reply=lambda user, result, **ids: selectors.advice(user, result.pk))


# -- committees' annual reports ----------------------------------------------------------------------------------

class AnnualReportOut(Schema):
    id: int
    committee_id: int
    committee: str = Field(..., alias="committee.name")
    organisation: str = Field(..., alias="committee.organisation.name")
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    year: int
    figures: dict[str, Any]
    remarks: str
    submitted_at: dt.datetime
    due_on: dt.date

    @staticmethod
    def resolve_due_on(obj: Any) -> dt.date:
        return ethics.annual_report_due(obj.year)


class AnnualReportIn(_In):
    year: Annotated[int, Field(ge=2000, le=2100)]
    remarks: Text = ""


class FiguresOut(Schema):
    committee_id: int
    year: int
    due_on: dt.date
    figures: dict[str, Any]


lists.add_operation(router, "/ethics/annual-reports", ANNUAL_REPORTS, AnnualReportOut, auth=AUTHENTICATED)


class UnreportedOut(Schema):
    """A registered committee that has filed no annual report for `year`: its due date is a platform setting
    (`due_basis`), `days_overdue` counts from it to today."""

    id: int
    committee: str = Field(..., alias="name")
    organisation: str = Field(..., alias="organisation.name")
    jurisdiction: str = Field(..., alias="organisation.jurisdiction.code")
    registered_on: dt.date
    chair: str | None
    year: int = Field(..., alias="report_year")
    due_on: dt.date
    due_basis: str
    overdue: bool
    days_overdue: int

    @staticmethod
    def resolve_chair(obj: Any) -> str | None:
        return getattr(obj, "chair_name", None) or getattr(obj, "chair_username", None)

    @staticmethod
    def resolve_due_basis(obj: Any) -> str:
        return cite(citation_of(ethics.version("ethics.annual_report.due", timezone.localdate())))

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return selectors.days_overdue(obj.report_year) > 0

    @staticmethod
    def resolve_days_overdue(obj: Any) -> int:
        return selectors.days_overdue(obj.report_year)


lists.add_operation(router, "/ethics/annual-reports/missing", UNREPORTED, UnreportedOut, auth=AUTHENTICATED)


@router.get("/ethics/annual-reports/{report_id}", response=AnnualReportOut, auth=AUTHENTICATED)
def get_annual_report(request: HttpRequest, report_id: int) -> Any:
    """A filed annual report: for the committee's and its unit's members and the supervising department."""
    return selectors.annual_report(acting_user(request), report_id)


@router.get("/ethics/committees/{committee_id}/annual-report-figures", response=FiguresOut, auth=AUTHENTICATED)
def annual_report_figures(request: HttpRequest, committee_id: int, year: Annotated[int, Field(ge=2000, le=2100)]
                          ) -> Any:
    """The figures the platform prefills a committee's annual report of `year` with, counted from its records."""
    committee = selectors.committee(acting_user(request), committee_id)
    return {"committee_id": committee.pk, "year": year, "due_on": ethics.annual_report_due(year),
            "figures": selectors.annual_figures(committee, year)}


writes.add_action(router, "POST", "/ethics/committees/{committee_id}/annual-reports", services.file_annual_report,
                  payload=AnnualReportIn, response=AnnualReportOut, created=True,
                  reply=lambda user, result, **ids: selectors.annual_report(user, result.pk))


# -- entrustments ------------------------------------------------------------------------------------------------

class EntrustmentOut(Schema):
    id: int
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    committee_id: int
    committee: str = Field(..., alias="committee.name")
    agreed_on: dt.date
    scope_text: str
    term_start: dt.date
    term_end: dt.date


class EntrustmentIn(_In):
    organisation_id: int
    committee_id: int
    agreed_on: dt.date
    scope_text: Annotated[str, Field(min_length=1, max_length=500)]
    term_start: dt.date
    term_end: dt.date


lists.add_operation(router, "/ethics/entrustments", ENTRUSTMENTS, EntrustmentOut, auth=AUTHENTICATED)
writes.add_action(router, "POST", "/ethics/entrustments", services.entrust_committee, payload=EntrustmentIn,
                  response=EntrustmentOut, created=True,
                  reply=lambda user, result, **ids: selectors.entrustments(user).get(pk=result.pk))


# the incident, AI application and supervision operations, on this router
from aiplus.governance import incident_api, risk_api  # noqa: E402,F401
