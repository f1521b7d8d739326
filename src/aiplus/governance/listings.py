"""The ethics review lists on the one list mechanism (`aiplus.core.lists`): committees, applications, committees'
annual reports and entrustments, each the same rows on its page and in its API."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists, permissions
from aiplus.governance import selectors
from aiplus.governance.models import AnnualReport, ApplicationStatus, Entrustment, EthicsApplication, EthicsCommittee


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


class AnnualReportFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("委员会或单位名称"), method="search")
    year = django_filters.NumberFilter(label=_("报告年度"), min_value=2000, max_value=2100)

    def search(self, queryset: QuerySet[AnnualReport], name: str, value: str) -> QuerySet[AnnualReport]:
        return lists.search_in("committee__name__icontains", "committee__organisation__name__icontains")(
            queryset, name, value)


class AnnualReportTable(lists.Table):
    committee = lists.DetailColumn(url="governance:annual_report", verbose_name=_("委员会"),
                                   order_by=("committee__name",))
    organisation = tables.Column(verbose_name=_("设立单位"), accessor="committee__organisation__name",
                                 order_by=("committee__organisation__name",))
    year = tables.Column(verbose_name=_("报告年度"))
    reviews = tables.Column(verbose_name=_("审查次数"), accessor="figures__reviews", orderable=False)
    follow_ups_overdue = tables.Column(verbose_name=_("逾期跟踪审查"), accessor="figures__follow_ups_overdue",
                                       orderable=False)
    submitted_at = lists.MomentColumn(verbose_name=_("报送时间"))

    class Meta(lists.Table.Meta):
        model = AnnualReport
        fields = ("committee", "organisation", "year", "reviews", "follow_ups_overdue", "submitted_at")


ANNUAL_REPORTS = lists.register(lists.Listing(
    name="governance.annual_reports", queryset=selectors.annual_reports, filterset=AnnualReportFilter,
    table=AnnualReportTable, title=_("伦理委员会年度报告"), empty=_("没有可查看的年度报告。"),
    next_step=("governance:committees", _("到委员会页面报送年度报告")), export_name="ethics-annual-reports",
))



class YearFilter(django_filters.NumberFilter):
    """A whole year (`?year=2025`): from 2000 to next year."""

    field_class = forms.IntegerField


def last_year() -> int:
    return timezone.localdate().year - 1


class UnreportedFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("委员会或单位名称"), method="search")
    year = YearFilter(label=_("报告年度"), method="missing_in", min_value=2000)

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        if not data.get("year"):
            data["year"] = str(last_year())  # the year whose reports are due now
        super().__init__(data, *args, **kwargs)
        self.filters["year"].extra["max_value"] = timezone.localdate().year + 1

    def search(self, queryset: QuerySet[EthicsCommittee], name: str, value: str) -> QuerySet[EthicsCommittee]:
        return lists.search_in("name__icontains", "organisation__name__icontains")(queryset, name, value)

    def missing_in(self, queryset: QuerySet[EthicsCommittee], name: str, value: Any) -> QuerySet[EthicsCommittee]:
        return selectors.without_report(queryset, int(value))


class UnreportedTable(lists.Table):
    name = tables.Column(verbose_name=_("委员会名称"))
    organisation = tables.Column(verbose_name=_("设立单位"), order_by=("organisation__name",))
    registered_on = lists.DayColumn(verbose_name=_("登记日期"))
    chair = tables.Column(verbose_name=_("主任委员"), accessor="chair_name", order_by=("chair_name",),
                          default="—")
    report_year = tables.Column(verbose_name=_("报告年度"), orderable=False)
    due_on = lists.DayColumn(verbose_name=_("报送截止日（平台设置）"), orderable=False)
    overdue = tables.Column(verbose_name=_("是否逾期"), accessor="report_year", orderable=False)
    days_overdue = tables.Column(verbose_name=_("逾期天数"), accessor="report_year", orderable=False)

    class Meta(lists.Table.Meta):
        model = EthicsCommittee
        fields = ("name", "organisation", "registered_on", "chair", "report_year", "due_on", "overdue",
                  "days_overdue")

    def render_chair(self, record: EthicsCommittee, value: Any) -> str:
        return str(value or getattr(record, "chair_username", "") or "—")

    def render_overdue(self, value: int) -> str:
        return str(_("已逾期") if selectors.days_overdue(value) else _("未到期"))

    def render_days_overdue(self, value: int) -> int:
        return selectors.days_overdue(value)


UNREPORTED = lists.register(lists.Listing(
    name="governance.unreported_committees", queryset=selectors.supervised_committees, filterset=UnreportedFilter,
    table=UnreportedTable, title=_("未报送年度报告的伦理委员会"),
    empty=_("该年度本辖区已登记的伦理委员会均已报送年度报告。"),
    next_step=("governance:annual_reports", _("查看已报送的年度报告")), export_name="ethics-annual-reports-missing",
    audience=lists.for_officials_and_auditors,
))

class EntrustmentTable(lists.Table):
    organisation = tables.Column(verbose_name=_("委托单位"), order_by=("organisation__name",))
    committee = tables.Column(verbose_name=_("受托委员会"), order_by=("committee__name",))
    agreed_on = lists.DayColumn(verbose_name=_("委托书签订日期"))
    scope_text = tables.Column(verbose_name=_("委托范围"), orderable=False)
    term_start = lists.DayColumn(verbose_name=_("委托期限开始"))
    term_end = lists.DayColumn(verbose_name=_("委托期限结束"))

    class Meta(lists.Table.Meta):
        model = Entrustment
        fields = ("organisation", "committee", "agreed_on", "scope_text", "term_start", "term_end")


class EntrustmentFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("单位或委员会名称"), method="search")

    def search(self, queryset: QuerySet[Entrustment], name: str, value: str) -> QuerySet[Entrustment]:
        return lists.search_in("organisation__name__icontains", "committee__name__icontains")(queryset, name, value)


ENTRUSTMENTS = lists.register(lists.Listing(
    name="governance.entrustments", queryset=selectors.entrustments, filterset=EntrustmentFilter,
    table=EntrustmentTable, title=_("委托审查"), empty=_("没有可查看的委托审查。"),
    next_step=("governance:entrustments", _("登记委托审查")), export_name="ethics-entrustments",
))


def for_officials(user: Any) -> bool:
    """The audience of the red-line queue: officials (of their jurisdictions) and the superuser."""
    return bool(getattr(user, "is_superuser", False) or permissions.OFFICIAL in permissions.user_roles(user))


class RedLineStateColumn(tables.Column):
    """The flags of a row and where each stands: the red line's name, pending, confirmed or dismissed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value: Any) -> str:
        from aiplus.governance import incidents
        from aiplus.portal.templatetags.localized import localized_value

        states = {"confirmed": _("已确认"), "dismissed": _("已排除"), "": _("待认定")}
        return "；".join(f"{localized_value(row['item'], 'name')}（{states.get(row['decision'], '')}）"
                        for row in incidents.red_line_rows(value or []))

    def value(self, value: Any) -> str:
        return self.render(value)


class RedLineApplicationTable(lists.Table):
    title = lists.DetailColumn(url="governance:ethics_red_line", verbose_name=_("活动名称"))
    organisation = tables.Column(verbose_name=_("申请单位"), order_by=("organisation__name",))
    committee = tables.Column(verbose_name=_("审查委员会"), order_by=("committee__name",))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    red_lines = RedLineStateColumn(verbose_name=_("触及的安全底线"))
    submitted_at = lists.MomentColumn(verbose_name=_("提交时间"))

    class Meta(lists.Table.Meta):
        model = EthicsApplication
        fields = ("title", "organisation", "committee", "status", "red_lines", "submitted_at")


ETHICS_RED_LINES = lists.register(lists.Listing(
    name="governance.ethics_red_lines", queryset=selectors.red_line_applications, filterset=ApplicationFilter,
    table=RedLineApplicationTable, title=_("伦理审查申请的安全底线标记"),
    empty=_("本辖区没有标记安全底线的伦理审查申请。"), export_name="ethics-red-lines", audience=for_officials,
))
