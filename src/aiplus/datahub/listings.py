"""The datahub's lists on the one list mechanism (`aiplus.core.lists`): the catalogue's datasets, the data services,
the access requests, the GBA filings and the graded data assets. Each `Listing` serves its page and its API list,
so both return the same rows for the same user and filter."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists, permissions
from aiplus.datahub import search, selectors
from aiplus.datahub.models import (
    AccessStatus,
    DataAsset,
    DataService,
    Dataset,
    Distribution,
    FilingStatus,
    GbaFiling,
    Grade,
    Modality,
    OpenAttribute,
)


def search_catalogue(rows: QuerySet[Dataset], query: str) -> QuerySet[Dataset]:
    """The catalogue's words search: the stored-token full-text search (Chinese tokens), the only door to it."""
    return search.apply(rows, query)


def _own_organisations(table: lists.Table, action: str) -> set[int]:
    """The organisations the table's viewer acts for (asked once per render)."""
    cache = f"_own_{action}"
    if not hasattr(table, cache):
        user = getattr(table.request, "user", None)
        signed_in = bool(getattr(user, "is_authenticated", False))
        setattr(table, cache, set(permissions.user_organisation_ids(user, action)) if signed_in else set())
    return getattr(table, cache)  # type: ignore[no-any-return]


# --- the catalogue ----------------------------------------------------------------------------------------------

class DatasetFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索"), method="words")
    open_attribute = django_filters.ChoiceFilter(label=_("开放属性"), choices=OpenAttribute.choices)
    modality = django_filters.ChoiceFilter(label=_("模态"), choices=Modality.choices)
    high_quality = django_filters.ChoiceFilter(label=_("高质量训练数据集"), choices=(("1", _("是")), ("0", _("否"))),
                                               method="quality")
    sector = django_filters.CharFilter(label=_("行业"))
    theme = django_filters.CharFilter(label=_("主题"))
    format = django_filters.CharFilter(label=_("格式"), method="distribution_format")

    def words(self, queryset: QuerySet[Dataset], name: str, value: str) -> QuerySet[Dataset]:
        return search_catalogue(queryset, value) if value.strip() else queryset

    def quality(self, queryset: QuerySet[Dataset], name: str, value: str) -> QuerySet[Dataset]:
        return queryset.filter(high_quality=value == "1")

    def distribution_format(self, queryset: QuerySet[Dataset], name: str, value: str) -> QuerySet[Dataset]:
        # through a subquery, so that a dataset with two such distributions is one row (and facets count it once)
        return (queryset.filter(pk__in=Distribution.objects.filter(format__iexact=value.strip()).values("dataset_id"))
                if value.strip() else queryset)


class DatasetTable(lists.Table):
    title = lists.DetailColumn(verbose_name=_("数据集名称"), url="datahub:dataset")
    provider = tables.Column(verbose_name=_("数据提供方"), accessor="provider__name", order_by=("provider__name",))
    sector = tables.Column(verbose_name=_("行业"))
    open_attribute = tables.Column(verbose_name=_("开放属性"))
    modality = tables.Column(verbose_name=_("模态"))
    high_quality = tables.BooleanColumn(verbose_name=_("高质量"), yesno=("✓", ""))

    class Meta(lists.Table.Meta):
        order_by = ("title",)


CATALOGUE = lists.register(lists.Listing(
    name="datahub.datasets", queryset=selectors.catalogue, filterset=DatasetFilter, table=DatasetTable,
    page="datahub:catalogue",
    title=_("数据目录"), empty=_("没有符合条件的数据集。"), export_name="datasets",
))


# --- data services ----------------------------------------------------------------------------------------------

class ServiceFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("名称或标识符"), method=lists.search_in("title__icontains", "identifier__iexact"))


