"""Persistence of the compute module: the register of centres and pools, job requests and their placements,
metered usage, and the compute-voucher programme with its append-only double-entry ledger."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import CENT, MONEY_MAX, count_field, decimal_field, money_field
from aiplus.core.models.base import AppendOnly, DomainModel, NewestFirst, actor_field
from aiplus.core.models.jobs import JobProgress
from aiplus.core.permissions import Scope


class AcceleratorModel(models.TextChoices):
    """The controlled list of accelerator models; the domestic ones are listed in DOMESTIC_MODELS."""

    NVIDIA_H100 = "nvidia-h100", "NVIDIA H100"
    NVIDIA_H800 = "nvidia-h800", "NVIDIA H800"
    NVIDIA_H20 = "nvidia-h20", "NVIDIA H20"
    NVIDIA_A100 = "nvidia-a100", "NVIDIA A100"
    NVIDIA_A800 = "nvidia-a800", "NVIDIA A800"
    NVIDIA_L40S = "nvidia-l40s", "NVIDIA L40S"
    NVIDIA_4090 = "nvidia-4090", "NVIDIA RTX 4090"
    ASCEND_910B = "ascend-910b", _("华为昇腾 910B")
    ASCEND_910C = "ascend-910c", _("华为昇腾 910C")
    HYGON_K100 = "hygon-k100", _("海光 DCU K100")
    CAMBRICON_MLU370 = "cambricon-mlu370", _("寒武纪 MLU370")
    KUNLUNXIN_P800 = "kunlunxin-p800", _("昆仑芯 P800")


# The domain of the register's and the requests' numbers. Their products must fit the placement's columns: a job's
# cost (cards x hours x price) at most 100 000 x 87 600 x 1 000 = 8.76e12 yuan, below MONEY_MAX (~1e13); its carbon
# (cards x hours x kW x PUE x kg/kWh) at most 100 000 x 87 600 x 10 x 3 x 2 = 5.3e11 kg, below 1e12.
CARDS_MAX = 100_000  # accelerator cards in one pool or one job: about the largest single clusters announced (2025)
MEMORY_GB_MAX = 4096  # memory of one card: ten times the largest card sold (288 GB)
HOURS_MAX = Decimal("87600")  # a job's wall-clock time: ten years
PRICE_MAX = Decimal("1000.00")  # yuan per card-hour: some fifty times the market price of the largest cards
POWER_KW_MAX = Decimal("10")  # one card's power: some eight times the largest card's (1.2 kW)
WEIGHT_MAX = Decimal("100")  # a preference weight (the broker normalises the three)


DOMESTIC_MODELS = frozenset({
    AcceleratorModel.ASCEND_910B, AcceleratorModel.ASCEND_910C, AcceleratorModel.HYGON_K100,
    AcceleratorModel.CAMBRICON_MLU370, AcceleratorModel.KUNLUNXIN_P800,
})


class ComputeCentre(DomainModel):
    name = models.CharField(_("名称"), max_length=200)
    operator = models.ForeignKey("core.Organisation", verbose_name=_("运营单位"), on_delete=models.PROTECT,
                                 related_name="compute_centres")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("所在辖区"), on_delete=models.PROTECT,
                                     related_name="compute_centres")
    # Region codes the broker matches residency against, derived from the jurisdiction when the centre is saved.
    city_code = models.CharField(_("城市"), max_length=40, editable=False)
    province_code = models.CharField(_("省份"), max_length=40, editable=False)
    country_code = models.CharField(_("国家"), max_length=40, editable=False)
    location = models.CharField(_("地址"), max_length=300, blank=True)
    # PUE is at least 1 by definition; 3 is beyond the worst data centre measured.
    pue = decimal_field(_("PUE"), max_digits=4, decimal_places=2, minimum=Decimal("1"), maximum=Decimal("3"))
    green_power_share = decimal_field(_("绿电占比"), max_digits=4, decimal_places=3, minimum=Decimal("0"),
                                      maximum=Decimal("1"))
    # Published factors carry four decimals (national grid 2022: 0.5703); 2 kg/kWh is above the dirtiest grid.
    grid_carbon_kg_per_kwh = decimal_field(_("电网碳排放因子（kg/kWh）"), max_digits=5, decimal_places=4,
                                           minimum=Decimal("0"), maximum=Decimal("2"))
    certifications = models.JSONField(_("认证"), default=list, blank=True)
    latitude = decimal_field(_("纬度"), max_digits=8, decimal_places=5, minimum=Decimal("-90"),
                             maximum=Decimal("90"), null=True, blank=True)
    longitude = decimal_field(_("经度"), max_digits=8, decimal_places=5, minimum=Decimal("-180"),
                              maximum=Decimal("180"), null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="operator", public=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("算力中心")


class ResourcePool(DomainModel):
    centre = models.ForeignKey(ComputeCentre, verbose_name=_("算力中心"), on_delete=models.PROTECT,
                               related_name="pools")
    accelerator_model = models.CharField(_("加速卡型号"), max_length=32, choices=AcceleratorModel.choices)
    domestic = models.BooleanField(_("国产"), default=False)
    cards = count_field(_("卡数"), minimum=1, maximum=CARDS_MAX)
    memory_gb = count_field(_("单卡显存（GB）"), minimum=1, maximum=MEMORY_GB_MAX)
    interconnect = models.CharField(_("互联"), max_length=80, blank=True)
    price_cny_per_card_hour = money_field(_("单价（元/卡时）"), minimum=CENT, maximum=PRICE_MAX)
    available_cards = count_field(_("可用卡数"), maximum=CARDS_MAX)  # never above `cards` (the services check)
    power_kw_per_card = decimal_field(_("单卡功耗（kW）"), max_digits=5, decimal_places=3, minimum=Decimal("0.001"),
                                      maximum=POWER_KW_MAX, default=Decimal("0.400"))
    availability_updated_at = models.DateTimeField(_("可用量更新时间"), null=True, blank=True)

    scope = Scope(jurisdiction="centre__jurisdiction", organisation="centre__operator", public=True)

    class Meta:
        ordering = ["centre_id", "accelerator_model"]
        verbose_name = _("资源池")

    def __str__(self) -> str:
        return f"{self.centre_id}:{self.accelerator_model}"

    @property
    def used_cards(self) -> int:
        return self.cards - self.available_cards


class AvailabilityReport(DomainModel):
    """Every availability push, kept for the utilisation history."""

    pool = models.ForeignKey(ResourcePool, on_delete=models.CASCADE, related_name="reports")
    available_cards = count_field(_("可用卡数"), maximum=CARDS_MAX)

    scope = Scope(jurisdiction="pool__centre__jurisdiction", organisation="pool__centre__operator", public=True)

    def __str__(self) -> str:
        return str(_("%(pool)s：可用 %(n)s 卡") % {"pool": self.pool, "n": self.available_cards})


class NetworkLatency(DomainModel):
    centre = models.ForeignKey(ComputeCentre, on_delete=models.CASCADE, related_name="latencies")
    region = models.ForeignKey("core.Jurisdiction", verbose_name=_("地区"), on_delete=models.PROTECT,
                               related_name="+")
    latency_ms = decimal_field(_("时延（毫秒）"), max_digits=7, decimal_places=2, minimum=Decimal("0"))

    scope = Scope(jurisdiction="centre__jurisdiction", organisation="centre__operator", public=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "region"], name="compute_latency_unique")]

    def __str__(self) -> str:
        return str(_("%(c)s 至 %(r)s 的网络时延") % {"c": self.centre, "r": self.region})


class Affiliation(DomainModel):
    """A declared affiliation between two organisations (related parties for the voucher post-audit)."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+")
    affiliate = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope = Scope(jurisdiction="organisation__jurisdiction", organisation="organisation")

    def __str__(self) -> str:
        return str(_("%(a)s 与 %(b)s 的关联关系") % {"a": self.organisation, "b": self.affiliate})


