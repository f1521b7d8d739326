"""Persistence of the scenarios module: needs and scenario lists, capability profiles and the provider pool,
open calls (揭榜挂帅) with applications, scores and objections, pilots with KPI measurements, and the case library."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core import formatting
from aiplus.core.domains import count_field, decimal_field, money_field
from aiplus.core.models.base import DomainModel, NamedByTitle, NewestFirst, SearchIndexed, actor_field
from aiplus.core.permissions import Scope

YEAR_MIN, YEAR_MAX = 2000, 2100  # a list's year: the platform's era
BATCH_MAX = 999  # numbered batches of one jurisdiction in one year
CALL_LIMIT_MAX = 100  # a call's per-applicant and per-need limits (the packs set 3 to 5)
REVIEWERS_MAX = 100  # experts on one call's panel (the packs ask for at least 5)
SCORE_MAX = Decimal("100")  # scores run from 0 to 100
SCORE_MIN = Decimal("0")
RUBRIC_WEIGHT_MAX = Decimal("100")  # a criterion's weight in a call's rubric (relative: the total divides by the sum)


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已关闭")
    WITHDRAWN = "withdrawn", _("已撤回")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("公开")
    REGISTERED = "registered", _("仅注册用户")


class ScenarioList(DomainModel):
    """A numbered batch of published needs (场景清单), e.g. 苏州市2026年第1批."""

    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("发布辖区"))
    co_publishers = models.ManyToManyField("core.Jurisdiction", blank=True, related_name="+",
                                           verbose_name=_("联合发布辖区"))
    year = count_field(_("年度"), minimum=YEAR_MIN, maximum=YEAR_MAX)
    number = count_field(_("批次"), minimum=1, maximum=BATCH_MAX)
    title = models.CharField(_("名称"), max_length=120)
    published_on = models.DateField(_("发布日期"))
    department = models.CharField(_("发布部门"), max_length=120, blank=True)
    is_published = models.BooleanField(default=True)

    scope = Scope(jurisdiction="jurisdiction", public="is_published")

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year", "number"], name="uniq_list_batch")]
        verbose_name = _("场景清单")


class Need(SearchIndexed):
    """A scenario need (场景需求) of a demand-side owner."""

    title = models.CharField(_("场景名称"), max_length=200)
    owner = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="scenario_needs",
                              verbose_name=_("场景提出单位"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("所在地区"))
    domain = models.CharField(_("场景领域"), max_length=60)
    problem = models.TextField(_("问题描述"))
    data_offered = models.TextField(_("可开放数据"), blank=True)
    # What computing support the scenario needs (e.g. GPU hours for training); a need that asks for it is also routed
    # to the department holding the compute duty.
    compute_needed = models.CharField(_("所需算力支持"), max_length=2000, blank=True)
    required_qualifications = models.JSONField(_("供给方须具备的资质"), default=list, blank=True)
    budget_min_cny = money_field(_("预算下限（元）"))
    budget_max_cny = money_field(_("预算上限（元）"))
    first_purchase = models.BooleanField(_("首购承诺"), default=False)
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    visibility = models.CharField(_("可见范围"), max_length=12, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    status = models.CharField(_("状态"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.DRAFT)
    responsible_department = models.CharField(_("审核部门"), max_length=120, blank=True)
    scenario_list = models.ForeignKey(ScenarioList, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="needs", verbose_name=_("场景清单"))
    replicated_from = models.ForeignKey("scenarios.Case", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="replications", verbose_name=_("复制自案例"))
    co_publishers = models.ManyToManyField("core.Jurisdiction", blank=True, related_name="+",
                                           verbose_name=_("联合发布辖区"))
    created_by = actor_field()
    is_published = models.BooleanField(default=False, editable=False)

    scope = Scope(jurisdiction="jurisdiction", organisation="owner", public="is_published")

    class Meta(NewestFirst):
        # The list's order, read from the index instead of sorting every visible need for each page.
        indexes = [models.Index(fields=["-created_at", "-id"], name="scenarios_need_newest")]
        verbose_name = verbose_name_plural = _("场景需求")

    def save(self, *args: object, **kwargs: object) -> None:
        self.is_published = self.status in (NeedStatus.PUBLISHED, NeedStatus.CLOSED) \
            and self.visibility == Visibility.PUBLIC
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Kpi(models.Model):
    """A measurable acceptance indicator of a need (验收指标)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("指标"), max_length=120)
    target_value = decimal_field(_("目标值"), max_digits=16, decimal_places=4)  # any sign: its digits bound it
    unit = models.CharField(_("单位"), max_length=30)
    higher_is_better = models.BooleanField(_("越大越好"), default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        target = formatting.figure(self.target_value, 6)  # "10", never "1E+1"
        return f"{self.name} {'≥' if self.higher_is_better else '≤'} {target} {self.unit}"

    def met_by(self, value: object) -> bool:
        v = Decimal(str(value))
        return v >= self.target_value if self.higher_is_better else v <= self.target_value


class CapabilityProfile(SearchIndexed):
    """A supplier's capability-list entry (能力清单)."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="capabilities",
                                      verbose_name=_("供给方"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    products = models.CharField(_("产品与服务"), max_length=200)
    description = models.TextField(_("能力描述"))
    domains = models.JSONField(_("场景领域"), default=list)
    technologies = models.JSONField(_("技术"), default=list, blank=True)
    models_used = models.JSONField(_("所用模型"), default=list, blank=True)
    reference_cases = models.TextField(_("应用案例"), blank=True)
    qualifications = models.JSONField(_("资质"), default=list, blank=True)
    regions_served = models.JSONField(_("服务地区"), default=list, blank=True)
    price_min_cny = money_field(_("报价下限（元）"), null=True, blank=True)
    price_max_cny = money_field(_("报价上限（元）"), null=True, blank=True)
    is_published = models.BooleanField(_("公开"), default=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation", public="is_published")

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("能力清单")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.products}"


class PoolStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ADMITTED = "admitted", _("已入库")
    REJECTED = "rejected", _("未通过")


class PoolMembership(DomainModel):
    """Admission to the application service-provider pool (应用服务商资源池)."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=PoolStatus.choices, default=PoolStatus.PENDING)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    decided_by = actor_field(blank=True)
    is_admitted = models.BooleanField(default=False, editable=False)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation", public="is_admitted")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "jurisdiction"], name="uniq_pool_member")]

    def save(self, *args: object, **kwargs: object) -> None:
        self.is_admitted = self.status == PoolStatus.ADMITTED
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.jurisdiction}"


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("申报中")
    REVIEWING = "reviewing", _("评审中")
    NOTICE = "notice", _("公示中")
    AWARDED = "awarded", _("已揭榜")


