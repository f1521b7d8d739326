"""Pages of the compute module: capacity (public), requests (users), provider console, vouchers (officials)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from aiplus.compute import explain, selectors, services
from aiplus.compute.forms import (
    AvailabilityForm,
    CentreForm,
    JobRequestForm,
    PoolForm,
    ProgrammeForm,
    QuotaForm,
    RedeemForm,
    SavingsForm,
    UsageCsvForm,
)
from aiplus.compute.listings import BOOKINGS, LEDGER, POOLS, QUOTAS, REDEMPTIONS, REQUESTS, STUDIES, USAGE
from aiplus.compute.models import JobRequest, SavingsStudy
from aiplus.core import imports, jobs, lists, page_forms
from aiplus.core.access import get_for, record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.lists import PAGE_SIZE, ListPage
from aiplus.core.page_forms import PageForm
from aiplus.core.routing import Routes

route = Routes("compute")


def _capacity_context(request: HttpRequest) -> dict[str, Any]:
    """The capacity page's summary and charts above the pool table (per centre, in the same region)."""
    region = str(request.GET.get("region", "")).strip()
    rows = selectors.capacity_by_centre(request.user, region or None)
    chart: dict[str, Any] = {"centres": [r["name"] for r in rows], "used": [r["used"] for r in rows],
                             "available": [r["available"] for r in rows]}
    totals = {"cards": sum(r["cards"] for r in rows), "used": sum(r["used"] for r in rows)}
    totals["pct"] = round(100 * totals["used"] / totals["cards"], 1) if totals["cards"] else 0.0
    chart["points"] = selectors.map_points(request.user, region or None, rows)
    chart["labels"] = {"cards": _("卡"), "used": _("使用中"), "available": _("可用"), "longitude": _("经度"),
                       "latitude": _("纬度")}
    return {"rows": rows, "chart": chart, "region": region, "totals": totals}


capacity = route.list_page("", POOLS, template_name="compute/capacity.html", extra_context=_capacity_context,
                           menu=_("算力资源"), order=40)


def _written(request: HttpRequest, form: Any, write: Callable[..., Any],
             done: Callable[[Any], HttpResponse]) -> HttpResponse | None:
    """A posted form's write: `write` (a service) with the valid form's arguments, then `done` with what it
    returns (a redirect); None when the form or the write failed, their errors now beside the form's fields."""
    if form.is_valid():
        try:
            return done(write(acting_user=acting_user(request), **form.arguments()))
        except ServiceError as problem:
            problem.add_to_form(form)
    return None


class _ListWithForm(ListPage):
    """A list page with a form above its table: a GET shows both; a POST that fails shows them again, with the
    form's errors and status 400."""

    form: Any = None

    def form_context(self, request: HttpRequest) -> dict[str, Any]:
        raise NotImplementedError

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:  # type: ignore[override]
        return self.form_context(request)

    def invalid(self, request: HttpRequest) -> HttpResponse:
        response = self.get(request)
        response.status_code = 400
        return response


class RequestsPage(_ListWithForm):
    def form_context(self, request: HttpRequest) -> dict[str, Any]:
        form = self.form or JobRequestForm(quotas=list(selectors.quotas_for(request.user)),
                                           models=selectors.offered_models())
        return {"form": form}

    def post(self, request: HttpRequest) -> HttpResponse:
        self.form = JobRequestForm(request.POST, quotas=list(selectors.quotas_for(request.user)),
                                   models=selectors.offered_models())
        return _written(request, self.form, services.submit_request,
                        lambda created: redirect("compute:request", request_id=created.pk)) or self.invalid(request)


requests = route.list_page("requests/", REQUESTS, page=RequestsPage, signed_in=True,
                           template_name="compute/requests.html", menu=_("算力需求"), order=41,
                           roles={"enterprise_member", "official"})


