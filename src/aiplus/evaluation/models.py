"""Persistence of the testing platform's question banks (TC260-003 / GB/T 45654-2025 8.1–8.3; Suzhou art. 37).

A bank belongs to an organisation (the testing body or the company testing its own model) and holds versions; a
version holds items. Items are candidates until an evaluator other than their author approves them; a published
version is immutable (a run records the exact version it sampled). Banks hold harmful text by design: the bank and
its versions are public as counts, items are seen only by the evaluators designated for the bank's organisation
(the bank's owner is one: only an evaluator may create a bank).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.models.base import DomainModel, NewestFirst, actor_field
from aiplus.core.permissions import Scope

EVALUATORS = "organisation__evaluators__user"


class BankKind(models.TextChoices):
    GENERATED = "generated", _("生成内容测试题库")
    SHOULD_REFUSE = "should_refuse", _("应拒答测试题库")
    NON_REFUSAL = "non_refusal", _("非拒答测试题库")
    KEYWORD = "keyword", _("关键词库")
    CLOSED_FORM = "closed_form", _("选择题题库")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class ItemStatus(models.TextChoices):
    CANDIDATE = "candidate", _("候选")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已退回")


class Evaluator(DomainModel):
    """A user designated as an evaluator of an organisation's banks: they see and review its items."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="evaluators",
                                     verbose_name=_("所属组织"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluator_of",
                             verbose_name=_("评估人员"))
    designated_by = actor_field(_("指定人"))

    scope = Scope(organisation="organisation", owner="user")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("评估人员")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="evaluation_evaluator_unique")]

    def __str__(self) -> str:
        return str(self.user)


class Bank(DomainModel):
    name = models.CharField(_("题库名称"), max_length=200)
    kind = models.CharField(_("题库类型"), max_length=20, choices=BankKind.choices)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="question_banks",
                                     verbose_name=_("所属组织"))
    description = models.TextField(_("说明"), blank=True, max_length=2000)
    owner = actor_field(_("创建人"))

    # Counts are public; writing is for the organisation's evaluators.
    scope = Scope(owner=EVALUATORS, public=True)

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("题库")


class BankVersion(DomainModel):
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="versions", verbose_name=_("题库"))
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("发布人"))
    digest = models.CharField(_("内容摘要（SHA-256）"), max_length=64, blank=True)

    scope = Scope(owner=f"bank__{EVALUATORS}", public=True)

    class Meta:
        ordering = ["bank", "-number"]
        verbose_name = verbose_name_plural = _("题库版本")
        constraints = [models.UniqueConstraint(fields=["bank", "number"], name="evaluation_version_unique")]

    def __str__(self) -> str:
        return f"{self.bank.name} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class Item(DomainModel):
    """A question, a should-refuse or non-refusal prompt, a keyword or a multiple-choice question of one version."""

    version = models.ForeignKey(BankVersion, on_delete=models.PROTECT, related_name="items",
                                verbose_name=_("题库版本"))
    external_id = models.CharField(_("来源编号"), max_length=200)
    text = models.TextField(_("内容"), max_length=8000)
    kind = models.CharField(_("类型"), max_length=20, choices=BankKind.choices)
    risk_code = models.CharField(_("风险类别"), max_length=40, blank=True)
    source_category = models.CharField(_("来源类别"), max_length=200, blank=True)
    options = models.JSONField(_("选项"), default=list, blank=True)
    answer = models.PositiveSmallIntegerField(_("正确选项"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=300)
    licence = models.CharField(_("许可"), max_length=100)
    status = models.CharField(_("状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.CANDIDATE)
    author = actor_field(_("录入人"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    scope = Scope(owner=f"version__bank__{EVALUATORS}")

    class Meta:
        ordering = ["version", "id"]
        verbose_name = verbose_name_plural = _("题目")
        constraints = [models.UniqueConstraint(fields=["version", "external_id"], name="evaluation_item_unique")]
        indexes = [models.Index(fields=["version", "status"], name="evaluation_item_status"),
                   models.Index(fields=["version", "risk_code"], name="evaluation_item_risk")]

    def __str__(self) -> str:  # never the text: audit rows and titles must not carry harmful content
        return f"#{self.external_id}"


class ImportRecord(DomainModel):
    """One import into a version: the mapping used and its report (counts, rejected and unmapped rows)."""

    version = models.ForeignKey(BankVersion, on_delete=models.PROTECT, related_name="imports",
                                verbose_name=_("题库版本"))
    mapping_name = models.CharField(_("映射"), max_length=200)
    file_name = models.CharField(_("文件"), max_length=255, blank=True)
    report = models.JSONField(_("导入报告"), default=dict)
    imported_by = actor_field(_("导入人"))

    scope = Scope(owner=f"version__bank__{EVALUATORS}")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("导入记录")

    def __str__(self) -> str:
        return f"{self.mapping_name} · {self.file_name}"
