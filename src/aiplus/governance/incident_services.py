"""Every write of incident intake and response (Guangdong art. 31 监测预警与应急响应; Suzhou art. 46). One transaction
and one audit event each; the grading and the clocks are the pure engine's (`incident_rules`) with the pack's
numbers (`incidents.rules_on`) and the official working-day calendar (`core.calendar.add_working_days`).

Who may do what (checked here, before anything is written):
- a member of an organisation reports the organisation's own incident (its report to the authority: the
  operator-report clock is met by it); anybody, signed in or not, reports through the public form, named or
  anonymous, within the abuse limits (a honeypot field, reports per hour per network address); another app reports
  a platform signal (`report_signal`, e.g. a tampered AIGC label);
- an official of the incident's jurisdiction triages it (grade, operator type, harms), assigns it to a department
  and an official, records response actions, ends the handling and closes it with the post-incident review and,
  if chosen, its redacted public record; the organisation's members record their report to the authority and
  their own response actions.

Reporters: who reported is kept apart (`IncidentReporter`), seen only by the officials who handle the incident and
by the reporter; the audit event of a public report names no actor and is not attached to the reported
organisation, so its members cannot read who reported them from the audit log either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, calendar, domains, jobs, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import Department, Jurisdiction, Organisation, RoleAssignment, User
from aiplus.core.services import notify
from aiplus.departments import work
from aiplus.governance import incident_rules as rules
from aiplus.governance import incident_selectors as selectors
from aiplus.governance import incidents
from aiplus.governance.models import (
    OPEN_STATUSES,
    ActionKind,
    ClockName,
    Incident,
    IncidentAction,
    IncidentClock,
    IncidentReporter,
    IncidentSource,
    IncidentStatus,
    OperatorKind,
    Severity,
    Signal,
)

MAX_HARMS = 20


# -- helpers -----------------------------------------------------------------------------------------------------

_text = domains.clean_text  # the one rule for a service's free text


def _moment(value: Any, field: str, *, label: Any, required: bool = False,
            not_before: dt.datetime | None = None) -> dt.datetime | None:
    if value is None or value == "":
        if required:
            raise ServiceError("required", _("请填写%(f)s。") % {"f": label}, field)
        return None
    if not isinstance(value, dt.datetime):
        raise ServiceError("invalid_date", _("%(f)s不是有效的时间。") % {"f": label}, field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + dt.timedelta(minutes=5):
        raise ServiceError("in_future", _("%(f)s不能晚于现在。") % {"f": label}, field)
    if not_before is not None and value < not_before:
        raise ServiceError("too_early", _("%(f)s不能早于%(t)s。") % {"f": label, "t": timezone.localtime(not_before)
                                                                   .strftime("%Y-%m-%d %H:%M")}, field)
    return value


def _harms(values: Sequence[str] | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise ServiceError("invalid_choice", _("危害类型应为列表。"), "harms")
    known = set(incidents.harms().codes())
    chosen: list[str] = []
    for value in values:
        if not isinstance(value, str) or value not in known:
            raise ServiceError("invalid_choice", _("无效的危害类型：%(v)s") % {"v": str(value)[:40]}, "harms")
        if value not in chosen:
            chosen.append(value)
    if len(chosen) > MAX_HARMS:
        raise ServiceError("too_many", _("危害类型过多。"), "harms")
    return chosen


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(value)[:40]}, field)
    return value


def _jurisdiction(jurisdiction_id: Any) -> Jurisdiction:
    if isinstance(jurisdiction_id, bool) or not isinstance(jurisdiction_id, int):
        raise ServiceError("required", _("请选择事件发生地。"), "jurisdiction_id")
    place = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
    if place is None:
        raise ServiceError("unknown_jurisdiction", _("辖区不存在。"), "jurisdiction_id", status=404)
    return place


def _organisation(organisation_id: Any, field: str = "organisation_id") -> Organisation | None:
    if organisation_id is None:
        return None
    if isinstance(organisation_id, bool) or not isinstance(organisation_id, int):
        raise ServiceError("invalid_choice", _("请选择涉事单位。"), field)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ServiceError("unknown_organisation", _("组织不存在。"), field, status=404)
    return organisation


def officials_of(jurisdiction_id: int) -> list[User]:
    """The officials of the jurisdiction and of every jurisdiction above it (who are told of a new report)."""
    found: dict[int, User] = {}
    for assignment in RoleAssignment.objects.select_related("user").filter(
            role=permissions.OFFICIAL, active=True, jurisdiction__isnull=False, user__is_active=True):
        if assignment.jurisdiction_id is not None and jurisdiction_id in permissions.jurisdiction_ids_in_scope(
                assignment.jurisdiction_id):
            found[assignment.user_id] = assignment.user
    return list(found.values())


def _organisation_members(organisation_id: int | None) -> list[User]:
    if organisation_id is None:
        return []
    return [a.user for a in RoleAssignment.objects.select_related("user").filter(
        organisation_id=organisation_id, active=True, role__in=[permissions.ENTERPRISE_MEMBER, permissions.PROVIDER],
        user__is_active=True)]


def is_official_for(user: Any, incident: Incident) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return incident.jurisdiction_id in permissions.user_jurisdiction_ids(user, "change")


def is_member_for(user: Any, incident: Incident) -> bool:
    return incident.organisation_id is not None and getattr(user, "is_authenticated", False) \
        and incident.organisation_id in permissions.user_organisation_ids(user, "change")


def _incident(acting_user: User, incident_id: int) -> Incident:
    if not selectors.incidents(acting_user).filter(pk=incident_id).exists():
        raise NotFoundError()
    return Incident.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=incident_id)


def _as_official(acting_user: User, incident: Incident) -> None:
    if not is_official_for(acting_user, incident):
        raise PermissionDeniedError(_("只有事件发生地的主管部门工作人员可以办理。"))


def _state(incident: Incident, *allowed: str) -> None:
    if incident.status not in allowed:
        raise ServiceError("wrong_state", _("事件当前状态为“%(s)s”，不能办理此事项。")
                           % {"s": incident.get_status_display()}, "status", status=409)


def _link(incident: Incident) -> str:
    return f"/governance/incidents/{incident.pk}/"


def _tell(users: Sequence[User], incident: Incident, title: Any, body: Any = "", params: dict[str, Any] | None = None,
          verb: str = "governance.incident") -> None:
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notify(recipient=user, verb=verb, title=title, body=body, params={"t": incident.title, **(params or {})},
               link=_link(incident), target=incident)


def _start(incident: Incident, name: str, start: dt.datetime, *, met_at: dt.datetime | None = None) -> IncidentClock:
    """Start (or restart) one of the incident's clocks from the pack parameter in force on the start's day."""
    local = timezone.localtime(start)
    limits = incidents.rules_on(local.date())
    length = rules.period(name, limits, operator_kind=incident.operator_kind or rules.OTHER)
    version = incidents.version(length.parameter, local.date())
    clock, _created = IncidentClock.objects.update_or_create(
        incident=incident, name=name,
        defaults={"amount": length.amount, "unit": length.unit, "parameter": length.parameter,
                  "citation": version.citation.as_dict() if version.citation else {},
                  "parameter_status": version.status, "started_at": start,
                  "due_at": rules.due(local, length, calendar.add_working_days), "met_at": met_at,
                  "overdue_notified_at": None})
    if met_at is None:
        _queue_overdue_check(clock.due_at)
    return clock


def _queue_overdue_check(due_at: dt.datetime) -> None:
    """Queue the worker's overdue check for just after the clock runs out (the reporting clocks run in minutes, so
    a periodic sweep alone would tell too late); the check marks each clock it tells of, so a check queued for a
    clock since stopped or restarted tells nobody twice."""
    from aiplus.governance.tasks import check_incident_clocks_task

    # where the task backend cannot defer, the periodic `manage.py check_incident_clocks` is the only check
    run_after = due_at + dt.timedelta(seconds=1)
    transaction.on_commit(lambda: jobs.enqueue_at(check_incident_clocks_task, run_after))


def _stop(incident: Incident, name: str, at: dt.datetime) -> None:
    IncidentClock.objects.filter(incident=incident, name=name, met_at__isnull=True).update(met_at=at)


def source_key(client_ip: str | None) -> str:
    """A keyed hash of a network address: enough to count reports from one source, not to read the address."""
    if not client_ip:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), client_ip.encode(), hashlib.sha256).hexdigest()


def _flag(incident: Incident) -> None:
    """Guangdong art. 33: the red lines the incident touches, by its harms and by words in its title and
    description, flagged with it for the official to confirm."""
    incident.red_lines = incidents.merge_flags(list(incident.red_lines or []), incidents.flag_red_lines(
        incident.jurisdiction_id, harms=list(incident.harms), text=f"{incident.title}\n{incident.description}"))


def _snapshot(incident: Incident) -> dict[str, Any]:
    return audit.snapshot(incident) or {}


# -- intake ------------------------------------------------------------------------------------------------------

def _intake(*, source: str, title: str, description: str, jurisdiction: Jurisdiction,
            organisation: Organisation | None, organisation_named: str = "", occurred_at: Any = None,
            discovered_at: Any = None, harms: Sequence[str] | None = None, pi_persons: Any = None,
            loss_cny: Any = None, operator_kind: str = "", signal: str = "", signal_reference: str = "") -> Incident:
    now = timezone.now()
    occurred = _moment(occurred_at, "occurred_at", label=_("发生时间"))
    incident = Incident(
        title=_text(title, "title", 200, label=_("事件标题")),
        description=_text(description, "description", 5000, label=_("事件经过")),
        jurisdiction=jurisdiction, organisation=organisation,
        organisation_named=_text(organisation_named, "organisation_named", 200, label=_("涉事单位名称"),
                                 required=False),
        source=source, signal=signal, signal_reference=signal_reference[:200],
        occurred_at=occurred,
        discovered_at=_moment(discovered_at, "discovered_at", label=_("发现时间"), not_before=occurred),
        received_at=now, harms=_harms(harms),
        pi_persons=domains.clean(Incident, "pi_persons", pi_persons),
        loss_cny=domains.clean(Incident, "loss_cny", loss_cny),
        operator_kind=_choice(operator_kind, OperatorKind, "operator_kind") if operator_kind else "")
    domains.full_clean(incident, exclude=["triaged_by", "closed_by", "handler", "department"])
    _flag(incident)
    incident.save()
    _start(incident, rules.TRIAGE, now)
    _tell(officials_of(jurisdiction.pk), incident, _("新的事件报告：%(t)s"),
          _("来源：%(s)s。请在研判时限内定级。"), {"s": incident.get_source_display()})
    work.open_work(code=work.INCIDENTS, subject=incident, jurisdiction=jurisdiction, title=incident.title,
                   link=_link(incident))
    return incident


@transaction.atomic
def report_incident(*, acting_user: User, organisation_id: int, title: str, description: str,
                    discovered_at: dt.datetime, occurred_at: dt.datetime | None = None,
                    harms: Sequence[str] | None = None, pi_persons: int | None = None,
                    loss_cny: Decimal | None = None, operator_kind: str = OperatorKind.OTHER) -> Incident:
    """A member of an organisation reports the organisation's own incident (the operator's report: its reporting
    clock runs from the discovery and is met by this report)."""
    organisation = _organisation(organisation_id)
    if organisation is None:
        raise ServiceError("required", _("请选择报告单位。"), "organisation_id")
    if not getattr(acting_user, "is_superuser", False) and organisation.pk not in permissions.user_organisation_ids(
            acting_user, "add"):
        raise PermissionDeniedError(_("只有本单位成员可以报告本单位的事件。"))
    _moment(discovered_at, "discovered_at", label=_("发现时间"), required=True)
    incident = _intake(source=IncidentSource.COMPANY, title=title, description=description,
                       jurisdiction=organisation.jurisdiction, organisation=organisation, occurred_at=occurred_at,
                       discovered_at=discovered_at, harms=harms, pi_persons=pi_persons, loss_cny=loss_cny,
                       operator_kind=operator_kind or OperatorKind.OTHER)
    incident.operator_reported_at = incident.received_at
    incident.save(update_fields=["operator_reported_at", "updated_at"])
    IncidentReporter.objects.create(incident=incident, user=acting_user, name=str(acting_user))
    audit.record(actor=acting_user, action="governance.incident.reported", instance=incident,
                 after={**_snapshot(incident), "description": incident.description})
    return incident


@transaction.atomic
def report_public(*, acting_user: User | None, title: str, description: str, jurisdiction_id: int,
                  organisation_id: int | None = None, organisation_named: str = "",
                  occurred_at: dt.datetime | None = None, harms: Sequence[str] | None = None, name: str = "",
                  contact: str = "", anonymous: bool = True, website: str = "",
                  client_ip: str | None = None) -> Incident:
    """Anybody reports an incident through the public form, named or anonymous. Abuse limits: the honeypot field
    (`website`, hidden from people) must stay empty, and one network address may file only the pack's number of
    reports per hour. The reporter's name and contact are seen only by the officials who handle the report."""
    if website:
        raise ServiceError("rejected", _("无法提交该举报。"), None)
    key = source_key(client_ip)
    today = timezone.localdate()
    limit = int(incidents.value("incidents.public_reports_per_hour", today))
    if key and IncidentReporter.objects.filter(source_key=key, created_at__gte=timezone.now() - dt.timedelta(
            hours=1)).count() >= limit:
        raise ServiceError("too_many_reports", _("同一来源一小时内提交的举报过多，请稍后再试。"), None, status=429)
    anonymous = bool(anonymous)
    name = _text(name, "name", 100, label=_("报告人姓名"), required=False)
    contact = _text(contact, "contact", 200, label=_("联系方式"), required=False)
    if anonymous:
        name, contact = "", ""
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    title = rules.redact(title or "", [name, contact])  # the title travels to lists and to the company's notices
    incident = _intake(source=IncidentSource.PUBLIC, title=title, description=description,
                       jurisdiction=_jurisdiction(jurisdiction_id), organisation=_organisation(organisation_id),
                       organisation_named=organisation_named, occurred_at=occurred_at, harms=harms)
    IncidentReporter.objects.create(incident=incident, user=user, name=name, contact=contact, anonymous=anonymous,
                                    source_key=key)
    # No actor, and not attached to the reported organisation: its members read no reporter from the audit log.
    audit.record(actor=None, action="governance.incident.reported_publicly", instance=None,
                 object_type="governance.incident", object_id=str(incident.pk), object_repr=incident.title,
                 jurisdiction_id=incident.jurisdiction_id,
                 after={**_snapshot(incident), "description": rules.redact(incident.description, [name, contact])})
    return incident


