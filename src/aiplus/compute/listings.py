"""The compute module's lists, on the one list mechanism (`aiplus.core.lists`): each serves its page and its API
list from the same selector, filter set and table, so the two cannot show different rows."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aiplus.compute import selectors
from aiplus.compute.models import (
    JobRequest,
    LedgerEntry,
    LedgerTransaction,
    Redemption,
    ResourcePool,
    SavingsStudy,
    UsageRecord,
    VoucherProgramme,
)
from aiplus.core import formatting, lists

# ------------------------------------------------------------------------------------------------------ requests

class RequestFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("名称"), method=lists.search_in("title__icontains"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=JobRequest.Status.choices)


class RequestTable(lists.Table):
    reference = tables.Column(verbose_name=_("需求编号"), accessor="pk")
    title = lists.DetailColumn(verbose_name=_("名称"), url="compute:request")
    cards = tables.Column(verbose_name=_("卡数"))
    hours = lists.FigureColumn(verbose_name=_("时长（小时）"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    placement = tables.Column(verbose_name=_("分配"), accessor="pk", orderable=False)
    cost = lists.MoneyColumn(verbose_name=_("费用"), accessor="placement__cost_cny", orderable=False, default="")

    class Meta(lists.Table.Meta):
        order_by = ("-created_at",)

    def render_reference(self, record: JobRequest) -> str:
        return record.reference

    def value_reference(self, record: JobRequest) -> str:
        return record.reference

    def render_placement(self, record: JobRequest) -> str:
        placement = getattr(record, "placement", None)
        if placement is None:
            return ""
        return f"{placement.pool.centre.name} · {placement.pool.get_accelerator_model_display()}"

    def value_placement(self, record: JobRequest) -> str:
        return self.render_placement(record)


REQUESTS = lists.register(lists.Listing(
    name="compute.requests", queryset=selectors.requests_for, filterset=RequestFilter, table=RequestTable,
    title=_("算力需求"), empty=_("暂无需求。"),
))


# ----------------------------------------------------------------------------------------------------- bookings

class BookingFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("名称或使用单位"),
                           method=lists.search_in("title__icontains", "organisation__name__icontains"))


class BookingTable(lists.Table):
    """A provider's bookings: each request placed on one of its pools, named by the reference its usage CSV quotes."""

    reference = tables.Column(verbose_name=_("需求编号"), accessor="pk", attrs={"td": {"data-testid": "reference"}})
    title = tables.Column(verbose_name=_("名称"))
    organisation = tables.Column(verbose_name=_("使用单位"), accessor="organisation__name")
    centre = tables.Column(verbose_name=_("算力中心"), accessor="placement__pool__centre__name")
    accelerator_model = tables.Column(verbose_name=_("加速卡型号"), accessor="placement__pool__accelerator_model")
    cards = tables.Column(verbose_name=_("卡数"))
    hours = lists.FigureColumn(verbose_name=_("时长（小时）"))
    cost = lists.MoneyColumn(verbose_name=_("费用"), accessor="placement__cost_cny")
    metered_card_hours = lists.FigureColumn(verbose_name=_("已计量卡时"),
                                            attrs={"td": {"data-testid": "metered"}})

    class Meta(lists.Table.Meta):
        order_by = ("-created_at",)

    def render_reference(self, record: JobRequest) -> str:
        return record.reference

    def value_reference(self, record: JobRequest) -> str:
        return record.reference

    def render_accelerator_model(self, record: JobRequest) -> str:
        return formatting.label(record.placement.pool, "accelerator_model")  # type: ignore[attr-defined]

    def value_accelerator_model(self, record: JobRequest) -> str:
        return self.render_accelerator_model(record)


BOOKINGS = lists.register(lists.Listing(
    name="compute.bookings", queryset=selectors.bookings_for, filterset=BookingFilter, table=BookingTable,
    title=_("本单位算力中心的预订"), empty=_("尚无需求分配到本单位的算力中心。"),
))


# --------------------------------------------------------------------------------------------------------- pools

class PoolFilter(lists.FilterSet):
    region = django_filters.CharFilter(label=_("地区代码（城市、省或国家，如 suzhou、guangdong）"), method="in_region")

    def in_region(self, queryset: QuerySet[ResourcePool], name: str, value: str) -> QuerySet[ResourcePool]:
        return selectors.pools_in_region(queryset, value.strip())


