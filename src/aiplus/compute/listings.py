"""The compute module's lists, on the one list mechanism (`aiplus.core.lists`): each serves its page and its API
list from the same selector, filter set and table, so the two cannot show different rows."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aiplus.compute import selectors
from aiplus.compute.models import JobRequest, Redemption, ResourcePool, SavingsStudy, UsageRecord, VoucherQuota
from aiplus.core import formatting, lists


def _search(*fields: str) -> Any:
    """A filter method matching the typed text in any of `fields`."""

    def method(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": text})
        return queryset.filter(condition)

    return method


SEARCH_WIDGET = django_filters.widgets.forms.TextInput(attrs={"type": "search"})


class MoneyColumn(tables.Column):
    """An amount in yuan, read through the one formatter (the export keeps the number)."""

    def render(self, value: Any) -> str:
        return formatting.money(value)

    def value(self, value: Any) -> Any:
        return value


class FigureColumn(tables.Column):
    def render(self, value: Any) -> str:
        return formatting.figure(value)

    def value(self, value: Any) -> Any:
        return value


# ------------------------------------------------------------------------------------------------------ requests

class RequestFilter(lists.FilterSet):
    q = django_filters.CharFilter(label=_("名称"), method=_search("title"), widget=SEARCH_WIDGET)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=JobRequest.Status.choices)

    class Meta:
        model = JobRequest
        fields = ["q", "status"]


class RequestTable(lists.Table):
    title = tables.Column(verbose_name=_("名称"))
    cards = tables.Column(verbose_name=_("卡数"))
    hours = FigureColumn(verbose_name=_("时长（小时）"))
    status = tables.Column(verbose_name=_("状态"))
    placement = tables.Column(verbose_name=_("分配"), accessor="pk", orderable=False)
    cost = MoneyColumn(verbose_name=_("费用"), accessor="placement__cost_cny", orderable=False, default="")

    class Meta(lists.Table.Meta):
        model = JobRequest
        fields = ("title", "cards", "hours", "status", "placement", "cost")
        order_by = ("-created_at",)

    def render_title(self, record: JobRequest) -> str:
        return format_html('<a href="{}">{}</a>', reverse("compute:request", args=[record.pk]), record.title)

    def value_title(self, record: JobRequest) -> str:
        return record.title

    def render_status(self, record: JobRequest) -> str:
        return formatting.label(record, "status")

    def render_placement(self, record: JobRequest) -> str:
        placement = getattr(record, "placement", None)
        if placement is None:
            return ""
        return f"{placement.pool.centre.name} · {placement.pool.get_accelerator_model_display()}"

    def value_placement(self, record: JobRequest) -> str:
        return self.render_placement(record)


REQUESTS = lists.register(lists.Listing(
    name="compute.requests", queryset=selectors.requests_for, filterset=RequestFilter, table=RequestTable,
    page="compute:requests", api="aiplus_compute_api_list_requests",
    title=_("算力需求"), empty=_("暂无需求。"),
))
REQUESTS_QUERY = REQUESTS.query_schema()


# --------------------------------------------------------------------------------------------------------- pools

class PoolFilter(lists.FilterSet):
    region = django_filters.CharFilter(label=_("地区代码（城市、省或国家，如 suzhou、guangdong）"), method="in_region")

    class Meta:
        model = ResourcePool
        fields = ["region"]

    def in_region(self, queryset: QuerySet[ResourcePool], name: str, value: str) -> QuerySet[ResourcePool]:
        return selectors.pools_in_region(queryset, value.strip())


class PoolTable(lists.Table):
    centre = tables.Column(verbose_name=_("算力中心"), accessor="centre__name")
    operator = tables.Column(verbose_name=_("运营单位"), accessor="centre__operator__name")
    accelerator_model = tables.Column(verbose_name=_("型号"))
    domestic = tables.Column(verbose_name=_("国产"))
    cards = tables.Column(verbose_name=_("卡数"))
    available_cards = tables.Column(verbose_name=_("可用"))
    memory_gb = tables.Column(verbose_name=_("显存（GB）"))
    interconnect = tables.Column(verbose_name=_("互联"), default="")
    price_cny_per_card_hour = MoneyColumn(verbose_name=_("单价（元/卡时）"))
    pue = FigureColumn(verbose_name="PUE", accessor="centre__pue")
    green_power_share = tables.Column(verbose_name=_("绿电占比"), accessor="centre__green_power_share")

    class Meta(lists.Table.Meta):
        model = ResourcePool
        fields = ("centre", "operator", "accelerator_model", "domestic", "cards", "available_cards", "memory_gb",
                  "interconnect", "price_cny_per_card_hour", "pue", "green_power_share")
        order_by = ("centre", "accelerator_model")

    def render_accelerator_model(self, record: ResourcePool) -> str:
        return formatting.label(record, "accelerator_model")

    def render_domestic(self, value: Any) -> str:
        return formatting.yes_no(value)

    def render_green_power_share(self, value: Any) -> str:
        return formatting.percent(value)


POOLS = lists.register(lists.Listing(
    name="compute.pools", queryset=selectors.pools, filterset=PoolFilter, table=PoolTable,
    page="compute:capacity", api="aiplus_compute_api_list_pools",
    title=_("区域算力容量与利用率"), empty=_("暂无登记的算力资源。"),
))
POOLS_QUERY = POOLS.query_schema()


# ------------------------------------------------------------------------------------------------------- quotas

class QuotaFilter(lists.FilterSet):
    q = django_filters.CharFilter(label=_("项目或持券单位"), method=_search("programme__name", "organisation__name"),
                                  widget=SEARCH_WIDGET)

    class Meta:
        model = VoucherQuota
        fields = ["q"]


class QuotaTable(lists.Table):
    programme = tables.Column(verbose_name=_("项目"), accessor="programme__name")
    organisation = tables.Column(verbose_name=_("持券单位"), accessor="organisation__name")
    amount_cny = MoneyColumn(verbose_name=_("额度"))
    balance_cny = MoneyColumn(verbose_name=_("余额"))

    class Meta(lists.Table.Meta):
        model = VoucherQuota
        fields = ("programme", "organisation", "amount_cny", "balance_cny")
        order_by = ("programme", "organisation")


QUOTAS = lists.register(lists.Listing(
    name="compute.quotas", queryset=selectors.quotas_for, filterset=QuotaFilter, table=QuotaTable,
    page="compute:vouchers", api="aiplus_compute_api_list_quotas",
    title=_("算力券"), empty=_("暂无额度。"),
))
QUOTAS_QUERY = QUOTAS.query_schema()


# -------------------------------------------------------------------------------------------------- redemptions

class RedemptionFilter(lists.FilterSet):
    q = django_filters.CharFilter(label=_("持券单位或用量记录"),
                                  method=_search("quota__organisation__name", "usage__record_id"), widget=SEARCH_WIDGET)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Redemption.Status.choices)

    class Meta:
        model = Redemption
        fields = ["q", "status"]


class RedemptionTable(lists.Table):
    organisation = tables.Column(verbose_name=_("持券单位"), accessor="quota__organisation__name")
    record_id = tables.Column(verbose_name=_("用量记录"), accessor="usage__record_id")
    spend_cny = MoneyColumn(verbose_name=_("计量费用"))
    amount_cny = MoneyColumn(verbose_name=_("抵扣"))
    status = tables.Column(verbose_name=_("状态"))
    flags = tables.Column(verbose_name=_("事后审计"), accessor="pk", orderable=False)

    class Meta(lists.Table.Meta):
        model = Redemption
        fields = ("organisation", "record_id", "spend_cny", "amount_cny", "status", "flags")
        order_by = ("-created_at",)

    def render_status(self, record: Redemption) -> str:
        return formatting.label(record, "status")

    def render_flags(self, record: Redemption) -> str:
        return format_html_join(" ", '<span class="error">{}</span>',
                                ((flag.get_code_display(),) for flag in record.flags.all()))

    def value_flags(self, record: Redemption) -> str:
        return "; ".join(str(flag.get_code_display()) for flag in record.flags.all())


REDEMPTIONS = lists.register(lists.Listing(
    name="compute.redemptions", queryset=selectors.redemptions_for, filterset=RedemptionFilter,
    table=RedemptionTable, page="compute:redemptions", api="aiplus_compute_api_list_redemptions",
    title=_("兑付记录"), empty=_("暂无兑付记录。"),
))
REDEMPTIONS_QUERY = REDEMPTIONS.query_schema()


# -------------------------------------------------------------------------------------------------------- usage

class UsageFilter(lists.FilterSet):
    q = django_filters.CharFilter(label=_("记录编号或使用单位"), method=_search("record_id", "organisation__name"),
                                  widget=SEARCH_WIDGET)
    reconciliation = django_filters.ChoiceFilter(label=_("对账"), choices=UsageRecord.Reconciliation.choices)

    class Meta:
        model = UsageRecord
        fields = ["q", "reconciliation"]


class UsageTable(lists.Table):
    record_id = tables.Column(verbose_name=_("记录编号"))
    organisation = tables.Column(verbose_name=_("使用单位"), accessor="organisation__name")
    pool = tables.Column(verbose_name=_("资源池"), accessor="pool__centre__name")
    card_hours = FigureColumn(verbose_name=_("卡时"))
    amount_cny = MoneyColumn(verbose_name=_("金额"))
    period_end = tables.Column(verbose_name=_("计量截止"))
    reconciliation = tables.Column(verbose_name=_("对账"))

    class Meta(lists.Table.Meta):
        model = UsageRecord
        fields = ("record_id", "organisation", "pool", "card_hours", "amount_cny", "period_end", "reconciliation")
        order_by = ("-period_end", "record_id")

    def render_pool(self, record: UsageRecord) -> str:
        return f"{record.pool.centre.name} · {formatting.label(record.pool, 'accelerator_model')}"

    def render_period_end(self, value: Any) -> str:
        return formatting.day(value)

    def render_reconciliation(self, record: UsageRecord) -> str:
        return f"{formatting.label(record, 'reconciliation')} {record.reconciliation_note}".strip()


USAGE = lists.register(lists.Listing(
    name="compute.usage", queryset=selectors.usage_for, filterset=UsageFilter, table=UsageTable,
    page="compute:usage", api="aiplus_compute_api_list_usage",
    title=_("用量记录"), empty=_("暂无用量记录。"),
))
USAGE_QUERY = USAGE.query_schema()


# ------------------------------------------------------------------------------------------------------ studies

class StudyFilter(lists.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SavingsStudy.Status.choices)

    class Meta:
        model = SavingsStudy
        fields = ["status"]


class StudyTable(lists.Table):
    jurisdiction = tables.Column(verbose_name=_("地区"), order_by=("jurisdiction__code",))
    trace = tables.Column(verbose_name=_("轨迹"))
    status = tables.Column(verbose_name=_("状态"))
    created_at = tables.Column(verbose_name=_("开始时间"))

    class Meta(lists.Table.Meta):
        model = SavingsStudy
        fields = ("jurisdiction", "trace", "status", "created_at")
        order_by = ("-created_at",)

    def render_jurisdiction(self, record: SavingsStudy) -> str:
        language = self.request.LANGUAGE_CODE if self.request else "zh-hans"  # type: ignore[attr-defined]
        return format_html('<a href="{}">{}</a>', reverse("compute:study", args=[record.pk]),
                           record.jurisdiction.display_name(language))

    def value_jurisdiction(self, record: SavingsStudy) -> str:
        return record.jurisdiction.code

    def render_status(self, record: SavingsStudy) -> str:
        return formatting.label(record, "status")

    def render_created_at(self, value: Any) -> str:
        return formatting.moment(value)


STUDIES = lists.register(lists.Listing(
    name="compute.studies", queryset=selectors.studies_for, filterset=StudyFilter, table=StudyTable,
    page="compute:savings", api="aiplus_compute_api_list_studies",
    title=_("调度收益模拟"), empty=_("暂无模拟。"),
))
STUDIES_QUERY = STUDIES.query_schema()
