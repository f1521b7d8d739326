"""The scenarios module's lists on the one list mechanism (`aiplus.core.lists`): needs, scenario lists (场景清单),
capability profiles, open calls (揭榜挂帅), pilots and cases. Each page and its API list call the same `Listing.rows`,
so they show the same rows for the same user and filter (`tests/test_list_parity.py`)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aiplus.core import formatting, lists, permissions
from aiplus.core.models import Jurisdiction
from aiplus.scenarios import pack_rules, selectors
from aiplus.scenarios.models import (
    CallStatus,
    CapabilityProfile,
    Case,
    Need,
    NeedStatus,
    PilotStatus,
    ScenarioList,
)


def _domain_choices() -> list[tuple[str, str]]:
    return pack_rules.domain_choices(get_language() or "zh-hans")


def _in_domain(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    """A domain and its sub-scenarios ("industry" also finds "industry.manufacturing")."""
    return queryset.filter(Q(domain=value) | Q(domain__startswith=f"{value}.")) if value else queryset


def _in_place(queryset: QuerySet[Any], name: str, value: Jurisdiction | None) -> QuerySet[Any]:
    """A jurisdiction and the districts directly below it."""
    return queryset.filter(Q(jurisdiction=value) | Q(jurisdiction__parent=value)) if value else queryset


# -- needs ---------------------------------------------------------------------------------------------------------

class NeedFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索"), method="search")
    domain = django_filters.ChoiceFilter(label=_("领域"), choices=_domain_choices, method=_in_domain)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=NeedStatus.choices)
    jurisdiction = lists.JurisdictionFilter(label=_("地区"), method=_in_place)

    def search(self, queryset: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        return selectors.search_needs(queryset, value)


class NeedTable(lists.Table):
    # An official ticks reviewed needs here to publish them as a scenario list (the form around the table).
    pick = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True,
                         accessor="pk")
    title = tables.Column(verbose_name=_("场景名称"))
    owner = tables.Column(verbose_name=_("提出单位"), order_by=("owner__name",))
    jurisdiction = lists.JurisdictionColumn(verbose_name=_("地区"))
    domain = tables.Column(verbose_name=_("领域"))
    budget = tables.Column(verbose_name=_("预算"), empty_values=(), order_by=("budget_min_cny",),
                           accessor="budget_min_cny")
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    scenario_list = tables.Column(verbose_name=_("场景清单"), order_by=("scenario_list__year", "scenario_list__number"))

    class Meta(lists.Table.Meta):
        order_by = ("-created_at",)

    def before_render(self, request: Any) -> None:
        if not _is_official(request.user):
            self.columns.hide("pick")

    def render_pick(self, record: Need) -> str:
        if record.status != NeedStatus.REVIEWED:
            return ""
        # a refused publication draws the page again with the needs it ticked still ticked
        request = getattr(self, "request", None)
        ticked = request.POST.getlist("need_ids") if request is not None and request.method == "POST" else ()
        checked = " checked" if str(record.pk) in ticked else ""
        return format_html('<input type="checkbox" name="need_ids" value="{}" aria-label="{}"{}>', record.pk,
                           record.title, checked)

    def render_title(self, record: Need) -> str:
        copied = format_html(" <small>{}</small>", _("复制推广")) if record.replicated_from_id else ""
        return format_html('<a href="{}">{}</a>{}', reverse("scenarios:need", args=[record.pk]), record.title, copied)

    def value_title(self, record: Need) -> str:
        return record.title

    def render_domain(self, value: str) -> str:
        return pack_rules.domain_name(value, lists.table_language(self))

    def render_budget(self, record: Need) -> str:
        return formatting.money_span(record.budget_min_cny, record.budget_max_cny)


def _is_official(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and (user.is_superuser or permissions.user_jurisdiction_ids(user, "change")))


NEEDS = lists.register(lists.Listing(
    name="scenarios.needs", queryset=selectors.needs, filterset=NeedFilter, table=NeedTable,
    title=_("场景需求"), empty=_("暂无场景需求。"),
))


# -- scenario lists (场景清单) ----------------------------------------------------------------------------------------

class ScenarioListFilter(lists.FilterSet):
    jurisdiction = lists.JurisdictionFilter()
    year = django_filters.NumberFilter(label=_("年度"))


class ScenarioListTable(lists.Table):
    title = lists.DetailColumn(verbose_name=_("名称"), order_by=("year", "number"), url="scenarios:list")
    department = tables.Column(verbose_name=_("发布部门"))
    co_publishers = tables.Column(verbose_name=_("联合发布"), empty_values=(), orderable=False)
    need_count = tables.Column(verbose_name=_("需求数"))
    published_on = tables.Column(verbose_name=_("发布日期"))

    class Meta(lists.Table.Meta):
        order_by = ("-published_on",)

    def render_co_publishers(self, record: ScenarioList) -> str:
        return " ".join(lists.jurisdiction_name(self, j) for j in record.co_publishers.all())


SCENARIO_LISTS = lists.register(lists.Listing(
    name="scenarios.lists", queryset=selectors.lists, filterset=ScenarioListFilter, table=ScenarioListTable,
    title=_("场景清单"), empty=_("暂无场景清单。"), next_step=("scenarios:needs", _("查看场景需求")),
))


# -- capability profiles ---------------------------------------------------------------------------------------------

class ProfileFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索"), method="search")
    domain = django_filters.ChoiceFilter(label=_("领域"), choices=_domain_choices, method="serving")

    def search(self, queryset: QuerySet[CapabilityProfile], name: str, value: str) -> QuerySet[CapabilityProfile]:
        return selectors.search_profiles(queryset, value)

    def serving(self, queryset: QuerySet[CapabilityProfile], name: str, value: str) -> QuerySet[CapabilityProfile]:
        return selectors.profiles_serving(queryset, value)


class ProfileTable(lists.Table):
    organisation = tables.Column(verbose_name=_("供给方"), order_by=("organisation__name",))
    products = lists.DetailColumn(verbose_name=_("产品与服务"), url="scenarios:profile")
    domains = tables.Column(verbose_name=_("领域"), orderable=False)
    price = tables.Column(verbose_name=_("报价"), empty_values=(), accessor="price_min_cny",
                          order_by=("price_min_cny",))
    edit = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True, accessor="pk")

    class Meta(lists.Table.Meta):
        order_by = ("-updated_at",)

    def before_render(self, request: Any) -> None:
        user = request.user
        self.own_organisations = (permissions.user_organisation_ids(user, "add")
                                  if getattr(user, "is_authenticated", False) else set())

    def render_domains(self, value: list[str]) -> str:
        return str(_("、")).join(pack_rules.domain_name(code, lists.table_language(self)) for code in value)

    def render_price(self, record: CapabilityProfile) -> str:
        return formatting.money_span(record.price_min_cny, record.price_max_cny)

    def render_edit(self, record: CapabilityProfile) -> str:
        if record.organisation_id not in getattr(self, "own_organisations", set()):
            return ""
        return format_html('<a href="{}">{}</a>', reverse("scenarios:profile_edit", args=[record.pk]), _("修改"))


PROFILES = lists.register(lists.Listing(
    name="scenarios.profiles", queryset=selectors.profiles, filterset=ProfileFilter, table=ProfileTable,
    title=_("供给方能力清单"), empty=_("暂无能力清单。"),
))


# -- open calls (揭榜挂帅) --------------------------------------------------------------------------------------------

class CallFilter(lists.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CallStatus.choices)
    jurisdiction = lists.JurisdictionFilter()


class CallTable(lists.Table):
    title = lists.DetailColumn(verbose_name=_("名称"), url="scenarios:call")
    jurisdiction = lists.JurisdictionColumn()
    need_count = tables.Column(verbose_name=_("榜单数"))
    application_count = tables.Column(verbose_name=_("申报数"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    closes_on = tables.Column(verbose_name=_("申报截止"))

    class Meta(lists.Table.Meta):
        order_by = ("-closes_on",)


CALLS = lists.register(lists.Listing(
    name="scenarios.calls", queryset=selectors.calls, filterset=CallFilter, table=CallTable,
    title=_("揭榜挂帅"), empty=_("暂无揭榜挂帅榜单。"),
))


# -- pilots ------------------------------------------------------------------------------------------------------------

class PilotFilter(lists.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PilotStatus.choices)


class PilotTable(lists.Table):
    need = lists.DetailColumn(verbose_name=_("场景需求"), accessor="need__title", order_by=("need__title",),
                              url="scenarios:pilot")
    supplier = tables.Column(verbose_name=_("供给方"), order_by=("supplier__name",))
    jurisdiction = lists.JurisdictionColumn(verbose_name=_("地区"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))

    class Meta(lists.Table.Meta):
        order_by = ("-created_at",)


PILOTS = lists.register(lists.Listing(
    name="scenarios.pilots", queryset=selectors.pilots, filterset=PilotFilter, table=PilotTable,
    title=_("场景试点"), empty=_("暂无场景试点。"), next_step=("scenarios:calls", _("查看揭榜挂帅")),
))


# -- cases -------------------------------------------------------------------------------------------------------------

class CaseFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索"), method="search")
    domain = django_filters.ChoiceFilter(label=_("领域"), choices=_domain_choices, method=_in_domain)
    jurisdiction = lists.JurisdictionFilter(label=_("地区"))

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return selectors.search_cases(queryset, value)


class CaseTable(lists.Table):
    title = lists.DetailColumn(verbose_name=_("案例名称"), url="scenarios:case")
    jurisdiction = lists.JurisdictionColumn(verbose_name=_("地区"))
    supplier = tables.Column(verbose_name=_("供给方"), accessor="pilot__supplier", order_by=("pilot__supplier__name",))
    replication_count = tables.Column(verbose_name=_("复制推广次数"))

    class Meta(lists.Table.Meta):
        order_by = ("-created_at",)


CASES = lists.register(lists.Listing(
    name="scenarios.cases", queryset=selectors.cases, filterset=CaseFilter, table=CaseTable,
    title=_("典型案例"), empty=_("暂无典型案例。"),
))
