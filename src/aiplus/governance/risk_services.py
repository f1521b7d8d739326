"""Every write of the AI application register, risk tiers and sector supervision (Suzhou art. 47 行业监管;
Guangdong art. 6 包容审慎监管). One transaction and one audit event each.

- a member of an organisation registers an application (its models and algorithms from the registers, the scenario
  it serves, the sector department that supervises it, its disclosure); red lines its text touches are flagged with
  the rule cited (Guangdong art. 33);
- a member answers the risk questionnaire: the pure engine (`risk_rules`) gives the raw impact score, the
  mitigation score, the final score and the tier with reasons, from the platform settings (`risk.*`, after Canada's
  AIA); a high-risk application is listed and its supervisors told, a medium- or low-risk one is disclosed;
- re-assessment: when the interval of its tier has run (`mark_due_reassessments`, `manage.py
  check_risk_supervision`) or when its models, algorithms or scenario change (a triggering event);
- an official of the sector department draws the applications to inspect (reproducible: the experts app's seeded
  draw over recorded public inputs), records the findings, orders rectification with a deadline; the company reports
  what it did; an official who is not one of its members, nor the reporter, verifies and closes it;
- an order still open after its deadline opens a platform-signal incident (`report_overdue_rectifications`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import Organisation, User
from aiplus.core.services import notify
from aiplus.departments import work
from aiplus.experts import draws
from aiplus.governance import incidents, norms_rules, risk
from aiplus.governance import risk_rules as rules
from aiplus.governance import risk_selectors as selectors
from aiplus.governance.incident_services import _organisation_members, _text, officials_of
from aiplus.governance.models import (
    AIApplication,
    AIApplicationStatus,
    AssessmentTrigger,
    EthicsSelfCheck,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    RectificationOrder,
    RectificationStatus,
    RiskAssessment,
    RiskTier,
)

MAX_LINKED = 20  # models or algorithms one application names
MAX_ORDER_DAYS = 365  # a rectification deadline beyond a year is a new order
MAX_NORMS = 100  # answers one self-check may carry (the taxonomy has 24 norms: 6 basic, 18 specific)


# -- helpers -----------------------------------------------------------------------------------------------------

def _id(value: Any, field: str, label: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError("required", _("请选择%(f)s。") % {"f": label}, field)
    return value


def _ids(values: Any, field: str) -> list[int]:
    if values is None:
        return []
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
        raise ServiceError("invalid_choice", _("应为列表。"), field)
    if len(values) > MAX_LINKED:
        raise ServiceError("too_many", _("最多选择%(n)s项。") % {"n": MAX_LINKED}, field)
    chosen: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(value)[:40]}, field)
        if value not in chosen:
            chosen.append(value)
    return chosen


def _visible(queryset: Any, ids: list[int], field: str) -> list[Any]:
    found = list(queryset.filter(pk__in=ids))
    if len(found) != len(ids):
        raise ServiceError("unknown_choice", _("所选记录不存在或无权查看。"), field)
    return found


def _member(user: Any, organisation_id: int) -> bool:
    return getattr(user, "is_superuser", False) or organisation_id in permissions.user_organisation_ids(user, "change")


def _supervisor(user: Any, item: AIApplication) -> bool:
    """An official of the application's place, of its sector department when they act for departments, and not a
    member of the organisation (nobody decides their own case)."""
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if item.organisation_id in permissions.user_organisation_ids(user, "view"):
        return False
    if item.jurisdiction_id not in permissions.user_jurisdiction_ids(user, "change"):
        return False
    departments = selectors.sector_department_ids(user)
    return departments is None or item.department_id in departments


def _lock(queryset: Any, model: Any, pk: Any) -> Any:
    if not queryset.filter(pk=pk).exists():
        raise NotFoundError()
    return model.objects.select_for_update(of=("self",)).get(pk=pk)


def _tell(users: list[User], item: AIApplication, verb: str, title: Any, body: Any = "", link: str = "") -> None:
    for user in {u.pk: u for u in users}.values():
        notify(recipient=user, verb=verb, title=title, body=body, params={"t": item.name},
               link=link or f"/governance/ai-applications/{item.pk}/", target=item)


def _supervisors(item: AIApplication) -> list[User]:
    """The officials of the place told of a high-risk listing: those of the sector department, and those who act
    for the whole place."""
    from aiplus.core.models import RoleAssignment

    officials = officials_of(item.jurisdiction_id)
    sector = {a.user_id: a.department_id for a in RoleAssignment.objects.filter(
        user__in=officials, role=permissions.OFFICIAL, active=True)}
    return [u for u in officials if sector.get(u.pk) in (None, item.department_id)]


def _flag(item: AIApplication) -> None:
    text = "\n".join((item.name, item.purpose, item.limits, item.data_used))
    item.red_lines = incidents.merge_flags(list(item.red_lines or []),
                                           incidents.flag_red_lines(item.jurisdiction_id, harms=[], text=text))


def _disclosure_fields(name: str, purpose: str, limits: str, data_used: str, contact: str) -> dict[str, str]:
    return {"name": _text(name, "name", 200, label=_("应用名称")),
            "purpose": _text(purpose, "purpose", 2000, label=_("用途")),
            "limits": _text(limits, "limits", 2000, label=_("能力边界与使用限制")),
            "data_used": _text(data_used, "data_used", 2000, label=_("使用的数据")),
            "contact": _text(contact, "contact", 200, label=_("联系方式"))}


def _links(user: Any, scenario_id: Any, model_ids: Any, algorithm_ids: Any) -> tuple[Any, list[Any], list[Any]]:
    scenario = None
    if scenario_id is not None:
        found = selectors.scenarios_for(user).filter(pk=_id(scenario_id, "scenario_id", _("服务的场景"))).first()
        if found is None:
            raise ServiceError("unknown_scenario", _("场景不存在或无权查看。"), "scenario_id")
        scenario = found
    used_models = _visible(selectors.models_for(user), _ids(model_ids, "model_ids"), "model_ids")
    used_algorithms = _visible(selectors.algorithms_for(user), _ids(algorithm_ids, "algorithm_ids"),
                               "algorithm_ids")
    return scenario, used_models, used_algorithms


# -- the register ------------------------------------------------------------------------------------------------

@transaction.atomic
def register_application(*, acting_user: User, organisation_id: int, department_id: int, name: str, purpose: str,
                         limits: str, data_used: str, contact: str, scenario_id: int | None = None,
                         model_ids: Sequence[int] | None = None,
                         algorithm_ids: Sequence[int] | None = None) -> AIApplication:
    """A member of the organisation registers an application it deploys, located where the organisation is."""
    organisation = Organisation.objects.filter(pk=_id(organisation_id, "organisation_id", _("运营单位"))).first()
    if organisation is None:
        raise ServiceError("unknown_organisation", _("组织不存在。"), "organisation_id", status=404)
    if not _member(acting_user, organisation.pk):
        raise PermissionDeniedError(_("只有运营单位的成员可以登记其人工智能应用。"))
    department = selectors.departments_for(organisation.jurisdiction_id).filter(
        pk=_id(department_id, "department_id", _("行业主管部门"))).first()
    if department is None:
        raise ServiceError("unknown_department", _("请选择单位所在地的行业主管部门。"), "department_id")
    fields = _disclosure_fields(name, purpose, limits, data_used, contact)
    scenario, used_models, used_algorithms = _links(acting_user, scenario_id, model_ids, algorithm_ids)
    item = AIApplication(organisation=organisation, jurisdiction_id=organisation.jurisdiction_id,
                         department=department, scenario=scenario, registered_by=acting_user, **fields)
    _flag(item)
    item.save()
    item.models_used.set(used_models)
    item.algorithms_used.set(used_algorithms)
    audit.record(actor=acting_user, action="governance.ai_application.registered", instance=item,
                 after={**(audit.snapshot(item) or {}), "models_used": [m.pk for m in used_models],
                        "algorithms_used": [a.pk for a in used_algorithms]})
    return item


@transaction.atomic
def change_application(*, acting_user: User, application_id: int, name: str, purpose: str, limits: str,
                       data_used: str, contact: str, scenario_id: int | None = None,
                       model_ids: Sequence[int] | None = None,
                       algorithm_ids: Sequence[int] | None = None) -> AIApplication:
    """A member changes the application. A change of its models, algorithms or scenario is a triggering event: an
    assessed application becomes due for re-assessment, and its supervisors are told."""
    item = _lock(selectors.applications(acting_user), AIApplication, application_id)
    if not _member(acting_user, item.organisation_id):
        raise PermissionDeniedError(_("只有运营单位的成员可以变更其人工智能应用。"))
    if item.status == AIApplicationStatus.WITHDRAWN:
        raise ServiceError("wrong_state", _("应用已停用。"), "status", status=409)
    before = {**(audit.snapshot(item) or {}), "models_used": sorted(item.models_used.values_list("pk", flat=True)),
              "algorithms_used": sorted(item.algorithms_used.values_list("pk", flat=True))}
    fields = _disclosure_fields(name, purpose, limits, data_used, contact)
    scenario, used_models, used_algorithms = _links(acting_user, scenario_id, model_ids, algorithm_ids)
    changed = (scenario.pk if scenario else None) != item.scenario_id \
        or sorted(m.pk for m in used_models) != before["models_used"] \
        or sorted(a.pk for a in used_algorithms) != before["algorithms_used"]
    for key, value in fields.items():
        setattr(item, key, value)
    item.scenario = scenario
    _flag(item)
    if changed and item.status == AIApplicationStatus.ASSESSED:
        item.status = AIApplicationStatus.DUE
        item.due_reason = str(_("使用的模型、算法或服务的场景已变更"))
        item.due_notified_on = timezone.localdate()
        _tell(_supervisors(item), item, "governance.ai_application",
              _("人工智能应用变更，须重新评估：%(t)s"), _("应用使用的模型、算法或服务的场景已变更。"))
    item.save()
    item.models_used.set(used_models)
    item.algorithms_used.set(used_algorithms)
    audit.record(actor=acting_user, action="governance.ai_application.changed", instance=item, before=before,
                 after={**(audit.snapshot(item) or {}), "models_used": sorted(m.pk for m in used_models),
                        "algorithms_used": sorted(a.pk for a in used_algorithms)})
    return item


def _answers(scheme: rules.Scheme, answers: Any) -> Mapping[str, object]:
    if not isinstance(answers, Mapping):
        raise ServiceError("invalid", _("问卷答案格式不正确。"), "answers")
    return answers


@transaction.atomic
def assess_application(*, acting_user: User, application_id: int, answers: Mapping[str, Any]) -> RiskAssessment:
    """A member answers the questionnaire; the engine gives the scores and the tier with reasons (from the platform
    settings in force today, stored with the assessment). The next re-assessment is due after the tier's interval."""
    item = _lock(selectors.applications(acting_user), AIApplication, application_id)
    if not _member(acting_user, item.organisation_id):
        raise PermissionDeniedError(_("只有运营单位的成员可以填写风险问卷。"))
    if item.status == AIApplicationStatus.WITHDRAWN:
        raise ServiceError("wrong_state", _("应用已停用。"), "status", status=409)
    today = timezone.localdate()
    scheme = risk.scheme(today)
    try:
        result = rules.score(scheme, _answers(scheme, answers))
    except rules.AnswerError as error:
        messages = {"unanswered": _("请回答此题。"), "unknown_question": _("问卷中没有此题。"),
                    "unknown_choice": _("无效的选项。"), "repeated_choice": _("选项重复。"),
                    "not_a_list": _("此题可多选，答案应为列表。")}
        raise ServiceError(error.code, messages.get(error.code, _("答案无效。")),
                           f"answers.{error.question}"[:80]) from None
    before = audit.snapshot(item)
    first = not item.assessments.exists()
    if first:
        trigger = AssessmentTrigger.INITIAL
    elif item.status == AIApplicationStatus.DUE and item.reassess_on and item.reassess_on <= today:
        trigger = AssessmentTrigger.SCHEDULED
    else:
        trigger = AssessmentTrigger.EVENT
    assessment = RiskAssessment.objects.create(
        application=item, trigger=trigger, answers=dict(answers), raw_score=result.raw,
        max_raw_score=result.max_raw, mitigation_score=result.mitigation,
        max_mitigation_score=result.max_mitigation, final_score=result.final, tier=result.tier,
        reasons=[r.as_dict() for r in result.reasons], basis=risk.basis(today), assessed_by=acting_user)
    was_high = item.tier == RiskTier.HIGH
    item.tier = result.tier
    item.status = AIApplicationStatus.ASSESSED
    item.assessed_on = today
    item.reassess_on = rules.add_months(today, risk.reassess_months(result.tier, today))
    item.due_reason = ""
    item.due_notified_on = None
    item.is_disclosed = result.tier in selectors.DISCLOSED_TIERS
    item.save()
    if result.tier == RiskTier.HIGH and not was_high:
        _tell(_supervisors(item), item, "governance.ai_application", _("人工智能应用列入高风险清单：%(t)s"),
              _("高风险应用实行清单管理、事前评估和风险预警（平台设置）。"))
    audit.record(actor=acting_user, action="governance.ai_application.assessed", instance=item, before=before,
                 after={**(audit.snapshot(item) or {}), "assessment": assessment.pk, "raw_score": result.raw,
                        "mitigation_score": result.mitigation, "final_score": result.final})
    return assessment