class VoucherProgramme(DomainModel):
    name = models.CharField(_("名称"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT,
                                     related_name="voucher_programmes")
    parameter_prefix = models.CharField(_("参数前缀"), max_length=120)
    budget_cny = money_field(_("预算（元）"), minimum=CENT)
    eligible_providers = models.ManyToManyField("core.Organisation", verbose_name=_("可兑付服务商"),
                                                related_name="voucher_programmes_eligible", blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"))
    is_published = models.BooleanField(_("已公布"), default=True)

    scope = Scope(jurisdiction="jurisdiction", public="is_published")

    class Meta:
        ordering = ["-valid_from", "name"]
        verbose_name = _("算力券项目")

    @property
    def programme_code(self) -> str:
        return self.parameter_prefix.removeprefix("vouchers.")


class VoucherQuota(DomainModel):
    programme = models.ForeignKey(VoucherProgramme, on_delete=models.PROTECT, related_name="quotas")
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("持券单位"), on_delete=models.PROTECT,
                                     related_name="voucher_quotas")
    amount_cny = money_field(_("额度（元）"), minimum=CENT)
    is_startup = models.BooleanField(_("初创企业"), default=False)

    scope = Scope(jurisdiction="programme__jurisdiction", organisation="organisation")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "organisation"], name="compute_quota_unique")]
        verbose_name = _("算力券额度")

    def __str__(self) -> str:
        return f"{self.programme} · {self.organisation_id}"


