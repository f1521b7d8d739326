"""Every write of the compute module: one function, one transaction, one audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.compute import ledger
from aiplus.compute.ledger import Leg
from aiplus.compute.models import (
    DOMESTIC_MODELS,
    AcceleratorModel,
    Affiliation,
    AuditFlag,
    AvailabilityReport,
    ComputeCentre,
    JobRequest,
    NetworkLatency,
    Placement,
    Redemption,
    ResourcePool,
    SavingsStudy,
    UsageRecord,
    VoucherProgramme,
    VoucherQuota,
)
from aiplus.core import audit, domains, exports, imports, permissions
from aiplus.core.access import get_for
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError, from_validation_error
from aiplus.core.models import Jurisdiction, Organisation, OrganisationKind, User

Kind = ledger.Kind


# ---------------------------------------------------------------------------------------------- input checks
# A number stored in a column is cleaned against its field's domain (core.domains.clean). These two check the
# savings study's options, which no column holds (they travel in the study's parameters).

def _decimal(value: Any, field: str, *, minimum: Decimal | None = Decimal("0"), strict: bool = False,
             maximum: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ServiceError("invalid_number", _("“%(field)s”须为数字。") % {"field": field}, field) from None
    if not number.is_finite():
        raise ServiceError("invalid_number", _("“%(field)s”须为数字。") % {"field": field}, field)
    if minimum is not None and (number <= minimum if strict else number < minimum):
        message = _("“%(field)s”须大于 %(min)s。") if strict else _("“%(field)s”不能小于 %(min)s。")
        raise ServiceError("out_of_range", message % {"field": field, "min": minimum}, field)
    if maximum is not None and number > maximum:
        raise ServiceError("out_of_range", _("“%(field)s”不能大于 %(max)s。") % {"field": field, "max": maximum},
                           field)
    return number


def _integer(value: Any, field: str, *, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (ValueError, TypeError, OverflowError):  # OverflowError: an infinite float
        raise ServiceError("invalid_number", _("“%(field)s”须为整数。") % {"field": field}, field) from None
    if isinstance(value, float) and value != number:
        raise ServiceError("invalid_number", _("“%(field)s”须为整数。") % {"field": field}, field)
    if number < minimum:
        raise ServiceError("out_of_range", _("“%(field)s”不能小于 %(min)s。") % {"field": field, "min": minimum},
                           field)
    return number


def _accelerator(value: Any, field: str = "accelerator_model") -> str:
    if value not in AcceleratorModel.values:
        raise ServiceError("unknown_accelerator_model",
                           _("未知的加速卡型号“%(model)s”：须为受控目录中的型号。") % {"model": value}, field)
    return str(value)


def _jurisdiction(code: Any, field: str) -> Jurisdiction:
    if isinstance(code, Jurisdiction):
        return code
    found = Jurisdiction.objects.filter(code=code).first()
    if found is None:
        raise ServiceError("unknown_jurisdiction", _("未知的辖区代码“%(code)s”。") % {"code": code}, field)
    return found


def _ancestors(jurisdiction: Jurisdiction) -> dict[str, str]:
    """City, province and country codes of a jurisdiction (walking up from a district)."""
    found: dict[str, str] = {}
    current: Jurisdiction | None = jurisdiction
    while current is not None:
        found.setdefault(current.level, current.code)
        current = current.parent
    return {"city": found.get("city", ""), "province": found.get("province", ""), "country": found.get("nation", "")}


def _user_organisation(user: Any, organisation_id: int | None, field: str = "organisation") -> Organisation:
    orgs = permissions.user_organisation_ids(user, "add")
    if organisation_id is None:
        if len(orgs) != 1:
            raise ServiceError("organisation_required", _("请指定提交需求的单位。"), field)
        organisation_id = next(iter(orgs))
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ServiceError("unknown_organisation", _("单位不存在。"), field)
    if not permissions.can_create_in(user, jurisdiction_id=organisation.jurisdiction_id,
                                     organisation_id=organisation.pk):
        raise PermissionDeniedError()
    return organisation


# -------------------------------------------------------------------------------------------------- register

@transaction.atomic
def register_centre(*, acting_user: User, operator_id: int, name: str, jurisdiction: str, location: str = "",
                    pue: Any, green_power_share: Any, grid_carbon_kg_per_kwh: Any,
                    certifications: list[str] | None = None, latitude: Any = None,
                    longitude: Any = None) -> ComputeCentre:
    place = _jurisdiction(jurisdiction, "jurisdiction")
    operator = Organisation.objects.filter(pk=operator_id).first()
    if operator is None or operator.kind != OrganisationKind.COMPUTE_PROVIDER:
        raise ServiceError("operator_not_provider", _("运营单位须为已登记的算力服务商。"), "operator")
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk, organisation_id=operator.pk):
        raise PermissionDeniedError()
    if not str(name).strip():
        raise ServiceError("required", _("请填写名称。"), "name")
    regions = _ancestors(place)
    if not regions["city"]:
        raise ServiceError("jurisdiction_level", _("算力中心须位于某个城市或其下辖区。"), "jurisdiction")
    if (latitude in (None, "")) != (longitude in (None, "")):
        raise ServiceError("coordinates_incomplete", _("经度与纬度须同时填写。"),
                           "longitude" if longitude in (None, "") else "latitude")
    numbers = {name: domains.clean(ComputeCentre, name, value) for name, value in (
        ("latitude", latitude), ("longitude", longitude), ("pue", pue), ("green_power_share", green_power_share),
        ("grid_carbon_kg_per_kwh", grid_carbon_kg_per_kwh))}
    centre = ComputeCentre.objects.create(
        name=str(name).strip(), operator=operator, jurisdiction=place, location=location,
        city_code=regions["city"], province_code=regions["province"], country_code=regions["country"],
        certifications=[str(c) for c in certifications or []], **numbers)
    audit.record(actor=acting_user, action="compute.centre.registered", instance=centre)
    return centre


@transaction.atomic
def add_pool(*, acting_user: User, centre_id: int, accelerator_model: str, cards: Any, memory_gb: Any,
             price_cny_per_card_hour: Any, interconnect: str = "", available_cards: Any = None,
             power_kw_per_card: Any = "0.4") -> ResourcePool:
    centre = get_for(acting_user, "change", ComputeCentre, pk=centre_id)
    model = _accelerator(accelerator_model)
    total = domains.clean(ResourcePool, "cards", cards)
    available = total if available_cards is None else domains.clean(ResourcePool, "available_cards", available_cards)
    if available > total:
        raise ServiceError("exceeds_cards", _("可用卡数不能超过卡数。"), "available_cards")
    pool = ResourcePool.objects.create(
        centre=centre, accelerator_model=model, domestic=model in DOMESTIC_MODELS, cards=total,
        memory_gb=domains.clean(ResourcePool, "memory_gb", memory_gb), interconnect=interconnect,
        price_cny_per_card_hour=domains.clean(ResourcePool, "price_cny_per_card_hour", price_cny_per_card_hour),
        available_cards=available, availability_updated_at=timezone.now(),
        power_kw_per_card=domains.clean(ResourcePool, "power_kw_per_card", power_kw_per_card))
    audit.record(actor=acting_user, action="compute.pool.added", instance=pool,
                 jurisdiction_id=centre.jurisdiction_id, organisation_id=centre.operator_id)
    return pool


@transaction.atomic
def report_availability(*, acting_user: User, pool_id: int, available_cards: Any) -> ResourcePool:
    pool = get_for(acting_user, "change", ResourcePool, pk=pool_id)
    pool = ResourcePool.objects.select_for_update().select_related("centre").get(pk=pool.pk)
    before = audit.snapshot(pool)
    available = domains.clean(ResourcePool, "available_cards", available_cards)
    if available > pool.cards:
        raise ServiceError("exceeds_cards", _("可用卡数不能超过卡数。"), "available_cards")
    pool.available_cards = available
    pool.availability_updated_at = timezone.now()
    pool.save(update_fields=["available_cards", "availability_updated_at", "updated_at"])
    AvailabilityReport.objects.create(pool=pool, available_cards=available)
    audit.record(actor=acting_user, action="compute.pool.availability_reported", instance=pool, before=before,
                 jurisdiction_id=pool.centre.jurisdiction_id, organisation_id=pool.centre.operator_id)
    return pool


@transaction.atomic
def set_latency(*, acting_user: User, centre_id: int, region: str, latency_ms: Any) -> NetworkLatency:
    centre = get_for(acting_user, "change", ComputeCentre, pk=centre_id)
    place = _jurisdiction(region, "region")
    row, _created = NetworkLatency.objects.update_or_create(
        centre=centre, region=place, defaults={"latency_ms": domains.clean(NetworkLatency, "latency_ms", latency_ms)})
    audit.record(actor=acting_user, action="compute.latency.set", instance=row,
                 jurisdiction_id=centre.jurisdiction_id, organisation_id=centre.operator_id)
    return row


@transaction.atomic
def declare_affiliation(*, acting_user: User, organisation_id: int, affiliate_id: int, note: str = "") -> Affiliation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    affiliate = Organisation.objects.filter(pk=affiliate_id).first()
    if organisation is None:
        raise ServiceError("unknown_organisation", _("单位不存在。"), "organisation")
    if affiliate is None or affiliate.pk == organisation.pk:
        raise ServiceError("unknown_organisation", _("关联单位不存在或与本单位相同。"), "affiliate")
    if not permissions.can_create_in(acting_user, jurisdiction_id=organisation.jurisdiction_id,
                                     organisation_id=organisation.pk):
        raise PermissionDeniedError()
    row = Affiliation.objects.create(organisation=organisation, affiliate=affiliate, note=note)
    audit.record(actor=acting_user, action="compute.affiliation.declared", instance=row,
                 jurisdiction_id=organisation.jurisdiction_id, organisation_id=organisation.pk)
    return row


def affiliated(organisation_id: int, provider_id: int) -> bool:
    if organisation_id == provider_id:
        return True
    return Affiliation.objects.filter(
        Q(organisation_id=organisation_id, affiliate_id=provider_id)
        | Q(organisation_id=provider_id, affiliate_id=organisation_id)).exists()


# ------------------------------------------------------------------------------------------ job requests

def residency_satisfiable(level: str, region: Jurisdiction | None, models: list[str], cross_border: bool) -> bool:
    pools = ResourcePool.objects.filter(accelerator_model__in=models)
    if level and region is not None:
        pools = pools.filter(**{f"centre__{level}_code": region.code})
    if not cross_border:
        pools = pools.filter(centre__country_code="cn")
    return pools.exists()


@transaction.atomic
def submit_request(*, acting_user: User, title: str, accepted_models: list[str], cards: Any, hours: Any,
                   organisation_id: int | None = None, deadline_hours: Any = None, budget_cny: Any = None,
                   residency_level: str = "", residency_region: str | None = None,
                   cross_border_allowed: bool = False, cross_border_reference: str = "",
                   pref_cost: Any = 1, pref_carbon: Any = 0, pref_latency: Any = 0,
                   quota_id: int | None = None, start: bool = True) -> JobRequest:
    organisation = _user_organisation(acting_user, organisation_id)
    if not str(title).strip():
        raise ServiceError("required", _("请填写名称。"), "title")
    if not accepted_models:
        raise ServiceError("required", _("请至少选择一种可接受的加速卡型号。"), "accepted_models")
    models = [_accelerator(m, "accepted_models") for m in accepted_models]
    card_count = domains.clean(JobRequest, "cards", cards)
    hours_value = domains.clean(JobRequest, "hours", hours)
    deadline = domains.clean(JobRequest, "deadline_hours", deadline_hours)
    if deadline is not None and deadline < hours_value:
        raise ServiceError("deadline_too_short", _("截止时间短于作业时长。"), "deadline_hours")
    budget = domains.clean(JobRequest, "budget_cny", budget_cny)
    if residency_level not in JobRequest.ResidencyLevel.values:
        raise ServiceError("invalid_choice", _("数据驻留层级无效。"), "residency_level")
    region = None
    if residency_level:
        if not residency_region:
            raise ServiceError("required", _("请选择数据驻留地区。"), "residency_region")
        region = _jurisdiction(residency_region, "residency_region")
        wanted = {"city": "city", "province": "province", "country": "nation"}[residency_level]
        if region.level != wanted:
            raise ServiceError("residency_level_mismatch", _("驻留地区与驻留层级不一致。"), "residency_region")
    if cross_border_allowed and not str(cross_border_reference).strip():
        raise ServiceError("cross_border_reference_required",
                           _("允许出境须填写已备案的数据出境路径（安全评估、标准合同或认证）编号。"),
                           "cross_border_reference")
    # The real reason first: no centre has the chip at all, or only abroad; residency only once the chip exists.
    if not ResourcePool.objects.filter(accelerator_model__in=models).exists():
        raise ServiceError("no_pool_with_model", _("没有任何已登记的算力中心提供所选型号（%(models)s）。") % {
            "models": "、".join(str(AcceleratorModel(m).label) for m in models)}, "accepted_models")
    if not cross_border_allowed and not ResourcePool.objects.filter(accelerator_model__in=models,
                                                                    centre__country_code="cn").exists():
        raise ServiceError("model_only_abroad", _("所选型号只在境外算力中心提供：须有数据出境路径并允许境外算力。"),
                           "accepted_models")
    if not residency_satisfiable(residency_level, region, models, bool(cross_border_allowed)):
        raise ServiceError("residency_unsatisfiable",
                           _("没有任何算力中心同时满足所选型号与数据驻留要求。"), "residency_region")
    quota = None
    if quota_id is not None:
        quota = VoucherQuota.objects.restrict(acting_user, "view").filter(pk=quota_id).first()
        if quota is None or quota.organisation_id != organisation.pk:
            raise ServiceError("voucher_of_other_organisation", _("该算力券不属于提交需求的单位。"), "quota")
    weights = {name: domains.clean(JobRequest, name, value) for name, value in
               (("pref_cost", pref_cost), ("pref_carbon", pref_carbon), ("pref_latency", pref_latency))}
    request = JobRequest.objects.create(
        title=str(title).strip(), organisation=organisation, jurisdiction_id=organisation.jurisdiction_id,
        submitted_by=acting_user, accepted_models=models, cards=card_count, hours=hours_value,
        deadline_hours=deadline, budget_cny=budget, residency_level=residency_level, residency_region=region,
        cross_border_allowed=bool(cross_border_allowed), cross_border_reference=str(cross_border_reference),
        quota=quota, **weights)
    audit.record(actor=acting_user, action="compute.request.submitted", instance=request)
    if start:
        from aiplus.compute.tasks import place_request

        _start_job_on(request, acting_user=acting_user, name=f"compute placement #{request.pk}", task=place_request,
                      total=3, request_id=request.pk)
    return request


def _start_job_on(row: JobRequest | SavingsStudy, *, acting_user: User, name: str, task: Any, total: int,
                  **arguments: Any) -> None:
    """Start the background job that works on `row` and link it to the row, whose page follows its progress."""
    from aiplus.core.jobs import start_job

    job = start_job(acting_user=acting_user, name=name, task=task, total=total, **arguments)
    type(row).objects.filter(pk=row.pk).update(job=job)
    row.job = job


@transaction.atomic
def apply_placement(*, acting_user: User | None, request_id: int, result: dict[str, Any]) -> JobRequest:
    """Store the broker's answer for a request (run by the placement task; `acting_user` None is the system)."""
    request = JobRequest.objects.select_for_update().get(pk=request_id)
    before = audit.snapshot(request)
    if request.status != JobRequest.Status.PLACING:
        raise ServiceError("already_placed", _("该需求已完成调度。"), "request")
    if result.get("pool_id"):
        pool = ResourcePool.objects.select_for_update().get(pk=result["pool_id"])
        if pool.available_cards < request.cards:
            request.status = JobRequest.Status.UNPLACED
            request.unplaced_code = "capacity_exhausted"
            request.unplaced_message = (f"pool {pool.pk} ran out of free cards during placement: "
                                        f"needs {request.cards} cards, {pool.available_cards} left")
            request.unplaced_facts = {"code": "capacity_exhausted", "params": {
                "during_placement": True, "pool_id": str(pool.pk), "cards": request.cards,
                "most_free_cards": pool.available_cards}}
        else:
            pool.available_cards -= request.cards
            pool.save(update_fields=["available_cards", "updated_at"])
            placement = Placement(request=request, pool=pool, subsidy_decision=result.get("subsidy_decision") or {},
                                  reason_facts=result.get("reason_facts") or {},
                                  **{k: result[k] for k in (
                                      "cost_cny", "subsidy_cny", "paid_cny", "carbon_kg", "latency_ms", "reason")})
            # the broker's figures fit their columns whenever the request's do (compute.models); checked anyway,
            # so a figure out of its domain fails this placement (fail_placement) instead of every later read
            domains.check(placement, "cost_cny", "subsidy_cny", "paid_cny", "carbon_kg", "latency_ms")
            placement.save(force_insert=True)
            request.status = JobRequest.Status.PLACED
    else:
        request.status = JobRequest.Status.UNPLACED
        request.unplaced_code = str(result.get("code", ""))[:40]
        request.unplaced_message = str(result.get("message", ""))[:300]
        request.unplaced_facts = result.get("facts") or {}
    request.save(update_fields=["status", "unplaced_code", "unplaced_message", "unplaced_facts", "updated_at"])
    audit.record(actor=acting_user, action="compute.request.placed", instance=request, before=before)
    return request


