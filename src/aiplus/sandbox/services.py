"""Every write of the sandbox and of fault tolerance. One transaction and one audit event each (the panel draw and
the incident report also leave the experts' and governance's own events, as those apps write them).

- a member of a company applies (innovation, legal gap, risk controls, scope: users, geography, duration, exit plan);
- an official of the jurisdiction, no member of the company, draws the review panel from the expert pool (the
  experts app's reproducible, conflict-free draw: the company's own staff and its declared relations left out);
  each drawn expert reads the application and votes themself, with a written opinion (nobody votes for them);
  once all have, the official decides: admitted when more than the pack's share of all its experts agree; admission
  comes with conditions (user cap, geography, term, reporting frequency) and the report schedule follows;
- the company files its periodic reports (the user cap is checked and a breach told to the officials); overdue ones
  are told once (`report_overdue`, safe to rerun); incidents are reported into governance and linked;
- an official decides the exit: graduation, an extension within the pack's caps, or termination, with reasons;
- an official who is not the party decides a fault-tolerance case: the criteria met (pack data) allow some outcomes
  (不予处罚 / 从轻处罚 / 减轻处罚), chosen with reasons, optionally tied to a violation case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, calendar, domains, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import Organisation, User
from aiplus.core.services import notify
from aiplus.departments import work
from aiplus.experts import selectors as expert_selectors
from aiplus.experts import services as expert_services
from aiplus.experts.models import ExpertProfile
from aiplus.governance import incident_selectors as governance_selectors
from aiplus.governance import incident_services
from aiplus.governance.incident_services import _organisation_members, _text, officials_of
from aiplus.sandbox import engine, rules, selectors
from aiplus.sandbox.models import (
    ExitDecision,
    ExitKind,
    SandboxApplication,
    SandboxIncident,
    SandboxReport,
    Status,
    ToleranceCase,
    ToleranceOutcome,
    Vote,
)


def _link(application: SandboxApplication) -> str:
    return f"/sandbox/applications/{application.pk}/"


def _tell(users: Sequence[User], target: Any, link: str, title: Any, body: Any = "",
          params: Mapping[str, Any] | None = None, *, verb: str = "sandbox.application") -> None:
    for user in {u.pk: u for u in users}.values():
        notify(recipient=user, verb=verb, title=title, body=body, params={"t": target.title, **(params or {})},
               link=link, target=target)


def _application(acting_user: User, application_id: int) -> SandboxApplication:
    if not selectors.applications(acting_user).filter(pk=application_id).exists():
        raise NotFoundError()
    return SandboxApplication.objects.select_for_update(of=("self",)).get(pk=application_id)


def _state(application: SandboxApplication, *allowed: str) -> None:
    if application.status not in allowed:
        raise ServiceError("wrong_state", _("当前状态为“%(s)s”，不能办理此事项。")
                           % {"s": application.get_status_display()}, "status", status=409)


def _as_official(acting_user: User, jurisdiction_id: int, organisation_id: int, message: Any) -> None:
    """An official of the jurisdiction who is no member of the company: nobody decides their own case."""
    if not selectors.is_official_of(acting_user, jurisdiction_id):
        raise PermissionDeniedError(message)
    if not acting_user.is_superuser and organisation_id in permissions.user_organisation_ids(acting_user, "view"):
        raise PermissionDeniedError(_("不能办理本单位的事项。"))


def _day(value: Any, field: str, label: Any) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ServiceError("required", _("请填写%(f)s。") % {"f": label}, field)
    return value


# -- application -------------------------------------------------------------------------------------------------

@transaction.atomic
def apply(*, acting_user: User, organisation_id: int, title: str, innovation: str, legal_gap: str,
          risk_controls: str, planned_users: int, geography: str, planned_days: int,
          exit_plan: str) -> SandboxApplication:
    """A member of the company applies, with the scope it asks for and its exit plan."""
    organisation = Organisation.objects.filter(pk=organisation_id).first() \
        if isinstance(organisation_id, int) and not isinstance(organisation_id, bool) else None
    if organisation is None:
        raise ServiceError("unknown_organisation", _("请选择申请单位。"), "organisation_id")
    if not permissions.can_create_in(acting_user, organisation_id=organisation.pk):
        raise PermissionDeniedError(_("只有本单位成员可以为本单位申请。"))
    limits = rules.limits(timezone.localdate())
    days = domains.clean(SandboxApplication, "planned_days", planned_days)
    if days is not None and days > limits.max_duration_days:
        raise ServiceError("too_long", _("拟测试天数不能超过%(n)s天。") % {"n": limits.max_duration_days},
                           "planned_days")
    application = SandboxApplication(
        title=_text(title, "title", 200, label=_("创新项目名称")), organisation=organisation,
        jurisdiction_id=organisation.jurisdiction_id,
        innovation=_text(innovation, "innovation", 5000, label=_("创新内容")),
        legal_gap=_text(legal_gap, "legal_gap", 5000, label=_("现行规定空白或冲突")),
        risk_controls=_text(risk_controls, "risk_controls", 5000, label=_("风险防控措施")),
        planned_users=domains.clean(SandboxApplication, "planned_users", planned_users),
        geography=_text(geography, "geography", 200, label=_("拟测试地域")), planned_days=days,
        exit_plan=_text(exit_plan, "exit_plan", 5000, label=_("退出方案")), submitted_by=acting_user)
    for field, label in (("planned_users", _("拟服务用户数")), ("planned_days", _("拟测试天数"))):
        if getattr(application, field) is None:
            raise ServiceError("required", _("请填写%(f)s。") % {"f": label}, field)
    application.save()
    work.open_work(code=work.SANDBOX_SUPERVISION, subject=application, jurisdiction=organisation.jurisdiction,
                   title=application.title, link=_link(application))
    _tell(officials_of(organisation.jurisdiction_id), application, _link(application), _("新的沙盒监管申请：%(t)s"))
    audit.record(actor=acting_user, action="sandbox.application.submitted", instance=application)
    return application


@transaction.atomic
def draw_panel(*, acting_user: User, application_id: int, fields: list[str], size: int) -> SandboxApplication:
    """The official draws the admission panel from the expert pool: at least the pack's number of experts, none
    from the applying company nor related to it (the experts app's draw records the exclusions and the seed)."""
    application = _application(acting_user, application_id)
    _as_official(acting_user, application.jurisdiction_id, application.organisation_id,
                 _("入盒评审由申请单位所在地的主管部门组织。"))
    _state(application, Status.SUBMITTED)
    limits = rules.limits(timezone.localdate())
    if not isinstance(size, int) or isinstance(size, bool) or size < limits.panel_min_experts:
        raise ServiceError("too_few", _("评审专家组不少于%(n)s名专家。") % {"n": limits.panel_min_experts}, "size")
    before = audit.snapshot(application)
    application.draw = expert_services.draw_panel(
        acting_user=acting_user, purpose=str(_("沙盒入盒评审：%(t)s") % {"t": application.title})[:300],
        subject_type="sandbox.sandboxapplication", subject_id=str(application.pk),
        jurisdiction=application.jurisdiction.code, fields=fields, size=size,
        conflicted_organisation_ids=[application.organisation_id])
    application.status = Status.REVIEWING
    application.save()
    experts = list(ExpertProfile.objects.filter(pk__in=[int(i) for i in application.draw.selected])
                   .select_related("user"))
    application.panel_users.set([e.user_id for e in experts])
    _tell([e.user for e in experts], application, _link(application), _("请提交入盒评审意见：%(t)s"),
          _("您被抽取为该沙盒申请的评审专家，请阅读申请后在线表决。"))
    audit.record(actor=acting_user, action="sandbox.panel.drawn", instance=application, before=before)
    return application


def awaiting_vote_of(user: Any, application: SandboxApplication) -> bool:
    """Whether `user` is a drawn expert of the application's panel who has not voted yet."""
    if application.status != Status.REVIEWING or application.draw_id is None or not getattr(user, "pk", None):
        return False
    assert application.draw is not None
    expert = expert_selectors.drawn_expert(application.draw, user)
    return expert is not None and str(expert.pk) not in (application.votes or {})


@transaction.atomic
def vote_admission(*, acting_user: User, application_id: int, vote: str, opinion: str) -> SandboxApplication:
    """A drawn expert votes on the admission themself, once, with a written opinion; nobody votes for them. The
    officials are told when the whole panel has voted."""
    application = _application(acting_user, application_id)
    _state(application, Status.REVIEWING)
    assert application.draw is not None
    panel = [int(i) for i in application.draw.selected]
    expert = expert_selectors.drawn_expert(application.draw, acting_user)
    if expert is None or not application.panel_users.filter(pk=acting_user.pk).exists():
        raise PermissionDeniedError(_("只有抽取的评审专家本人可以表决。"))
    if str(expert.pk) in application.votes:
        raise ServiceError("already_voted", _("您已表决。"), "vote", status=409)
    if vote not in Vote.values:
        raise ServiceError("invalid_choice", _("无效的评审意见。"), "vote")
    text = _text(opinion, "opinion", 5000, label=_("书面意见"))
    before = audit.snapshot(application)
    application.votes = {**application.votes, str(expert.pk): vote}
    application.opinions = {**application.opinions, str(expert.pk): text}
    application.save(update_fields=["votes", "opinions", "updated_at"])
    if len(application.votes) == len(panel):
        _tell(officials_of(application.jurisdiction_id), application, _link(application),
              _("评审专家组已全部表决：%(t)s"))
    audit.record(actor=acting_user, action="sandbox.panel.voted", instance=application, before=before)
    return application


@transaction.atomic
def decide_admission(*, acting_user: User, application_id: int, reasons: str,
                     user_cap: int | None = None, geography_condition: str = "", start_on: dt.date | None = None,
                     end_on: dt.date | None = None, report_every_days: int | None = None,
                     other_conditions: str = "") -> SandboxApplication:
    """The official's decision on the panel's votes, once every drawn expert has voted themself: admitted when more
    than the pack's share of ALL drawn experts agree, then with its conditions (user cap, geography, term,
    reporting frequency; the report schedule follows); otherwise not admitted. With reasons either way."""
    application = _application(acting_user, application_id)
    _as_official(acting_user, application.jurisdiction_id, application.organisation_id,
                 _("入盒决定由申请单位所在地的主管部门记录。"))
    _state(application, Status.REVIEWING)
    assert application.draw is not None
    panel = [int(i) for i in application.draw.selected]
    given = {int(k): v for k, v in (application.votes or {}).items()}
    if set(given) != set(panel):
        raise ServiceError("panel_incomplete", _("评审专家组尚有%(n)s名专家未表决。") % {
            "n": len(set(panel) - set(given))}, "votes", status=409)
    today = timezone.localdate()
    limits = rules.limits(today)
    result = engine.tally(given, len(panel), limits.panel_admit_percent)
    before = audit.snapshot(application)
    application.checks = [c.as_dict() for c in result.checks]
    application.decision_reasons = _text(reasons, "reasons", 5000, label=_("入盒决定理由"))
    application.decided_on = today
    application.decided_by = acting_user
    if result.admitted:
        _conditions(application, limits, user_cap=user_cap, geography_condition=geography_condition,
                    start_on=start_on, end_on=end_on, report_every_days=report_every_days,
                    other_conditions=other_conditions)
        application.status = Status.ADMITTED
        application.save()
        _schedule(application, limits)
        title = _("已准予入盒：%(t)s")
    else:
        application.status = Status.REJECTED
        application.save()
        title = _("未予入盒：%(t)s")
    work.close_work(subject=application, code=work.SANDBOX_SUPERVISION)
    _tell(_organisation_members(application.organisation_id), application, _link(application), title)
    audit.record(actor=acting_user, action="sandbox.application.decided", instance=application, before=before)
    return application


def _conditions(application: SandboxApplication, limits: rules.Limits, *, user_cap: Any, geography_condition: str,
                start_on: Any, end_on: Any, report_every_days: Any, other_conditions: str) -> None:
    cap = domains.clean(SandboxApplication, "user_cap", user_cap)
    if cap is None:
        raise ServiceError("required", _("请填写用户数上限。"), "user_cap")
    if cap > application.planned_users:
        raise ServiceError("over_planned", _("用户数上限不能超过申请的%(n)s人。") % {"n": application.planned_users},
                           "user_cap")
    start = _day(start_on, "start_on", _("测试开始日期"))
    if start < timezone.localdate(application.created_at):
        raise ServiceError("before_application", _("测试开始日期不能早于申请日期。"), "start_on")
    end = _day(end_on, "end_on", _("测试截止日期"))
    term = (end - start).days + 1
    if term < 1:
        raise ServiceError("end_before_start", _("测试截止日期不能早于开始日期。"), "end_on")
    if term > limits.max_duration_days:
        raise ServiceError("too_long", _("测试期限不能超过%(n)s天。") % {"n": limits.max_duration_days}, "end_on")
    every = domains.clean(SandboxApplication, "report_every_days", report_every_days)
    if every is None or not limits.report_every_days_min <= every <= limits.report_every_days_max:
        raise ServiceError("out_of_range", _("报告频率应在%(a)s至%(b)s天之间。") % {
            "a": limits.report_every_days_min, "b": limits.report_every_days_max}, "report_every_days")
    application.user_cap = cap
    application.geography_condition = _text(geography_condition, "geography_condition", 200, label=_("限定地域"))
    application.start_on, application.end_on, application.report_every_days = start, end, every
    application.other_conditions = _text(other_conditions, "other_conditions", 5000, label=_("其他条件"),
                                         required=False)


def _schedule(application: SandboxApplication, limits: rules.Limits) -> None:
    """The reports still to schedule, from the day after the last scheduled period to the sandbox's end: one per
    reporting period, due the pack's working days after the period ends (the official calendar). A due day in a
    year whose State Council holiday notice is not yet published cannot be counted: scheduling stops there, and the
    daily check (`report_overdue`) schedules the rest once the notice is entered (never a guessed day)."""
    assert application.end_on is not None and application.report_every_days is not None
    last = application.reports.order_by("-sequence").values_list("sequence", "period_end").first()
    sequence, start = (last[0], last[1] + dt.timedelta(days=1)) if last else (0, application.start_on)
    assert start is not None
    for i, period_end in enumerate(engine.period_ends(start, application.end_on, application.report_every_days)):
        try:
            due_on = calendar.add_working_days(period_end, limits.report_grace_working_days)
        except calendar.CalendarUnavailable:
            return
        SandboxReport.objects.create(application=application, sequence=sequence + 1 + i, period_end=period_end,
                                     due_on=due_on)


# -- reports and incidents ---------------------------------------------------------------------------------------

@transaction.atomic
def file_report(*, acting_user: User, report_id: int, users_served: int, summary: str) -> SandboxReport:
    """A member of the company files a periodic report; the user cap is checked and a breach told to the
    officials."""
    found = selectors.reports(acting_user).filter(pk=report_id).first()
    if found is None:
        raise NotFoundError()
    application = _application(acting_user, found.application_id)
    if application.organisation_id not in permissions.user_organisation_ids(acting_user, "change") \
            and not acting_user.is_superuser:
        raise PermissionDeniedError(_("只有沙盒项目单位成员可以提交报告。"))
    _state(application, Status.ADMITTED)
    report = SandboxReport.objects.select_for_update().get(pk=found.pk)
    if report.filed_on is not None:
        raise ServiceError("already_filed", _("该期报告已提交。"), "summary", status=409)
    today = timezone.localdate()
    assert application.report_every_days is not None and application.start_on is not None
    opens = max(application.start_on, report.period_end - dt.timedelta(days=application.report_every_days - 1))
    if today < opens:
        raise ServiceError("not_open", _("该报告期自%(d)s开始，尚不能提交。") % {"d": opens}, "summary", status=409)
    before = audit.snapshot(report)
    report.users_served = domains.clean(SandboxReport, "users_served", users_served)
    if report.users_served is None:
        raise ServiceError("required", _("请填写报告期末用户数。"), "users_served")
    report.summary = _text(summary, "summary", 5000, label=_("报告内容"))
    cap = application.user_cap or 0
    within = report.users_served <= cap
    report.checks = [engine.Check("user_cap", within,
                                  f"报告期末用户数{report.users_served}，上限{cap}",
                                  f"{report.users_served} users at the period's end, the cap is {cap}").as_dict()]
    report.filed_on = today
    report.filed_by = acting_user
    report.save()
    work.close_work(subject=report, code=work.SANDBOX_SUPERVISION)  # the overdue report is in
    if not within:
        _tell(officials_of(application.jurisdiction_id), application, _link(application),
              _("沙盒项目超出用户数上限：%(t)s"), _("报告期末用户数%(n)s，上限%(c)s。"),
              {"n": report.users_served, "c": cap}, verb="sandbox.cap")
    audit.record(actor=acting_user, action="sandbox.report.filed", instance=report, before=before,
                 organisation_id=application.organisation_id)
    return report


@transaction.atomic
def report_overdue(*, acting_user: User | None = None, today: dt.date | None = None) -> int:
    """Tell the company's members and the officials of each report of an admitted sandbox that is past its due
    day and not filed, once; each report is marked in the same transaction (safe to rerun)."""
    today = today or timezone.localdate()
    limits = rules.limits(today)
    for application in SandboxApplication.objects.select_for_update().filter(status=Status.ADMITTED):
        _schedule(application, limits)  # the periods whose due days a newly published calendar now lets us count
    overdue = list(SandboxReport.objects.select_for_update(of=("self",)).select_related("application").filter(
        filed_on__isnull=True, overdue_notified_at__isnull=True, due_on__lt=today,
        application__status=Status.ADMITTED).order_by("due_on", "id"))
    now = timezone.now()
    officials: dict[int, list[User]] = {}
    for report in overdue:
        application = report.application
        if application.jurisdiction_id not in officials:
            officials[application.jurisdiction_id] = officials_of(application.jurisdiction_id)
        people = [*officials[application.jurisdiction_id], *_organisation_members(application.organisation_id)]
        for user in {u.pk: u for u in people}.values():
            notify(recipient=user, verb="sandbox.report.overdue", title=_("沙盒定期报告逾期：%(t)s"),
                   body=_("第%(n)s期报告应于%(d)s前提交。"),
                   params={"t": application.title, "n": report.sequence, "d": report.due_on.isoformat()},
                   link=_link(application), target=report)
        report.overdue_notified_at = now
        report.save(update_fields=["overdue_notified_at", "updated_at"])
        # Chasing the missing report is the work of the department holding the sandbox duty; filing closes it.
        work.open_work(code=work.SANDBOX_SUPERVISION, subject=report, jurisdiction=application.jurisdiction,
                       title=application.title, link=_link(application))
    if overdue:
        audit.record(actor=acting_user, action="sandbox.reports.overdue", instance=None,
                     object_type="sandbox.sandboxreport", object_id=",".join(str(r.pk) for r in overdue[:20]),
                     object_repr=str(len(overdue)), after={"reports": [r.pk for r in overdue],
                                                           "today": today.isoformat()})
    return len(overdue)


@transaction.atomic
def report_incident(*, acting_user: User, application_id: int, title: str, description: str,
                    discovered_at: dt.datetime, harms: Sequence[str] | None = None,
                    pi_persons: int | None = None, loss_cny: Decimal | None = None) -> SandboxIncident:
    """A member of the company reports an incident of its sandbox test: a governance incident (its clocks,
    triage and response), linked to the sandbox."""
    application = _application(acting_user, application_id)
    _state(application, Status.ADMITTED)
    incident = incident_services.report_incident(
        acting_user=acting_user, organisation_id=application.organisation_id, title=title,
        description=description, discovered_at=discovered_at, harms=harms, pi_persons=pi_persons,
        loss_cny=loss_cny)
    link = SandboxIncident.objects.create(application=application, incident=incident, reported_by=acting_user)
    _tell(officials_of(application.jurisdiction_id), application, _link(application),
          _("沙盒测试发生事件：%(t)s"), verb="sandbox.incident")
    audit.record(actor=acting_user, action="sandbox.incident.linked", instance=link,
                 organisation_id=application.organisation_id)
    return link


# -- exit --------------------------------------------------------------------------------------------------------

@transaction.atomic
def decide_exit(*, acting_user: User, application_id: int, kind: str, reasons: str,
                new_end_on: dt.date | None = None) -> ExitDecision:
    """Graduation to ordinary supervision, an extension (a later end date within the pack's caps; the report
    schedule goes on to it) or termination; with reasons, told to the company."""
    application = _application(acting_user, application_id)
    _as_official(acting_user, application.jurisdiction_id, application.organisation_id,
                 _("出盒决定由沙盒项目所在地的主管部门作出。"))
    _state(application, Status.ADMITTED)
    if kind not in ExitKind.values:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(kind)[:40]}, "kind")
    today = timezone.localdate()
    limits = rules.limits(today)
    before = audit.snapshot(application)
    assert application.end_on is not None
    decision = ExitDecision(application=application, kind=kind,
                            reasons=_text(reasons, "reasons", 5000, label=_("决定理由")),
                            previous_end_on=application.end_on, decided_on=today, decided_by=acting_user)
    if kind == ExitKind.EXTEND:
        new_end = _day(new_end_on, "new_end_on", _("新截止日期"))
        check = engine.extension(current_end=application.end_on, new_end=new_end,
                                 extensions_so_far=application.extensions, max_extensions=limits.max_extensions,
                                 max_extension_days=limits.max_extension_days)
        decision.checks = [c.as_dict() for c in check.checks]
        if not check.ok:
            failed = [c for c in check.checks if not c.ok]
            english = _english()
            raise ServiceError("extension_refused", "; ".join(c.text_en if english else c.text_zh for c in failed),
                               "new_end_on")
        decision.new_end_on = new_end
        application.end_on = new_end
        application.extensions += 1
        application.save()
        _schedule(application, limits)
        title = _("沙盒测试已延期：%(t)s")
    else:
        if new_end_on not in (None, ""):
            raise ServiceError("no_end", _("出盒或终止不写新的截止日期。"), "new_end_on")
        application.status = Status.GRADUATED if kind == ExitKind.GRADUATE else Status.TERMINATED
        application.save()
        title = _("沙盒测试已出盒：%(t)s") if kind == ExitKind.GRADUATE else _("沙盒测试已终止：%(t)s")
    decision.save()
    _tell(_organisation_members(application.organisation_id), application, _link(application), title,
          _("决定理由：%(r)s"), {"r": decision.reasons[:200]})
    audit.record(actor=acting_user, action="sandbox.exit.decided", instance=decision, before=before,
                 organisation_id=application.organisation_id)
    return decision


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