@transaction.atomic
def report_signal(*, acting_user: User | None, signal: str, title: str, description: str,
                  organisation_id: int | None = None, jurisdiction_id: int | None = None, reference: str = "",
                  harms: Sequence[str] | None = None) -> Incident:
    """A platform signal opens an incident: another app calls this when it sees a tampered AIGC label, a failed
    evaluation or an overdue rectification. The incident is located where the organisation is (or at the given
    jurisdiction). The same open signal of the same record is not opened twice."""
    signal = _choice(signal, Signal, "signal")
    if not signal:
        raise ServiceError("required", _("请选择平台信号。"), "signal")
    organisation = _organisation(organisation_id)
    place = organisation.jurisdiction if organisation is not None and jurisdiction_id is None \
        else _jurisdiction(jurisdiction_id)
    reference = (reference or "").strip()[:200]
    if reference:
        same = Incident.objects.filter(source=IncidentSource.PLATFORM, signal=signal, signal_reference=reference,
                                       status__in=OPEN_STATUSES).first()
        if same is not None:
            return same
    incident = _intake(source=IncidentSource.PLATFORM, title=title, description=description, jurisdiction=place,
                       organisation=organisation, harms=harms, signal=signal, signal_reference=reference)
    IncidentReporter.objects.create(incident=incident, user=acting_user if getattr(acting_user, "pk", None) else None,
                                    name=str(_("平台")))
    audit.record(actor=acting_user, action="governance.incident.signalled", instance=incident)
    return incident


