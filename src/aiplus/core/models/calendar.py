"""The State Council's holiday arrangements (国务院办公厅关于部分节假日安排的通知) as the platform operator
entered them, for years the installed `chinesecalendar` does not know yet (aiplus.core.calendar)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.models.base import DomainModel
from aiplus.core.permissions import Scope

YEAR_MIN, YEAR_MAX = 2004, 2100  # chinesecalendar starts at 2004; nothing beyond a lifetime is scheduled


class HolidayNotice(DomainModel):
    """One year's arrangement: the weekdays off (holidays and bridge days) and the weekend days worked (调休上班);
    every other day is a working day from Monday to Friday."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    title = models.CharField(_("通知名称"), max_length=200)
    reference = models.CharField(_("文号"), max_length=80, blank=True)
    url = models.URLField(_("原文链接"), max_length=500, blank=True)
    days_off = models.JSONField(_("放假日期"), default=list)  # ISO dates, sorted
    days_worked = models.JSONField(_("调休上班日期"), default=list, blank=True)  # ISO dates of weekends worked, sorted

    scope = Scope(public=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = _("节假日安排")
