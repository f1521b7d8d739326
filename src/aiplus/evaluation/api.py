"""The question-bank API under /api/v1/evaluation/: banks (public, counts only), evaluators, the import through a
mapping (multipart: the file, a shipped mapping's name or a mapping file, an answers file), items (evaluators of the
bank's organisation only), review, publishing, the next version, and a version's coverage. Every write is the
page's service."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import ConfigDict

from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED
from aiplus.core import imports
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.core.errors import ServiceError
from aiplus.evaluation import results, run_services, selectors, services, standard
from aiplus.evaluation.listings import BANKS, ITEMS
from aiplus.evaluation.models import Endpoint, Run

router = Router(tags=["evaluation"])


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class BankOut(Schema):
    id: int
    name: str
    kind: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    description: str


class VersionOut(Schema):
    id: int
    number: int
    status: str
    published_at: dt.datetime | None
    digest: str
    total: int
    approved: int
    candidates: int
    rejected: int
    unmapped: int


class BankDetail(BankOut):
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: Any) -> list[Any]:
        return selectors.versions(obj)


class ItemOut(Schema):
    id: int
    version_id: int
    external_id: str
    text: str
    kind: str
    risk_code: str
    source_category: str
    options: list[str]
    answer: int | None
    source: str
    licence: str
    status: str
    author_id: int | None
    reviewed_by_id: int | None


class EvaluatorOut(Schema):
    id: int
    organisation_id: int
    user_id: int


class BankIn(_In):
    organisation_id: int
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Annotated[str, Field(max_length=20)]
    description: Annotated[str, Field(max_length=2000)] = ""


class EvaluatorIn(_In):
    organisation_id: int
    user_id: int


class ReviewIn(_In):
    item_ids: Annotated[list[int], Field(min_length=1, max_length=5000)]
    decision: Annotated[str, Field(max_length=12)]
    risk_code: Annotated[str, Field(max_length=40)] = ""


class RiskRowOut(Schema):
    code: str
    category: str
    name: str
    count: int
    required: int
    met: bool
    short_by: int


class CoverageOut(Schema):
    version_id: int
    kind: str
    total: int
    required_total: int | None
    total_met: bool
    met: bool
    unmapped: int
    short_risks: list[str]
    risks: list[RiskRowOut]
    parameters: list[dict[str, Any]]


class UnmappedOut(Schema):
    row: int | str
    id: str
    category: str


class BankImportOut(Schema):
    kind: str
    read: int
    created: int
    updated: int
    unchanged: int
    rejected: list[dict[str, Any]]
    batches: int
    counts: dict[str, int]
    unmapped: list[UnmappedOut]


lists.add_operation(router, "/banks", BANKS, BankOut)
lists.add_operation(router, "/items", ITEMS, ItemOut, auth=AUTHENTICATED)


@router.get("/banks/{bank_id}", response=BankDetail)
def get_bank(request: HttpRequest, bank_id: int) -> Any:
    """A bank with its versions and their item counts (public: no item text)."""
    return selectors.bank(acting_user(request), bank_id)


def _bank_reply(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.bank(user, getattr(result, "bank_id", None) or result.pk)


writes.add_action(router, "POST", "/banks", services.create_bank, payload=BankIn, response=BankDetail,
                  created=True, reply=_bank_reply)
writes.add_action(router, "POST", "/evaluators", services.designate_evaluator, payload=EvaluatorIn,
                  response=EvaluatorOut, created=True)
writes.add_action(router, "POST", "/versions/{version_id}/review", services.review_items, payload=ReviewIn,
                  response=BankDetail, reply=_bank_reply)
writes.add_action(router, "POST", "/versions/{version_id}/publish", services.publish_version,
                  response=BankDetail, reply=_bank_reply)
writes.add_action(router, "POST", "/banks/{bank_id}/versions", services.start_version, response=BankDetail,
                  created=True, reply=_bank_reply)


@router.post("/banks/{bank_id}/import", response=BankImportOut, auth=AUTHENTICATED)
def import_bank(request: HttpRequest, bank_id: int, file: UploadedFile | None = File(None),
                mapping: Form[str] = "", mapping_file: UploadedFile | None = File(None),
                answers_file: UploadedFile | None = File(None)) -> Any:
    """Import a file into the bank's draft version through a mapping: `mapping` names a shipped one
    (jade_db_zh, cvalues_responsibility, safetybench_zh), or `mapping_file` is a YAML mapping; `answers_file` gives
    a closed-form set's answers. Checked whole first (400 with every bad row, nothing written); unmapped rows are
    imported without a risk and listed in `unmapped`. Over the size limit: 413."""
    imports.check_request_size(request)
    report = services.import_bank_file(
        acting_user=acting_user(request), bank_id=bank_id, data=imports.read_upload(file, "file"),
        mapping=mapping or "", file_name=(file.name if file is not None else "") or "",
        mapping_file=imports.read_upload(mapping_file, "mapping_file") if mapping_file else None,
        answers_file=imports.read_upload(answers_file, "answers_file") if answers_file else None)
    record = selectors.bank(acting_user(request), bank_id).versions.order_by("-number").first()
    last = record.imports.first() if record is not None else None
    return {**report.as_dict(), "unmapped": (last.report.get("unmapped", []) if last is not None else [])}


@router.get("/versions/{version_id}/coverage", response=CoverageOut)
def get_coverage(request: HttpRequest, version_id: int) -> Any:
    """A version's approved items per Appendix A risk against the standard's minimums (pack parameters): met or
    short, by risk. Counts only: public."""
    version = selectors.version(acting_user(request), version_id)
    report = selectors.coverage_of(version)
    names = {r.code: r for r in standard.risks()}
    return {"version_id": version.pk, "kind": version.bank.kind, "total": report.total,
            "required_total": report.required_total, "total_met": report.total_met, "met": report.met,
            "unmapped": report.unmapped, "short_risks": [r.code for r in report.short_risks],
            "risks": [{"code": r.code, "category": r.category, "name": names[r.code].name, "count": r.count,
                       "required": r.required, "met": r.met, "short_by": r.short_by} for r in report.rows],
            "parameters": [{"key": p.key, "value": str(p.value), "status": p.status}
                           for p in standard.parameter_versions(version.bank.kind)]}


# -- runs (issue 14 §2) ------------------------------------------------------------------------------------------

class EndpointIn(_In):
    organisation_id: int
    name: Annotated[str, Field(min_length=1, max_length=200)]
    url: Annotated[str, Field(min_length=1, max_length=300)]
    model_name: Annotated[str, Field(min_length=1, max_length=200)]
    secret: Annotated[str, Field(max_length=500)] = ""
    rate_per_minute: Annotated[int, bounds(Endpoint, "rate_per_minute")] = 600
    concurrency: Annotated[int, bounds(Endpoint, "concurrency")] = 1
    timeout_seconds: Annotated[int, bounds(Endpoint, "timeout_seconds")] = 30
    retries: Annotated[int, bounds(Endpoint, "retries")] = 2
    max_tokens: Annotated[int, bounds(Endpoint, "max_tokens")] = 256
    ai_model_id: int | None = None


class EndpointOut(Schema):
    """Never the secret key: only whether one is stored."""
    id: int
    organisation_id: int
    name: str
    url: str
    model_name: str
    has_secret: bool
    rate_per_minute: int
    concurrency: int
    timeout_seconds: int
    retries: int
    max_tokens: int
    ai_model_id: int | None


class RunIn(_In):
    plan: Annotated[str, Field(max_length=20)]
    version_id: int
    sample_size: Annotated[int, bounds(Run, "sample_size")]
    seed: Annotated[int, bounds(Run, "seed")] = 0
    keyword_version_id: int | None = None
    judge_endpoint_id: int | None = None


class RunOut(Schema):
    id: int
    endpoint_id: int
    plan: str
    version_id: int
    sample_size: int
    seed: int
    status: str
    outcome: str
    job_id: int | None
    results: dict[str, Any]
    message: str


class RunItemOut(Schema):
    id: int
    position: int
    item_id: int
    risk_code: str
    status: str
    answer: str
    error: str
    attempts: int
    judged_passed: bool | None
    human_passed: bool | None
    disputed: bool
    judges: dict[str, Any]


class RunItemReviewIn(_In):
    passed: bool
    note: Annotated[str, Field(max_length=500)] = ""


class ReportOut(Schema):
    id: int
    run_id: int
    payload_sha256: str
    pdf_sha256: str
    signature: str
    payload: dict[str, Any]


class VerifyOut(Schema):
    found: bool
    valid: bool
    report_id: int | None = None
    payload_sha256: str = ""
    pdf_sha256: str = ""
    payload: dict[str, Any] | None = None


class CompareOut(Schema):
    before: int
    after: int
    common: int
    regressions: list[int]
    fixes: list[int]
    unchanged: int


def _run_reply(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.run(user, getattr(result, "run_id", None) or result.pk)


@router.get("/endpoints", response=list[EndpointOut], auth=AUTHENTICATED)
def list_endpoints(request: HttpRequest) -> Any:
    """The systems under test the caller may see (evaluators and members of their organisation)."""
    return list(selectors.endpoints(acting_user(request))[:500])


writes.add_action(router, "POST", "/endpoints", run_services.register_endpoint, payload=EndpointIn,
                  response=EndpointOut, created=True)
writes.add_action(router, "POST", "/endpoints/{endpoint_id}/runs", run_services.start_run, payload=RunIn,
                  response=RunOut, created=True, reply=_run_reply)
writes.add_action(router, "POST", "/runs/{run_id}/resume", run_services.resume_run, response=RunOut,
                  reply=_run_reply)
writes.add_action(router, "POST", "/run-items/{run_item_id}/review", run_services.review_run_item,
                  payload=RunItemReviewIn, response=RunItemOut)
writes.add_action(router, "POST", "/runs/{run_id}/reports", run_services.issue_report, response=ReportOut,
                  created=True)


@router.get("/runs/{run_id}", response=RunOut, auth=AUTHENTICATED)
def get_run(request: HttpRequest, run_id: int) -> Any:
    """A run with its results: the plan's rate, Wilson interval and verdict, and the same per risk."""
    return selectors.run(acting_user(request), run_id)


