"""The datahub API: catalogue with search and facets, DCAT-AP, access requests, cross-border decisions and records,
GBA filings, classification. The engine's pydantic models are the body types, so OpenAPI publishes its schema."""


import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, JsonResponse
from ninja import Body, Field, File, Query, Router, Schema, Status, UploadedFile

from aiplus.api import imports, lists, writes
from aiplus.api.auth import AUTHENTICATED, OPTIONAL
from aiplus.core import imports as core_imports
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.datahub import assessments, selectors, services
from aiplus.datahub.crossborder import GbaContractCase, TransferCase
from aiplus.datahub.listings import ACCESS_REQUESTS, ASSETS, CATALOGUE, FILINGS, SERVICES
from aiplus.datahub.models import (
    AccessRequest,
    DataAsset,
    Dataset,
    Distribution,
    Modality,
    OpenAttribute,
    UpdateFrequency,
)
from aiplus.regulation.runtime import cited_in_active_language

router = Router(tags=["datahub"])


class DistributionSchema(Schema):
    identifier: str = ""
    title: str = ""
    format: str
    media_type: str = ""
    access_url: str = ""
    download_url: str = ""
    byte_size: Annotated[int, bounds(Distribution, "byte_size")] | None = None
    licence: str = ""


class DatasetOut(Schema):
    id: int
    identifier: str
    title: str
    description: str
    keywords: list[str]
    provider: str = Field(..., alias="provider.name")
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    sector: str
    theme: str
    update_frequency: str
    open_attribute: str
    record_count: int | None
    spatial_coverage: str
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    licence: str
    high_quality: bool
    annotation_method: str
    annotation_quality: str
    modality: str
    language: str
    size_bytes: int | None
    lineage: str
    grade: str
    is_published: bool


class DatasetIn(Schema):
    provider_id: int
    # the jurisdiction the dataset counts to (a code, e.g. suzhou): the provider's own unless given
    jurisdiction: str | None = None
    identifier: str = Field(..., min_length=1, max_length=120)
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    keywords: list[str] = []
    sector: str = ""
    theme: str = ""
    update_frequency: UpdateFrequency = UpdateFrequency.IRREGULAR
    open_attribute: OpenAttribute = OpenAttribute.UNCONDITIONAL
    record_count: Annotated[int, bounds(Dataset, "record_count")] | None = None
    spatial_coverage: str = ""
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    licence: str = ""
    high_quality: bool = False
    annotation_method: str = ""
    annotation_quality: str = ""
    modality: Modality = Modality.TABULAR
    language: str = ""
    size_bytes: Annotated[int, bounds(Dataset, "size_bytes")] | None = None
    lineage: str = ""
    is_published: bool = False
    distributions: list[DistributionSchema] = []


class ServiceIn(Schema):
    provider_id: int
    identifier: str = Field(..., min_length=1, max_length=120)
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    endpoint_url: str
    endpoint_description: str = ""
    is_published: bool = False
    serves: list[int] = []


class ServicePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    endpoint_url: str | None = None
    endpoint_description: str | None = None
    is_published: bool | None = None
    serves: list[int] | None = None


class ServiceOut(Schema):
    id: int
    identifier: str
    title: str
    description: str
    endpoint_url: str
    endpoint_description: str
    provider: str = Field(..., alias="provider.name")
    is_published: bool
    serves: list[int]

    @staticmethod
    def resolve_serves(obj: Any) -> list[int]:
        # the list's rows carry the served datasets the user may see (one prefetch); a single row, all of them
        served = getattr(obj, "visible_serves", None)
        return sorted(d.pk for d in (served if served is not None else obj.serves.all()))


class SearchOut(Schema):
    count: int
    results: list[DatasetOut]
    facets: dict[str, list[dict[str, Any]]]


class AccessIn(Schema):
    dataset_id: int
    purpose: str
    usage_scope: str
    security_measures: str
    duration_days: Annotated[int, bounds(AccessRequest, "duration_days")]


