"""Persistence of the datahub module: catalogue, conditional access, classification, cross-border records."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import PEOPLE_MAX, count_field
from aiplus.core.models.base import DomainModel, SearchIndexed
from aiplus.core.permissions import Scope
from aiplus.core.vocabularies import Modality

RECORDS_MAX = 10**15  # records in one dataset: a quadrillion, beyond any catalogue entry
BYTES_MAX = 10**18  # the size of one dataset or file: an exabyte
DURATION_DAYS_MAX = 3650  # an access agreement runs at most ten years
INTERNAL_LEVEL_MAX = 5  # the organisation's own grading scale below the national grades: 1 to 5


class OpenAttribute(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("无条件开放")
    CONDITIONAL = "conditional", _("有条件开放")
    CLOSED = "closed", _("不予开放")


class UpdateFrequency(models.TextChoices):
    # Suzhou portal codes 1–9 (platform.md §2.3), mapped to the EU frequency vocabulary in dcat.py.
    REALTIME = "1", _("实时")
    DAILY = "2", _("每日")
    WEEKLY = "3", _("每周")
    MONTHLY = "4", _("每月")
    QUARTERLY = "5", _("每季度")
    SEMIANNUAL = "6", _("每半年")
    ANNUAL = "7", _("每年")
    IRREGULAR = "8", _("不定时")
    OTHER = "9", _("其它")


class Grade(models.TextChoices):
    # packs/national/taxonomies/data_grades.yaml (GB/T 43697-2024)
    CORE = "core", _("核心数据")
    IMPORTANT = "important", _("重要数据")
    GENERAL = "general", _("一般数据")


# The formats a DCAT-AP catalogue is read in ("" : from its name and content), for the import and harvest sources.
CATALOGUE_FORMATS = [("", _("自动识别")), ("jsonld", "JSON-LD"), ("ttl", "Turtle"), ("rdf", "RDF/XML")]


class HarvestSchedule(models.TextChoices):
    MANUAL = "manual", _("手动")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")


class HarvestSource(DomainModel):
    """A remote DCAT-AP catalogue an official registers: the background job fetches it and keeps read-only copies
    of its records, owned by the source (created, updated and withdrawn as the source changes)."""

    name = models.CharField(_("名称"), max_length=200)
    url = models.URLField(_("目录地址"), max_length=500)
    format = models.CharField(_("格式"), max_length=8, blank=True, choices=CATALOGUE_FORMATS)
    schedule = models.CharField(_("采集周期"), max_length=8, choices=HarvestSchedule.choices,
                                default=HarvestSchedule.MANUAL)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    provider = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("数据提供方"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_harvested_at = models.DateTimeField(_("最近采集时间"), null=True, blank=True)
    last_report = models.JSONField(_("最近采集报告"), default=dict, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="provider")

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("采集源")

    def __str__(self) -> str:
        return self.name


class Dataset(SearchIndexed):
    identifier = models.CharField(_("标识符"), max_length=120, unique=True)
    title = models.CharField(_("数据集名称"), max_length=200)
    description = models.TextField(_("摘要"), blank=True)
    keywords = models.JSONField(_("数据标签"), default=list, blank=True)
    provider = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="datasets",
                                 verbose_name=_("数据提供方"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="datasets",
                                     verbose_name=_("辖区"))
    sector = models.CharField(_("所属行业"), max_length=60, blank=True, db_index=True)
    theme = models.CharField(_("主题分类"), max_length=60, blank=True)
    update_frequency = models.CharField(_("更新频率"), max_length=2, choices=UpdateFrequency.choices,
                                        default=UpdateFrequency.IRREGULAR)
    open_attribute = models.CharField(_("开放属性"), max_length=16, choices=OpenAttribute.choices,
                                      default=OpenAttribute.UNCONDITIONAL, db_index=True)
    record_count = count_field(_("数据量（条）"), maximum=RECORDS_MAX, null=True, blank=True)
    spatial_coverage = models.CharField(_("空间范围"), max_length=120, blank=True)
    temporal_start = models.DateField(_("时间范围起"), null=True, blank=True)
    temporal_end = models.DateField(_("时间范围止"), null=True, blank=True)
    licence = models.CharField(_("许可"), max_length=200, blank=True)
    issued = models.DateField(_("首次发布日期"), null=True, blank=True)
    modified = models.DateField(_("更新日期"), null=True, blank=True)
    # What AI developers need (高质量数据集).
    high_quality = models.BooleanField(_("高质量训练数据集"), default=False)
    annotation_method = models.CharField(_("标注方式"), max_length=120, blank=True)
    annotation_quality = models.CharField(_("标注质量"), max_length=120, blank=True)
    modality = models.CharField(_("模态"), max_length=12, choices=Modality.choices, default=Modality.TABULAR,
                                db_index=True)
    language = models.CharField(_("语言"), max_length=20, blank=True)
    size_bytes = count_field(_("大小（字节）"), maximum=BYTES_MAX, null=True, blank=True)
    lineage = models.TextField(_("来源与加工过程"), blank=True)
    grade = models.CharField(_("数据分级"), max_length=10, choices=Grade.choices, default=Grade.GENERAL)
    is_published = models.BooleanField(_("已发布"), default=False, db_index=True)
    # The record as another catalogue wrote it (canonical N-Triples, a subset of Turtle), kept when it says more
    # than the fields above hold (a dataset series, a relation, a class the platform does not model).
    source_graph = models.TextField(_("来源图"), blank=True)
    # Provenance of a harvested copy (read-only: its source owns it): the source, the record's identifier there
    # (its IRI), when it was last written from the source, and when the source stopped listing it.
    harvest_source = models.ForeignKey(HarvestSource, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="datasets", verbose_name=_("采集源"))
    source_identifier = models.CharField(_("来源标识"), max_length=500, blank=True)
    harvested_at = models.DateTimeField(_("采集时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="provider", public="is_published")

    class Meta:
        ordering = ["-id"]
        # The catalogue's order (selectors.catalogue), read from the index instead of sorting the catalogue per page.
        indexes = [models.Index(fields=["title", "id"], name="datahub_dataset_catalogue")]
        verbose_name = _("数据集")

    def clean(self) -> None:
        if self.temporal_start and self.temporal_end and self.temporal_end < self.temporal_start:
            raise ValidationError({"temporal_end": _("时间范围止不能早于时间范围起。")})


class Distribution(DomainModel):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="distributions")
    identifier = models.CharField(_("标识符"), max_length=120)
    title = models.CharField(_("名称"), max_length=200, blank=True)
    format = models.CharField(_("资源格式"), max_length=20, db_index=True)
    media_type = models.CharField(_("媒体类型"), max_length=80, blank=True)
    access_url = models.URLField(_("访问地址"), max_length=300, blank=True)
    download_url = models.URLField(_("下载地址"), max_length=300, blank=True)
    byte_size = count_field(_("大小（字节）"), maximum=BYTES_MAX, null=True, blank=True)
    licence = models.CharField(_("许可"), max_length=200, blank=True)

    scope = Scope(jurisdiction="dataset__jurisdiction", organisation="dataset__provider",
                  public="dataset__is_published")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["dataset", "identifier"], name="datahub_distribution_id")]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.format}"


class DataService(DomainModel):
    identifier = models.CharField(_("标识符"), max_length=120, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("描述"), blank=True)
    endpoint_url = models.URLField(_("接口地址"), max_length=300)
    endpoint_description = models.URLField(_("接口说明"), max_length=300, blank=True)
    provider = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="data_services")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="data_services")
    serves = models.ManyToManyField(Dataset, blank=True, related_name="services")
    is_published = models.BooleanField(_("已发布"), default=False)
    source_graph = models.TextField(_("来源图"), blank=True)  # as Dataset.source_graph

    scope = Scope(jurisdiction="jurisdiction", organisation="provider", public="is_published")

    class Meta:
        ordering = ["id"]


class AccessStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    REVOKED = "revoked", _("已撤销")


class AccessRequest(DomainModel):
    """A request for conditional (有条件开放) data; the provider reviews it."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="access_requests")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requester_organisation = models.ForeignKey("core.Organisation", null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(_("使用目的"))
    usage_scope = models.TextField(_("使用范围"))
    security_measures = models.TextField(_("安全保障措施"))
    duration_days = count_field(_("使用期限（天）"), minimum=1, maximum=DURATION_DAYS_MAX)
    status = models.CharField(_("状态"), max_length=12, choices=AccessStatus.choices,
                              default=AccessStatus.SUBMITTED)

    scope = Scope(jurisdiction="jurisdiction", organisation="provider", owner="requester")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.dataset_id}"