class OpenCall(DomainModel):
    """An open call (揭榜挂帅) grouping published needs, with its rules taken from pack parameters."""

    title = models.CharField(_("名称"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    needs = models.ManyToManyField(Need, related_name="calls", verbose_name=_("榜单"))
    status = models.CharField(_("状态"), max_length=12, choices=CallStatus.choices, default=CallStatus.DRAFT)
    closes_on = models.DateField(_("申报截止"))
    require_independent_legal_person = models.BooleanField(_("须为独立法人"), default=True)
    max_applications_per_applicant = count_field(_("每个主体最多申报数"), minimum=1, maximum=CALL_LIMIT_MAX)
    max_selected_per_need = count_field(_("每榜最多入围数"), minimum=1, maximum=CALL_LIMIT_MAX)
    max_successful_per_need = count_field(_("每榜最多揭榜成功数"), minimum=1, maximum=CALL_LIMIT_MAX)
    trim_extremes = models.BooleanField(_("去掉最高最低分"), default=True)
    trim_min_reviewers = count_field(_("去极值最少评审人数"), maximum=REVIEWERS_MAX)
    reviewers = count_field(_("评审专家人数"), minimum=1, maximum=REVIEWERS_MAX)
    rubric = models.JSONField(_("评分细则"), default=list)
    rules = models.JSONField(_("规则来源"), default=dict)
    draw_id = models.IntegerField(_("专家抽取"), null=True, blank=True)
    notice_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示结束"), null=True, blank=True)
    created_by = actor_field()
    is_published = models.BooleanField(default=False, editable=False)

    scope = Scope(jurisdiction="jurisdiction", public="is_published")

    class Meta(NewestFirst):
        verbose_name = _("揭榜挂帅")

    def save(self, *args: object, **kwargs: object) -> None:
        self.is_published = self.status != CallStatus.DRAFT
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申报")
    NOT_SELECTED = "not_selected", _("未入围")
    SELECTED = "selected", _("入围")
    PROPOSED = "proposed", _("拟揭榜成功")
    SUCCESSFUL = "successful", _("揭榜成功")


class Application(DomainModel):
    call = models.ForeignKey(OpenCall, on_delete=models.CASCADE, related_name="applications")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("揭榜单位"))
    proposal = models.TextField(_("技术方案"))
    status = models.CharField(_("状态"), max_length=14, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    score = decimal_field(_("得分"), max_digits=7, decimal_places=3, minimum=SCORE_MIN, maximum=SCORE_MAX,
                          null=True, blank=True)
    rank = count_field(_("排名"), minimum=1, maximum=32767, null=True, blank=True)
    aggregation = models.JSONField(default=dict, blank=True)
    is_announced = models.BooleanField(default=False, editable=False)

    scope = Scope(jurisdiction="call__jurisdiction", organisation="applicant", public="is_announced")

    class Meta:
        ordering = ["need_id", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "need", "applicant"], name="uniq_application")]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.need}"