_CHECK_MESSAGES = {
    "no_activity": _("请选择至少一类从事的活动。"),
    "unknown_activity": _("无效的活动类别。"),
    "unknown_norm": _("伦理规范中没有此项。"),
    "not_applicable": _("所选活动不适用此项，请勿填写。"),
    "unanswered": _("请选择落实情况。"),
    "unknown_status": _("无效的落实情况。"),
    "invalid_measures": _("措施说明应为文字。"),
    "measures_too_long": format_lazy(_("措施说明最多{n}字。"), n=norms_rules.MAX_MEASURES),
    "measures_required": _("已落实或部分落实的，请说明采取的措施。"),
}


@transaction.atomic
def check_ethics_norms(*, acting_user: User, application_id: int, activities: Sequence[str],
                       answers: Mapping[str, Any]) -> EthicsSelfCheck:
    """A member of the organisation checks the application against 《新一代人工智能伦理规范》: the basic norms and
    the specific requirements of the activities it carries out, each met, partly met or not met with its measures.
    Its own statement, kept with the taxonomy it used; the norms not fully met are its points to improve."""
    item = _lock(selectors.applications(acting_user), AIApplication, application_id)
    if not _member(acting_user, item.organisation_id):
        raise PermissionDeniedError(_("只有运营单位的成员可以填写伦理规范自查。"))
    if item.status == AIApplicationStatus.WITHDRAWN:
        raise ServiceError("wrong_state", _("应用已停用。"), "status", status=409)
    if not isinstance(answers, Mapping):
        raise ServiceError("invalid", _("自查结果格式不正确。"), "answers")
    if len(answers) > MAX_NORMS:
        raise ServiceError("too_many", _("自查项目过多。"), "answers")
    try:
        result = norms_rules.check(risk.norms(), activities, answers)
    except norms_rules.CheckError as error:
        raise ServiceError(error.code, _CHECK_MESSAGES.get(error.code, _("自查结果无效。")), error.field) from None
    taxonomy = risk.norms_taxonomy()
    check = EthicsSelfCheck.objects.create(
        application=item, activities=list(result.activities), answers=[row.as_dict() for row in result.rows],
        met=result.count(norms_rules.MET), partly=result.count(norms_rules.PARTLY),
        not_met=result.count(norms_rules.NOT_MET),
        basis={"taxonomy": taxonomy.code, "pack": taxonomy.pack, "citation": taxonomy.citation.as_dict()},
        checked_by=acting_user)
    audit.record(actor=acting_user, action="governance.ai_application.ethics_checked", instance=item,
                 after={"self_check": check.pk, "activities": check.activities, "met": check.met,
                        "partly": check.partly, "not_met": check.not_met,
                        "to_improve": list(result.to_improve)})
    return check


