"""The scenarios API: needs, scenario lists, capability profiles, the provider pool, open calls, pilots, cases,
matching. Every write calls the same service as the UI; errors are {"code", "message", "field"}."""


import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from aiplus.api import imports, lists, writes
from aiplus.api.auth import AUTHENTICATED
from aiplus.core import imports as core_imports
from aiplus.core.access import get_for
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.scenarios import excel, matching_index, selectors, services
from aiplus.scenarios.listings import CALLS, CASES, NEEDS, PILOTS, PROFILES, SCENARIO_LISTS
from aiplus.scenarios.models import RUBRIC_WEIGHT_MAX, CapabilityProfile, Kpi, Measurement, Need, OpenCall

router = Router(tags=["scenarios"])




class KpiIO(Schema):
    name: str
    target_value: Annotated[Decimal, bounds(Kpi, "target_value")] | None = None
    unit: str = ""
    higher_is_better: bool = True


class NeedOut(Schema):
    id: int
    title: str
    owner: str = Field(..., alias="owner.name")
    owner_id: int
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    domain: str
    problem: str
    data_offered: str
    compute_needed: str
    budget_min_cny: Decimal
    budget_max_cny: Decimal
    first_purchase: bool
    deadline: dt.date | None
    visibility: str
    status: str
    responsible_department: str
    scenario_list: str | None = Field(None, alias="scenario_list.title")
    replicated_from_id: int | None
    required_qualifications: list[str] = []
    co_publishers: list[str] = []

    @staticmethod
    def resolve_co_publishers(obj: Any) -> list[str]:
        return [j.code for j in obj.co_publishers.all()]


class NeedIn(Schema):
    organisation_id: int
    jurisdiction: str
    title: str = ""
    domain: str = ""
    problem: str = ""
    data_offered: str = ""
    compute_needed: Annotated[str, bounds(Need, "compute_needed")] = ""
    required_qualifications: list[str] = []
    budget_min_cny: Annotated[Decimal, bounds(Need, "budget_min_cny")] | None = None
    budget_max_cny: Annotated[Decimal, bounds(Need, "budget_max_cny")] | None = None
    first_purchase: bool = False
    deadline: dt.date | None = None
    visibility: str = "public"
    kpis: list[KpiIO] = []


class NeedUpdateIn(Schema):
    title: str | None = None
    domain: str | None = None
    problem: str | None = None
    data_offered: str | None = None
    compute_needed: Annotated[str, bounds(Need, "compute_needed")] | None = None
    required_qualifications: list[str] | None = None
    budget_min_cny: Annotated[Decimal, bounds(Need, "budget_min_cny")] | None = None
    budget_max_cny: Annotated[Decimal, bounds(Need, "budget_max_cny")] | None = None
    first_purchase: bool | None = None
    deadline: dt.date | None = None
    visibility: str | None = None
    kpis: list[KpiIO] | None = None


class FacetOut(Schema):
    code: str
    name: str = ""
    count: int


class FacetsOut(Schema):
    status: list[FacetOut]
    domain: list[FacetOut]
    jurisdiction: list[FacetOut]


class CoPublishIn(Schema):
    jurisdictions: list[str]


class TaxonomyItemOut(Schema):
    code: str
    name_zh: str
    name_en: str
    parent: str | None = None
    maps_to: list[str] = []
    # official | stated-in-explanation | other-instrument | working-classification, and that in the request's language
    source_kind: str = ""
    source: str = ""
    source_citation: dict[str, Any] = {}
    # the label of the instrument or article the item's source names; empty for the platform's own classification
    citation: str = ""


class TaxonomyOut(Schema):
    domains: list[TaxonomyItemOut]
    gd_categories: list[TaxonomyItemOut]


class TransitionIn(Schema):
    transition: str
    comment: str = ""


class ListIn(Schema):
    jurisdiction: str
    need_ids: list[int]
    co_publishers: list[str] = []


class ListOut(Schema):
    id: int
    title: str
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    year: int
    number: int
    published_on: dt.date
    department: str


class ProfileIn(Schema):
    organisation_id: int
    products: str = ""
    description: str = ""
    domains: list[str] = []
    technologies: list[str] = []
    models_used: list[str] = []
    reference_cases: str = ""
    qualifications: list[str] = []
    regions_served: list[str] = []
    price_min_cny: Annotated[Decimal, bounds(CapabilityProfile, "price_min_cny")] | None = None
    price_max_cny: Annotated[Decimal, bounds(CapabilityProfile, "price_max_cny")] | None = None
    is_published: bool = True