@transaction.atomic
def fail_placement(*, acting_user: User | None, request_id: int, message: str) -> None:
    request = JobRequest.objects.select_for_update().get(pk=request_id)
    before = audit.snapshot(request)
    request.status = JobRequest.Status.FAILED
    request.unplaced_message = message[:300]
    request.save(update_fields=["status", "unplaced_message", "updated_at"])
    audit.record(actor=acting_user, action="compute.request.failed", instance=request, before=before)


# -------------------------------------------------------------------------------------------------- metering

@dataclass
class _Usage:
    """One usage record as checked, not yet stored."""

    record_id: str
    pool: ResourcePool
    provider_id: int
    organisation: Organisation
    placement: Placement | None
    card_hours: Decimal
    amount_cny: Decimal
    period_end: dt.date
    invoice_number: str


def _usage_key(acting_user: User, record_id: Any, pool_id: Any,
               cache: dict[Any, Any] | None = None) -> tuple[str, ResourcePool]:
    """The record's natural key: its id (per provider) and the pool it was metered on (one the user may change)."""
    record_id = str(record_id or "").strip()
    if not record_id:
        raise ServiceError("required", _("请填写记录编号。"), "record_id")
    if len(record_id) > 120:
        raise ServiceError("too_long", _("记录编号最多 120 个字符。"), "record_id")
    cache = cache if cache is not None else {}
    key = ("pool", str(pool_id))
    if key not in cache:
        try:
            cache[key] = get_for(acting_user, "change", ResourcePool.objects.select_related("centre"),
                                 pk=int(pool_id))
        except (TypeError, ValueError, OverflowError, NotFoundError):
            cache[key] = None
    if cache[key] is None:
        raise ServiceError("not_found", _("记录不存在或您无权查看。"), "pool", status=404)
    return record_id, cache[key]


