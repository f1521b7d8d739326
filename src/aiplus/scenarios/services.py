"""Every write of the scenarios module: one function each, one transaction, one audit event.

Workflow moves (submit, review, publish, open a call, public notice, award) go through `Workflow.apply`, which
writes the history row and the audit event itself.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, permissions
from aiplus.core.access import get_for
from aiplus.core.calendar import add_working_days
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import Jurisdiction, Organisation, RoleAssignment, User
from aiplus.core.services import notify
from aiplus.scenarios import pack_rules, search, selectors
from aiplus.scenarios.models import (
    Application,
    ApplicationStatus,
    CallStatus,
    CapabilityProfile,
    Case,
    Kpi,
    Measurement,
    Milestone,
    Need,
    NeedStatus,
    Objection,
    OpenCall,
    Pilot,
    PilotStatus,
    PoolMembership,
    PoolStatus,
    ScenarioList,
    Score,
    Visibility,
)


def _today() -> dt.date:
    return timezone.localdate()


def _jurisdiction(value: str | int | Jurisdiction, field: str = "jurisdiction") -> Jurisdiction:
    if isinstance(value, Jurisdiction):
        return value
    lookup = {"pk": value} if isinstance(value, int) else {"code": value}
    found = Jurisdiction.objects.select_related("parent__parent__parent").filter(**lookup).first()
    if found is None:
        raise ServiceError("unknown_jurisdiction", _("辖区不存在：%(v)s") % {"v": value}, field)
    return found


def _money(value: Any, field: str, *, required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise ServiceError("required", _("此项为必填项。"), field)
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError("invalid_amount", _("金额须为数字（元）。"), field) from None
    if not amount.is_finite() or amount < 0:
        raise ServiceError("invalid_amount", _("金额不能为负数。"), field)
    return amount.quantize(Decimal("0.01"))


def _text(value: Any, field: str, max_length: int | None = None) -> str:
    text = str(value or "").strip()
    if not text:
        raise ServiceError("required", _("此项为必填项。"), field)
    if max_length and len(text) > max_length:
        raise ServiceError("too_long", _("不能超过%(n)s个字符。") % {"n": max_length}, field)
    return text


def _clean_kpis(kpis: Any) -> list[dict[str, Any]]:
    if not kpis:
        raise ServiceError("kpis_required", _("至少填写一项可量化的验收指标。"), "kpis")
    clean = []
    for index, raw in enumerate(kpis):
        prefix = f"kpis[{index}]"
        name = str(raw.get("name") or "").strip()
        if not name:
            raise ServiceError("required", _("第%(n)s项验收指标缺少名称。") % {"n": index + 1}, f"{prefix}.name")
        target = raw.get("target_value")
        try:
            value = Decimal(str(target))
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise ServiceError("kpi_target_invalid", _("验收指标“%(k)s”的目标值须为数字。") % {"k": name},
                               f"{prefix}.target_value") from None
        unit = str(raw.get("unit") or "").strip()
        if not unit:
            raise ServiceError("kpi_unit_required", _("验收指标“%(k)s”缺少计量单位。") % {"k": name},
                               f"{prefix}.unit")
        clean.append({"name": name[:120], "target_value": value, "unit": unit[:30],
                      "higher_is_better": bool(raw.get("higher_is_better", True))})
    return clean


def _check_budget(low: Decimal | None, high: Decimal | None) -> None:
    if low is not None and high is not None and low > high:
        raise ServiceError("budget_range", _("预算下限不能高于预算上限。"), "budget_min_cny")


def _organisation_for(user: User, organisation_id: Any, field: str = "organisation") -> Organisation:
    try:
        organisation = Organisation.objects.select_related("jurisdiction").get(pk=int(organisation_id))
    except (Organisation.DoesNotExist, TypeError, ValueError):
        raise ServiceError("unknown_organisation", _("组织不存在。"), field) from None
    if not permissions.can_create_in(user, organisation_id=organisation.pk,
                                     jurisdiction_id=organisation.jurisdiction_id):
        raise PermissionDeniedError(_("您不能代表该组织操作。"))
    return organisation


def _queue_matching(kind: str, pk: int) -> None:
    from aiplus.scenarios.tasks import refresh_matching

    transaction.on_commit(lambda: refresh_matching.enqueue(kind, pk))


# -- needs -------------------------------------------------------------------------------------------------------

def _need_fields(jurisdiction: Jurisdiction, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["title"] = _text(data.get("title"), "title", 200)
    out["domain"] = pack_rules.normalise_domain(data.get("domain", ""))
    out["problem"] = _text(data.get("problem"), "problem")
    out["data_offered"] = str(data.get("data_offered") or "").strip()
    out["required_qualifications"] = _codes(data.get("required_qualifications"))
    low = _money(data.get("budget_min_cny"), "budget_min_cny")
    high = _money(data.get("budget_max_cny"), "budget_max_cny")
    _check_budget(low, high)
    out["budget_min_cny"], out["budget_max_cny"] = low, high
    out["first_purchase"] = bool(data.get("first_purchase", False))
    deadline = data.get("deadline")
    if isinstance(deadline, str):
        try:
            deadline = dt.date.fromisoformat(deadline) if deadline else None
        except ValueError:
            raise ServiceError("invalid_date", _("日期格式应为 YYYY-MM-DD。"), "deadline") from None
    if deadline is not None and deadline < _today():
        raise ServiceError("deadline_past", _("截止日期不能早于今天。"), "deadline")
    out["deadline"] = deadline
    visibility = data.get("visibility") or Visibility.PUBLIC
    if visibility not in Visibility.values:
        raise ServiceError("invalid_choice", _("可见范围无效。"), "visibility")
    out["visibility"] = visibility
    return out


def _check_place_of(organisation: Organisation, place: Jurisdiction, acting_user: User) -> None:
    """A need is located where its owner is: the organisation's jurisdiction, a place below it, or a place above it
    (a district company's city-wide scenario); elsewhere only an official of that place may put it (hardening:
    records were created in jurisdictions the actor does not belong to)."""
    own = organisation.jurisdiction_id
    if place.pk in permissions.jurisdiction_ids_in_scope(own) or own in permissions.jurisdiction_ids_in_scope(place.pk):
        return
    if acting_user.is_superuser or place.pk in permissions.user_jurisdiction_ids(acting_user, "add"):
        return
    raise ServiceError("outside_jurisdiction", _("场景所在地须为本单位所在辖区或其上下级辖区。"), "jurisdiction",
                       status=403)


@transaction.atomic
def create_need(*, acting_user: User, organisation_id: int, jurisdiction: str | int | Jurisdiction,
                kpis: list[dict[str, Any]],
                replicated_from: Case | None = None, audit_event: bool = True, **data: Any) -> Need:
    place = _jurisdiction(jurisdiction)
    organisation = _organisation_for(acting_user, organisation_id)
    _check_place_of(organisation, place, acting_user)
    fields = _need_fields(place, data)
    clean_kpis = _clean_kpis(kpis)
    need = Need(owner=organisation, jurisdiction=place, created_by=acting_user,
                responsible_department=pack_rules.responsible_department(place), replicated_from=replicated_from,
                **fields)
    need.search_tokens = search.need_tokens(need)
    need.save(force_insert=True)
    Kpi.objects.bulk_create([Kpi(need=need, **k) for k in clean_kpis])
    if audit_event:  # an Excel import records one event for all its rows
        action = "scenarios.need.replicated" if replicated_from else "scenarios.need.created"
        audit.record(actor=acting_user, action=action, instance=need, before=None)
    return need


@transaction.atomic
def update_need(*, acting_user: User, need_id: int, kpis: list[dict[str, Any]] | None = None, **data: Any) -> Need:
    need = get_for(acting_user, "change", Need, pk=need_id)
    if not acting_user.is_superuser and need.owner_id not in permissions.user_organisation_ids(acting_user, "change"):
        raise PermissionDeniedError(_("只有场景提出单位可以修改场景需求。"))
    if need.status != NeedStatus.DRAFT:
        raise ServiceError("not_draft", _("只有草稿状态的场景需求可以修改。"), "status")
    before = audit.snapshot(need)
    merged = {f: getattr(need, f) for f in ("title", "domain", "problem", "data_offered", "required_qualifications",
                                             "budget_min_cny", "budget_max_cny", "first_purchase", "deadline",
                                             "visibility")}
    merged.update(data)
    for key, value in _need_fields(need.jurisdiction, merged).items():
        setattr(need, key, value)
    if kpis is not None:
        clean = _clean_kpis(kpis)
        need.kpis.all().delete()
        Kpi.objects.bulk_create([Kpi(need=need, **k) for k in clean])
    need.search_tokens = search.need_tokens(need)
    need.save()
    audit.record(actor=acting_user, action="scenarios.need.updated", instance=need, before=before)
    return need


def transition_need(*, acting_user: User, need_id: int, transition: str, comment: str = "") -> Need:
    need = get_for(acting_user, "view", Need, pk=need_id)
    if transition == "publish":
        raise ServiceError("publish_by_list", _("场景需求须通过场景清单批次发布。"), "transition")
    if transition == "submit" and not need.kpis.exists():
        raise ServiceError("kpis_required", _("至少填写一项可量化的验收指标。"), "kpis")
    was_published = need.status == NeedStatus.PUBLISHED
    result = pack_rules.need_workflow(need).apply(need, transition, acting_user=acting_user, comment=comment)
    if was_published:  # a closed or withdrawn need leaves the matching index (in the background)
        _queue_matching("need", need.pk)
    return result  # type: ignore[return-value]


@transaction.atomic
def publish_list(*, acting_user: User, jurisdiction: str | int, need_ids: list[int],
                 co_publishers: list[str] | None = None) -> ScenarioList:
    """Publish reviewed needs as the next numbered batch, e.g. 苏州市2026年第1批.

    One audit event for the batch; each need's move to "published" is also recorded by the workflow."""
    place = _jurisdiction(jurisdiction)
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError(_("只有本辖区主管部门可以发布场景清单。"))
    if not need_ids:
        raise ServiceError("needs_required", _("请至少选择一项已审核的场景需求。"), "need_ids")
    needs = list(Need.objects.restrict(acting_user, "change").select_related("jurisdiction__parent__parent")
                 .filter(pk__in=need_ids))
    if len(needs) != len(set(need_ids)):
        raise ServiceError("unknown_need", _("所选场景需求不存在或不属于本辖区。"), "need_ids")
    for need in needs:
        if need.status != NeedStatus.REVIEWED:
            raise ServiceError("not_reviewed", _("“%(t)s”尚未审核通过，不能发布。") % {"t": need.title}, "need_ids")
    partners = [_jurisdiction(code, "co_publishers") for code in (co_publishers or [])]
    if any(p.pk == place.pk for p in partners):
        raise ServiceError("co_publisher_self", _("联合发布辖区不能是发布辖区本身。"), "co_publishers")
    today = _today()
    number = (ScenarioList.objects.filter(jurisdiction=place, year=today.year).order_by("-number")
              .values_list("number", flat=True).first() or 0) + 1
    batch = ScenarioList.objects.create(
        jurisdiction=place, year=today.year, number=number, published_on=today,
        title=f"{place.name_zh}{today.year}年第{number}批", department=pack_rules.responsible_department(place))
    batch.co_publishers.set(partners)
    audit.record(actor=acting_user, action="scenarios.list.published", instance=batch, before=None)
    for need in needs:
        Need.objects.filter(pk=need.pk).update(scenario_list=batch)
        need.scenario_list = batch
        need.co_publishers.add(*partners)
        pack_rules.need_workflow(need).apply(need, "publish", acting_user=acting_user, comment=batch.title)
        _queue_matching("need", need.pk)
    return batch