@route("requests/<int:request_id>/", "request")
@login_required
@record_page(lambda user, pk: get_for(user, "view", selectors.requests_for(user), pk=pk), "request_id")
def request_detail(request: HttpRequest, found: JobRequest) -> HttpResponse:
    placement = getattr(found, "placement", None)
    redemptions = selectors.redemptions_for(request.user).filter(usage__placement__request=found)
    job = jobs.shown_to(request.user, found.job)
    # The broker's reason in the page's language (the stored English sentence for rows without facts).
    renderer = explain.Renderer.for_requests([found])
    return render(request, "compute/request_detail.html", {
        "req": found, "placement": placement, "redemptions": redemptions, "job": job,
        "reason_text": renderer.placement(placement) if placement is not None else "",
        "unplaced_text": renderer.unplaced(found),
        "accepted_models": [explain.model_label(m) for m in found.accepted_models]})


def _provider_choices(user: Any) -> dict[str, Any]:
    """Provider organisations the user may act for (member or provider of it), their centres, and places."""
    operators = selectors.provider_operators(user)
    centres = selectors.centres(user).filter(operator__in=operators).order_by("name")
    return {"operators": operators, "centres": centres, "jurisdictions": selectors.centre_places()}


def _provider_context(request: HttpRequest, **overrides: Any) -> dict[str, Any]:
    pools = selectors.provider_pools(request.user).order_by("centre__name", "accelerator_model")
    usage = USAGE.table(selectors.provider_usage(request.user), request=request, prefix="usage-")
    lists.configure(usage, request)
    choices = _provider_choices(request.user)
    has_operators = choices["operators"].exists()
    centres = list(choices["centres"])
    context: dict[str, Any] = {
        "pools": pools, "usage": usage, "usage_listing": USAGE, "csv_form": UsageCsvForm(), "error": None,
        "usage_columns": services.USAGE_COLUMN_HELP,
        "report": None, "registered": request.GET.get("registered"), "centres": centres,
        "centre_form": CentreForm(operators=choices["operators"], jurisdictions=choices["jurisdictions"])
        if has_operators else None,
        "pool_form": PoolForm(centres=choices["centres"]) if centres else None,
        "_choices": choices,
    }
    context.update(overrides)
    return context


@route("provider/", "provider", menu=_("算力服务商"), roles={"provider"}, order=42)
@login_required
def provider(request: HttpRequest) -> HttpResponse:
    context = _provider_context(request)
    context.pop("_choices")
    return render(request, "compute/provider.html", context)


def _refused_choice(form: forms.Form, field: str) -> bool:
    """Whether the form names a `field` row the user may not act for (another organisation's, or none)."""
    return any(error.code == "invalid_choice" for error in form.errors.as_data().get(field, []))


def _registration(route_path: str, name: str, *, slot: str, make_form: Callable[[Any, dict[str, Any]], Any],
                  chooser: str, write: Callable[..., Any], registered: str) -> Callable[[HttpRequest], HttpResponse]:
    """The page `name` taking a registration form posted from the provider page (its `slot` there): refused (403)
    when the page offers the user no such form or the form names a `chooser` row they may not act for; written by
    `write` and back to the page, or the page again with the errors beside their fields (400)."""

    def post(request: HttpRequest) -> HttpResponse:
        context = _provider_context(request)
        form = make_form(request.POST, context.pop("_choices"))
        if context[slot] is None or (not form.is_valid() and _refused_choice(form, chooser)):
            raise PermissionDenied
        context[slot] = form  # shown again only when the write fails
        return (_written(request, form, write,
                         lambda _row: redirect(reverse("compute:provider") + f"?registered={registered}"))
                or render(request, "compute/provider.html", context, status=400))

    post.__name__ = post.__qualname__ = name
    return route(route_path, name)(login_required(require_POST(post)))


# Only a member or provider of the operating organisation registers its centre.
register_centre = _registration(
    "provider/centres/", "register_centre", slot="centre_form", chooser="operator", write=services.register_centre,
    registered="centre", make_form=lambda data, choices: CentreForm(data, operators=choices["operators"],
                                                                    jurisdictions=choices["jurisdictions"]))
