"""The incident API under /api/v1/governance/incidents: the company's own report, the public report (anonymous,
within the abuse limits), triage, assignment, the operator's report, response actions, the end of handling and the
closure with its review; the public record. Every write is the page's service; every answer is the row read back
through its selector, as the caller may see it (who reported only for the officials who handle it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from ninja.responses import Status

from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED, OPTIONAL
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.core.signin import client_ip
from aiplus.governance import incident_selectors as selectors
from aiplus.governance import incident_services as services
from aiplus.governance import incidents, red_line_services, violation_services
from aiplus.governance import selectors as ethics_selectors
from aiplus.governance.api import _In, router
from aiplus.governance.incident_listings import INCIDENT_RECORDS, INCIDENTS, VIOLATIONS
from aiplus.governance.incident_rules import ESCALATED
from aiplus.governance.listings import ETHICS_RED_LINES
from aiplus.governance.models import Incident, Violation
from aiplus.portal.templatetags.localized import localized_value
from aiplus.regulation import provenance

Persons = Annotated[int, bounds(Incident, "pi_persons")]
Money = Annotated[Decimal, bounds(Incident, "loss_cny")]
Harms = Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)]


class ClockOut(Schema):
    name: str
    amount: int
    unit: str
    started_at: dt.datetime
    due_at: dt.datetime
    met_at: dt.datetime | None
    state: str
    basis: dict[str, Any]

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return obj.state(timezone.now())  # type: ignore[no-any-return]

    @staticmethod
    def resolve_basis(obj: Any) -> dict[str, Any]:
        from aiplus.regulation.runtime import citation_of, cite

        return {**obj.basis, "citation_label": cite(citation_of(obj.basis))}


class ActionOut(Schema):
    kind: str
    text: str
    taken_at: dt.datetime


class ReporterOut(Schema):
    anonymous: bool
    name: str
    contact: str


class IncidentOut(Schema):
    id: int
    title: str
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    organisation_id: int | None
    source: str
    signal: str
    severity: str
    status: str
    received_at: dt.datetime


class IncidentDetail(IncidentOut):
    description: str
    organisation_named: str
    occurred_at: dt.datetime | None
    discovered_at: dt.datetime | None
    harms: list[str]
    pi_persons: int | None
    loss_cny: Decimal | None
    operator_kind: str
    grading: list[dict[str, Any]]
    triage_note: str
    department_id: int | None
    handler_id: int | None
    operator_reported_at: dt.datetime | None
    handled_at: dt.datetime | None
    review_causes: str
    review_measures: str
    review_lessons: str
    closed_at: dt.datetime | None
    red_lines: list[dict[str, Any]]
    is_published: bool
    public_title: str
    public_summary: str
    clocks: list[ClockOut]
    actions: list[ActionOut]
    reporter: ReporterOut | None = None
    escalation_chain: list[dict[str, str]]

    @staticmethod
    def resolve_escalation_chain(obj: Any) -> list[dict[str, str]]:
        """The departments a major incident is reported up through (empty below major)."""
        if obj.severity not in ESCALATED:
            return []
        return [{"code": d.code, "pack": d.pack, "name_zh": d.name_zh, "name_en": d.name_en}
                for d in selectors.escalation_chain(obj)]

    @staticmethod
    def resolve_clocks(obj: Any) -> list[Any]:
        return selectors.clocks_of(obj)

    @staticmethod
    def resolve_actions(obj: Any) -> list[Any]:
        return selectors.actions_of(obj)

    @staticmethod
    def resolve_red_lines(obj: Any) -> list[dict[str, Any]]:
        return flagged_out(obj.red_lines)

    @staticmethod
    def resolve_description(obj: Any, context: Any) -> str:
        return selectors.description_for(context["request"].auth, obj)

    @staticmethod
    def resolve_reporter(obj: Any, context: Any) -> Any:
        return selectors.reporter(context["request"].auth, obj)


def red_line_out(item: Any, **matched: Any) -> dict[str, Any]:
    """A red line as the API shows it: its name in the request's language, where it comes from, and the article
    that draws the red lines (Guangdong art. 33), with what matched when it flags a record."""
    from aiplus.regulation.runtime import cite

    return {"code": item.code, "group": item.parent, "name": localized_value(item, "name"),
            "source": provenance.describe(item), "harms": [t.removeprefix(incidents.HARM_PREFIX)
                                                            for t in item.maps_to],
            "keywords": list(item.keywords), "article": cite(incidents.red_line_taxonomy().citation),
            **({"matched": matched} if matched else {})}


def flagged_out(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The red lines flagged on a record, with what matched and the official's decision once made."""
    return [{**red_line_out(row["item"], harms=row["harms"], keywords=row["keywords"]),
             "decision": row["decision"], "reasons": row["reasons"], "decided_at": row["decided_at"],
             "violation_id": row["violation_id"]} for row in incidents.red_line_rows(flags)]


