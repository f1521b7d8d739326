"""The support API under /api/v1/support/: the programme catalogue with its numbers and sources, the finder (each
programme evaluated for an organisation), applications (documents, formal check, decision, tranches) and budgets.
Every write is the page's service; every answer is the row read back through its selector."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict

from aiplus.api import imports as api_imports
from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED, OPTIONAL
from aiplus.core import imports as core_imports
from aiplus.core import signin
from aiplus.core.access import get_for
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.core.errors import NotFoundError
from aiplus.regulation.runtime import cite, cited_in_active_language
from aiplus.support import programmes, selectors, services
from aiplus.support.listings import APPLICATIONS, BUDGETS, NOTICES, REVIEWS
from aiplus.support.models import Application, Budget
from aiplus.support.views import evaluate_all, parameter_rows

router = Router(tags=["support"])


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ParameterOut(Schema):
    key: str
    value: str
    unit: str
    status: str
    source: str


class ProgrammeOut(Schema):
    code: str
    kind: str
    jurisdiction: str
    title: str
    summary: str
    source: str
    in_force: bool
    conditions: list[str]
    documents: list[dict[str, str]]
    exclusive_with: list[str]
    tranches: list[dict[str, str]]
    review: str
    parameters: list[ParameterOut]


def _programme_out(item: Any) -> dict[str, Any]:
    return {
        "code": item.code, "kind": item.kind, "jurisdiction": item.jurisdiction,
        "title": programmes.title(item.title), "summary": programmes.title(item.summary),
        "source": cite(item.citation.citation()),
        "in_force": programmes.in_force(item, timezone.localdate()),
        "conditions": [programmes.title(c.text) for c in item.eligibility],
        "documents": [{"code": d.code, "title": programmes.title(d.title)} for d in item.documents],
        "exclusive_with": list(item.stacking.exclusive_with),
        "tranches": [{"share": str(t.share), "title": programmes.title(t.title)} for t in item.tranches],
        "review": item.review,
        "parameters": [{"key": p.key, "value": str(p.value), "unit": p.unit, "status": p.status.value,
                        "source": cite(p.citation)} for p in parameter_rows(item)],
    }


@router.get("/programmes", response=list[ProgrammeOut])
def list_programmes(request: HttpRequest) -> Any:
    """The programme catalogue: conditions, documents, stacking, tranches and every number with its source."""
    return [_programme_out(p) for p in programmes.catalogue()]


@router.get("/programmes/{code}", response=ProgrammeOut)
def get_programme(request: HttpRequest, code: str) -> Any:
    """One programme of the catalogue."""
    found = programmes.programme(code)
    if found is None:
        raise NotFoundError()
    return _programme_out(found)


Money = Annotated[Decimal, bounds(Application, "declared_cny")]


class AnswersIn(_In):
    declared_cny: Money | None = None
    counterparty_affiliated: bool | None = None
    standard_level: Annotated[str, Field(max_length=20)] | None = None


class FinderIn(AnswersIn):
    organisation_id: int


class FinderOut(Schema):
    programme: str
    title: str
    outcome: str
    amount_cny: Decimal | None
    missing: list[str]
    why_not: list[str]
    decision: dict[str, Any]


@router.post("/finder", response=list[FinderOut], auth=AUTHENTICATED)
def find_programmes(request: HttpRequest, payload: FinderIn) -> Any:
    """What an organisation can get: each programme in force today with its decision (eligible, incomplete,
    ineligible), the estimated amount, what is still missing and why not. Reads only."""
    user = acting_user(request)
    organisation = get_for(user, "add", selectors.organisations_acting_for(user), pk=payload.organisation_id)
    answers = payload.dict(exclude={"organisation_id"})
    return [{"programme": r["programme"].code, "title": r["title"], "outcome": r["outcome"],
             "amount_cny": r["amount"], "missing": [str(m) for m in r["missing"]], "why_not": r["why_not"],
             "decision": cited_in_active_language(r["decision"].as_dict())}
            for r in evaluate_all(organisation, answers)]


class DocumentOut(Schema):
    code: str
    reference: str
    content_type: str
    size_bytes: int | None
    sha256: str
    problem: dict[str, str]  # why the file counts as missing ({"zh", "en"}); empty when it was accepted


class TrancheOut(Schema):
    id: int
    number: int
    accepted_at: dt.datetime | None
    milestone_zh: str
    milestone_en: str
    amount_cny: Decimal
    state: str
    paid_at: dt.datetime | None


class ApplicationOut(Schema):
    id: int
    title: str
    programme_code: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    status: str
    declared_cny: Decimal | None
    amount_cny: Decimal | None
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None


class ScoreOut(Schema):
    expert_id: int
    scores: dict[str, int]
    total: Decimal
    comment: str


class ObjectionOut(Schema):
    id: int
    text: str
    answer: str
    answered_at: dt.datetime | None


class ApplicationDetail(ApplicationOut):
    cost_ref: str
    panel_id: int | None
    notice_until: dt.date | None
    scores: list[ScoreOut]
    objections: list[ObjectionOut]
    facts: dict[str, Any]
    documents: list[DocumentOut]
    missing_notice: list[dict[str, str]]
    estimate: dict[str, Any]
    decision: dict[str, Any]
    decision_note: str
    clawback_reason: str
    tranches: list[TrancheOut]

    @staticmethod
    def resolve_documents(obj: Any) -> list[Any]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_tranches(obj: Any) -> list[Any]:
        return list(obj.tranches.all())

    @staticmethod
    def resolve_scores(obj: Any) -> list[Any]:
        return list(obj.scores.all())

    @staticmethod
    def resolve_objections(obj: Any) -> list[Any]:
        return list(obj.objections.all())

    @staticmethod
    def resolve_estimate(obj: Any) -> Any:
        return cited_in_active_language(obj.estimate)

    @staticmethod
    def resolve_decision(obj: Any) -> Any:
        return cited_in_active_language(obj.decision)


class BudgetOut(Schema):
    id: int
    programme_code: str
    year: int
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    amount_cny: Decimal
    left_cny: Decimal
    paid_cny: Decimal


lists.add_operation(router, "/applications", APPLICATIONS, ApplicationOut, auth=AUTHENTICATED)
lists.add_operation(router, "/budgets", BUDGETS, BudgetOut, auth=AUTHENTICATED)


@router.get("/applications/{application_id}", response=ApplicationDetail, auth=AUTHENTICATED)
def get_application(request: HttpRequest, application_id: int) -> Any:
    """An application with its documents, the one notice of what was missing, the engine's reasons and tranches."""
    return selectors.application(acting_user(request), application_id)


