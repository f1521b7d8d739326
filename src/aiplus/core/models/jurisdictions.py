from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.models.base import DomainModel
from aiplus.core.permissions import Scope


class JurisdictionLevel(models.TextChoices):
    NATION = "nation", _("国家")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")
    REGION = "region", _("跨境区域")


class Jurisdiction(DomainModel):
    """A level of government, or a cross-border region (the GBA) that spans jurisdictions of several systems."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=12, choices=JurisdictionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # A cross-border region has members instead of (or beside) children: the GBA's nine mainland cities plus
    # Hong Kong and Macao, whose parents stay where they are.
    members = models.ManyToManyField("self", verbose_name=_("成员"), symmetrical=False, blank=True,
                                     related_name="regions")
    division_code = models.CharField(_("行政区划代码"), max_length=6, blank=True)

    scope = Scope(public=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("辖区")

    def __str__(self) -> str:
        return self.name_zh

    def display_name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en
