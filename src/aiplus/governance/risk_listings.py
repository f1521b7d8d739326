"""The lists of AI applications and their supervision on the one list mechanism (`aiplus.core.lists`): the
applications a user may see, inspection plans, inspections, rectification orders, and the public disclosure
register (medium- and low-risk applications, their public fields only); each the same rows on its page and API."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists
from aiplus.core.models import Department
from aiplus.governance import risk_selectors as selectors
from aiplus.governance.models import (
    AIApplication,
    AIApplicationStatus,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    RectificationOrder,
    RectificationStatus,
    RiskTier,
)


def _department_name(table: tables.Table, value: Any) -> str:
    if value is None:
        return ""
    english = lists.table_language(table).startswith("en")
    return str(value.name_en if english and value.name_en else value.name_zh)


class DepartmentColumn(tables.Column):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", _("行业主管部门"))
        super().__init__(*args, **kwargs)

    def render(self, value: Any, table: tables.Table) -> str:
        return _department_name(table, value)


class ApplicationFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("应用名称或单位"), method="search")
    tier = django_filters.ChoiceFilter(label=_("风险等级"), choices=RiskTier.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AIApplicationStatus.choices)
    department = django_filters.ModelChoiceFilter(label=_("行业主管部门"), queryset=Department.objects.all())
    red_lines = django_filters.BooleanFilter(label=_("触及安全底线"), method="flagged")

    def search(self, queryset: QuerySet[AIApplication], name: str, value: str) -> QuerySet[AIApplication]:
        return lists.search_in("name__icontains", "organisation__name__icontains")(queryset, name, value)

    def flagged(self, queryset: QuerySet[AIApplication], name: str, value: Any) -> QuerySet[AIApplication]:
        if value is None:
            return queryset
        return queryset.exclude(red_lines=[]) if value else queryset.filter(red_lines=[])


class ApplicationTable(lists.Table):
    name = lists.DetailColumn(url="governance:ai_application", verbose_name=_("应用名称"))
    organisation = tables.Column(verbose_name=_("运营单位"), order_by=("organisation__name",))
    department = DepartmentColumn(order_by=("department__code",))
    tier = lists.ChoiceColumn(verbose_name=_("风险等级"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    reassess_on = lists.DayColumn(verbose_name=_("下次评估日期"))

    class Meta(lists.Table.Meta):
        model = AIApplication
        fields = ("name", "organisation", "department", "tier", "status", "reassess_on")


AI_APPLICATIONS = lists.register(lists.Listing(
    name="governance.ai_applications", queryset=selectors.applications, filterset=ApplicationFilter,
    table=ApplicationTable, title=_("人工智能应用登记"), empty=_("没有可查看的人工智能应用。"),
    export_name="ai-applications",
))


class PlanFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("计划名称"), method="search")
    tier = django_filters.ChoiceFilter(label=_("抽查范围（风险等级）"), choices=RiskTier.choices)

    def search(self, queryset: QuerySet[InspectionPlan], name: str, value: str) -> QuerySet[InspectionPlan]:
        return lists.search_in("title__icontains")(queryset, name, value)


class PlanTable(lists.Table):
    title = lists.DetailColumn(url="governance:inspection_plan", verbose_name=_("计划名称"))
    department = DepartmentColumn(order_by=("department__code",))
    tier = lists.ChoiceColumn(verbose_name=_("抽查范围（风险等级）"))
    size = tables.Column(verbose_name=_("抽取数量"))
    created_at = lists.MomentColumn(verbose_name=_("抽取时间"))

    class Meta(lists.Table.Meta):
        model = InspectionPlan
        fields = ("title", "department", "tier", "size", "created_at")


INSPECTION_PLANS = lists.register(lists.Listing(
    name="governance.inspection_plans", queryset=selectors.plans, filterset=PlanFilter, table=PlanTable,
    title=_("检查计划"), empty=_("没有可查看的检查计划。"), export_name="inspection-plans",
    audience=lists.for_officials_and_auditors,
))


class InspectionFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("应用名称"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=InspectionStatus.choices)

    def search(self, queryset: QuerySet[Inspection], name: str, value: str) -> QuerySet[Inspection]:
        return lists.search_in("application__name__icontains")(queryset, name, value)


class InspectionTable(lists.Table):
    application = lists.DetailColumn(url="governance:inspection", verbose_name=_("应用"),
                                     order_by=("application__name",))
    plan = tables.Column(verbose_name=_("检查计划"), order_by=("plan__title",))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    inspected_on = lists.DayColumn(verbose_name=_("检查日期"))

    class Meta(lists.Table.Meta):
        model = Inspection
        fields = ("application", "plan", "status", "inspected_on")


INSPECTIONS = lists.register(lists.Listing(
    name="governance.inspections", queryset=selectors.inspections, filterset=InspectionFilter,
    table=InspectionTable, title=_("检查"), empty=_("没有可查看的检查。"), export_name="inspections",
))


class OrderFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("应用名称"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RectificationStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("已逾期"), method="late")

    def search(self, queryset: QuerySet[RectificationOrder], name: str, value: str) -> QuerySet[RectificationOrder]:
        return lists.search_in("application__name__icontains")(queryset, name, value)

    def late(self, queryset: QuerySet[RectificationOrder], name: str, value: Any) -> QuerySet[RectificationOrder]:
        if value is None:
            return queryset
        late = {"status": RectificationStatus.OPEN, "due_on__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class OrderTable(lists.Table):
    application = tables.Column(verbose_name=_("应用"), order_by=("application__name",))
    requirement = tables.Column(verbose_name=_("整改要求"), orderable=False)
    due_on = lists.DayColumn(verbose_name=_("整改期限"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))

    class Meta(lists.Table.Meta):
        model = RectificationOrder
        fields = ("application", "requirement", "due_on", "status")

    def render_application(self, value: Any, record: Any) -> Any:
        """The application's name, linked to the inspection that ordered the rectification."""
        return format_html('<a href="{}">{}</a>', reverse("governance:inspection", args=[record.inspection_id]),
                           value)

    def value_application(self, value: Any) -> Any:
        return str(value)


