"""The kernel's lists, on the one list mechanism (`aiplus.core.lists`): the organisation register.

This module is the worked example CONTRIBUTING.md points at: a filter set (the one definition of the filters, used
by the page and the API), a table (columns, sorting, cell text), and the `Listing` that ties them to the selector.
"""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists, pickers, selectors
from aiplus.core.models import Jurisdiction, Organisation, OrganisationKind


class OrganisationFilter(lists.FilterSet):
    q = django_filters.CharFilter(label=_("名称或信用代码"), method="search",
                                  widget=django_filters.widgets.forms.TextInput(attrs={"type": "search"}))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=OrganisationKind.choices)
    jurisdiction = lists.PickerFilter(label=_("辖区"), queryset=Jurisdiction.objects.order_by("level", "code"),
                                      picker=pickers.JurisdictionField)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "jurisdiction"]

    def search(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        text = value.strip()
        return queryset.filter(Q(name__icontains=text) | Q(name_en__icontains=text)
                               | Q(credit_code__iexact=text)) if text else queryset


class OrganisationTable(lists.Table):
    name = tables.Column(verbose_name=_("名称"))
    kind = tables.Column(verbose_name=_("类型"))
    credit_code = tables.Column(verbose_name=_("统一社会信用代码"))
    chain_layer = tables.Column(verbose_name=_("产业链层级"))
    jurisdiction = tables.Column(verbose_name=_("辖区"), order_by=("jurisdiction__code",))

    class Meta(lists.Table.Meta):
        model = Organisation
        fields = ("name", "kind", "credit_code", "chain_layer", "jurisdiction")
        order_by = ("name",)

    def render_name(self, record: Organisation) -> str:
        demo = format_html(' <span class="tag muted">{}</span>', _("演示")) if record.is_demo else ""
        return format_html('<a href="{}">{}</a>{}', reverse("portal:organisation_detail", args=[record.pk]),
                           record.name, demo)

    def value_name(self, record: Organisation) -> str:
        return record.name

    def render_jurisdiction(self, value: Jurisdiction) -> str:
        return value.display_name(self.request.LANGUAGE_CODE if self.request else "zh-hans")  # type: ignore[attr-defined]

    def value_jurisdiction(self, value: Jurisdiction) -> str:
        return self.render_jurisdiction(value)


ORGANISATIONS = lists.register(lists.Listing(
    name="core.organisations", queryset=selectors.organisations, filterset=OrganisationFilter, table=OrganisationTable,
    page="portal:organisations", api="aiplus_core_api_list_organisations",
    title=_("组织"), empty=_("没有可查看的组织。"), next_step=("portal:organisation_create", _("登记组织")),
))
ORGANISATIONS_QUERY = ORGANISATIONS.query_schema()