# -- triage and assignment ---------------------------------------------------------------------------------------

@transaction.atomic
def triage_incident(*, acting_user: User, incident_id: int, severity: str, operator_kind: str = OperatorKind.OTHER,
                    harms: Sequence[str] | None = None, pi_persons: int | None = None,
                    loss_cny: Decimal | None = None, note: str = "") -> Incident:
    """An official grades the incident: the quantitative triggers of the grading guide give the least grade (the
    official may grade higher on the other criteria, never lower), the operator type decides the reporting clock.
    A large or greater incident starts the operator's reporting clock (from its discovery, or from now when the
    operator learns of it from this triage) and its members are told."""
    incident = _incident(acting_user, incident_id)
    _as_official(acting_user, incident)
    _state(incident, IncidentStatus.REPORTED, IncidentStatus.TRIAGED)
    before = _snapshot(incident)
    severity = _choice(severity, Severity, "severity")
    operator_kind = _choice(operator_kind or OperatorKind.OTHER, OperatorKind, "operator_kind")
    if harms is not None:
        incident.harms = _harms(harms)
    if pi_persons is not None:
        incident.pi_persons = domains.clean(Incident, "pi_persons", pi_persons)
    if loss_cny is not None:
        incident.loss_cny = domains.clean(Incident, "loss_cny", loss_cny)
    now = timezone.now()
    least, grading = rules.grade(pi_persons=incident.pi_persons, loss_cny=incident.loss_cny,
                                 rules=incidents.rules_on(timezone.localdate()))
    if rules.more_severe(severity, least) != severity:
        raise ServiceError("below_grade", _("按定级标准至少为“%(g)s”，不能定为更低级别。") % {
            "g": Severity(least).label}, "severity")
    incident.severity = severity
    incident.operator_kind = operator_kind
    incident.grading = [c.as_dict() for c in grading]
    incident.triage_note = _text(note, "note", 2000, label=_("研判意见"), required=False)
    incident.triaged_at = now
    incident.triaged_by = acting_user
    _flag(incident)
    first = incident.status == IncidentStatus.REPORTED
    incident.status = IncidentStatus.TRIAGED if first else incident.status
    incident.save()
    _stop(incident, rules.TRIAGE, now)
    if severity in rules.REPORTABLE:
        if incident.source == IncidentSource.COMPANY and incident.discovered_at is not None:
            _start(incident, rules.OPERATOR_REPORT, incident.discovered_at, met_at=incident.operator_reported_at)
        elif incident.operator_reported_at is None:
            _start(incident, rules.OPERATOR_REPORT, now)
            _tell(_organisation_members(incident.organisation_id), incident,
                  _("请按时限向网信部门报告事件：%(t)s"),
                  _("该事件经研判为“%(g)s”事件，请在%(h)s小时内向属地网信部门报告，并在平台记录报告时间。"),
                  {"g": incident.get_severity_display(),
                   "h": incidents.rules_on(timezone.localdate()).report_hours[operator_kind]})
    else:
        IncidentClock.objects.filter(incident=incident, name=rules.OPERATOR_REPORT, met_at__isnull=True).delete()
    if severity in rules.ESCALATED:
        # The report up the chain runs from the department's receipt of the operator's report (Art. 4: the
        # protection department reports on within the half hour of receiving it), or, when no operator report came
        # (a public report, a platform signal), from this triage; once (a later re-grading between major and
        # especially major keeps the clock already running).
        received = incident.operator_reported_at
        if not IncidentClock.objects.filter(incident=incident, name=rules.ESCALATION).exists():
            _start(incident, rules.ESCALATION, received if received is not None and received <= now else now)
    else:
        IncidentClock.objects.filter(incident=incident, name__in=(rules.ESCALATION, rules.FOLLOW_UP),
                                     met_at__isnull=True).delete()
    audit.record(actor=acting_user, action="governance.incident.triaged", instance=incident, before=before)
    return incident