RECTIFICATIONS = lists.register(lists.Listing(
    name="governance.rectifications", queryset=selectors.orders, filterset=OrderFilter, table=OrderTable,
    title=_("整改通知"), empty=_("没有可查看的整改通知。"), export_name="rectifications",
))


class DisclosureFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("应用名称或单位"), method="search")
    tier = django_filters.ChoiceFilter(label=_("风险等级"),
                                       choices=[c for c in RiskTier.choices if c[0] != RiskTier.HIGH])

    def search(self, queryset: QuerySet[AIApplication], name: str, value: str) -> QuerySet[AIApplication]:
        return lists.search_in("name__icontains", "organisation__name__icontains")(queryset, name, value)


class DisclosureTable(lists.Table):
    name = lists.DetailColumn(url="governance:disclosure", verbose_name=_("应用名称"))
    organisation = tables.Column(verbose_name=_("运营单位"), order_by=("organisation__name",))
    jurisdiction = lists.JurisdictionColumn(verbose_name=_("所在地区"))
    tier = lists.ChoiceColumn(verbose_name=_("风险等级"))
    assessed_on = lists.DayColumn(verbose_name=_("评估日期"))

    class Meta(lists.Table.Meta):
        model = AIApplication
        fields = ("name", "organisation", "jurisdiction", "tier", "assessed_on")


DISCLOSURES = lists.register(lists.Listing(
    name="governance.disclosures", queryset=selectors.disclosures, filterset=DisclosureFilter,
    table=DisclosureTable, title=_("人工智能应用公开披露"), empty=_("尚无公开披露的应用。"),
    export_name="ai-disclosures",
))