@transaction.atomic
def co_publish_need(*, acting_user: User, need_id: int, jurisdictions: list[str]) -> Need:
    """Add partner jurisdictions that co-publish a reviewed or published need; their officials then see it.

    Only officials of the need's own jurisdiction decide; Guangdong sets how many jurisdictions a joint scenario
    needs at least (a pack parameter)."""
    need = Need.objects.select_related("jurisdiction__parent__parent").filter(pk=need_id).first()
    if need is None or not (
            Need.objects.restrict(acting_user, "view").filter(pk=need_id).exists()
            or need.co_publishers.filter(pk__in=permissions.user_jurisdiction_ids(acting_user, "view")).exists()):
        raise NotFoundError()
    if not acting_user.is_superuser and \
            need.jurisdiction_id not in permissions.user_jurisdiction_ids(acting_user, "change"):
        raise PermissionDeniedError(_("只有场景所在辖区的主管部门可以联合发布。"))
    if need.status not in (NeedStatus.REVIEWED, NeedStatus.PUBLISHED):
        raise ServiceError("not_reviewed", _("只有已审核或已发布的场景需求可以联合发布。"), "status")
    codes = _codes(jurisdictions)
    if not codes:
        raise ServiceError("required", _("请至少选择一个联合发布辖区。"), "jurisdictions")
    partners = [_jurisdiction(code, "jurisdictions") for code in codes]
    if any(p.pk == need.jurisdiction_id for p in partners):
        raise ServiceError("co_publisher_self", _("联合发布辖区不能是发布辖区本身。"), "jurisdictions")
    if len({p.pk for p in partners}) != len(partners):
        raise ServiceError("duplicate", _("联合发布辖区重复。"), "jurisdictions")
    existing = set(need.co_publishers.values_list("pk", flat=True))
    if any(p.pk in existing for p in partners):
        raise ServiceError("already_co_publisher", _("该辖区已是联合发布辖区。"), "jurisdictions")
    minimum = int(pack_rules.param(need.jurisdiction, "scenarios", "joint_scenario_min_jurisdictions")) \
        if pack_rules.pack_of(need.jurisdiction) == "guangdong" else 2
    if 1 + len(existing) + len(partners) < minimum:
        raise ServiceError("too_few_jurisdictions", _("联合开发场景至少需要%(n)s个地区参与。") % {"n": minimum},
                           "jurisdictions")
    need.co_publishers.add(*partners)
    officials = RoleAssignment.objects.select_related("user").filter(
        role=permissions.OFFICIAL, active=True, jurisdiction__in=partners)
    for assignment in officials:
        notify(recipient=assignment.user, verb="scenarios.co_published",
               title=_("联合发布场景需求：%(t)s"), body=_("发起辖区：%(place)s"),
               params={"t": need.title, "place": {"zh-hans": need.jurisdiction.name_zh,
                                                  "en": need.jurisdiction.name_en or need.jurisdiction.name_zh}},
               link=f"/scenarios/needs/{need.pk}/", target=need)
    audit.record(actor=acting_user, action="scenarios.need.co_published", instance=need,
                 before={"co_publishers": sorted(existing)},
                 after={"co_publishers": sorted(existing | {p.pk for p in partners})})
    return need