@transaction.atomic
def dismiss_incident(*, acting_user: User, incident_id: int, note: str) -> Incident:
    """An official declines a report that is no incident (or an abuse of the form), with the reason."""
    incident = _incident(acting_user, incident_id)
    _as_official(acting_user, incident)
    _state(incident, IncidentStatus.REPORTED)
    before = _snapshot(incident)
    incident.triage_note = _text(note, "note", 2000, label=_("不予立案理由"))
    incident.status = IncidentStatus.DISMISSED
    incident.triaged_at = timezone.now()
    incident.triaged_by = acting_user
    incident.save()
    _stop(incident, rules.TRIAGE, incident.triaged_at)
    work.close_work(subject=incident, code=work.INCIDENTS)
    audit.record(actor=acting_user, action="governance.incident.dismissed", instance=incident, before=before)
    return incident


@transaction.atomic
def assign_incident(*, acting_user: User, incident_id: int, department_id: int, handler_id: int) -> Incident:
    """An official assigns the triaged incident to the responsible department and an official of it, who is told;
    the response clock starts at the first assignment."""
    incident = _incident(acting_user, incident_id)
    _as_official(acting_user, incident)
    _state(incident, IncidentStatus.TRIAGED, IncidentStatus.RESPONDING)
    before = _snapshot(incident)
    department = Department.objects.filter(pk=department_id).first() if isinstance(department_id, int) else None
    if department is None:
        raise ServiceError("unknown_department", _("请选择责任部门。"), "department_id")
    if incident.jurisdiction_id not in permissions.jurisdiction_ids_in_scope(department.jurisdiction_id):
        raise ServiceError("wrong_department", _("该部门不负责事件发生地。"), "department_id")
    handler = User.objects.filter(pk=handler_id, is_active=True).first() if isinstance(handler_id, int) else None
    if handler is None or not is_official_for(handler, incident):
        raise ServiceError("wrong_handler", _("承办人应为事件发生地的主管部门工作人员。"), "handler_id")
    incident.department = department
    incident.handler = handler
    first = incident.status == IncidentStatus.TRIAGED
    incident.status = IncidentStatus.RESPONDING
    incident.save()
    if first:
        _start(incident, rules.RESPONSE, timezone.now())
    _tell([handler], incident, _("事件已分派给您：%(t)s"), _("责任部门：%(d)s。"), {"d": department.name_zh})
    work.assign_work(subject=incident, code=work.INCIDENTS, assignee=handler)
    audit.record(actor=acting_user, action="governance.incident.assigned", instance=incident, before=before)
    return incident


