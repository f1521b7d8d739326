"""The official's decision on a red-line flag (Guangdong art. 33 安全底线). One transaction and one audit event each.

A record located under the red lines (an incident, an AI application, an ethics review application) is flagged with
the rules it seems to touch (`incidents.flag_red_lines`); the flag is a suspicion, not a finding. An official of the
record's place (for an AI application, of its sector department when they act for departments; for an ethics
application, of the applying unit's place) who is not a member of the organisation concerned confirms it or
dismisses it, with reasons; the decision is kept on the flag (re-flagging a changed record
keeps it, `incidents.merge_flags`). Confirming can open a violation case (Suzhou art. 49) tied to the provision
broken and to the red line, through `violation_services.open_violation`, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, permissions
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import User
from aiplus.core.services import notify
from aiplus.governance import incidents, selectors, violation_services
from aiplus.governance.incident_services import _incident, _organisation_members, _text, is_official_for
from aiplus.governance.models import AIApplication, EthicsApplication, Incident
from aiplus.governance.risk_selectors import applications
from aiplus.governance.risk_services import _lock, _supervisor

CONFIRMED = "confirmed"
DISMISSED = "dismissed"
DECISIONS = (CONFIRMED, DISMISSED)


def _own_organisation(user: Any, organisation_id: int | None) -> bool:
    return organisation_id is not None and organisation_id in permissions.user_organisation_ids(user, "view")


Flagged = Incident | AIApplication | EthicsApplication


def _official_of_place(user: Any, jurisdiction_id: int) -> bool:
    """An official of the jurisdiction or of one above it (the rule officials act on incidents by)."""
    if getattr(user, "is_superuser", False):
        return True
    return jurisdiction_id in permissions.user_jurisdiction_ids(user, "change")


def may_decide(user: Any, record: Flagged) -> bool:
    """An official of the record's place, never a member of the organisation concerned (superusers included). For an
    ethics application the place is the applying unit's; a member of its committee is no official for it."""
    if not getattr(user, "is_authenticated", False) or _own_organisation(user, record.organisation_id):
        return False
    if isinstance(record, Incident):
        return is_official_for(user, record)
    if isinstance(record, EthicsApplication):
        return _official_of_place(user, record.organisation.jurisdiction_id)
    return _supervisor(user, record)


def pending_codes(record: Flagged) -> list[str]:
    return [f["code"] for f in record.red_lines or [] if not f.get("decision")]


def _decide(acting_user: User, record: Flagged, *, code: Any, decision: Any, reasons: Any,
            open_case: Any, provision: Any, link: str) -> Flagged:
    if not may_decide(acting_user, record):
        raise PermissionDeniedError(_("只有所在地主管部门中不属于涉事单位的工作人员可以确认或排除安全底线。"))
    flags = [dict(f) for f in record.red_lines or []]
    flag = next((f for f in flags if isinstance(code, str) and f.get("code") == code), None)
    if flag is None:
        raise ServiceError("unknown_red_line", _("该记录未标记此安全底线。"), "code")
    if flag.get("decision"):
        raise ServiceError("already_decided", _("此安全底线已作出认定。"), "code", status=409)
    if decision not in DECISIONS:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(decision)[:40]}, "decision")
    if not isinstance(open_case, bool):
        raise ServiceError("invalid", _("%(f)s格式不正确。") % {"f": _("同时立案")}, "open_case")
    text = _text(reasons, "reasons", 2000, label=_("认定理由"))
    if open_case and decision != CONFIRMED:
        raise ServiceError("not_confirmed", _("排除的安全底线不能立案。"), "open_case")
    if open_case and record.organisation_id is None:
        raise ServiceError("no_organisation", _("涉事单位未在平台登记，不能立案。"), "open_case")
    if not open_case and provision not in (None, ""):
        raise ServiceError("no_provision", _("不立案时不选择违反的规定。"), "provision")
    before = audit.snapshot(record)
    now = timezone.now()
    flag.update({"decision": decision, "reasons": text, "decided_by_id": acting_user.pk,
                 "decided_at": now.isoformat()})
    if open_case:
        item = {i.code: i for i in incidents.red_line_items()}[code]
        assert record.organisation_id is not None
        case = violation_services.open_violation(
            acting_user=acting_user, organisation_id=record.organisation_id,
            title=f"{item.name_zh}：{record}"[:200], provision=provision if isinstance(provision, str) else "",
            facts=text, incident_id=record.pk if isinstance(record, Incident) else None, red_line=code,
            flagged=None if isinstance(record, Incident) else record)
        flag["violation_id"] = case.pk
    record.red_lines = flags
    record.save(update_fields=["red_lines", "updated_at"])
    if decision == CONFIRMED:
        for user in {u.pk: u for u in _organisation_members(record.organisation_id)}.values():
            notify(recipient=user, verb="governance.red_line", title=_("主管部门认定触及安全底线：%(t)s"),
                   body=text, params={"t": str(record)}, link=link, target=record)
    action = "governance.red_line.confirmed" if decision == CONFIRMED else "governance.red_line.dismissed"
    audit.record(actor=acting_user, action=action, instance=record, before=before,
                 message=code)
    return record


@transaction.atomic
def decide_incident_red_line(*, acting_user: User, incident_id: int, code: str, decision: str, reasons: str,
                             open_case: bool = False, provision: str = "") -> Incident:
    """Confirm or dismiss a red line flagged on an incident, with reasons; confirming may open a violation case."""
    incident = _incident(acting_user, incident_id)
    return _decide(acting_user, incident, code=code, decision=decision, reasons=reasons,  # type: ignore[return-value]
                   open_case=open_case, provision=provision, link=f"/governance/incidents/{incident.pk}/")


@transaction.atomic
def decide_application_red_line(*, acting_user: User, application_id: int, code: str, decision: str, reasons: str,
                                open_case: bool = False, provision: str = "") -> AIApplication:
    """Confirm or dismiss a red line flagged on an AI application, with reasons; confirming may open a case."""
    item = _lock(applications(acting_user), AIApplication, application_id)
    return _decide(acting_user, item, code=code, decision=decision, reasons=reasons,  # type: ignore[return-value]
                   open_case=open_case, provision=provision, link=f"/governance/ai-applications/{item.pk}/")


@transaction.atomic
def decide_ethics_red_line(*, acting_user: User, application_id: int, code: str, decision: str, reasons: str,
                           open_case: bool = False, provision: str = "") -> EthicsApplication:
    """Confirm or dismiss a red line flagged on an ethics review application, with reasons; confirming may open a
    case. Only an official of the applying unit's place who is not of the unit decides; the application's
    materials and votes stay with the committee and the applicant (the decision is on the flag alone)."""
    # seen by the applicant and the committee (refused below: 403), or by an official of the place (404 elsewhere)
    visible = EthicsApplication.objects.filter(Q(pk__in=selectors.applications(acting_user).values("pk"))
                                               | Q(pk__in=selectors.flagged_in_place(acting_user).values("pk")))
    item = _lock(visible, EthicsApplication, application_id)
    return _decide(acting_user, item, code=code, decision=decision, reasons=reasons,  # type: ignore[return-value]
                   open_case=open_case, provision=provision, link=f"/governance/ethics/applications/{item.pk}/")
