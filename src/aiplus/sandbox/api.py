"""The sandbox API under /api/v1/sandbox: applications, the panel draw, the admission with its conditions, periodic
reports (with their state and working-day clock), incidents, exit decisions, and fault-tolerance cases. Every write
is the page's service; every answer is the row read back through its selector."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.governance.models import Incident
from aiplus.sandbox import rules, selectors, services
from aiplus.sandbox.listings import APPLICATIONS, TOLERANCE_CASES
from aiplus.sandbox.models import SandboxApplication, SandboxReport

router = Router(tags=["sandbox"])

Text = Annotated[str, Field(min_length=1, max_length=5000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class CheckOut(Schema):
    code: str
    ok: bool
    text_zh: str
    text_en: str


class ApplicationOut(Schema):
    id: int
    title: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    status: str
    user_cap: int | None
    start_on: dt.date | None
    end_on: dt.date | None


class ReportOut(Schema):
    id: int
    sequence: int
    period_end: dt.date
    due_on: dt.date
    filed_on: dt.date | None
    users_served: int | None
    summary: str
    checks: list[CheckOut]
    state: str
    working_days: int


class ExitOut(Schema):
    id: int
    kind: str
    reasons: str
    previous_end_on: dt.date | None
    new_end_on: dt.date | None
    decided_on: dt.date
    checks: list[CheckOut]


class IncidentLinkOut(Schema):
    id: int
    incident_id: int
    title: str = Field(..., alias="incident.title")
    status: str = Field(..., alias="incident.status")


class ApplicationDetail(ApplicationOut):
    innovation: str
    legal_gap: str
    risk_controls: str
    planned_users: int
    geography: str
    planned_days: int
    exit_plan: str
    draw_id: int | None
    panel: list[int]
    votes: dict[str, str]
    opinions: dict[str, str]
    checks: list[CheckOut]
    decision_reasons: str
    decided_on: dt.date | None
    geography_condition: str
    report_every_days: int | None
    other_conditions: str
    extensions: int
    reports: list[ReportOut]
    exits: list[ExitOut]
    incidents: list[IncidentLinkOut]

    @staticmethod
    def resolve_panel(obj: Any) -> list[int]:
        return [int(i) for i in obj.draw.selected] if obj.draw is not None else []

    @staticmethod
    def resolve_reports(obj: Any) -> list[dict[str, Any]]:
        today = timezone.localdate()
        rows = []
        for report in obj.reports.all():
            clock = rules.report_clock(report, today)
            rows.append({**{f: getattr(report, f) for f in ("id", "sequence", "period_end", "due_on", "filed_on",
                                                            "users_served", "summary", "checks")},
                         "state": clock.state, "working_days": clock.working_days})
        return rows

    @staticmethod
    def resolve_exits(obj: Any) -> list[Any]:
        return list(obj.exits.all())

    @staticmethod
    def resolve_incidents(obj: Any) -> list[Any]:
        return list(obj.incidents.select_related("incident"))


class ApplyIn(_In):
    organisation_id: int
    title: Short
    innovation: Text
    legal_gap: Text
    risk_controls: Text
    planned_users: Annotated[int, bounds(SandboxApplication, "planned_users")]
    geography: Short
    planned_days: Annotated[int, bounds(SandboxApplication, "planned_days")]
    exit_plan: Text


class DrawIn(_In):
    fields: Annotated[list[Annotated[str, Field(max_length=80)]], Field(min_length=1, max_length=20)]
    size: Annotated[int, Field(ge=1, le=1000)]


class VoteIn(_In):
    vote: Annotated[str, Field(max_length=12)]  # "admit" | "reject"
    opinion: Text


class AdmissionIn(_In):
    reasons: Text
    user_cap: Annotated[int, bounds(SandboxApplication, "user_cap")] | None = None
    geography_condition: Annotated[str, Field(max_length=200)] = ""
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    report_every_days: Annotated[int, bounds(SandboxApplication, "report_every_days")] | None = None
    other_conditions: Annotated[str, Field(max_length=5000)] = ""


class ReportIn(_In):
    users_served: Annotated[int, bounds(SandboxReport, "users_served")]
    summary: Text


class IncidentIn(_In):
    title: Short
    description: Text
    discovered_at: dt.datetime
    harms: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)] = []
    pi_persons: Annotated[int, bounds(Incident, "pi_persons")] | None = None
    loss_cny: Annotated[Decimal, bounds(Incident, "loss_cny")] | None = None


class ExitIn(_In):
    kind: Annotated[str, Field(max_length=12)]
    reasons: Text
    new_end_on: dt.date | None = None


class ToleranceOut(Schema):
    id: int
    title: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    violation_id: int | None
    application_id: int | None
    outcome: str
    decided_on: dt.date


class ToleranceDetail(ToleranceOut):
    facts: str
    criteria: list[str]
    reasons: str
    checks: list[CheckOut]


class ToleranceIn(_In):
    organisation_id: int
    title: Short
    facts: Text
    criteria: Annotated[list[Annotated[str, Field(max_length=80)]], Field(max_length=50)]
    outcome: Annotated[str, Field(max_length=12)]
    reasons: Text
    violation_id: int | None = None
    application_id: int | None = None


def _application_reply(user: Any, result: Any, **ids: Any) -> Any:
    pk = ids.get("application_id") or getattr(result, "application_id", None) or result.pk
    return selectors.application(user, pk)


lists.add_operation(router, "/applications", APPLICATIONS, ApplicationOut, auth=AUTHENTICATED)


@router.get("/applications/{application_id}", response=ApplicationDetail, auth=AUTHENTICATED)
def get_application(request: HttpRequest, application_id: int) -> Any:
    """A sandbox case: the application, the panel and its votes, the admission with its conditions, the report
    schedule with each report's state and working-day clock, the incidents and the exit decisions."""
    return selectors.application(acting_user(request), application_id)


_ONE = "/applications/{application_id}"
writes.add_action(router, "POST", "/applications", services.apply, payload=ApplyIn, response=ApplicationDetail,
                  created=True, reply=_application_reply)
writes.add_action(router, "POST", f"{_ONE}/panel", services.draw_panel, payload=DrawIn, response=ApplicationDetail,
                  reply=_application_reply)
writes.add_action(router, "POST", f"{_ONE}/votes", services.vote_admission, payload=VoteIn,
                  response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", f"{_ONE}/admission", services.decide_admission, payload=AdmissionIn,
                  response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/reports/{report_id}", services.file_report, payload=ReportIn,
                  response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", f"{_ONE}/incidents", services.report_incident, payload=IncidentIn,
                  response=ApplicationDetail, created=True, reply=_application_reply)
writes.add_action(router, "POST", f"{_ONE}/exit", services.decide_exit, payload=ExitIn,
                  response=ApplicationDetail, reply=_application_reply)

lists.add_operation(router, "/tolerance", TOLERANCE_CASES, ToleranceOut, auth=AUTHENTICATED)


@router.get("/tolerance/{case_id}", response=ToleranceDetail, auth=AUTHENTICATED)
def get_tolerance_case(request: HttpRequest, case_id: int) -> Any:
    """A fault-tolerance case: the facts, the criteria met, the outcome with its checks and reasons."""
    return selectors.tolerance_case(acting_user(request), case_id)


writes.add_action(router, "POST", "/tolerance", services.decide_tolerance, payload=ToleranceIn,
                  response=ToleranceDetail, created=True,
                  reply=lambda user, result, **ids: selectors.tolerance_case(user, result.pk))