class JobRequest(DomainModel):
    class Status(models.TextChoices):
        PLACING = "placing", _("调度中")
        PLACED = "placed", _("已分配")
        UNPLACED = "unplaced", _("未能分配")
        FAILED = "failed", _("失败")

    class ResidencyLevel(models.TextChoices):
        NONE = "", _("不限")
        CITY = "city", _("本市")
        PROVINCE = "province", _("本省")
        COUNTRY = "country", _("境内")

    title = models.CharField(_("名称"), max_length=200)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="compute_requests")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_models = models.JSONField(_("可接受型号"), default=list)
    cards = count_field(_("卡数"), minimum=1, maximum=CARDS_MAX)
    hours = decimal_field(_("时长（小时）"), max_digits=10, decimal_places=2, minimum=CENT, maximum=HOURS_MAX)
    deadline_hours = decimal_field(_("截止（小时内）"), max_digits=10, decimal_places=2, minimum=CENT,
                                   maximum=HOURS_MAX, null=True, blank=True)
    budget_cny = money_field(_("预算（元）"), minimum=CENT, null=True, blank=True)
    residency_level = models.CharField(_("数据驻留"), max_length=12, choices=ResidencyLevel.choices, blank=True)
    residency_region = models.ForeignKey("core.Jurisdiction", verbose_name=_("驻留地区"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    cross_border_allowed = models.BooleanField(_("允许出境"), default=False)
    cross_border_reference = models.CharField(_("出境路径备案号"), max_length=120, blank=True)
    pref_cost = decimal_field(_("成本权重"), max_digits=5, decimal_places=2, minimum=Decimal("0"),
                              maximum=WEIGHT_MAX, default=Decimal("1"))
    pref_carbon = decimal_field(_("碳排放权重"), max_digits=5, decimal_places=2, minimum=Decimal("0"),
                                maximum=WEIGHT_MAX, default=Decimal("0"))
    pref_latency = decimal_field(_("时延权重"), max_digits=5, decimal_places=2, minimum=Decimal("0"),
                                 maximum=WEIGHT_MAX, default=Decimal("0"))
    quota = models.ForeignKey(VoucherQuota, verbose_name=_("算力券"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="requests")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLACING)
    job = models.ForeignKey("core.JobProgress", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unplaced_code = models.CharField(_("未分配原因代码"), max_length=40, blank=True)
    unplaced_message = models.CharField(_("未分配原因"), max_length=300, blank=True)
    # The broker's reason as facts ({"code", "params"}, see broker.Explanation), rendered in the reader's language
    # by compute.explain; empty on rows stored before it existed (unplaced_message is shown then).
    unplaced_facts = models.JSONField(_("未分配原因（结构化）"), default=dict, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation", owner="submitted_by")

    class Meta(NewestFirst):
        verbose_name = _("算力需求")

    # The number the member, the provider whose centre it was placed on and the official all see and quote (the
    # request pages, the provider's bookings, the usage CSV): "CR-000042".
    REFERENCE: ClassVar[re.Pattern[str]] = re.compile(r"\s*CR-?0*(\d{1,12})\s*", re.IGNORECASE)

    @property
    def reference(self) -> str:
        return f"CR-{self.pk:06d}"

    @classmethod
    def number_of(cls, reference: str) -> int | None:
        """The request a quoted reference names ("CR-000042", "cr42"), None when the text is not a reference."""
        found = cls.REFERENCE.fullmatch(str(reference or ""))
        return int(found.group(1)) if found else None


class Placement(DomainModel):
    request = models.OneToOneField(JobRequest, on_delete=models.CASCADE, related_name="placement")
    pool = models.ForeignKey(ResourcePool, on_delete=models.PROTECT, related_name="placements")
    cost_cny = money_field(_("费用（元）"))
    subsidy_cny = money_field(_("预计算力券抵扣（元）"))
    paid_cny = money_field(_("自付（元）"))
    carbon_kg = decimal_field(_("碳排放（kg）"), max_digits=14, decimal_places=2, minimum=Decimal("0"))
    latency_ms = decimal_field(_("时延（毫秒）"), max_digits=9, decimal_places=2, minimum=Decimal("0"))
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    # The same reason as facts ({"code", "params"}, see broker.Explanation), rendered in the reader's language by
    # compute.explain; empty on rows stored before it existed (the English `reason` is shown then).
    reason_facts = models.JSONField(_("说明（结构化）"), default=dict, blank=True)
    # The voucher rule's decision behind subsidy_cny (reasons and citations), empty without a voucher.
    subsidy_decision = models.JSONField(_("算力券判定"), default=dict, blank=True)

    scope = Scope(jurisdiction="request__jurisdiction", organisation="request__organisation",
                  owner="request__submitted_by")

    def __str__(self) -> str:
        return str(_("%(r)s 的分配结果") % {"r": self.request})


class SavingsStudy(DomainModel):
    """A trace-driven simulation of a region's registered centres: what brokering saves against local-only."""

    # A study is a background job and reports its state in the jobs' vocabulary (it starts running, not queued).
    Status = JobProgress.Status

    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("地区"), on_delete=models.PROTECT,
                                     related_name="+")
    started_by = actor_field()
    # where the jobs come from: "generated", "uploaded" (the job log is `workload`) or "philly" (the public trace)
    trace = models.CharField(_("作业来源"), max_length=120)
    parameters = models.JSONField(_("参数"), default=dict)
    workload = models.JSONField(default=list, blank=True)  # an uploaded log: [submit_s, gpus, duration_s, tenant]
    job = models.ForeignKey("core.JobProgress", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)

    scope = Scope(jurisdiction="jurisdiction", owner="started_by")
    audit_exclude: ClassVar[tuple[str, ...]] = (*DomainModel.audit_exclude, "workload")  # thousands of rows

    class Meta(NewestFirst):
        verbose_name = _("调度收益模拟")

    def __str__(self) -> str:
        return str(_("%(place)s调度收益模拟") % {"place": self.jurisdiction})


class UsageRecord(DomainModel):
    class Reconciliation(models.TextChoices):
        MATCHED = "matched", _("与分配一致")
        MISMATCH = "mismatch", _("与分配不一致")
        UNPLACED = "unplaced", _("无对应分配")

    provider = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    record_id = models.CharField(_("记录编号"), max_length=120)
    pool = models.ForeignKey(ResourcePool, on_delete=models.PROTECT, related_name="usage")
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("使用单位"), on_delete=models.PROTECT,
                                     related_name="compute_usage")
    placement = models.ForeignKey(Placement, null=True, blank=True, on_delete=models.SET_NULL, related_name="usage")
    card_hours = decimal_field(_("卡时"), max_digits=12, decimal_places=2, minimum=CENT)
    amount_cny = money_field(_("金额（元）"))
    invoice_number = models.CharField(_("发票号码"), max_length=60, blank=True)
    period_end = models.DateField(_("计量截止日"))
    reconciliation = models.CharField(_("对账"), max_length=12, choices=Reconciliation.choices)
    reconciliation_note = models.CharField(_("对账说明"), max_length=300, blank=True)

    scope = Scope(jurisdiction="organisation__jurisdiction", organisation="provider")

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [models.UniqueConstraint(fields=["provider", "record_id"], name="compute_usage_unique")]

    def __str__(self) -> str:
        return str(_("用量记录 %(id)s") % {"id": self.record_id})


class Redemption(DomainModel):
    class Status(models.TextChoices):
        REDEEMED = "redeemed", _("已兑付")
        CLAWED_BACK = "clawed_back", _("已追回")

    quota = models.ForeignKey(VoucherQuota, on_delete=models.PROTECT, related_name="redemptions")
    usage = models.OneToOneField(UsageRecord, on_delete=models.PROTECT, related_name="redemption")
    spend_cny = money_field(_("计量费用（元）"))
    amount_cny = money_field(_("抵扣金额（元）"))
    decision = models.JSONField(_("规则判定"), default=dict)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REDEEMED)

    scope = Scope(jurisdiction="quota__programme__jurisdiction", organisation="quota__organisation")

    class Meta(NewestFirst):
        pass

    def __str__(self) -> str:
        return str(_("用量记录 %(id)s 的算力券兑付") % {"id": self.usage.record_id})


class AuditFlag(DomainModel):
    class Code(models.TextChoices):
        RELATED_PARTY = "related_party", _("关联方服务商")
        DUPLICATE_INVOICE = "duplicate_invoice", _("发票号码重复")

    redemption = models.ForeignKey(Redemption, on_delete=models.CASCADE, related_name="flags")
    code = models.CharField(_("问题"), max_length=24, choices=Code.choices)
    message = models.CharField(_("说明"), max_length=300)

    scope = Scope(jurisdiction="redemption__quota__programme__jurisdiction")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["redemption", "code"], name="compute_flag_unique")]

    def __str__(self) -> str:
        return str(_("%(r)s：%(code)s") % {"r": self.redemption, "code": self.get_code_display()})


