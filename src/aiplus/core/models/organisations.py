from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core import credit_code
from aiplus.core.models.base import DomainModel
from aiplus.core.permissions import Scope


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    OPC = "opc", _("一人公司（OPC）")
    RESEARCH_INSTITUTE = "research_institute", _("科研机构")
    UNIVERSITY = "university", _("高等院校")
    GOVERNMENT_DEPARTMENT = "government_department", _("政府部门")
    INDUSTRY_ASSOCIATION = "industry_association", _("行业协会")
    PARK = "park", _("产业园区")
    COMPUTE_PROVIDER = "compute_provider", _("算力服务商")
    DATA_PROVIDER = "data_provider", _("数据服务商")
    FINANCIAL_INSTITUTION = "financial_institution", _("金融机构")


class ChainLayer(models.TextChoices):
    # The industry chain as the Suzhou drafting explanation describes it.
    FOUNDATION = "foundation", _("基础层")
    FRAMEWORK = "framework", _("框架层")
    MODEL = "model", _("模型层")
    APPLICATION = "application", _("应用层")


def validate_credit_code(value: str) -> None:
    try:
        credit_code.validate(value)
    except credit_code.CreditCodeError as error:
        messages = {
            "length": _("统一社会信用代码应为18位，当前为%(n)s位（GB 32100-2015）。"),
            "alphabet": _("统一社会信用代码含有不允许的字符（GB 32100-2015 不使用 I、O、S、V、Z）。"),
            "division": _("统一社会信用代码第3至8位应为6位行政区划代码（GB 32100-2015）。"),
            "check": _("统一社会信用代码校验位错误：应为 %(expected)s（GB 32100-2015）。"),
        }
        raise ValidationError(
            messages[error.rule],
            code=f"credit_code_{error.rule}",
            params={"n": len(value.strip()), "expected": error.expected},
        ) from error


class Organisation(DomainModel):
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=24, choices=OrganisationKind.choices)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    chain_layer = models.CharField(_("产业链层级"), max_length=12, choices=ChainLayer.choices, blank=True)
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("所属辖区"), on_delete=models.PROTECT, related_name="organisations"
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    is_independent_legal_person = models.BooleanField(_("独立法人"), default=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="id")

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("组织")
