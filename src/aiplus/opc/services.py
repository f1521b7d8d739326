"""Every write of the OPC register: one transaction and one audit event each.

Who may do what (checked here, before anything is written):
- a member of an organisation of kind "opc" registers its profile (founders, headcount, AI tools, stage, the
  registration date) and keeps it up to date (milestones: policy matched, financed); the working definition is
  checked on every write, with its reasons;
- an official of a jurisdiction recognises a community in it (operator, area, seats, services, bundle);
- an OPC's member applies for a residency in a community; the community operator's members decide it (an official of
  the community's jurisdiction may too), never for their own organisation; admission needs a free seat;
- an admitted OPC's member claims one programme of the bundle: an application of the support app, created by its
  service (its own audit event), so the money goes through the support decision, tranches and ledger only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, domains, permissions
from aiplus.core.access import get_for
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import Jurisdiction, Organisation, OrganisationKind, User
from aiplus.core.services import notify
from aiplus.departments import work
from aiplus.opc import register, selectors
from aiplus.opc.engine import TOOLS, Applicant, check_definition
from aiplus.opc.models import MAX_FOUNDERS, Community, Profile, Residency, ResidencyStatus, Service, Stage
from aiplus.regulation.runtime import parameters
from aiplus.support import services as support

FOUNDER_NAME_MAX = 50


_text = domains.clean_text  # the one rule for a service's free text


def _codes(value: Any, field: str, allowed: Any, *, label: Any, most: int) -> list[str]:
    """A bounded list of codes from a fixed vocabulary, without repeats, in the vocabulary's order."""
    if not isinstance(value, (list, tuple)) or len(value) > most:
        raise ServiceError("invalid", _("%(f)s最多选择%(n)s项。") % {"f": label, "n": most}, field)
    for item in value:
        if not isinstance(item, str) or item not in allowed:
            raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(item)[:40]}, field)
    return [code for code in allowed if code in value]


def _founders(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, (list, tuple)) or not value:
        raise ServiceError("required", _("请至少填写一名创办人。"), "founders")
    if len(value) > MAX_FOUNDERS:
        raise ServiceError("too_many", _("创办人最多%(n)s名。") % {"n": MAX_FOUNDERS}, "founders")
    return [_text(name, "founders", FOUNDER_NAME_MAX, label=_("创办人姓名")) for name in value]


def _date(value: Any, field: str, *, label: Any, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ServiceError("required", _("请填写%(f)s。") % {"f": label}, field)
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ServiceError("invalid_date", _("%(f)s不是有效日期。") % {"f": label}, field) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ServiceError("invalid_date", _("%(f)s不是有效日期。") % {"f": label}, field)
    if not dt.date(2000, 1, 1) <= value <= timezone.localdate():
        raise ServiceError("invalid_date", _("%(f)s须在2000年之后且不晚于今天。") % {"f": label}, field)
    return value


def _check(profile: Profile) -> None:
    """The working definition's verdict, kept with its reasons."""
    pack = register.definition_pack(profile.organisation.jurisdiction_id)
    if pack is None:
        raise ServiceError("no_definition", _("该组织所在辖区没有一人公司工作定义。"), "organisation_id", status=409)
    decision = check_definition(Applicant(headcount=profile.headcount, founders=len(profile.founders),
                                          tools=tuple(profile.ai_tools)), parameters(), pack=pack,
                                on=timezone.localdate())
    profile.meets_definition = decision.outcome == "meets"
    profile.definition_check = decision.as_dict()


def _member_of(user: User, organisation_id: int) -> bool:
    return bool(user.is_superuser) or organisation_id in permissions.user_organisation_ids(user, "add")


# -- the register ------------------------------------------------------------------------------------------------

def _profile_fields(profile: Profile, *, founders: Any, headcount: Any, ai_tools: Any, stage: Any) -> None:
    profile.founders = _founders(founders)
    profile.headcount = domains.clean(Profile, "headcount", headcount)
    profile.ai_tools = _codes(ai_tools, "ai_tools", TOOLS, label=_("AI工具栈"), most=len(TOOLS))
    if stage not in Stage.values:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(stage)[:40]}, "stage")
    profile.stage = stage


