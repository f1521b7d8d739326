"""The registers' API under /api/v1/algorithms/: lists (the pages' rows and filters), one row, and the writes.

A model's serving endpoint is in its detail only, and there only for its owner's members (`endpoint_url` is null
for everyone else); no list carries it."""


import base64
import datetime as dt
import inspect
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict, create_model

from aiplus.algorithms import aigc, dossier_pdf, selectors, services
from aiplus.algorithms.listings import (
    ALGORITHMS,
    FILINGS,
    HARDWARE,
    MODELS,
    PROJECTS,
    UNLABELLED_EXPORTS,
    UPLOAD_CHECKS,
)
from aiplus.algorithms.models import (
    AIModel,
    FilingKind,
    FilingStatus,
    GenAIFunction,
    Hardware,
    HardwareKind,
    Hosting,
    ModelKind,
    OpenSourceProject,
    SecurityAssessment,
    ServiceForm,
    UploadAction,
    Verdict,
)
from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED, OPTIONAL
from aiplus.core import imports as core_imports
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.core.lists import Listing
from aiplus.core.vocabularies import Modality
from aiplus.regulation.runtime import cite

router = Router(tags=["algorithms"])

Name = Annotated[str, Field(min_length=1, max_length=200)]
Short = Annotated[str, Field(max_length=200)]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a 422 naming it, never silently dropped


class _Out(Schema):
    id: int
    name: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    is_published: bool
    updated_at: dt.datetime


class PublishIn(_In):
    is_published: bool


def _routes(path: str, noun: str, listing: Listing, out: type[_Out], create_in: type[_In],
            one: Callable[[Any, int], Any], create: Callable[..., Any], update: Callable[..., Any],
            publish: Callable[..., Any], *, detail: type[_Out] | None = None, prefetch: tuple[str, ...] = ()) -> None:
    """A register's operations: its list (the page's rows and filters), one row (`get_<noun>`), create, update
    (PATCH) and publish; every answer is the row read back through its selector, as the caller may see it."""
    detail = detail or out
    key = f"{noun}_id"

    def reply(user: Any, result: Any, **ids: Any) -> Any:
        return one(user, result.pk)

    def get(request: HttpRequest, **ids: Any) -> Any:
        return one(request.user, ids[key])

    get.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
        inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, annotation=int)])
    get.__name__ = f"get_{noun}"
    lists.add_operation(router, path, listing, out, auth=OPTIONAL, prefetch=prefetch)
    router.get(f"{path}/{{{key}}}", response=detail, auth=OPTIONAL)(get)
    writes.add_action(router, "POST", path, create, payload=create_in, response=detail, created=True, reply=reply)
    writes.add_action(router, "PATCH", f"{path}/{{{key}}}", update, payload=_patch(create_in, f"{noun.title()}Patch"),
                      response=detail, partial=True, reply=reply)
    writes.add_action(router, "POST", f"{path}/{{{key}}}/publish", publish, payload=PublishIn, response=detail,
                      reply=reply)


def _patch(create: type[_In], name: str) -> Any:
    """The PATCH body of a register: the create body's fields and constraints, each optional (absent: unchanged),
    but the owner organisation, which does not change."""
    fields: dict[str, Any] = {}
    for key, info in create.model_fields.items():
        if key != "organisation_id":
            kind: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            fields[key] = (kind | None, None)
    return create_model(name, __base__=_In, **fields)


# --- models -----------------------------------------------------------------------------------------------------

class ModelOut(_Out):
    kind: str
    base_model_id: int | None  # null where the caller may not see the base model

    @staticmethod
    def resolve_base_model_id(obj: Any) -> int | None:
        return obj.base_model_id if getattr(obj, "base_model_name", None) else None

    modalities: list[str]
    parameters_billion: Decimal | None
    licence: str
    open_weights: bool
    summary: str
    filing_status: str
    filing_number: str


class EvaluationReportOut(Schema):
    """A signed evaluation report of the model, as its register page lists it."""
    id: int
    issued_on: dt.date
    plan: str
    outcome: str | None
    payload_sha256: str
    pdf_url: str
    verify_url: str