@transaction.atomic
def record_operator_report(*, acting_user: User, incident_id: int, reported_at: dt.datetime) -> Incident:
    """The organisation (or an official on its word) records when it reported the incident to the cyberspace
    administration: the operator's reporting clock stops then (late if after its due time)."""
    incident = _incident(acting_user, incident_id)
    if not (is_member_for(acting_user, incident) or is_official_for(acting_user, incident)):
        raise PermissionDeniedError(_("只有涉事单位成员或主管部门工作人员可以记录。"))
    _state(incident, *OPEN_STATUSES)
    if incident.operator_reported_at is not None:
        raise ServiceError("already_reported", _("已记录报告时间。"), "reported_at", status=409)
    before = _snapshot(incident)
    at = _moment(reported_at, "reported_at", label=_("报告时间"), required=True)
    assert at is not None
    incident.operator_reported_at = at
    incident.save()
    _stop(incident, rules.OPERATOR_REPORT, at)
    audit.record(actor=acting_user, action="governance.incident.operator_reported", instance=incident,
                 before=before)
    return incident


# -- response and closure ----------------------------------------------------------------------------------------

@transaction.atomic
def add_response_action(*, acting_user: User, incident_id: int, kind: str, text: str,
                        taken_at: dt.datetime | None = None) -> IncidentAction:
    """A response action (control, investigation, notice to those affected, rectification), by an official or by
    the organisation's members."""
    incident = _incident(acting_user, incident_id)
    if not (is_official_for(acting_user, incident) or is_member_for(acting_user, incident)):
        raise PermissionDeniedError(_("只有主管部门工作人员或涉事单位成员可以记录处置措施。"))
    _state(incident, IncidentStatus.TRIAGED, IncidentStatus.RESPONDING, IncidentStatus.HANDLED)
    if kind in ESCALATION_STAGES:
        # Reports up the chain stop clocks: only `record_escalation` writes them.
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": kind}, "kind")
    action = IncidentAction(incident=incident, kind=_choice(kind, ActionKind, "kind"),
                            text=_text(text, "text", 2000, label=_("措施内容")),
                            taken_at=_moment(taken_at, "taken_at", label=_("采取时间")) or timezone.now(),
                            recorded_by=acting_user)
    action.save()
    audit.record(actor=acting_user, action="governance.incident.action_recorded", instance=action,
                 jurisdiction_id=incident.jurisdiction_id, organisation_id=incident.organisation_id)
    return action


