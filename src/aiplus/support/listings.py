"""The support lists on the one list mechanism (`aiplus.core.lists`): applications and budgets, each the same rows
on its page and in its API, exported to Excel through the shared export (formula-safe cells)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import CharField, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from aiplus.compute.models import LedgerEntry
from aiplus.core import lists
from aiplus.support import programmes, selectors
from aiplus.support.models import Application, Budget, Status, Tranche

_MONEY = DecimalField(max_digits=16, decimal_places=2)


def programme_name(code: str) -> str:
    found = programmes.programme(code)
    return programmes.title(found.title) if found else code


class ProgrammeColumn(tables.Column):
    """A programme by its title in the page's language (the export alike)."""

    def render(self, value: Any) -> str:
        return programme_name(str(value))

    def value(self, value: Any) -> str:
        return self.render(value)


def programme_choices() -> list[tuple[str, str]]:
    return [(p.code, programmes.title(p.title)) for p in programmes.catalogue()]


class ApplicationFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("项目或单位名称"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices)
    programme = django_filters.ChoiceFilter(label=_("扶持项目"), field_name="programme_code",
                                            choices=programme_choices)

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        return lists.search_in("title__icontains", "organisation__name__icontains")(queryset, name, value)


class ApplicationTable(lists.Table):
    title = lists.DetailColumn(url="support:application", verbose_name=_("项目名称"))
    programme_code = ProgrammeColumn(verbose_name=_("扶持项目"))
    organisation = tables.Column(verbose_name=_("申请单位"), order_by=("organisation__name",))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    declared_cny = lists.MoneyColumn(verbose_name=_("申报金额"))
    amount_cny = lists.MoneyColumn(verbose_name=_("批准金额"))
    submitted_at = lists.MomentColumn(verbose_name=_("提交时间"))

    class Meta(lists.Table.Meta):
        model = Application
        fields = ("title", "programme_code", "organisation", "status", "declared_cny", "amount_cny",
                  "submitted_at")


APPLICATIONS = lists.register(lists.Listing(
    name="support.applications", queryset=selectors.applications, filterset=ApplicationFilter,
    table=ApplicationTable, title=_("扶持申请"), empty=_("没有可查看的扶持申请。"),
    next_step=("support:finder", _("查找可申报的扶持项目")), export_name="support-applications",
))


def budgets_with_figures(user: Any) -> QuerySet[Budget]:
    """Budgets with what the ledger says is left to commit, and what was paid out in tranches."""
    account = Concat(Value("budget:support:"), Cast(OuterRef("pk"), CharField()), output_field=CharField())
    left = (LedgerEntry.objects.filter(account=account).order_by().values("account")
            .annotate(s=Sum("amount_cny")).values("s"))
    paid = (Tranche.objects.filter(application__budget=OuterRef("pk"), state=Tranche.State.PAID).order_by()
            .values("application__budget").annotate(s=Sum("amount_cny")).values("s"))
    return selectors.budgets(user).annotate(
        left_cny=Coalesce(Subquery(left, output_field=_MONEY), Value(Decimal(0)), output_field=_MONEY),
        paid_cny=Coalesce(Subquery(paid, output_field=_MONEY), Value(Decimal(0)), output_field=_MONEY))


class BudgetFilter(lists.FilterSet):
    year = django_filters.NumberFilter(label=_("年度"), min_value=2000, max_value=2100)
    programme = django_filters.ChoiceFilter(label=_("扶持项目"), field_name="programme_code",
                                            choices=programme_choices)


class CommittedColumn(lists.MoneyColumn):
    def render(self, value: Any, record: Any = None) -> str:  # type: ignore[override]
        return super().render(self._committed(record))

    def value(self, value: Any, record: Any = None) -> Any:  # type: ignore[override]
        return self._committed(record)

    @staticmethod
    def _committed(record: Any) -> Decimal:
        return (record.amount_cny - record.left_cny) if record is not None else Decimal(0)


class BudgetTable(lists.Table):
    programme_code = ProgrammeColumn(verbose_name=_("扶持项目"))
    year = tables.Column(verbose_name=_("年度"))
    jurisdiction = lists.JurisdictionColumn()
    amount_cny = lists.MoneyColumn(verbose_name=_("预算"))
    committed_cny = CommittedColumn(verbose_name=_("已承诺"), accessor="amount_cny", orderable=False)
    paid_cny = lists.MoneyColumn(verbose_name=_("已拨付"))
    left_cny = lists.MoneyColumn(verbose_name=_("可承诺余额"))

    class Meta(lists.Table.Meta):
        model = Budget
        fields = ("programme_code", "year", "jurisdiction", "amount_cny", "committed_cny", "paid_cny", "left_cny")


BUDGETS = lists.register(lists.Listing(
    name="support.budgets", queryset=budgets_with_figures, filterset=BudgetFilter, table=BudgetTable,
    title=_("扶持项目年度预算"), empty=_("没有可查看的预算。"), next_step=("support:programmes", _("扶持项目目录")),
    export_name="support-budgets", audience=lists.for_officials_and_auditors,
))


class NoticeFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("项目或单位名称"), method="search")
    programme = django_filters.ChoiceFilter(label=_("扶持项目"), field_name="programme_code",
                                            choices=programme_choices)

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        return lists.search_in("title__icontains", "organisation__name__icontains")(queryset, name, value)


class NoticeTable(lists.Table):
    title = lists.DetailColumn(url="support:notice", verbose_name=_("项目名称"))
    programme_code = ProgrammeColumn(verbose_name=_("扶持项目"))
    organisation = tables.Column(verbose_name=_("申请单位"), order_by=("organisation__name",))
    amount_cny = lists.MoneyColumn(verbose_name=_("拟支持金额"))
    notice_until = tables.Column(verbose_name=_("公示截止日"))

    class Meta(lists.Table.Meta):
        model = Application
        fields = ("title", "programme_code", "organisation", "amount_cny", "notice_until")


NOTICES = lists.register(lists.Listing(
    name="support.notices", queryset=selectors.notices, filterset=NoticeFilter, table=NoticeTable,
    title=_("扶持项目公示"), empty=_("目前没有公示中的扶持项目。"), export_name="support-notices",
))


class ReviewTable(ApplicationTable):
    class Meta(ApplicationTable.Meta):
        exclude = ("amount_cny",)  # an expert scores the request, not the award


REVIEWS = lists.register(lists.Listing(
    name="support.reviews", queryset=selectors.reviews, filterset=ApplicationFilter, table=ReviewTable,
    title=_("我的评审任务"), empty=_("没有抽取您参加的扶持项目评审。"), export_name="support-reviews",
))
