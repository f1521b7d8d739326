"""The departments API under /api/v1/departments/: the duties (who holds each, its source and the history of its
holders), the work queue (the page's list) and the handover. Every write is the page's service."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED
from aiplus.departments import catalogue, selectors, services
from aiplus.departments.listings import WORK
from aiplus.portal.templatetags.localized import localized_value
from aiplus.regulation.provenance import describe, related_label

router = Router(tags=["departments"])


class HandoverOut(Schema):
    id: int
    from_department: str
    to_department: str
    reason: str
    effective_on: dt.date
    items_moved: int


class ScheduledOut(Schema):
    id: int
    to_department: str
    reason: str
    effective_on: dt.date


class DutyOut(Schema):
    id: int
    code: str
    name: str
    jurisdiction: str
    department_id: int
    department: str
    held_since: dt.date
    source: str
    related: str
    handovers: list[HandoverOut]
    scheduled: list[ScheduledOut]


def _duty_out(duty: Any) -> dict[str, Any]:
    return {"id": duty.pk, "code": duty.code, "name": catalogue.label(duty.code),
            "jurisdiction": localized_value(duty.jurisdiction, "name"), "department_id": duty.department_id,
            "department": localized_value(duty.department, "name"), "held_since": duty.held_since,
            "source": describe(duty),
            "related": related_label(duty.citation) if duty.source_kind != "official" else "",
            "handovers": [{"id": h.pk, "from_department": localized_value(h.from_department, "name"),
                           "to_department": localized_value(h.to_department, "name"), "reason": h.reason,
                           "effective_on": h.effective_on, "items_moved": h.items_moved}
                          for h in selectors.handovers([duty.pk])],
            "scheduled": [{"id": s.pk, "to_department": localized_value(s.to_department, "name"), "reason": s.reason,
                           "effective_on": s.effective_on} for s in selectors.scheduled_for(duty.pk)]}


@router.get("/duties", response=list[DutyOut])
def list_duties(request: HttpRequest) -> Any:
    """Every duty: the department holding it now, since when, who assigns it (an official source or the platform)
    and the history of its holders."""
    return [_duty_out(duty) for duty in selectors.duties(request.user)]


@router.get("/duties/{duty_id}", response=DutyOut)
def get_duty(request: HttpRequest, duty_id: int) -> Any:
    return _duty_out(selectors.duty(request.user, duty_id))


class WorkOut(Schema):
    id: int
    title: str
    duty: str
    duty_name: str
    department_id: int
    department: str
    jurisdiction: str
    status: str
    due_on: dt.date
    link: str
    assignee: str
    escalated_at: dt.datetime | None

    @staticmethod
    def resolve_duty(obj: Any) -> str:
        return str(obj.duty.code)

    @staticmethod
    def resolve_duty_name(obj: Any) -> str:
        return catalogue.label(obj.duty.code)

    @staticmethod
    def resolve_department(obj: Any) -> str:
        return localized_value(obj.department, "name")

    @staticmethod
    def resolve_jurisdiction(obj: Any) -> str:
        return localized_value(obj.jurisdiction, "name")

    @staticmethod
    def resolve_assignee(obj: Any) -> str:
        return str(obj.assignee) if obj.assignee else ""


lists.add_operation(router, "/work", WORK, WorkOut, auth=AUTHENTICATED)


class HandoverIn(Schema):
    model_config = ConfigDict(extra="forbid")
    department_id: int
    reason: Annotated[str, Field(min_length=1, max_length=services.REASON_MAX)]
    effective_on: dt.date


def _duty_reply(user: Any, result: Any, **ids: Any) -> Any:
    return _duty_out(selectors.duty(user, result.duty_id))


writes.add_action(router, "POST", "/duties/{duty_id}/handover", services.hand_over, payload=HandoverIn,
                  response=DutyOut, reply=_duty_reply, name="hand_over",
                  description="Hand the duty over: today or earlier takes effect now (its open work moves with it); a "
                              "later day (within a year) is scheduled and applied by the daily command.")
writes.add_action(router, "POST", "/scheduled-handovers/{scheduled_id}/cancel", services.cancel_handover,
                  response=DutyOut, reply=_duty_reply)


class PersonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    user_id: int


class StaffOut(Schema):
    department_id: int
    head: str
    members: list[str]


def _staff_reply(user: Any, result: Any, **ids: Any) -> Any:
    head = selectors.head(ids["department_id"])
    return {"department_id": ids["department_id"], "head": str(head.user) if head else "",
            "members": [str(m.user) for m in selectors.members(ids["department_id"])]}


writes.add_action(router, "POST", "/departments/{department_id}/members", services.add_member, payload=PersonIn,
                  response=StaffOut, reply=_staff_reply)
writes.add_action(router, "POST", "/departments/{department_id}/members/remove", services.remove_member,
                  payload=PersonIn, response=StaffOut, reply=_staff_reply)
writes.add_action(router, "POST", "/departments/{department_id}/head", services.appoint_head, payload=PersonIn,
                  response=StaffOut, reply=_staff_reply)