@transaction.atomic
def register_opc(*, acting_user: User, organisation_id: int, founders: Any, headcount: Any, ai_tools: Any,
                 stage: Any, registered_on: Any) -> Profile:
    """A member of a one-person company registers its OPC profile; the working definition is checked."""
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFoundError()
    if not _member_of(acting_user, organisation.pk):
        raise PermissionDeniedError(_("只有本单位成员可以登记。"))
    if organisation.kind != OrganisationKind.OPC:
        raise ServiceError("not_opc", _("该组织登记的类型不是一人公司（OPC），请先更正组织类型。"), "organisation_id")
    if Profile.objects.filter(organisation=organisation).exists():
        raise ServiceError("already_registered", _("该一人公司已登记。"), "organisation_id", status=409)
    registered = _date(registered_on, "registered_on", label=_("工商登记日期"))
    assert registered is not None
    profile = Profile(organisation=organisation, registered_by=acting_user, registered_on=registered)
    _profile_fields(profile, founders=founders, headcount=headcount, ai_tools=ai_tools, stage=stage)
    _check(profile)
    profile.save()
    audit.record(actor=acting_user, action="opc.profile.registered", instance=profile,
                 jurisdiction_id=organisation.jurisdiction_id, organisation_id=organisation.pk)
    return profile


@transaction.atomic
def update_opc(*, acting_user: User, profile_id: int, founders: Any, headcount: Any, ai_tools: Any, stage: Any,
               policy_matched_on: Any = None, financed_on: Any = None) -> Profile:
    """The OPC's member brings its profile up to date and records its milestones; the definition is checked again."""
    found = get_for(acting_user, "view", selectors.profiles(acting_user), pk=profile_id)
    if not _member_of(acting_user, found.organisation_id):
        raise PermissionDeniedError(_("只有本单位成员可以修改。"))
    profile = Profile.objects.select_for_update().select_related("organisation").get(pk=found.pk)
    before = audit.snapshot(profile)
    _profile_fields(profile, founders=founders, headcount=headcount, ai_tools=ai_tools, stage=stage)
    profile.policy_matched_on = _date(policy_matched_on, "policy_matched_on", label=_("政策匹配日期"),
                                      required=False)
    profile.financed_on = _date(financed_on, "financed_on", label=_("获得融资或市场突破日期"), required=False)
    for name, label in (("policy_matched_on", _("政策匹配日期")), ("financed_on", _("获得融资或市场突破日期"))):
        day = getattr(profile, name)
        if day is not None and day < profile.registered_on:
            raise ServiceError("before_registration", _("%(f)s不能早于工商登记日期。") % {"f": label}, name)
    _check(profile)
    profile.save()
    audit.record(actor=acting_user, action="opc.profile.updated", instance=profile, before=before,
                 jurisdiction_id=profile.organisation.jurisdiction_id, organisation_id=profile.organisation_id)
    return profile


# -- communities -------------------------------------------------------------------------------------------------

@transaction.atomic
def create_community(*, acting_user: User, name: Any, operator_id: int, jurisdiction: Any, area_m2: Any,
                     seats: Any, services: Any, bundle: Any) -> Community:
    """An official recognises an OPC community in their jurisdiction, run by an operator organisation."""
    place = (Jurisdiction.objects.filter(pk=jurisdiction).first() if isinstance(jurisdiction, int)
             else Jurisdiction.objects.filter(code=str(jurisdiction or "")[:40]).first())
    if place is None:
        raise ServiceError("unknown_jurisdiction", _("辖区不存在。"), "jurisdiction")
    if not (acting_user.is_superuser or place.pk in permissions.user_jurisdiction_ids(acting_user, "add")):
        raise PermissionDeniedError(_("只有该辖区的主管部门工作人员可以认定OPC社区。"))
    operator = Organisation.objects.filter(pk=operator_id).first()
    if operator is None:
        raise ServiceError("unknown_organisation", _("组织不存在。"), "operator_id", status=404)
    found = register.bundle(str(bundle or ""))
    codes = set(register.programmes.jurisdiction_codes(place.pk))
    if found is None or found.jurisdiction not in codes:
        raise ServiceError("invalid_choice", _("该辖区没有这个入驻权益包。"), "bundle")
    community = Community(name=_text(name, "name", 200, label=_("社区名称")), operator=operator, jurisdiction=place,
                          area_m2=domains.clean(Community, "area_m2", area_m2),
                          seats=domains.clean(Community, "seats", seats),
                          services=_codes(services, "services", Service.values, label=_("服务"),
                                          most=len(Service.values)),
                          bundle=found.code, created_by=acting_user)
    community.save()
    audit.record(actor=acting_user, action="opc.community.created", instance=community)
    return community


