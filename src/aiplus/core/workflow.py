"""A small declarative state machine for governed records, with history, guards, permissions and legal timers.

    SCENARIO_NEED = Workflow(
        name="scenario_need", state_field="status",
        states={"draft": _("草稿"), "submitted": _("已提交"), ...},
        transitions=[
            Transition("submit", sources=("draft",), target="submitted", label=_("提交"),
                       roles=frozenset({"enterprise_member"}),
                       timer=TimerSpec("review", parameter="suzhou.scenarios.review_working_days")),
            ...
        ],
    )
    SCENARIO_NEED.apply(need, "submit", acting_user=user)

`apply` runs in one transaction: it checks the transition is allowed from the current state, that the user may
change the object and holds one of the transition's roles, runs the guard, moves the state, closes timers that
watched the state being left, starts the target state's timers (deadline = N official working days, N read from
a pack parameter with its citation), writes the history row and one audit event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, audit_actions, permissions
from aiplus.core.calendar import add_working_days
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import TimerStatus, TransitionRecord, User, WorkflowTimer


@dataclass(frozen=True, slots=True)
class TimerSpec:
    name: str
    parameter: str  # pack parameter holding the number of working days


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: Any
    action: str = "change"
    # Roles that may take the transition, held for the object (its organisation or a jurisdiction covering it; see
    # permissions.user_roles_for), not merely somewhere.
    roles: frozenset[str] | None = None
    # The object's user field (e.g. "requester") whose holder may not take this transition: nobody decides their own
    # request.
    not_by: str | None = None
    # Returns None when the transition may proceed, or the translated reason it may not.
    guard: Callable[[Any], Any] | None = None
    timer: TimerSpec | None = None


class Denied(str):
    """A refusal because of who the user is (no right, wrong role for this object, their own request): a 403, not a
    400 about the record's state."""

    __slots__ = ()


@dataclass(slots=True)
class Workflow:
    name: str
    states: dict[str, Any]
    transitions: list[Transition]
    state_field: str = "status"
    # The audit code of a transition is `<action_prefix>.<transition name>` (registered in core.audit_actions);
    # by default the name. The name itself stays what history rows and timers were stored under.
    action_prefix: str = ""
    _by_name: dict[str, Transition] = dataclasses.field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for transition in self.transitions:
            if not audit_actions.is_registered(self.action(transition)):
                raise ValueError(f"workflow {self.name}: audit action {self.action(transition)} is not registered")
            unknown = {transition.target, *transition.sources} - set(self.states)
            if unknown:
                raise ValueError(f"workflow {self.name}: transition {transition.name} uses unknown states {unknown}")
            self._by_name[transition.name] = transition

    def action(self, transition: Transition) -> str:
        return f"{self.action_prefix or self.name}.{transition.name}"

    def state_of(self, obj: models.Model) -> str:
        return str(getattr(obj, self.state_field))

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise ServiceError("unknown_transition", _("未知操作：%(t)s") % {"t": name}, "transition") from None

    def refusal(self, obj: models.Model, transition: Transition, user: Any) -> Any:
        """Why `user` may not take this transition now (None if they may)."""
        state = self.state_of(obj)
        if state not in transition.sources:
            return _("当前状态“%(s)s”下不能执行“%(t)s”。") % {"s": self.states[state], "t": transition.label}
        if not permissions.can(user, transition.action, obj):
            return Denied(_("您没有执行此操作的权限。"))
        if transition.not_by and getattr(obj, f"{transition.not_by}_id", None) == getattr(user, "pk", None):
            return Denied(_("不能由申请人本人决定自己的申请。"))
        if transition.roles is not None and not getattr(user, "is_superuser", False) \
                and not (permissions.user_roles_for(user, obj) & transition.roles):
            return Denied(_("您的角色不能对此对象执行“%(t)s”。") % {"t": transition.label})
        if transition.guard is not None:
            return transition.guard(obj)
        return None

    def available(self, obj: models.Model, user: Any) -> list[Transition]:
        return [t for t in self.transitions if self.refusal(obj, t, user) is None]

    @transaction.atomic
    def apply(self, obj: models.Model, name: str, *, acting_user: User, comment: str = "",
              on: dt.date | None = None) -> models.Model:
        transition = self.transition(name)
        # Re-read under a row lock so two officials cannot move the same record at once.
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        refusal = self.refusal(locked, transition, acting_user)
        if refusal is not None:
            if isinstance(refusal, Denied):
                raise PermissionDeniedError(str(refusal))
            raise ServiceError("transition_refused", refusal, self.state_field)
        before = audit.snapshot(locked)
        source = self.state_of(locked)
        setattr(locked, self.state_field, transition.target)
        locked.save()
        today = on or timezone.localdate()
        object_type, object_id = locked._meta.label_lower, str(locked.pk)
        open_timers = WorkflowTimer.objects.filter(object_type=object_type, object_id=object_id,
                                                   status=TimerStatus.OPEN, state=source)
        for timer in open_timers:
            timer.status = TimerStatus.MET if today <= timer.due_on else TimerStatus.OVERDUE
            timer.closed_on = today
            timer.save(update_fields=["status", "closed_on"])
        if transition.timer is not None:
            start_timer(locked, workflow=self.name, spec=transition.timer, state=transition.target, on=today)
        TransitionRecord.objects.create(
            workflow=self.name, object_type=object_type, object_id=object_id, transition=transition.name,
            source=source, target=transition.target, actor=acting_user if acting_user.pk else None,
            comment=comment,
        )
        audit.record(actor=acting_user, action=self.action(transition), instance=locked, before=before,
                     message=comment)
        obj.refresh_from_db()
        return locked

    def history(self, obj: models.Model) -> models.QuerySet[TransitionRecord]:
        return TransitionRecord.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def line(self, record: TransitionRecord) -> str:
        """A history row as a person reads it, from the workflow's labels: "提交：草稿 → 已提交" (a name or state
        this workflow no longer has reads as itself)."""
        known = self._by_name.get(record.transition)
        return _("%(t)s：%(a)s → %(b)s") % {"t": known.label if known is not None else record.transition,
                                            "a": self.states.get(record.source, record.source),
                                            "b": self.states.get(record.target, record.target)}

    def lines(self, obj: models.Model) -> list[HistoryLine]:
        """The record's history, oldest first, each row with its sentence (`line`), its actor and its comment."""
        return [HistoryLine(when=r.occurred_at, actor=r.actor, text=self.line(r), comment=r.comment)
                for r in self.history(obj).select_related("actor")]


@dataclass(frozen=True, slots=True)
class HistoryLine:
    when: dt.datetime
    actor: Any
    text: str
    comment: str


def start_timer(obj: models.Model, *, workflow: str, spec: TimerSpec, state: str, on: dt.date) -> WorkflowTimer:
    from aiplus.regulation.runtime import parameters

    version = parameters().version(spec.parameter, on)
    days = int(version.value)
    return WorkflowTimer.objects.create(
        workflow=workflow, object_type=obj._meta.label_lower, object_id=str(obj.pk), name=spec.name,
        state=state, started_on=on, working_days=days, due_on=add_working_days(on, days),
        parameter=spec.parameter, citation=version.citation.as_dict(),
        jurisdiction_id=getattr(obj, "jurisdiction_id", None),
    )