class ModelDetailOut(ModelOut):
    # null unless the caller is a member of the owner organisation
    endpoint_url: str | None = None
    # the signed reports of runs on endpoints linked to the model, only those the caller may open
    evaluation_reports: list[EvaluationReportOut] = []

    @staticmethod
    def resolve_endpoint_url(obj: Any) -> str | None:
        return getattr(obj, "shown_endpoint", "") or None

    @staticmethod
    def resolve_evaluation_reports(obj: Any, context: Any) -> list[dict[str, Any]]:
        from django.urls import reverse
        from django.utils import timezone

        from aiplus.evaluation.selectors import reports_of_models

        return [{"id": r.pk, "issued_on": timezone.localdate(r.created_at), "plan": r.run.plan,
                 "outcome": r.outcome, "payload_sha256": r.payload_sha256,
                 "pdf_url": reverse("api:download_report", args=[r.pk]),
                 "verify_url": reverse("evaluation:verify")}
                for r in reports_of_models(acting_user(context["request"]), [obj.pk])]


class ModelIn(_In):
    organisation_id: int
    name: Name
    kind: ModelKind
    base_model_id: int | None = None
    modalities: list[Modality] = []
    parameters_billion: Annotated[Decimal, bounds(AIModel, "parameters_billion")] | None = None
    licence: Annotated[str, Field(max_length=100)] = ""
    open_weights: bool = False
    summary: Annotated[str, Field(max_length=5000)] = ""
    endpoint_url: Annotated[str, Field(max_length=300)] = ""
    filing_status: FilingStatus = FilingStatus.NOT_FILED
    filing_number: Annotated[str, Field(max_length=80)] = ""
    is_published: bool = False


_routes("/models", "model", MODELS, ModelOut, ModelIn, selectors.model, services.create_model, services.update_model,
        services.publish_model, detail=ModelDetailOut)  # the detail, as the caller may see it: the endpoint


# --- algorithms -------------------------------------------------------------------------------------------------

class AlgorithmOut(_Out):
    algorithm_type: str
    application_field: str
    service_name: str
    mechanism_summary: str
    model_id: int | None  # null where the caller may not see the model

    @staticmethod
    def resolve_model_id(obj: Any) -> int | None:
        return obj.model_id if getattr(obj, "model_name", None) else None


class AlgorithmIn(_In):
    organisation_id: int
    name: Name
    algorithm_type: Annotated[str, Field(max_length=40, description="a code of the packs' algorithm_types")]
    application_field: Annotated[str, Field(max_length=120)] = ""
    service_name: Short = ""
    mechanism_summary: Annotated[str, Field(max_length=5000)] = ""
    model_id: int | None = None
    is_published: bool = False


_routes("/algorithms", "algorithm", ALGORITHMS, AlgorithmOut, AlgorithmIn, selectors.algorithm,
        services.create_algorithm, services.update_algorithm, services.publish_algorithm)


# --- hardware ---------------------------------------------------------------------------------------------------

class HardwareOut(_Out):
    kind: str
    vendor: str
    domestic: bool
    fp16_tflops: Decimal | None
    memory_gb: int | None
    summary: str
    pool_ids: list[int]
    model_ids: list[int]

    @staticmethod
    def resolve_pool_ids(obj: Any) -> list[int]:
        return [pool.pk for pool in obj.pools.all()]

    @staticmethod
    def resolve_model_ids(obj: Any) -> list[int]:
        return [model.pk for model in getattr(obj, "visible_models", [])]  # those the caller may see


class HardwareIn(_In):
    organisation_id: int
    name: Name
    kind: HardwareKind
    vendor: Name
    domestic: bool = False
    fp16_tflops: Annotated[Decimal, bounds(Hardware, "fp16_tflops")] | None = None
    memory_gb: Annotated[int, bounds(Hardware, "memory_gb")] | None = None
    summary: Annotated[str, Field(max_length=5000)] = ""
    pool_ids: list[int] = []
    model_ids: list[int] = []
    is_published: bool = False


_routes("/hardware", "hardware", HARDWARE, HardwareOut, HardwareIn, selectors.hardware, services.create_hardware,
        services.update_hardware, services.publish_hardware, prefetch=("pools",))


# --- open-source projects ---------------------------------------------------------------------------------------

class ProjectOut(_Out):
    repository_url: str
    licence: str
    summary: str
    support_received: str
    support_amount_cny: Decimal | None


