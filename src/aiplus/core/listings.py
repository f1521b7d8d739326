"""The kernel's lists, on the one list mechanism (`aiplus.core.lists`): the organisation register, the audit log,
the user's notifications and the jurisdictions.

This module is the worked example CONTRIBUTING.md points at: a filter set (the one definition of the filters, used
by the page and the API), a table (columns, sorting, cell text), and the `Listing` that ties them to the selector.
"""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit_story, formatting, lists, selectors
from aiplus.core.models import AuditEvent, Jurisdiction, JurisdictionLevel, Notification, Organisation, OrganisationKind


class OrganisationFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("名称或信用代码"),
                           method=lists.search_in("name__icontains", "name_en__icontains", "credit_code__iexact"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=OrganisationKind.choices)
    jurisdiction = lists.JurisdictionFilter()


class OrganisationTable(lists.Table):
    name = tables.Column(verbose_name=_("名称"))
    kind = tables.Column(verbose_name=_("类型"))
    credit_code = tables.Column(verbose_name=_("统一社会信用代码"))
    chain_layer = tables.Column(verbose_name=_("产业链层级"))
    jurisdiction = lists.JurisdictionColumn()

    class Meta(lists.Table.Meta):
        order_by = ("name",)

    def render_name(self, record: Organisation) -> str:
        demo = format_html(' <span class="tag muted">{}</span>', _("演示")) if record.is_demo else ""
        return format_html('<a href="{}">{}</a>{}', reverse("core:organisation_detail", args=[record.pk]),
                           record.name, demo)

    def value_name(self, record: Organisation) -> str:
        return record.name


ORGANISATIONS = lists.register(lists.Listing(
    name="core.organisations", queryset=selectors.organisations, filterset=OrganisationFilter, table=OrganisationTable,
        title=_("组织"), empty=_("没有可查看的组织。"), next_step=("core:organisation_create", _("登记组织")),
))


# -- the audit log ---------------------------------------------------------------------------------------------

class AuditEventFilter(lists.FilterSet):
    """The audit log's filters, the same on the page and in the API (`/api/v1/audit-events`)."""

    action = django_filters.CharFilter(label=_("事件"), lookup_expr="startswith")
    actor = django_filters.CharFilter(label=_("操作人"), field_name="actor_name", lookup_expr="icontains")
    object_type = django_filters.CharFilter(label=_("对象类型"))
    jurisdiction = lists.JurisdictionFilter()
    request_id = django_filters.CharFilter(label=_("请求编号"))
    since = lists.day_filter(_("起始日期"), "occurred_at", "date__gte")
    until = lists.day_filter(_("截止日期"), "occurred_at", "date__lte")


class AuditEventTable(lists.Table):
    occurred_at = lists.MomentColumn(verbose_name=_("时间"))
    action = tables.Column(verbose_name=_("事件"))  # a sentence: who did what to which record
    changes = tables.Column(verbose_name=_("变更内容"), empty_values=(), orderable=False)
    jurisdiction = lists.JurisdictionColumn(default=formatting.DASH)
    request_id = tables.Column(verbose_name=_("请求编号"))

    class Meta(lists.Table.Meta):
        order_by = ("-occurred_at",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._resolve = audit_story.cached_resolver()  # a related record named once per page

    def render_action(self, value: str, record: AuditEvent) -> str:
        return audit_story.sentence(record)

    def value_action(self, value: str, record: AuditEvent) -> str:
        return audit_story.sentence(record)

    def render_changes(self, record: AuditEvent) -> str:
        found = audit_story.changes(record, self._resolve)
        if not found:
            return formatting.DASH
        return format_html('<ul class="changes">{}</ul>', format_html_join(
            "", '<li data-field="{}">{}：<del>{}</del> → <ins>{}</ins></li>',
            ((c.field, c.label, c.before, c.after) for c in found)))

    def value_changes(self, record: AuditEvent) -> str:
        return _("；").join(f"{c.label}：{c.before} → {c.after}" for c in audit_story.changes(record, self._resolve))

    def render_request_id(self, value: str) -> str:
        return format_html("<code>{}</code>", value[:8])

    def value_request_id(self, value: str) -> str:
        return value


AUDIT_EVENTS = lists.register(lists.Listing(
    name="core.audit_events", queryset=selectors.audit_events, filterset=AuditEventFilter, table=AuditEventTable,
    page="core:audit", audience=lists.for_officials_and_auditors,
    title=_("审计日志"), empty=_("没有记录。"), export_name="audit-log",
))


# -- notifications ---------------------------------------------------------------------------------------------

class NotificationFilter(lists.FilterSet):
    unread_only = django_filters.BooleanFilter(label=_("仅未读"), method="unread")

    def unread(self, queryset: QuerySet[Notification], name: str, value: bool | None) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=True) if value else queryset


