"""The incident lists on the one list mechanism (`aiplus.core.lists`): the incidents a user may see (officials and
auditors of the jurisdiction, members of the organisation concerned) and the public record (published incidents,
redacted), each the same rows on its page and in its API."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists
from aiplus.governance import incident_selectors as selectors
from aiplus.governance import incidents
from aiplus.governance.models import (
    Incident,
    IncidentSource,
    IncidentStatus,
    Severity,
    Violation,
    ViolationStatus,
)


def _harm_names() -> dict[str, Any]:
    return dict(incidents.harm_choices())


class IncidentFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("事件标题"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=IncidentStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("事件级别"), choices=Severity.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=IncidentSource.choices)

    def search(self, queryset: QuerySet[Incident], name: str, value: str) -> QuerySet[Incident]:
        return lists.search_in("title__icontains")(queryset, name, value)


class IncidentTable(lists.Table):
    title = lists.DetailColumn(url="governance:incident", verbose_name=_("事件标题"))
    jurisdiction = lists.JurisdictionColumn(verbose_name=_("发生地"))
    source = lists.ChoiceColumn(verbose_name=_("来源"))
    severity = lists.ChoiceColumn(verbose_name=_("事件级别"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    received_at = lists.MomentColumn(verbose_name=_("接报时间"))

    class Meta(lists.Table.Meta):
        model = Incident
        fields = ("title", "jurisdiction", "source", "severity", "status", "received_at")


INCIDENTS = lists.register(lists.Listing(
    name="governance.incidents", queryset=selectors.incidents, filterset=IncidentFilter, table=IncidentTable,
    title=_("人工智能安全事件"), empty=_("没有可查看的事件。"),
    next_step=("governance:incident_report", _("报告事件")), export_name="incidents",
))


class PublicRecordFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("标题"), method="search")
    severity = django_filters.ChoiceFilter(label=_("事件级别"), choices=Severity.choices)

    def search(self, queryset: QuerySet[Incident], name: str, value: str) -> QuerySet[Incident]:
        return lists.search_in("public_title__icontains")(queryset, name, value)


class PublicRecordTable(lists.Table):
    public_title = lists.DetailColumn(url="governance:incident_record", verbose_name=_("标题"))
    jurisdiction = lists.JurisdictionColumn(verbose_name=_("发生地"))
    severity = lists.ChoiceColumn(verbose_name=_("事件级别"))
    harms = lists.CodesColumn(verbose_name=_("危害类型"), names=_harm_names, orderable=False)
    published_at = lists.MomentColumn(verbose_name=_("公开时间"))

    class Meta(lists.Table.Meta):
        model = Incident
        fields = ("public_title", "jurisdiction", "severity", "harms", "published_at")
        order_by = ("-published_at",)


INCIDENT_RECORDS = lists.register(lists.Listing(
    name="governance.incident_records", queryset=selectors.public_records, filterset=PublicRecordFilter,
    table=PublicRecordTable, title=_("人工智能安全事件公开记录"), empty=_("尚无公开的事件记录。"),
    export_name="incident-records",
))


class ViolationFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("案由"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ViolationStatus.choices)

    def search(self, queryset: QuerySet[Violation], name: str, value: str) -> QuerySet[Violation]:
        return lists.search_in("title__icontains", "organisation__name__icontains")(queryset, name, value)


class ViolationTable(lists.Table):
    title = lists.DetailColumn(url="governance:violation", verbose_name=_("案由"))
    organisation = tables.Column(verbose_name=_("当事单位"), order_by=("organisation__name",))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    outcome = lists.ChoiceColumn(verbose_name=_("处罚决定"))
    amount_cny = lists.MoneyColumn(verbose_name=_("罚款金额（元）"))
    decided_on = lists.DayColumn(verbose_name=_("决定日期"))

    class Meta(lists.Table.Meta):
        model = Violation
        fields = ("title", "organisation", "status", "outcome", "amount_cny", "decided_on")


VIOLATIONS = lists.register(lists.Listing(
    name="governance.violations", queryset=selectors.violations, filterset=ViolationFilter, table=ViolationTable,
    title=_("违法行为与处罚"), empty=_("没有可查看的违法案件。"), export_name="violations",
))
