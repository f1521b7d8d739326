from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.models.base import DomainModel
from aiplus.core.permissions import Scope


class Notice(DomainModel):
    """A public notice (通知公告) of a jurisdiction: policies, calls, events (Suzhou art. 10, Guangdong art. 30)."""

    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, verbose_name=_("辖区"))
    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(_("英文标题"), max_length=200, blank=True)
    body = models.TextField(_("正文"), blank=True)
    is_published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction", public="is_published")

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = verbose_name_plural = _("通知公告")
