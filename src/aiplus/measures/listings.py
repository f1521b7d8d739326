"""The measures lists on the one list mechanism (`aiplus.core.lists`): registry records, financing offers,
financing requests and organisation indicators, each the same rows on its page and in its API, exported through
the shared export."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists
from aiplus.core.models import OrganisationKind
from aiplus.measures import selectors
from aiplus.measures.models import (
    Category,
    FinanceOffer,
    FinancingRequest,
    Indicators,
    OfferKind,
    Record,
    RecordStatus,
    Register,
    RequestStatus,
    Stage,
)
from aiplus.scenarios import pack_rules


def sector_names() -> dict[str, str]:
    from django.utils.translation import get_language

    return {code: label.lstrip("— ") for code, label in pack_rules.domain_choices(get_language() or "zh")}


class RecordFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("名称、编号或单位"), method="search")
    registry = django_filters.ChoiceFilter(label=_("登记簿"), choices=Register.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RecordStatus.choices)

    def search(self, queryset: QuerySet[Record], name: str, value: str) -> QuerySet[Record]:
        return lists.search_in("title__icontains", "number__icontains", "organisation__name__icontains")(
            queryset, name, value)


class RecordTable(lists.Table):
    title = lists.DetailColumn(url="measures:record", verbose_name=_("名称"))
    registry = lists.ChoiceColumn(verbose_name=_("登记簿"))
    category = lists.ChoiceColumn(verbose_name=_("类别"))
    role = lists.ChoiceColumn(verbose_name=_("参与方式"))
    number = tables.Column(verbose_name=_("编号"))
    organisation = tables.Column(verbose_name=_("登记单位"), order_by=("organisation__name",))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    granted_on = lists.DayColumn(verbose_name=_("日期"))

    class Meta(lists.Table.Meta):
        model = Record
        fields = ("title", "registry", "category", "role", "number", "organisation", "status", "granted_on")


RECORDS = lists.register(lists.Listing(
    name="measures.records", queryset=selectors.records, filterset=RecordFilter, table=RecordTable,
    title=_("人才、知识产权和标准登记"), empty=_("没有可查看的登记记录。"), export_name="measures-records",
))


class OfferFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("产品或机构名称"), method="search")
    kind = django_filters.ChoiceFilter(label=_("融资方式"), choices=OfferKind.choices)

    def search(self, queryset: QuerySet[FinanceOffer], name: str, value: str) -> QuerySet[FinanceOffer]:
        return lists.search_in("title__icontains", "organisation__name__icontains")(queryset, name, value)


class OfferTable(lists.Table):
    title = tables.Column(verbose_name=_("产品名称"))
    kind = lists.ChoiceColumn(verbose_name=_("融资方式"))
    organisation = tables.Column(verbose_name=_("金融机构"), order_by=("organisation__name",))
    sectors = lists.CodesColumn(verbose_name=_("支持领域"), names=sector_names)
    stages = lists.CodesColumn(verbose_name=_("支持阶段"), names=lambda: dict(Stage.choices))
    amount_min_cny = lists.MoneyColumn(verbose_name=_("单笔最低金额"))
    amount_max_cny = lists.MoneyColumn(verbose_name=_("单笔最高金额"))
    jurisdiction = lists.JurisdictionColumn()

    class Meta(lists.Table.Meta):
        model = FinanceOffer
        fields = ("title", "kind", "organisation", "sectors", "stages", "amount_min_cny", "amount_max_cny",
                  "jurisdiction")


OFFERS = lists.register(lists.Listing(
    name="measures.offers", queryset=selectors.offers, filterset=OfferFilter, table=OfferTable,
    title=_("金融产品"), empty=_("还没有发布的金融产品。"), export_name="measures-offers",
))


class RequestFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("需求或单位名称"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RequestStatus.choices)
    stage = django_filters.ChoiceFilter(label=_("发展阶段"), choices=Stage.choices)

    def search(self, queryset: QuerySet[FinancingRequest], name: str, value: str) -> QuerySet[FinancingRequest]:
        return lists.search_in("title__icontains", "organisation__name__icontains")(queryset, name, value)


class RequestTable(lists.Table):
    title = lists.DetailColumn(url="measures:request", verbose_name=_("融资需求"))
    organisation = tables.Column(verbose_name=_("融资单位"), order_by=("organisation__name",))
    stage = lists.ChoiceColumn(verbose_name=_("发展阶段"))
    amount_cny = lists.MoneyColumn(verbose_name=_("融资金额"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    created_at = lists.MomentColumn(verbose_name=_("提出时间"))

    class Meta(lists.Table.Meta):
        model = FinancingRequest
        fields = ("title", "organisation", "stage", "amount_cny", "status", "created_at")


REQUESTS = lists.register(lists.Listing(
    name="measures.requests", queryset=selectors.requests, filterset=RequestFilter, table=RequestTable,
    title=_("融资需求"), empty=_("没有可查看的融资需求。"), export_name="measures-requests",
))


class IndicatorFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("单位名称"), method="search")
    kind = django_filters.ChoiceFilter(label=_("单位类型"), field_name="organisation__kind",
                                       choices=OrganisationKind.choices)
    jurisdiction = lists.JurisdictionFilter()

    def search(self, queryset: QuerySet[Indicators], name: str, value: str) -> QuerySet[Indicators]:
        return lists.search_in("organisation__name__icontains")(queryset, name, value)


class OccupancyColumn(lists.FormattedColumn):
    def render(self, value: Any, record: Any = None) -> str:  # type: ignore[override]
        return self.value(value, record)

    def value(self, value: Any, record: Any = None) -> str:  # type: ignore[override]
        from aiplus.core import formatting

        if record is None or not record.area_m2 or record.occupied_m2 is None:
            return "—"
        return formatting.percent(record.occupied_m2 / record.area_m2)


class IndicatorTable(lists.Table):
    organisation = tables.Column(verbose_name=_("单位"), order_by=("organisation__name",))
    kind = lists.ChoiceColumn(verbose_name=_("单位类型"), accessor="organisation__get_kind_display",
                              order_by=("organisation__kind",))
    year = tables.Column(verbose_name=_("统计年度"))
    occupancy = OccupancyColumn(verbose_name=_("入驻率"), accessor="area_m2", orderable=False)
    firms = lists.FigureColumn(verbose_name=_("入驻或服务企业数"))
    output_cny = lists.MoneyColumn(verbose_name=_("年产值或营业收入"))
    revenue_growth_pct = lists.FigureColumn(verbose_name=_("营业收入增长率（%）"))
    valuation_cny = lists.MoneyColumn(verbose_name=_("最近一轮估值"))
    jurisdiction = lists.JurisdictionColumn()

    class Meta(lists.Table.Meta):
        model = Indicators
        fields = ("organisation", "kind", "year", "occupancy", "firms", "output_cny", "revenue_growth_pct",
                  "valuation_cny", "jurisdiction")


INDICATORS = lists.register(lists.Listing(
    name="measures.indicators", queryset=selectors.indicators, filterset=IndicatorFilter, table=IndicatorTable,
    title=_("园区、载体和企业指标"), empty=_("还没有录入的指标。"), export_name="measures-indicators",
))
