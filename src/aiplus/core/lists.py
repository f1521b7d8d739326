"""The one list mechanism: a `Listing` ties a selector, a filter set and a table, and serves both the page and the API.

NetBox's FilterSet + Table + ObjectListView, on django-filter and django-tables2:

- the **selector** (`queryset(user)`) decides which rows the user may see; nothing here widens or narrows that;
- the **filter set** (a `FilterSet`) is the one definition of the filters: the page reads them from its query
  string, the API from the same names (documented in the OpenAPI document by `Listing.query_schema()`), and a bad
  value is a 4xx naming the field in both;
- the **table** (a `Table`) says the columns, which sort, and how each cell reads; the page pages it, and exports it
  as CSV or Excel (cells through `core.exports.safe_cell`, so nothing a user wrote becomes a formula).

Because both sides call `Listing.rows(user, params)`, the page and the API return the same rows for the same user
and filter; `tests/test_list_parity.py` checks it for every registered listing.

    POOLS = Listing(
        name="compute.pools", queryset=selectors.pools, filterset=PoolFilter, table=PoolTable,
        page="compute:pools", api="aiplus_compute_api_list_pools",
        title=_("算力资源池"), empty=_("还没有资源池。"), next_step=("compute:provider", _("登记资源池")),
    )
    urlpatterns = [path("pools/", ListPage.as_view(listing=POOLS), name="pools")]          # the page
    api.lists.add_operation(router, "/pools", POOLS, PoolOut)                               # the API
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_filters
import django_tables2 as tables
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from pydantic import BaseModel, create_model
from pydantic import Field as PydanticField

from aiplus.core import formatting, page_forms, permissions
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.exports import safe_row
from aiplus.core.page_forms import PageForm

PAGE_SIZE = 25
MAX_FILTER_LENGTH = 200  # no filter value the platform understands is longer; anything longer is refused (422)
EXPORT_ROW_LIMIT = 10_000  # an export is a download, not a dump of the database
NO_ROWS = _("没有符合条件的记录。")


class FilterSet(django_filters.FilterSet):
    """A django-filter FilterSet whose invalid input is a `ServiceError` naming the first bad field."""

    def rows(self) -> QuerySet[Any]:
        for name, value in self.data.items():
            if isinstance(value, str) and len(value) > MAX_FILTER_LENGTH:
                raise ServiceError("too_long", _("筛选条件过长。"), name)
        if not self.is_valid():
            name, problems = next(iter(self.errors.items()))
            raise ServiceError("invalid_filter", _("筛选条件“%(field)s”无效：%(problem)s")
                               % {"field": name, "problem": problems[0]}, name)
        return self.qs


class PickerFilter(django_filters.ModelChoiceFilter):
    """A filter on a related row chosen with the one picker (`core.pickers`): by name, pinyin or code, on the page
    and in the API alike (`?jurisdiction=suzhou`, `?jurisdiction=苏州市`)."""

    def __init__(self, *args: Any, picker: type[Any], **kwargs: Any) -> None:
        self.field_class = picker
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """The list's free-text box (`?q=`), shown as a search field; `method` says what the text matches
    (`search_in(...)`, or a selector's search)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", django_filters.widgets.forms.TextInput(attrs={"type": "search"}))
        super().__init__(*args, **kwargs)


def search_in(*lookups: str) -> Callable[[QuerySet[Any], str, str], QuerySet[Any]]:
    """A filter method: the rows where any of `lookups` ("title__icontains", "code__iexact") matches the typed
    text; an empty text filters nothing."""

    def search(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: text})
        return queryset.filter(condition)

    return search