ESCALATION_STAGES = (rules.ESCALATION, rules.FOLLOW_UP)


@transaction.atomic
def record_escalation(*, acting_user: User, incident_id: int, stage: str, text: str,
                      reported_at: dt.datetime | None = None) -> IncidentAction:
    """An official of the department that received a major or especially major incident records its report up the
    chain (`escalation`: stops that clock and starts the follow-up clock) or a follow-up report (`follow_up`: the
    next follow-up is due the platform's number of working days after it), until handling ends."""
    incident = _incident(acting_user, incident_id)
    _as_official(acting_user, incident)
    _state(incident, IncidentStatus.TRIAGED, IncidentStatus.RESPONDING)
    if incident.severity not in rules.ESCALATED:
        raise ServiceError("not_escalated", _("只有重大、特别重大事件需要向上级部门报告。"), "stage", status=409)
    if stage not in ESCALATION_STAGES:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(stage)[:40]}, "stage")
    escalation = IncidentClock.objects.select_for_update().filter(incident=incident, name=rules.ESCALATION).first()
    escalated = escalation is not None and escalation.met_at is not None
    if stage == rules.ESCALATION and escalated:
        raise ServiceError("already_escalated", _("已记录向上级部门报告。"), "stage", status=409)
    if stage == rules.FOLLOW_UP and not escalated:
        raise ServiceError("not_yet_escalated", _("请先记录向上级部门报告，再记录续报。"), "stage", status=409)
    at = _moment(reported_at, "reported_at", label=_("报告时间"), not_before=incident.triaged_at) or timezone.now()
    action = IncidentAction(incident=incident, kind=stage, text=_text(text, "text", 2000, label=_("报告内容")),
                            taken_at=at, recorded_by=acting_user)
    action.save()
    if stage == rules.ESCALATION:
        _stop(incident, rules.ESCALATION, at)
    _start(incident, rules.FOLLOW_UP, at)
    code = "governance.incident.escalated" if stage == rules.ESCALATION else "governance.incident.follow_up_reported"
    audit.record(actor=acting_user, action=code, instance=action,
                 jurisdiction_id=incident.jurisdiction_id, organisation_id=incident.organisation_id)
    return action


