from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.models.base import RestrictedQuerySet, actor_field
from aiplus.core.permissions import Scope

# A job stores the code of the step it is at (and the step's parameters), not a sentence: the page renders it in
# the reader's language when it is drawn, whatever language the worker ran in. A message that is not a code
# (the text of an error) is shown as it was stored.
PROGRESS_STEPS: dict[str, Any] = {
    "loading_register": _("正在读取算力资源登记"),
    "solving": _("正在求解分配方案"),
    "explaining": _("正在生成分配说明"),
    "loading_trace": _("正在读取作业轨迹"),
    "simulating": _("正在模拟调度策略：{policy}"),
    "checking_packs": _("正在校验规则包"),
    "counting": _("正在统计记录：{model}"),
    "stored": _("结果已保存"),
    # written by the lease recovery (aiplus.core.workers) when the worker running a job stopped mid-way
    "worker_lost_requeued": _("后台工作进程中断，任务已重新排队（已开始 {attempts} 次，最多 {max_attempts} 次）"),
    "worker_lost": _("后台工作进程中断，任务已开始 {attempts} 次仍未完成，不再重试"),
    "importing": _("正在导入：已写入 {done} / {total} 行"),
    # policy simulation of a support programme (aiplus.support.simulation)
    "gathering_register": _("正在汇总单位登记信息"),
    "simulating_programme": _("正在测算：{done} / {total}（现行规则与修改后各测算一遍）"),
    "imported": _("导入完成：读取 {read} 行，新建 {created}，更新 {updated}，未变 {unchanged}，拒绝 {rejected}"),
}


# What the keys a job stores in its result read as on the job page (the result is shown as labelled, formatted
# lines, never as JSON). A key ending in `_cny` is money, `_pct` a percentage; a key not listed here is not shown.
RESULT_LABELS: dict[str, Any] = {
    "cost_cny": _("费用"),
    "subsidy_cny": _("预计算力券抵扣"),
    "paid_cny": _("自付"),
    "carbon_kg": _("碳排放（kg）"),
    "latency_ms": _("时延（毫秒）"),
    "saving_pct": _("节省比例"),
    "packs": _("规则包"),
    "parameters": _("参数"),
    "path": _("文件"),
}


class JobProgress(models.Model):
    """How far a long background job has got; the UI polls it (HTMX) to draw a progress bar."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    name = models.CharField(_("任务"), max_length=120)
    owner = actor_field()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)  # a PROGRESS_STEPS code, or an error's text
    message_params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    # How many times a worker started it: the exactly-once test reads this.
    executions = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(owner="owner")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def message_text(self) -> str:
        """The step in the active language; any other message as stored."""
        step = PROGRESS_STEPS.get(self.message)
        if step is None:
            return self.message
        return str(step).format(**(self.message_params or {}))

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)


class WorkerHeartbeat(models.Model):
    """A running `manage.py aiplus_worker`: it renews `last_seen` every AIPLUS_WORKER_HEARTBEAT_SECONDS. A task still
    RUNNING under a worker not seen for AIPLUS_WORKER_LEASE_SECONDS was lost with it (aiplus.core.workers)."""

    worker_id = models.CharField(max_length=64, unique=True)  # the id django-tasks-db records on the task row
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    queues = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
