"""Targets and indicators pages: the dashboards (one per jurisdiction: each target with its latest value, trend,
projection and gap; every indicator), an indicator in a jurisdiction (its parts, the query and the records behind a
computed value, the observations of an entered one and the form to enter one), and the statistics list with the
entry form and the workbook import. Thin: parse, read through the selectors, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aiplus.core import imports, permissions
from aiplus.core.context import acting_user
from aiplus.core.errors import NotFoundError, ServiceError
from aiplus.core.lists import ListPage
from aiplus.core.page_forms import PageForm, post_form
from aiplus.core.routing import Routes
from aiplus.insights import catalogue, charts, computed, selectors, services
from aiplus.insights.forms import ImportForm, ObservationForm
from aiplus.insights.listings import OBSERVATIONS

route = Routes("insights")
# the menu entry: every signed-in role (the pages ask a visitor to sign in first)
_SIGNED_IN_ROLES = {permissions.OFFICIAL, permissions.AUDITOR, permissions.ENTERPRISE_MEMBER, permissions.PROVIDER,
                    permissions.EXPERT}


def _found[T](read: Callable[..., T], *args: Any) -> T:
    """A selector's answer, or the 404 page for an unknown jurisdiction or indicator."""
    try:
        return read(*args)
    except NotFoundError:
        raise Http404 from None

# The dashboards offered on the index: the jurisdictions the packs set targets for, the country and the GBA.
DASHBOARDS = ("cn", "jiangsu", "suzhou", "guangdong", "shenzhen", "gba")


def _enter_form(request: HttpRequest, data: Any, **initial: Any) -> ObservationForm:
    # prefixed: the list's filters beside it have fields of the same names
    return ObservationForm(data, user=request.user, prefix="entry", **initial)


ENTER = PageForm(
    make=lambda request, data: _enter_form(request, data),
    write=lambda request, form: services.enter_observation(acting_user=acting_user(request), **form.arguments()),
    done=_("统计数据已录入。"))


class ObservationsPage(ListPage):
    page_forms = {"enter": ENTER}


def _observations_context(request: HttpRequest) -> dict[str, Any]:
    return {"may_enter": selectors.may_enter(request.user), "import_form": ImportForm(),
            "headers": services.HEADERS}


observations = route.list_page("statistics/", OBSERVATIONS, page=ObservationsPage, signed_in=True,
                               template_name="insights/observations.html", extra_context=_observations_context)


@route("statistics/import/", "import")
@login_required
def import_observations(request: HttpRequest) -> HttpResponse:
    """A workbook of statistics: imported now (the report as a message); a refused file shows every rejected row
    (400; nothing written), a file over the limit 413."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if not form.is_valid() and not getattr(request, imports.TOO_LARGE_FLAG, False):
            status = 400
        else:
            try:
                imports.check_request_size(request)
                result = services.import_observations(acting_user=acting_user(request),
                                                      data=imports.read_upload(form.cleaned_data["file"]))
            except ServiceError as error:
                error.add_to_form(form, "file")
                rejected = getattr(error, "report", None)
                report = rejected.as_dict() if rejected is not None else None
                status = error.status
            else:
                messages.success(request, result.summary())
                return redirect("insights:observations")
    return render(request, "insights/import.html", {"form": form, "report": report, "headers": services.HEADERS},
                  status=status)


@route("", "index", menu=_("目标与指标"), roles=_SIGNED_IN_ROLES, order=24)
@login_required
def index(request: HttpRequest) -> HttpResponse:
    found = selectors.places()
    places = [found.by_code[c] for c in DASHBOARDS if c in found.by_code]
    return render(request, "insights/index.html", {"places": places, "indicators": catalogue.indicators().values()})


@route("<slug:code>/", "dashboard")
@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    data = _found(selectors.dashboard, request.user, code)
    return render(request, "insights/dashboard.html", {
        "board": data, "chart": charts.dashboard(data), "may_enter": selectors.may_enter(request.user),
        "map": charts.infrastructure(selectors.infrastructure(code))})


@route("<slug:code>/indicators/<slug:indicator>/", "indicator")
@login_required
def indicator(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    item = _found(selectors.indicator, indicator)
    place = _found(selectors.jurisdiction, code)
    may_enter = not item.computed and selectors.may_enter(request.user)
    source = computed.SOURCES[item.records] if item.computed else None
    spec = PageForm(
        make=lambda request, data: _enter_form(request, data, indicator=item.code, jurisdiction=place),
        write=ENTER.write, done=ENTER.done)

    def draw(form: Any) -> HttpResponse:
        detail = selectors.indicator_detail(request.user, code, indicator)
        return render(request, "insights/indicator.html", {
            "detail": detail, "item": item, "row": detail.row, "form": form, "may_enter": may_enter,
            "chart": charts.series(detail.row),
            "detail_columns": source.columns if source else (), "detail_url": source.detail if source else "",
            "dashboard_url": reverse("insights:dashboard", args=[code])})

    if request.method == "POST":
        if not may_enter:
            return render(request, "core/not_found.html", status=403)
        return post_form(request, spec, draw)
    return draw(spec.make(request, None) if may_enter else None)