# -- capability profiles and the provider pool ----------------------------------------------------------------------

def _codes(values: Any) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").split(",")
    return [str(v).strip() for v in (values or []) if str(v).strip()]


@transaction.atomic
def save_profile(*, acting_user: User, organisation_id: int, profile_id: int | None = None, **data: Any
                 ) -> CapabilityProfile:
    organisation = _organisation_for(acting_user, organisation_id)
    products = _text(data.get("products"), "products", 200)
    description = _text(data.get("description"), "description")
    domains = [pack_rules.normalise_domain(d) for d in _codes(data.get("domains"))]
    if not domains:
        raise ServiceError("required", _("至少选择一个场景领域。"), "domains")
    low = _money(data.get("price_min_cny"), "price_min_cny", required=False)
    high = _money(data.get("price_max_cny"), "price_max_cny", required=False)
    if low is not None and high is not None and low > high:
        raise ServiceError("price_range", _("报价下限不能高于报价上限。"), "price_min_cny")
    regions = _codes(data.get("regions_served"))
    for code in regions:
        _jurisdiction(code, "regions_served")
    values = {"products": products, "description": description, "domains": domains,
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


# -- open calls ----------------------------------------------------------------------------------------------------

@transaction.atomic
def create_call(*, acting_user: User, jurisdiction: str | int, title: str, need_ids: list[int],
                closes_on: dt.date | str, rubric: list[dict[str, Any]] | None = None,
                reviewers: int | None = None) -> OpenCall:
    place = _jurisdiction(jurisdiction)
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError(_("只有本辖区主管部门可以发布揭榜挂帅榜单。"))
    title, closes_on, needs, rubric, size = _call_fields(acting_user, place, title, closes_on, need_ids, rubric,
                                                         reviewers)
    keys = {name: pack_rules.param_key(place, "opencalls", name) for name in (
        "max_applications_per_applicant", "max_selected_per_need", "max_successful_per_need",
        "trim_extremes", "trim_extremes_min_reviewers")}
    call = OpenCall.objects.create(
        title=title, jurisdiction=place, closes_on=closes_on, created_by=acting_user, rubric=rubric,
        require_independent_legal_person=True,
        max_applications_per_applicant=int(pack_rules.param(place, "opencalls", "max_applications_per_applicant")),
        max_selected_per_need=int(pack_rules.param(place, "opencalls", "max_selected_per_need")),
        max_successful_per_need=int(pack_rules.param(place, "opencalls", "max_successful_per_need")),
        trim_extremes=bool(pack_rules.param(place, "opencalls", "trim_extremes")),
        trim_min_reviewers=int(pack_rules.param(place, "opencalls", "trim_extremes_min_reviewers")),
        reviewers=size, rules={"parameters": keys, "pack": pack_rules.pack_of(place)},
    )
    call.needs.set(needs)
    audit.record(actor=acting_user, action="scenarios.call.created", instance=call, before=None)
    return call


def _call_fields(acting_user: User, place: Jurisdiction, title: str, closes_on: dt.date | str,
                 need_ids: list[int], rubric: list[dict[str, Any]] | None, reviewers: int | str | None
                 ) -> tuple[str, dt.date, list[Need], list[dict[str, Any]], int]:
    """The fields an official sets on a call, checked the same way on creation and on every edit."""
    title = _text(title, "title", 200)
    if isinstance(closes_on, str):
        try:
            closes_on = dt.date.fromisoformat(closes_on)
        except ValueError:
            raise ServiceError("invalid_date", _("日期格式应为 YYYY-MM-DD。"), "closes_on") from None
    if closes_on < _today():
        raise ServiceError("deadline_past", _("申报截止日期不能早于今天。"), "closes_on")
    needs = list(Need.objects.restrict(acting_user, "change").filter(pk__in=need_ids or []))
    if not needs or len(needs) != len(set(need_ids)):
        raise ServiceError("unknown_need", _("请选择本辖区已发布的场景需求。"), "need_ids")
    for need in needs:
        if need.status != NeedStatus.PUBLISHED:
            raise ServiceError("not_published", _("“%(t)s”尚未发布，不能列入榜单。") % {"t": need.title}, "need_ids")
    rubric = _rubric(rubric or pack_rules.DEFAULT_RUBRIC)
    min_reviewers = int(pack_rules.parameters().value(
        pack_rules.param_or_default_key(place, "experts", "min_reviewers"), _today()))
    if reviewers in (None, ""):
        size = min_reviewers
    else:
        try:
            size = int(str(reviewers))
        except ValueError:
            raise ServiceError("invalid_number", _("评审专家人数须为整数。"), "reviewers") from None
    if size < min_reviewers:
        raise ServiceError("too_few_reviewers", _("评审专家不得少于%(n)s人。") % {"n": min_reviewers}, "reviewers")
    return title, closes_on, needs, rubric, size


def _rubric(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A weighted scoring rubric: each criterion has a unique code, a Chinese name (English optional) and a
    positive weight; weights are relative (the aggregate divides by their sum)."""
    clean: list[dict[str, Any]] = []
    for item in items:
        code = str(item.get("code") or "").strip()
        try:
            weight = Decimal(str(item.get("weight", 0)))
        except ArithmeticError:
            weight = Decimal(0)
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", code) or not weight.is_finite() or weight <= 0:
            raise ServiceError("rubric_invalid", _("评分细则每项须有代码和正权重。"), "rubric")
        if any(c["code"] == code for c in clean):
            raise ServiceError("rubric_duplicate", _("评分细则的代码“%(c)s”重复。") % {"c": code}, "rubric")
        name = str(item.get("name") or "").strip()[:100]
        if not name:
            raise ServiceError("rubric_unnamed", _("评分细则“%(c)s”须有名称。") % {"c": code}, "rubric")
        entry: dict[str, Any] = {"code": code, "name": name,
                                 "weight": int(weight) if weight == weight.to_integral() else float(weight)}
        if str(item.get("name_en") or "").strip():
            entry["name_en"] = str(item["name_en"]).strip()[:100]
        clean.append(entry)
    if not clean:
        raise ServiceError("rubric_invalid", _("评分细则每项须有代码和正权重。"), "rubric")
    return clean


@transaction.atomic
def update_call(*, acting_user: User, call_id: int, title: str, need_ids: list[int], closes_on: dt.date | str,
                rubric: list[dict[str, Any]] | None = None, reviewers: int | str | None = None) -> OpenCall:
    """Change a call while it is a draft; once open, applicants rely on its rules and it can no longer change."""
    call = OpenCall.objects.select_for_update().filter(pk=call_id).first()
    if call is None or not selectors.calls(acting_user).filter(pk=call_id).exists():
        raise NotFoundError()
    if not permissions.can(acting_user, "change", call):
        raise PermissionDeniedError(_("只有本辖区主管部门可以修改揭榜挂帅榜单。"))
    if call.status != CallStatus.DRAFT:
        raise ServiceError("not_draft", _("榜单发布后不能再修改。"), "status")
    before = audit.snapshot(call)
    call.title, call.closes_on, needs, call.rubric, call.reviewers = _call_fields(
        acting_user, call.jurisdiction, title, closes_on, need_ids, rubric, reviewers)
    call.save()
    call.needs.set(needs)
    audit.record(actor=acting_user, action="scenarios.call.updated", instance=call, before=before)
    return call


def transition_call(*, acting_user: User, call_id: int, transition: str, comment: str = "") -> OpenCall:
    call = OpenCall.objects.select_related("jurisdiction__parent__parent").filter(pk=call_id).first()
    # seen but not changeable (e.g. by a co-publishing partner's official) -> the workflow refuses with 403
    if call is None or not selectors.calls(acting_user).filter(pk=call_id).exists():
        raise NotFoundError()
    if transition in ("start_notice", "award"):
        raise ServiceError("use_service", _("请使用相应的公示或揭榜操作。"), "transition")
    return pack_rules.call_workflow(call).apply(call, transition, acting_user=acting_user,  # type: ignore[return-value]
                                           comment=comment)


@transaction.atomic
def apply_to_call(*, acting_user: User, call_id: int, need_id: int, organisation_id: int, proposal: str
                  ) -> Application:
    call = OpenCall.objects.filter(pk=call_id, is_published=True).first()
    if call is None:
        raise NotFoundError()
    organisation = _organisation_for(acting_user, organisation_id, "applicant")
    if call.status != CallStatus.OPEN or call.closes_on < _today():
        raise ServiceError("call_closed", _("该榜单不在申报期内。"), "call")
    if not call.needs.filter(pk=need_id).exists():
        raise ServiceError("need_not_in_call", _("所选场景需求不在该榜单中。"), "need")
    proposal = _text(proposal, "proposal")
    if call.require_independent_legal_person and not organisation.is_independent_legal_person:
        raise ServiceError("not_legal_person", _("申报主体须为独立法人。"), "applicant")
    if Need.objects.filter(pk=need_id, owner=organisation).exists():
        raise ServiceError("own_need", _("不能揭自己发布的榜。"), "need")
    if Application.objects.filter(call=call, need_id=need_id, applicant=organisation).exists():
        raise ServiceError("duplicate_application", _("已申报该榜单。"), "need")
    used = Application.objects.filter(call=call, applicant=organisation).count()
    if used >= call.max_applications_per_applicant:
        raise ServiceError("application_limit",
                           _("每个申报主体在本批次最多申报%(n)s项（%(k)s）。")
                           % {"n": call.max_applications_per_applicant,
                              "k": call.rules.get("parameters", {}).get("max_applications_per_applicant", "")},
                           "applicant")
    application = Application.objects.create(call=call, need_id=need_id, applicant=organisation, proposal=proposal)
    audit.record(actor=acting_user, action="scenarios.application.submitted", instance=application, before=None,
                 jurisdiction_id=call.jurisdiction_id)
    return application


def _conflicted(call: OpenCall) -> list[int]:
    ids = set(call.applications.values_list("applicant_id", flat=True))
    ids |= set(call.needs.values_list("owner_id", flat=True))
    return sorted(ids)


@transaction.atomic
def draw_reviewers(*, acting_user: User, call_id: int) -> OpenCall:
    """Draw the review panel from the expert pool; the applicants' and owners' organisations are conflicted.

    Nobody chooses the seed: the experts service derives it from the draw's recorded public inputs.
    """
    from aiplus.experts import services as experts

    call = get_for(acting_user, "change", OpenCall, pk=call_id)
    if call.status != CallStatus.REVIEWING:
        raise ServiceError("not_reviewing", _("须在申报截止后抽取评审专家。"), "status")
    if call.draw_id:
        raise ServiceError("already_drawn", _("本榜单已抽取评审专家。"), "draw")
    if not call.applications.exists():
        raise ServiceError("no_applications", _("没有申报，无需评审。"), "applications")
    before = audit.snapshot(call)
    fields = sorted({n.domain for n in call.needs.all()})
    draw = experts.draw_panel(acting_user=acting_user, purpose="scenarios.open_call",
                              subject_type="scenarios.opencall", subject_id=str(call.pk),
                              jurisdiction=call.jurisdiction.code, fields=fields, size=call.reviewers,
                              conflicted_organisation_ids=_conflicted(call))
    call.draw_id = draw.pk
    call.save(update_fields=["draw_id", "updated_at"])
    audit.record(actor=acting_user, action="scenarios.reviewers.drawn", instance=call, before=before)
    return call


@transaction.atomic
def submit_score(*, acting_user: User, application_id: int, criteria: dict[str, Any], comment: str = "") -> Score:
    from aiplus.experts import selectors as expert_selectors

    application = Application.objects.select_related("call").filter(pk=application_id).first()
    if application is None:
        raise NotFoundError()
    call = application.call
    if not call.draw_id or not expert_selectors.is_drawn(call.draw_id, acting_user):
        raise ServiceError("not_drawn", _("您不是本榜单抽取的评审专家，不能评分。"), "expert", status=403)
    if call.status != CallStatus.REVIEWING:
        raise ServiceError("not_reviewing", _("该榜单不在评审阶段。"), "status")
    clean, total = pack_rules.weighted_total(call.rubric, dict(criteria or {}))
    existing = Score.objects.filter(application=application, expert=acting_user).first()
    before = audit.snapshot(existing)
    if existing:
        existing.criteria, existing.total, existing.comment = clean, total, comment
        existing.save()
        score = existing
    else:
        score = Score.objects.create(application=application, expert=acting_user, criteria=clean, total=total,
                                     comment=comment)
    audit.record(actor=acting_user, action="scenarios.application.scored", instance=score, before=before,
                 jurisdiction_id=call.jurisdiction_id)
    return score


@transaction.atomic
def start_notice(*, acting_user: User, call_id: int) -> OpenCall:
    """Aggregate the scores, rank the applicants of each need and open the public notice (公示)."""
    from aiplus.experts import selectors as expert_selectors

    call = get_for(acting_user, "change", OpenCall, pk=call_id)
    if call.status != CallStatus.REVIEWING or not call.draw_id:
        raise ServiceError("not_reviewing", _("须先抽取评审专家并完成评分。"), "status")
    reviewers = len(expert_selectors.drawn_users(call.draw_id))
    applications = list(call.applications.prefetch_related("scores"))
    for application in applications:
        if len(application.scores.all()) < reviewers:
            raise ServiceError("scores_missing", _("“%(a)s”尚有专家未评分（%(d)s/%(n)s）。")
                               % {"a": application.applicant, "d": len(application.scores.all()), "n": reviewers},
                               "scores")
    by_need: dict[int, list[Application]] = {}
    for application in applications:
        score, detail = pack_rules.aggregate([s.total for s in application.scores.all()], trim=call.trim_extremes,
                                        min_reviewers=call.trim_min_reviewers)
        application.score, application.aggregation = score, detail
        by_need.setdefault(application.need_id, []).append(application)
    for group in by_need.values():
        group.sort(key=lambda a: (-(a.score or 0), a.pk))
        for rank, application in enumerate(group, start=1):
            application.rank = rank
            if rank <= min(call.max_successful_per_need, call.max_selected_per_need):
                application.status = ApplicationStatus.PROPOSED
            elif rank <= call.max_selected_per_need:
                application.status = ApplicationStatus.SELECTED
            else:
                application.status = ApplicationStatus.NOT_SELECTED
            application.is_announced = application.status != ApplicationStatus.NOT_SELECTED
            application.save()
    today = _today()
    days = int(pack_rules.param(call.jurisdiction, "scenarios", "public_notice_days", today))
    OpenCall.objects.filter(pk=call.pk).update(notice_starts_on=today, notice_ends_on=add_working_days(today, days))
    return pack_rules.call_workflow(call).apply(call, "start_notice", acting_user=acting_user,  # type: ignore[return-value]
                                           comment=_("公示%(n)s个工作日") % {"n": days})


@transaction.atomic
def file_objection(*, acting_user: User, call_id: int, text: str, application_id: int | None = None) -> Objection:
    call = OpenCall.objects.select_related("jurisdiction__parent__parent").filter(pk=call_id,
                                                                                   is_published=True).first()
    if call is None:
        raise NotFoundError()
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDeniedError(_("请先登录再提出异议。"))
    text = _text(text, "text")
    if call.status != CallStatus.NOTICE or call.notice_ends_on is None:
        raise ServiceError("not_in_notice", _("该榜单不在公示期，不能提出异议。"), "call")
    today = _today()
    if today > call.notice_ends_on:
        raise ServiceError("notice_ended", _("公示期已于%(d)s结束，不再受理异议。") % {"d": call.notice_ends_on},
                           "notice_ends_on")
    if application_id is not None and not call.applications.filter(pk=application_id, is_announced=True).exists():
        raise ServiceError("unknown_application", _("异议所针对的公示对象不存在。"), "application")
    days = int(pack_rules.param(call.jurisdiction, "scenarios", "objection_answer_working_days", today))
    objection = Objection.objects.create(call=call, application_id=application_id, filed_by=acting_user, text=text,
                                         answer_due_on=add_working_days(today, days))
    audit.record(actor=acting_user, action="scenarios.objection.filed", instance=objection, before=None,
                 jurisdiction_id=call.jurisdiction_id)
    return objection


@transaction.atomic
def answer_objection(*, acting_user: User, objection_id: int, answer: str) -> Objection:
    objection = Objection.objects.select_related("call").filter(pk=objection_id).first()
    if objection is None:
        raise NotFoundError()
    if not OpenCall.objects.restrict(acting_user, "change").filter(pk=objection.call_id).exists():
        raise PermissionDeniedError(_("只有主管部门可以答复异议。"))
    if objection.answered_on:
        raise ServiceError("already_answered", _("该异议已答复。"), "answer")
    answer = _text(answer, "answer")
    before = audit.snapshot(objection)
    objection.answer, objection.answered_by, objection.answered_on = answer, acting_user, _today()
    objection.save()
    notify(recipient=objection.filed_by, verb="scenarios.objection_answered", title=_("您的异议已答复"),
           body=answer[:200], link=f"/scenarios/calls/{objection.call_id}/", target=objection)
    audit.record(actor=acting_user, action="scenarios.objection.answered", instance=objection, before=before,
                 jurisdiction_id=objection.call.jurisdiction_id)
    return objection


@transaction.atomic
def award_call(*, acting_user: User, call_id: int) -> OpenCall:
    """After the notice period, with every objection answered: the proposed applicants succeed and pilots start."""
    call = get_for(acting_user, "change", OpenCall, pk=call_id)
    if call.status != CallStatus.NOTICE:
        raise ServiceError("not_in_notice", _("须在公示结束后确认揭榜。"), "status")
    if call.notice_ends_on and _today() <= call.notice_ends_on:
        raise ServiceError("notice_running", _("公示期至%(d)s结束，届时方可确认揭榜。") % {"d": call.notice_ends_on},
                           "notice_ends_on")
    if call.objections.filter(answered_on__isnull=True).exists():
        raise ServiceError("objections_open", _("尚有未答复的异议。"), "objections")
    for application in call.applications.select_related("need").filter(status=ApplicationStatus.PROPOSED):
        application.status = ApplicationStatus.SUCCESSFUL
        application.save(update_fields=["status", "updated_at"])
        Pilot.objects.create(need=application.need, application=application, supplier_id=application.applicant_id,
                             jurisdiction_id=application.need.jurisdiction_id)
    return pack_rules.call_workflow(call).apply(call, "award", acting_user=acting_user)  # type: ignore[return-value]


# -- pilots, acceptance, cases ------------------------------------------------------------------------------------

def _pilot_for_change(user: User, pilot_id: int) -> Pilot:
    # The supplier runs the pilot too (milestones, measurements), which the model's scope alone does not say.
    pilot = get_for(user, "view", selectors.pilots(user), pk=pilot_id)
    if not permissions.can(user, "change", pilot) \
            and pilot.supplier_id not in permissions.user_organisation_ids(user, "change"):
        raise PermissionDeniedError()
    return pilot


@transaction.atomic
def add_milestone(*, acting_user: User, pilot_id: int, title: str, due_on: dt.date | str) -> Milestone:
    pilot = _pilot_for_change(acting_user, pilot_id)
    title = _text(title, "title", 200)
    if isinstance(due_on, str):
        try:
            due_on = dt.date.fromisoformat(due_on)
        except ValueError:
            raise ServiceError("invalid_date", _("日期格式应为 YYYY-MM-DD。"), "due_on") from None
    milestone = Milestone.objects.create(pilot=pilot, title=title, due_on=due_on)
    audit.record(actor=acting_user, action="scenarios.milestone.added", instance=pilot, before=None,
                 message=title, jurisdiction_id=pilot.jurisdiction_id)
    return milestone


@transaction.atomic
def record_measurement(*, acting_user: User, pilot_id: int, kpi_id: int, value: Any,
                       measured_on: dt.date | None = None) -> Measurement:
    pilot = _pilot_for_change(acting_user, pilot_id)
    if pilot.status != PilotStatus.RUNNING:
        raise ServiceError("pilot_closed", _("试点已结束验收。"), "status")
    kpi = Kpi.objects.filter(pk=kpi_id, need_id=pilot.need_id).first()
    if kpi is None:
        raise ServiceError("unknown_kpi", _("该指标不属于本试点的场景需求。"), "kpi")
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ServiceError("invalid_value", _("实测值须为数字。"), "value") from None
    measurement = Measurement.objects.create(pilot=pilot, kpi=kpi, value=amount, measured_on=measured_on or _today(),
                                             met=kpi.met_by(amount))
    audit.record(actor=acting_user, action="scenarios.kpi.measured", instance=pilot, before=None,
                 message=f"{kpi.name}={amount} {kpi.unit}", jurisdiction_id=pilot.jurisdiction_id)
    return measurement


@transaction.atomic
def decide_acceptance(*, acting_user: User, pilot_id: int, accept: bool, note: str = "") -> Pilot:
    """The owner and the responsible department each decide; both must accept, and every KPI must be met."""
    pilot = Pilot.objects.select_related("need").filter(pk=pilot_id).first()
    if pilot is None or not Pilot.objects.restrict(acting_user, "change").filter(pk=pilot_id).exists():
        raise NotFoundError() if pilot is None else PermissionDeniedError()
    if pilot.status != PilotStatus.RUNNING:
        raise ServiceError("pilot_closed", _("试点已结束验收。"), "status")
    if accept:
        latest: dict[int, bool] = {}
        for m in pilot.measurements.order_by("measured_on", "id"):
            latest[m.kpi_id] = m.met
        for kpi in pilot.need.kpis.all():
            if not latest.get(kpi.pk):
                raise ServiceError("kpi_not_met", _("验收指标“%(k)s”尚未达标或未测量。") % {"k": kpi}, "kpis")
    elif not note.strip():
        raise ServiceError("required", _("不予验收须说明理由。"), "note")
    before = audit.snapshot(pilot)
    decision = "accepted" if accept else "rejected"
    side = "owner" if pilot.need.owner_id in permissions.user_organisation_ids(acting_user, "change") else None
    if side is None and (acting_user.is_superuser or pilot.jurisdiction_id in
                         permissions.user_jurisdiction_ids(acting_user, "change")):
        side = "department"
    if side is None:
        raise PermissionDeniedError()
    if side == "owner":
        pilot.owner_decision = decision
    else:
        pilot.department_decision = decision
    if note.strip():
        pilot.decision_note = (pilot.decision_note + "\n" + note.strip()).strip()
    if "rejected" in (pilot.owner_decision, pilot.department_decision):
        pilot.status = PilotStatus.REJECTED
    elif pilot.owner_decision == pilot.department_decision == "accepted":
        pilot.status = PilotStatus.ACCEPTED
    pilot.save()
    audit.record(actor=acting_user, action=f"scenarios.pilot.{side}_decided", instance=pilot, before=before)
    return pilot


@transaction.atomic
def publish_case(*, acting_user: User, pilot_id: int, title: str, summary: str) -> Case:
    pilot = Pilot.objects.select_related("need").filter(pk=pilot_id).first()
    if pilot is None:
        raise NotFoundError()
    if not acting_user.is_superuser and pilot.jurisdiction_id not in permissions.user_jurisdiction_ids(
            acting_user, "change"):
        raise PermissionDeniedError(_("只有主管部门可以发布典型案例。"))
    if pilot.status != PilotStatus.ACCEPTED:
        raise ServiceError("not_accepted", _("只有通过验收的试点可以作为典型案例。"), "pilot")
    if Case.objects.filter(pilot=pilot).exists():
        raise ServiceError("already_published", _("该试点已发布为典型案例。"), "pilot")
    case = Case(pilot=pilot, jurisdiction_id=pilot.jurisdiction_id, title=_text(title, "title", 200),
                summary=_text(summary, "summary"), domain=pilot.need.domain)
    case.search_tokens = search.case_tokens(case)
    case.save(force_insert=True)
    audit.record(actor=acting_user, action="scenarios.case.published", instance=case, before=None)
    return case


def replicate_case(*, acting_user: User, case_id: int, organisation_id: int, jurisdiction: str | int,
                   budget_min_cny: Any = None, budget_max_cny: Any = None, title: str = "") -> Need:
    """Another organisation or jurisdiction takes up a case: a new draft need linked back to it."""
    case = get_for(acting_user, "view", Case.objects.restrict(acting_user, "view").select_related("pilot__need"),
                   pk=case_id)
    source = case.pilot.need
    place = _jurisdiction(jurisdiction)
    if int(organisation_id) == source.owner_id and place.pk == source.jurisdiction_id:
        raise ServiceError("same_owner", _("复制推广须由其他单位或其他地区提出。"), "organisation")
    kpis = [{"name": k.name, "target_value": k.target_value, "unit": k.unit, "higher_is_better": k.higher_is_better}
            for k in source.kpis.all()]
    return create_need(
        acting_user=acting_user, organisation_id=organisation_id, jurisdiction=place, kpis=kpis,
        replicated_from=case, title=title or f"{source.title}（复制推广）", domain=source.domain,
        problem=source.problem, data_offered=source.data_offered,
        budget_min_cny=source.budget_min_cny if budget_min_cny in (None, "") else budget_min_cny,
        budget_max_cny=source.budget_max_cny if budget_max_cny in (None, "") else budget_max_cny,
        first_purchase=source.first_purchase)


def replication_counts() -> dict[int, int]:
    return dict(Case.objects.annotate(n=Count("replications", filter=~Q(replications__status="withdrawn")))
                .values_list("pk", "n"))
