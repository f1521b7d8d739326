"""Persistence of the support programmes (Suzhou arts. 38–39; the programmes themselves are pack data read by
`aiplus.support.engine`): budgets per programme and year, applications with their documents, the formal check's
one notice of everything missing, the decision with the engine's reasons, and the tranches paid out.

Money moves only through the compute voucher's double-entry ledger (`aiplus.compute.ledger`), under the support
accounts it documents: a budget is funded, a decision commits part of it to the application, each tranche pays part
of the commitment out to the applicant. Who sees what: the applying organisation's members, and officials (and
auditors) of the programme's jurisdiction.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import CENT, money_field
from aiplus.core.models.base import DomainModel, NewestFirst, actor_field
from aiplus.core.permissions import Scope


class Budget(DomainModel):
    """A programme's budget for one year, funded into the ledger when opened."""

    programme_code = models.CharField(_("扶持项目"), max_length=80)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    amount_cny = money_field(_("预算（元）"), minimum=CENT)
    opened_by = actor_field(_("开立人"))

    scope = Scope(jurisdiction="jurisdiction")

    class Meta:
        ordering = ["-year", "programme_code"]
        verbose_name = verbose_name_plural = _("扶持项目年度预算")
        constraints = [models.UniqueConstraint(fields=["programme_code", "year"], name="support_budget_unique")]

    def __str__(self) -> str:
        return f"{self.programme_code} {self.year}"


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待形式审查")
    INCOMPLETE = "incomplete", _("待补正")
    ACCEPTED = "accepted", _("已受理，评审中")
    NOTICE = "notice", _("拟支持，公示中")
    APPROVED = "approved", _("已批准，分期拨付中")
    REJECTED = "rejected", _("不予支持")
    PAID = "paid", _("已全部拨付")
    CLAWED_BACK = "clawed_back", _("已追回")


class Application(DomainModel):
    """An organisation's application to a programme."""

    title = models.CharField(_("项目名称"), max_length=200)
    programme_code = models.CharField(_("扶持项目"), max_length=80)
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("申请单位"), on_delete=models.PROTECT,
                                     related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    declared_cny = money_field(_("申报金额（元）"), null=True, blank=True)  # the cost or investment declared
    facts = models.JSONField(_("申报信息"), default=dict)  # the other answers (affiliation, standard level)
    cost_ref = models.CharField(_("费用凭证编号"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    estimate = models.JSONField(_("测算结果"), default=dict)
    submitted_by = actor_field(_("申报人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    missing_notice = models.JSONField(_("一次性补正告知"), default=list, blank=True)
    notice_given_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    budget = models.ForeignKey(Budget, verbose_name=_("预算"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="applications")
    decision = models.JSONField(_("决定依据"), default=dict, blank=True)
    amount_cny = money_field(_("批准金额（元）"), null=True, blank=True)
    decided_by = actor_field(_("决定人"))
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_note = models.CharField(_("决定说明"), max_length=500, blank=True)
    clawback_reason = models.CharField(_("追回理由"), max_length=500, blank=True)
    panel = models.ForeignKey("experts.Draw", verbose_name=_("评审专家组"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    notice_until = models.DateField(_("公示截止日"), null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("扶持申请")


class Score(DomainModel):
    """One panel expert's scores of an application against the programme's criteria (0 to 100 each)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey("experts.ExpertProfile", verbose_name=_("评审专家"), on_delete=models.PROTECT,
                               related_name="+")
    scores = models.JSONField(_("各项评分"), default=dict)
    total = models.DecimalField(_("加权得分"), max_digits=5, decimal_places=2)
    comment = models.CharField(_("评审意见"), max_length=1000, blank=True)

    scope = Scope(jurisdiction="application__jurisdiction", owner="expert__user")

    class Meta:
        ordering = ["application", "id"]
        verbose_name = verbose_name_plural = _("专家评分")
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="support_score_unique")]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.expert_id}"


class Objection(DomainModel):
    """An objection anyone raised during an award's public notice, answered by an official."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections")
    text = models.CharField(_("异议内容"), max_length=2000)
    source_key = models.CharField(_("来源标识"), max_length=64, blank=True)  # keyed hash of the address
    answer = models.CharField(_("答复"), max_length=2000, blank=True)
    answered_by = actor_field(_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    scope = Scope(jurisdiction="application__jurisdiction", organisation="application__organisation")

    class Meta:
        ordering = ["application", "id"]
        verbose_name = verbose_name_plural = _("公示异议")

    def __str__(self) -> str:
        return self.text[:40]


class Document(DomainModel):
    """A document given with an application, by the programme's document code."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(_("材料"), max_length=40)
    reference = models.CharField(_("文件名称或编号"), max_length=200)
    # An uploaded file, kept in the database (as participation's attachments) so that every web process serves it;
    # its type is read from its bytes. A file that fails the check keeps no bytes, only its name, size and the reason.
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size_bytes = models.PositiveIntegerField(_("大小（字节）"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    data = models.BinaryField(_("内容"), editable=False, default=b"")
    problem = models.JSONField(_("不合格原因"), default=dict, blank=True)  # {"zh": ..., "en": ...}; empty: accepted

    scope = Scope(jurisdiction="application__jurisdiction", organisation="application__organisation")
    audit_exclude: ClassVar[tuple[str, ...]] = (*DomainModel.audit_exclude, "data")

    class Meta:
        ordering = ["application", "id"]
        verbose_name = verbose_name_plural = _("申请材料")
        constraints = [models.UniqueConstraint(fields=["application", "code"], name="support_document_unique")]

    def __str__(self) -> str:
        return self.reference


class Tranche(DomainModel):
    """One instalment of an approved amount, paid through the ledger."""

    class State(models.TextChoices):
        PLANNED = "planned", _("待拨付")
        PAID = "paid", _("已拨付")
        CLAWED_BACK = "clawed_back", _("已追回")
        CANCELLED = "cancelled", _("已取消")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("期次"))
    milestone_zh = models.CharField(_("拨付节点"), max_length=100)
    milestone_en = models.CharField(_("拨付节点（英文）"), max_length=100)
    amount_cny = money_field(_("金额（元）"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PLANNED)
    paid_at = models.DateTimeField(_("拨付时间"), null=True, blank=True)
    paid_by = actor_field(_("拨付人"))
    accepted_at = models.DateTimeField(_("节点验收时间"), null=True, blank=True)
    accepted_by = actor_field(_("节点验收人"))
    acceptance_note = models.CharField(_("验收意见"), max_length=500, blank=True)
    transaction = models.OneToOneField("compute.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="support_tranche")

    scope = Scope(jurisdiction="application__jurisdiction", organisation="application__organisation")

    class Meta:
        ordering = ["application", "number"]
        verbose_name = verbose_name_plural = _("拨付批次")
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="support_tranche_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.number}"