class RedLineDecisionIn(_In):
    code: Annotated[str, Field(max_length=80)]
    decision: Annotated[str, Field(max_length=12)]
    reasons: Annotated[str, Field(min_length=1, max_length=2000)]
    open_case: bool = False
    provision: Annotated[str, Field(max_length=120)] = ""


class RedLineOut(Schema):
    code: str
    group: str | None
    name: str
    source: str
    harms: list[str]
    keywords: list[str]
    article: str


class RecordOut(Schema):
    id: int
    title: str = Field(..., alias="public_title")
    summary: str = Field(..., alias="public_summary")
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    severity: str
    harms: list[str]
    published_at: dt.datetime | None


class CompanyReportIn(_In):
    organisation_id: int
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(min_length=1, max_length=5000)]
    discovered_at: dt.datetime
    occurred_at: dt.datetime | None = None
    operator_kind: Annotated[str, Field(max_length=16)] = "other"
    harms: Harms = []
    pi_persons: Persons | None = None
    loss_cny: Money | None = None


class PublicReportIn(_In):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(min_length=1, max_length=5000)]
    jurisdiction_id: int
    organisation_id: int | None = None
    organisation_named: Annotated[str, Field(max_length=200)] = ""
    occurred_at: dt.datetime | None = None
    harms: Harms = []
    anonymous: bool = True
    name: Annotated[str, Field(max_length=100)] = ""
    contact: Annotated[str, Field(max_length=200)] = ""
    website: Annotated[str, Field(max_length=200)] = ""  # the honeypot: people leave it empty


class PublicReportOut(Schema):
    id: int
    status: str
    received_at: dt.datetime


class TriageIn(_In):
    severity: Annotated[str, Field(max_length=20)]
    operator_kind: Annotated[str, Field(max_length=16)] = "other"
    harms: Harms | None = None
    pi_persons: Persons | None = None
    loss_cny: Money | None = None
    note: Annotated[str, Field(max_length=2000)] = ""


class DismissIn(_In):
    note: Annotated[str, Field(min_length=1, max_length=2000)]


class AssignIn(_In):
    department_id: int
    handler_id: int


class OperatorReportIn(_In):
    reported_at: dt.datetime


class ActionIn(_In):
    kind: Annotated[str, Field(max_length=16)]
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    taken_at: dt.datetime | None = None


class EscalationIn(_In):
    stage: Annotated[str, Field(max_length=16)]
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    reported_at: dt.datetime | None = None


class EndIn(_In):
    handled_at: dt.datetime | None = None


class CloseIn(_In):
    causes: Annotated[str, Field(min_length=1, max_length=5000)]
    measures: Annotated[str, Field(min_length=1, max_length=5000)]
    lessons: Annotated[str, Field(min_length=1, max_length=5000)]
    publish: bool = False
    public_title: Annotated[str, Field(max_length=200)] = ""
    public_summary: Annotated[str, Field(max_length=2000)] = ""


def _reply(user: Any, result: Any, **ids: Any) -> Any:
    incident_id = ids.get("incident_id") or getattr(result, "incident_id", None) or result.pk
    return selectors.incident(user, incident_id)


lists.add_operation(router, "/incidents", INCIDENTS, IncidentOut, auth=AUTHENTICATED)
lists.add_operation(router, "/incidents/records", INCIDENT_RECORDS, RecordOut, auth=OPTIONAL)


@router.get("/red-lines", response=list[RedLineOut], auth=OPTIONAL,
            operation_id="aiplus_governance_api_list_red_lines")