class JurisdictionFilter(PickerFilter):
    """A jurisdiction chosen with the jurisdiction picker, by name, pinyin or code (`?jurisdiction=suzhou`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from aiplus.core import pickers
        from aiplus.core.models import Jurisdiction

        kwargs.setdefault("label", _("辖区"))
        kwargs.setdefault("queryset", Jurisdiction.objects.order_by("level", "code"))
        super().__init__(*args, picker=pickers.JurisdictionField, **kwargs)


def day_filter(label: Any, field_name: str, lookup_expr: str) -> django_filters.DateFilter:
    """A bound on a date or a moment (`?since=2026-01-01`, lookup "date__gte" for a moment), drawn as a date input."""
    return django_filters.DateFilter(label=label, field_name=field_name, lookup_expr=lookup_expr,
                                     widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))


def for_officials_and_auditors(user: Any) -> bool:
    """A `Listing.audience`: officials and auditors (of their jurisdictions), and the superuser."""
    return bool(getattr(user, "is_superuser", False)
                or permissions.user_roles(user) & {permissions.OFFICIAL, permissions.AUDITOR})


class Table(tables.Table):
    """A django-tables2 table in the platform's look: each row carries `data-pk` (the parity test and the browser
    tests find rows by it), and an empty table says what to do next (the `Listing`'s `next_step`)."""

    class Meta:
        template_name = "core/table.html"
        attrs = {"class": "data"}
        row_attrs = {"data-pk": lambda record: record.pk}


def configure(table: tables.Table, request: HttpRequest, *, per_page: int = PAGE_SIZE, page: int | None = None) -> Any:
    """The one place a table is made ready for a request: django-tables2's RequestConfig (ordering and paging from
    the query string) and then the table's own `before_render(request)` hook. `core/table.html` draws the table
    itself rather than through `{% render_table %}`, which is what calls the hook in django-tables2, so every page
    that draws a table configures it here (else a hook that hides a column or reads a page's rows never runs)."""
    paginate: dict[str, Any] = {"per_page": per_page}
    if page is not None:
        paginate["page"] = page
    tables.RequestConfig(request, paginate=paginate).configure(table)
    table.before_render(request)
    return table


def table_language(table: tables.Table) -> str:
    """The language the table's page is shown in."""
    request = getattr(table, "request", None)
    return getattr(request, "LANGUAGE_CODE", None) or get_language() or "zh-hans"


def jurisdiction_name(table: tables.Table, value: Any) -> str:
    """A jurisdiction's name in the page's language (a dash for none)."""
    return value.display_name(table_language(table)) if value is not None else formatting.DASH


class DetailColumn(tables.Column):
    """The cell's text as a link to the row's detail page (`url`, a URL name taking the row's pk); the export
    keeps the text."""

    def __init__(self, *args: Any, url: str, **kwargs: Any) -> None:
        self.url = url
        super().__init__(*args, **kwargs)

    def render(self, value: Any, record: Any) -> Any:
        return format_html('<a href="{}">{}</a>', reverse(self.url, args=[record.pk]), value)

    def value(self, value: Any) -> Any:
        return value


class ChoiceColumn(tables.Column):
    """A choice field by its label in the active language, never its code (django-tables2 reads a choice field
    through `get_FOO_display`)."""

    def render(self, value: Any) -> str:
        return str(value)


class CodesColumn(tables.Column):
    """A list of codes (a row's modalities or fields) by their labels in the active language (`names()` gives the
    code → label mapping), on the page and in the export alike."""

    def __init__(self, *args: Any, names: Callable[[], Mapping[str, Any]], **kwargs: Any) -> None:
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        self.names = names
        super().__init__(*args, **kwargs)

    def render(self, value: Any) -> str:
        return formatting.labels(value, self.names())

    def value(self, value: Any) -> str:
        return self.render(value)


class JurisdictionColumn(tables.Column):
    """A jurisdiction by its name in the page's language, sorted by its code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", _("辖区"))
        kwargs.setdefault("order_by", ("jurisdiction__code",))
        super().__init__(*args, **kwargs)

    def render(self, value: Any, table: tables.Table) -> str:
        return jurisdiction_name(table, value)


class FormattedColumn(tables.Column):
    """A cell read through the one formatter (`core.formatting`); the export keeps the number (`keep_value`) or
    the formatted text."""

    formatter: Callable[[Any], str] = staticmethod(formatting.text)
    keep_value = False

    def render(self, value: Any) -> str:
        return self.formatter(value)

    def value(self, value: Any) -> Any:
        return value if self.keep_value else self.render(value)


class MoneyColumn(FormattedColumn):
    """An amount in yuan. `unit="yuan"` keeps every row in 元 where the rows must compare at a glance (a ledger's
    debits and credits); the default reads large amounts in 万元."""

    formatter = staticmethod(formatting.money)
    keep_value = True

    def __init__(self, *args: Any, unit: str = "auto", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit

    def render(self, value: Any) -> str:
        return formatting.money(value, self.unit)


class FigureColumn(FormattedColumn):
    formatter = staticmethod(formatting.figure)
    keep_value = True


class DayColumn(FormattedColumn):
    formatter = staticmethod(formatting.day)


class MomentColumn(FormattedColumn):
    formatter = staticmethod(formatting.moment)


@dataclass(frozen=True)
class Listing:
    """One list of the platform: the same rows on its page and in its API."""

    name: str  # "<app>.<rows>", the registry key
    queryset: Callable[[Any], QuerySet[Any]]  # the selector: what this user may see
    filterset: type[FilterSet]
    table: type[Table]
    title: Any
    page: str = ""  # URL name of the page; by default "<app>:<rows>"
    api: str = ""  # OpenAPI operation id of the API list; by default "aiplus_<app>_api_list_<rows>"
    empty: Any = NO_ROWS
    next_step: tuple[str, Any] | None = None  # (URL name, label): what to do when the list is empty
    export_name: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)  # template context every render of the page gets
    # Who may open the list at all (None: every signed-in user). Others are refused (403) on the page and in the
    # API alike, rather than shown an empty list the menu never offered them.
    audience: Callable[[Any], bool] | None = None

    def __post_init__(self) -> None:
        app, rows = self.name.split(".", 1)
        object.__setattr__(self, "page", self.page or f"{app}:{rows}")
        object.__setattr__(self, "api", self.api or f"aiplus_{app}_api_list_{rows}")

    def admits(self, user: Any) -> bool:
        return self.audience is None or bool(self.audience(user))

    def filters(self, user: Any, params: Mapping[str, Any] | BaseModel | None = None) -> FilterSet:
        """The filter set over the rows `user` may see, bound to `params` (a query dict, a mapping, or the API's
        schema); refused (403) to a user outside the listing's audience."""
        if not self.admits(user):
            raise PermissionDeniedError()
        if isinstance(params, BaseModel):
            params = params.model_dump(exclude_none=True)
        data = params if isinstance(params, QueryDict) else {k: v for k, v in (params or {}).items()
                                                            if v not in (None, "")}
        return self.filterset(data, queryset=self.queryset(user))

    def rows(self, user: Any, params: Mapping[str, Any] | BaseModel | None = None) -> QuerySet[Any]:
        """The rows `user` may see that match the filter `params`."""
        return self.filters(user, params).rows()

    def query_schema(self) -> type[BaseModel]:
        """The API's query parameters, made from the filter set (so the two cannot drift apart)."""
        fields: dict[str, Any] = {}
        for name, definition in self.filterset.base_filters.items():
            fields[name] = (str | None, PydanticField(None, max_length=MAX_FILTER_LENGTH,
                                                      description=str(definition.label or name)))
        return create_model(f"{self.name.replace('.', '_').title().replace('_', '')}Filters", **fields)


REGISTRY: dict[str, Listing] = {}


def register(listing: Listing) -> Listing:
    if listing.name in REGISTRY and REGISTRY[listing.name] is not listing:
        raise ValueError(f"listing {listing.name!r} registered twice")
    REGISTRY[listing.name] = listing
    return listing


def facet_counts(rows: QuerySet[Any], facets: Sequence[str | tuple[str, ...]]) -> dict[Any, Counter[Any]]:
    """How many of the rows have each value of each facet: one grouped query over the combinations of the facets'
    values, added up per value (each row has exactly one value per facet, so the sums are exact). One scan of the
    rows, not one per facet. A facet may be a tuple of fields (a code and its name), counted by their tuple of
    values. The rows must not repeat: filter through subqueries, not multi-valued joins."""
    fields = list(dict.fromkeys(f for facet in facets for f in ((facet,) if isinstance(facet, str) else facet)))
    counts: dict[Any, Counter[Any]] = {facet: Counter() for facet in facets}
    for row in rows.order_by().values(*fields).annotate(facet_rows=Count("pk")).order_by():
        for facet in facets:
            value = row[facet] if isinstance(facet, str) else tuple(row[f] for f in facet)
            counts[facet][value] += row["facet_rows"]
    return counts


def render_cell(template: str, context: dict[str, Any], request: HttpRequest | None) -> str:
    """A table cell drawn from a template (a row's button form, say): with the request's CSRF token for its forms
    but without the page's context processors, which would cost their queries once per row."""
    token = get_token(request) if request is not None else ""
    return render_to_string(template, {**context, "csrf_token": token})


class ListPage(View):
    """The generic list page: filters, a sortable and paged table, CSV/Excel export, and an empty state with the
    next step. `template_name` may extend `core/list.html` to add a header or actions; htmx requests get the
    table alone (`core/table.html`)."""

    listing: Listing | None = None
    template_name = "core/list.html"
    extra_context: Callable[[HttpRequest], dict[str, Any]] | None = None
    # The forms drawn beside the table, by the `action` they post (core.page_forms); none: the page takes no POST.
    page_forms: Mapping[str, PageForm] = {}
    drawn_forms: dict[str, Any] | None = None  # the forms of this request (a posted one bound); set by `post`

    def post(self, request: HttpRequest) -> HttpResponse:
        if not self.page_forms:
            return HttpResponseNotAllowed(["GET"])
        if self.listing is not None and not self.listing.admits(request.user):
            raise PermissionDenied

        def draw(drawn: dict[str, Any]) -> HttpResponse:
            self.drawn_forms = drawn
            return self.get(request)

        return page_forms.post_one_of(request, self.page_forms, draw)

    def get(self, request: HttpRequest) -> HttpResponse:
        assert self.listing is not None
        listing = self.listing
        if not listing.admits(request.user):
            raise PermissionDenied
        filters = listing.filters(request.user, request.GET)  # one filter set: the form drawn and the rows
        try:
            rows = filters.rows()
        except ServiceError as problem:
            context = self._context(request, listing, filters, None)
            context["filter_error"] = problem
            return render(request, self.template_name, context, status=400)
        export = request.GET.get("export", "")
        if export in ("csv", "xlsx"):
            table = listing.table(rows, request=request)
            configure(table, request, per_page=EXPORT_ROW_LIMIT, page=1)
            return export_table(listing, table, export)
        table = listing.table(rows, request=request)
        configure(table, request)
        template = "core/table.html" if getattr(request, "htmx", False) else self.template_name
        return render(request, template, self._context(request, listing, filters, table))

    def _context(self, request: HttpRequest, listing: Listing, filters: Any, table: Any) -> dict[str, Any]:
        context: dict[str, Any] = {"listing": listing, "filter": filters, "table": table, **listing.extra}
        if listing.next_step is not None:
            context["next_step"] = {"url": reverse(listing.next_step[0]), "label": listing.next_step[1]}
        if self.extra_context is not None:
            context.update(self.extra_context(request))
        if self.page_forms:
            context["forms"] = self.drawn_forms or page_forms.unbound(request, self.page_forms)
        return context


def export_table(listing: Listing, table: Table, kind: str) -> HttpResponse:
    """The table's columns and (first `EXPORT_ROW_LIMIT`, in the page's order) rows as CSV or Excel, every text
    cell made safe from formula injection."""
    columns = [column for column in table.columns if not column.column.exclude_from_export]
    values = [safe_row(str(column.header) for column in columns)]
    values += [safe_row(row.get_cell_value(column.name) for column in columns) for row in table.paginated_rows]
    name = listing.export_name or listing.name.replace(".", "-")
    if kind == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(values)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=str(listing.title)[:31])
        for row in values:
            sheet.append([v if v is None or isinstance(v, int | float | Decimal) else str(v) for v in row])
        buffer_bytes = io.BytesIO()
        book.save(buffer_bytes)
        response = HttpResponse(buffer_bytes.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
