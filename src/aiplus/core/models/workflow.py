from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.models.base import actor_field


class TransitionRecord(models.Model):
    """The full history of a workflow-managed object: every transition, by whom, when, and why."""

    workflow = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    transition = models.CharField(max_length=60)
    source = models.CharField(max_length=40)
    target = models.CharField(max_length=40)
    actor = actor_field()
    comment = models.TextField(blank=True)
    occurred_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.source}→{self.target}"


class TimerStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    MET = "met", _("已按期完成")
    OVERDUE = "overdue", _("已逾期")
    CANCELLED = "cancelled", _("已取消")


class WorkflowTimer(models.Model):
    """A legal or administrative deadline started by a transition, counted in official working days."""

    workflow = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    name = models.CharField(max_length=60)
    state = models.CharField(max_length=40, help_text="the state the timer watches; leaving it stops the timer")
    started_on = models.DateField()
    working_days = models.PositiveIntegerField()
    due_on = models.DateField(db_index=True)
    parameter = models.CharField(max_length=120, blank=True)
    citation = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=TimerStatus.choices, default=TimerStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", null=True, on_delete=models.PROTECT, related_name="+")
    # Set when the officials were told the deadline passed, so they are told once.
    overdue_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.name} due {self.due_on}"
