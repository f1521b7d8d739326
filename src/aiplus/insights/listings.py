"""The observations list (entered statistics with their sources and corrections) on the one list mechanism: the
same rows on its page and in its API."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists
from aiplus.insights import catalogue, selectors
from aiplus.insights.models import Observation


def _entered_choices() -> list[tuple[str, str]]:
    return [(i.code, i.name_zh) for i in catalogue.indicators().values() if not i.computed]


class ObservationFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("数据来源"), method="search")
    indicator = django_filters.ChoiceFilter(label=_("指标"), choices=_entered_choices)
    jurisdiction = lists.JurisdictionFilter()
    since = lists.day_filter(_("统计截至日期起"), "as_of", "gte")

    def search(self, queryset: QuerySet[Observation], name: str, value: str) -> QuerySet[Observation]:
        return lists.search_in("source__icontains")(queryset, name, value)


class IndicatorColumn(tables.Column):
    def render(self, value: Any) -> str:
        from aiplus.portal.templatetags.localized import localized_value

        item = catalogue.indicator(value)
        return localized_value(item, "name") if item is not None else str(value)

    def value(self, value: Any) -> str:
        return self.render(value)


class ObservationTable(lists.Table):
    indicator = IndicatorColumn(verbose_name=_("指标"))
    jurisdiction = lists.JurisdictionColumn()
    as_of = lists.DayColumn(verbose_name=_("统计截至日期"))
    value = lists.FigureColumn(verbose_name=_("数值"))
    source = tables.Column(verbose_name=_("数据来源"))
    source_date = lists.DayColumn(verbose_name=_("来源发布日期"))
    corrects = tables.BooleanColumn(verbose_name=_("更正"), accessor="corrects_id", orderable=False,
                                    yesno=("✔", ""))
    created_at = lists.MomentColumn(verbose_name=_("录入时间"))

    class Meta(lists.Table.Meta):
        model = Observation
        fields = ("indicator", "jurisdiction", "as_of", "value", "source", "source_date", "corrects", "created_at")


OBSERVATIONS = lists.register(lists.Listing(
    name="insights.observations", queryset=selectors.observations, filterset=ObservationFilter,
    table=ObservationTable, title=_("统计数据"), empty=_("还没有录入统计数据。"),
    next_step=("insights:observations", _("录入统计数据")), export_name="statistics",
))
