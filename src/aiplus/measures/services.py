"""Writes of the measures app: each one atomic function, permission checked first, bad input a ServiceError naming
the field, exactly one audit row.

Registers (Suzhou draft arts. 43–45, Guangdong draft arts. 25, 28–29): a member of an organisation submits a record
with its evidence; an official of the organisation's jurisdiction who is neither the submitter nor a member of the
organisation verifies or rejects it. Finance (Suzhou art. 40, Guangdong art. 26): a financial institution's member
publishes an offer; a firm's member makes a request (matched on reading) and records the financing obtained.
Indicators (Suzhou arts. 41–42, Guangdong arts. 12–13): an official of the organisation's jurisdiction records them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, domains, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import Organisation, OrganisationKind, User
from aiplus.departments import work
from aiplus.measures import selectors
from aiplus.measures.models import (
    CATEGORIES,
    FinanceOffer,
    FinancingRequest,
    Indicators,
    OfferKind,
    Record,
    RecordStatus,
    Register,
    RequestStatus,
    Stage,
)
from aiplus.scenarios import pack_rules

FIRMS = (OrganisationKind.ENTERPRISE, OrganisationKind.OPC)


def _member_of(acting_user: User, organisation_id: Any, field: str = "organisation_id") -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first() if str(organisation_id or "").isdigit() \
        else None
    if organisation is None:
        raise ServiceError("unknown_organisation", _("组织不存在。"), field, status=404)
    if not (acting_user.is_superuser or organisation.pk in permissions.user_organisation_ids(acting_user, "add")):
        raise PermissionDeniedError(_("只有本单位成员可以办理。"))
    return organisation


def _official_of(acting_user: User, jurisdiction_id: int) -> None:
    if not (acting_user.is_superuser or jurisdiction_id in permissions.user_jurisdiction_ids(acting_user, "add")):
        raise PermissionDeniedError(_("只有该单位所在辖区的主管部门工作人员可以办理。"))


def _codes(values: Any, allowed: set[str], field: str, *, required: bool = True) -> list[str]:
    if isinstance(values, str):
        values = [values]
    values = list(dict.fromkeys(str(v) for v in (values or [])))
    if required and not values:
        raise ServiceError("required", _("请至少选择一项。"), field)
    unknown = [v for v in values if v not in allowed]
    if unknown or len(values) > 40:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": (unknown or values)[0][:40]}, field)
    return values


# -- registers -----------------------------------------------------------------------------------------------------

@transaction.atomic
def submit_record(*, acting_user: User, organisation_id: Any, registry: str, category: str, title: str,
                  number: str, granted_on: Any, evidence: str, role: str = "") -> Record:
    """A member of an organisation enters a talent award, a patent or software copyright, or a standard with its
    evidence; it counts once an official verifies it."""
    organisation = _member_of(acting_user, organisation_id)
    if registry not in Register.values:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(registry)[:40]}, "registry")
    if category not in CATEGORIES[registry]:
        raise ServiceError("invalid_choice", _("该登记簿没有这个类别。"), "category")
    if registry == Register.STANDARD and role not in ("led", "joined"):
        raise ServiceError("required", _("请选择主导制定或参与制定。"), "role")
    if registry != Register.STANDARD:
        role = ""
    if isinstance(granted_on, dt.date) and granted_on > timezone.localdate():
        raise ServiceError("in_future", _("日期不能晚于今天。"), "granted_on")
    record = Record(organisation=organisation, jurisdiction_id=organisation.jurisdiction_id, registry=registry,
                    category=category, role=role, title=str(title or "").strip(), number=str(number or "").strip(),
                    granted_on=granted_on, evidence=str(evidence or "").strip(), submitted_by=acting_user)
    domains.full_clean(record)
    if record.granted_on > timezone.localdate():
        raise ServiceError("in_future", _("日期不能晚于今天。"), "granted_on")
    record.save()
    work.open_work(code=work.MEASURES_VERIFICATION, subject=record, jurisdiction=organisation.jurisdiction,
                   title=record.title, link=f"/measures/records/{record.pk}/")
    audit.record(actor=acting_user, action="measures.record.submitted", instance=record)
    return record


@transaction.atomic
def verify_record(*, acting_user: User, record_id: int, approve: bool, note: str = "") -> Record:
    """An official of the organisation's jurisdiction, neither the submitter nor one of its members, checks the
    evidence: verified records count as facts, rejected ones do not."""
    if not selectors.records(acting_user).filter(pk=record_id).exists():
        raise NotFoundError()
    record = Record.objects.select_for_update().get(pk=record_id)
    _official_of(acting_user, record.jurisdiction_id)
    if record.submitted_by_id == acting_user.pk or \
            record.organisation_id in permissions.user_organisation_ids(acting_user, "view"):
        raise PermissionDeniedError(_("不能核验本人或本单位登记的记录。"))
    if record.status != RecordStatus.SUBMITTED:
        raise ServiceError("wrong_state", _("记录当前状态为“%(s)s”，不能核验。") % {"s": record.get_status_display()},
                           "status", status=409)
    note = str(note or "").strip()
    if not approve and not note:
        raise ServiceError("required", _("核验未通过时请说明理由。"), "note")
    before = audit.snapshot(record)
    record.status = RecordStatus.VERIFIED if approve else RecordStatus.REJECTED
    record.note = note
    record.verified_by = acting_user
    record.verified_at = timezone.now()
    domains.full_clean(record)
    record.save()
    work.close_work(subject=record, code=work.MEASURES_VERIFICATION)
    audit.record(actor=acting_user, action="measures.record.verified" if approve else "measures.record.rejected",
                 instance=record, before=before)
    return record


# -- finance -------------------------------------------------------------------------------------------------------

def sector_codes() -> set[str]:
    return {code for code, _label in pack_rules.domain_choices()}


@transaction.atomic
def publish_offer(*, acting_user: User, organisation_id: Any, title: str, kind: str, terms: str, sectors: Any,
                  stages: Any, amount_min_cny: Any, amount_max_cny: Any, nationwide: bool = False) -> FinanceOffer:
    """A member of a financial institution (or an institution that runs a guarantee scheme or a fund) publishes
    what it offers."""
    organisation = _member_of(acting_user, organisation_id)
    if organisation.kind != OrganisationKind.FINANCIAL_INSTITUTION:
        raise ServiceError("not_financial", _("只有金融机构可以发布金融产品。"), "organisation_id")
    low = domains.clean(FinanceOffer, "amount_min_cny", amount_min_cny)
    high = domains.clean(FinanceOffer, "amount_max_cny", amount_max_cny)
    if low > high:
        raise ServiceError("range", _("单笔最高金额不能低于最低金额。"), "amount_max_cny")
    offer = FinanceOffer(organisation=organisation, jurisdiction_id=organisation.jurisdiction_id,
                         title=str(title or "").strip(), kind=kind, terms=str(terms or "").strip(),
                         sectors=_codes(sectors, sector_codes(), "sectors"),
                         stages=_codes(stages, set(Stage.values), "stages"), nationwide=bool(nationwide),
                         amount_min_cny=low, amount_max_cny=high, published_by=acting_user)
    domains.full_clean(offer)
    offer.save()
    audit.record(actor=acting_user, action="measures.offer.published", instance=offer)
    return offer


@transaction.atomic
def create_request(*, acting_user: User, organisation_id: Any, title: str, purpose: str, sector: str, stage: str,
                   amount_cny: Any, kinds: Any = None) -> FinancingRequest:
    """A firm's member says what financing it needs; the matches are computed when the request is read."""
    organisation = _member_of(acting_user, organisation_id)
    if organisation.kind not in FIRMS:
        raise ServiceError("not_a_firm", _("只有企业或一人公司可以提出融资需求。"), "organisation_id")
    if sector not in sector_codes():
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(sector)[:40]}, "sector")
    request = FinancingRequest(organisation=organisation, jurisdiction_id=organisation.jurisdiction_id,
                               title=str(title or "").strip(), purpose=str(purpose or "").strip(), sector=sector,
                               stage=stage, kinds=_codes(kinds, set(OfferKind.values), "kinds", required=False),
                               amount_cny=domains.clean(FinancingRequest, "amount_cny", amount_cny),
                               submitted_by=acting_user)
    domains.full_clean(request)
    request.save()
    audit.record(actor=acting_user, action="measures.request.created", instance=request)
    return request