def occupied(community: Community, on: dt.date | None = None) -> int:
    """Seats taken on a day: residencies admitted and within their term."""
    on = on or timezone.localdate()
    return community.residencies.filter(status=ResidencyStatus.ADMITTED, starts_on__lte=on,
                                        ends_on__gte=on).count()


def _months_later(day: dt.date, months: int) -> dt.date:
    """The last day of a term of `months` from `day`."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1])) - dt.timedelta(days=1)


# -- residencies -------------------------------------------------------------------------------------------------

@transaction.atomic
def apply_residency(*, acting_user: User, community_id: int, profile_id: int, term_months: Any,
                    note: Any = "") -> Residency:
    """An OPC's member applies for a place in a community; the OPC must meet the working definition."""
    community = get_for(acting_user, "view", selectors.communities(acting_user), pk=community_id)
    found = get_for(acting_user, "view", selectors.profiles(acting_user), pk=profile_id)
    if not _member_of(acting_user, found.organisation_id):
        raise PermissionDeniedError(_("只有本单位成员可以申请入驻。"))
    profile = Profile.objects.select_for_update().get(pk=found.pk)
    if not profile.meets_definition:
        reasons = "；".join(w["zh"] for w in profile.definition_check.get("data", {}).get("why_not", []))
        raise ServiceError("does_not_meet", _("该组织不符合一人公司工作定义：%(r)s") % {"r": reasons},
                           "profile_id", status=409)
    if Residency.objects.filter(community=community, profile=profile,
                                status__in=(ResidencyStatus.APPLIED, ResidencyStatus.ADMITTED)).exists():
        raise ServiceError("already_applied", _("已申请或已入驻该社区。"), "community_id", status=409)
    residency = Residency(community=community, profile=profile, applied_by=acting_user,
                          term_months=domains.clean(Residency, "term_months", term_months),
                          note=_text(note, "note", 500, label=_("申请说明"), required=False))
    residency.save()
    work.open_work(code=work.OPC_RESIDENCY, subject=residency, jurisdiction=community.jurisdiction,
                   title=f"{profile.organisation.name} · {community.name}", link=f"/opc/communities/{community.pk}/")
    for member in selectors.members_of(community.operator_id):
        notify(recipient=member, verb="opc.residency", title=_("一人公司“%(o)s”申请入驻“%(c)s”"),
               params={"o": profile.organisation.name, "c": community.name},
               link=f"/opc/communities/{community.pk}/", target=residency)
    audit.record(actor=acting_user, action="opc.residency.applied", instance=residency,
                 organisation_id=profile.organisation_id)
    return residency


def _as_operator(user: User, residency: Residency) -> None:
    community = residency.community
    operator = _member_of(user, community.operator_id)
    official = community.jurisdiction_id in permissions.user_jurisdiction_ids(user, "add")
    if not (operator or official):
        raise PermissionDeniedError(_("只有社区运营单位或所在辖区主管部门可以决定入驻。"))
    if residency.profile.organisation_id in permissions.user_organisation_ids(user, "view") \
            or residency.applied_by_id == user.pk:
        raise PermissionDeniedError(_("不能决定本人或本单位提出的申请。"))


