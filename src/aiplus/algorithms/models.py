"""The registers of the region's AI elements: models, algorithms, hardware (accelerators, servers, intelligent
terminals and products) and open-source projects. Each row belongs to an organisation and a jurisdiction, is public
once its owner publishes it and restricted to the owner's members and the place's officials otherwise.

A CAC filing is a dossier with its clocks (`AlgorithmFiling`) of one of three kinds: an algorithm's filing (算法备案),
a generative-AI service's launch filing (生成式人工智能服务上线备案, for a self-developed or fine-tuned model), or the
registration (登记) of a service that only calls a filed model. A launch filing answers every clause of GB/T
45654-2025 chapters 5–8 (`ClauseFinding`)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import CENT, count_field, decimal_field, money_field
from aiplus.core.models.base import AppendOnly, DomainModel, NewestFirst, actor_field
from aiplus.core.permissions import Scope

# A model's parameters in billions: a million parameters (0.001) up to a hundred trillion, beyond any model announced.
PARAMETERS_MIN = Decimal("0.001")
PARAMETERS_MAX = Decimal("100000")
# FP16 dense throughput of one accelerator, server or product: an exaflop, beyond any single rack sold (2025).
TFLOPS_MAX = Decimal("1000000")
# Memory of one device: 100 TB, beyond any single server's accelerator memory.
MEMORY_GB_MAX = 100_000

# An SPDX licence identifier or expression ("Apache-2.0", "MIT", "GPL-3.0-or-later", "Apache-2.0 OR MIT").
SPDX = RegexValidator(r"^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$",
                      _("请填写 SPDX 许可标识，如 Apache-2.0、MIT。"), code="spdx")


class ModelKind(models.TextChoices):
    FOUNDATION = "foundation", _("基础大模型")
    VERTICAL = "vertical", _("行业模型")
    FINE_TUNED = "fine_tuned", _("微调模型")


class FilingStatus(models.TextChoices):
    # Where the model stands: set when an official records the number of its launch filing (or typed by the owner
    # for a filing made before the platform existed).
    NOT_FILED = "not_filed", _("未备案")
    FILED = "filed", _("已备案")
    REGISTERED = "registered", _("已登记")


class HardwareKind(models.TextChoices):
    ACCELERATOR = "accelerator", _("加速卡")
    SERVER = "server", _("服务器")
    TERMINAL = "terminal", _("智能终端")
    PRODUCT = "product", _("智能产品")


# Kinds that embed models (Guangdong art. 14: intelligent terminals and products).
EMBEDDING_KINDS = frozenset({HardwareKind.TERMINAL, HardwareKind.PRODUCT})


class _Register(DomainModel):
    """What every register row has: an owner organisation, the place it counts to, publication and search."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("所属组织"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    is_published = models.BooleanField(_("已公开"), default=False, db_index=True)
    search_tokens = models.TextField(editable=False, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation", public="is_published")
    audit_exclude: ClassVar[tuple[str, ...]] = ("created_at", "updated_at", "search_tokens")

    class Meta:
        abstract = True
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(getattr(self, "name", self.pk))


class AIModel(_Register):
    name = models.CharField(_("模型名称"), max_length=200)
    kind = models.CharField(_("模型类型"), max_length=12, choices=ModelKind.choices, db_index=True)
    base_model = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="derived", verbose_name=_("基座模型"))
    modalities = models.JSONField(_("模态"), default=list, blank=True)
    parameters_billion = decimal_field(_("参数规模（十亿）"), max_digits=9, decimal_places=3,
                                       minimum=PARAMETERS_MIN, maximum=PARAMETERS_MAX, null=True, blank=True)
    licence = models.CharField(_("许可"), max_length=100, blank=True, db_index=True)
    open_weights = models.BooleanField(_("开放权重"), default=False)
    summary = models.TextField(_("简介"), blank=True)
    # OpenAI-compatible base URL (https://host/v1). Secret: only the owner's members ever see it (selectors).
    endpoint_url = models.URLField(_("服务接口地址"), max_length=300, blank=True)
    filing_status = models.CharField(_("备案状态"), max_length=12, choices=FilingStatus.choices,
                                     default=FilingStatus.NOT_FILED)
    filing_number = models.CharField(_("备案（登记）编号"), max_length=80, blank=True)

    # the endpoint is a secret: the audit log (read by officials and auditors) never records it
    audit_exclude: ClassVar[tuple[str, ...]] = ("created_at", "updated_at", "search_tokens", "endpoint_url")

    class Meta(_Register.Meta):
        verbose_name = _("模型")


