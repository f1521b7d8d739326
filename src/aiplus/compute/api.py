"""Compute API: the register (providers push availability), job requests, metering, vouchers.

No `from __future__ import annotations`: ninja reads the list filters' `Query[...]` annotations at import time."""


import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from aiplus.api import imports, lists, writes
from aiplus.api.auth import AUTHENTICATED, OPTIONAL
from aiplus.compute import explain, ledger, selectors, services
from aiplus.compute.listings import BOOKINGS, LEDGER, POOLS, QUOTAS, REDEMPTIONS, REQUESTS, STUDIES, USAGE
from aiplus.compute.models import ComputeCentre, JobRequest, NetworkLatency, ResourcePool, UsageRecord
from aiplus.core import imports as core_imports
from aiplus.core.access import get_for
from aiplus.core.context import acting_user
from aiplus.core.domains import bounds
from aiplus.core.errors import ServiceError
from aiplus.regulation.runtime import cited_in_active_language

router = Router(tags=["compute"])



class CentreIn(Schema):
    operator_id: int
    name: str = Field(..., max_length=200)
    jurisdiction: str
    location: str = ""
    pue: Annotated[Decimal, bounds(ComputeCentre, "pue")]
    green_power_share: Annotated[Decimal, bounds(ComputeCentre, "green_power_share")]
    grid_carbon_kg_per_kwh: Annotated[Decimal, bounds(ComputeCentre, "grid_carbon_kg_per_kwh")]
    certifications: list[str] = []
    latitude: Annotated[Decimal, bounds(ComputeCentre, "latitude")] | None = None
    longitude: Annotated[Decimal, bounds(ComputeCentre, "longitude")] | None = None


class CentreOut(Schema):
    id: int
    name: str
    operator_id: int
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    city_code: str
    province_code: str
    country_code: str
    pue: Decimal
    green_power_share: Decimal
    grid_carbon_kg_per_kwh: Decimal
    certifications: list[str]


class PoolIn(Schema):
    accelerator_model: str
    cards: Annotated[int, bounds(ResourcePool, "cards")]
    memory_gb: Annotated[int, bounds(ResourcePool, "memory_gb")]
    price_cny_per_card_hour: Annotated[Decimal, bounds(ResourcePool, "price_cny_per_card_hour")]
    interconnect: str = ""
    available_cards: Annotated[int, bounds(ResourcePool, "available_cards")] | None = None
    power_kw_per_card: Annotated[Decimal, bounds(ResourcePool, "power_kw_per_card")] = Decimal("0.4")


class PoolOut(Schema):
    id: int
    centre_id: int
    accelerator_model: str
    domestic: bool
    cards: int
    available_cards: int
    memory_gb: int
    interconnect: str
    price_cny_per_card_hour: Decimal
    availability_updated_at: dt.datetime | None


class AvailabilityIn(Schema):
    available_cards: Annotated[int, bounds(ResourcePool, "available_cards")]


class LatencyIn(Schema):
    region: str
    latency_ms: Annotated[Decimal, bounds(NetworkLatency, "latency_ms")]


class RequestIn(Schema):
    title: str = Field(..., max_length=200)
    accepted_models: list[str]
    cards: Annotated[int, bounds(JobRequest, "cards")]
    hours: Annotated[Decimal, bounds(JobRequest, "hours")]
    organisation_id: int | None = None
    deadline_hours: Annotated[Decimal, bounds(JobRequest, "deadline_hours")] | None = None
    budget_cny: Annotated[Decimal, bounds(JobRequest, "budget_cny")] | None = None
    residency_level: str = ""
    residency_region: str | None = None
    cross_border_allowed: bool = False
    cross_border_reference: str = ""
    pref_cost: Annotated[Decimal, bounds(JobRequest, "pref_cost")] = Decimal("1")
    pref_carbon: Annotated[Decimal, bounds(JobRequest, "pref_carbon")] = Decimal("0")
    pref_latency: Annotated[Decimal, bounds(JobRequest, "pref_latency")] = Decimal("0")
    quota_id: int | None = None