def _usage_values(acting_user: User, *, record_id: Any, pool_id: Any, card_hours: Any, amount_cny: Any,
                  period_end: Any, organisation_id: Any = None, request_id: Any = None, invoice_number: Any = "",
                  cache: dict[Any, Any] | None = None) -> _Usage:
    """A usage record checked without writing anything (`cache` keeps pools, placements and organisations looked
    up for earlier rows of the same import)."""
    cache = cache if cache is not None else {}
    record_id, pool = _usage_key(acting_user, record_id, pool_id, cache)
    hours = domains.clean(UsageRecord, "card_hours", card_hours)
    amount = domains.clean(UsageRecord, "amount_cny", amount_cny)
    try:
        end = period_end if isinstance(period_end, dt.date) else dt.date.fromisoformat(str(period_end))
    except ValueError:
        raise ServiceError("invalid_date", _("计量截止日须为 YYYY-MM-DD 格式。"), "period_end") from None
    placement = None
    if request_id not in (None, ""):
        text = str(request_id).strip()
        # only a request placed on one of the user's own pools (any other is the same error as an unknown one)
        placement = _booking(acting_user, int(text) if text.isascii() and text.isdigit() and len(text) < 13 else 0,
                             "request_id", text, cache)
    if organisation_id in (None, ""):
        if placement is None:
            raise ServiceError("required", _("请填写使用单位。"), "organisation_id")
        organisation_id = placement.request.organisation_id
    key = ("organisation", str(organisation_id))
    if key not in cache:
        try:
            cache[key] = Organisation.objects.filter(pk=int(organisation_id)).first()
        except (TypeError, ValueError, OverflowError):
            cache[key] = None
    organisation = cache[key]
    if organisation is None:
        raise ServiceError("unknown_organisation", _("单位不存在。"), "organisation_id")
    usage = _Usage(record_id=record_id, pool=pool, provider_id=pool.centre.operator_id, organisation=organisation,
                   placement=placement, card_hours=hours, amount_cny=amount, period_end=end,
                   invoice_number=str(invoice_number or ""))
    try:  # the columns' own limits (digits, lengths): the related rows were checked above
        _usage_row(usage, UsageRecord.Reconciliation.UNPLACED, "").full_clean(
            exclude=["provider", "pool", "organisation", "placement"], validate_unique=False,
            validate_constraints=False)
    except ValidationError as error:
        raise from_validation_error(error) from error
    return usage