class ServiceTable(lists.Table):
    title = tables.Column(verbose_name=_("名称"))
    provider = tables.Column(verbose_name=_("数据提供方"), accessor="provider__name", order_by=("provider__name",))
    endpoint_url = tables.Column(verbose_name=_("接口地址"))
    serves = tables.Column(verbose_name=_("提供的数据集"), accessor="pk", orderable=False, empty_values=())
    is_published = tables.BooleanColumn(verbose_name=_("已发布"), yesno=(_("是"), _("否")))
    edit = tables.Column(verbose_name="", accessor="pk", orderable=False, empty_values=(), exclude_from_export=True)

    class Meta(lists.Table.Meta):
        order_by = ("title",)
        row_attrs = {**lists.Table.Meta.row_attrs, "data-testid": lambda record: f"service-{record.identifier}"}

    def render_endpoint_url(self, value: str) -> SafeString:
        return format_html('<a href="{}">{}</a>', value, value)

    def value_endpoint_url(self, value: str) -> str:
        return value

    def render_serves(self, record: DataService) -> SafeString | str:
        served = getattr(record, "visible_serves", [])
        if not served:
            return "—"
        return format_html_join(" · ", '<a href="{}">{}</a>',
                                ((reverse("datahub:dataset", args=[d.pk]), d.title) for d in served))

    def value_serves(self, record: DataService) -> str:
        return " · ".join(d.title for d in getattr(record, "visible_serves", []))

    def render_edit(self, record: DataService) -> SafeString | str:
        if record.provider_id not in _own_organisations(self, "change"):
            return ""
        return format_html('<a href="{}" data-testid="service-edit-{}">{}</a>',
                           reverse("datahub:service_edit", args=[record.pk]), record.identifier, _("编辑"))


SERVICES = lists.register(lists.Listing(
    name="datahub.services", queryset=selectors.service_list, filterset=ServiceFilter, table=ServiceTable,
    api="aiplus_datahub_api_data_services",
    title=_("数据服务"), empty=_("暂无数据服务。"), next_step=("datahub:service_create", _("登记数据服务")),
    export_name="data-services",
))


# --- access requests --------------------------------------------------------------------------------------------

class AccessRequestFilter(lists.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AccessStatus.choices)


class AccessRequestTable(lists.Table):
    number = lists.DetailColumn(verbose_name="#", accessor="pk", order_by=("id",), url="datahub:access_request")
    dataset = tables.Column(verbose_name=_("数据集"), accessor="dataset__title", order_by=("dataset__title",))
    requester = tables.Column(verbose_name=_("申请人"), order_by=("requester__username",))
    status = tables.Column(verbose_name=_("状态"))
    expires_on = tables.Column(verbose_name=_("到期日期"), accessor="agreement__expires_on",
                               order_by=("agreement__expires_on",))

    class Meta(lists.Table.Meta):
        order_by = ("-number",)


ACCESS_REQUESTS = lists.register(lists.Listing(
    name="datahub.access_requests", queryset=selectors.access_requests, filterset=AccessRequestFilter,
    table=AccessRequestTable, api="aiplus_datahub_api_access_requests",
    title=_("数据使用申请"), empty=_("暂无申请。"), next_step=("datahub:catalogue", _("在数据目录中查找数据集")),
    export_name="access-requests",
))


DOCUMENT_LABELS = {"legal_representative_id_copy": _("法定代表人身份证件复印件"), "undertaking": _("承诺书"),
                   "signed_contract": _("已签署的标准合同")}


# --- GBA standard-contract filings ------------------------------------------------------------------------------

class FilingFilter(lists.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=FilingStatus.choices)