class PlacementOut(Schema):
    pool_id: int
    centre: str = Field(..., alias="pool.centre.name")
    accelerator_model: str = Field(..., alias="pool.accelerator_model")
    cost_cny: Decimal
    subsidy_cny: Decimal
    paid_cny: Decimal
    carbon_kg: Decimal
    latency_ms: Decimal
    reason: str
    # The broker's reason as facts ({"code", "params"}; empty for placements stored before facts existed) and
    # rendered in the request's language (the stored `reason` when there are no facts).
    reason_facts: dict[str, Any]
    reason_text: str
    # The voucher rule's decision behind subsidy_cny (reasons with citations in the request's language; an
    # operator's value reads as a platform setting); empty without a voucher.
    subsidy_decision: dict[str, Any]

    @staticmethod
    def resolve_reason_text(obj: Any) -> str:
        return explain.placement_text(obj)

    @staticmethod
    def resolve_subsidy_decision(obj: Any) -> dict[str, Any]:
        return cited_in_active_language(obj.subsidy_decision or {})


class RequestOut(Schema):
    id: int
    reference: str  # the number the pages show and a provider's usage CSV quotes (CR-000042)
    title: str
    organisation_id: int
    status: str
    accepted_models: list[str]
    cards: int
    hours: Decimal
    residency_level: str
    quota_id: int | None
    job_id: int | None
    unplaced_code: str
    unplaced_message: str
    # Why the request was not placed, as facts ({"code", "params"}; empty for rows stored before facts existed)
    # and rendered in the request's language (the stored `unplaced_message` when there are no facts).
    unplaced_facts: dict[str, Any]
    unplaced_text: str
    placement: PlacementOut | None = None

    @staticmethod
    def resolve_unplaced_text(obj: Any) -> str:
        return explain.unplaced_text(obj)

    @staticmethod
    def resolve_placement(obj: Any) -> Any:
        return getattr(obj, "placement", None) if hasattr(obj, "placement") else None


class UsageIn(Schema):
    record_id: str
    pool_id: int
    card_hours: Annotated[Decimal, bounds(UsageRecord, "card_hours")]
    amount_cny: Annotated[Decimal, bounds(UsageRecord, "amount_cny")]
    period_end: dt.date
    organisation_id: int | None = None
    request_id: int | None = None
    invoice_number: str = ""


class UsageOut(Schema):
    id: int
    provider_id: int
    record_id: str
    pool_id: int
    organisation_id: int
    card_hours: Decimal
    amount_cny: Decimal
    period_end: dt.date
    reconciliation: str
    reconciliation_note: str
    created: bool = False


class BookingOut(Schema):
    """A request placed on one of the provider's pools: the reference its usage CSV quotes, and what was placed."""

    id: int
    reference: str
    title: str
    organisation: str = Field(..., alias="organisation.name")
    centre: str = Field(..., alias="placement.pool.centre.name")
    accelerator_model: str = Field(..., alias="placement.pool.accelerator_model")
    cards: int
    hours: Decimal
    cost_cny: Decimal = Field(..., alias="placement.cost_cny")
    metered_card_hours: Decimal

    @staticmethod
    def resolve_metered_card_hours(obj: Any) -> Decimal:
        return ledger.cents(obj.metered_card_hours)  # the annotated sum comes back unscaled on SQLite


class CsvIn(Schema):
    text: str


class QuotaOut(Schema):
    id: int
    programme_id: int
    programme: str = Field(..., alias="programme.name")
    organisation_id: int
    amount_cny: Decimal
    balance_cny: Decimal | None = None

    @staticmethod
    def resolve_balance_cny(obj: Any) -> Decimal:
        return ledger.cents(obj.balance_cny)  # the annotated sum comes back unscaled on SQLite


class RedeemIn(Schema):
    usage_id: int
    quota_id: int


