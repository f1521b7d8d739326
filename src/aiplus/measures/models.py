"""Persistence of the other promotion measures (issue 16 §4; Suzhou draft arts. 40–45, Guangdong draft arts. 12–13,
25–29):

- `Record`: one entry of the talent, intellectual-property or standards registry (a talent award, a granted patent
  or software copyright of an AI result, a standard drafted or joined), submitted by the organisation with its
  evidence and verified by an official of its jurisdiction who is neither the submitter nor a member of the
  organisation. Only verified records count as facts for programmes and cultivation tiers (`facts.py`).
- `FinanceOffer` / `FinancingRequest`: what funds, banks and guarantee schemes offer (amount range, stages,
  sectors, places) and what a firm asks for; matched with the scenarios' engine (`engine/finance.py`).
- `Indicators`: the figures an official records for an organisation (a park's area, occupancy, firms and output; a
  research carrier's firms served and output; a firm's revenue, growth and valuation), read by the cultivation
  tiers and the insights indicators.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import CENT, count_field, decimal_field, money_field
from aiplus.core.models.base import DomainModel, NewestFirst, actor_field
from aiplus.core.permissions import Scope


class Register(models.TextChoices):
    TALENT = "talent", _("人才")
    IP = "ip", _("知识产权")
    STANDARD = "standard", _("标准")


class Category(models.TextChoices):
    # talent awards by the level of the programme that granted them
    TALENT_NATIONAL = "talent_national", _("国家级人才计划入选")
    TALENT_PROVINCIAL = "talent_provincial", _("省级人才计划入选")
    TALENT_MUNICIPAL = "talent_municipal", _("市级人才计划入选")
    # intellectual property of AI results
    INVENTION_PATENT = "invention_patent", _("发明专利（已授权）")
    UTILITY_PATENT = "utility_patent", _("实用新型专利（已授权）")
    SOFTWARE_COPYRIGHT = "software_copyright", _("软件著作权（已登记）")
    # standards by level
    STANDARD_INTERNATIONAL = "international", _("国际标准")
    STANDARD_NATIONAL = "national", _("国家标准")
    STANDARD_INDUSTRY = "industry", _("行业标准")
    STANDARD_GROUP = "group", _("团体标准")


CATEGORIES: dict[str, tuple[str, ...]] = {
    Register.TALENT: ("talent_national", "talent_provincial", "talent_municipal"),
    Register.IP: ("invention_patent", "utility_patent", "software_copyright"),
    Register.STANDARD: ("international", "national", "industry", "group"),
}


class Role(models.TextChoices):
    LED = "led", _("主导制定")
    JOINED = "joined", _("参与制定")


class RecordStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待核验")
    VERIFIED = "verified", _("已核验")
    REJECTED = "rejected", _("核验未通过")


class Record(DomainModel):
    registry = models.CharField(_("登记簿"), max_length=10, choices=Register.choices)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    role = models.CharField(_("参与方式"), max_length=8, choices=Role.choices, blank=True)  # standards only
    title = models.CharField(_("名称"), max_length=200)
    number = models.CharField(_("编号"), max_length=60)  # patent, registration, standard or award number
    granted_on = models.DateField(_("授权、登记、发布或入选日期"))
    evidence = models.CharField(_("证明材料"), max_length=300)  # file name or number of the certificate
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("登记单位"), on_delete=models.PROTECT,
                                     related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.SUBMITTED)
    submitted_by = actor_field(_("登记人"), blank=True)
    verified_by = actor_field(_("核验人"), blank=True)
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    note = models.CharField(_("核验意见"), max_length=500, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("登记记录")
        constraints = [models.UniqueConstraint(fields=["registry", "category", "number"],
                                               name="measures_record_number_unique")]


class OfferKind(models.TextChoices):
    EQUITY_FUND = "equity_fund", _("股权投资基金")
    BANK_LOAN = "bank_loan", _("银行贷款")
    GUARANTEE = "guarantee", _("融资担保")


class Stage(models.TextChoices):
    SEED = "seed", _("种子期")
    EARLY = "early", _("初创期")
    GROWTH = "growth", _("成长期")
    MATURE = "mature", _("成熟期")


class FinanceOffer(DomainModel):
    title = models.CharField(_("产品名称"), max_length=200)
    kind = models.CharField(_("融资方式"), max_length=12, choices=OfferKind.choices)
    terms = models.TextField(_("支持方向与条件"), max_length=2000)
    sectors = models.JSONField(_("支持领域"), default=list)  # scenario domain codes
    stages = models.JSONField(_("支持阶段"), default=list)  # Stage codes
    nationwide = models.BooleanField(_("面向全国"), default=False)  # else the provider's jurisdiction only
    amount_min_cny = money_field(_("单笔最低金额（元）"), minimum=CENT)
    amount_max_cny = money_field(_("单笔最高金额（元）"), minimum=CENT)
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("金融机构"), on_delete=models.PROTECT,
                                     related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    is_published = models.BooleanField(_("已发布"), default=True)
    published_by = actor_field(_("发布人"), blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation", public="is_published")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("金融产品")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("对接中")
    FINANCED = "financed", _("已获融资")


class FinancingRequest(DomainModel):
    title = models.CharField(_("融资需求"), max_length=200)
    purpose = models.TextField(_("资金用途"), max_length=2000)
    sector = models.CharField(_("所属领域"), max_length=60)
    stage = models.CharField(_("发展阶段"), max_length=8, choices=Stage.choices)
    kinds = models.JSONField(_("期望的融资方式"), default=list, blank=True)
    amount_cny = money_field(_("融资金额（元）"), minimum=CENT)
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("融资单位"), on_delete=models.PROTECT,
                                     related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    secured_offer = models.ForeignKey(FinanceOffer, verbose_name=_("获得的融资产品"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    submitted_by = actor_field(_("提出人"), blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("融资需求")


class Indicators(DomainModel):
    """The current figures of one organisation, recorded (and corrected) by an official of its jurisdiction."""

    organisation = models.OneToOneField("core.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT,
                                        related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    year = models.PositiveSmallIntegerField(_("统计年度"))
    # a park's floor area and what is let; counted in square metres (a park beyond 10 km² is not one park)
    area_m2 = count_field(_("建筑面积（平方米）"), maximum=10_000_000, null=True, blank=True)
    occupied_m2 = count_field(_("已入驻面积（平方米）"), maximum=10_000_000, null=True, blank=True)
    firms = count_field(_("入驻或服务企业数"), maximum=100_000, null=True, blank=True)
    output_cny = money_field(_("年产值或营业收入（元）"), null=True, blank=True)
    revenue_growth_pct = decimal_field(_("营业收入增长率（%）"), max_digits=7, decimal_places=2,
                                       minimum=Decimal(-100), maximum=Decimal(10_000), null=True, blank=True)
    valuation_cny = money_field(_("最近一轮估值（元）"), null=True, blank=True)
    source = models.CharField(_("数据来源"), max_length=200)
    recorded_by = actor_field(_("录入人"), blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("单位指标")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}"
