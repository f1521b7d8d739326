"""Pages of the compute module: capacity (public), requests (users), provider console, vouchers (officials)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aiplus.compute import explain, selectors, services
from aiplus.compute.forms import (
    CentreForm,
    JobRequestForm,
    PoolForm,
    ProgrammeForm,
    QuotaForm,
    SavingsForm,
    UsageCsvForm,
)
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError


def capacity(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "").strip()
    rows = selectors.capacity_by_centre(request.user, region or None)
    pools = list(selectors.pools(request.user, region or None).order_by("centre__name", "accelerator_model"))
    chart: dict[str, Any] = {"centres": [r["name"] for r in rows], "used": [r["used"] for r in rows],
                             "available": [r["available"] for r in rows]}
    totals = {"cards": sum(r["cards"] for r in rows), "used": sum(r["used"] for r in rows)}
    totals["pct"] = round(100 * totals["used"] / totals["cards"], 1) if totals["cards"] else 0.0
    chart["points"] = selectors.map_points(request.user, region or None, rows)
    chart["labels"] = {"cards": _("卡"), "used": _("使用中"), "available": _("可用"), "longitude": _("经度"),
                       "latitude": _("纬度")}
    return render(request, "compute/capacity.html", {"rows": rows, "pools": pools, "chart": chart,
                                                     "region": region, "totals": totals})


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    quotas = list(selectors.quotas_for(request.user))
    form = JobRequestForm(request.POST or None, quotas=quotas)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.submit_request(acting_user=acting_user(request), **form.arguments())
                return redirect("compute:request", request_id=created.pk)
            except ServiceError as problem:
                problem.add_to_form(form)
        status = 400
    rows = selectors.requests_for(request.user)[:100]
    return render(request, "compute/requests.html", {"form": form, "rows": rows}, status=status)


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.request(request.user, request_id)
    if found is None:
        return render(request, "portal/not_found.html", status=404)
    placement = getattr(found, "placement", None)
    redemptions = selectors.redemptions_for(request.user).filter(usage__placement__request=found)
    job = found.job if found.job is not None and found.job.owner_id == request.user.pk else None
    # The broker's reason in the page's language (the stored English sentence for rows without facts).
    renderer = explain.Renderer.for_requests([found])
    return render(request, "compute/request_detail.html", {
        "req": found, "placement": placement, "redemptions": redemptions, "job": job,
        "reason_text": renderer.placement(placement) if placement is not None else "",
        "unplaced_text": renderer.unplaced(found),
        "accepted_models": [explain.model_label(m) for m in found.accepted_models]})


def _provider_choices(user: Any) -> dict[str, list[Any]]:
    """Provider organisations the user may act for (member or provider of it), their centres, and places."""
    from aiplus.core import permissions
    from aiplus.core.models import Jurisdiction, Organisation, OrganisationKind

    operators = list(Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, "add"),
                                                 kind=OrganisationKind.COMPUTE_PROVIDER).order_by("name"))
    centres = list(selectors.centres(user).filter(operator__in=operators).order_by("name")) if operators else []
    places = (list(Jurisdiction.objects.filter(level__in=("city", "district")).order_by("level", "code"))
              if operators else [])
    return {"operators": operators, "centres": centres, "jurisdictions": places}


def _provider_context(request: HttpRequest, **overrides: Any) -> dict[str, Any]:
    pools = list(selectors.provider_pools(request.user).order_by("centre__name", "accelerator_model"))
    usage = selectors.usage_for(request.user).filter(provider__in={p.centre.operator_id for p in pools})[:100]
    choices = _provider_choices(request.user)
    context: dict[str, Any] = {
        "pools": pools, "usage": usage, "csv_form": UsageCsvForm(), "error": None,
        "created": request.GET.get("created"), "duplicates": request.GET.get("duplicates"),
        "registered": request.GET.get("registered"), "centres": choices["centres"],
        "centre_form": CentreForm(operators=choices["operators"], jurisdictions=choices["jurisdictions"])
        if choices["operators"] else None,
        "pool_form": PoolForm(centres=choices["centres"]) if choices["centres"] else None,
        "_choices": choices,
    }
    context.update(overrides)
    return context


@login_required
def provider(request: HttpRequest) -> HttpResponse:
    context = _provider_context(request)
    context.pop("_choices")
    return render(request, "compute/provider.html", context)


@login_required
@require_POST
def register_centre(request: HttpRequest) -> HttpResponse:
    context = _provider_context(request)
    choices = context.pop("_choices")
    if str(request.POST.get("centre-operator", "")) not in {str(o.pk) for o in choices["operators"]}:
        raise PermissionDenied  # only a member or provider of the operating organisation registers its centre
    form = CentreForm(request.POST, operators=choices["operators"], jurisdictions=choices["jurisdictions"])
    if form.is_valid():
        try:
            services.register_centre(acting_user=acting_user(request), **form.arguments())
            return redirect(reverse("compute:provider") + "?registered=centre")
        except ServiceError as problem:
            problem.add_to_form(form)
    context["centre_form"] = form
    return render(request, "compute/provider.html", context, status=400)


@login_required
@require_POST
def add_pool(request: HttpRequest) -> HttpResponse:
    context = _provider_context(request)
    choices = context.pop("_choices")
    if str(request.POST.get("pool-centre", "")) not in {str(c.pk) for c in choices["centres"]}:
        raise PermissionDenied  # the centre belongs to another organisation (or does not exist)
    form = PoolForm(request.POST, centres=choices["centres"])
    if form.is_valid():
        try:
            services.add_pool(acting_user=acting_user(request), **form.arguments())
            return redirect(reverse("compute:provider") + "?registered=pool")
        except ServiceError as problem:
            problem.add_to_form(form)
    context["pool_form"] = form
    return render(request, "compute/provider.html", context, status=400)


@login_required
@require_POST
def availability(request: HttpRequest, pool_id: int) -> HttpResponse:
    try:
        services.report_availability(acting_user=acting_user(request), pool_id=pool_id,
                                     available_cards=request.POST.get("available_cards"))
    except ServiceError as problem:
        return _provider_error(request, problem)
    return redirect("compute:provider")


@login_required
@require_POST
def import_usage(request: HttpRequest) -> HttpResponse:
    form = UsageCsvForm(request.POST, request.FILES)
    if not form.is_valid():
        return _provider_error(request, ServiceError("required", form.errors.as_text(), "file"))
    try:
        text = form.cleaned_data["file"].read().decode("utf-8-sig")
        result = services.import_usage_csv(acting_user=acting_user(request), text=text)
    except (ServiceError, UnicodeDecodeError) as problem:
        error = problem if isinstance(problem, ServiceError) else ServiceError("encoding", "UTF-8", "file")
        return _provider_error(request, error)
    return redirect(reverse("compute:provider") + f"?created={result['created']}&duplicates={result['duplicates']}")


def _provider_error(request: HttpRequest, problem: ServiceError) -> HttpResponse:
    context = _provider_context(request, error=problem, created=None, registered=None)
    context.pop("_choices")
    return render(request, "compute/provider.html", context, status=problem.status)


def _voucher_context(request: HttpRequest) -> dict[str, Any]:
    from aiplus.core.models import Organisation, OrganisationKind

    quotas = list(selectors.quotas_for(request.user))
    balances = selectors.quota_balances(quotas)
    for quota in quotas:
        quota.balance_cny = balances[quota.pk]  # type: ignore[attr-defined]
    programmes = selectors.programme_spend(request.user)
    jurisdictions = selectors.official_jurisdictions(request.user)
    context: dict[str, Any] = {
        "programmes": programmes, "quotas": quotas, "by_organisation": selectors.spend_by_organisation(request.user),
        "redemptions": selectors.redemptions_for(request.user)[:100],
        "utilisation": selectors.capacity_by_centre(request.user), "can_manage": bool(jurisdictions),
    }
    if jurisdictions:
        providers = list(Organisation.objects.filter(kind=OrganisationKind.COMPUTE_PROVIDER).order_by("name"))
        holders = list(Organisation.objects.exclude(kind=OrganisationKind.COMPUTE_PROVIDER)
                       .filter(jurisdiction__in=selectors.jurisdiction_scope(request.user)).order_by("name")[:500])
        context["programme_form"] = ProgrammeForm(jurisdictions=jurisdictions, providers=providers)
        context["quota_form"] = QuotaForm(programmes=[r["programme"] for r in programmes], organisations=holders)
        context["_choices"] = {"jurisdictions": jurisdictions, "providers": providers, "holders": holders}
    return context


@login_required
def vouchers(request: HttpRequest) -> HttpResponse:
    context = _voucher_context(request)
    context.pop("_choices", None)
    return render(request, "compute/vouchers.html", context)


@login_required
@require_POST
def create_programme(request: HttpRequest) -> HttpResponse:
    context = _voucher_context(request)
    choices = context.pop("_choices", None)
    if choices is None:
        raise PermissionDenied
    form = ProgrammeForm(request.POST, jurisdictions=choices["jurisdictions"], providers=choices["providers"])
    if form.is_valid():
        try:
            services.create_programme(acting_user=acting_user(request), **form.arguments())
            return redirect(reverse("compute:vouchers") + "?created=programme")
        except ServiceError as problem:
            problem.add_to_form(form)
    context["programme_form"] = form
    return render(request, "compute/vouchers.html", context, status=400)


@login_required
@require_POST
def issue_quota(request: HttpRequest) -> HttpResponse:
    context = _voucher_context(request)
    choices = context.pop("_choices", None)
    if choices is None:
        raise PermissionDenied
    form = QuotaForm(request.POST, programmes=[r["programme"] for r in context["programmes"]],
                     organisations=choices["holders"])
    if form.is_valid():
        try:
            services.issue_quota(acting_user=acting_user(request), **form.cleaned_data)
            return redirect(reverse("compute:vouchers") + "?created=quota")
        except ServiceError as problem:
            problem.add_to_form(form)
    context["quota_form"] = form
    return render(request, "compute/vouchers.html", context, status=400)


@login_required
def savings(request: HttpRequest) -> HttpResponse:
    jurisdictions = selectors.official_jurisdictions(request.user)
    form = SavingsForm(request.POST or None, jurisdictions=jurisdictions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                study = services.start_savings_study(acting_user=acting_user(request), **form.cleaned_data)
                return redirect("compute:study", study_id=study.pk)
            except ServiceError as problem:
                problem.add_to_form(form)
        status = 400
    return render(request, "compute/savings.html", {
        "form": form if jurisdictions else None, "studies": selectors.studies_for(request.user)[:50]}, status=status)


SAVINGS_METRICS = (("avg_jct_s", _("平均作业完成时间（秒）")), ("p99_queue_s", _("P99 排队时间（秒）")),
                   ("utilisation_pct", _("利用率（%）")), ("cost_cny", _("费用（元）")),
                   ("carbon_kg", _("碳排放（kg）")))
POLICY_LABELS = {"local-only": _("各自为战（仅本地）"), "replicate-first-fit": _("复制到各中心、先到先得"),
                 "cheapest": _("最便宜可行"), "least-loaded": _("负载最低"), "broker": _("平台调度（aiplus）")}


@login_required
def study_detail(request: HttpRequest, study_id: int) -> HttpResponse:
    found = selectors.study(request.user, study_id)
    if found is None:
        return render(request, "portal/not_found.html", status=404)
    table = []
    result = found.result or {}
    if result.get("policies"):
        for metric, label in SAVINGS_METRICS:
            table.append({"label": label, "metric": metric,
                          "values": [result["policies"][p][metric] for p in POLICY_LABELS],
                          "bound": result.get("bound", {}).get(metric),
                          "saving": result["saving"][metric], "saving_pct": result["saving_pct"][metric]})
    own_job = found.job if found.job is not None and found.job.owner_id == request.user.pk else None
    return render(request, "compute/study.html", {"study": found, "table": table, "job": own_job,
                                                  "policies": list(POLICY_LABELS.values())})