# Refused when the centre belongs to another organisation (or does not exist).
add_pool = _registration(
    "provider/pools/", "add_pool", slot="pool_form", chooser="centre", write=services.add_pool, registered="pool",
    make_form=lambda data, choices: PoolForm(data, centres=choices["centres"]))


bookings = route.list_page("provider/bookings/", BOOKINGS, signed_in=True, template_name="compute/bookings.html",
                           menu=_("算力预订"), roles={"provider"}, order=42)


@route("provider/usage/template.csv", "usage_template")
@login_required
def usage_template(request: HttpRequest) -> HttpResponse:
    """The usage CSV to fill in: its columns, and one row per booking of the provider's centres not metered yet,
    with its reference, centre and model as the pages show them. The metered card-hours, amount and period end are
    left for the provider to fill from its meters: filled in with the booked figures, a file would import the plan
    as usage and reconcile with itself. The organisation is left out too: the reference determines it."""
    import csv

    from aiplus.core.exports import safe_row

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="usage-template.csv"'
    response.write("\ufeff")  # a spreadsheet then reads the file as UTF-8
    out = csv.writer(response)
    out.writerow(services.CSV_COLUMNS)
    for booking in selectors.bookings_for(request.user).filter(placement__usage__isnull=True).order_by("pk")[:1000]:
        placement = booking.placement  # type: ignore[attr-defined]
        out.writerow(safe_row(["", booking.reference, placement.pool.centre.name,
                               placement.pool.get_accelerator_model_display(), "", "", "", "", ""]))
    return response


@route("provider/pools/<int:pool_id>/availability/", "availability")
@login_required
@require_POST
def availability(request: HttpRequest, pool_id: int) -> HttpResponse:
    form = AvailabilityForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError("required", form.errors.as_text(), "available_cards")
        services.report_availability(acting_user=acting_user(request), pool_id=pool_id,
                                     available_cards=form.cleaned_data["available_cards"])
    except ServiceError as problem:
        return _provider_error(request, problem)
    return redirect("compute:provider")


@route("provider/usage/", "import_usage")
@login_required
@require_POST
def import_usage(request: HttpRequest) -> HttpResponse:
    """A usage CSV uploaded on the provider page: imported now (the report as a message), or, when big, by the
    worker (its job page); a refused file shows every rejected row (400), a file over the limit 413."""
    try:
        imports.check_request_size(request)
        form = UsageCsvForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ServiceError("required", form.errors.as_text(), "file")
        result = services.import_usage(acting_user=acting_user(request),
                                       data=imports.read_upload(form.cleaned_data["file"]))
    except ServiceError as problem:
        return _provider_error(request, problem)
    return imports.done(request, result, "compute:provider")


def _provider_error(request: HttpRequest, problem: ServiceError) -> HttpResponse:
    report = getattr(problem, "report", None)
    context = _provider_context(request, error=problem, report=report.as_dict() if report else None,
                                registered=None)
    context.pop("_choices")
    return render(request, "compute/provider.html", context, status=problem.status)


def _voucher_context(request: HttpRequest) -> dict[str, Any]:
    """Everything on the vouchers page besides its quota table: programme budgets, spend, the latest redemptions
    (the redemptions list's table, embedded) and, for officials, the forms."""
    programmes = selectors.programme_spend(request.user)
    jurisdictions = selectors.official_jurisdictions(request.user)
    redemptions = REDEMPTIONS.table(selectors.redemptions_for(request.user), request=request,
                                    prefix="redemptions-", row_attrs={"data-redemption": lambda record: record.pk})
    lists.configure(redemptions, request, per_page=PAGE_SIZE)
    can_manage = jurisdictions.exists()
    context: dict[str, Any] = {
        "programmes": programmes, "by_organisation": selectors.spend_by_organisation(request.user),
        "redemptions": redemptions, "redemption_listing": REDEMPTIONS,
        "utilisation": selectors.capacity_by_centre(request.user), "can_manage": can_manage,
    }
    if can_manage:
        holders = selectors.quota_holders(request.user)
        context["programme_form"] = ProgrammeForm(jurisdictions=jurisdictions,
                                                  providers=list(selectors.compute_providers()))
        context["quota_form"] = QuotaForm(programmes=[r["programme"] for r in programmes], organisations=holders)
        context["_choices"] = {"jurisdictions": jurisdictions, "holders": holders}
    return context