class AccessOut(Schema):
    id: int
    dataset_id: int
    status: str
    purpose: str
    duration_days: int
    expires_on: dt.date | None = Field(None, alias="agreement.expires_on")


class DecisionIn(Schema):
    decision: str
    comment: str = ""


class TransferIn(Schema):
    processor_id: int
    transfer: dict[str, Any]
    exemptions_claimed: list[str] = []
    milestones: dict[str, Any] = {}


class TransferOut(Schema):
    id: int
    outcome: str = Field(..., alias="decision.outcome")
    decision: dict[str, Any] = Field(..., alias="decision.decision")
    next_due_on: dt.date | None = Field(None, alias="decision.next_due_on")


class ProcessorIn(Schema):
    organisation_id: int
    is_ciio: bool = False
    in_ftz: bool = False
    ftz_code: str = ""


class ProcessorOut(Schema):
    id: int
    organisation: str = Field(..., alias="processor.organisation.name")
    organisation_id: int = Field(..., alias="processor.organisation_id")
    is_ciio: bool = Field(..., alias="processor.is_ciio")
    in_ftz: bool = Field(..., alias="processor.in_ftz")
    ftz_code: str = Field(..., alias="processor.ftz_code")
    period_start: dt.date
    pi_people: int
    sensitive_pi_people: int

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.processor.pk)


class FilingIn(Schema):
    organisation_id: int
    case: GbaContractCase


class FilingOut(Schema):
    id: int
    status: str
    processor_name: str
    recipient_name: str
    contract_effective_on: dt.date
    filing_due_on: dt.date | None
    receipt_number: str
    filed_on: dt.date | None


class FileIn(Schema):
    documents_provided: list[str] | None = None


class AssetIn(Schema):
    organisation_id: int
    name: str
    category: str
    grade: str
    level: str = "table"
    internal_level: Annotated[int, bounds(DataAsset, "internal_level")] | None = None
    legal_basis: str = ""
    pi_people: Annotated[int, bounds(DataAsset, "pi_people")] = 0


class AssetOut(Schema):
    id: int
    name: str
    category: str
    grade: str
    internal_level: int | None
    in_important_catalogue: bool


@router.get("/datasets", response=SearchOut, auth=OPTIONAL)
def search_datasets(request: HttpRequest, q: str = "", sector: str = "", open_attribute: str = "",
                    modality: str = "", format: str = "", high_quality: bool | None = None, theme: str = "",
                    limit: int = Query(50, ge=1, le=200),
                    offset: int = Query(0, ge=0, le=10**9)) -> dict[str, Any]:
    rows = selectors.search_datasets(request.user, q=q, sector=sector, open_attribute=open_attribute,
                                     modality=modality, format=format, high_quality=high_quality,
                                     theme=theme)
    return {"count": rows.count(), "results": list(rows[offset:offset + limit]), "facets": selectors.facets(rows)}


lists.add_operation(router, "/catalogue", CATALOGUE, DatasetOut, auth=OPTIONAL, page_size=50,
                    description="The catalogue page's rows, paged: the same filters (`q` searches the stored Chinese "
                                "tokens).")


@router.post("/datasets", response={201: DatasetOut}, auth=AUTHENTICATED)
def create_dataset(request: HttpRequest, payload: DatasetIn) -> Any:
    data = payload.dict()
    distributions = data.pop("distributions")
    return Status(201, services.create_dataset(acting_user=acting_user(request), distributions=distributions, **data))


lists.add_operation(router, "/services", SERVICES, ServiceOut, auth=OPTIONAL, page_size=50)


writes.add_action(router, "POST", "/services", services.create_data_service, payload=ServiceIn, response=ServiceOut,
                  created=True)


writes.add_action(router, "PATCH", "/services/{service_id}", services.update_data_service, payload=ServicePatch,
                  response=ServiceOut, partial=True)


@router.get("/datasets/{dataset_id}", response=DatasetOut, auth=OPTIONAL)
def dataset(request: HttpRequest, dataset_id: int) -> Any:
    return selectors.dataset(request.user, dataset_id)