class LedgerTransaction(AppendOnly, DomainModel):
    class Kind(models.TextChoices):
        FUND = "fund", _("预算注入")
        ISSUE = "issue", _("额度发放")
        REDEEM = "redeem", _("兑付")
        CLAWBACK = "clawback", _("追回")

    # The voucher programme a compute-voucher transaction belongs to; empty for the support programmes
    # (aiplus.support), which post to the same ledger under their own accounts ("…:support:…").
    programme = models.ForeignKey(VoucherProgramme, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="transactions")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    redemption = models.ForeignKey(Redemption, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="transactions")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    memo = models.CharField(_("摘要"), max_length=300, blank=True)

    scope = Scope(jurisdiction="programme__jurisdiction")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.memo}".strip()


class LedgerEntry(AppendOnly):
    """One leg of a transaction. `amount_cny` > 0 debits the account, < 0 credits it; each transaction sums to 0."""

    class AccountKind(models.TextChoices):
        FUNDING = "funding", _("财政拨款")
        BUDGET = "budget", _("项目预算")
        QUOTA = "quota", _("单位额度")
        PAYABLE = "payable", _("应付服务商")

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account_kind = models.CharField(max_length=12, choices=AccountKind.choices)
    account = models.CharField(max_length=80)
    programme = models.ForeignKey(VoucherProgramme, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    quota = models.ForeignKey(VoucherQuota, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("core.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    amount_cny = money_field(_("金额（元）"), minimum=-MONEY_MAX)  # signed: a debit or a credit

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["account"])]

    def __str__(self) -> str:
        return f"{self.account} {self.amount_cny:+}"