class Score(DomainModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criteria = models.JSONField(_("分项得分"))
    total = decimal_field(_("加权得分"), max_digits=7, decimal_places=3, minimum=SCORE_MIN, maximum=SCORE_MAX)
    comment = models.TextField(_("评语"), blank=True)

    scope = Scope(jurisdiction="application__call__jurisdiction", owner="expert")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="uniq_score")]

    def __str__(self) -> str:
        return f"{self.expert} · {self.total}"


class Objection(DomainModel):
    """An objection filed during the public notice (公示异议)."""

    call = models.ForeignKey(OpenCall, on_delete=models.CASCADE, related_name="objections")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="objections")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("异议内容"))
    answer = models.TextField(_("答复"), blank=True)
    answered_by = actor_field(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answer_due_on = models.DateField(_("答复期限"))

    scope = Scope(jurisdiction="call__jurisdiction", owner="filed_by")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class PilotStatus(models.TextChoices):
    RUNNING = "running", _("试点中")
    ACCEPTED = "accepted", _("已验收")
    REJECTED = "rejected", _("验收未通过")


class Pilot(DomainModel):
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="pilots")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="pilot")
    supplier = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=PilotStatus.choices, default=PilotStatus.RUNNING)
    owner_decision = models.CharField(_("需求方验收意见"), max_length=10, blank=True)
    department_decision = models.CharField(_("主管部门验收意见"), max_length=10, blank=True)
    decision_note = models.TextField(_("验收说明"), blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="need__owner")

    class Meta(NewestFirst):
        pass

    def __str__(self) -> str:
        return f"{self.need} · {self.supplier}"

    # The two acceptance decisions are stored as the service's words ("accepted" / "rejected"); people read labels.
    DECISION_LABELS = {"accepted": _("同意验收"), "rejected": _("不同意验收")}

    @property
    def owner_decision_label(self) -> str:
        return str(self.DECISION_LABELS.get(self.owner_decision, self.owner_decision))

    @property
    def department_decision_label(self) -> str:
        return str(self.DECISION_LABELS.get(self.department_decision, self.department_decision))


class Milestone(NamedByTitle):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("里程碑"), max_length=200)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class Measurement(models.Model):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="measurements")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    value = decimal_field(_("实测值"), max_digits=16, decimal_places=4)  # any sign, as its KPI's target
    measured_on = models.DateField(_("测量日期"))
    met = models.BooleanField(_("达标"))

    class Meta:
        ordering = ["-measured_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kpi_id}={self.value}"


class Case(SearchIndexed):
    """A typical case (典型案例) from an accepted pilot."""

    pilot = models.OneToOneField(Pilot, on_delete=models.PROTECT, related_name="case")
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("案例名称"), max_length=200)
    summary = models.TextField(_("案例简介"))
    domain = models.CharField(_("场景领域"), max_length=60)
    is_published = models.BooleanField(default=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="pilot__need__owner", public="is_published")

    class Meta(NewestFirst):
        verbose_name = _("典型案例")


class MatchingChange(models.Model):
    """One need or profile whose matching document changed, in the order the worker applied it.

    The worker applies each change to its own index; every other process replays the changes it has not seen
    yet, one document at a time, instead of rebuilding (aiplus.scenarios.matching_index)."""

    kind = models.CharField(max_length=10)  # "need" or "profile"
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