class VouchersPage(ListPage):
    overrides: dict[str, Any] = {}  # replaced (never changed in place) by a form that did not validate

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:  # type: ignore[override]
        context = _voucher_context(request)
        context.pop("_choices", None)
        context.update(self.overrides)
        return context


vouchers = route.list_page("vouchers/", QUOTAS, page=VouchersPage, signed_in=True,
                           template_name="compute/vouchers.html", menu=_("算力券"), order=43,
                           roles={"official", "auditor", "enterprise_member"})
ledger_page = route.list_page(
    "vouchers/ledger/", LEDGER, signed_in=True, template_name="compute/ledger.html", menu=_("算力券账本"),
    roles={"official", "auditor", "provider"}, order=43,
    extra_context=lambda request: {"accounts": selectors.ledger_accounts(request.user),
                                   "check": selectors.ledger_check(request.user)})
redemptions = route.list_page("vouchers/redemptions/", REDEMPTIONS, signed_in=True)
usage = route.list_page("usage/", USAGE, signed_in=True)


def _vouchers_with(request: HttpRequest, **overrides: Any) -> HttpResponse:
    """The vouchers page again, with a form that did not validate (status 400)."""
    page = VouchersPage(listing=QUOTAS, template_name="compute/vouchers.html")
    page.overrides = overrides
    page.setup(request)
    response = page.get(request)
    response.status_code = 400
    return response


@route("vouchers/programmes/", "create_programme")
@login_required
@require_POST
def create_programme(request: HttpRequest) -> HttpResponse:
    jurisdictions = selectors.official_jurisdictions(request.user)
    if not jurisdictions.exists():
        raise PermissionDenied
    form = ProgrammeForm(request.POST, jurisdictions=jurisdictions, providers=list(selectors.compute_providers()))
    return (_written(request, form, services.create_programme,
                     lambda _programme: redirect(reverse("compute:vouchers") + "?created=programme"))
            or _vouchers_with(request, programme_form=form))


@route("vouchers/quotas/", "issue_quota")
@login_required
@require_POST
def issue_quota(request: HttpRequest) -> HttpResponse:
    if not selectors.official_jurisdictions(request.user).exists():
        raise PermissionDenied
    form = QuotaForm(request.POST, programmes=[r["programme"] for r in selectors.programme_spend(request.user)],
                     organisations=selectors.quota_holders(request.user))
    return (_written(request, form, services.issue_quota,
                     lambda _quota: redirect(reverse("compute:vouchers") + "?created=quota"))
            or _vouchers_with(request, quota_form=form))


def _redeem_form(request: HttpRequest, data: Any) -> RedeemForm:
    return RedeemForm(data, usage=selectors.redeemable_usage(request.user),
                      quotas=selectors.redeemable_quotas(request.user))


REDEEM = PageForm(
    make=_redeem_form,
    write=lambda request, form: services.redeem(acting_user=acting_user(request), **form.arguments()),
    done=_("已兑付。余额已按账本更新。"))


@route("vouchers/mine/", "my_vouchers", menu=_("我的算力券"), roles={"enterprise_member"}, order=43)
@login_required
def my_vouchers(request: HttpRequest) -> HttpResponse:
    """The voucher holder's page: their quotas (issued, redeemed, remaining, from the ledger), each redemption with
    the request it paid for and the voucher rule's decision, and the form that redeems a quota against the metered
    usage of a completed request (the same service as the API's POST /redemptions)."""
    holdings = selectors.holder_quotas(request.user)
    specs = {"redeem": REDEEM} if holdings else {}

    def draw(forms_drawn: dict[str, Any]) -> HttpResponse:
        return render(request, "compute/my_vouchers.html", {
            "holdings": holdings, "forms": forms_drawn,
            "redemptions": selectors.holder_redemptions(request.user).prefetch_related("flags")[:PAGE_SIZE],
            "redeemable": selectors.redeemable_usage(request.user).exists()})

    return page_forms.serve(request, specs, draw)


