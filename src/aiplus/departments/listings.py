"""The work queue on the one list mechanism (`aiplus.core.lists`): a department's open work (or every department's
the user may see), the same rows on the page and in the API, exported through the shared export."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists, pickers
from aiplus.core.models import Department
from aiplus.departments import catalogue, selectors
from aiplus.departments.models import WorkItem, WorkStatus
from aiplus.portal.templatetags.localized import localized_value


class DepartmentField(pickers.ModelPickerField):
    """A department chosen by its Chinese or English name or its code, shown in the page's language."""

    kind = "department"
    name_fields = ("name_zh", "name_en", "code")

    def label_from_instance(self, obj: Any) -> str:
        return localized_value(obj, "name")


class WorkFilter(lists.FilterSet):
    q = lists.SearchFilter(label=_("事项"), method="search")
    department = lists.PickerFilter(label=_("承办部门"), queryset=Department.objects.order_by("pack", "code"),
                                    picker=DepartmentField)
    duty = django_filters.ChoiceFilter(label=_("职责"), field_name="duty__code", choices=catalogue.CHOICES)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=WorkStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("已逾期"), method="past_due")

    def search(self, queryset: QuerySet[WorkItem], name: str, value: str) -> QuerySet[WorkItem]:
        return lists.search_in("title__icontains")(queryset, name, value)

    def past_due(self, queryset: QuerySet[WorkItem], name: str, value: bool | None) -> QuerySet[WorkItem]:
        if value is None:
            return queryset
        late = {"status": WorkStatus.OPEN, "due_on__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class LinkColumn(tables.Column):
    """The item's title as a link to the record it concerns."""

    def render(self, value: Any, record: WorkItem) -> Any:
        return format_html('<a href="{}">{}</a>', record.link, value)

    def value(self, value: Any) -> Any:
        return value


class DutyColumn(tables.Column):
    def render(self, value: Any) -> str:
        return catalogue.label(value.code)

    def value(self, value: Any) -> str:
        return self.render(value)


class DepartmentColumn(tables.Column):
    def render(self, value: Any) -> str:
        return localized_value(value, "name")

    def value(self, value: Any) -> str:
        return self.render(value)


class WorkTable(lists.Table):
    title = LinkColumn(verbose_name=_("事项"))
    duty = DutyColumn(verbose_name=_("职责"), order_by=("duty__code",))
    department = DepartmentColumn(verbose_name=_("承办部门"), order_by=("department__code",))
    jurisdiction = lists.JurisdictionColumn()
    status = lists.ChoiceColumn(verbose_name=_("状态"))
    due_on = lists.DayColumn(verbose_name=_("办理期限"))
    assignee = tables.Column(verbose_name=_("承办人"), order_by=("assignee__username",))
    escalated_at = lists.MomentColumn(verbose_name=_("督办时间"))

    class Meta(lists.Table.Meta):
        model = WorkItem
        fields = ("title", "duty", "department", "jurisdiction", "status", "due_on", "assignee", "escalated_at")


WORK = lists.register(lists.Listing(
    name="departments.work", queryset=selectors.work_items, filterset=WorkFilter, table=WorkTable,
    title=_("部门待办"), empty=_("没有可查看的部门待办。"), export_name="department-work",
    audience=lists.for_officials_and_auditors,
))
