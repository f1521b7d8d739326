"""The AI application and supervision API under /api/v1/governance/risk: the register, the questionnaire and its
assessments (scores, tier, reasons, the platform settings used), inspection plans with their reproducible draw,
inspections, findings, rectification orders followed to closure, and the public disclosure register (its public
fields only, for anybody). Every write is the page's service; every answer is the row read back through its
selector, as the caller may see it."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema

from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED, OPTIONAL
from aiplus.core.context import acting_user
from aiplus.governance import norms_rules, red_line_services, risk
from aiplus.governance import risk_selectors as selectors
from aiplus.governance import risk_services as services
from aiplus.governance.api import _In, router
from aiplus.governance.incident_api import RedLineDecisionIn, flagged_out
from aiplus.governance.risk_listings import (
    AI_APPLICATIONS,
    DISCLOSURES,
    INSPECTION_PLANS,
    INSPECTIONS,
    RECTIFICATIONS,
)
from aiplus.regulation.runtime import cited_in_active_language

Ids = Annotated[list[int], Field(max_length=services.MAX_LINKED)]
SELF_CHECKS_SHOWN = 10  # an application's newest ethics self-checks in its detail (each up to 24 answers)
Answer = str | Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=40)]


class ApplicationOut(Schema):
    id: int
    name: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    jurisdiction_id: int
    department_id: int
    department: str = Field(..., alias="department.name_zh")
    status: str
    tier: str
    assessed_on: dt.date | None
    reassess_on: dt.date | None
    is_disclosed: bool


class AssessmentOut(Schema):
    id: int
    trigger: str
    answers: dict[str, Any]
    raw_score: int
    max_raw_score: int
    mitigation_score: int
    max_mitigation_score: int
    final_score: int
    tier: str
    reasons: list[dict[str, Any]]
    basis: list[dict[str, Any]]
    created_at: dt.datetime

    @staticmethod
    def resolve_basis(obj: Any) -> Any:
        return cited_in_active_language(_cited(obj.basis))


class SelfCheckAnswerOut(Schema):
    code: str
    group: str
    status: str
    measures: str


class SelfCheckOut(Schema):
    id: int
    activities: list[str]
    answers: list[SelfCheckAnswerOut]
    met: int
    partly: int
    not_met: int
    to_improve: list[str]
    basis: dict[str, Any]
    created_at: dt.datetime

    @staticmethod
    def resolve_to_improve(obj: Any) -> list[str]:
        return [row["code"] for row in obj.answers if row["status"] != "met"]

    @staticmethod
    def resolve_basis(obj: Any) -> dict[str, Any]:
        from aiplus.regulation.runtime import citation_of, cite

        return {**obj.basis, "citation_label": cite(citation_of(obj.basis))}


def _cited(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from aiplus.regulation.runtime import citation_of, cite

    return [{**row, "citation_label": cite(citation_of(row))} for row in rows]


class ApplicationDetail(ApplicationOut):
    purpose: str
    limits: str
    data_used: str
    contact: str
    scenario_id: int | None
    model_ids: list[int]
    algorithm_ids: list[int]
    due_reason: str
    red_lines: list[dict[str, Any]]
    assessments: list[AssessmentOut]
    ethics_self_checks: list[SelfCheckOut]

    @staticmethod
    def resolve_ethics_self_checks(obj: Any) -> list[Any]:
        return selectors.self_checks_of(obj)[:SELF_CHECKS_SHOWN]

    @staticmethod
    def resolve_model_ids(obj: Any) -> list[int]:
        return sorted(obj.models_used.values_list("pk", flat=True))

    @staticmethod
    def resolve_algorithm_ids(obj: Any) -> list[int]:
        return sorted(obj.algorithms_used.values_list("pk", flat=True))

    @staticmethod
    def resolve_red_lines(obj: Any) -> list[dict[str, Any]]:
        return flagged_out(obj.red_lines)

    @staticmethod
    def resolve_assessments(obj: Any) -> list[Any]:
        return selectors.assessments_of(obj)


class ApplicationIn(_In):
    organisation_id: int
    department_id: int
    name: Annotated[str, Field(min_length=1, max_length=200)]
    purpose: Annotated[str, Field(min_length=1, max_length=2000)]
    limits: Annotated[str, Field(min_length=1, max_length=2000)]
    data_used: Annotated[str, Field(min_length=1, max_length=2000)]
    contact: Annotated[str, Field(min_length=1, max_length=200)]
    scenario_id: int | None = None
    model_ids: Ids = []
    algorithm_ids: Ids = []


class ChangeIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    purpose: Annotated[str, Field(min_length=1, max_length=2000)]
    limits: Annotated[str, Field(min_length=1, max_length=2000)]
    data_used: Annotated[str, Field(min_length=1, max_length=2000)]
    contact: Annotated[str, Field(min_length=1, max_length=200)]
    scenario_id: int | None = None
    model_ids: Ids = []
    algorithm_ids: Ids = []


class AssessIn(_In):
    answers: Annotated[dict[Annotated[str, Field(max_length=40)], Answer], Field(max_length=40)]


class NormAnswerIn(_In):
    status: Annotated[str, Field(max_length=40)]
    measures: Annotated[str, Field(max_length=norms_rules.MAX_MEASURES)] = ""


class SelfCheckIn(_In):
    activities: Annotated[list[Annotated[str, Field(max_length=40)]], Field(min_length=1, max_length=10)]
    answers: Annotated[dict[Annotated[str, Field(max_length=60)], NormAnswerIn],
                       Field(max_length=services.MAX_NORMS)]


class NormOut(Schema):
    code: str
    name_zh: str
    name_en: str


class NormGroupOut(Schema):
    code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    always: bool
    norms: list[NormOut]


class NormsOut(Schema):
    taxonomy: str
    citation_label: str
    groups: list[NormGroupOut]


class ChoiceOut(Schema):
    code: str
    weight: int
    text_zh: str
    text_en: str


class QuestionOut(Schema):
    code: str
    kind: str
    multiple: bool
    text_zh: str
    text_en: str
    choices: list[ChoiceOut]


class QuestionnaireOut(Schema):
    version: str
    max_raw: int
    max_mitigation: int
    questions: list[QuestionOut]
    settings: list[dict[str, Any]]


class PlanOut(Schema):
    id: int
    title: str
    jurisdiction_id: int
    department_id: int
    tier: str
    size: int
    seed: int
    selected_ids: list[int]
    created_at: dt.datetime


class PlanDetail(PlanOut):
    seed_inputs: dict[str, Any]
    seed_matches: bool
    selection_matches: bool
    inspection_ids: list[int]

    @staticmethod
    def resolve_seed_matches(obj: Any) -> bool:
        return bool(services.verify_plan(obj).seed_matches)

    @staticmethod
    def resolve_selection_matches(obj: Any) -> bool:
        return bool(services.verify_plan(obj).selection_matches)

    @staticmethod
    def resolve_inspection_ids(obj: Any) -> list[int]:
        return sorted(obj.inspections.values_list("pk", flat=True))


class PlanIn(_In):
    department_id: int
    title: Annotated[str, Field(min_length=1, max_length=200)]
    size: Annotated[int, Field(ge=1, le=50)]
    tier: Annotated[str, Field(max_length=8)] = ""


class OrderOut(Schema):
    id: int
    inspection_id: int
    application_id: int
    requirement: str
    due_on: dt.date
    status: str
    response: str
    reported_on: dt.date | None
    closing_note: str
    closed_on: dt.date | None
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return obj.status == "open" and obj.due_on < timezone.localdate()  # type: ignore[no-any-return]


class InspectionOut(Schema):
    id: int
    plan_id: int
    application_id: int
    application: str = Field(..., alias="application.name")
    status: str
    inspected_on: dt.date | None


class InspectionDetail(InspectionOut):
    findings: str
    orders: list[OrderOut]

    @staticmethod
    def resolve_orders(obj: Any, context: Any) -> list[Any]:
        return selectors.orders_of(acting_user(context["request"]), obj)


class FindingsIn(_In):
    findings: Annotated[str, Field(min_length=1, max_length=5000)]


class OrderIn(_In):
    requirement: Annotated[str, Field(min_length=1, max_length=5000)]
    due_on: dt.date


class ReportIn(_In):
    response: Annotated[str, Field(min_length=1, max_length=5000)]


class CloseIn(_In):
    note: Annotated[str, Field(min_length=1, max_length=2000)]


class DisclosureOut(Schema):
    id: int
    name: str
    organisation: str = Field(..., alias="organisation.name")
    jurisdiction_id: int
    department: str = Field(..., alias="department.name_zh")
    tier: str
    assessed_on: dt.date | None
    purpose: str
    limits: str
    data_used: str
    contact: str


# -- the register and the questionnaire ---------------------------------------------------------------------------

def _application(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.application(user, ids.get("application_id") or getattr(result, "application_id", None)
                                 or result.pk)


lists.add_operation(router, "/risk/applications", AI_APPLICATIONS, ApplicationOut, auth=AUTHENTICATED)


@router.get("/risk/applications/{application_id}", response=ApplicationDetail, auth=AUTHENTICATED,
            operation_id="aiplus_governance_api_get_ai_application")
def get_ai_application(request: HttpRequest, application_id: int) -> Any:
    """An AI application: its links, disclosure, tier, red lines and assessments with their reasons."""
    return selectors.application(acting_user(request), application_id)


@router.get("/risk/questionnaire", response=QuestionnaireOut, auth=OPTIONAL,
            operation_id="aiplus_governance_api_get_questionnaire")
def get_questionnaire(request: HttpRequest) -> Any:
    """The risk questionnaire in force today (platform settings after Canada's AIA), with its weights and the
    settings used to score it."""
    today = timezone.localdate()
    scheme = risk.scheme(today)
    return {"version": scheme.version, "max_raw": scheme.max_raw, "max_mitigation": scheme.max_mitigation,
            "questions": [{"code": q.code, "kind": q.kind, "multiple": q.multiple, "text_zh": q.text_zh,
                           "text_en": q.text_en, "choices": [{"code": c.code, "weight": c.weight,
                                                              "text_zh": c.text_zh, "text_en": c.text_en}
                                                             for c in q.choices]} for q in scheme.questions],
            "settings": cited_in_active_language(_cited(risk.basis(today)))}


@router.get("/risk/ethics-norms", response=NormsOut, auth=OPTIONAL,
            operation_id="aiplus_governance_api_get_ethics_norms")
def get_ethics_norms(request: HttpRequest) -> Any:
    """The norms of the ethics self-check (《新一代人工智能伦理规范》): the basic norms, always answered, and the
    specific requirements of each kind of activity, answered when the activity is chosen."""
    from aiplus.regulation.runtime import cite

    taxonomy = risk.norms_taxonomy()
    return {"taxonomy": taxonomy.code, "citation_label": cite(taxonomy.citation),
            "groups": [{"code": g.code, "name_zh": g.name_zh, "name_en": g.name_en,
                        "description_zh": g.description_zh, "description_en": g.description_en,
                        "always": g.code == norms_rules.BASIC,
                        "norms": [{"code": n.code, "name_zh": n.name_zh, "name_en": n.name_en} for n in g.children]}
                       for g in risk.norm_groups()]}


_APP = "/risk/applications/{application_id}"
writes.add_action(router, "POST", "/risk/applications", services.register_application, payload=ApplicationIn,
                  response=ApplicationDetail, created=True, reply=_application)
writes.add_action(router, "POST", f"{_APP}/changes", services.change_application, payload=ChangeIn,
                  response=ApplicationDetail, reply=_application)
writes.add_action(router, "POST", f"{_APP}/assessments", services.assess_application, payload=AssessIn,
                  response=ApplicationDetail, created=True, reply=_application)

writes.add_action(router, "POST", f"{_APP}/ethics-self-checks", services.check_ethics_norms, payload=SelfCheckIn,
                  response=ApplicationDetail, created=True, reply=_application)

writes.add_action(router, "POST", f"{_APP}/red-lines", red_line_services.decide_application_red_line,
                  payload=RedLineDecisionIn, response=ApplicationDetail, reply=_application)


# -- inspections -------------------------------------------------------------------------------------------------

def _plan(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.plan(user, result.pk)


def _inspection(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.inspection(user, ids.get("inspection_id") or result.inspection_id)


lists.add_operation(router, "/risk/plans", INSPECTION_PLANS, PlanOut, auth=AUTHENTICATED)


@router.get("/risk/plans/{plan_id}", response=PlanDetail, auth=AUTHENTICATED,
            operation_id="aiplus_governance_api_get_inspection_plan")
def get_inspection_plan(request: HttpRequest, plan_id: int) -> Any:
    """An inspection plan with the recorded inputs of its draw, re-checked (seed and selection)."""
    return selectors.plan(acting_user(request), plan_id)


writes.add_action(router, "POST", "/risk/plans", services.plan_inspections, payload=PlanIn, response=PlanDetail,
                  created=True, reply=_plan)

lists.add_operation(router, "/risk/inspections", INSPECTIONS, InspectionOut, auth=AUTHENTICATED)


@router.get("/risk/inspections/{inspection_id}", response=InspectionDetail, auth=AUTHENTICATED,
            operation_id="aiplus_governance_api_get_inspection")
def get_inspection(request: HttpRequest, inspection_id: int) -> Any:
    """An inspection, its findings and its rectification orders."""
    return selectors.inspection(acting_user(request), inspection_id)


_ONE = "/risk/inspections/{inspection_id}"
writes.add_action(router, "POST", f"{_ONE}/findings", services.record_findings, payload=FindingsIn,
                  response=InspectionDetail, reply=_inspection)
writes.add_action(router, "POST", f"{_ONE}/orders", services.order_rectification, payload=OrderIn,
                  response=InspectionDetail, created=True, reply=_inspection)

lists.add_operation(router, "/risk/rectifications", RECTIFICATIONS, OrderOut, auth=AUTHENTICATED)
writes.add_action(router, "POST", "/risk/rectifications/{order_id}/report", services.report_rectification,
                  payload=ReportIn, response=InspectionDetail, reply=_inspection)
writes.add_action(router, "POST", "/risk/rectifications/{order_id}/close", services.close_rectification,
                  payload=CloseIn, response=InspectionDetail, reply=_inspection)


# -- the public disclosure register -------------------------------------------------------------------------------

lists.add_operation(router, "/risk/disclosures", DISCLOSURES, DisclosureOut, auth=OPTIONAL)


@router.get("/risk/disclosures/{application_id}", response=DisclosureOut, auth=OPTIONAL,
            operation_id="aiplus_governance_api_get_disclosure")
def get_disclosure(request: HttpRequest, application_id: int) -> Any:
    """The public disclosure of a medium- or low-risk application (its public fields only)."""
    return selectors.disclosure(acting_user(request), application_id)