@router.get("/datasets/{dataset_id}/dcat", auth=OPTIONAL)
def dataset_dcat(request: HttpRequest, dataset_id: int) -> JsonResponse:
    from aiplus.datahub import dcat

    return JsonResponse(dcat.dataset_document(selectors.dataset(request.user, dataset_id)),
                        content_type="application/ld+json", json_dumps_params={"ensure_ascii": False})


@router.get("/catalogue.jsonld", auth=OPTIONAL)
def catalogue(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.catalogue_document(request.user), content_type="application/ld+json",
                        json_dumps_params={"ensure_ascii": False})


@router.post("/catalogue/import", response=imports.RESPONSES, auth=AUTHENTICATED)
def import_catalogue(request: HttpRequest, document: Body[dict[str, Any]]) -> Any:
    """Import a DCAT-AP 3 JSON-LD catalogue (as /catalogue.jsonld writes it), or one dataset's document, sent as the
    request body. Entries are created or updated by identifier; an unchanged one is counted, not written again. A bad
    entry refuses the file (400, the report names each entry and field); a publisher or jurisdiction the caller may
    not act for is a 403 naming the field. Bodies are limited to DATA_UPLOAD_MAX_MEMORY_SIZE (413 above it): upload
    a bigger file to /catalogue/import/file. A big document is imported in the background (202 with the job)."""
    return imports.answer(services.import_catalogue_file(acting_user=acting_user(request), data=request.body))


@router.post("/catalogue/import/file", response=imports.RESPONSES, auth=AUTHENTICATED)
def import_catalogue_file(request: HttpRequest, file: UploadedFile | None = File(None), format: str = "",
                          provider_id: int | None = None) -> Any:
    """The same import as a multipart file upload (up to the import size limit; 413 above it): JSON-LD with any
    known context, Turtle or RDF/XML (`format` jsonld|ttl|rdf, else from the file's name and content). Records whose
    publisher is not on the platform are registered for `provider_id` (an organisation the caller acts for); what
    the platform does not model is kept in each record's source graph and listed in the report's notes."""
    core_imports.check_request_size(request)
    return imports.answer(services.import_catalogue_file(
        acting_user=acting_user(request), data=core_imports.read_upload(file), fmt=format,
        name=getattr(file, "name", "") or "", provider_id=provider_id))


class ViolationOut(Schema):
    severity: str
    record: str
    field: str
    problem: str


class ValidationOut(Schema):
    conforms: bool
    shapes: list[str] = Field(..., description="the SEMIC shape files that were run")
    violations: list[ViolationOut]


@router.post("/catalogue/validate", response=ValidationOut, auth=OPTIONAL)
def validate_catalogue(request: HttpRequest, file: UploadedFile | None = File(None), format: str = "") -> Any:
    """The SEMIC DCAT-AP 3 shapes run over a catalogue file (JSON-LD, Turtle or RDF/XML): each violation with the
    record and the field in the request's language; nothing is written (what a provider checks before importing)."""
    core_imports.check_request_size(request)
    report = services.validate_catalogue_file(core_imports.read_upload(file), format,
                                              getattr(file, "name", "") or "")
    return {"conforms": report.conforms, "shapes": list(report.shapes),
            "violations": [{"severity": v.severity, "record": str(report.record(v.focus)),
                            "field": str(report.field(v.path)), "problem": str(report.explain(v))}
                           for v in report.violations]}


class HarvestSourceIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    url: str = Field(..., min_length=1, max_length=500)
    jurisdiction_id: int
    provider_id: int
    format: str = Field("", max_length=8)
    schedule: str = Field("manual", max_length=8)


class HarvestSourceOut(Schema):
    id: int
    name: str
    url: str
    format: str
    schedule: str
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    provider_id: int
    last_harvested_at: dt.datetime | None
    last_report: dict[str, Any]