def _usage_row(usage: _Usage, state: str, note: str) -> UsageRecord:
    return UsageRecord(provider_id=usage.provider_id, record_id=usage.record_id, pool=usage.pool,
                       organisation=usage.organisation, placement=usage.placement, card_hours=usage.card_hours,
                       amount_cny=usage.amount_cny, invoice_number=usage.invoice_number, period_end=usage.period_end,
                       reconciliation=state, reconciliation_note=note)


def _reconcile(usage: _Usage, used: dict[int, Decimal]) -> tuple[str, str]:
    """Matched, mismatched or unplaced against the placement; `used` carries the card-hours already metered per
    placement (read once, then counted on as rows of the same batch are added)."""
    placement = usage.placement
    if placement is None:
        return UsageRecord.Reconciliation.UNPLACED, ""
    if placement.pk not in used:
        used[placement.pk] = (UsageRecord.objects.filter(placement=placement).aggregate(s=Sum("card_hours"))["s"]
                              or Decimal("0"))
    used[placement.pk] += usage.card_hours
    planned = Decimal(placement.request.cards) * placement.request.hours
    problems = []
    if placement.pool_id != usage.pool.pk:
        problems.append("pool differs from the placement")
    if placement.request.organisation_id != usage.organisation.pk:
        problems.append("organisation differs from the placement")
    if used[placement.pk] > planned:
        problems.append(f"{used[placement.pk]} card-hours exceed the {planned} placed")
    state = UsageRecord.Reconciliation.MISMATCH if problems else UsageRecord.Reconciliation.MATCHED
    return state, "; ".join(problems)


def _record_usage(acting_user: User, *, record_id: str, pool_id: Any, card_hours: Any, amount_cny: Any,
                  period_end: Any, organisation_id: Any = None, request_id: Any = None,
                  invoice_number: str = "") -> tuple[UsageRecord, bool]:
    record_id, pool = _usage_key(acting_user, record_id, pool_id)
    existing = UsageRecord.objects.filter(provider_id=pool.centre.operator_id, record_id=record_id).first()
    if existing is not None:
        return existing, False
    usage = _usage_values(acting_user, record_id=record_id, pool_id=pool_id, card_hours=card_hours,
                          amount_cny=amount_cny, period_end=period_end, organisation_id=organisation_id,
                          request_id=request_id, invoice_number=invoice_number)
    row = _usage_row(usage, *_reconcile(usage, {}))
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:  # the same record sent twice at once: the other insert won
        return UsageRecord.objects.get(provider_id=usage.provider_id, record_id=record_id), False
    return row, True


@transaction.atomic
def record_usage(*, acting_user: User, record_id: str, pool_id: int, card_hours: Any, amount_cny: Any,
                 period_end: Any, organisation_id: int | None = None, request_id: int | None = None,
                 invoice_number: str = "") -> tuple[UsageRecord, bool]:
    """Record one metered usage record. The same (provider, record id) again changes nothing."""
    usage, created = _record_usage(acting_user, record_id=record_id, pool_id=pool_id, card_hours=card_hours,
                                   amount_cny=amount_cny, period_end=period_end, organisation_id=organisation_id,
                                   request_id=request_id, invoice_number=invoice_number)
    if created:
        audit.record(actor=acting_user, action="compute.usage.recorded", instance=usage,
                     jurisdiction_id=usage.organisation.jurisdiction_id, organisation_id=usage.provider_id)
    return usage, created


# The usage CSV's columns (the provider page's import, its template and the API's), each with the name the page
# gives it: a row names its request by the reference the bookings page shows, or its centre (by name, and the
# accelerator model when the centre has several pools) and the organisation (by name or credit code).
USAGE_COLUMNS = {
    "record_id": _("记录编号"), "request": _("需求编号"), "centre": _("算力中心"),
    "accelerator_model": _("加速卡型号"), "organisation": _("使用单位"), "card_hours": _("卡时"),
    "amount_cny": _("金额（元）"), "period_end": _("计量截止日"), "invoice_number": _("发票号码"),
}
# What each column holds, as the provider page explains it
USAGE_COLUMN_HELP = (
    ("record_id", _("记录编号：本单位的计量记录编号（必填，不超过 120 个字符）")),
    ("request", _("需求编号：“算力预订”页所列的编号，如 CR-000042")),
    ("centre", _("算力中心：本单位算力中心的名称（未填需求编号时必填）")),
    ("accelerator_model", _("加速卡型号：如 NVIDIA A800、华为昇腾 910B（中心有多种型号时必填）")),
    ("organisation", _("使用单位：名称或统一社会信用代码（未填需求编号时必填）")),
    ("card_hours", _("卡时（必填）")),
    ("amount_cny", _("金额（元，必填）")),
    ("period_end", _("计量截止日：YYYY-MM-DD（必填）")),
    ("invoice_number", _("发票号码（可选，不超过 60 个字符）")),
)
# Columns of files written before the columns above, still read for machine clients (database ids).
LEGACY_COLUMNS = {"pool_id": _("资源池编号"), "organisation_id": _("使用单位编号"), "request_id": _("需求内部编号")}
CSV_COLUMNS = tuple(USAGE_COLUMNS)
CSV_REQUIRED = ("record_id", "card_hours", "amount_cny", "period_end")
TEXT_COLUMNS = ("record_id", "request", "centre", "accelerator_model", "organisation", "invoice_number")
# A service field named as the column that holds it
_COLUMN_OF = {"pool": "pool_id", "organisation_id": "organisation_id", "request_id": "request_id"}


def _booking(acting_user: User, number: int, column: str, shown: str, cache: dict[Any, Any]) -> Placement:
    """The placement of request `number` on a pool of a centre the user runs; any other request (unknown, or
    placed on another provider's centre) is the same row error, so a file learns nothing of other providers."""
    key = ("booking", number)
    if key not in cache:
        from aiplus.compute.selectors import provider_pools

        cache[key] = (Placement.objects.select_related("request", "pool", "pool__centre")
                      .filter(request_id=number, pool__in=provider_pools(acting_user).values("pk")).first())
    if cache[key] is None:
        raise ServiceError("unknown_request", _("本单位的算力中心没有需求编号为“%(value)s”的预订（见“算力预订”页）。")
                           % {"value": shown[:40]}, column)
    return cache[key]