@transaction.atomic
def end_handling(*, acting_user: User, incident_id: int, handled_at: dt.datetime | None = None) -> Incident:
    """The official records that handling has ended: the response clock stops, and the clock of the summary report
    (Art. 8: within 30 days) starts."""
    incident = _incident(acting_user, incident_id)
    _as_official(acting_user, incident)
    _state(incident, IncidentStatus.RESPONDING)
    before = _snapshot(incident)
    at = _moment(handled_at, "handled_at", label=_("处置结束时间"), not_before=incident.received_at) \
        or timezone.now()
    incident.handled_at = at
    incident.status = IncidentStatus.HANDLED
    incident.save()
    _stop(incident, rules.RESPONSE, at)
    # No follow-up is due once handling has ended (one that ran out before shows as late); the summary follows.
    _stop(incident, rules.FOLLOW_UP, at)
    _start(incident, rules.FINAL_REPORT, at)
    audit.record(actor=acting_user, action="governance.incident.handled", instance=incident, before=before)
    return incident


@transaction.atomic
def close_incident(*, acting_user: User, incident_id: int, causes: str, measures: str, lessons: str,
                   publish: bool = False, public_title: str = "", public_summary: str = "") -> Incident:
    """The official closes the incident with its post-incident review (causes; measures and rectification; lessons),
    which stops the summary-report clock. Published, its public record is the public title and summary with personal
    data redacted (identity, telephone and IP numbers, e-mail addresses, the reporter's name and contact), and its
    harms; never the description."""
    incident = _incident(acting_user, incident_id)
    _as_official(acting_user, incident)
    _state(incident, IncidentStatus.HANDLED)
    before = _snapshot(incident)
    incident.review_causes = _text(causes, "causes", 5000, label=_("事件原因"))
    incident.review_measures = _text(measures, "measures", 5000, label=_("应急处置措施与整改情况"))
    incident.review_lessons = _text(lessons, "lessons", 5000, label=_("教训与改进"))
    now = timezone.now()
    if publish:
        reporter = IncidentReporter.objects.filter(incident=incident).first()
        names = [reporter.name, reporter.contact] if reporter is not None else []
        incident.public_title = rules.redact(_text(public_title, "public_title", 200, label=_("公开标题")), names)
        incident.public_summary = rules.redact(_text(public_summary, "public_summary", 2000, label=_("公开摘要")),
                                               names)
        if not incident.harms:
            raise ServiceError("required", _("公开记录需列明危害类型，请先在研判中选择。"), "publish")
        incident.is_published = True
        incident.published_at = now
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = now
    incident.closed_by = acting_user
    incident.save()
    _stop(incident, rules.FINAL_REPORT, now)
    work.close_work(subject=incident, code=work.INCIDENTS)
    audit.record(actor=acting_user, action="governance.incident.closed", instance=incident, before=before)
    return incident


