"""Observations of the indicators that come from statistics (`kind: entered` in indicators.yaml): a value of an
indicator for a jurisdiction as of a day, with its source and the source's date, entered or imported by an official
of the jurisdiction. Append-only: a correction is a new row that names the row it corrects, so the history is kept
and the latest row of an (indicator, jurisdiction, day) is the value shown. Statistics are public once entered."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import decimal_field
from aiplus.core.models.base import AppendOnly, DomainModel, NewestFirst, actor_field
from aiplus.core.permissions import Scope

# One column holds every indicator's value (each indicator's own bounds are in indicators.yaml, checked by the
# services): counts, CNY amounts up to a trillion yuan and ratios with three decimals, within the 15 significant
# digits SQLite keeps.
VALUE_MAX = Decimal("999999999999.999")


class Observation(AppendOnly, DomainModel):
    indicator = models.CharField(_("指标"), max_length=40, db_index=True)  # a code of indicators.yaml
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    as_of = models.DateField(_("统计截至日期"))
    value = decimal_field(_("数值"), max_digits=15, decimal_places=3, minimum=-VALUE_MAX, maximum=VALUE_MAX)
    source = models.CharField(_("数据来源"), max_length=300)
    source_url = models.URLField(_("来源链接"), max_length=500, blank=True)
    source_date = models.DateField(_("来源发布日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections",
                                 verbose_name=_("更正的记录"))
    entered_by = actor_field(_("录入人"))

    scope = Scope(jurisdiction="jurisdiction", public=True)

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("指标观测值")
        indexes = [models.Index(fields=["indicator", "jurisdiction", "as_of"], name="insights_obs_key")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.jurisdiction_id} · {self.as_of}"