def _centre_pool(acting_user: User, centre: str, model: str, cache: dict[Any, Any]) -> ResourcePool:
    """The pool of the user's centre named `centre`, of the accelerator `model` (its code or its name)."""
    key = ("centre", centre)
    if key not in cache:
        cache[key] = list(ResourcePool.objects.restrict(acting_user, "change").filter(centre__name=centre)
                          .select_related("centre").order_by("pk"))
    pools = cache[key]
    if not pools:
        raise ServiceError("unknown_centre", _("本单位没有名为“%(value)s”的算力中心（或该中心尚无资源池）。")
                           % {"value": centre[:60]}, "centre")
    if model:
        wanted = model.casefold()
        pools = [p for p in pools if wanted in _model_names(p.accelerator_model)]
        if not pools:
            raise ServiceError("unknown_pool", _("该算力中心没有“%(value)s”型号的资源池。") % {"value": model[:60]},
                               "accelerator_model")
    elif len({p.accelerator_model for p in pools}) > 1:
        raise ServiceError("required", _("该算力中心有多种型号的资源池，请填写加速卡型号。"), "accelerator_model")
    return pools[0]


def _model_names(code: str) -> set[str]:
    """An accelerator model as a file may name it: its code, or its name in either language of the pages."""
    from django.utils import translation

    label = AcceleratorModel(code).label
    names = {code.casefold()}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.add(str(label).casefold())
    return names


def _organisation_named(name: str, cache: dict[Any, Any]) -> Organisation:
    key = ("organisation-named", name)
    if key not in cache:
        cache[key] = list(Organisation.objects.filter(Q(name=name) | Q(credit_code=name))[:2])
    found = cache[key]
    if len(found) != 1:
        raise ServiceError("unknown_organisation" if not found else "ambiguous_organisation",
                           _("找不到名称或统一社会信用代码为“%(value)s”的单位。") % {"value": name[:60]} if not found
                           else _("有多个单位名为“%(value)s”，请填写统一社会信用代码。") % {"value": name[:60]},
                           "organisation")
    return found[0]


def _csv_usage(acting_user: User, row: dict[str, str], cache: dict[Any, Any]) -> _Usage:
    """One row of a usage CSV checked (nothing written): what the provider sees on its pages resolved to the
    rows they name, only among its own centres and their bookings."""
    cell = {column: str(row.get(column) or "") for column in (*USAGE_COLUMNS, *LEGACY_COLUMNS)}
    for column in TEXT_COLUMNS:  # a spreadsheet would run it as a formula when the record is exported again
        if cell[column].lstrip(" ").startswith(exports.FORMULA_TRIGGERS):
            raise ServiceError("formula", _("不能以 =、+、-、@ 或制表符开头（电子表格会把它当作公式）。"), column)
    value = {column: text.strip() for column, text in cell.items()}
    placement = None
    if value["request"]:
        number = JobRequest.number_of(value["request"])
        if number is None:
            raise ServiceError("invalid_reference", _("“%(value)s”不是需求编号（形如 CR-000042，见“算力预订”页）。")
                               % {"value": value["request"][:40]}, "request")
        placement = _booking(acting_user, number, "request", value["request"], cache)
    elif value["request_id"]:
        text = value["request_id"]
        number = int(text) if text.isascii() and text.isdigit() and len(text) < 13 else 0
        placement = _booking(acting_user, number, "request_id", value["request_id"], cache)
    if placement is not None:  # the booking fixes the pool; a centre also named must be the booking's
        pool_id: Any = placement.pool_id
        if value["centre"] and _centre_pool(acting_user, value["centre"], value["accelerator_model"],
                                            cache).centre_id != placement.pool.centre_id:
            raise ServiceError("centre_mismatch", _("该需求编号的分配不在此算力中心。"), "centre")
    elif value["centre"]:
        pool_id = _centre_pool(acting_user, value["centre"], value["accelerator_model"], cache).pk
    elif value["pool_id"]:
        pool_id = value["pool_id"]
    else:
        raise ServiceError("required", _("请填写需求编号或算力中心。"), "centre")
    if value["organisation"]:
        organisation_id: Any = _organisation_named(value["organisation"], cache).pk
    elif value["organisation_id"] or placement is not None:
        organisation_id = value["organisation_id"] or None
    else:
        raise ServiceError("required", _("未填写需求编号时，请填写使用单位。"), "organisation")
    return _usage_values(acting_user, record_id=value["record_id"], pool_id=pool_id, card_hours=value["card_hours"],
                         amount_cny=value["amount_cny"], period_end=value["period_end"],
                         organisation_id=organisation_id,
                         request_id=placement.request_id if placement is not None else None,
                         invoice_number=value["invoice_number"], cache=cache)


def _in_column(problem: ServiceError) -> ServiceError:
    """A row's refusal naming the CSV column that holds the bad value, by its name in the page's language."""
    column = _COLUMN_OF.get(problem.field or "", problem.field or "")
    label = USAGE_COLUMNS.get(column) or LEGACY_COLUMNS.get(column)
    if label is None or str(label) in str(problem.message):  # a domain's message names the field already
        return problem if column == problem.field else ServiceError(problem.code, problem.message, column,
                                                                    status=problem.status)
    return ServiceError(problem.code, _("“%(column)s”：%(message)s") % {"column": label, "message": problem.message},
                        column, status=problem.status)


@transaction.atomic
def import_usage_batch(*, acting_user: User, rows: list[tuple[int, _Usage]]) -> imports.BatchResult:
    """Store one batch of checked usage rows (one short transaction, one audit event): a record already stored for
    its provider is left as it is (the same file again creates nothing)."""
    result = imports.BatchResult()
    stored = set(UsageRecord.objects.filter(
        provider_id__in={u.provider_id for _line, u in rows},
        record_id__in={u.record_id for _line, u in rows}).values_list("provider_id", "record_id"))
    used: dict[int, Decimal] = {}
    new: list[UsageRecord] = []
    for _line, usage in rows:
        if (usage.provider_id, usage.record_id) in stored:
            result.unchanged += 1
            continue
        stored.add((usage.provider_id, usage.record_id))
        new.append(_usage_row(usage, *_reconcile(usage, used)))
    try:
        with transaction.atomic():
            UsageRecord.objects.bulk_create(new)
        result.created = len(new)
    except IntegrityError:  # another import stored some of these records meanwhile: one by one, theirs kept
        for row in new:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
                result.created += 1
            except IntegrityError:
                result.unchanged += 1
    if result.created:
        lines = [line for line, _usage in rows]
        audit.record(actor=acting_user, action="compute.usage.imported", object_type="compute.usagerecord",
                     object_id="csv", object_repr=f"{result.created} usage records",
                     organisation_id=rows[0][1].provider_id,
                     after={"created": result.created, "unchanged": result.unchanged,
                            "lines": [min(lines), max(lines)]})
    return result


