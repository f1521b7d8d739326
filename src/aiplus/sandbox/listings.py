"""The sandbox lists on the one list mechanism (`aiplus.core.lists`): sandbox applications and fault-tolerance
cases, each the same rows on its page and in its API."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists
from aiplus.sandbox import selectors
from aiplus.sandbox.models import SandboxApplication, Status, ToleranceCase, ToleranceOutcome


class ApplicationFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("项目或单位名称"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices)

    def search(self, queryset: QuerySet[SandboxApplication], name: str, value: str) -> QuerySet[SandboxApplication]:
        return lists.search_in("title__icontains", "organisation__name__icontains")(queryset, name, value)


class ApplicationTable(lists.Table):
    title = lists.DetailColumn(url="sandbox:application", verbose_name=_("创新项目名称"))
    organisation = tables.Column(verbose_name=_("申请单位"), order_by=("organisation__name",))
    jurisdiction = lists.JurisdictionColumn()
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    user_cap = lists.FigureColumn(verbose_name=_("用户数上限"))
    end_on = lists.DayColumn(verbose_name=_("测试截止日期"))

    class Meta(lists.Table.Meta):
        model = SandboxApplication
        fields = ("title", "organisation", "jurisdiction", "status", "user_cap", "end_on")


APPLICATIONS = lists.register(lists.Listing(
    name="sandbox.applications", queryset=selectors.applications, filterset=ApplicationFilter,
    table=ApplicationTable, title=_("沙盒监管"), empty=_("没有可查看的沙盒监管申请。"),
    export_name="sandbox-applications",
))


class ToleranceFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("事项或单位名称"), method="search")
    outcome = django_filters.ChoiceFilter(label=_("认定结果"), choices=ToleranceOutcome.choices)

    def search(self, queryset: QuerySet[ToleranceCase], name: str, value: str) -> QuerySet[ToleranceCase]:
        return lists.search_in("title__icontains", "organisation__name__icontains")(queryset, name, value)


class ToleranceTable(lists.Table):
    title = lists.DetailColumn(url="sandbox:tolerance_case", verbose_name=_("事项"))
    organisation = tables.Column(verbose_name=_("当事单位"), order_by=("organisation__name",))
    outcome = lists.ChoiceColumn(verbose_name=_("认定结果"))
    decided_on = lists.DayColumn(verbose_name=_("认定日期"))

    class Meta(lists.Table.Meta):
        model = ToleranceCase
        fields = ("title", "organisation", "outcome", "decided_on")


TOLERANCE_CASES = lists.register(lists.Listing(
    name="sandbox.tolerance_cases", queryset=selectors.tolerance_cases, filterset=ToleranceFilter,
    table=ToleranceTable, title=_("容错免责认定"), empty=_("没有可查看的容错免责认定。"),
    export_name="tolerance-cases",
))
