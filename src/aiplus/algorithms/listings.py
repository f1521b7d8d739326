"""The registers' lists on the one list mechanism (`aiplus.core.lists`): each `Listing` serves its page, its export
and its API list, so they return the same rows for the same user and filter. No list or export has a model's
serving endpoint: it is a secret shown only on the model's own page, to its owner's members."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aiplus.algorithms import aigc, search, selectors
from aiplus.algorithms.models import (
    AlgorithmFilingStatus,
    FilingKind,
    FilingStatus,
    HardwareKind,
    ModelKind,
    ReviewOutcome,
    UploadAction,
)
from aiplus.core import formatting, lists, pickers
from aiplus.core import selectors as core_selectors
from aiplus.core.search import SearchIndex
from aiplus.core.vocabularies import Modality

YES_NO = (("1", _("是")), ("0", _("否")))


class _RegisterFilter(lists.FilterSet):
    """The filters every register has: its words (Chinese search), organisation and jurisdiction."""

    index: SearchIndex
    q = lists.SearchFilter(label=_("搜索"), method="words")
    organisation = lists.PickerFilter(label=_("组织"), queryset=core_selectors.all_organisations(),
                                      picker=pickers.OrganisationField)
    jurisdiction = lists.JurisdictionFilter()

    def words(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return self.index.apply(queryset, value) if value.strip() else queryset

    def yes_no(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(**{name: value == "1"})


class _RegisterTable(lists.Table):
    organisation = tables.Column(verbose_name=_("所属组织"), accessor="organisation__name",
                                 order_by=("organisation__name",))
    jurisdiction = lists.JurisdictionColumn()
    is_published = tables.BooleanColumn(verbose_name=_("已公开"), yesno=(_("是"), _("否")))


# --- models -----------------------------------------------------------------------------------------------------

class ModelFilter(_RegisterFilter):
    index = search.MODELS
    kind = django_filters.ChoiceFilter(label=_("模型类型"), choices=ModelKind.choices)
    modality = django_filters.ChoiceFilter(label=_("模态"), choices=Modality.choices, method="with_modality")
    open_weights = django_filters.ChoiceFilter(label=_("开放权重"), choices=YES_NO, method="yes_no")
    licence = django_filters.CharFilter(label=_("许可"), lookup_expr="iexact")
    filing_status = django_filters.ChoiceFilter(label=_("备案状态"), choices=FilingStatus.choices)

    def with_modality(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # modalities is a JSON list of codes: the quoted code matches one element (codes are not substrings of
        # one another's quoted form)
        return queryset.filter(modalities__icontains=f'"{value}"')


class ModelTable(_RegisterTable):
    name = lists.DetailColumn(verbose_name=_("模型名称"), url="algorithms:model")
    kind = lists.ChoiceColumn(verbose_name=_("模型类型"))
    modalities = lists.CodesColumn(verbose_name=_("模态"), names=lambda: dict(Modality.choices))
    parameters_billion = lists.FigureColumn(verbose_name=_("参数规模（十亿）"))
    licence = tables.Column(verbose_name=_("许可"))
    open_weights = tables.BooleanColumn(verbose_name=_("开放权重"), yesno=(_("是"), _("否")))
    filing_status = lists.ChoiceColumn(verbose_name=_("备案状态"))

    class Meta(lists.Table.Meta):
        order_by = ("name",)
        sequence = ("name", "organisation", "kind", "modalities", "parameters_billion", "licence", "open_weights",
                    "filing_status", "jurisdiction", "is_published")



MODELS = lists.register(lists.Listing(
    name="algorithms.models", queryset=selectors.models, filterset=ModelFilter, table=ModelTable,
    title=_("模型"), empty=_("没有符合条件的模型。"), next_step=("algorithms:model_create", _("登记模型")),
    export_name="models",
))


# --- algorithms -------------------------------------------------------------------------------------------------

class AlgorithmFilter(_RegisterFilter):
    index = search.ALGORITHMS
    algorithm_type = django_filters.ChoiceFilter(label=_("算法类型"), choices=selectors.algorithm_types)
    application_field = django_filters.CharFilter(label=_("应用领域"), lookup_expr="iexact")


class AlgorithmTable(_RegisterTable):
    name = lists.DetailColumn(verbose_name=_("算法名称"), url="algorithms:algorithm")
    algorithm_type = tables.Column(verbose_name=_("算法类型"))
    application_field = tables.Column(verbose_name=_("应用领域"))
    service_name = tables.Column(verbose_name=_("支撑的服务"))
    model = tables.Column(verbose_name=_("所用模型"), accessor="model_name")

    class Meta(lists.Table.Meta):
        order_by = ("name",)
        sequence = ("name", "organisation", "algorithm_type", "application_field", "service_name", "model",
                    "jurisdiction", "is_published")

    def render_algorithm_type(self, value: str) -> str:
        return dict(selectors.algorithm_types()).get(value, value)

    def value_algorithm_type(self, value: str) -> str:
        return self.render_algorithm_type(value)


ALGORITHMS = lists.register(lists.Listing(
    name="algorithms.algorithms", queryset=selectors.algorithms, filterset=AlgorithmFilter, table=AlgorithmTable,
    title=_("算法"), empty=_("没有符合条件的算法。"), next_step=("algorithms:algorithm_create", _("登记算法")),
    export_name="algorithms",
))


# --- hardware ---------------------------------------------------------------------------------------------------

class HardwareFilter(_RegisterFilter):
    index = search.HARDWARE
    kind = django_filters.ChoiceFilter(label=_("硬件类型"), choices=HardwareKind.choices)
    domestic = django_filters.ChoiceFilter(label=_("国产"), choices=YES_NO, method="yes_no")
    vendor = django_filters.CharFilter(label=_("厂商"), lookup_expr="iexact")


class HardwareTable(_RegisterTable):
    name = lists.DetailColumn(verbose_name=_("型号"), url="algorithms:device")
    kind = lists.ChoiceColumn(verbose_name=_("硬件类型"))
    vendor = tables.Column(verbose_name=_("厂商"))
    domestic = tables.BooleanColumn(verbose_name=_("国产"), yesno=(_("是"), _("否")))
    fp16_tflops = lists.FigureColumn(verbose_name=_("FP16 算力（TFLOPS）"))
    memory_gb = lists.FigureColumn(verbose_name=_("显存（GB）"))

    class Meta(lists.Table.Meta):
        order_by = ("name",)
        sequence = ("name", "kind", "vendor", "domestic", "fp16_tflops", "memory_gb", "organisation",
                    "jurisdiction", "is_published")


HARDWARE = lists.register(lists.Listing(
    name="algorithms.hardware", queryset=selectors.hardware_list, filterset=HardwareFilter, table=HardwareTable,
    api="aiplus_algorithms_api_list_hardware",
    title=_("硬件"), empty=_("没有符合条件的硬件。"), next_step=("algorithms:device_create", _("登记硬件")),
    export_name="hardware",
))


# --- open-source projects ---------------------------------------------------------------------------------------

class ProjectFilter(_RegisterFilter):
    index = search.PROJECTS
    licence = django_filters.CharFilter(label=_("许可（SPDX）"), lookup_expr="iexact")


class ProjectTable(_RegisterTable):
    name = lists.DetailColumn(verbose_name=_("开源项目名称"), url="algorithms:project")
    repository_url = tables.Column(verbose_name=_("代码仓库"))
    licence = tables.Column(verbose_name=_("许可（SPDX）"))
    support_amount_cny = lists.MoneyColumn(verbose_name=_("支持金额"))

    class Meta(lists.Table.Meta):
        order_by = ("name",)
        sequence = ("name", "organisation", "repository_url", "licence", "support_amount_cny", "jurisdiction",
                    "is_published")


PROJECTS = lists.register(lists.Listing(
    name="algorithms.projects", queryset=selectors.projects, filterset=ProjectFilter, table=ProjectTable,
    title=_("开源项目"), empty=_("没有符合条件的开源项目。"),
    next_step=("algorithms:project_create", _("登记开源项目")),
    export_name="open-source-projects",
))


# --- algorithm filing dossiers ------------------------------------------------------------------------------------

class FilingFilter(lists.FilterSet):
    """The dossiers by status, the algorithm's type and place; `open` keeps those with a running clock (the
    officials' deadline view, nearest date first)."""

    kind = django_filters.ChoiceFilter(label=_("备案类型"), choices=FilingKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AlgorithmFilingStatus.choices)
    algorithm_type = django_filters.ChoiceFilter(label=_("算法类型"), choices=selectors.algorithm_types,
                                                 field_name="algorithm__algorithm_type")
    open = django_filters.ChoiceFilter(label=_("有未到期或已逾期的时限"), choices=YES_NO, method="with_clock")
    jurisdiction = lists.JurisdictionFilter()

    def with_clock(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "1":
            return queryset.filter(due_on__isnull=False).order_by("due_on", "pk")
        return queryset.filter(due_on__isnull=True)


class FilingTable(lists.Table):
    subject_name = lists.DetailColumn(verbose_name=_("备案的算法或服务"), url="algorithms:filing")
    kind = lists.ChoiceColumn(verbose_name=_("备案类型"))
    organisation = tables.Column(verbose_name=_("服务提供者"), accessor="organisation__name",
                                 order_by=("organisation__name",))
    algorithm_type = tables.Column(verbose_name=_("算法类型"), accessor="algorithm__algorithm_type")
    service_form = lists.ChoiceColumn(verbose_name=_("服务形式"))
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    filing_number = tables.Column(verbose_name=_("备案编号"))
    due_on = tables.Column(verbose_name=_("办理时限"))
    jurisdiction = lists.JurisdictionColumn()

    class Meta(lists.Table.Meta):
        sequence = ("subject_name", "kind", "organisation", "algorithm_type", "service_form", "status", "filing_number",
                    "due_on", "jurisdiction")

    def render_algorithm_type(self, value: str) -> str:
        return dict(selectors.algorithm_types()).get(value, value)

    def value_algorithm_type(self, value: str) -> str:
        return self.render_algorithm_type(value)

    def render_due_on(self, value: Any, record: Any) -> Any:
        # the clock's date, marked when it has passed (the selector's `overdue`, on today's date)
        day = formatting.day(value)
        if getattr(record, "overdue", False):
            return format_html('{} <strong class="overdue" data-testid="overdue">{}</strong>', day, _("已逾期"))
        return day

    def value_due_on(self, value: Any, record: Any) -> str:
        day = formatting.day(value)
        return f"{day} {_('已逾期')}" if getattr(record, "overdue", False) else day


FILINGS = lists.register(lists.Listing(
    name="algorithms.filings", queryset=selectors.filings, filterset=FilingFilter, table=FilingTable,
    title=_("备案"), empty=_("没有符合条件的备案。"),
    next_step=("algorithms:filing_create", _("建立备案材料")), export_name="algorithm-filings",
))


# --- AIGC labels at a distribution platform -----------------------------------------------------------------------

class UploadCheckFilter(lists.FilterSet):
    """The checks by action and review; `sha256` finds a file again by its digest."""

    action = django_filters.ChoiceFilter(label=_("处置"), choices=UploadAction.choices)
    review = django_filters.ChoiceFilter(label=_("复核"), choices=ReviewOutcome.choices)
    sha256 = django_filters.CharFilter(label=_("文件 SHA-256"), field_name="file_sha256", lookup_expr="iexact",
                                       max_length=64)
    jurisdiction = lists.JurisdictionFilter()


class UploadCheckTable(lists.Table):
    created_at = lists.MomentColumn(verbose_name=_("核验时间"))
    organisation = tables.Column(verbose_name=_("传播平台"), accessor="organisation__name",
                                 order_by=("organisation__name",))
    file_name = tables.Column(verbose_name=_("文件名"))
    file_format = tables.Column(verbose_name=_("文件格式"))
    propagate_id = tables.Column(verbose_name=_("平台内容编号"))
    found_status = tables.Column(verbose_name=_("原有隐式标识"))
    action = lists.ChoiceColumn(verbose_name=_("处置"))
    review = lists.ChoiceColumn(verbose_name=_("复核"))
    file_sha256 = tables.Column(verbose_name=_("文件 SHA-256"))

    class Meta(lists.Table.Meta):
        sequence = ("created_at", "organisation", "file_name", "file_format", "propagate_id", "found_status",
                    "action", "review", "file_sha256")

    def render_found_status(self, value: str) -> str:
        return str(aigc.STATUS_TEXT.get(value, value))

    def value_found_status(self, value: str) -> str:
        return self.render_found_status(value)


UPLOAD_CHECKS = lists.register(lists.Listing(
    name="algorithms.upload_checks", queryset=selectors.upload_checks, filterset=UploadCheckFilter,
    table=UploadCheckTable, title=_("上传内容标识核验"), empty=_("还没有核验过上传内容。"),
    export_name="upload-checks",
))


class UnlabelledExportFilter(lists.FilterSet):
    recipient = django_filters.CharFilter(label=_("提供对象账号"), field_name="recipient_account",
                                          lookup_expr="iexact", max_length=200)
    jurisdiction = lists.JurisdictionFilter()


class UnlabelledExportTable(lists.Table):
    created_at = lists.MomentColumn(verbose_name=_("提供时间"))
    organisation = tables.Column(verbose_name=_("服务提供者"), accessor="organisation__name",
                                 order_by=("organisation__name",))
    recipient = tables.Column(verbose_name=_("提供对象"))
    recipient_account = tables.Column(verbose_name=_("提供对象账号"))
    content_ref = tables.Column(verbose_name=_("内容编号或说明"))
    retain_until = lists.DayColumn(verbose_name=_("日志至少留存至"))

    class Meta(lists.Table.Meta):
        sequence = ("created_at", "organisation", "recipient", "recipient_account", "content_ref", "retain_until")


UNLABELLED_EXPORTS = lists.register(lists.Listing(
    name="algorithms.unlabelled_exports", queryset=selectors.unlabelled_exports, filterset=UnlabelledExportFilter,
    table=UnlabelledExportTable, title=_("无显式标识内容提供日志"), empty=_("没有提供无显式标识内容的记录。"),
    export_name="unlabelled-exports",
))
