"""Writes of capability profiles (能力清单) and the application service-provider pool (服务商资源池)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, domains, permissions
from aiplus.core.access import get_for
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import User
from aiplus.scenarios import pack_rules, search
from aiplus.scenarios.models import CapabilityProfile, PoolMembership, PoolStatus
from aiplus.scenarios.services._shared import _codes, _jurisdiction, _organisation_for, _queue_matching, _text


@transaction.atomic
def save_profile(*, acting_user: User, organisation_id: int, profile_id: int | None = None, **data: Any
                 ) -> CapabilityProfile:
    organisation = _organisation_for(acting_user, organisation_id)
    products = _text(data.get("products"), "products", 200)
    description = _text(data.get("description"), "description")
    areas = [pack_rules.normalise_domain(d) for d in _codes(data.get("domains"))]
    if not areas:
        raise ServiceError("required", _("至少选择一个场景领域。"), "domains")
    low = domains.clean(CapabilityProfile, "price_min_cny", data.get("price_min_cny"))
    high = domains.clean(CapabilityProfile, "price_max_cny", data.get("price_max_cny"))
    if low is not None and high is not None and low > high:
        raise ServiceError("price_range", _("报价下限不能高于报价上限。"), "price_min_cny")
    regions = _codes(data.get("regions_served"))
    for code in regions:
        _jurisdiction(code, "regions_served")
    values = {"products": products, "description": description, "domains": areas,
              "technologies": _codes(data.get("technologies")), "qualifications": _codes(data.get("qualifications")),
              "models_used": _codes(data.get("models_used")),
              "reference_cases": str(data.get("reference_cases") or "").strip(),
              "regions_served": regions, "price_min_cny": low, "price_max_cny": high,
              "is_published": bool(data.get("is_published", True))}
    if profile_id:
        profile = get_for(acting_user, "change", CapabilityProfile, pk=profile_id)
        if profile.organisation_id != organisation.pk:
            raise ServiceError("organisation_mismatch", _("能力清单不属于所选组织。"), "organisation")
        before = audit.snapshot(profile)
        for key, value in values.items():
            setattr(profile, key, value)
        profile.search_tokens = search.profile_tokens(profile)
        profile.save()
    else:
        before = None
        profile = CapabilityProfile(organisation=organisation, jurisdiction_id=organisation.jurisdiction_id, **values)
        profile.search_tokens = search.profile_tokens(profile)
        profile.save(force_insert=True)
    audit.record(actor=acting_user, action="scenarios.profile.saved", instance=profile, before=before)
    _queue_matching("profile", profile.pk)
    return profile


@transaction.atomic
def apply_to_pool(*, acting_user: User, organisation_id: int, jurisdiction: str | int) -> PoolMembership:
    organisation = _organisation_for(acting_user, organisation_id)
    place = _jurisdiction(jurisdiction)
    if not CapabilityProfile.objects.filter(organisation=organisation).exists():
        raise ServiceError("profile_required", _("申请入库前须先填写能力清单。"), "organisation")
    if PoolMembership.objects.filter(organisation=organisation, jurisdiction=place).exists():
        raise ServiceError("already_applied", _("已申请该辖区的服务商资源池。"), "jurisdiction")
    membership = PoolMembership.objects.create(organisation=organisation, jurisdiction=place)
    audit.record(actor=acting_user, action="scenarios.pool.applied", instance=membership, before=None)
    return membership


@transaction.atomic
def decide_pool(*, acting_user: User, membership_id: int, admit: bool, note: str = "") -> PoolMembership:
    membership = PoolMembership.objects.select_related("organisation").filter(pk=membership_id).first()
    if membership is None:
        raise NotFoundError()
    if acting_user.is_superuser is False and membership.jurisdiction_id not in \
            permissions.user_jurisdiction_ids(acting_user, "change"):
        raise PermissionDeniedError(_("只有该辖区主管部门可以决定入库。"))
    if membership.status != PoolStatus.PENDING:
        raise ServiceError("already_decided", _("该申请已有决定。"), "status")
    if not admit and not note.strip():
        raise ServiceError("required", _("不予入库须说明理由。"), "note")
    before = audit.snapshot(membership)
    membership.status = PoolStatus.ADMITTED if admit else PoolStatus.REJECTED
    membership.note = note.strip()[:300]
    membership.decided_by = acting_user
    membership.save()
    audit.record(actor=acting_user, action="scenarios.pool.decided", instance=membership, before=before)
    return membership