class PoolTable(lists.Table):
    centre = tables.Column(verbose_name=_("算力中心"), accessor="centre__name")
    operator = tables.Column(verbose_name=_("运营单位"), accessor="centre__operator__name")
    accelerator_model = lists.ChoiceColumn(verbose_name=_("型号"))
    domestic = tables.Column(verbose_name=_("国产"))
    cards = tables.Column(verbose_name=_("卡数"))
    available_cards = tables.Column(verbose_name=_("可用"))
    memory_gb = tables.Column(verbose_name=_("显存（GB）"))
    interconnect = tables.Column(verbose_name=_("互联"), default="")
    price_cny_per_card_hour = lists.MoneyColumn(verbose_name=_("单价（元/卡时）"))
    pue = lists.FigureColumn(verbose_name="PUE", accessor="centre__pue")
    green_power_share = tables.Column(verbose_name=_("绿电占比"), accessor="centre__green_power_share")

    class Meta(lists.Table.Meta):
        order_by = ("centre", "accelerator_model")

    def render_domestic(self, value: Any) -> str:
        return formatting.yes_no(value)

    def render_green_power_share(self, value: Any) -> str:
        return formatting.percent(value)


POOLS = lists.register(lists.Listing(
    name="compute.pools", queryset=selectors.pools, filterset=PoolFilter, table=PoolTable,
    page="compute:capacity",
    title=_("区域算力容量与利用率"), empty=_("暂无登记的算力资源。"),
))


# ------------------------------------------------------------------------------------------------------- quotas

class QuotaFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("项目或持券单位"),
                           method=lists.search_in("programme__name__icontains", "organisation__name__icontains"))


class QuotaTable(lists.Table):
    programme = tables.Column(verbose_name=_("项目"), accessor="programme__name")
    organisation = tables.Column(verbose_name=_("持券单位"), accessor="organisation__name")
    amount_cny = lists.MoneyColumn(verbose_name=_("额度"))
    balance_cny = lists.MoneyColumn(verbose_name=_("余额"))

    class Meta(lists.Table.Meta):
        order_by = ("programme", "organisation")


QUOTAS = lists.register(lists.Listing(
    name="compute.quotas", queryset=selectors.quotas_for, filterset=QuotaFilter, table=QuotaTable,
    page="compute:vouchers",
    title=_("算力券"), empty=_("暂无额度。"),
))


# -------------------------------------------------------------------------------------------------- redemptions

class RedemptionFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("持券单位或用量记录"),
                           method=lists.search_in("quota__organisation__name__icontains",
                                                  "usage__record_id__icontains"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Redemption.Status.choices)