@transaction.atomic
def mark_due(*, application_id: int, today: dt.date) -> bool:
    """Mark one application due for its scheduled re-assessment and tell its organisation (once)."""
    item = AIApplication.objects.select_for_update().filter(
        pk=application_id, status=AIApplicationStatus.ASSESSED, reassess_on__lte=today).first()
    if item is None:
        return False
    before = audit.snapshot(item)
    item.status = AIApplicationStatus.DUE
    item.due_reason = str(_("已到定期重新评估日期"))
    item.due_notified_on = today
    item.save()
    _tell(_organisation_members(item.organisation_id), item, "governance.ai_application",
          _("人工智能应用须重新评估：%(t)s"), _("请重新填写风险问卷。"))
    audit.record(actor=None, action="governance.ai_application.reassessment_due", instance=item, before=before)
    return True


def mark_due_reassessments(*, today: dt.date | None = None) -> int:
    """Every assessed application whose re-assessment date has come is marked due (safe to rerun: an application
    already due is not marked again). Each in its own transaction with its own audit event."""
    today = today or timezone.localdate()
    ids = list(AIApplication.objects.filter(status=AIApplicationStatus.ASSESSED, reassess_on__lte=today)
               .values_list("pk", flat=True))
    return sum(1 for pk in ids if mark_due(application_id=pk, today=today))