class SavingsPage(_ListWithForm):
    def form_context(self, request: HttpRequest) -> dict[str, Any]:
        jurisdictions = selectors.official_jurisdictions(request.user)
        if not jurisdictions.exists():
            return {"form": None}
        return {"form": self.form or SavingsForm(jurisdictions=jurisdictions,
                                                 centres=selectors.study_centres(request.user))}

    def post(self, request: HttpRequest) -> HttpResponse:
        self.form = SavingsForm(request.POST, request.FILES,
                                jurisdictions=selectors.official_jurisdictions(request.user),
                                centres=selectors.study_centres(request.user))
        return _written(request, self.form, services.start_savings_study,
                        lambda study: redirect("compute:study", study_id=study.pk)) or self.invalid(request)


savings = route.list_page("savings/", STUDIES, page=SavingsPage, signed_in=True, template_name="compute/savings.html",
                          menu=_("调度收益模拟"), roles={"official", "auditor"}, order=44)


SAVINGS_METRICS = (("avg_jct_s", _("平均作业完成时间（秒）")), ("p99_queue_s", _("P99 排队时间（秒）")),
                   ("utilisation_pct", _("利用率（作业到达期间，%）")), ("cost_cny", _("费用（元）")),
                   ("carbon_kg", _("碳排放（kg）")))
STUDY_SOURCE_LABELS = dict(SavingsForm.SOURCES)
POLICY_LABELS = {"local-only": _("各自为战（仅本地）"), "replicate-first-fit": _("复制到各中心、先到先得"),
                 "cheapest": _("最便宜可行"), "least-loaded": _("负载最低"), "broker": _("平台调度（aiplus）")}


@route("savings/<int:study_id>/", "study")
@login_required
@record_page(lambda user, pk: get_for(user, "view", selectors.studies_for(user), pk=pk), "study_id")
def study_detail(request: HttpRequest, found: SavingsStudy) -> HttpResponse:
    table = []
    result = found.result or {}
    if result.get("policies"):
        for metric, label in SAVINGS_METRICS:
            table.append({"label": label, "metric": metric,
                          "values": [result["policies"][p][metric] for p in POLICY_LABELS],
                          "bound": result.get("bound", {}).get(metric),
                          "saving": result["saving"][metric], "saving_pct": result["saving_pct"][metric]})
    own_job = jobs.shown_to(request.user, found.job)
    # The headline says "fell by" or "rose by" with the size of the change, never "fell by -2.5 %".
    changes = [{"metric": metric, "label": label, "fell": result["saving_pct"][metric] >= 0,
                "size": abs(result["saving_pct"][metric])}
               for metric, label in (("avg_jct_s", pgettext_lazy("savings headline", "平均作业完成时间")),
                                     ("cost_cny", pgettext_lazy("savings headline", "费用")),
                                     ("carbon_kg", pgettext_lazy("savings headline", "碳排放")))] if table else []
    # The broker's weighting the study ran with, each value with where it came from (the platform setting, cited,
    # or the study's own choice).
    from aiplus.regulation.runtime import parameters

    set_by, started = found.parameters.get("broker_weighting_set_by") or {}, timezone.localdate(found.created_at)
    weighting = [{"label": label, "value": found.parameters[field], "unit": unit,
                  "parameter": parameters().version(services.BROKER_WEIGHTING[field][0], started)
                  if set_by.get(field) == "platform" else None}
                 for field, label, unit in (("broker_patience_s", _("等待更便宜中心的时长"), _("秒")),
                                            ("broker_carbon_cny_per_kg", _("碳价"), _("元/千克")))
                 if field in found.parameters]
    return render(request, "compute/study.html", {"study": found, "table": table, "job": own_job,
                                                  "weighting": weighting,
                                                  "changes": changes, "source": STUDY_SOURCE_LABELS.get(found.trace),
                                                  "policies": list(POLICY_LABELS.values())})