@router.get("/runs/{run_id}/items", response=list[RunItemOut], auth=AUTHENTICATED)
def list_run_items(request: HttpRequest, run_id: int, disputed: bool = False) -> Any:
    """The run's items (answers, each judge's verdict and version, the human review); `disputed` for those only."""
    return selectors.run_items(selectors.run(acting_user(request), run_id), disputed_only=disputed, limit=20000)


@router.get("/runs/{run_id}/compare/{other_id}", response=CompareOut, auth=AUTHENTICATED)
def compare_runs(request: HttpRequest, run_id: int, other_id: int) -> Any:
    """Re-test: item by item against an earlier run of the same endpoint and plan (`run_id` the earlier)."""
    user = acting_user(request)
    before, after = selectors.run(user, run_id), selectors.run(user, other_id)
    run_services.check_comparable(before, after)
    return {"before": before.pk, "after": after.pk, **results.compare(before, after)}


@router.get("/reports/{report_id}/pdf", auth=AUTHENTICATED)
def download_report(request: HttpRequest, report_id: int) -> HttpResponse:
    """The signed report's PDF."""
    from aiplus.evaluation.views import pdf_response

    return pdf_response(selectors.report(acting_user(request), report_id))


@router.post("/reports/verify", response=VerifyOut, auth=None)
def verify_report(request: HttpRequest, file: UploadedFile | None = File(None), digest: Form[str] = "") -> Any:
    """Anyone verifies a report: the PDF, or its SHA-256 (of the file or of the payload). `valid` says the
    platform's signature holds over the stored payload."""
    data = imports.read_upload(file, "file") if file is not None else None
    if data is None and len(str(digest or "")) > 64:
        raise ServiceError("too_long", _("摘要为 64 位十六进制字符。"), "digest")
    report, valid = results.verify(data=data, digest=digest or "")
    if report is None:
        return {"found": False, "valid": False}
    return {"found": True, "valid": valid, "report_id": report.pk, "payload_sha256": report.payload_sha256,
            "pdf_sha256": report.pdf_sha256, "payload": report.payload}
