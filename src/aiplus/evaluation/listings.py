"""The question-bank lists on the one list mechanism (`aiplus.core.lists`): banks (public: names, kinds and counts)
and items (the review queue; evaluators of the bank's organisation only). Each is the same rows on its page and in
its API; exports go through `core.exports.safe_cell` (a cell starting with = + - @ is never a formula)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists
from aiplus.evaluation import selectors, standard
from aiplus.evaluation.models import Bank, BankKind, Item, ItemStatus


class BankFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("题库或组织名称"), method="search")
    kind = django_filters.ChoiceFilter(label=_("题库类型"), choices=BankKind.choices)

    def search(self, queryset: QuerySet[Bank], name: str, value: str) -> QuerySet[Bank]:
        return lists.search_in("name__icontains", "organisation__name__icontains")(queryset, name, value)


class BankTable(lists.Table):
    name = lists.DetailColumn(url="evaluation:bank", verbose_name=_("题库名称"))
    kind = lists.ChoiceColumn(verbose_name=_("题库类型"))
    organisation = tables.Column(verbose_name=_("所属组织"), order_by=("organisation__name",))
    version_count = lists.FigureColumn(verbose_name=_("版本数"), orderable=False)

    class Meta(lists.Table.Meta):
        model = Bank
        fields = ("name", "kind", "organisation", "version_count")


BANKS = lists.register(lists.Listing(
    name="evaluation.banks", queryset=selectors.banks, filterset=BankFilter, table=BankTable,
    title=_("测试题库"), empty=_("还没有题库。"), next_step=("evaluation:banks", _("创建题库")),
    export_name="question-banks",
))


def _risk_choices() -> list[tuple[str, str]]:
    return [(r.code, f"{r.code} {r.name}") for r in standard.risks()]


class ItemFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("来源编号"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ItemStatus.choices)
    bank = django_filters.NumberFilter(label=_("题库编号"), field_name="version__bank_id")
    version = django_filters.NumberFilter(label=_("版本编号"), field_name="version_id")
    risk = django_filters.ChoiceFilter(label=_("风险类别"), field_name="risk_code", choices=_risk_choices)

    def search(self, queryset: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        return lists.search_in("external_id__icontains")(queryset, name, value)


class PickColumn(tables.Column):
    """A checkbox naming the row for the review form of the page (the form's `id` is `review-form`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(accessor="pk", orderable=False, exclude_from_export=True, empty_values=())
        super().__init__(*args, **kwargs)

    def render(self, value: Any, record: Any, table: Any) -> Any:
        user = getattr(getattr(table, "request", None), "user", None)
        if record.status != ItemStatus.CANDIDATE or record.version.status != "draft" \
                or record.author_id == getattr(user, "pk", None):  # nobody reviews their own items
            return ""
        return format_html('<input type="checkbox" name="items" value="{}" form="review-form" '
                           'data-testid="pick" aria-label="{}">', value, record.external_id)


class RiskColumn(tables.Column):
    def render(self, value: Any) -> str:
        names = {r.code: r.name for r in standard.risks()}
        return f"{value} {names.get(value, '')}".strip()


class ItemTable(lists.Table):
    pick = PickColumn(verbose_name=_("选择"))
    external_id = tables.Column(verbose_name=_("来源编号"))
    bank = tables.Column(verbose_name=_("题库"), accessor="version__bank__name", order_by=("version__bank__name",))
    version = tables.Column(verbose_name=_("版本号"), accessor="version__number", orderable=False)
    text = tables.Column(verbose_name=_("内容"), orderable=False)
    risk_code = RiskColumn(verbose_name=_("风险类别"))
    source_category = tables.Column(verbose_name=_("来源类别"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    author = tables.Column(verbose_name=_("录入人"), order_by=("author__username",))

    class Meta(lists.Table.Meta):
        model = Item
        fields = ("pick", "external_id", "bank", "version", "text", "risk_code", "source_category", "status",
                  "author")


ITEMS = lists.register(lists.Listing(
    name="evaluation.items", queryset=selectors.items, filterset=ItemFilter, table=ItemTable,
    title=_("题目审核"), empty=_("没有可查看的题目：题目仅对题库所属组织的评估人员可见。"),
    export_name="question-bank-items",
))