class ApplicationIn(AnswersIn):
    organisation_id: int
    programme_code: Annotated[str, Field(max_length=80)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    cost_ref: Annotated[str, Field(max_length=100)] = ""


class DocumentIn(_In):
    code: Annotated[str, Field(max_length=40)]
    reference: Annotated[str, Field(min_length=1, max_length=200)]


class DecisionIn(_In):
    approve: bool
    note: Annotated[str, Field(max_length=500)] = ""


class ClawbackIn(_In):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class BudgetIn(_In):
    programme_code: Annotated[str, Field(max_length=80)]
    year: Annotated[int, Field(ge=2000, le=2100)]
    amount_cny: Annotated[Decimal, bounds(Budget, "amount_cny")] | None = None


def _application_reply(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.application(user, getattr(result, "application_id", None) or result.pk)


writes.add_action(router, "POST", "/applications", services.create_application, payload=ApplicationIn,
                  response=ApplicationDetail, created=True, reply=_application_reply)
writes.add_action(router, "POST", "/applications/{application_id}/documents", services.add_document,
                  payload=DocumentIn, response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/applications/{application_id}/submit", services.submit_application,
                  response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/applications/{application_id}/examine", services.examine_application,
                  response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/applications/{application_id}/decision", services.decide_application,
                  payload=DecisionIn, response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/tranches/{tranche_id}/payment", services.pay_tranche,
                  response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/applications/{application_id}/claw-back", services.claw_back,
                  payload=ClawbackIn, response=ApplicationDetail, reply=_application_reply)


def _budget_reply(user: Any, result: Any, **ids: Any) -> Any:
    from aiplus.support.listings import budgets_with_figures

    return budgets_with_figures(user).get(pk=result.pk)


writes.add_action(router, "POST", "/budgets", services.open_budget, payload=BudgetIn, response=BudgetOut,
                  created=True, reply=_budget_reply)


class ScoreIn(Schema):
    model_config = ConfigDict(extra="forbid")
    scores: dict[Annotated[str, Field(max_length=40)], int]
    comment: Annotated[str, Field(max_length=1000)] = ""


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")
    answer: Annotated[str, Field(max_length=2000)]


class MilestoneIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[str, Field(max_length=500)]


class ObjectionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(max_length=2000)]
    website: Annotated[str, Field(max_length=200)] = ""  # the trap: people leave it empty


class NoticeOut(Schema):
    id: int
    title: str
    programme_code: str
    organisation: str = Field(..., alias="organisation.name")
    amount_cny: Decimal | None
    notice_until: dt.date | None


writes.add_action(router, "POST", "/applications/{application_id}/panel", services.draw_review_panel,
                  response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/applications/{application_id}/scores", services.score_application,
                  payload=ScoreIn, response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/objections/{objection_id}/answer", services.answer_objection,
                  payload=AnswerIn, response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/applications/{application_id}/final", services.finalise_award,
                  response=ApplicationDetail, reply=_application_reply)
writes.add_action(router, "POST", "/tranches/{tranche_id}/milestone", services.accept_milestone,
                  payload=MilestoneIn, response=ApplicationDetail, reply=_application_reply)


lists.add_operation(router, "/notices", NOTICES, NoticeOut, auth=OPTIONAL,
                    description="Awards under public notice (公示), to anyone: each may be objected to until its "
                                "notice ends.")
lists.add_operation(router, "/reviews", REVIEWS, ApplicationOut, auth=AUTHENTICATED,
                    description="The applications whose review panel the signed-in expert was drawn onto.")


@router.post("/notices/{application_id}/objections", response={201: ObjectionOut}, auth=OPTIONAL)
def object_to_award(request: HttpRequest, application_id: int, payload: ObjectionIn) -> Any:
    """Object to an award under public notice, signed in or anonymously. Abuse protection: the trap field
    `website` must be empty; a source sends a limited number of objections an hour (429)."""
    return Status(201, services.object_to_award(acting_user=acting_user(request), application_id=application_id,
                                                client_address=signin.client_ip(request), **payload.dict()))


@router.post("/applications/{application_id}/files", response=ApplicationDetail, auth=AUTHENTICATED)
def upload_document(request: HttpRequest, application_id: int, code: Form[str],
                    file: UploadedFile | None = File(None)) -> Any:
    """Upload one of the programme's documents (multipart `code`, `file`): over the upload limit is a 413 and
    nothing is kept; the file's type is read from its bytes, and an empty or wrong-type file is recorded with its
    reason (`documents[].problem`) and counts as missing at the formal check."""
    core_imports.check_request_size(request)
    user = acting_user(request)
    services.upload_document(acting_user=user, application_id=application_id, code=code[:40], file=file)
    return selectors.application(user, application_id)


@router.post("/awards/import", response=api_imports.RESPONSES, auth=AUTHENTICATED)
def import_awards(request: HttpRequest, programme_code: Form[str], year: Form[int],
                  file: UploadedFile | None = File(None)) -> Any:
    """Import a programme's award list for a year whose budget is open (multipart: `programme_code`, `year`,
    `file`, an .xlsx or a UTF-8 CSV with the columns 统一社会信用代码, 项目名称, 批准金额（元）, 费用凭证编号). Any bad
    row refuses the file (400, the report names each row and column); an award already imported is counted
    unchanged; over the import limit or a zip bomb is a 413; a big file is imported in the background (202)."""
    from aiplus.support import awards

    core_imports.check_request_size(request)
    return api_imports.answer(awards.import_awards_file(
        acting_user=acting_user(request), data=core_imports.read_upload(file), programme_code=programme_code[:80],
        year=year))


# policy simulation (issue 16 §5): its own module, mounted here
from aiplus.support.simulation_api import router as simulation_router  # noqa: E402

router.add_router("", simulation_router)