class ProjectIn(_In):
    organisation_id: int
    name: Name
    repository_url: Annotated[str, Field(min_length=1, max_length=300)]
    licence: Annotated[str, Field(min_length=1, max_length=100, description="an SPDX identifier or expression")]
    summary: Annotated[str, Field(max_length=5000)] = ""
    support_received: Annotated[str, Field(max_length=5000)] = ""
    support_amount_cny: Annotated[Decimal, bounds(OpenSourceProject, "support_amount_cny")] | None = None
    is_published: bool = False


_routes("/projects", "project", PROJECTS, ProjectOut, ProjectIn, selectors.project, services.create_project,
        services.update_project, services.publish_project)



class LabelReasonOut(Schema):
    code: str
    params: dict[str, Any]
    text: str


class LabelVerdictOut(Schema):
    file: str
    format: str
    status: str = Field(..., description="valid, unsealed, unverifiable, tampered, invalid or unlabelled")
    status_text: str
    label: dict[str, str] | None
    location: str | None
    reasons: list[LabelReasonOut]
    keyed: bool = Field(..., description="whether the platform checks seals with its HMAC key")


@router.post("/labels/verify", response=LabelVerdictOut, auth=OPTIONAL)
def verify_label(request: HttpRequest, file: UploadedFile | None = File(None)) -> Any:
    """Whether an uploaded file carries the AIGC implicit label (GB 45438-2025 附录E) and whether its seal holds,
    with each finding in the request's language; the file is not stored. A file the engine refuses is a 422 naming
    `file`, one over the upload limit a 413."""
    core_imports.check_request_size(request)
    return aigc.check(file)



@router.post("/labels/write", auth=AUTHENTICATED, response={200: bytes})
def write_label(request: HttpRequest, label: Form[str], producer: Form[str], produce_id: Form[str],
                file: UploadedFile | None = File(None)) -> Any:
    """The uploaded file with its implicit label (GB 45438-2025 附录E) written and sealed, as a download (its
    Content-Disposition names it); a label that breaks Annex E is a 422 naming `label`, `producer` or
    `produce_id`, a file the engine refuses a 422 naming `file`."""
    core_imports.check_request_size(request)
    name, data, _result = aigc.labelled(file, label=label[:10], producer=producer[:200], produce_id=produce_id[:200])
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, f"aigc-{name}")
    return response


# --- algorithm filing dossiers ------------------------------------------------------------------------------------

class FilingOut(Schema):
    id: int
    kind: FilingKind
    subject: str = Field(..., alias="subject_name")  # the algorithm, or the generative-AI service
    algorithm_id: int | None
    model_id: int | None
    algorithm_type: str | None
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    status: str
    service_form: str
    access_path: str
    launched_on: dt.date
    filing_number: str
    submitted_at: dt.datetime | None
    filed_on: dt.date | None
    change_on: dt.date | None
    ended_on: dt.date | None
    due_on: dt.date | None
    overdue: bool
    clock: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_algorithm_type(obj: Any) -> str | None:
        return obj.algorithm.algorithm_type if obj.algorithm_id else None


class FindingOut(Schema):
    clause: str
    verdict: Verdict
    evidence: str


class FilingDetailOut(FilingOut):
    legal_representative: str
    security_officer: str
    pledge_provided: bool
    responsibility_report_provided: bool
    self_assessment: str
    public_notice: str
    service_name: str
    main_functions: list[GenAIFunction]
    application_domain: str
    corpus_summary: str
    annotation_rules_provided: bool
    keyword_library_provided: bool
    test_banks_provided: bool
    security_assessment: str
    security_assessment_summary: str
    inference_resources: str
    hosting: str
    called_model_filing_number: str
    findings: list[FindingOut]  # a launch filing's conformity table (GB/T 45654-2025 chapters 5–8)
    clock_basis: dict[str, Any]  # the parameter, its value and citation the clock was computed from
    missing: list[str]  # the fields still missing before submission, in the page's order

    @staticmethod
    def resolve_findings(obj: Any) -> list[Any]:
        return list(obj.findings.all())

    @staticmethod
    def resolve_missing(obj: Any) -> list[str]:
        return [name for name, _message in services.missing_items(obj)]


