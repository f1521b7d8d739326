"""The public lists of participation on the one list mechanism (`aiplus.core.lists`): notices and policy documents,
and events, each the same rows on its page, in its export and in its API. Searched through the one search design
(`participation.search`, the full-text index), never a scan over text columns."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists
from aiplus.participation import search, selectors
from aiplus.participation.models import Association, Consultation, Event, Notice, NoticeKind, SubjectKind

YES_NO = (("1", _("是")), ("0", _("否")))


class NoticeFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索"), method="words")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=NoticeKind.choices)
    jurisdiction = lists.JurisdictionFilter()
    in_force = django_filters.ChoiceFilter(label=_("现行有效"), choices=YES_NO, method="in_force_filter")

    def words(self, queryset: QuerySet[Notice], name: str, value: str) -> QuerySet[Notice]:
        return search.NOTICES.apply(queryset, value) if value.strip() else queryset

    def in_force_filter(self, queryset: QuerySet[Notice], name: str, value: str) -> QuerySet[Notice]:
        today = timezone.localdate()
        current = (Q(effective_on__isnull=True) | Q(effective_on__lte=today)) & (
            Q(expires_on__isnull=True) | Q(expires_on__gt=today)) & (
            Q(effective_on__isnull=False) | Q(expires_on__isnull=False))
        return queryset.filter(current) if value == "1" else queryset.exclude(current)


class NoticeTable(lists.Table):
    title = lists.DetailColumn(url="participation:notice", verbose_name=_("标题"))
    kind = lists.ChoiceColumn(verbose_name=_("类别"))
    jurisdiction = lists.JurisdictionColumn()
    document_number = tables.Column(verbose_name=_("文号"))
    effective_on = lists.DayColumn(verbose_name=_("施行日期"))
    published_at = lists.MomentColumn(verbose_name=_("发布时间"))

    class Meta(lists.Table.Meta):
        model = Notice
        fields = ("title", "kind", "jurisdiction", "document_number", "effective_on", "published_at")


NOTICES = lists.register(lists.Listing(
    name="participation.notices", queryset=selectors.notices, filterset=NoticeFilter, table=NoticeTable,
    title=_("通知公告与政策文件"), empty=_("没有可查看的通知公告。"), export_name="notices",
))


class EventFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索"), method="words")
    jurisdiction = lists.JurisdictionFilter()
    upcoming = django_filters.ChoiceFilter(label=_("尚未结束"), choices=YES_NO, method="upcoming_filter")

    def words(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return search.EVENTS.apply(queryset, value) if value.strip() else queryset

    def upcoming_filter(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        now = timezone.now()
        return queryset.filter(ends_at__gt=now) if value == "1" else queryset.filter(ends_at__lte=now)


class EventTable(lists.Table):
    title = lists.DetailColumn(url="participation:event", verbose_name=_("活动名称"))
    jurisdiction = lists.JurisdictionColumn()
    venue = tables.Column(verbose_name=_("地点"))
    starts_at = lists.MomentColumn(verbose_name=_("开始时间"))
    capacity = lists.FigureColumn(verbose_name=_("名额"))
    seats_taken = lists.FigureColumn(verbose_name=_("已报名"), orderable=False)

    class Meta(lists.Table.Meta):
        model = Event
        fields = ("title", "jurisdiction", "venue", "starts_at", "capacity", "seats_taken")


EVENTS = lists.register(lists.Listing(
    name="participation.events", queryset=selectors.events, filterset=EventFilter, table=EventTable,
    title=_("活动"), empty=_("没有可查看的活动。"), export_name="events",
))


class ConsultationFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索"), method="words")
    subject_kind = django_filters.ChoiceFilter(label=_("征求意见对象"), choices=SubjectKind.choices)
    jurisdiction = lists.JurisdictionFilter()
    open = django_filters.ChoiceFilter(label=_("正在征求意见"), choices=YES_NO, method="open_filter")

    def words(self, queryset: QuerySet[Consultation], name: str, value: str) -> QuerySet[Consultation]:
        return search.CONSULTATIONS.apply(queryset, value) if value.strip() else queryset

    def open_filter(self, queryset: QuerySet[Consultation], name: str, value: str) -> QuerySet[Consultation]:
        now = timezone.now()
        current = Q(opens_at__lte=now, closes_at__gt=now)
        return queryset.filter(current) if value == "1" else queryset.exclude(current)


class ConsultationTable(lists.Table):
    title = lists.DetailColumn(url="participation:consultation", verbose_name=_("标题"))
    subject_kind = lists.ChoiceColumn(verbose_name=_("征求意见对象"))
    jurisdiction = lists.JurisdictionColumn()
    opens_at = lists.MomentColumn(verbose_name=_("开始时间"))
    closes_at = lists.MomentColumn(verbose_name=_("截止时间"))
    comments_public = lists.FigureColumn(verbose_name=_("已公开意见"), orderable=False)

    class Meta(lists.Table.Meta):
        model = Consultation
        fields = ("title", "subject_kind", "jurisdiction", "opens_at", "closes_at", "comments_public")


CONSULTATIONS = lists.register(lists.Listing(
    name="participation.consultations", queryset=selectors.consultations, filterset=ConsultationFilter,
    table=ConsultationTable, title=_("公开征求意见"), empty=_("没有可查看的征求意见。"), export_name="consultations",
))


class AssociationFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("搜索"), method="words")
    jurisdiction = lists.JurisdictionFilter()

    def words(self, queryset: QuerySet[Association], name: str, value: str) -> QuerySet[Association]:
        return search.ASSOCIATIONS.apply(queryset, value) if value.strip() else queryset


class AssociationTable(lists.Table):
    organisation = lists.DetailColumn(url="participation:association", verbose_name=_("行业协会"),
                                      accessor="organisation__name", order_by=("organisation__name",))
    jurisdiction = lists.JurisdictionColumn()
    member_count = lists.FigureColumn(verbose_name=_("会员单位"), orderable=False)
    standard_count = lists.FigureColumn(verbose_name=_("团体标准"), orderable=False)

    class Meta(lists.Table.Meta):
        model = Association
        fields = ("organisation", "jurisdiction", "member_count", "standard_count")


ASSOCIATIONS = lists.register(lists.Listing(
    name="participation.associations", queryset=selectors.associations, filterset=AssociationFilter,
    table=AssociationTable, title=_("行业协会"), empty=_("没有登记的行业协会。"), export_name="associations",
))