@transaction.atomic
def record_financing(*, acting_user: User, request_id: int, offer_id: Any) -> FinancingRequest:
    """The firm records which published offer financed the request (a bank loan makes it eligible for the loan
    interest subsidy)."""
    if not selectors.requests(acting_user).filter(pk=request_id).exists():
        raise NotFoundError()
    request = FinancingRequest.objects.select_for_update().get(pk=request_id)
    _member_of(acting_user, request.organisation_id)
    if request.status != RequestStatus.OPEN:
        raise ServiceError("wrong_state", _("该融资需求已登记获得融资。"), "status", status=409)
    offer = selectors.published_offers().filter(pk=offer_id).first() if str(offer_id or "").isdigit() else None
    if offer is None:
        raise ServiceError("unknown_offer", _("没有这个已发布的金融产品。"), "offer_id")
    before = audit.snapshot(request)
    request.status = RequestStatus.FINANCED
    request.secured_offer = offer
    request.save(update_fields=["status", "secured_offer", "updated_at"])
    audit.record(actor=acting_user, action="measures.request.financed", instance=request, before=before)
    return request


# -- indicators ----------------------------------------------------------------------------------------------------

@transaction.atomic
def record_indicators(*, acting_user: User, organisation_id: Any, year: Any, source: str, area_m2: Any = None,
                      occupied_m2: Any = None, firms: Any = None, output_cny: Any = None,
                      revenue_growth_pct: Any = None, valuation_cny: Any = None) -> Indicators:
    """An official of the organisation's jurisdiction records (or corrects) its current figures: a park's area,
    occupancy, firms and output; a research carrier's firms served and output; a firm's revenue, growth and
    valuation."""
    organisation = Organisation.objects.filter(pk=organisation_id).first() if str(organisation_id or "").isdigit() \
        else None
    if organisation is None:
        raise ServiceError("unknown_organisation", _("组织不存在。"), "organisation_id", status=404)
    _official_of(acting_user, organisation.jurisdiction_id)
    if organisation.pk in permissions.user_organisation_ids(acting_user, "view"):
        raise PermissionDeniedError(_("不能录入本单位的指标。"))
    if not str(year or "").isdigit() or not 2000 <= int(year) <= timezone.localdate().year:
        raise ServiceError("out_of_range", _("统计年度须在2000年至今年之间。"), "year")
    existing = Indicators.objects.select_for_update().filter(organisation=organisation).first()
    before = audit.snapshot(existing)
    row = existing or Indicators(organisation=organisation, jurisdiction_id=organisation.jurisdiction_id)
    row.year = int(year)
    row.source = str(source or "").strip()
    row.recorded_by = acting_user
    for name, value in (("area_m2", area_m2), ("occupied_m2", occupied_m2), ("firms", firms),
                        ("output_cny", output_cny), ("revenue_growth_pct", revenue_growth_pct),
                        ("valuation_cny", valuation_cny)):
        setattr(row, name, domains.clean(Indicators, name, value))
    if row.area_m2 is not None and row.occupied_m2 is not None and row.occupied_m2 > row.area_m2:
        raise ServiceError("range", _("已入驻面积不能大于建筑面积。"), "occupied_m2")
    domains.full_clean(row)
    row.save()
    audit.record(actor=acting_user, action="measures.indicators.recorded", instance=row, before=before)
    return row