# -- inspections -------------------------------------------------------------------------------------------------

@transaction.atomic
def plan_inspections(*, acting_user: User, department_id: int, title: str, size: int,
                     tier: str = "") -> InspectionPlan:
    """An official of the sector department draws `size` of the department's applications in their places (of one
    tier if given), leaving out those of organisations they belong to. The draw is reproducible: its public inputs,
    seed and selection are recorded (`experts.draws`)."""
    department = selectors.planning_departments(acting_user).filter(
        pk=_id(department_id, "department_id", _("行业主管部门"))).first()
    if department is None:
        if not permissions.user_jurisdiction_ids(acting_user, "change") \
                and not getattr(acting_user, "is_superuser", False):
            raise PermissionDeniedError(_("只有行业主管部门的工作人员可以制定检查计划。"))
        raise ServiceError("unknown_department", _("请选择您所在的行业主管部门。"), "department_id")
    title = _text(title, "title", 200, label=_("计划名称"))
    if tier and tier not in RiskTier.values:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(tier)[:40]}, "tier")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 50:
        raise ServiceError("out_of_range", _("抽取数量应在1到50之间。"), "size")
    rows = selectors.applications(acting_user).filter(department=department).exclude(
        status=AIApplicationStatus.WITHDRAWN).exclude(
        organisation_id__in=permissions.user_organisation_ids(acting_user, "view"))
    if not getattr(acting_user, "is_superuser", False):
        rows = rows.filter(jurisdiction_id__in=permissions.user_jurisdiction_ids(acting_user, "change"))
    if tier:
        rows = rows.filter(tier=tier)
    candidates = sorted(rows.values_list("pk", flat=True))
    if not candidates:
        raise ServiceError("no_candidates", _("没有可抽取的应用。"), "department_id")
    size = min(size, len(candidates))
    inputs = draws.seed_inputs(purpose="inspection", subject_type="core.department", subject_id=str(department.pk),
                               jurisdiction=department.jurisdiction.code, fields=[tier] if tier else [],
                               size=size, candidate_ids=candidates, excluded_ids=[],
                               conflicted_organisation_ids=sorted(permissions.user_organisation_ids(acting_user)),
                               drawn_at=timezone.now(), nonce=draws.new_nonce())
    seed = draws.derive_seed(inputs)
    selected = draws.sample(candidates, size, seed)
    plan = InspectionPlan.objects.create(title=title, jurisdiction_id=department.jurisdiction_id,
                                         department=department, tier=tier, size=size, seed_inputs=inputs,
                                         seed=seed, selected_ids=selected, planned_by=acting_user)
    Inspection.objects.bulk_create([Inspection(plan=plan, application_id=pk) for pk in selected])
    for inspection in Inspection.objects.filter(plan=plan).select_related("application__jurisdiction"):
        work.open_work(code=work.RISK_SUPERVISION, subject=inspection, jurisdiction=inspection.application.jurisdiction,
                       title=inspection.application.name, link=f"/governance/inspections/{inspection.pk}/")
    audit.record(actor=acting_user, action="governance.inspection_plan.drawn", instance=plan)
    return plan


