"""Persistence of the testing platform's question banks (TC260-003 / GB/T 45654-2025 8.1–8.3; Suzhou art. 37).

A bank belongs to an organisation (the testing body or the company testing its own model) and holds versions; a
version holds items. Items are candidates until an evaluator other than their author approves them; a published
version is immutable (a run records the exact version it sampled). Banks hold harmful text by design: the bank and
its versions are public as counts, items are seen only by the evaluators designated for the bank's organisation
(the bank's owner is one: only an evaluator may create a bank).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import count_field
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


# ------------------------------------------------------------------------------------------ runs (issue 14 §2)

class Plan(models.TextChoices):
    GENERATED = "generated", _("生成内容安全评估")
    SHOULD_REFUSE = "should_refuse", _("应拒答评估")
    NON_REFUSAL = "non_refusal", _("非拒答评估")
    CLOSED_FORM = "closed_form", _("选择题准确率")


class Endpoint(DomainModel):
    """A system under test: an OpenAI-compatible chat endpoint of an organisation. Its secret key is stored
    encrypted (Fernet, a key derived from the platform secret), never shown back, never in audit rows."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="evaluation_endpoints",
                                     verbose_name=_("所属组织"))
    name = models.CharField(_("名称"), max_length=200)
    url = models.URLField(_("接口地址"), max_length=300)  # http or https only (run_services.check_url)
    model_name = models.CharField(_("模型名称"), max_length=200)
    secret_encrypted = models.TextField(_("密钥（加密）"), blank=True, editable=False)
    rate_per_minute = count_field(_("每分钟请求上限"), minimum=1, maximum=60000)
    concurrency = count_field(_("并发数"), minimum=1, maximum=64)
    timeout_seconds = count_field(_("单题超时（秒）"), minimum=1, maximum=600, default=30)
    retries = count_field(_("重试次数"), minimum=0, maximum=5, default=2)
    max_tokens = count_field(_("回答最大长度（token）"), minimum=1, maximum=8192, default=256)
    # The register entry it serves (algorithms' model register: a filed model or service), when there is one.
    ai_model = models.ForeignKey("algorithms.AIModel", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="evaluation_endpoints", verbose_name=_("登记的模型"))
    registered_by = actor_field(_("登记人"))

    scope = Scope(organisation="organisation", owner=EVALUATORS)
    audit_exclude: ClassVar[tuple[str, ...]] = ("created_at", "updated_at", "secret_encrypted")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("被测接口")

    def __str__(self) -> str:
        return self.name

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    INCOMPLETE = "incomplete", _("部分题目未答")
    FAILED = "failed", _("失败")


class Run(DomainModel):
    """One test plan run against an endpoint on a sample of a published bank version."""

    Status = RunStatus

    endpoint = models.ForeignKey(Endpoint, on_delete=models.PROTECT, related_name="runs", verbose_name=_("被测接口"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("所属组织"))
    plan = models.CharField(_("测试方案"), max_length=20, choices=Plan.choices)
    version = models.ForeignKey(BankVersion, on_delete=models.PROTECT, related_name="runs",
                                verbose_name=_("题库版本"))
    keyword_version = models.ForeignKey(BankVersion, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="keyword_runs", verbose_name=_("关键词库版本"))
    judge_endpoint = models.ForeignKey(Endpoint, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="judged_runs", verbose_name=_("模型判定接口"))
    sample_size = count_field(_("抽样题数"), minimum=1, maximum=20000)
    seed = count_field(_("随机种子"), minimum=0, maximum=2_000_000_000)
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    job = models.ForeignKey("core.JobProgress", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    results = models.JSONField(_("结果"), default=dict, blank=True)
    outcome = models.CharField(_("结论"), max_length=16, blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    started_by = actor_field(_("发起人"))

    scope = Scope(organisation="organisation", owner=EVALUATORS)

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("测试运行")

    def __str__(self) -> str:
        return f"{self.get_plan_display()} #{self.pk}"


class RunItemStatus(models.TextChoices):
    PENDING = "pending", _("待测")
    ANSWERED = "answered", _("已回答")
    ERROR = "error", _("未能获得回答")


class RunItem(models.Model):
    """One sampled item of a run: the answer, each judge's verdict with its version, and a human review."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="items", verbose_name=_("测试运行"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("题目"))
    position = models.PositiveIntegerField(_("抽样序号"))
    risk_code = models.CharField(_("风险类别"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RunItemStatus.choices, default=RunItemStatus.PENDING)
    answer = models.TextField(_("回答"), blank=True)
    error = models.CharField(_("错误"), max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), null=True, blank=True)
    judged_passed = models.BooleanField(_("判定通过"), null=True, blank=True)
    disputed = models.BooleanField(_("存在争议"), default=False)
    judges = models.JSONField(_("判定器结论"), default=dict, blank=True)
    human_passed = models.BooleanField(_("人工复核结论"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("复核人"))
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    review_note = models.CharField(_("复核意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = verbose_name_plural = _("运行题目")
        constraints = [models.UniqueConstraint(fields=["run", "item"], name="evaluation_runitem_unique")]
        indexes = [models.Index(fields=["run", "status"], name="evaluation_runitem_status")]

    def __str__(self) -> str:
        return f"#{self.position}"

    @property
    def passed(self) -> bool | None:
        return self.human_passed if self.human_passed is not None else self.judged_passed


class Report(DomainModel):
    """A signed test report of a run: the payload (bank version digest, plan, judge versions, results), its
    SHA-256, the platform's signature over it, and the PDF with its own SHA-256 (what a verifier uploads)."""

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="reports", verbose_name=_("测试运行"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("所属组织"))
    payload = models.JSONField(_("报告内容"))
    payload_sha256 = models.CharField(_("内容摘要（SHA-256）"), max_length=64, db_index=True)
    signature = models.CharField(_("签名"), max_length=128)
    pdf = models.BinaryField(_("PDF"), editable=False)
    pdf_sha256 = models.CharField(_("文件摘要（SHA-256）"), max_length=64, unique=True)
    issued_by = actor_field(_("签发人"))

    scope = Scope(organisation="organisation", owner=EVALUATORS)
    audit_exclude: ClassVar[tuple[str, ...]] = ("created_at", "updated_at", "pdf", "payload")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("测试报告")

    def __str__(self) -> str:
        return f"{self.payload_sha256[:12]}"
