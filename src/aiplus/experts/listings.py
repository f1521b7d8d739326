"""The experts module's lists on the one list mechanism (`aiplus.core.lists`): the pool, the draws and the
consultations, each the same rows on its page and in its API."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aiplus.core import formatting, lists, permissions
from aiplus.core.models import Jurisdiction
from aiplus.experts import selectors
from aiplus.experts.models import Consultation, Draw, ExpertProfile


def is_official(user: object) -> bool:
    """The pool and the draws are the officials' and auditors' (and the superuser's)."""
    return bool(getattr(user, "is_superuser", False)
                or permissions.user_roles(user) & {permissions.OFFICIAL, permissions.AUDITOR})


def _place(table: lists.Table, value: Jurisdiction | None) -> str:
    if value is None:
        return formatting.DASH
    return value.display_name(table.request.LANGUAGE_CODE if table.request else "zh-hans")  # type: ignore[attr-defined]


# -- the pool --------------------------------------------------------------------------------------------------

class ExpertFilter(lists.FilterSet):
    q = django_filters.CharFilter(label=_("搜索姓名、职称、技术方向或单位"), method="search",
                                  widget=django_filters.widgets.forms.TextInput(attrs={"type": "search"}))
    field = django_filters.ChoiceFilter(label=_("专业领域"), choices=selectors.field_choices, method="in_field")

    class Meta:
        model = ExpertProfile
        fields = ["q", "field"]

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
    jurisdiction = tables.Column(verbose_name=_("辖区"), order_by=("jurisdiction__code",))
    status = tables.Column(verbose_name=_("状态"), orderable=False, empty_values=(), accessor="pk")

    class Meta(lists.Table.Meta):
        model = ExpertProfile
        fields = ("user", "title", "organisation", "fields", "technologies", "jurisdiction", "status")

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
        names = self._field_names()
        return str(_("、")).join(names.get(c, c) for c in record.fields)

    def render_technologies(self, record: ExpertProfile) -> str:
        return str(_("、")).join(record.technologies) or formatting.DASH

    def render_jurisdiction(self, value: Jurisdiction) -> str:
        return _place(self, value)

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
    page="experts:pool", api="aiplus_experts_api_list_profiles", audience=is_official,
    title=_("专家库"), empty=_("没有可查看的专家。"), next_step=("experts:register", _("登记专家")),
    export_name="experts",
))
EXPERTS_QUERY = EXPERTS.query_schema()


# -- draws -----------------------------------------------------------------------------------------------------

class DrawFilter(lists.FilterSet):
    class Meta:
        model = Draw
        fields: list[str] = []


class DrawTable(lists.Table):
    id = tables.Column(verbose_name="#")
    purpose = tables.Column(verbose_name=_("用途"))
    subject = tables.Column(verbose_name=_("事项"), orderable=False, empty_values=(), accessor="subject_id")
    jurisdiction = tables.Column(verbose_name=_("辖区"), order_by=("jurisdiction__code",))
    size = tables.Column(verbose_name=_("抽取人数"))
    created_at = tables.Column(verbose_name=_("时间"))
    created_by = tables.Column(verbose_name=_("抽取人"), orderable=False, default=formatting.DASH)

    class Meta(lists.Table.Meta):
        model = Draw
        fields = ("id", "purpose", "subject", "jurisdiction", "size", "created_at", "created_by")
        order_by = ("-created_at",)

    def render_id(self, record: Draw) -> str:
        return format_html('<a href="{}">{}</a>', reverse("experts:draw", args=[record.pk]), record.pk)

    def value_id(self, record: Draw) -> int:
        return record.pk

    def render_subject(self, record: Draw) -> str:
        return f"{record.subject_type} {record.subject_id}".strip() or formatting.DASH

    def render_jurisdiction(self, value: Jurisdiction) -> str:
        return _place(self, value)

    def render_created_at(self, value: object) -> str:
        return formatting.moment(value)


DRAWS = lists.register(lists.Listing(
    name="experts.draws", queryset=selectors.draws, filterset=DrawFilter, table=DrawTable,
    page="experts:draws", api="aiplus_experts_api_list_draws", audience=is_official,
    title=_("专家抽取"), empty=_("尚无抽取记录。"), next_step=("experts:draw_create", _("随机抽取专家")),
    export_name="expert-draws",
))


# -- consultations ---------------------------------------------------------------------------------------------

class ConsultationFilter(lists.FilterSet):
    class Meta:
        model = Consultation
        fields: list[str] = []


class ConsultationTable(lists.Table):
    title = tables.Column(verbose_name=_("标题"))
    jurisdiction = tables.Column(verbose_name=_("辖区"), order_by=("jurisdiction__code",))
    panel = tables.Column(verbose_name=_("专家组"), orderable=False, empty_values=(), accessor="draw_id")
    deadline = tables.Column(verbose_name=_("截止日期"))

    class Meta(lists.Table.Meta):
        model = Consultation
        fields = ("title", "jurisdiction", "panel", "deadline")

    def render_title(self, record: Consultation) -> str:
        return format_html('<a href="{}">{}</a>', reverse("experts:consultation", args=[record.pk]), record.title)

    def value_title(self, record: Consultation) -> str:
        return record.title

    def render_jurisdiction(self, value: Jurisdiction) -> str:
        return _place(self, value)

    def render_panel(self, record: Consultation) -> str:
        if record.draw_id:
            return f"{_('随机抽取')} #{record.draw_id}"
        return str(_("指定专家"))

    def render_deadline(self, value: object) -> str:
        return formatting.day(value)


CONSULTATIONS = lists.register(lists.Listing(
    name="experts.consultations", queryset=selectors.consultations, filterset=ConsultationFilter,
    table=ConsultationTable, page="experts:consultations", api="aiplus_experts_api_list_consultations",
    title=_("专家咨询"), empty=_("暂无专家咨询。"), export_name="expert-consultations",
))