class NotificationTable(lists.Table):
    title = tables.Column(verbose_name=_("标题"))
    body = tables.Column(verbose_name=_("内容"), orderable=False)
    created_at = lists.MomentColumn(verbose_name=_("时间"))
    read_at = lists.MomentColumn(verbose_name=_("已读"), default=formatting.DASH)

    class Meta(lists.Table.Meta):
        order_by = ("-created_at",)
        row_attrs = {**lists.Table.Meta.row_attrs,
                     "class": lambda record: "" if record.read_at else "unread"}

    # composed in the recipient's language (the notification's own rendering), whatever the page's language
    def render_title(self, record: Notification) -> str:
        if record.link:
            return format_html('<a href="{}">{}</a>', record.link, record.rendered_title())
        return record.rendered_title()

    def value_title(self, record: Notification) -> str:
        return record.rendered_title()

    def render_body(self, record: Notification) -> str:
        return record.rendered_body()

    def value_body(self, record: Notification) -> str:
        return record.rendered_body()


NOTIFICATIONS = lists.register(lists.Listing(
    name="core.notifications", queryset=selectors.notifications, filterset=NotificationFilter,
    table=NotificationTable,     title=_("通知"), empty=_("暂无通知。"), export_name="notifications",
))


# -- jurisdictions ---------------------------------------------------------------------------------------------

class JurisdictionFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("名称或代码"),
                           method=lists.search_in("name_zh__icontains", "name_en__icontains", "code__iexact"))
    level = django_filters.ChoiceFilter(label=_("层级"), choices=JurisdictionLevel.choices)


class JurisdictionTable(lists.Table):
    code = tables.Column(verbose_name=_("代码"))
    name_zh = tables.Column(verbose_name=_("名称"))
    level = tables.Column(verbose_name=_("层级"))
    parent = lists.JurisdictionColumn(verbose_name=_("上级"), order_by=("parent__code",), default=formatting.DASH)
    members = tables.Column(verbose_name=_("成员"), orderable=False, empty_values=())

    class Meta(lists.Table.Meta):
        order_by = ("level", "code")

    def render_code(self, value: str) -> str:
        return format_html("<code>{}</code>", value)

    def value_code(self, value: str) -> str:
        return value

    def render_name_zh(self, record: Jurisdiction) -> str:
        return lists.jurisdiction_name(self, record)

    def render_members(self, record: Jurisdiction) -> str:
        return str(_("、")).join(lists.jurisdiction_name(self, m) for m in record.members.all()) or formatting.DASH


def _jurisdictions(user: object) -> QuerySet[Jurisdiction]:
    # Reference data, public to everyone; the members are shown for the regions.
    return selectors.jurisdictions().prefetch_related("members")


JURISDICTIONS = lists.register(lists.Listing(
    name="core.jurisdictions", queryset=_jurisdictions, filterset=JurisdictionFilter, table=JurisdictionTable,
        title=_("辖区"), export_name="jurisdictions",
))