class FilingTable(lists.Table):
    number = tables.Column(verbose_name="#", accessor="pk", order_by=("id",))
    processor_name = tables.Column(verbose_name=_("个人信息处理者"))
    recipient_name = tables.Column(verbose_name=_("接收方"))
    contract_effective_on = tables.Column(verbose_name=_("合同生效日期"))
    filing_due_on = tables.Column(verbose_name=_("备案期限"))
    status = tables.Column(verbose_name=_("状态"))
    timer = tables.Column(verbose_name=_("时限"), accessor="pk", orderable=False, empty_values=())
    act = tables.Column(verbose_name="", accessor="pk", orderable=False, empty_values=(), exclude_from_export=True)

    class Meta(lists.Table.Meta):
        order_by = ("-number",)
        row_attrs = {**lists.Table.Meta.row_attrs, "data-filing": lambda record: record.pk}

    def before_render(self, request: Any) -> None:
        # The clocks of the rows on this page, in one query.
        rows = list(self.page.object_list) if getattr(self, "page", None) else []
        self.timers = selectors.filing_timers([row.record.pk for row in rows])

    def render_filing_due_on(self, record: GbaFiling) -> SafeString | str:
        late = (record.status == FilingStatus.AWAITING and record.filing_due_on
                and record.filing_due_on < timezone.localdate())
        if not late:
            return str(record.filing_due_on or "")
        return format_html("{} <strong>{}</strong>", record.filing_due_on, _("已逾期"))

    def value_filing_due_on(self, record: GbaFiling) -> str:
        return str(record.filing_due_on or "")

    def render_timer(self, record: GbaFiling) -> str:
        timer = getattr(self, "timers", {}).get(record.pk)
        return str(timer.get_status_display()) if timer is not None else ""

    def value_timer(self, record: GbaFiling) -> str:
        return self.render_timer(record)

    def render_act(self, record: GbaFiling) -> str:
        if not record.receipt_number and not (record.status == FilingStatus.AWAITING
                                              and record.organisation_id in _own_organisations(self, "add")):
            return ""
        return lists.render_cell("datahub/partials/filing_actions.html", {
            "f": record, "documents": list(DOCUMENT_LABELS.items())}, self.request)


FILINGS = lists.register(lists.Listing(
    name="datahub.filings", queryset=selectors.filing_list, filterset=FilingFilter, table=FilingTable,
    api="aiplus_datahub_api_gba_filings",
    title=_("出境备案与时限"), empty=_("暂无备案。"), export_name="gba-filings",
))


# --- graded data assets -----------------------------------------------------------------------------------------

class AssetFilter(lists.FilterSet):
    grade = django_filters.ChoiceFilter(label=_("数据分级"), choices=Grade.choices)


class AssetTable(lists.Table):
    name = tables.Column(verbose_name=_("名称"))
    organisation = tables.Column(verbose_name=_("组织"), accessor="organisation__name",
                                 order_by=("organisation__name",))
    level = tables.Column(verbose_name=_("粒度"))
    category = tables.Column(verbose_name=_("数据类别"))
    grade = tables.Column(verbose_name=_("数据分级"), attrs={"td": {"data-grade": lambda record: record.grade}})
    internal_level = tables.Column(verbose_name=_("内部级别"), default="")
    legal_basis = tables.Column(verbose_name=_("依据"))
    catalogue = tables.Column(verbose_name=_("重要数据目录"), accessor="in_important_catalogue",
                              order_by=("-in_important_catalogue", "declared_on"))

    class Meta(lists.Table.Meta):
        order_by = ("name",)

    def render_catalogue(self, record: DataAsset) -> str:
        if record.in_important_catalogue:
            return f"{_('已列入')} {record.declared_on}"
        if record.grade == Grade.GENERAL or record.organisation_id not in _own_organisations(self, "add"):
            return "—"
        return lists.render_cell("datahub/partials/declare_asset.html", {"a": record}, self.request)

    def value_catalogue(self, record: DataAsset) -> str:
        return f"{_('已列入')} {record.declared_on}" if record.in_important_catalogue else ""


ASSETS = lists.register(lists.Listing(
    name="datahub.assets", queryset=selectors.asset_list, filterset=AssetFilter, table=AssetTable,
    title=_("数据分类分级"), empty=_("暂无数据资产。"), export_name="data-assets",
))
