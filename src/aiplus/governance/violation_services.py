"""Every write of violation cases and penalties (Suzhou art. 49 法律责任). One transaction and one audit event each.

- an official of the jurisdiction opens a case against an organisation, tied to the provision broken (a pack fine
  range, `*.penalty_range_cny`, with its citation), and to the red line and the incident it came from if any;
- an official decides: a fine within the provision's range (both ends included; the range, its citation and the
  check are stored with the decision), a warning, or no penalty, with reasons; the appeal period starts;
- a member of the organisation appeals within the period, with grounds;
- another official (never the one who decided) decides the appeal: upheld, varied (a new fine within the range)
  or revoked, with reasons; the case is closed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, domains, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import Organisation, User
from aiplus.core.services import notify
from aiplus.governance import incident_rules as rules
from aiplus.governance import incident_selectors as selectors
from aiplus.governance import incidents
from aiplus.governance.incident_services import _organisation_members, _text
from aiplus.governance.models import (
    AIApplication,
    AppealOutcome,
    EthicsApplication,
    PenaltyOutcome,
    Violation,
    ViolationStatus,
)


def _official(user: Any, jurisdiction_id: int) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return bool(getattr(user, "is_authenticated", False)) and jurisdiction_id in permissions.user_jurisdiction_ids(
        user, "change")


def _violation(acting_user: User, violation_id: int) -> Violation:
    if not selectors.violations(acting_user).filter(pk=violation_id).exists():
        raise NotFoundError()
    return Violation.objects.select_for_update(of=("self",)).get(pk=violation_id)


def _state(violation: Violation, *allowed: str) -> None:
    if violation.status not in allowed:
        raise ServiceError("wrong_state", _("案件当前状态为“%(s)s”，不能办理此事项。")
                           % {"s": violation.get_status_display()}, "status", status=409)


def _fine(amount: Any, provision: str, day: dt.date, field: str) -> tuple[Decimal, dict[str, Any]]:
    value = domains.clean(Violation, "amount_cny", amount, field=field)
    if value is None:
        raise ServiceError("required", _("罚款须写明金额。"), field)
    low, high, version = incidents.penalty_range(provision, day)
    check = rules.fine_check(value, low, high)
    if not check.ok:
        raise ServiceError("out_of_range", _("罚款金额应在%(low)s元至%(high)s元之间。") % {
            "low": f"{low:,}", "high": f"{high:,}"}, field)
    return value, {"parameter": provision, "value": [str(low), str(high)],
                   "citation": version.citation.as_dict() if version.citation else {}, "status": version.status,
                   "checks": [check.as_dict()]}


def _tell(users: list[User], violation: Violation, title: Any, body: Any = "") -> None:
    for user in {u.pk: u for u in users}.values():
        notify(recipient=user, verb="governance.violation", title=title, body=body, params={"t": violation.title},
               link=f"/governance/violations/{violation.pk}/", target=violation)


@transaction.atomic
def open_violation(*, acting_user: User, organisation_id: int, title: str, provision: str, facts: str,
                   incident_id: int | None = None, red_line: str = "", flagged: Any = None) -> Violation:
    """An official of the organisation's place opens a case, tied to the provision broken. `flagged` (never from a
    request: the red-line decision passes it) is the AI application or ethics review application whose confirmed
    red line opened the case; the case keeps it so both can be followed from each other."""
    organisation = Organisation.objects.filter(pk=organisation_id).first() \
        if isinstance(organisation_id, int) and not isinstance(organisation_id, bool) else None
    if organisation is None:
        raise ServiceError("unknown_organisation", _("组织不存在。"), "organisation_id")
    if not _official(acting_user, organisation.jurisdiction_id):
        raise PermissionDeniedError(_("只有当事单位所在地的主管部门工作人员可以立案。"))
    today = timezone.localdate()
    if provision not in {v.key for v in incidents.penalty_provisions(today)}:
        raise ServiceError("unknown_provision", _("请选择违反的规定。"), "provision")
    if red_line and red_line not in {item.code for item in incidents.red_line_items()}:
        raise ServiceError("unknown_red_line", _("无效的安全底线。"), "red_line")
    incident = None
    if incident_id is not None:
        incident = selectors.incidents(acting_user).filter(pk=incident_id).first()
        if incident is None or incident.organisation_id != organisation.pk:
            raise ServiceError("unknown_incident", _("关联事件应为该单位的事件。"), "incident_id")
    violation = Violation(title=_text(title, "title", 200, label=_("案由")),
                          facts=_text(facts, "facts", 5000, label=_("违法事实")),
                          jurisdiction_id=organisation.jurisdiction_id, organisation=organisation,
                          incident=incident, provision=provision, red_line=red_line, opened_by=acting_user)
    if isinstance(flagged, AIApplication) and flagged.organisation_id == organisation.pk:
        violation.ai_application = flagged
    elif isinstance(flagged, EthicsApplication) and flagged.organisation_id == organisation.pk:
        violation.ethics_application = flagged
    violation.save()
    _tell(_organisation_members(organisation.pk), violation, _("主管部门已立案：%(t)s"))
    audit.record(actor=acting_user, action="governance.violation.opened", instance=violation)
    return violation


@transaction.atomic
def decide_violation(*, acting_user: User, violation_id: int, outcome: str, reasons: str,
                     amount_cny: Decimal | None = None) -> Violation:
    """The penalty decision: a fine within the provision's range (stored with the range, its citation and the
    check), a warning or no penalty; with reasons. The appeal period (a platform setting) starts."""
    violation = _violation(acting_user, violation_id)
    if not _official(acting_user, violation.jurisdiction_id):
        raise PermissionDeniedError(_("只有管辖地的主管部门工作人员可以作出处罚决定。"))
    _state(violation, ViolationStatus.OPEN)
    before = audit.snapshot(violation)
    if outcome not in PenaltyOutcome.values:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(outcome)[:40]}, "outcome")
    today = timezone.localdate()
    if outcome == PenaltyOutcome.FINE:
        violation.amount_cny, violation.basis = _fine(amount_cny, violation.provision, today, "amount_cny")
    else:
        if amount_cny not in (None, ""):
            raise ServiceError("no_amount", _("警告或不予处罚不写罚款金额。"), "amount_cny")
        violation.amount_cny, violation.basis = None, {}
    violation.outcome = outcome
    violation.reasons = _text(reasons, "reasons", 5000, label=_("决定理由"))
    violation.decided_on = today
    violation.decided_by = acting_user
    violation.appeal_due = today + dt.timedelta(days=int(incidents.value("penalties.appeal_days", today)))
    violation.status = ViolationStatus.DECIDED
    violation.save()
    _tell(_organisation_members(violation.organisation_id), violation, _("处罚决定：%(t)s"),
          _("如不服，可在复议期限内申请复议。"))
    audit.record(actor=acting_user, action="governance.violation.decided", instance=violation, before=before)
    return violation


@transaction.atomic
def appeal_violation(*, acting_user: User, violation_id: int, grounds: str) -> Violation:
    """A member of the organisation appeals within the period, with grounds."""
    violation = _violation(acting_user, violation_id)
    if violation.organisation_id not in permissions.user_organisation_ids(acting_user, "change") \
            and not getattr(acting_user, "is_superuser", False):
        raise PermissionDeniedError(_("只有当事单位成员可以申请复议。"))
    _state(violation, ViolationStatus.DECIDED)
    today = timezone.localdate()
    assert violation.decided_on is not None
    days = (violation.appeal_due - violation.decided_on).days if violation.appeal_due else 0
    if not rules.appeal_open(violation.decided_on, days, today):
        raise ServiceError("appeal_closed", _("复议申请期限已于%(d)s届满。") % {"d": violation.appeal_due},
                           "grounds", status=409)
    before = audit.snapshot(violation)
    violation.appeal_grounds = _text(grounds, "grounds", 5000, label=_("复议理由"))
    violation.appealed_on = today
    violation.status = ViolationStatus.APPEALED
    violation.save()
    audit.record(actor=acting_user, action="governance.violation.appealed", instance=violation, before=before)
    return violation


@transaction.atomic
def decide_appeal(*, acting_user: User, violation_id: int, outcome: str, reasons: str,
                  amount_cny: Decimal | None = None) -> Violation:
    """Another official decides the appeal: upheld, varied (a new fine within the range) or revoked."""
    violation = _violation(acting_user, violation_id)
    if not _official(acting_user, violation.jurisdiction_id):
        raise PermissionDeniedError(_("只有管辖地的主管部门工作人员可以作出复议决定。"))
    if violation.decided_by_id == acting_user.pk:
        raise PermissionDeniedError(_("作出原处罚决定的人员不能办理复议。"))
    _state(violation, ViolationStatus.APPEALED)
    before = audit.snapshot(violation)
    if outcome not in AppealOutcome.values:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(outcome)[:40]}, "outcome")
    today = timezone.localdate()
    if outcome == AppealOutcome.VARIED:
        amount, basis = _fine(amount_cny, violation.provision, today, "amount_cny")
        violation.appeal_amount_cny = amount
        violation.basis = {**violation.basis, "appeal": basis}
    elif amount_cny not in (None, ""):
        raise ServiceError("no_amount", _("维持或撤销不写新的罚款金额。"), "amount_cny")
    violation.appeal_outcome = outcome
    violation.appeal_reasons = _text(reasons, "reasons", 5000, label=_("复议决定理由"))
    violation.appeal_decided_on = today
    violation.appeal_decided_by = acting_user
    violation.status = ViolationStatus.CLOSED
    violation.save()
    _tell(_organisation_members(violation.organisation_id), violation, _("复议决定：%(t)s"))
    audit.record(actor=acting_user, action="governance.violation.appeal_decided", instance=violation,
                 before=before)
    return violation