class Algorithm(_Register):
    name = models.CharField(_("算法名称"), max_length=200)
    # A code of the packs' `algorithm_types` taxonomy (checked by the services against the active packs).
    algorithm_type = models.CharField(_("算法类型"), max_length=40, db_index=True)
    application_field = models.CharField(_("应用领域"), max_length=120, blank=True)
    service_name = models.CharField(_("支撑的服务"), max_length=200, blank=True)
    mechanism_summary = models.TextField(_("算法机制机理"), blank=True)
    model = models.ForeignKey(AIModel, null=True, blank=True, on_delete=models.PROTECT, related_name="algorithms",
                              verbose_name=_("所用模型"))

    class Meta(_Register.Meta):
        verbose_name = _("算法")


class Hardware(_Register):
    name = models.CharField(_("型号"), max_length=200)
    kind = models.CharField(_("硬件类型"), max_length=12, choices=HardwareKind.choices, db_index=True)
    vendor = models.CharField(_("厂商"), max_length=200)
    domestic = models.BooleanField(_("国产"), default=False)
    fp16_tflops = decimal_field(_("FP16 算力（TFLOPS）"), max_digits=10, decimal_places=2, minimum=Decimal("0"),
                                maximum=TFLOPS_MAX, null=True, blank=True)
    memory_gb = count_field(_("显存（GB）"), maximum=MEMORY_GB_MAX, null=True, blank=True)
    summary = models.TextField(_("简介"), blank=True)
    pools = models.ManyToManyField("compute.ResourcePool", blank=True, related_name="registered_hardware",
                                   verbose_name=_("部署的算力资源池"))
    embedded_models = models.ManyToManyField(AIModel, blank=True, related_name="embedded_in",
                                             verbose_name=_("内置模型"))

    class Meta(_Register.Meta):
        verbose_name = _("硬件")


class OpenSourceProject(_Register):
    name = models.CharField(_("开源项目名称"), max_length=200)
    repository_url = models.URLField(_("代码仓库"), max_length=300)
    licence = models.CharField(_("许可（SPDX）"), max_length=100, validators=[SPDX], db_index=True)
    summary = models.TextField(_("简介"), blank=True)
    support_received = models.TextField(_("获得的支持"), blank=True)
    support_amount_cny = money_field(_("支持金额（元）"), minimum=CENT, null=True, blank=True)

    class Meta(_Register.Meta):
        verbose_name = _("开源项目")


# --- algorithm filing dossiers (算法备案, mechanisms.md §4) ----------------------------------------------------------

class ServiceForm(models.TextChoices):
    """How the filed algorithm reaches users: the product it is bound to (产品及功能信息)."""

    APP = "app", _("应用程序")
    MINI_PROGRAM = "mini_program", _("小程序")
    WEBSITE = "website", _("网站")
    API = "api", _("接口")
    PLUGIN = "plugin", _("插件")


class FilingKind(models.TextChoices):
    """Which CAC procedure the dossier prepares (mechanisms.md §4–§5)."""

    ALGORITHM = "algorithm", _("算法备案")
    GENAI_FILING = "genai_filing", _("生成式人工智能服务上线备案")
    GENAI_REGISTRATION = "genai_registration", _("生成式人工智能服务登记")


GENAI_KINDS = frozenset({FilingKind.GENAI_FILING, FilingKind.GENAI_REGISTRATION})


class GenAIFunction(models.TextChoices):
    """The main functions the launch-filing form asks for (上线备案表「主要功能」, mechanisms.md §5 [S])."""

    DIALOGUE = "dialogue", _("人机对话")
    TEXT = "text", _("文字生成")
    IMAGE = "image", _("图片生成")
    VOICE = "voice", _("声音合成")
    VIDEO = "video", _("视频合成")
    CODE = "code", _("代码生成或优化")


class SecurityAssessment(models.TextChoices):
    SELF = "self", _("自行评估")
    THIRD_PARTY = "third_party", _("第三方评估")


class Hosting(models.TextChoices):
    OWN = "own", _("自有服务器")
    CLOUD = "cloud", _("第三方云服务")


class AlgorithmFilingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    FILED = "filed", _("已备案")
    CHANGED = "changed", _("已报变更")
    DEREGISTERED = "deregistered", _("已注销")


class ClockKind(models.TextChoices):
    """Which deadline the dossier's `due_on` is: each comes from a pack parameter with its citation."""

    INITIAL = "initial", _("首次备案")
    CHANGE = "change", _("变更备案")
    DEREGISTRATION = "deregistration", _("注销备案")