def list_red_lines(request: HttpRequest) -> Any:
    """The red lines of Guangdong art. 33 (prohibited uses and mandatory duties), each with its instrument; an
    incident or an ethics application located in Guangdong that touches one is flagged with it."""
    return [red_line_out(item) for item in incidents.red_line_items()]


@router.post("/incidents/public", response={201: PublicReportOut}, auth=OPTIONAL,
             operation_id="aiplus_governance_api_report_public")
def report_public(request: HttpRequest, payload: PublicReportIn) -> Any:
    """A public report, signed in or not, named or anonymous, within the abuse limits (429 beyond the reports per
    hour from one address). The answer is the receipt only: the incident is not the reporter's to read."""
    incident = services.report_public(acting_user=acting_user(request), client_ip=client_ip(request),
                                      **payload.dict())
    return Status(201, incident)


@router.get("/incidents/records/{incident_id}", response=RecordOut, auth=OPTIONAL,
            operation_id="aiplus_governance_api_get_incident_record")
def get_incident_record(request: HttpRequest, incident_id: int) -> Any:
    """One entry of the public record: the redacted title and summary, the grade and the harms."""
    return selectors.public_record(acting_user(request), incident_id)


@router.get("/incidents/{incident_id}", response=IncidentDetail, auth=AUTHENTICATED,
            operation_id="aiplus_governance_api_get_incident")
def get_incident(request: HttpRequest, incident_id: int) -> Any:
    """An incident with its clocks (due times and the rule each follows), response actions and review; who reported
    it only for the officials who handle it (and the reporter)."""
    return selectors.incident(acting_user(request), incident_id)


_ONE = "/incidents/{incident_id}"
writes.add_action(router, "POST", "/incidents", services.report_incident, payload=CompanyReportIn,
                  response=IncidentDetail, created=True, reply=_reply)
writes.add_action(router, "POST", f"{_ONE}/triage", services.triage_incident, payload=TriageIn,
                  response=IncidentDetail, reply=_reply)
writes.add_action(router, "POST", f"{_ONE}/dismiss", services.dismiss_incident, payload=DismissIn,
                  response=IncidentDetail, reply=_reply)
writes.add_action(router, "POST", f"{_ONE}/assign", services.assign_incident, payload=AssignIn,
                  response=IncidentDetail, reply=_reply)
writes.add_action(router, "POST", f"{_ONE}/operator-report", services.record_operator_report,
                  payload=OperatorReportIn, response=IncidentDetail, reply=_reply)
writes.add_action(router, "POST", f"{_ONE}/actions", services.add_response_action, payload=ActionIn,
                  response=IncidentDetail, created=True, reply=_reply)
writes.add_action(router, "POST", f"{_ONE}/escalations", services.record_escalation, payload=EscalationIn,
                  response=IncidentDetail, created=True, reply=_reply)
writes.add_action(router, "POST", f"{_ONE}/end", services.end_handling, payload=EndIn, response=IncidentDetail,
                  reply=_reply)
writes.add_action(router, "POST", f"{_ONE}/close", services.close_incident, payload=CloseIn,
                  response=IncidentDetail, reply=_reply)
writes.add_action(router, "POST", f"{_ONE}/red-lines", red_line_services.decide_incident_red_line,
                  payload=RedLineDecisionIn, response=IncidentDetail, reply=_reply)


# -- red lines flagged on ethics review applications (Guangdong art. 33) ---------------------------------------

class EthicsRedLineOut(Schema):
    """A flagged ethics application as the officials who decide its flags see it: who applied, to which committee,
    where it stands, and the flags with their decisions; never its materials nor the committee's votes."""

    id: int
    title: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    committee_id: int
    committee: str = Field(..., alias="committee.name")
    status: str
    submitted_at: dt.datetime | None
    red_lines: list[dict[str, Any]]

    @staticmethod
    def resolve_red_lines(obj: Any) -> list[dict[str, Any]]:
        """The flags with their decisions and the id of the official who decided each (no query per row)."""
        by_code = {f.get("code"): f.get("decided_by_id") for f in obj.red_lines}
        return [{**row, "decided_by_id": by_code.get(row["code"])} for row in flagged_out(obj.red_lines)]