class Agreement(DomainModel):
    access_request = models.OneToOneField(AccessRequest, on_delete=models.PROTECT, related_name="agreement")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    grantee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("生效日期"))
    expires_on = models.DateField(_("到期日期"), db_index=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    expiry_notified_on = models.DateField(null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="provider", owner="grantee")

    def __str__(self) -> str:
        return f"agreement {self.pk}"


class AssetLevel(models.TextChoices):
    FIELD = "field", _("字段")
    TABLE = "table", _("表")
    DATASET = "dataset", _("数据集")


class DataAsset(DomainModel):
    """A graded data asset (GB/T 43697-2024)."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="data_assets")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets")
    name = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("粒度"), max_length=10, choices=AssetLevel.choices, default=AssetLevel.TABLE)
    category = models.CharField(_("数据类别"), max_length=80)
    grade = models.CharField(_("数据分级"), max_length=10, choices=Grade.choices)
    internal_level = count_field(_("内部级别"), minimum=1, maximum=INTERNAL_LEVEL_MAX, null=True, blank=True)
    legal_basis = models.CharField(_("依据"), max_length=200, blank=True)
    pi_people = count_field(_("涉及个人信息人数"), maximum=PEOPLE_MAX, default=0)
    in_important_catalogue = models.BooleanField(_("已列入重要数据目录"), default=False)
    declared_on = models.DateField(_("识别申报日期"), null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta:
        ordering = ["-id"]


class SecurityProfile(DomainModel):
    """A processor's data-security duties: officer, annual risk assessment."""

    organisation = models.OneToOneField("core.Organisation", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    security_officer = models.CharField(_("网络数据安全负责人"), max_length=100, blank=True)
    last_risk_assessment_on = models.DateField(_("最近一次风险评估"), null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    def __str__(self) -> str:
        return str(_("%(org)s 的数据安全档案") % {"org": self.organisation})


class Incident(DomainModel):
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("事件"), max_length=200)
    serious = models.BooleanField(_("严重"), default=True)
    discovered_at = models.DateTimeField(_("发现时间"))
    report_due_at = models.DateTimeField(_("报告时限"))
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    citation = models.JSONField(default=dict)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta:
        ordering = ["-id"]


class Processor(DomainModel):
    """A data processor that sends data abroad (CAC Order No. 16)."""

    organisation = models.OneToOneField("core.Organisation", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    is_ciio = models.BooleanField(_("关键信息基础设施运营者"), default=False)
    in_ftz = models.BooleanField(_("位于自由贸易试验区"), default=False)
    ftz_code = models.CharField(_("自贸区"), max_length=40, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    def __str__(self) -> str:
        return f"processor {self.organisation_id}"


class AnnualCounter(DomainModel):
    processor = models.ForeignKey(Processor, on_delete=models.CASCADE, related_name="counters")
    period_start = models.DateField()
    pi_people = count_field(_("个人信息人数"), maximum=PEOPLE_MAX, default=0)
    sensitive_pi_people = count_field(_("敏感个人信息人数"), maximum=PEOPLE_MAX, default=0)

    scope = Scope(jurisdiction="processor__jurisdiction", organisation="processor__organisation")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["processor", "period_start"], name="datahub_counter_period")]

    def __str__(self) -> str:
        return str(_("%(p)s 自 %(day)s 起的年度计数") % {"p": self.processor, "day": self.period_start})


class TransferRecord(DomainModel):
    processor = models.ForeignKey(Processor, on_delete=models.PROTECT, related_name="transfers")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("接收方"), max_length=200)
    country_or_region = models.CharField(_("国家或地区"), max_length=2)
    purpose = models.CharField(_("目的"), max_length=300, blank=True)
    data_categories = models.JSONField(default=list)
    pi_people = count_field(_("个人信息人数"), maximum=PEOPLE_MAX, default=0)
    sensitive_pi_people = count_field(_("敏感个人信息人数"), maximum=PEOPLE_MAX, default=0)
    transfer_on = models.DateField(_("出境日期"))
    case = models.JSONField(default=dict)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(_("向 %(r)s 提供数据") % {"r": self.recipient})


class PathDecision(DomainModel):
    transfer = models.OneToOneField(TransferRecord, on_delete=models.CASCADE, related_name="decision")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=40, db_index=True)
    decision = models.JSONField(default=dict)
    next_due_on = models.DateField(null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    def __str__(self) -> str:
        return str(_("%(t)s：路径判定") % {"t": self.transfer})


class FilingStatus(models.TextChoices):
    AWAITING = "awaiting", _("待备案")
    FILED = "filed", _("已备案")
    WITHDRAWN = "withdrawn", _("已撤回")


class GbaFiling(DomainModel):
    """A GBA personal-information standard contract and its filing (Guangdong art. 23)."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    case = models.JSONField(default=dict)
    processor_name = models.CharField(_("个人信息处理者"), max_length=200)
    recipient_name = models.CharField(_("接收方"), max_length=200)
    contract_effective_on = models.DateField(_("合同生效日期"))
    documents_provided = models.JSONField(default=list)
    decision = models.JSONField(default=dict)
    filing_due_on = models.DateField(_("备案期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=FilingStatus.choices, default=FilingStatus.AWAITING)
    receipt_number = models.CharField(_("回执编号"), max_length=40, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"GBA filing {self.pk}"