Person = Annotated[str, Field(max_length=100)]
LongText = Annotated[str, Field(max_length=20000)]
Line = Annotated[str, Field(max_length=300)]
Number = Annotated[str, Field(max_length=80)]


class FilingPatch(_In):
    """The dossier's fields, each optional: a change names only what it changes. A field of another kind of
    dossier is refused, naming the field."""

    launched_on: dt.date | None = None
    legal_representative: Person | None = None
    security_officer: Person | None = None
    pledge_provided: bool | None = None
    responsibility_report_provided: bool | None = None
    self_assessment: LongText | None = None
    public_notice: LongText | None = None
    service_form: ServiceForm | None = None
    access_path: Line | None = None
    service_name: Short | None = None
    main_functions: list[GenAIFunction] | None = None
    application_domain: Annotated[str, Field(max_length=120)] | None = None
    corpus_summary: LongText | None = None
    annotation_rules_provided: bool | None = None
    keyword_library_provided: bool | None = None
    test_banks_provided: bool | None = None
    security_assessment: SecurityAssessment | None = None
    security_assessment_summary: LongText | None = None
    inference_resources: Line | None = None
    hosting: Hosting | None = None
    called_model_filing_number: Number | None = None


class FilingIn(FilingPatch):
    """A new dossier: `kind` says what it files (an algorithm by `algorithm_id`; a model by `model_id` for a launch
    filing or, for a registration, the filed model the service calls, with the providing `organisation_id` when
    the caller acts for several) and `launched_on` starts its clock."""

    kind: FilingKind = FilingKind.ALGORITHM
    algorithm_id: int | None = None
    model_id: int | None = None
    organisation_id: int | None = None
    launched_on: dt.date  # type: ignore[assignment]  # required here, optional in a change


class FindingIn(_In):
    clause: Annotated[str, Field(min_length=1, max_length=20)]
    verdict: Verdict
    evidence: Annotated[str, Field(max_length=5000)] = ""


class FindingsIn(_In):
    findings: Annotated[list[FindingIn], Field(min_length=1, max_length=100)]


class FilingNumberIn(_In):
    filing_number: Annotated[str, Field(min_length=1, max_length=80)]
    filed_on: dt.date | None = None


class FilingChangeIn(_In):
    change_on: dt.date


class FilingEndIn(_In):
    ended_on: dt.date