class RedemptionOut(Schema):
    id: int
    quota_id: int
    usage_id: int
    spend_cny: Decimal
    amount_cny: Decimal
    status: str
    # the voucher rule's decision, citations in the request's language (an operator's value: a platform setting)
    decision: dict[str, Any]

    @staticmethod
    def resolve_decision(obj: Any) -> dict[str, Any]:
        return cited_in_active_language(obj.decision or {})


class StudyOut(Schema):
    id: int
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    trace: str
    status: str
    parameters: dict[str, Any]
    message: str
    created_at: dt.datetime


class ClawbackIn(Schema):
    reason: str


@router.get("/centres", response=list[CentreOut], auth=OPTIONAL)
def list_centres(request: HttpRequest, region: str = "") -> Any:
    return selectors.centres(acting_user(request), region or None)


writes.add_action(router, "POST", "/centres", services.register_centre, payload=CentreIn, response=CentreOut,
                  created=True)


lists.add_operation(router, "/pools", POOLS, PoolOut, auth=OPTIONAL)


writes.add_action(router, "POST", "/centres/{centre_id}/pools", services.add_pool, payload=PoolIn, response=PoolOut,
                  created=True)


@router.post("/centres/{centre_id}/latency", auth=AUTHENTICATED)
def set_latency(request: HttpRequest, centre_id: int, payload: LatencyIn) -> dict[str, Any]:
    row = services.set_latency(acting_user=acting_user(request), centre_id=centre_id, **payload.dict())
    return {"id": row.pk, "latency_ms": str(row.latency_ms)}


writes.add_action(router, "PUT", "/pools/{pool_id}/availability", services.report_availability, payload=AvailabilityIn,
                  response=PoolOut)


@router.get("/capacity", auth=OPTIONAL)
def capacity(request: HttpRequest, region: str = "") -> list[dict[str, Any]]:
    return selectors.capacity_by_centre(acting_user(request), region or None)


lists.add_operation(router, "/requests", REQUESTS, RequestOut, auth=AUTHENTICATED)


writes.add_action(router, "POST", "/requests", services.submit_request, payload=RequestIn, response=RequestOut,
                  created=True)


@router.get("/requests/{request_id}", response=RequestOut, auth=AUTHENTICATED)
def get_request(request: HttpRequest, request_id: int) -> Any:
    return get_for(acting_user(request), "view", selectors.requests_for(acting_user(request)), pk=request_id)


lists.add_operation(router, "/bookings", BOOKINGS, BookingOut, auth=AUTHENTICATED)


@router.post("/usage", response={200: UsageOut, 201: UsageOut}, auth=AUTHENTICATED)
def record_usage(request: HttpRequest, payload: UsageIn) -> Any:
    usage, created = services.record_usage(acting_user=acting_user(request), **payload.dict())
    usage.created = created  # type: ignore[attr-defined]
    return Status(201 if created else 200, usage)


@router.post("/usage/csv", response=imports.RESPONSES, auth=AUTHENTICATED)
def import_usage(request: HttpRequest, payload: CsvIn) -> Any:
    """Import usage records from CSV text, the columns of the provider page's usage import (and of its template):
    record_id, request (the reference shown on the bookings, e.g. CR-000042), centre (its name), accelerator_model,
    organisation (name or credit code), card_hours, amount_cny, period_end, invoice_number; a row names its request,
    or its centre (and model) and organisation. Every row is checked first: any bad row refuses the file (400, the
    report names each row and column). A record id already stored is counted unchanged. A big file is imported in
    the background (202 with the job)."""
    return imports.answer(services.import_usage(acting_user=acting_user(request),
                                                data=payload.text.encode("utf-8")))


@router.post("/usage/csv/file", response=imports.RESPONSES, auth=AUTHENTICATED)
def import_usage_file(request: HttpRequest, file: UploadedFile | None = File(None)) -> Any:
    """The same import, the CSV as a multipart file upload (up to the import size limit; 413 above it)."""
    core_imports.check_request_size(request)
    data = core_imports.read_upload(file)
    return imports.answer(services.import_usage(acting_user=acting_user(request), data=data))


