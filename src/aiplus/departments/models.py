"""Duties and the work they bring (Suzhou art. 5, Guangdong art. 4): which department of a jurisdiction holds each
kind of work (a duty), who heads a department, the handovers of a duty from one department to another, and the work
items each department's queue holds. Officials belong to a department through their role assignment
(`core.RoleAssignment.department`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.models.base import AppendOnly, DomainModel, NewestFirst, actor_field
from aiplus.core.models.departments import DutySourceKind
from aiplus.core.permissions import Scope
from aiplus.departments.catalogue import CHOICES


class Duty(DomainModel):
    """One kind of work in a jurisdiction and the department that holds it now. Its source is the pack's: an official
    assignment (cited) or the platform's own (shown as 平台设置, with the articles it serves as related)."""

    pack = models.CharField(_("规则包"), max_length=40)
    code = models.CharField(_("职责"), max_length=60, choices=CHOICES)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="held_duties",
                                   verbose_name=_("承担部门"))
    source_kind = models.CharField(_("职责来源"), max_length=24, choices=DutySourceKind.choices,
                                   default=DutySourceKind.PLATFORM_ASSIGNMENT)
    citation = models.JSONField(default=dict, blank=True)
    held_since = models.DateField(_("承担起始日"))

    scope = Scope(public=True)

    class Meta:
        ordering = ["pack", "code"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="departments_duty_once")]
        verbose_name = verbose_name_plural = _("职责")

    def __str__(self) -> str:
        return f"{self.get_code_display()} · {self.department}"


class Handover(AppendOnly):
    """A duty moved from one department to another, with the reason, the date it takes effect and the open work
    that moved with it. The rows are the history of the duty's holders."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("职责"))
    from_department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("移出部门"))
    to_department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("接收部门"))
    reason = models.CharField(_("移交理由"), max_length=500)
    effective_on = models.DateField(_("生效日期"))
    items_moved = models.PositiveIntegerField(_("随之移交的待办"), default=0)
    created_by = actor_field(_("办理人"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("职责移交")

    def __str__(self) -> str:
        return f"{self.duty} → {self.to_department}"


class ScheduleStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("待生效")
    APPLIED = "applied", _("已生效")
    CANCELLED = "cancelled", _("已取消")


class ScheduledHandover(DomainModel):
    """A handover decided now to take effect on a later day: the daily command applies it on that day (moving the duty
    and its open work as an immediate handover does, written as a `Handover`); until then it can be cancelled. At
    most one is pending per duty."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="scheduled_handovers",
                             verbose_name=_("职责"))
    to_department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("接收部门"))
    reason = models.CharField(_("移交理由"), max_length=500)
    effective_on = models.DateField(_("生效日期"))
    status = models.CharField(_("状态"), max_length=10, choices=ScheduleStatus.choices,
                              default=ScheduleStatus.SCHEDULED)
    created_by = actor_field(_("办理人"))
    cancelled_by = actor_field(_("取消人"))
    handover = models.OneToOneField(Handover, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("生效的移交"))

    scope = Scope(jurisdiction="duty__jurisdiction", public=True)  # as the handover history: public

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("预约的职责移交")
        constraints = [models.UniqueConstraint(fields=["duty"], condition=models.Q(status="scheduled"),
                                               name="departments_handover_pending_once")]

    def __str__(self) -> str:
        return f"{self.duty} → {self.to_department} ({self.effective_on})"


class DepartmentHead(models.Model):
    """The official who heads a department: overdue work of its queue escalates to them."""

    department = models.OneToOneField("core.Department", on_delete=models.CASCADE, related_name="head",
                                      verbose_name=_("部门"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("部门负责人"))

    class Meta:
        verbose_name = verbose_name_plural = _("部门负责人")

    def __str__(self) -> str:
        return f"{self.department} · {self.user}"


class WorkStatus(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已办结")


class WorkItem(DomainModel):
    """A piece of work a workflow step gives to the department holding its duty: the record it concerns (any model,
    with its page), the duty, the department (resolved from the duty when the item opens, and moved by a handover),
    the due date in working days, the assignee if any, and when it was escalated to the department's head."""

    title = models.CharField(_("事项"), max_length=200)
    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="work_items", verbose_name=_("职责"))
    department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="work_items",
                                    verbose_name=_("承办部门"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("object_type", "object_id")
    link = models.CharField(_("链接"), max_length=200)
    status = models.CharField(_("状态"), max_length=8, choices=WorkStatus.choices, default=WorkStatus.OPEN)
    due_on = models.DateField(_("办理期限"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("承办人"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("部门待办")
        constraints = [models.UniqueConstraint(fields=["object_type", "object_id", "duty"],
                                               condition=models.Q(status="open"),
                                               name="departments_work_open_once")]
        indexes = [models.Index(fields=["department", "status"], name="departments_work_queue")]