def verify_plan(plan: InspectionPlan) -> Any:
    """Re-run the recorded draw: the seed from the recorded inputs and the selection from the seed."""
    return draws.verify(plan.seed_inputs, seed=plan.seed, selected=plan.selected_ids)


def _inspection(acting_user: User, inspection_id: int) -> Inspection:
    found = _lock(selectors.inspections(acting_user), Inspection, inspection_id)
    if not _supervisor(acting_user, found.application):
        raise PermissionDeniedError(_("只有行业主管部门的工作人员（非该单位成员）可以办理检查。"))
    return found  # type: ignore[no-any-return]


def _advance(row: Any, *, acting_user: User, action: str, status: str, text: str, field: str, column: str,
             limit: int, label: Any, day: str, by: str) -> Any:
    """One step of an inspection or an order: the text written (bounded, named by `field`), the day and the person
    stamped, the state moved, saved, with its one audit event."""
    before = audit.snapshot(row)
    setattr(row, column, _text(text, field, limit, label=label))
    setattr(row, day, timezone.localdate())
    setattr(row, by, acting_user)
    row.status = status
    row.save()
    audit.record(actor=acting_user, action=action, instance=row, before=before)
    return row


@transaction.atomic
def record_findings(*, acting_user: User, inspection_id: int, findings: str) -> Inspection:
    inspection = _inspection(acting_user, inspection_id)
    if inspection.status != InspectionStatus.PLANNED:
        raise ServiceError("wrong_state", _("检查发现已记录。"), "status", status=409)
    work.close_work(subject=inspection, code=work.RISK_SUPERVISION)
    return _advance(inspection, acting_user=acting_user, action="governance.inspection.recorded",  # type: ignore[no-any-return]
                    status=InspectionStatus.DONE, text=findings, field="findings", column="findings", limit=5000,
                    label=_("检查发现"), day="inspected_on", by="inspected_by")