# -- fault tolerance ---------------------------------------------------------------------------------------------

@transaction.atomic
def decide_tolerance(*, acting_user: User, organisation_id: int, title: str, facts: str, criteria: Sequence[str],
                     outcome: str, reasons: str, violation_id: int | None = None,
                     application_id: int | None = None) -> ToleranceCase:
    """An official of the company's place, no member of it, decides a fault-tolerance case: the criteria met
    (pack data) allow some outcomes; the one chosen must be among them, with reasons. Tied to a violation case
    and a sandbox of the same company if given."""
    organisation = Organisation.objects.filter(pk=organisation_id).first() \
        if isinstance(organisation_id, int) and not isinstance(organisation_id, bool) else None
    if organisation is None:
        raise ServiceError("unknown_organisation", _("请选择当事单位。"), "organisation_id")
    _as_official(acting_user, organisation.jurisdiction_id, organisation.pk,
                 _("容错免责由当事单位所在地的主管部门认定。"))
    violation = None
    if violation_id is not None:
        violation = governance_selectors.violations(acting_user).filter(pk=violation_id).first()
        if violation is None or violation.organisation_id != organisation.pk:
            raise ServiceError("unknown_violation", _("关联案件应为该单位的案件。"), "violation_id")
    application = None
    if application_id is not None:
        application = selectors.applications(acting_user).filter(pk=application_id).first()
        if application is None or application.organisation_id != organisation.pk:
            raise ServiceError("unknown_application", _("关联沙盒项目应为该单位的项目。"), "application_id")
    catalogue = rules.criteria()
    if not isinstance(criteria, (list, tuple)) or len(criteria) > len(catalogue.codes) \
            or any(not isinstance(c, str) or c not in catalogue.codes for c in criteria):
        raise ServiceError("invalid_choice", _("无效的容错情形。"), "criteria")
    if outcome not in ToleranceOutcome.values:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(outcome)[:40]}, "outcome")
    today = timezone.localdate()
    verdict = engine.tolerance(met=set(criteria), required=catalogue.required, mitigating=catalogue.mitigating,
                               no_penalty_min_mitigating=rules.limits(today).no_penalty_min_mitigating)
    if outcome not in verdict.allowed:
        failed = [c for c in verdict.checks if not c.ok]
        english = _english()
        raise ServiceError("not_allowed", "; ".join(c.text_en if english else c.text_zh for c in failed), "outcome")
    case = ToleranceCase(title=_text(title, "title", 200, label=_("事项")),
                         jurisdiction_id=organisation.jurisdiction_id,
                         organisation=organisation, violation=violation, application=application,
                         facts=_text(facts, "facts", 5000, label=_("事实")), criteria=sorted(set(criteria)),
                         outcome=outcome, reasons=_text(reasons, "reasons", 5000, label=_("认定理由")),
                         checks=[c.as_dict() for c in verdict.checks], decided_on=today, decided_by=acting_user)
    case.save()
    for user in _organisation_members(organisation.pk):
        notify(recipient=user, verb="sandbox.tolerance", title=_("容错免责认定：%(t)s"), body=_("认定结果：%(o)s"),
               params={"t": case.title, "o": dict(ToleranceOutcome.choices)[outcome]},
               link=f"/sandbox/tolerance/{case.pk}/", target=case)
    audit.record(actor=acting_user, action="sandbox.tolerance.decided", instance=case)
    return case