# -- overdue clocks ----------------------------------------------------------------------------------------------

def _in_each_language(text: Any) -> dict[str, str]:
    from django.utils import translation

    found = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found[code] = str(text)
    return found


@transaction.atomic
def report_overdue_clocks(*, acting_user: User | None = None, now: dt.datetime | None = None) -> int:
    """Tell the people concerned of each clock of an open incident that ran out while still running, once: the
    assigned official (or, before assignment, the officials of the jurisdiction); for the operator's reporting
    clock also the organisation's members. Each clock is marked in the same transaction (safe to rerun)."""
    now = now or timezone.now()
    overdue = list(IncidentClock.objects.select_for_update(of=("self",)).select_related("incident").filter(
        met_at__isnull=True, overdue_notified_at__isnull=True, due_at__lt=now,
        incident__status__in=OPEN_STATUSES).order_by("due_at", "id"))
    officials: dict[int, list[User]] = {}
    for clock in overdue:
        incident = clock.incident
        if incident.handler_id is not None and incident.handler is not None:
            people = [incident.handler]
        else:
            if incident.jurisdiction_id not in officials:
                officials[incident.jurisdiction_id] = officials_of(incident.jurisdiction_id)
            people = list(officials[incident.jurisdiction_id])
        if clock.name == ClockName.OPERATOR_REPORT:
            people += _organisation_members(incident.organisation_id)
        # The clock's name in each language, so the notice reads whole in the recipient's language.
        _tell(people, incident, _("事件时限已过：%(t)s"), _("“%(c)s”时限已于%(d)s届满。"),
              {"c": _in_each_language(ClockName(clock.name).label),
               "d": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")},
              verb="governance.incident.overdue")
        clock.overdue_notified_at = now
        clock.save(update_fields=["overdue_notified_at", "updated_at"])
    if overdue:
        audit.record(actor=acting_user, action="governance.incident.clocks_overdue", instance=None,
                     object_type="governance.incidentclock",
                     object_id=",".join(str(c.pk) for c in overdue[:20]), object_repr=str(len(overdue)),
                     after={"clocks": [c.pk for c in overdue], "now": now.isoformat()})
    return len(overdue)
