"""The ethics review lists on the one list mechanism (`aiplus.core.lists`): committees and applications, each the
same rows on its page and in its API."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists
from aiplus.governance import selectors
from aiplus.governance.models import ApplicationStatus, EthicsApplication, EthicsCommittee


class CommitteeFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("委员会或单位名称"), method="search")

    def search(self, queryset: QuerySet[EthicsCommittee], name: str, value: str) -> QuerySet[EthicsCommittee]:
        return lists.search_in("name__icontains", "organisation__name__icontains")(queryset, name, value)


class CommitteeTable(lists.Table):
    name = lists.DetailColumn(url="governance:committee", verbose_name=_("委员会名称"))
    organisation = tables.Column(verbose_name=_("设立单位"), order_by=("organisation__name",))
    established_on = lists.DayColumn(verbose_name=_("设立日期"))
    registered_on = lists.DayColumn(verbose_name=_("登记日期"))

    class Meta(lists.Table.Meta):
        model = EthicsCommittee
        fields = ("name", "organisation", "established_on", "registered_on")


COMMITTEES = lists.register(lists.Listing(
    name="governance.committees", queryset=selectors.committees, filterset=CommitteeFilter, table=CommitteeTable,
    title=_("科技伦理（审查）委员会"), empty=_("没有可查看的伦理委员会。"),
    next_step=("governance:committees", _("设立伦理委员会")), export_name="ethics-committees",
))


class ApplicationFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("活动名称"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ApplicationStatus.choices)

    def search(self, queryset: QuerySet[EthicsApplication], name: str, value: str) -> QuerySet[EthicsApplication]:
        return lists.search_in("title__icontains")(queryset, name, value)


class ApplicationTable(lists.Table):
    title = lists.DetailColumn(url="governance:application", verbose_name=_("活动名称"))
    organisation = tables.Column(verbose_name=_("申请单位"), order_by=("organisation__name",))
    committee = tables.Column(verbose_name=_("审查委员会"), order_by=("committee__name",))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    decision_due = lists.MomentColumn(verbose_name=_("决定期限"))

    class Meta(lists.Table.Meta):
        model = EthicsApplication
        fields = ("title", "organisation", "committee", "status", "decision_due")


APPLICATIONS = lists.register(lists.Listing(
    name="governance.applications", queryset=selectors.applications, filterset=ApplicationFilter,
    table=ApplicationTable, title=_("伦理审查申请"), empty=_("没有可查看的伦理审查申请。"),
    next_step=("governance:applications", _("提交伦理审查申请")), export_name="ethics-applications",
))