class ProfileOut(Schema):
    id: int
    organisation: str = Field(..., alias="organisation.name")
    products: str
    description: str
    domains: list[str]
    technologies: list[str]
    models_used: list[str]
    reference_cases: str
    qualifications: list[str]
    regions_served: list[str]
    price_min_cny: Decimal | None
    price_max_cny: Decimal | None


class PoolIn(Schema):
    organisation_id: int
    jurisdiction: str


class PoolDecisionIn(Schema):
    admit: bool
    note: str = ""


class PoolOut(Schema):
    id: int
    organisation: str = Field(..., alias="organisation.name")
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    status: str
    note: str


class RubricItem(Schema):
    code: str = Field(..., description="a-z, digits and _, unique within the call")
    name: str = Field(..., description="Chinese name of the criterion")
    name_en: str = ""
    weight: float = Field(..., gt=0, le=float(RUBRIC_WEIGHT_MAX),
                          description="relative weight, > 0 (the total is the weighted mean of 0-100 scores)")


class CallIn(Schema):
    jurisdiction: str
    title: str
    need_ids: list[int]
    closes_on: dt.date
    reviewers: Annotated[int, bounds(OpenCall, "reviewers")] | None = None
    rubric: list[RubricItem] | None = None


class CallPatch(Schema):
    """Any subset of a draft call's fields; what is left out keeps its value."""

    title: str | None = None
    need_ids: list[int] | None = None
    closes_on: dt.date | None = None
    reviewers: Annotated[int, bounds(OpenCall, "reviewers")] | None = None
    rubric: list[RubricItem] | None = None


class CallOut(Schema):
    id: int
    title: str
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    status: str
    closes_on: dt.date
    require_independent_legal_person: bool
    max_applications_per_applicant: int
    max_selected_per_need: int
    max_successful_per_need: int
    trim_extremes: bool
    trim_min_reviewers: int
    reviewers: int
    rubric: list[dict[str, Any]]
    rules: dict[str, Any]
    draw_id: int | None
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None


class ApplicationIn(Schema):
    need_id: int
    organisation_id: int
    proposal: str = ""


class ApplicationOut(Schema):
    id: int
    need_id: int
    applicant: str = Field(..., alias="applicant.name")
    status: str
    score: Decimal | None
    rank: int | None
    aggregation: dict[str, Any]


class ScoreIn(Schema):
    criteria: dict[str, Any]
    comment: str = ""


class ScoreOut(Schema):
    id: int
    application_id: int
    criteria: dict[str, Any]
    total: Decimal


class ObjectionIn(Schema):
    text: str = ""
    application_id: int | None = None


class AnswerIn(Schema):
    answer: str = ""


class ObjectionOut(Schema):
    id: int
    text: str
    answer: str
    answer_due_on: dt.date


class PilotOut(Schema):
    id: int
    need_id: int
    supplier: str = Field(..., alias="supplier.name")
    status: str
    owner_decision: str
    department_decision: str


class MilestoneIn(Schema):
    title: str = ""
    due_on: dt.date


class MeasurementIn(Schema):
    kpi_id: int
    value: Annotated[Decimal, bounds(Measurement, "value")]


class DecisionIn(Schema):
    accept: bool
    note: str = ""


class CaseIn(Schema):
    title: str = ""
    summary: str = ""


class CaseOut(Schema):
    id: int
    title: str
    summary: str
    domain: str
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    replication_count: int = 0


class ReplicateIn(Schema):
    organisation_id: int
    jurisdiction: str


class TermOut(Schema):
    term: str
    share: float
    need_forms: list[str]
    candidate_forms: list[str]


class FieldFitOut(Schema):
    name: str
    label: str
    value: float
    code: str
    detail: str


class ExclusionOut(Schema):
    constraint: str
    code: str
    label: str
    missing: list[str]
    detail: str


class ExplanationItemOut(Schema):
    """One reason: a stable code, its parameters (codes and figures, not prose) and the text in the request's
    language."""

    code: str
    params: dict[str, Any]
    text: str


class MatchOut(Schema):
    id: int
    name: str
    rank: int | None = None
    score: float
    strong: bool
    excluded: bool = False
    text_score: float
    terms: list[TermOut]
    fields: list[FieldFitOut]
    exclusions: list[ExclusionOut]
    items: list[ExplanationItemOut]
    explanation: list[str]