@transaction.atomic
def order_rectification(*, acting_user: User, inspection_id: int, requirement: str,
                        due_on: dt.date) -> RectificationOrder:
    """An official orders the organisation to rectify what the inspection found, by a deadline."""
    inspection = _inspection(acting_user, inspection_id)
    if inspection.status != InspectionStatus.DONE:
        raise ServiceError("wrong_state", _("请先记录检查发现。"), "status", status=409)
    today = timezone.localdate()
    if not isinstance(due_on, dt.date) or isinstance(due_on, dt.datetime):
        raise ServiceError("invalid_date", _("请填写整改期限。"), "due_on")
    if not today < due_on <= today + dt.timedelta(days=MAX_ORDER_DAYS):
        raise ServiceError("out_of_range", _("整改期限应晚于今天，且不超过%(n)s天。") % {"n": MAX_ORDER_DAYS},
                           "due_on")
    order = RectificationOrder.objects.create(
        inspection=inspection, application=inspection.application,
        requirement=_text(requirement, "requirement", 5000, label=_("整改要求")), due_on=due_on,
        ordered_by=acting_user)
    # Verifying the rectification is the work of the department holding the risk-supervision duty.
    work.open_work(code=work.RISK_SUPERVISION, subject=order, jurisdiction=inspection.application.jurisdiction,
                   title=inspection.application.name, link=f"/governance/inspections/{inspection.pk}/")
    _tell(_organisation_members(inspection.application.organisation_id), inspection.application,
          "governance.rectification", _("整改通知：%(t)s"), _("请在整改期限前完成整改并报告。"),
          link=f"/governance/inspections/{inspection.pk}/")
    audit.record(actor=acting_user, action="governance.rectification.ordered", instance=order)
    return order