lists.add_operation(router, "/usage", USAGE, UsageOut, auth=AUTHENTICATED)


lists.add_operation(router, "/quotas", QUOTAS, QuotaOut, auth=AUTHENTICATED)


lists.add_operation(router, "/redemptions", REDEMPTIONS, RedemptionOut, auth=AUTHENTICATED)


class LedgerEntryOut(Schema):
    """One leg of a voucher-ledger transaction (debit > 0 adds to the account, credit takes from it)."""

    id: int
    transaction_id: int
    kind: str = Field(..., alias="transaction.kind")
    booked_at: dt.datetime
    programme_id: int
    account_kind: str
    organisation_id: int | None
    amount_cny: Decimal
    request_id: int | None = None

    @staticmethod
    def resolve_request_id(obj: Any) -> int | None:
        redemption = obj.transaction.redemption
        placement = redemption.usage.placement if redemption is not None else None
        return placement.request_id if placement is not None else None


lists.add_operation(router, "/ledger", LEDGER, LedgerEntryOut, auth=AUTHENTICATED)


lists.add_operation(router, "/studies", STUDIES, StudyOut, auth=AUTHENTICATED)


class StudyDetailOut(StudyOut):
    job_id: int | None
    result: dict[str, Any]  # facts, every policy's metrics, the bounds and the broker's saving against local-only


@router.get("/studies/{study_id}", response=StudyDetailOut, auth=AUTHENTICATED)
def get_study(request: HttpRequest, study_id: int) -> Any:
    """One savings study with its result once the background job has finished."""
    return get_for(request.user, "view", selectors.studies_for(request.user), pk=study_id)


@router.post("/studies", response={201: StudyDetailOut}, auth=AUTHENTICATED)
def start_study(request: HttpRequest, region: Form[str], source: Form[str] = "generated", seed: Form[str] = "2026",
                days: Form[str] = "3", max_jobs: Form[str] = "1500", target_load: Form[str] = "0.85",
                centre_ids: Form[str] = "", broker_patience_s: Form[str] = "", broker_carbon_cny_per_kg: Form[str] = "",
                file: UploadedFile | None = File(None)) -> Any:
    """Start a savings study of a region's registered centres (`centre_ids`: comma-separated, all when empty) on
    a generated workload (`seed`), the region's own job log (`source=uploaded` with `file`, a CSV checked row by
    row: a bad row is a 400 naming `file` and listing the rows) or the public trace; it runs in the background.
    `broker_patience_s` (0–86,400) and `broker_carbon_cny_per_kg` (0–10) set the broker's time/cost/carbon
    weighting; empty, the platform settings `compute.broker_patience_s` and `compute.broker_carbon_cny_per_kg`."""
    core_imports.check_request_size(request)
    ids = [part.strip() for part in centre_ids.split(",") if part.strip()][:1000]
    if not all(part.isdigit() and len(part) <= 12 for part in ids):
        raise ServiceError("invalid", _("centre_ids 应为逗号分隔的算力中心编号。"), "centre_ids")
    study = services.start_savings_study(acting_user=acting_user(request), region=region, source=source,
                                         upload=file, seed=seed, centre_ids=[int(part) for part in ids], days=days,
                                         max_jobs=max_jobs, target_load=target_load,
                                         broker_patience_s=broker_patience_s,
                                         broker_carbon_cny_per_kg=broker_carbon_cny_per_kg)
    return Status(201, selectors.studies_for(request.user).get(pk=study.pk))


writes.add_action(router, "POST", "/redemptions", services.redeem, payload=RedeemIn, response=RedemptionOut,
                  created=True)


writes.add_action(router, "POST", "/redemptions/{redemption_id}/clawback", services.claw_back,
                  payload=ClawbackIn, response=RedemptionOut)