def import_usage_csv(*, acting_user: User, text: str | bytes,
                     progress: imports.Progress | None = None) -> imports.ImportReport:
    """Import usage from CSV (header: USAGE_COLUMNS; `aiplus.core.imports`): every row is checked first, and if
    any is wrong nothing is imported and the error names every bad row and field; then the rows are stored in
    short batches. A record id already stored for its provider is counted unchanged, not stored again.

    Not a transaction of its own: each batch is one (`import_usage_batch`)."""
    report = imports.ImportReport("compute.usage")
    cache: dict[Any, Any] = {}
    seen: set[tuple[int, str]] = set()

    def check(line: int, row: dict[str, str]) -> _Usage | None:
        try:
            usage = _csv_usage(acting_user, row, cache)
        except ServiceError as problem:
            raise _in_column(problem) from None
        if (usage.provider_id, usage.record_id) in seen:  # the same record twice in the file
            return None
        seen.add((usage.provider_id, usage.record_id))
        return usage

    rows = imports.csv_rows(imports.decode(text), required=CSV_REQUIRED, report=report)
    return imports.run(report, rows, check=check, progress=progress,
                       write=lambda batch: import_usage_batch(acting_user=acting_user, rows=batch))


def import_usage(*, acting_user: User, data: bytes) -> Any:
    """The usage CSV of a page or an API call: imported now (the report), or, when big, by the worker (the job)."""
    from aiplus.compute.tasks import import_usage_file

    return imports.accept(acting_user=acting_user, data=data, name="compute usage import", task=import_usage_file,
                          inline=lambda: import_usage_csv(acting_user=acting_user, text=data))


# --------------------------------------------------------------------------------------------------- vouchers

@transaction.atomic
def create_programme(*, acting_user: User, name: str, jurisdiction: str, parameter_prefix: str, budget_cny: Any,
                     valid_from: dt.date, valid_until: dt.date, eligible_provider_ids: list[int] | None = None,
                     is_published: bool = True) -> VoucherProgramme:
    place = _jurisdiction(jurisdiction, "jurisdiction")
    if place.pk not in permissions.user_jurisdiction_ids(acting_user, "add") and not acting_user.is_superuser:
        raise PermissionDeniedError()
    if not str(name).strip():
        raise ServiceError("required", _("请填写名称。"), "name")
    from aiplus.support.programmes import voucher

    if voucher(parameter_prefix) is None:
        message = _("参数前缀“%(p)s”在已启用的规则包中没有对应的算力券扶持项目。")
        raise ServiceError("unknown_parameters", message % {"p": parameter_prefix}, "parameter_prefix")
    budget = domains.clean(VoucherProgramme, "budget_cny", budget_cny)
    if valid_until < valid_from:
        raise ServiceError("invalid_period", _("截止日期早于生效日期。"), "valid_until")
    providers = list(Organisation.objects.filter(pk__in=eligible_provider_ids or [],
                                                 kind=OrganisationKind.COMPUTE_PROVIDER))
    if len(providers) != len(set(eligible_provider_ids or [])):
        raise ServiceError("unknown_provider", _("可兑付服务商须为已登记的算力服务商。"), "eligible_providers")
    programme = VoucherProgramme.objects.create(
        name=str(name).strip(), jurisdiction=place, parameter_prefix=parameter_prefix, budget_cny=budget,
        valid_from=valid_from, valid_until=valid_until, is_published=is_published)
    programme.eligible_providers.set(providers)
    ledger.post(programme, "fund", [Leg(Kind.BUDGET, ledger.budget_account(programme), budget),
                                    Leg(Kind.FUNDING, ledger.funding_account(programme), -budget)],
                memo="programme budget")
    audit.record(actor=acting_user, action="compute.programme.created", instance=programme)
    return programme


@transaction.atomic
def issue_quota(*, acting_user: User, programme_id: int, organisation_id: int, amount_cny: Any,
                is_startup: bool = False) -> VoucherQuota:
    programme = get_for(acting_user, "change", VoucherProgramme, pk=programme_id)
    programme = VoucherProgramme.objects.select_for_update().get(pk=programme.pk)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ServiceError("unknown_organisation", _("单位不存在。"), "organisation")
    amount = domains.clean(VoucherQuota, "amount_cny", amount_cny)
    left = ledger.balance(ledger.budget_account(programme))
    if amount > left:
        raise ServiceError("exceeds_budget", _("额度超过项目剩余可发放预算（%(left)s 元）。") % {"left": left},
                           "amount_cny")
    if VoucherQuota.objects.filter(programme=programme, organisation=organisation).exists():
        raise ServiceError("duplicate_quota", _("该单位已持有本项目的额度。"), "organisation")
    quota = VoucherQuota.objects.create(programme=programme, organisation=organisation, amount_cny=amount,
                                        is_startup=is_startup)
    ledger.post(programme, "issue", [Leg(Kind.QUOTA, ledger.quota_account(quota), amount, quota, organisation.pk),
                                     Leg(Kind.BUDGET, ledger.budget_account(programme), -amount)],
                memo=f"quota for {organisation.pk}")
    audit.record(actor=acting_user, action="compute.quota.issued", instance=quota,
                 jurisdiction_id=programme.jurisdiction_id, organisation_id=organisation.pk)
    return quota


def used_this_year(quota: VoucherQuota, year: int) -> Decimal:
    return (Redemption.objects.filter(quota__organisation_id=quota.organisation_id,
                                      quota__programme__parameter_prefix=quota.programme.parameter_prefix,
                                      status=Redemption.Status.REDEEMED, usage__period_end__year=year)
            .aggregate(s=Sum("amount_cny"))["s"] or Decimal("0.00"))


def estimate_subsidy(quota: VoucherQuota, *, spend_cny: Decimal, domestic: bool, provider_id: int,
                     on: dt.date) -> tuple[Decimal, dict[str, Any]]:
    """What the voucher pays for this spend now (read-only; used for redemptions, placements and previews). The
    voucher is a programme of the support engine (`packs/*/programmes/vouchers.yaml`, code = the parameter prefix):
    its eligibility, rate, uplifts, maximum rate and annual cap are the engine's; the quota then limits the amount."""
    from aiplus.support.programmes import voucher_decision

    programme = quota.programme
    decision = voucher_decision(
        programme.parameter_prefix, on=on, spend_cny=spend_cny, used_this_year_cny=used_this_year(quota, on.year),
        budget_left_cny=programme.budget_cny - ledger.redeemed_total(programme),
        is_startup=quota.is_startup, is_opc=quota.organisation.kind == OrganisationKind.OPC,
        domestic_chips=domestic, provider_affiliated=affiliated(quota.organisation_id, provider_id))
    result = decision.as_dict()
    amount = Decimal(str(decision.amounts.get("amount_cny", "0")))
    left = ledger.balance(ledger.quota_account(quota))
    if amount > left:
        amount = max(left, Decimal("0.00"))
        result["data"] = {**result.get("data", {}), "limited_by_quota_cny": str(left)}
    result["payable_cny"] = str(amount)
    return amount, result