def _order(acting_user: User, order_id: int) -> RectificationOrder:
    return _lock(selectors.orders(acting_user), RectificationOrder, order_id)  # type: ignore[no-any-return]


@transaction.atomic
def report_rectification(*, acting_user: User, order_id: int, response: str) -> RectificationOrder:
    """A member of the organisation reports what it did."""
    order = _order(acting_user, order_id)
    if not _member(acting_user, order.application.organisation_id):
        raise PermissionDeniedError(_("只有该单位的成员可以报告整改情况。"))
    if order.status != RectificationStatus.OPEN:
        raise ServiceError("wrong_state", _("整改通知当前状态为“%(s)s”，不能报告。") % {
            "s": order.get_status_display()}, "status", status=409)
    return _advance(order, acting_user=acting_user, action="governance.rectification.reported",  # type: ignore[no-any-return]
                    status=RectificationStatus.REPORTED, text=response, field="response", column="response",
                    limit=5000, label=_("整改情况"), day="reported_on", by="reported_by")


@transaction.atomic
def close_rectification(*, acting_user: User, order_id: int, note: str) -> RectificationOrder:
    """An official of the sector department, not a member of the organisation nor the one who reported, verifies
    the rectification and closes the order."""
    order = _order(acting_user, order_id)
    if not _supervisor(acting_user, order.application) or order.reported_by_id == acting_user.pk:
        raise PermissionDeniedError(_("只有行业主管部门的工作人员（非该单位成员）可以核验销号。"))
    if order.status != RectificationStatus.REPORTED:
        raise ServiceError("wrong_state", _("整改通知当前状态为“%(s)s”，不能销号。") % {
            "s": order.get_status_display()}, "status", status=409)
    _tell(_organisation_members(order.application.organisation_id), order.application, "governance.rectification",
          _("整改已核验销号：%(t)s"), link=f"/governance/inspections/{order.inspection_id}/")
    work.close_work(subject=order, code=work.RISK_SUPERVISION)
    return _advance(order, acting_user=acting_user, action="governance.rectification.closed",  # type: ignore[no-any-return]
                    status=RectificationStatus.CLOSED, text=note, field="note", column="closing_note", limit=2000,
                    label=_("核验意见"), day="closed_on", by="closed_by")


@transaction.atomic
def report_overdue(*, order_id: int, today: dt.date) -> bool:
    """Mark one open order past its deadline as reported and, once committed, open a platform-signal incident."""
    order = RectificationOrder.objects.select_for_update(of=("self",)).select_related(
        "application").filter(pk=order_id, status=RectificationStatus.OPEN, due_on__lt=today,
                              overdue_signalled_on__isnull=True).first()
    if order is None:
        return False
    before = audit.snapshot(order)
    order.overdue_signalled_on = today
    order.save(update_fields=["overdue_signalled_on", "updated_at"])
    audit.record(actor=None, action="governance.rectification.overdue", instance=order, before=before)
    transaction.on_commit(lambda: _signal_overdue(order))
    return True


def _signal_overdue(order: RectificationOrder) -> None:
    from aiplus.governance.incident_services import report_signal

    report_signal(
        acting_user=None, signal="rectification_overdue",
        title=str(_("整改逾期：%(t)s") % {"t": order.application.name}),
        description=str(_("人工智能应用“%(t)s”的整改通知（期限%(d)s）逾期未报告整改情况。整改要求：%(r)s")
                        % {"t": order.application.name, "d": order.due_on.isoformat(), "r": order.requirement}),
        organisation_id=order.application.organisation_id, reference=f"governance.rectification:{order.pk}")


def report_overdue_rectifications(*, today: dt.date | None = None) -> int:
    """Every open order past its deadline opens a platform-signal incident, once (safe to rerun)."""
    today = today or timezone.localdate()
    ids = list(RectificationOrder.objects.filter(status=RectificationStatus.OPEN, due_on__lt=today,
                                                 overdue_signalled_on__isnull=True).values_list("pk", flat=True))
    return sum(1 for pk in ids if report_overdue(order_id=pk, today=today))