class AlgorithmFiling(DomainModel):
    """One CAC filing dossier and the clock of its next step. An algorithm filing (算法备案,
    互联网信息服务算法推荐管理规定 Art. 24) has the provider part (主体信息), the algorithm (算法信息, from the
    register) and the product (产品及功能信息); a generative-AI launch filing or registration
    (生成式人工智能服务管理暂行办法) has the provider part, the model and the service (the launch-filing
    form's fields), and a launch filing its clause findings.
    Submission is recorded, not sent: the CAC filing system is external, and an official of the place records the
    number it issued. Never public."""

    kind = models.CharField(_("备案类型"), max_length=20, choices=FilingKind.choices, default=FilingKind.ALGORITHM,
                            db_index=True)
    # An algorithm filing files an algorithm of the register; a generative-AI dossier names a model: the one it
    # files (launch filing), or the filed model the service calls (registration).
    algorithm = models.ForeignKey(Algorithm, null=True, blank=True, on_delete=models.PROTECT, related_name="filings",
                                  verbose_name=_("备案的算法"))
    model = models.ForeignKey(AIModel, null=True, blank=True, on_delete=models.PROTECT, related_name="filings",
                              verbose_name=_("模型"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("服务提供者"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    # 主体信息
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    security_officer = models.CharField(_("算法安全责任人"), max_length=100, blank=True)
    pledge_provided = models.BooleanField(_("已提供《算法备案承诺书》"), default=False)
    responsibility_report_provided = models.BooleanField(_("已提供《落实算法安全主体责任基本情况》"), default=False)
    # 算法信息
    self_assessment = models.TextField(_("算法自评估报告摘要"), blank=True)
    public_notice = models.TextField(_("拟公示内容"), blank=True)
    # 产品及功能信息
    service_form = models.CharField(_("服务形式"), max_length=16, choices=ServiceForm.choices, blank=True)
    access_path = models.CharField(_("访问路径"), max_length=300, blank=True)
    launched_on = models.DateField(_("上线提供服务日期"))
    # 生成式人工智能服务（上线备案表、登记）
    service_name = models.CharField(_("服务名称"), max_length=200, blank=True)
    main_functions = models.JSONField(_("主要功能"), default=list, blank=True)  # GenAIFunction codes
    application_domain = models.CharField(_("服务领域（通用或行业）"), max_length=120, blank=True)
    corpus_summary = models.TextField(_("训练与标注语料的来源和规模"), blank=True)
    annotation_rules_provided = models.BooleanField(_("已提供标注规则"), default=False)
    keyword_library_provided = models.BooleanField(_("已提供关键词库"), default=False)
    test_banks_provided = models.BooleanField(_("已提供测试题库"), default=False)
    security_assessment = models.CharField(_("安全评估方式"), max_length=12, choices=SecurityAssessment.choices,
                                           blank=True)
    security_assessment_summary = models.TextField(_("安全评估报告摘要"), blank=True)
    inference_resources = models.CharField(_("推理算力与并发"), max_length=300, blank=True)
    hosting = models.CharField(_("部署方式"), max_length=8, choices=Hosting.choices, blank=True)
    called_model_filing_number = models.CharField(_("所调用模型的备案编号"), max_length=80, blank=True)
    # the workflow
    status = models.CharField(_("状态"), max_length=16, choices=AlgorithmFilingStatus.choices,
                              default=AlgorithmFilingStatus.DRAFT, db_index=True)
    filing_number = models.CharField(_("备案编号"), max_length=80, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # who recorded the submission: told when the number is recorded
    submitted_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    change_on = models.DateField(_("变更日期"), null=True, blank=True)
    ended_on = models.DateField(_("终止服务日期"), null=True, blank=True)
    # the open clock: its date, which step it is, and the parameter and citation it was computed from
    due_on = models.DateField(_("办理时限"), null=True, blank=True, db_index=True)
    clock = models.CharField(_("时限事项"), max_length=16, choices=ClockKind.choices, blank=True)
    clock_basis = models.JSONField(default=dict, blank=True)  # {parameter, value, citation, citation_label}

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("算法备案")
        constraints = [models.CheckConstraint(  # the kind says what is filed: an algorithm, or a model's service
            condition=(models.Q(kind="algorithm", algorithm__isnull=False)
                       | models.Q(kind__in=["genai_filing", "genai_registration"], model__isnull=False)),
            name="algorithms_filing_names_what_it_files")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.get_status_display()}"

    @property
    def subject(self) -> str:
        """What the dossier files: the algorithm, or the generative-AI service (its model when it has no name)."""
        if self.kind == FilingKind.ALGORITHM:
            return self.algorithm.name if self.algorithm is not None else ""
        return self.service_name or (self.model.name if self.model is not None else "")


class Verdict(models.TextChoices):
    CONFORMS = "conforms", _("符合")
    DOES_NOT_CONFORM = "does_not_conform", _("不符合")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class ClauseFinding(DomainModel):
    """A launch filing's finding on one clause of GB/T 45654-2025 chapters 5–8 (the pack's `genai_safety_clauses`):
    符合 / 不符合 / 不适用 with the evidence. Kept by the dossier's members while it is a draft."""

    filing = models.ForeignKey(AlgorithmFiling, on_delete=models.CASCADE, related_name="findings",
                               verbose_name=_("备案材料"))
    clause = models.CharField(_("条款"), max_length=20)
    verdict = models.CharField(_("结论"), max_length=20, choices=Verdict.choices)
    evidence = models.TextField(_("依据与证明材料"), max_length=5000, blank=True)

    scope = Scope(jurisdiction="filing__jurisdiction", organisation="filing__organisation")

    class Meta:
        ordering = ["filing", "clause"]
        verbose_name = verbose_name_plural = _("条款符合性结论")
        constraints = [models.UniqueConstraint(fields=["filing", "clause"], name="algorithms_one_finding_a_clause")]

    def __str__(self) -> str:
        return f"{self.clause} · {self.get_verdict_display()}"


# --- AIGC labels at a distribution platform (人工智能生成合成内容标识办法 Arts. 6 and 9) ---------------------------

class UploadAction(models.TextChoices):
    """What a distribution platform does with an upload (the engine's `labels.platform.Action`)."""

    NOTICE = "notice", _("已含标识：显示提示")
    POSSIBLY = "possibly", _("用户声明为生成合成内容：标注“可能”")
    SUSPECTED = "suspected", _("平台检测到生成合成痕迹：标注“疑似”并复核")
    REVIEW = "review", _("无标识、无声明：待人工复核")


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", _("待复核")
    GENERATED = "generated", _("确认为生成合成内容")
    NOT_GENERATED = "not_generated", _("确认为非生成合成内容")


class UploadCheck(DomainModel):
    """One upload checked for a distribution platform (an organisation of the platform): what the file carried,
    what the uploader declared, the action taken and the label written with the platform's propagation fields
    (ContentPropagator, PropagateID), and, where a person must look, the review. The file itself is not kept:
    its SHA-256 identifies it."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("传播平台"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    checked_by = actor_field(_("提交核验的人"))
    file_name = models.CharField(_("文件名"), max_length=100)
    file_format = models.CharField(_("文件格式"), max_length=12)
    file_sha256 = models.CharField(_("文件 SHA-256"), max_length=64, db_index=True)
    propagate_id = models.CharField(_("平台内容编号（PropagateID）"), max_length=100)
    declared_generated = models.BooleanField(_("上传者声明为生成合成内容"), default=False)
    detected = models.BooleanField(_("平台检测到生成合成痕迹"), default=False)
    found_status = models.CharField(_("原有隐式标识"), max_length=16)  # the engine's verify status
    action = models.CharField(_("处置"), max_length=12, choices=UploadAction.choices, db_index=True)
    label = models.JSONField(_("写入的隐式标识"), default=dict, blank=True)
    reasons = models.JSONField(default=list, blank=True)  # the engine's reasons, codes and values
    review = models.CharField(_("复核"), max_length=16, choices=ReviewOutcome.choices, blank=True, db_index=True)
    reviewed_by = actor_field(_("复核人"))
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    review_note = models.TextField(_("复核意见"), max_length=2000, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("上传内容标识核验")

    def __str__(self) -> str:
        return f"{self.file_name} · {self.get_action_display()}"


class UnlabelledExport(AppendOnly, DomainModel):
    """A provider handed out generated content without its explicit label at a user's request (Measures Art. 9):
    only once the user agreement sets the user's labelling duty, and logged with who received it, kept at least the
    pack's retention period (`retain_until`, with the parameter it was computed from). Written once."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("服务提供者"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    recorded_by = actor_field(_("记录人"))
    recipient = models.CharField(_("提供对象"), max_length=200)
    recipient_account = models.CharField(_("提供对象账号"), max_length=200)
    content_ref = models.CharField(_("内容编号或说明"), max_length=300)
    content_sha256 = models.CharField(_("内容 SHA-256"), max_length=64, blank=True)
    agreement_sets_duty = models.BooleanField(_("用户协议已明确用户的标识义务和使用责任"), default=False)
    retain_until = models.DateField(_("日志至少留存至"), db_index=True)
    retention_basis = models.JSONField(default=dict, blank=True)  # {parameter, value, citation, citation_label}

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("无显式标识内容提供日志")

    def __str__(self) -> str:
        return f"{self.recipient} · {self.content_ref}"
