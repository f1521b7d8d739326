"""The OPC register (Suzhou draft art. 7), OPC communities and residencies (Guangdong draft art. 27, space).

An OPC is a core organisation of kind "opc" with a profile here: founders, headcount, AI tool stack, stage and
milestones, and the working definition's verdict with its reasons. A community is run by an operator organisation
in a jurisdiction; a residency is an OPC's place in it (seat, rent relief, term). Money is never held here: the
entitlements admission grants are programmes of the support app, applied for and paid through it.

Who sees what: a profile, its organisation's members and the officials (auditors) of its jurisdiction; a community,
everyone (it is published); a residency, the OPC's members, the officials of the community's jurisdiction and (by
the selector) the community operator's members.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import count_field, decimal_field
from aiplus.core.models.base import DomainModel, NewestFirst, actor_field
from aiplus.core.permissions import Scope

MAX_FOUNDERS = 5
MAX_HEADCOUNT = 500  # a register entry above the definition's limit is kept (and said not to meet it), within sense


class Stage(models.TextChoices):
    IDEA = "idea", _("创意验证")
    PROTOTYPE = "prototype", _("产品原型")
    REVENUE = "revenue", _("已有收入")
    SCALING = "scaling", _("规模增长")


class Profile(DomainModel):
    """An organisation's OPC profile."""

    organisation = models.OneToOneField("core.Organisation", verbose_name=_("一人公司"), on_delete=models.PROTECT,
                                        related_name="opc_profile")
    founders = models.JSONField(_("创办人"), default=list)  # names, 1 to MAX_FOUNDERS
    headcount = count_field(_("从业人数"), maximum=MAX_HEADCOUNT, minimum=1)
    ai_tools = models.JSONField(_("AI工具栈"), default=list)  # codes of engine.TOOLS
    stage = models.CharField(_("发展阶段"), max_length=12, choices=Stage.choices, default=Stage.IDEA)
    registered_on = models.DateField(_("工商登记日期"))
    policy_matched_on = models.DateField(_("政策匹配日期"), null=True, blank=True)
    financed_on = models.DateField(_("获得融资或市场突破日期"), null=True, blank=True)
    meets_definition = models.BooleanField(_("符合一人公司工作定义"), default=False)
    definition_check = models.JSONField(_("工作定义核验依据"), default=dict)
    registered_by = actor_field(_("登记人"))

    scope = Scope(jurisdiction="organisation__jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("一人公司登记")

    def __str__(self) -> str:
        return self.organisation.name


class Service(models.TextChoices):
    PRIVATE_OFFICE = "private_office", _("低成本独立办公室")
    SHARED_DESK = "shared_desk", _("灵活共享工位")
    SMART_EQUIPMENT = "smart_equipment", _("智能办公设备")
    COMPUTE = "compute", _("算力服务")
    DATA = "data", _("数据服务")
    FINANCING = "financing", _("投融资对接")
    REGISTRATION = "registration", _("工商登记代办")
    TALENT_HOUSING = "talent_housing", _("人才住房")


class Community(DomainModel):
    """An OPC community: its operator, where it is, its area, seats and services, and the bundle admission grants."""

    name = models.CharField(_("社区名称"), max_length=200)
    operator = models.ForeignKey("core.Organisation", verbose_name=_("运营单位"), on_delete=models.PROTECT,
                                 related_name="+")
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT,
                                     related_name="+")
    # The largest parks run to a few hundred thousand m²; a million is beyond any community.
    area_m2 = decimal_field(_("面积（平方米）"), max_digits=9, decimal_places=1, minimum=Decimal("1"),
                            maximum=Decimal("1000000"))
    seats = count_field(_("工位数"), maximum=20000, minimum=1)
    services = models.JSONField(_("服务"), default=list)
    bundle = models.CharField(_("入驻权益包"), max_length=80)
    is_published = models.BooleanField(_("公开"), default=True)
    created_by = actor_field(_("认定人"))

    scope = Scope(jurisdiction="jurisdiction", organisation="operator", public="is_published")

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("OPC社区")


class ResidencyStatus(models.TextChoices):
    APPLIED = "applied", _("已申请，待运营方决定")
    ADMITTED = "admitted", _("已入驻")
    REFUSED = "refused", _("未获准入驻")


class Residency(DomainModel):
    """An OPC's place in a community: applied for by the OPC, decided by the community's operator."""

    community = models.ForeignKey(Community, verbose_name=_("OPC社区"), on_delete=models.PROTECT,
                                  related_name="residencies")
    profile = models.ForeignKey(Profile, verbose_name=_("一人公司"), on_delete=models.PROTECT,
                                related_name="residencies")
    status = models.CharField(_("状态"), max_length=10, choices=ResidencyStatus.choices,
                              default=ResidencyStatus.APPLIED)
    term_months = count_field(_("入驻期限（月）"), maximum=60, minimum=1)
    note = models.CharField(_("申请说明"), max_length=500, blank=True)
    seat = models.CharField(_("工位"), max_length=40, blank=True)
    rent_relief_rate = decimal_field(_("租金减免比例"), max_digits=3, decimal_places=2, minimum=Decimal("0"),
                                     maximum=Decimal("1"), null=True, blank=True)
    starts_on = models.DateField(_("入驻起始日"), null=True, blank=True)
    ends_on = models.DateField(_("入驻截止日"), null=True, blank=True)
    applied_by = actor_field(_("申请人"))
    decided_by = actor_field(_("决定人"))
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_note = models.CharField(_("决定说明"), max_length=500, blank=True)

    scope = Scope(jurisdiction="community__jurisdiction", organisation="profile__organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("OPC社区入驻")
        constraints = [models.UniqueConstraint(
            fields=["community", "profile"], condition=models.Q(status__in=["applied", "admitted"]),
            name="opc_residency_one_open_per_community")]

    def __str__(self) -> str:
        return f"{self.profile} @ {self.community}"