def _match_rows(ranked: list[dict[str, Any]], excluded: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    rows = []
    for is_excluded, group in ((False, ranked), (True, excluded)):
        for m in group:
            exp = m["explanation"]
            rows.append({"id": m[key].pk, "name": str(m[key]), "rank": m.get("rank"), "score": m["score"],
                         "strong": m["strong"], "excluded": is_excluded, "text_score": exp["text_score"],
                         "terms": exp["terms"], "fields": exp["fields"], "exclusions": exp["exclusions"],
                         "items": exp["items"], "explanation": exp["lines"]})
    return rows


lists.add_operation(router, "/needs", NEEDS, NeedOut, page_size=50, prefetch=("co_publishers",))


NEEDS_QUERY = NEEDS.query_schema()  # the facets count the needs that match the filters of /needs


@router.get("/needs/facets", response=FacetsOut)
def need_facets(request: HttpRequest, filters: Query[NEEDS_QUERY]) -> Any:  # type: ignore[valid-type]
    """Counts of the needs matching the same filters as /needs, by status, domain and jurisdiction."""
    raw = selectors.facets(NEEDS.rows(acting_user(request), filters))
    return {"status": [{"code": c, "count": n} for c, n in raw["status"]],
            "domain": [{"code": c, "count": n} for c, n in raw["domain"]],
            "jurisdiction": [{"code": c, "name": name, "count": n} for c, name, n in raw["jurisdiction"]]}


writes.add_action(router, "POST", "/needs", services.create_need, payload=NeedIn, response=NeedOut, created=True)


@router.post("/needs/import", response=imports.RESPONSES, auth=AUTHENTICATED)
def import_needs(request: HttpRequest, organisation_id: Form[int], jurisdiction: Form[str] = "",
                 file: UploadedFile | None = File(None)) -> Any:
    """Draft needs from an .xlsx laid out as the list export (multipart: `file`, `organisation_id`, optional
    `jurisdiction` code, by default the organisation's). Any bad row refuses the file (400, the report names each
    row and field); a need the organisation already has there under the same title is counted unchanged. Files
    over the import limit, or zips that would expand too far, are refused (413); a big file is imported in the
    background (202 with the job)."""
    core_imports.check_request_size(request)
    return imports.answer(excel.import_needs_file(
        acting_user=acting_user(request), data=core_imports.read_upload(file), organisation_id=organisation_id,
        jurisdiction=jurisdiction.strip() or None))


@router.get("/needs/{need_id}", response=NeedOut)
def get_need(request: HttpRequest, need_id: int) -> Any:
    return selectors.need(acting_user(request), need_id)


writes.add_action(router, "PUT", "/needs/{need_id}", services.update_need, payload=NeedUpdateIn, response=NeedOut,
                  partial=True, reply=writes.read_back(selectors.need),
                  description="Change a draft need; only the fields sent are changed (`kpis`, when sent, replaces the "
                  "list).")


writes.add_action(router, "POST", "/needs/{need_id}/transitions", services.transition_need, payload=TransitionIn,
                  response=NeedOut, reply=writes.read_back(selectors.need), name="need_transition")


@router.get("/needs/{need_id}/suppliers", response=list[MatchOut])
def need_suppliers(request: HttpRequest, need_id: int) -> Any:
    """Ranked suppliers for a published need, then the near candidates a hard constraint excluded."""
    need = selectors.need(acting_user(request), need_id)
    if need.status != "published":
        return []
    ranked, excluded = matching_index.suppliers_for(need, with_excluded=True)
    return _match_rows(ranked, excluded, "profile")


writes.add_action(router, "POST", "/needs/{need_id}/co-publishers", services.co_publish_need, payload=CoPublishIn,
                  response=NeedOut, reply=writes.read_back(selectors.need), name="co_publish")


@router.get("/taxonomy", response=TaxonomyOut)
def taxonomy(request: HttpRequest) -> Any:
    """The six domains with their sub-scenarios, Guangdong's categories and their mapping onto the domains."""
    return selectors.taxonomy()


lists.add_operation(router, "/lists", SCENARIO_LISTS, ListOut, paged=False)


writes.add_action(router, "POST", "/lists", services.publish_list, payload=ListIn, response=ListOut, created=True)


lists.add_operation(router, "/profiles", PROFILES, ProfileOut, page_size=50)


writes.add_action(router, "POST", "/profiles", services.save_profile, payload=ProfileIn, response=ProfileOut,
                  created=True)


@router.get("/profiles/{profile_id}/needs", response=list[MatchOut])
def profile_needs(request: HttpRequest, profile_id: int) -> Any:
    viewer = acting_user(request)
    profile = get_for(viewer, "view", selectors.profiles(viewer), pk=profile_id)
    ranked, excluded = matching_index.needs_for(profile, viewer, with_excluded=True)
    return _match_rows(ranked, excluded, "need")


writes.add_action(router, "PUT", "/profiles/{profile_id}", services.save_profile, payload=ProfileIn,
                  response=ProfileOut, name="update_profile")


@router.get("/pool", response=list[PoolOut])
def list_pool(request: HttpRequest) -> Any:
    return selectors.pool(acting_user(request))


writes.add_action(router, "POST", "/pool", services.apply_to_pool, payload=PoolIn, response=PoolOut, created=True)


writes.add_action(router, "POST", "/pool/{membership_id}/decision", services.decide_pool, payload=PoolDecisionIn,
                  response=PoolOut)


lists.add_operation(router, "/calls", CALLS, CallOut, paged=False)


writes.add_action(router, "POST", "/calls", services.create_call, payload=CallIn, response=CallOut, created=True)


@router.patch("/calls/{call_id}", response=CallOut, auth=AUTHENTICATED)
def update_call(request: HttpRequest, call_id: int, payload: CallPatch) -> Any:
    call = selectors.call(acting_user(request), call_id)
    given = payload.dict(exclude_unset=True)
    title: str = given["title"] if given.get("title") is not None else call.title
    need_ids: list[int] = given["need_ids"] if given.get("need_ids") is not None else [
        n.pk for n in call.needs.all()]
    return services.update_call(
        acting_user=acting_user(request), call_id=call_id, title=title, need_ids=need_ids,
        closes_on=given.get("closes_on") or call.closes_on, reviewers=given.get("reviewers") or call.reviewers,
        rubric=given.get("rubric") or call.rubric)


@router.get("/calls/{call_id}", response=CallOut)
def get_call(request: HttpRequest, call_id: int) -> Any:
    return selectors.call(acting_user(request), call_id)


writes.add_action(router, "POST", "/calls/{call_id}/transitions", services.transition_call, payload=TransitionIn,
                  response=CallOut, name="call_transition")


writes.add_action(router, "POST", "/calls/{call_id}/draw", services.draw_reviewers, response=CallOut, name="draw")


writes.add_action(router, "POST", "/calls/{call_id}/notice", services.start_notice, response=CallOut, name="notice")


writes.add_action(router, "POST", "/calls/{call_id}/award", services.award_call, response=CallOut, name="award")


@router.get("/calls/{call_id}/applications", response=list[ApplicationOut])
def call_applications(request: HttpRequest, call_id: int) -> Any:
    user = acting_user(request)
    return selectors.applications(user, selectors.call(user, call_id))


writes.add_action(router, "POST", "/calls/{call_id}/applications", services.apply_to_call, payload=ApplicationIn,
                  response=ApplicationOut, created=True, name="apply")


writes.add_action(router, "POST", "/applications/{application_id}/scores", services.submit_score, payload=ScoreIn,
                  response=ScoreOut, created=True, name="score")


writes.add_action(router, "POST", "/calls/{call_id}/objections", services.file_objection, payload=ObjectionIn,
                  response=ObjectionOut, created=True, name="object_")


writes.add_action(router, "POST", "/objections/{objection_id}/answer", services.answer_objection, payload=AnswerIn,
                  response=ObjectionOut, name="answer")


lists.add_operation(router, "/pilots", PILOTS, PilotOut, auth=AUTHENTICATED, paged=False)


@router.post("/pilots/{pilot_id}/milestones", response={201: dict}, auth=AUTHENTICATED)
def milestone(request: HttpRequest, pilot_id: int, payload: MilestoneIn) -> Any:
    m = services.add_milestone(acting_user=acting_user(request), pilot_id=pilot_id,
                               **payload.dict())
    return Status(201, {"id": m.pk, "title": m.title, "due_on": m.due_on.isoformat()})


@router.post("/pilots/{pilot_id}/measurements", response={201: dict}, auth=AUTHENTICATED)
def measurement(request: HttpRequest, pilot_id: int, payload: MeasurementIn) -> Any:
    m = services.record_measurement(acting_user=acting_user(request), pilot_id=pilot_id,
                                    kpi_id=payload.kpi_id, value=payload.value)
    return Status(201, {"id": m.pk, "kpi_id": m.kpi_id, "value": str(m.value), "met": m.met})


writes.add_action(router, "POST", "/pilots/{pilot_id}/acceptance", services.decide_acceptance, payload=DecisionIn,
                  response=PilotOut, name="acceptance")


writes.add_action(router, "POST", "/pilots/{pilot_id}/case", services.publish_case, payload=CaseIn, response=CaseOut,
                  created=True, name="case_from_pilot")


lists.add_operation(router, "/cases", CASES, CaseOut, paged=False)


writes.add_action(router, "POST", "/cases/{case_id}/replications", services.replicate_case, payload=ReplicateIn,
                  response=NeedOut, created=True, name="replicate")
