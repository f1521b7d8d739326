"""Writes of scenario needs (场景需求): drafting with measurable KPIs, editing a draft, the review workflow, and
co-publication with partner jurisdictions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, domains, imports, permissions
from aiplus.core.access import get_for
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import Jurisdiction, Organisation, RoleAssignment, User
from aiplus.core.services import notify
from aiplus.departments import work
from aiplus.scenarios import pack_rules, search
from aiplus.scenarios.models import Case, Kpi, Need, NeedStatus, Visibility
from aiplus.scenarios.services._shared import (
    _codes,
    _date,
    _jurisdiction,
    _organisation_for,
    _queue_matching,
    _text,
    _today,
)


def _clean_kpis(kpis: Any) -> list[dict[str, Any]]:
    if not kpis:
        raise ServiceError("kpis_required", _("至少填写一项可量化的验收指标。"), "kpis")
    clean = []
    for index, raw in enumerate(kpis):
        prefix = f"kpis[{index}]"
        name = str(raw.get("name") or "").strip()
        if not name:
            raise ServiceError("required", _("第%(n)s项验收指标缺少名称。") % {"n": index + 1}, f"{prefix}.name")
        value = domains.clean(Kpi, "target_value", raw.get("target_value"), field=f"{prefix}.target_value")
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


def _need_fields(jurisdiction: Jurisdiction, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["title"] = _text(data.get("title"), "title", 200)
    out["domain"] = pack_rules.normalise_domain(data.get("domain", ""))
    out["problem"] = _text(data.get("problem"), "problem")
    out["data_offered"] = str(data.get("data_offered") or "").strip()
    out["compute_needed"] = str(data.get("compute_needed") or "").strip()
    longest = Need._meta.get_field("compute_needed").max_length or 0
    if len(out["compute_needed"]) > longest:
        raise ServiceError("too_long", _("不能超过%(n)s个字符。") % {"n": longest}, "compute_needed")
    out["required_qualifications"] = _codes(data.get("required_qualifications"))
    low = domains.clean(Need, "budget_min_cny", data.get("budget_min_cny"))
    high = domains.clean(Need, "budget_max_cny", data.get("budget_max_cny"))
    _check_budget(low, high)
    out["budget_min_cny"], out["budget_max_cny"] = low, high
    out["first_purchase"] = bool(data.get("first_purchase", False))
    deadline = data.get("deadline")
    deadline = _date(deadline, "deadline") if deadline else None
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
    if permissions.may_place(acting_user, organisation_jurisdiction_id=organisation.jurisdiction_id,
                             jurisdiction_id=place.pk):
        return
    raise ServiceError("outside_jurisdiction", _("场景所在地须为本单位所在辖区或其上下级辖区。"), "jurisdiction",
                       status=403)


def _new_need(acting_user: User, organisation: Organisation, place: Jurisdiction, fields: dict[str, Any],
              kpis: list[dict[str, Any]], replicated_from: Case | None = None) -> Need:
    need = Need(owner=organisation, jurisdiction=place, created_by=acting_user,
                responsible_department=pack_rules.responsible_department(place), replicated_from=replicated_from,
                **fields)
    need.search_tokens = search.need_tokens(need)
    need.save(force_insert=True)
    Kpi.objects.bulk_create([Kpi(need=need, **k) for k in kpis])
    return need


@transaction.atomic
def create_need(*, acting_user: User, organisation_id: int, jurisdiction: str | int | Jurisdiction,
                kpis: list[dict[str, Any]],
                replicated_from: Case | None = None, audit_event: bool = True, **data: Any) -> Need:
    place = _jurisdiction(jurisdiction)
    organisation = _organisation_for(acting_user, organisation_id)
    _check_place_of(organisation, place, acting_user)
    need = _new_need(acting_user, organisation, place, _need_fields(place, data), _clean_kpis(kpis), replicated_from)
    if audit_event:
        action = "scenarios.need.replicated" if replicated_from else "scenarios.need.created"
        audit.record(actor=acting_user, action=action, instance=need, before=None)
    return need


def need_owner_and_place(*, acting_user: User, organisation_id: Any,
                         jurisdiction: str | int | Jurisdiction | None) -> tuple[Organisation, Jurisdiction]:
    """The organisation a user drafts needs for and where they are (its own jurisdiction unless named), checked as
    `create_need` checks them: a refusal is raised before any row is read."""
    organisation = _organisation_for(acting_user, organisation_id)
    place = _jurisdiction(jurisdiction if jurisdiction not in (None, "") else organisation.jurisdiction_id)
    _check_place_of(organisation, place, acting_user)
    return organisation, place


def need_values(place: Jurisdiction, *, kpis: Any, **data: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A need's fields and KPIs as `create_need` would store them, checked without writing (an import's check
    pass)."""
    return _need_fields(place, data), _clean_kpis(kpis)