def _filing_back(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.filing(user, result.pk)


class TargetOut(Schema):
    jurisdiction: str
    year: int
    target: int
    count: int
    gap: int
    citation: str  # the target's source; a platform setting reads as one


@router.get("/filings/targets", response=list[TargetOut])
def genai_filing_targets(request: HttpRequest) -> Any:
    """Each national generative-AI filing target of a place the caller officiates or audits, with today's count
    (launch filings and generation-and-synthesis algorithm filings holding a number, not deregistered)."""
    return [{"jurisdiction": row["jurisdiction"].code, "year": row["year"], "target": row["target"],
             "count": row["count"], "gap": row["gap"], "citation": cite(row["parameter"].citation)}
            for row in selectors.genai_filing_targets(request.user)]


@router.get("/filings/{filing_id}/dossier.pdf", auth=AUTHENTICATED)
def filing_dossier(request: HttpRequest, filing_id: int) -> HttpResponse:
    """The dossier as a printable PDF, for whoever may see it."""
    return dossier_pdf.response(selectors.filing(request.user, filing_id))


@router.get("/filings/{filing_id}", response=FilingDetailOut)
def get_filing(request: HttpRequest, filing_id: int) -> Any:
    """One filing dossier with its checklist (`missing`) and the basis of its open clock."""
    return selectors.filing(request.user, filing_id)


lists.add_operation(router, "/filings", FILINGS, FilingOut)
writes.add_action(router, "POST", "/filings", services.create_filing, payload=FilingIn, response=FilingDetailOut,
                  created=True, reply=_filing_back, partial=True)  # a field not given is not a field of its kind
writes.add_action(router, "PUT", "/filings/{filing_id}/findings", services.record_findings, payload=FindingsIn,
                  response=FilingDetailOut, reply=_filing_back)
writes.add_action(router, "PATCH", "/filings/{filing_id}", services.update_filing, payload=FilingPatch,
                  response=FilingDetailOut, partial=True, reply=_filing_back)
writes.add_action(router, "POST", "/filings/{filing_id}/submit", services.submit_filing,
                  response=FilingDetailOut, reply=_filing_back)
writes.add_action(router, "POST", "/filings/{filing_id}/number", services.record_filing_number,
                  payload=FilingNumberIn, response=FilingDetailOut, reply=_filing_back)
writes.add_action(router, "POST", "/filings/{filing_id}/change", services.report_change, payload=FilingChangeIn,
                  response=FilingDetailOut, reply=_filing_back)
writes.add_action(router, "POST", "/filings/{filing_id}/deregister", services.deregister_filing,
                  payload=FilingEndIn, response=FilingDetailOut, reply=_filing_back)


# --- AIGC labels at a distribution platform -----------------------------------------------------------------------

class UploadCheckOut(Schema):
    id: int
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    file_name: str
    file_format: str
    file_sha256: str
    propagate_id: str
    declared_generated: bool
    detected: bool
    found_status: str  # the file's own label as the engine found it (valid, unsealed, tampered, unlabelled, …)
    action: UploadAction
    label: dict[str, str]  # the label written back, with the platform as ContentPropagator ({} when none)
    reasons: list[dict[str, Any]]
    review: str  # "pending", "generated", "not_generated", or "" when no review is needed
    review_note: str
    reviewed_at: dt.datetime | None
    created_at: dt.datetime


class UploadCheckedOut(UploadCheckOut):
    labelled_file_base64: str | None  # the file with the label it must carry; null when nothing was written


class UploadReviewIn(_In):
    outcome: Literal["generated", "not_generated"]
    note: Annotated[str, Field(max_length=2000)] = ""


class UnlabelledExportOut(Schema):
    id: int
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    recipient: str
    recipient_account: str
    content_ref: str
    content_sha256: str
    agreement_sets_duty: bool
    retain_until: dt.date
    retention_basis: dict[str, Any]  # the parameter, its value and citation the retention was computed from
    created_at: dt.datetime


class UnlabelledExportIn(_In):
    organisation_id: int | None = None
    recipient: Annotated[str, Field(min_length=1, max_length=200)]
    recipient_account: Annotated[str, Field(min_length=1, max_length=200)]
    content_ref: Annotated[str, Field(min_length=1, max_length=300)]
    content_sha256: Annotated[str, Field(pattern=r"^([0-9a-fA-F]{64})?$")] = ""
    agreement_sets_duty: bool = False


@router.post("/labels/uploads", auth=AUTHENTICATED, response={201: UploadCheckedOut})
def check_upload(request: HttpRequest, declared_generated: Form[bool] = False, detected: Form[bool] = False,
                 propagate_id: Form[str] = "", organisation_id: Form[int | None] = None,
                 file: UploadedFile | None = File(None)) -> Any:
    """A distribution platform checks an upload (人工智能生成合成内容标识办法 Art. 6): what the file carried, what the
    uploader declared and what the platform detected decide the action; the answer has the record and the file
    with the label it must carry (base64), the platform named as ContentPropagator. The file is not stored."""
    core_imports.check_request_size(request)
    user = acting_user(request)
    check, data = services.check_upload(acting_user=user, upload=file, organisation_id=organisation_id,
                                        declared_generated=declared_generated, detected=detected,
                                        propagate_id=propagate_id)
    row = selectors.upload_checks(user).get(pk=check.pk)
    row.labelled_file_base64 = base64.b64encode(data).decode("ascii") if data else None  # type: ignore[attr-defined]
    return Status(201, row)


lists.add_operation(router, "/labels/uploads", UPLOAD_CHECKS, UploadCheckOut)
writes.add_action(router, "POST", "/labels/uploads/{check_id}/review", services.review_upload,
                  payload=UploadReviewIn, response=UploadCheckOut,
                  reply=lambda user, result, **ids: selectors.upload_checks(user).get(pk=result.pk))
lists.add_operation(router, "/labels/exports", UNLABELLED_EXPORTS, UnlabelledExportOut)
writes.add_action(router, "POST", "/labels/exports", services.log_unlabelled_export, payload=UnlabelledExportIn,
                  response=UnlabelledExportOut, created=True)
