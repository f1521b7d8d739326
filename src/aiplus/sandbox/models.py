"""Sandbox supervision and innovation fault tolerance (Guangdong art. 6 包容审慎监管; Suzhou art. 49 法律责任).

A company applies to enter the sandbox (the innovation, the legal gap, its risk controls, the scope it asks for:
users, geography, duration, and its exit plan); an official draws a review panel from the expert pool and records the
panel's votes; admission comes with conditions (a user cap, the geography, the term, how often to report), from
which the report schedule follows. Reports are filed against it (overdue ones carry a clock), incidents are reported
into governance, and the case ends by graduation or termination, or is extended, each a decision with reasons.
A fault-tolerance case (容错免责) records the facts, the criteria met (pack data) and the outcome, optionally tied to
a governance violation case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import count_field
from aiplus.core.models.base import DomainModel, NewestFirst, actor_field
from aiplus.core.permissions import Scope
from aiplus.sandbox import engine

MAX_USERS = 100_000_000  # a cap on people served: more than any single deployment in a province
MAX_DAYS = 3650  # ten years: longer than any term the pack allows


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    REVIEWING = "reviewing", _("专家评审中")
    ADMITTED = "admitted", _("已入盒")
    REJECTED = "rejected", _("未予入盒")
    GRADUATED = "graduated", _("已出盒（转入常规监管）")
    TERMINATED = "terminated", _("已终止测试")


class Vote(models.TextChoices):
    ADMIT = engine.ADMIT, _("同意入盒")
    REJECT = engine.REJECT, _("不同意入盒")


class SandboxApplication(DomainModel):
    """An application to the sandbox and, once admitted, the sandbox case with its conditions."""

    title = models.CharField(_("创新项目名称"), max_length=200)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("申请单位"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("监管辖区"))
    innovation = models.TextField(_("创新内容"), max_length=5000)
    legal_gap = models.TextField(_("现行规定空白或冲突"), max_length=5000)
    risk_controls = models.TextField(_("风险防控措施"), max_length=5000)
    planned_users = count_field(_("拟服务用户数"), maximum=MAX_USERS, minimum=1)
    geography = models.CharField(_("拟测试地域"), max_length=200)
    planned_days = count_field(_("拟测试天数"), maximum=MAX_DAYS, minimum=1)
    exit_plan = models.TextField(_("退出方案"), max_length=5000)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = actor_field(_("申请人"))
    draw = models.ForeignKey("experts.Draw", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("评审专家抽取"))
    # The drawn experts' users: they read the application and vote themselves; nobody votes for them.
    panel_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                         verbose_name=_("评审专家"))
    votes = models.JSONField(_("专家组意见"), default=dict, blank=True)  # {expert id: "admit" | "reject"}
    opinions = models.JSONField(_("专家书面意见"), default=dict, blank=True)  # {expert id: their written opinion}
    checks = models.JSONField(_("评审核验"), default=list, blank=True)
    decision_reasons = models.TextField(_("入盒决定理由"), max_length=5000, blank=True)
    decided_on = models.DateField(_("入盒决定日期"), null=True, blank=True)
    decided_by = actor_field(_("入盒决定记录人"))
    # conditions of admission
    user_cap = count_field(_("用户数上限"), maximum=MAX_USERS, minimum=1, null=True, blank=True)
    geography_condition = models.CharField(_("限定地域"), max_length=200, blank=True)
    start_on = models.DateField(_("测试开始日期"), null=True, blank=True)
    end_on = models.DateField(_("测试截止日期"), null=True, blank=True)
    report_every_days = count_field(_("报告频率（天）"), maximum=366, minimum=1, null=True, blank=True)
    other_conditions = models.TextField(_("其他条件"), max_length=5000, blank=True)
    extensions = count_field(_("已延期次数"), maximum=100, default=0)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("沙盒监管申请")


class SandboxReport(DomainModel):
    """One periodic report of an admitted sandbox: the period it covers, its due day (working days after the period
    ends), and what the company filed."""

    application = models.ForeignKey(SandboxApplication, on_delete=models.CASCADE, related_name="reports",
                                    verbose_name=_("沙盒项目"))
    sequence = count_field(_("期次"), maximum=10000, minimum=1)
    period_end = models.DateField(_("报告期截止"))
    due_on = models.DateField(_("报告提交期限"))
    filed_on = models.DateField(_("提交日期"), null=True, blank=True)
    users_served = count_field(_("报告期末用户数"), maximum=MAX_USERS, null=True, blank=True)
    summary = models.TextField(_("报告内容"), max_length=5000, blank=True)
    checks = models.JSONField(_("条件核验"), default=list, blank=True)
    filed_by = actor_field(_("提交人"))
    overdue_notified_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    scope = Scope(jurisdiction="application__jurisdiction", organisation="application__organisation")

    class Meta:
        ordering = ["application_id", "sequence"]
        verbose_name = verbose_name_plural = _("沙盒定期报告")
        constraints = [models.UniqueConstraint(fields=["application", "sequence"], name="sandbox_report_once")]

    def __str__(self) -> str:
        return f"{self.application.title} #{self.sequence}"


class SandboxIncident(DomainModel):
    """An incident during a sandbox test: the governance incident it was reported as."""

    application = models.ForeignKey(SandboxApplication, on_delete=models.CASCADE, related_name="incidents",
                                    verbose_name=_("沙盒项目"))
    incident = models.OneToOneField("governance.Incident", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("安全事件"))
    reported_by = actor_field(_("报告人"))

    scope = Scope(jurisdiction="application__jurisdiction", organisation="application__organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("沙盒测试事件")

    def __str__(self) -> str:
        return str(self.incident.title)


class ExitKind(models.TextChoices):
    GRADUATE = "graduate", _("出盒（转入常规监管）")
    EXTEND = "extend", _("延期")
    TERMINATE = "terminate", _("终止测试")


class ExitDecision(DomainModel):
    """How a sandbox case ends (graduation, termination) or goes on (extension to a new end date), with reasons."""

    application = models.ForeignKey(SandboxApplication, on_delete=models.CASCADE, related_name="exits",
                                    verbose_name=_("沙盒项目"))
    kind = models.CharField(_("决定类型"), max_length=12, choices=ExitKind.choices)
    reasons = models.TextField(_("决定理由"), max_length=5000)
    previous_end_on = models.DateField(_("原截止日期"), null=True, blank=True)
    new_end_on = models.DateField(_("新截止日期"), null=True, blank=True)
    checks = models.JSONField(_("核验"), default=list, blank=True)
    decided_on = models.DateField(_("决定日期"))
    decided_by = actor_field(_("决定人"))

    scope = Scope(jurisdiction="application__jurisdiction", organisation="application__organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("出盒决定")

    def __str__(self) -> str:
        return f"{self.application.title}: {self.get_kind_display()}"


class ToleranceOutcome(models.TextChoices):
    NO_PENALTY = engine.NO_PENALTY, _("不予处罚")
    LIGHTER = engine.LIGHTER, _("从轻处罚")
    MITIGATED = engine.MITIGATED, _("减轻处罚")


class ToleranceCase(DomainModel):
    """A fault-tolerance case file (容错免责): the facts, the good-faith criteria met (pack data), and the outcome
    with reasons, decided by an official who is not the party; optionally tied to a violation case and a sandbox."""

    title = models.CharField(_("事项"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("认定机关所在辖区"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("当事单位"))
    violation = models.ForeignKey("governance.Violation", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="tolerance_cases", verbose_name=_("关联违法案件"))
    application = models.ForeignKey(SandboxApplication, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="tolerance_cases", verbose_name=_("关联沙盒项目"))
    facts = models.TextField(_("事实"), max_length=5000)
    criteria = models.JSONField(_("满足的容错情形"), default=list, blank=True)  # taxonomy item codes
    outcome = models.CharField(_("认定结果"), max_length=12, choices=ToleranceOutcome.choices)
    reasons = models.TextField(_("认定理由"), max_length=5000)
    checks = models.JSONField(_("核验"), default=list, blank=True)
    decided_on = models.DateField(_("认定日期"))
    decided_by = actor_field(_("认定人"))

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("容错免责认定")