@transaction.atomic
def redeem(*, acting_user: User, usage_id: int, quota_id: int) -> Redemption:
    """Redeem a voucher quota against one metered usage record (据实结算)."""
    from aiplus.compute.selectors import usage_for

    usage = usage_for(acting_user).filter(pk=usage_id).select_related("pool").first()
    if usage is None:
        raise ServiceError("not_found", _("用量记录不存在或您无权查看。"), "usage", status=404)
    visible = VoucherQuota.objects.restrict(acting_user, "change").filter(pk=quota_id).values_list(
        "programme_id", flat=True).first()
    if visible is None:
        raise ServiceError("voucher_of_other_organisation", _("该算力券不存在或不属于您的单位。"), "quota")
    # Lock the programme first, then the quota: every redemption takes them in this order.
    programme = VoucherProgramme.objects.select_for_update().get(pk=visible)
    quota = VoucherQuota.objects.select_for_update().select_related("organisation").get(pk=quota_id)
    quota.programme = programme
    if quota.organisation_id != usage.organisation_id:
        raise ServiceError("voucher_of_other_organisation", _("该算力券属于其他单位，不能用于本单位的用量。"), "quota")
    if Redemption.objects.filter(usage=usage).exists():
        raise ServiceError("already_redeemed", _("该用量记录已兑付过。"), "usage")
    if not programme.valid_from <= usage.period_end <= programme.valid_until:
        raise ServiceError("outside_validity", _("用量不在算力券有效期内。"), "usage")
    if not programme.eligible_providers.filter(pk=usage.provider_id).exists():
        raise ServiceError("provider_not_eligible", _("该服务商不在本算力券的可兑付服务商名单中。"), "usage")
    amount, decision = estimate_subsidy(quota, spend_cny=usage.amount_cny, domestic=usage.pool.domestic,
                                        provider_id=usage.provider_id, on=usage.period_end)
    redemption = Redemption.objects.create(quota=quota, usage=usage, spend_cny=usage.amount_cny, amount_cny=amount,
                                           decision=decision)
    if amount > 0:
        ledger.post(programme, "redeem", [
            Leg(Kind.QUOTA, ledger.quota_account(quota), -amount, quota, quota.organisation_id),
            Leg(Kind.PAYABLE, ledger.payable_account(programme, usage.provider_id), amount, None, usage.provider_id),
        ], redemption=redemption, memo=f"usage {usage.provider_id}/{usage.record_id}")
    audit.record(actor=acting_user, action="compute.voucher.redeemed", instance=redemption,
                 jurisdiction_id=programme.jurisdiction_id, organisation_id=quota.organisation_id)
    return redemption


@transaction.atomic
def claw_back(*, acting_user: User, redemption_id: int, reason: str) -> Redemption:
    found = Redemption.objects.filter(pk=redemption_id).values_list("quota__programme_id", flat=True).first()
    if found is None or found not in VoucherProgramme.objects.restrict(acting_user, "change").values_list(
            "pk", flat=True):
        if found is not None and Redemption.objects.restrict(acting_user, "view").filter(pk=redemption_id).exists():
            raise PermissionDeniedError()
        raise NotFoundError()
    if not str(reason).strip():
        raise ServiceError("required", _("请说明追回理由。"), "reason")
    VoucherProgramme.objects.select_for_update().get(pk=found)
    redemption = Redemption.objects.select_for_update().get(pk=redemption_id)
    before = audit.snapshot(redemption)
    if redemption.status == Redemption.Status.CLAWED_BACK:
        raise ServiceError("already_clawed_back", _("该笔兑付已追回。"), "redemption")
    original = redemption.transactions.filter(kind="redeem").first()
    if original is not None:
        ledger.reverse(original, "clawback", memo=str(reason))
    redemption.status = Redemption.Status.CLAWED_BACK
    redemption.save(update_fields=["status", "updated_at"])
    audit.record(actor=acting_user, action="compute.voucher.clawed_back", instance=redemption, before=before,
                 jurisdiction_id=redemption.quota.programme.jurisdiction_id,
                 organisation_id=redemption.quota.organisation_id, message=str(reason))
    return redemption


@transaction.atomic
def run_post_audit(*, acting_user: User, programme_id: int) -> list[AuditFlag]:
    """Flag related-party suppliers and invoice numbers claimed twice across the programme."""
    programme = get_for(acting_user, "change", VoucherProgramme, pk=programme_id)
    redemptions = list(Redemption.objects.filter(quota__programme=programme).select_related("usage", "quota"))
    by_invoice: dict[str, list[Redemption]] = {}
    for row in redemptions:
        if row.usage.invoice_number:
            by_invoice.setdefault(row.usage.invoice_number, []).append(row)
    new: list[AuditFlag] = []
    for row in redemptions:
        found: list[tuple[str, str]] = []
        if affiliated(row.quota.organisation_id, row.usage.provider_id):
            found.append((AuditFlag.Code.RELATED_PARTY, "provider is affiliated with the voucher holder"))
        if len(by_invoice.get(row.usage.invoice_number, [])) > 1:
            found.append((AuditFlag.Code.DUPLICATE_INVOICE, f"invoice {row.usage.invoice_number} claimed "
                                                            f"{len(by_invoice[row.usage.invoice_number])} times"))
        for code, message in found:
            flag, created = AuditFlag.objects.get_or_create(redemption=row, code=code, defaults={"message": message})
            if created:
                new.append(flag)
    audit.record(actor=acting_user, action="compute.vouchers.post_audited", instance=programme,
                 after={"new_flags": [(f.redemption_id, f.code) for f in new]})
    return new


# ------------------------------------------------------------------------------------- savings study (officials)

TRACES = {"philly": "philly/philly.csv"}


def traces_dir() -> Any:
    """Where the shipped traces are read from (never copied into the repository): AIPLUS_TRACES_DIR or
    ../shared/data/traces beside the project."""
    import os
    from pathlib import Path

    from django.conf import settings

    return Path(os.environ.get("AIPLUS_TRACES_DIR") or Path(settings.PROJECT_DIR).parent / "shared" / "data"
                / "traces")


def region_centres(region: Jurisdiction) -> list[ComputeCentre]:
    """The registered centres of a region (city, province or country code, or the centre's own district)."""
    return list(ComputeCentre.objects.filter(Q(city_code=region.code) | Q(province_code=region.code)
                                             | Q(country_code=region.code) | Q(jurisdiction=region))
                .filter(pools__cards__gt=0).distinct().prefetch_related("pools"))


# Where a study's jobs come from: a generated workload (seeded; the default, so a new user always has one), the
# region's own job log (uploaded, checked row by row) or the shipped public trace where this machine has it.
STUDY_SOURCES = ("generated", "uploaded", "philly")
ROW_PROBLEMS = {"required": _("缺少"), "not_a_number": _("不是数字"), "not_whole": _("不是整数"),
                "out_of_range": _("超出范围"), "not_a_time": _("不是时间（ISO 日期时间或秒数）")}
