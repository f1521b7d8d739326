"""The OPC lists on the one list mechanism (`aiplus.core.lists`): the OPC register and the communities, each the
same rows on its page and in its API."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists
from aiplus.opc import selectors
from aiplus.opc.engine import TOOLS
from aiplus.opc.models import Community, Profile, Service, Stage
from aiplus.support import programmes


def tool_names() -> dict[str, str]:
    return {code: (en if programmes.english() else zh) for code, (zh, en) in TOOLS.items()}


class ProfileFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("名称"), method="search")
    stage = django_filters.ChoiceFilter(label=_("发展阶段"), choices=Stage.choices)
    meets_definition = django_filters.BooleanFilter(label=_("符合一人公司工作定义"))
    jurisdiction = lists.JurisdictionFilter(field_name="organisation__jurisdiction")

    def search(self, queryset: QuerySet[Profile], name: str, value: str) -> QuerySet[Profile]:
        return lists.search_in("organisation__name__icontains")(queryset, name, value)


class ProfileTable(lists.Table):
    organisation = lists.DetailColumn(url="opc:profile", verbose_name=_("一人公司"),
                                      order_by=("organisation__name",))
    headcount = tables.Column(verbose_name=_("从业人数"))
    ai_tools = lists.CodesColumn(verbose_name=_("AI工具栈"), names=tool_names)
    stage = lists.ChoiceColumn(verbose_name=_("发展阶段"))
    meets_definition = tables.BooleanColumn(verbose_name=_("符合工作定义"), yesno=(_("是"), _("否")))
    registered_on = lists.DayColumn(verbose_name=_("工商登记日期"))

    class Meta(lists.Table.Meta):
        model = Profile
        fields = ("organisation", "headcount", "ai_tools", "stage", "meets_definition", "registered_on")


PROFILES = lists.register(lists.Listing(
    name="opc.profiles", queryset=selectors.profiles, filterset=ProfileFilter, table=ProfileTable,
    title=_("一人公司登记"), empty=_("没有可查看的一人公司。"), export_name="opc-register",
))


def communities_with_figures(user: Any) -> QuerySet[Community]:
    return selectors.community_figures(selectors.communities(user), timezone.localdate())


class CommunityFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("社区名称"), method="search")
    jurisdiction = lists.JurisdictionFilter()

    def search(self, queryset: QuerySet[Community], name: str, value: str) -> QuerySet[Community]:
        return lists.search_in("name__icontains", "operator__name__icontains")(queryset, name, value)


class CommunityTable(lists.Table):
    name = lists.DetailColumn(url="opc:community", verbose_name=_("社区名称"))
    operator = tables.Column(verbose_name=_("运营单位"), order_by=("operator__name",))
    jurisdiction = lists.JurisdictionColumn()
    area_m2 = lists.FigureColumn(verbose_name=_("面积（平方米）"))
    seats = tables.Column(verbose_name=_("工位数"))
    occupied = tables.Column(verbose_name=_("已入驻"))
    services = lists.CodesColumn(verbose_name=_("服务"), names=lambda: dict(Service.choices))

    class Meta(lists.Table.Meta):
        model = Community
        fields = ("name", "operator", "jurisdiction", "area_m2", "seats", "occupied", "services")


COMMUNITIES = lists.register(lists.Listing(
    name="opc.communities", queryset=communities_with_figures, filterset=CommunityFilter, table=CommunityTable,
    title=_("OPC社区"), empty=_("没有可查看的OPC社区。"), export_name="opc-communities",
))
