"""The experts module's lists on the one list mechanism (`aiplus.core.lists`): the pool, the draws and the
consultations, each the same rows on its page and in its API."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aiplus.core import formatting, lists
from aiplus.experts import selectors, subjects
from aiplus.experts.models import Consultation, Draw, ExpertProfile

# -- the pool --------------------------------------------------------------------------------------------------

class ExpertFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索姓名、职称、技术方向或单位"), method="search")
    field = django_filters.ChoiceFilter(label=_("专业领域"), choices=selectors.field_choices, method="in_field")

    def search(self, queryset: QuerySet[ExpertProfile], name: str, value: str) -> QuerySet[ExpertProfile]:
        return selectors.search_experts(queryset, value)

    def in_field(self, queryset: QuerySet[ExpertProfile], name: str, value: str) -> QuerySet[ExpertProfile]:
        return selectors.in_field(queryset, value)


class ExpertTable(lists.Table):
    user = tables.Column(verbose_name=_("专家"), order_by=("user__display_name", "user__username"))
    title = tables.Column(verbose_name=_("职称"), default=formatting.DASH)
    organisation = tables.Column(verbose_name=_("所在单位"), order_by=("organisation__name",),
                                 default=formatting.DASH)
    fields = tables.Column(verbose_name=_("专业领域"), orderable=False, empty_values=())
    technologies = tables.Column(verbose_name=_("技术方向"), orderable=False, empty_values=())
    jurisdiction = lists.JurisdictionColumn()
    status = tables.Column(verbose_name=_("状态"), orderable=False, empty_values=(), accessor="pk")

    class Meta(lists.Table.Meta):
        """The platform's table look, in the order the selector gives."""

    def render_user(self, record: ExpertProfile) -> str:
        demo = format_html(' <span class="tag muted">{}</span>', _("演示")) if record.is_demo else ""
        return format_html("{}{}", str(record.user), demo)

    def value_user(self, record: ExpertProfile) -> str:
        return str(record.user)

    def _field_names(self) -> dict[str, str]:
        if not hasattr(self, "_names"):
            self._names = selectors.field_names()
        return self._names

    def render_fields(self, record: ExpertProfile) -> str:
        names = self._field_names()
        return format_html_join(" ", '<span class="tag">{}</span>', ((names.get(c, c),) for c in record.fields))

    def value_fields(self, record: ExpertProfile) -> str:
        return formatting.labels(record.fields, self._field_names())

    def render_technologies(self, record: ExpertProfile) -> str:
        return formatting.text(record.technologies)

    def render_status(self, record: ExpertProfile) -> str:
        if not record.is_active:
            return str(_("已出库"))
        if record.available:
            return str(_("可参加"))
        if record.unavailable_until:
            return str(_("暂不可用（至 %(until)s）") % {"until": formatting.day(record.unavailable_until)})
        return str(_("暂不可用"))


EXPERTS = lists.register(lists.Listing(
    name="experts.pool", queryset=selectors.experts, filterset=ExpertFilter, table=ExpertTable,
    api="aiplus_experts_api_list_profiles", audience=lists.for_officials_and_auditors,
    title=_("专家库"), empty=_("没有可查看的专家。"), next_step=("experts:register", _("登记专家")),
    export_name="experts",
))


# -- draws -----------------------------------------------------------------------------------------------------

class DrawFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索用途或事项"), method=lists.search_in(
        "purpose__icontains", "subject_type__icontains", "subject_id__iexact"))
    jurisdiction = lists.JurisdictionFilter()
    since = lists.day_filter(_("起始日期"), "created_at", "date__gte")
    until = lists.day_filter(_("截止日期"), "created_at", "date__lte")


class DrawTable(lists.Table):
    id = lists.DetailColumn(verbose_name="#", url="experts:draw")
    purpose = tables.Column(verbose_name=_("用途"))
    subject = tables.Column(verbose_name=_("事项"), orderable=False, empty_values=(), accessor="subject_id")
    jurisdiction = lists.JurisdictionColumn()
    size = tables.Column(verbose_name=_("抽取人数"))
    created_at = lists.MomentColumn(verbose_name=_("时间"))
    created_by = tables.Column(verbose_name=_("抽取人"), orderable=False, default=formatting.DASH)

    class Meta(lists.Table.Meta):
        order_by = ("-created_at",)

    def render_subject(self, record: Draw) -> str:
        return subjects.link(record)

    def value_subject(self, record: Draw) -> str:
        return str(subjects.describe(record).text)


DRAWS = lists.register(lists.Listing(
    name="experts.draws", queryset=selectors.draws, filterset=DrawFilter, table=DrawTable,
    audience=lists.for_officials_and_auditors,
    title=_("专家抽取"), empty=_("尚无抽取记录。"), next_step=("experts:draw_create", _("随机抽取专家")),
    export_name="expert-draws",
))


# -- consultations ---------------------------------------------------------------------------------------------

class ConsultationFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索标题"), method=lists.search_in("title__icontains"))
    jurisdiction = lists.JurisdictionFilter()
    open = django_filters.BooleanFilter(label=_("仍在征询"), method="still_open")
    due_from = lists.day_filter(_("截止日期不早于"), "deadline", "gte")
    due_until = lists.day_filter(_("截止日期不晚于"), "deadline", "lte")

    def still_open(self, queryset: QuerySet[Consultation], name: str, value: bool | None) -> QuerySet[Consultation]:
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(deadline__gte=today) if value else queryset.filter(deadline__lt=today)


class ConsultationTable(lists.Table):
    title = lists.DetailColumn(verbose_name=_("标题"), url="experts:consultation")
    jurisdiction = lists.JurisdictionColumn()
    panel = tables.Column(verbose_name=_("专家组"), orderable=False, empty_values=(), accessor="draw_id")
    deadline = lists.DayColumn(verbose_name=_("截止日期"))

    class Meta(lists.Table.Meta):
        """The platform's table look, in the order the selector gives."""

    def render_panel(self, record: Consultation) -> str:
        if record.draw_id:
            return f"{_('随机抽取')} #{record.draw_id}"
        return str(_("指定专家"))


CONSULTATIONS = lists.register(lists.Listing(
    name="experts.consultations", queryset=selectors.consultations, filterset=ConsultationFilter,
    table=ConsultationTable,
    title=_("专家咨询"), empty=_("暂无专家咨询。"), export_name="expert-consultations",
))