@router.get("/harvest-sources", response=list[HarvestSourceOut], auth=AUTHENTICATED)
def harvest_sources(request: HttpRequest) -> Any:
    """The remote DCAT-AP catalogues registered for the jurisdictions the caller oversees, each with its last
    harvest report."""
    return selectors.harvest_sources(request.user)


writes.add_action(router, "POST", "/harvest-sources", services.register_harvest_source, payload=HarvestSourceIn,
                  response=HarvestSourceOut, created=True)
writes.add_action(router, "POST", "/harvest-sources/{source_id}/harvest", services.queue_harvest,
                  response=HarvestSourceOut)


lists.add_operation(router, "/access-requests", ACCESS_REQUESTS, AccessOut, auth=AUTHENTICATED, page_size=50)


writes.add_action(router, "POST", "/access-requests", services.request_access, payload=AccessIn, response=AccessOut,
                  created=True)


writes.add_action(router, "POST", "/access-requests/{request_id}/decision", services.decide_access, payload=DecisionIn,
                  response=AccessOut, reply=writes.read_back(selectors.access_request))


@router.post("/access-requests/{request_id}/revoke", response=AccessOut, auth=AUTHENTICATED)
def revoke_access(request: HttpRequest, request_id: int, payload: DecisionIn) -> Any:
    services.revoke_access(acting_user=acting_user(request), request_id=request_id, comment=payload.comment)
    return selectors.access_request(request.user, request_id)


@router.post("/assess", auth=OPTIONAL)
def assess(request: HttpRequest, case: TransferCase) -> dict[str, Any]:
    """Which mechanism a transfer needs (CAC Order No. 16); `missing` lists the facts still needed. Reasons and
    deadlines carry `text_zh` and `text_en`; `citation_label` is in the request's language."""
    return cited_in_active_language(assessments.transfer_json(case))


@router.post("/assess/gba", auth=OPTIONAL)
def assess_gba(request: HttpRequest, case: GbaContractCase) -> dict[str, Any]:
    """May the parties use the GBA personal-information standard contract? (Citations as in `/assess`.)"""
    return cited_in_active_language(assessments.gba_json(case))


@router.get("/processors", response=list[ProcessorOut], auth=AUTHENTICATED)
def processors(request: HttpRequest, on: dt.date | None = None) -> Any:
    """Each visible processor with its people sent abroad since the start of the counting period containing `on`
    (default today; the counters restart every 1 January)."""
    return selectors.current_counters(request.user, today=on)


@router.post("/processors", response={201: ProcessorOut}, auth=AUTHENTICATED)
def register_processor(request: HttpRequest, payload: ProcessorIn) -> Any:
    processor = services.register_processor(acting_user=acting_user(request), **payload.dict())
    return Status(201, next(c for c in selectors.current_counters(request.user) if c.processor.pk == processor.pk))


writes.add_action(router, "POST", "/transfers", services.record_transfer, payload=TransferIn, response=TransferOut,
                  created=True)


lists.add_operation(router, "/gba-filings", FILINGS, FilingOut, auth=AUTHENTICATED, page_size=50)


@router.post("/gba-filings", response={201: FilingOut}, auth=AUTHENTICATED)
def create_gba_filing(request: HttpRequest, payload: FilingIn) -> Any:
    return Status(201, services.create_gba_filing(acting_user=acting_user(request),
                                                  organisation_id=payload.organisation_id,
                                                  case=payload.case.model_dump(mode="json")))


writes.add_action(router, "POST", "/gba-filings/{filing_id}/file", services.file_gba_filing, payload=FileIn,
                  response=FilingOut)


lists.add_operation(router, "/assets", ASSETS, AssetOut, auth=AUTHENTICATED, page_size=50)


writes.add_action(router, "POST", "/assets", services.register_asset, payload=AssetIn, response=AssetOut, created=True)


@router.get("/important-data", response=list[AssetOut], auth=AUTHENTICATED)
def important_data(request: HttpRequest) -> Any:
    return list(selectors.important_catalogue(request.user))
