from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.models.base import DomainModel
from aiplus.core.permissions import Scope


class Department(DomainModel):
    """A government department named by a pack, with the duties the regulation gives it (Suzhou art. 5)."""

    code = models.SlugField(_("代码"), max_length=60)
    pack = models.CharField(_("规则包"), max_length=40)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="departments",
                                     verbose_name=_("辖区"))
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150)
    level = models.CharField(_("层级"), max_length=12, blank=True)

    scope = Scope(public=True)

    class Meta:
        ordering = ["pack", "code"]
        constraints = [models.UniqueConstraint(fields=["pack", "code"], name="department_unique_in_pack")]
        verbose_name = verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name_zh


class DutySourceKind(models.TextChoices):
    """Who assigns a duty to a department (packs/*/departments.yaml, `source.kind`)."""

    OFFICIAL = "official", _("官方来源")
    PLATFORM_ASSIGNMENT = "platform-assignment", _("平台分工")


class DepartmentDuty(models.Model):
    """One duty of a department. An official duty's `citation` is the rule that assigns it; a platform assignment's
    `citation` is the article or instrument the duty serves (or empty), which pages show as related, never as the
    source of the assignment."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="duties")
    position = models.PositiveSmallIntegerField()
    text_zh = models.TextField()
    text_en = models.TextField()
    source_kind = models.CharField(_("职责来源"), max_length=24, choices=DutySourceKind.choices,
                                   default=DutySourceKind.PLATFORM_ASSIGNMENT)
    citation = models.JSONField()
    citation_label = models.CharField(max_length=120)

    class Meta:
        ordering = ["department", "position"]

    def __str__(self) -> str:
        return f"{self.department_id}#{self.position}"