lists.add_operation(router, "/ethics/red-lines", ETHICS_RED_LINES, EthicsRedLineOut, auth=AUTHENTICATED,
                    description="The flagged ethics applications of the caller's place, for its officials.")


@router.get("/ethics/red-lines/{application_id}", response=EthicsRedLineOut, auth=AUTHENTICATED,
            operation_id="aiplus_governance_api_get_ethics_red_line")
def get_ethics_red_line(request: HttpRequest, application_id: int) -> Any:
    """One flagged ethics application for the officials of its place who are not of the applying unit."""
    return ethics_selectors.red_line_application(acting_user(request), application_id)


writes.add_action(router, "POST", "/ethics/applications/{application_id}/red-lines",
                  red_line_services.decide_ethics_red_line, payload=RedLineDecisionIn, response=EthicsRedLineOut,
                  reply=lambda user, result, **ids: ethics_selectors.red_line_application(user, result.pk))


# -- violations and penalties (Suzhou art. 49) -------------------------------------------------------------------

class ViolationOut(Schema):
    id: int
    title: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    incident_id: int | None
    ai_application_id: int | None
    ethics_application_id: int | None
    provision: str
    red_line: str
    status: str
    outcome: str
    amount_cny: Decimal | None
    decided_on: dt.date | None


class ViolationDetail(ViolationOut):
    facts: str
    provision_title: str
    basis: dict[str, Any]
    reasons: str
    appeal_due: dt.date | None
    appeal_grounds: str
    appealed_on: dt.date | None
    appeal_outcome: str
    appeal_amount_cny: Decimal | None
    appeal_reasons: str
    appeal_decided_on: dt.date | None

    @staticmethod
    def resolve_provision_title(obj: Any) -> str:
        from aiplus.regulation.runtime import parameter_title

        return parameter_title(obj.provision)

    @staticmethod
    def resolve_basis(obj: Any) -> dict[str, Any]:
        from aiplus.regulation.runtime import citation_of, cite

        if not obj.basis:
            return {}
        return {**obj.basis, "citation_label": cite(citation_of(obj.basis))}


class ViolationIn(_In):
    organisation_id: int
    title: Annotated[str, Field(min_length=1, max_length=200)]
    provision: Annotated[str, Field(max_length=120)]
    facts: Annotated[str, Field(min_length=1, max_length=5000)]
    incident_id: int | None = None
    red_line: Annotated[str, Field(max_length=80)] = ""


class DecisionIn(_In):
    outcome: Annotated[str, Field(max_length=12)]
    reasons: Annotated[str, Field(min_length=1, max_length=5000)]
    amount_cny: Annotated[Decimal, bounds(Violation, "amount_cny")] | None = None


class AppealIn(_In):
    grounds: Annotated[str, Field(min_length=1, max_length=5000)]


def _case_reply(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.violation(user, ids.get("violation_id") or result.pk)


lists.add_operation(router, "/violations", VIOLATIONS, ViolationOut, auth=AUTHENTICATED)


@router.get("/violations/{violation_id}", response=ViolationDetail, auth=AUTHENTICATED,
            operation_id="aiplus_governance_api_get_violation")
def get_violation(request: HttpRequest, violation_id: int) -> Any:
    """A violation case: the provision broken with its fine range, the decision with the range and citation it
    used, the appeal and its outcome."""
    return selectors.violation(acting_user(request), violation_id)


_CASE = "/violations/{violation_id}"
writes.add_action(router, "POST", "/violations", violation_services.open_violation, payload=ViolationIn,
                  response=ViolationDetail, created=True, reply=_case_reply)
writes.add_action(router, "POST", f"{_CASE}/decision", violation_services.decide_violation, payload=DecisionIn,
                  response=ViolationDetail, reply=_case_reply)
writes.add_action(router, "POST", f"{_CASE}/appeal", violation_services.appeal_violation, payload=AppealIn,
                  response=ViolationDetail, reply=_case_reply)
writes.add_action(router, "POST", f"{_CASE}/appeal/decision", violation_services.decide_appeal,
                  payload=DecisionIn, response=ViolationDetail, reply=_case_reply)