@transaction.atomic
def decide_residency(*, acting_user: User, residency_id: int, admit: Any, seat: Any = "",
                     rent_relief_rate: Any = None, starts_on: Any = None, note: Any = "") -> Residency:
    """The community operator admits an applicant to a seat (rent relief, term from the start day) or refuses it."""
    found = get_for(acting_user, "view", selectors.residencies(acting_user), pk=residency_id)
    residency = (Residency.objects.select_for_update(of=("self",))
                 .select_related("community", "profile__organisation").get(pk=found.pk))
    _as_operator(acting_user, residency)
    if residency.status != ResidencyStatus.APPLIED:
        raise ServiceError("wrong_state", _("该申请已决定。"), "status", status=409)
    if not isinstance(admit, bool):
        raise ServiceError("invalid_choice", _("请选择准予入驻或不予入驻。"), "admit")
    before = audit.snapshot(residency)
    residency.decided_by = acting_user
    residency.decided_at = timezone.now()
    residency.decision_note = _text(note, "note", 500, label=_("决定说明"), required=not admit)
    work.close_work(subject=residency, code=work.OPC_RESIDENCY)  # undone if the admission is refused below
    link = f"/opc/{residency.profile_id}/"
    if not admit:
        residency.status = ResidencyStatus.REFUSED
        residency.save()
        if residency.applied_by is not None:
            notify(recipient=residency.applied_by, verb="opc.residency", title=_("入驻“%(c)s”的申请未获准"),
                   params={"c": residency.community.name}, link=link, target=residency)
        audit.record(actor=acting_user, action="opc.residency.refused", instance=residency, before=before,
                     organisation_id=residency.profile.organisation_id)
        return residency
    community = Community.objects.select_for_update().get(pk=residency.community_id)
    start = _start(starts_on)
    if occupied(community, start) >= community.seats:
        raise ServiceError("no_seat", _("社区工位已满（%(n)s个），不能准予入驻。") % {"n": community.seats},
                       "admit", status=409)
    residency.seat = _text(seat, "seat", 40, label=_("工位"))
    if rent_relief_rate in (None, ""):
        pack = register.definition_pack(community.jurisdiction_id) or "suzhou"
        rent_relief_rate = parameters().version(f"opc.{pack}.rent_relief_rate", start).decimal
    residency.rent_relief_rate = domains.clean(Residency, "rent_relief_rate", rent_relief_rate)
    residency.starts_on = start
    residency.ends_on = _months_later(start, residency.term_months)
    residency.status = ResidencyStatus.ADMITTED
    residency.save()
    if residency.applied_by is not None:
        notify(recipient=residency.applied_by, verb="opc.residency", title=_("已获准入驻“%(c)s”，可申领入驻权益包"),
               params={"c": community.name}, link=link, target=residency)
    audit.record(actor=acting_user, action="opc.residency.admitted", instance=residency, before=before,
                 organisation_id=residency.profile.organisation_id)
    return residency


def _start(value: Any) -> dt.date:
    today = timezone.localdate()
    if value in (None, ""):
        return today
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ServiceError("invalid_date", _("入驻起始日不是有效日期。"), "starts_on") from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime) \
            or not today - dt.timedelta(days=366) <= value <= today + dt.timedelta(days=366):
        raise ServiceError("invalid_date", _("入驻起始日须在一年以内。"), "starts_on")
    return value


# -- entitlements ------------------------------------------------------------------------------------------------

def claim_entitlement(*, acting_user: User, residency_id: int, programme_code: Any) -> Any:
    """An admitted OPC's member applies for one programme of the community's bundle: the support app's application
    (created by its service, with its own audit event), then documents, check, decision and tranches there."""
    residency = get_for(acting_user, "view", selectors.residencies(acting_user), pk=residency_id)
    if not _member_of(acting_user, residency.profile.organisation_id):
        raise PermissionDeniedError(_("只有入驻单位的成员可以申领。"))
    if residency.status != ResidencyStatus.ADMITTED:
        raise ServiceError("not_admitted", _("尚未获准入驻，不能申领权益。"), "residency_id", status=409)
    found = register.bundle(residency.community.bundle)
    if found is None or programme_code not in found.programmes:
        raise ServiceError("invalid_choice", _("入驻权益包不含这个扶持项目。"), "programme_code")
    if selectors.claimed(residency.profile.organisation_id, str(programme_code)).exists():
        raise ServiceError("already_claimed", _("已申领该项权益。"), "programme_code", status=409)
    title = programmes_title(str(programme_code))
    return support.create_application(acting_user=acting_user, organisation_id=residency.profile.organisation_id,
                                      programme_code=str(programme_code),
                                      title=f"{residency.community.name} · {title}"[:200])


def programmes_title(code: str) -> str:
    found = register.programmes.programme(code)
    return register.programmes.title(found.title) if found else code