class RedemptionTable(lists.Table):
    organisation = tables.Column(verbose_name=_("持券单位"), accessor="quota__organisation__name")
    record_id = tables.Column(verbose_name=_("用量记录"), accessor="usage__record_id")
    spend_cny = lists.MoneyColumn(verbose_name=_("计量费用"))
    amount_cny = lists.MoneyColumn(verbose_name=_("抵扣"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    flags = tables.Column(verbose_name=_("事后审计"), accessor="pk", orderable=False)

    class Meta(lists.Table.Meta):
        order_by = ("-created_at",)

    def render_flags(self, record: Redemption) -> str:
        return format_html_join(" ", '<span class="error">{}</span>',
                                ((flag.get_code_display(),) for flag in record.flags.all()))

    def value_flags(self, record: Redemption) -> str:
        return "; ".join(str(flag.get_code_display()) for flag in record.flags.all())


REDEMPTIONS = lists.register(lists.Listing(
    name="compute.redemptions", queryset=selectors.redemptions_for, filterset=RedemptionFilter,
    table=RedemptionTable,
    title=_("兑付记录"), empty=_("暂无兑付记录。"),
))


# ------------------------------------------------------------------------------------------------------- ledger

class LedgerFilter(lists.FilterSet):
    programme = django_filters.ModelChoiceFilter(
        label=_("算力券项目"), queryset=VoucherProgramme.objects.filter(is_published=True).order_by("name"))
    account_kind = django_filters.ChoiceFilter(label=_("账户"), choices=LedgerEntry.AccountKind.choices)
    kind = django_filters.ChoiceFilter(label=_("业务类型"), field_name="transaction__kind",
                                       choices=LedgerTransaction.Kind.choices)


class LedgerTable(lists.Table):
    """One row per leg of a double-entry transaction: a debit adds to the account, a credit takes from it."""

    booked_at = lists.MomentColumn(verbose_name=_("记账时间"))
    transaction = tables.Column(verbose_name=_("凭证号"), accessor="transaction_id")
    kind = tables.Column(verbose_name=_("业务类型"), accessor="transaction__kind")
    account_kind = lists.ChoiceColumn(verbose_name=_("账户"))
    holder = tables.Column(verbose_name=_("单位"), accessor="organisation__name", default="")
    programme = tables.Column(verbose_name=_("项目"), accessor="programme__name")
    # One unit down the book, so that debits, credits and balances compare at a glance.
    debit_cny = lists.MoneyColumn(verbose_name=_("借方"), default="", unit="yuan")
    credit_cny = lists.MoneyColumn(verbose_name=_("贷方"), default="", unit="yuan")
    concerns = tables.Column(verbose_name=_("对应算力需求"), accessor="pk", orderable=False)

    class Meta(lists.Table.Meta):
        order_by = ("-booked_at", "transaction", "account_kind")

    def render_kind(self, record: LedgerEntry) -> str:
        return formatting.label(record.transaction, "kind")

    def value_kind(self, record: LedgerEntry) -> str:
        return self.render_kind(record)

    def _request(self, record: LedgerEntry) -> Any:
        redemption = record.transaction.redemption
        placement = redemption.usage.placement if redemption is not None else None
        return placement.request if placement is not None else None

    def render_concerns(self, record: LedgerEntry) -> Any:
        request = self._request(record)
        if request is None:
            return formatting.DASH
        return format_html('<a href="{}">{}</a>', reverse("compute:request", args=[request.pk]), request.title)

    def value_concerns(self, record: LedgerEntry) -> str:
        request = self._request(record)
        return request.title if request is not None else ""


LEDGER = lists.register(lists.Listing(
    name="compute.ledger", queryset=selectors.ledger_entries, filterset=LedgerFilter, table=LedgerTable,
    title=_("算力券账本"), empty=_("暂无可查看的账目。"),
))


# -------------------------------------------------------------------------------------------------------- usage

class UsageFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("记录编号或使用单位"),
                           method=lists.search_in("record_id__icontains", "organisation__name__icontains"))
    reconciliation = django_filters.ChoiceFilter(label=_("对账"), choices=UsageRecord.Reconciliation.choices)


class UsageTable(lists.Table):
    record_id = tables.Column(verbose_name=_("记录编号"))
    organisation = tables.Column(verbose_name=_("使用单位"), accessor="organisation__name")
    pool = tables.Column(verbose_name=_("资源池"), accessor="pool__centre__name")
    card_hours = lists.FigureColumn(verbose_name=_("卡时"))
    amount_cny = lists.MoneyColumn(verbose_name=_("金额"))
    period_end = lists.DayColumn(verbose_name=_("计量截止"))
    reconciliation = tables.Column(verbose_name=_("对账"))

    class Meta(lists.Table.Meta):
        order_by = ("-period_end", "record_id")

    def render_pool(self, record: UsageRecord) -> str:
        return f"{record.pool.centre.name} · {formatting.label(record.pool, 'accelerator_model')}"

    def render_reconciliation(self, record: UsageRecord) -> str:
        return f"{formatting.label(record, 'reconciliation')} {record.reconciliation_note}".strip()


USAGE = lists.register(lists.Listing(
    name="compute.usage", queryset=selectors.usage_for, filterset=UsageFilter, table=UsageTable,
    title=_("用量记录"), empty=_("暂无用量记录。"),
))


# ------------------------------------------------------------------------------------------------------ studies

class StudyFilter(lists.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SavingsStudy.Status.choices)


class StudyTable(lists.Table):
    jurisdiction = tables.Column(verbose_name=_("地区"), order_by=("jurisdiction__code",))
    trace = tables.Column(verbose_name=_("轨迹"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    created_at = lists.MomentColumn(verbose_name=_("开始时间"))

    class Meta(lists.Table.Meta):
        order_by = ("-created_at",)

    def render_jurisdiction(self, record: SavingsStudy) -> str:
        return format_html('<a href="{}">{}</a>', reverse("compute:study", args=[record.pk]),
                           lists.jurisdiction_name(self, record.jurisdiction))

    def value_jurisdiction(self, record: SavingsStudy) -> str:
        return record.jurisdiction.code


STUDIES = lists.register(lists.Listing(
    name="compute.studies", queryset=selectors.studies_for, filterset=StudyFilter, table=StudyTable,
    page="compute:savings",
    title=_("调度收益模拟"), empty=_("暂无模拟。"),
))