LOG_PROBLEMS = {"empty": _("文件为空或没有表头。"), "no_rows": _("文件没有作业行。"),
                "too_many_rows": _("作业行超过 %(maximum)s 行。"),
                "unknown_columns": _("无法识别的列（%(columns)s）：需要 submit_time、gpus、duration_s（或 "
                                     "duration_hours）、tenant，或 Philly 轨迹的 timestamp、duration、num_gpus、"
                                     "cluster。")}


def read_job_log(upload: Any) -> list[list[Any]]:
    """An uploaded job log as the study stores it ([submit_s, gpus, duration_s, tenant] per job); a log that cannot
    be read, or any bad row, is a ServiceError naming `file` that lists the rows and what is wrong with each."""
    from aiplus.compute.simulator.workloads import JobLogError, parse_job_log

    text = imports.decode(imports.read_upload(upload))
    try:
        jobs, problems = parse_job_log(text)
    except JobLogError as refused:
        raise ServiceError(f"log_{refused.code}", LOG_PROBLEMS[refused.code] % refused.params, "file") from None
    if problems:
        lines = "；".join(
            str(_("第 %(row)s 行 %(column)s：%(problem)s%(value)s")) % {
                "row": p.row, "column": p.column, "problem": ROW_PROBLEMS[p.code],
                "value": f"（{p.value}）" if p.value else ""} for p in problems)
        raise ServiceError("bad_rows", _("作业日志有 %(n)s 处错误，请改正后重新上传：%(rows)s") % {
            "n": len(problems), "rows": lines}, "file")
    return [[job.submit_s, job.gpus, job.duration_s, job.group] for job in jobs]


# The broker's time/cost/carbon weighting a study may set: patience up to a day, a carbon price up to 10 CNY/kg
# (a hundred times a carbon-market price; beyond it the price no longer reorders real centres).
BROKER_WEIGHTING = {"broker_patience_s": ("compute.broker_patience_s", Decimal("86400")),
                    "broker_carbon_cny_per_kg": ("compute.broker_carbon_cny_per_kg", Decimal("10"))}


def broker_weighting(patience_s: Any = None, carbon_cny_per_kg: Any = None) -> dict[str, Any]:
    """The broker's weighting for a study: each value given (checked within its bound) or the platform setting of
    today, with where each came from ("study" or "platform")."""
    from aiplus.regulation.runtime import parameters

    chosen: dict[str, Any] = {"broker_weighting_set_by": {}}
    for field, given in (("broker_patience_s", patience_s), ("broker_carbon_cny_per_kg", carbon_cny_per_kg)):
        key, maximum = BROKER_WEIGHTING[field]
        if given is None or str(given).strip() == "":
            chosen[field] = float(parameters().value(key, timezone.localdate()))
            chosen["broker_weighting_set_by"][field] = "platform"
        else:
            chosen[field] = float(_decimal(str(given).strip()[:40], field, maximum=maximum))
            chosen["broker_weighting_set_by"][field] = "study"
    return chosen


@transaction.atomic
def start_savings_study(*, acting_user: User, region: str, source: str = "generated", upload: Any = None,
                        seed: Any = 2026, centre_ids: list[int] | None = None, days: Any = 3,
                        max_jobs: Any = 1500, target_load: Any = "0.85", broker_patience_s: Any = None,
                        broker_carbon_cny_per_kg: Any = None) -> SavingsStudy:
    """Simulate the region's registered centres (all, or those chosen) on a workload in the background, every
    dispatch policy against local-only, with the bounds. The broker's weighting (patience, carbon price) is the
    platform setting unless the study sets it, within BROKER_WEIGHTING_BOUNDS."""
    place = _jurisdiction(region, "region")
    if not acting_user.is_superuser and place.pk not in permissions.user_jurisdiction_ids(acting_user, "add"):
        raise PermissionDeniedError()
    if source not in STUDY_SOURCES:
        raise ServiceError("unknown_source", _("未知的作业来源“%(t)s”。") % {"t": str(source)[:40]}, "source")
    options: dict[str, Any] = {
        "days": float(_decimal(days, "days", strict=True, maximum=Decimal("60"))),
        "max_jobs": _integer(max_jobs, "max_jobs", minimum=10),
        "target_load": float(_decimal(target_load, "target_load", strict=True, maximum=Decimal("2"))),
        "seed": _integer(seed, "seed", minimum=0)}
    options.update(broker_weighting(broker_patience_s, broker_carbon_cny_per_kg))
    if options["max_jobs"] > 20000:
        raise ServiceError("out_of_range", _("“%(field)s”不能大于 %(max)s。") % {"field": "max_jobs", "max": 20000},
                           "max_jobs")
    if options["seed"] > 2**31:
        raise ServiceError("out_of_range", _("“%(field)s”不能大于 %(max)s。") % {"field": "seed", "max": 2**31},
                           "seed")
    centres = region_centres(place)
    if not centres:
        raise ServiceError("no_centres", _("该地区没有登记资源池的算力中心。"), "region")
    if centre_ids:
        known = {c.pk for c in centres}
        if not set(centre_ids) <= known:
            raise ServiceError("unknown_centre", _("所选算力中心不在该地区。"), "centres")
        options["centre_ids"] = sorted(set(centre_ids))
    workload: list[list[Any]] = []
    if source == "philly" and not (traces_dir() / TRACES["philly"]).is_file():
        raise ServiceError("trace_missing", _("本机没有公开轨迹文件：请选择生成的作业，或上传本地区的作业日志。"),
                           "source")
    if source == "uploaded":
        workload = read_job_log(upload)
        options["rows"] = len(workload)
    study = SavingsStudy.objects.create(jurisdiction=place, started_by=acting_user, trace=source,
                                        parameters=options, workload=workload)
    audit.record(actor=acting_user, action="compute.savings.started", instance=study)
    from aiplus.compute.tasks import run_savings_study

    _start_job_on(study, acting_user=acting_user, name=f"compute savings study #{study.pk}", task=run_savings_study,
                  total=6, study_id=study.pk)
    return study


@transaction.atomic
def finish_savings_study(*, acting_user: User | None, study_id: int, result: dict[str, Any] | None = None,
                         message: str = "") -> SavingsStudy:
    """Store a study's outcome (run by the task; `acting_user` None is the system)."""
    study = SavingsStudy.objects.select_for_update().get(pk=study_id)
    before = audit.snapshot(study)
    if study.status != SavingsStudy.Status.RUNNING:
        raise ServiceError("already_finished", _("该模拟已结束。"), "study")
    study.status = SavingsStudy.Status.DONE if result is not None else SavingsStudy.Status.FAILED
    study.result = result or {}
    study.message = message[:300]
    study.save(update_fields=["status", "result", "message", "updated_at"])
    audit.record(actor=acting_user, action="compute.savings.finished", instance=study, before=before)
    return study