def need_titles(organisation: Organisation, place: Jurisdiction) -> set[str]:
    """The titles of the organisation's needs in a place: an imported need is the same need when they match."""
    return set(Need.objects.filter(owner=organisation, jurisdiction=place).values_list("title", flat=True))


@transaction.atomic
def import_needs_batch(*, acting_user: User, organisation_id: int, jurisdiction_id: int,
                       rows: list[tuple[int, tuple[dict[str, Any], list[dict[str, Any]]]]]) -> imports.BatchResult:
    """Store one batch of checked draft needs (one short transaction, one audit event). A need is the same need as
    one the organisation already has in that place under the same title (its natural key): it is counted unchanged,
    so the same workbook imported twice creates nothing. Imports of one organisation are serialised by a lock on
    its row, so two at once cannot both create it."""
    organisation, place = need_owner_and_place(acting_user=acting_user, organisation_id=organisation_id,
                                               jurisdiction=jurisdiction_id)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    result = imports.BatchResult()
    titles = set(Need.objects.filter(owner=organisation, jurisdiction=place,
                                     title__in=[fields["title"] for _n, (fields, _k) in rows])
                 .values_list("title", flat=True))
    created = []
    for _number, (fields, kpis) in rows:
        if fields["title"] in titles:
            result.unchanged += 1
            continue
        titles.add(fields["title"])
        created.append(_new_need(acting_user, organisation, place, fields, kpis))
    result.created = len(created)
    if created:
        audit.record(actor=acting_user, action="scenarios.needs.imported", instance=None,
                     after={"ids": [n.pk for n in created]}, object_type="scenarios.need",
                     object_repr=f"{len(created)}", jurisdiction_id=place.pk, organisation_id=organisation.pk)
    return result


@transaction.atomic
def update_need(*, acting_user: User, need_id: int, kpis: list[dict[str, Any]] | None = None, **data: Any) -> Need:
    need = get_for(acting_user, "change", Need, pk=need_id)
    if not acting_user.is_superuser and need.owner_id not in permissions.user_organisation_ids(acting_user, "change"):
        raise PermissionDeniedError(_("只有场景提出单位可以修改场景需求。"))
    if need.status != NeedStatus.DRAFT:
        raise ServiceError("not_draft", _("只有草稿状态的场景需求可以修改。"), "status")
    before = audit.snapshot(need)
    merged = {f: getattr(need, f) for f in ("title", "domain", "problem", "data_offered", "compute_needed",
                                             "required_qualifications",
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


def _route_work(need: Need, transition: str) -> None:
    """A submitted need goes to the queue of the department holding the review duty and, when it offers data or
    asks for computing support, to the ones holding the data-supply and compute-allocation duties too (each its own
    item: a cross-department matter reaches every department concerned); the review's item closes with the review."""
    if transition == "submit":
        codes = [work.SCENARIO_REVIEW]
        if need.data_offered.strip():
            codes.append(work.DATA_SUPPLY)
        if need.compute_needed.strip():
            codes.append(work.COMPUTE_ALLOCATION)
        for code in codes:
            work.open_work(code=code, subject=need, jurisdiction=need.jurisdiction, title=need.title,
                           link=f"/scenarios/needs/{need.pk}/")
    elif transition == "review":
        work.close_work(subject=need, code=work.SCENARIO_REVIEW)
    if transition in ("return", "close", "withdraw"):
        work.close_work(subject=need)


@transaction.atomic
def transition_need(*, acting_user: User, need_id: int, transition: str, comment: str = "") -> Need:
    need = get_for(acting_user, "view", Need, pk=need_id)
    if transition == "publish":
        raise ServiceError("publish_by_list", _("场景需求须通过场景清单批次发布。"), "transition")
    if transition == "submit" and not need.kpis.exists():
        raise ServiceError("kpis_required", _("至少填写一项可量化的验收指标。"), "kpis")
    was_published = need.status == NeedStatus.PUBLISHED
    result = pack_rules.need_workflow(need).apply(need, transition, acting_user=acting_user, comment=comment)
    _route_work(need, transition)
    if was_published:  # a closed or withdrawn need leaves the matching index (in the background)
        _queue_matching("need", need.pk)
    return result  # type: ignore[return-value]


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
