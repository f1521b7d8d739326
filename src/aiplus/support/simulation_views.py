"""Policy simulation pages (issue 16 §5): the programmes an official may simulate with their earlier runs, the form
that changes one programme's numbers and conditions and starts the background job, and the run's page: a progress
bar while it runs, then the figures as-is and as-changed against the budget and who gains or loses, paginated and
exported to CSV. Officials of the programme's jurisdiction only (the operator too)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.exports import safe_row
from aiplus.core.routing import Routes
from aiplus.support import programmes, simulation
from aiplus.support.engine.scenario import rate_keys
from aiplus.support.simulation_forms import VALUE_CHOICES, SimulationForm, roles

route = Routes("support")
PAGE_SIZE = 50


def _refused(request: HttpRequest, problem: ServiceError) -> HttpResponse:
    return render(request, "core/not_found.html", status=problem.status)


def _fetched(selector: Callable[[Any, Any], Any], name: str) -> Callable[..., Any]:
    """The view receives `selector(user, <URL argument name>)`; a refusal keeps its status (403 or 404)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            try:
                record = selector(request.user, kwargs.pop(name))
            except ServiceError as problem:
                return _refused(request, problem)
            return view(request, record)

        return page

    return decorate


@route("simulations/", "simulations", menu=_("政策模拟"), roles={permissions.OFFICIAL}, order=72)
@login_required
def simulations(request: HttpRequest) -> HttpResponse:
    """The programmes the official may simulate, and the official's earlier runs."""
    offered = [p for p in programmes.catalogue() if simulation.may_simulate(request.user, p)]
    if not offered:
        return render(request, "core/not_found.html", status=403)
    runs = []
    for job in simulation.simulations(request.user)[:50]:
        found = programmes.programme(job.name.removeprefix(simulation.JOB_PREFIX))
        runs.append((job, programmes.title(found.title) if found else job.name))
    return render(request, "support/simulations.html", {
        "programmes": [(p, programmes.title(p.title)) for p in offered], "runs": runs})


@route("programmes/<str:code>/simulate/", "simulate")
@login_required
@_fetched(simulation.programme_for, "code")
def simulate(request: HttpRequest, programme: Any) -> HttpResponse:
    today = timezone.localdate()
    form = SimulationForm(request.POST if request.method == "POST" else None, programme=programme, on=today)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = simulation.start_simulation(acting_user=acting_user(request),  # type: ignore[arg-type]
                                                  programme_code=programme.code, change=form.change())
            except ServiceError as problem:
                if problem.status in (403, 404):
                    return _refused(request, problem)
                problem.add_to_form(form)
            else:
                return redirect("support:simulation", job_id=job.pk)
        status = 400
    return render(request, "support/simulate.html", {
        "programme": programme, "title": programmes.title(programme.title), "form": form,
        "conditions": [programmes.title(c.text) for c in programme.eligibility]}, status=status)


def _rows(result: dict[str, Any], show: str) -> list[dict[str, Any]]:
    english = programmes.english()
    rows = [r for r in result.get("changes", []) if show == "all" or r["category"] == show]
    return [{**r, "category_label": simulation.CATEGORY_LABELS[r["category"]],
             "before_label": simulation.OUTCOME_LABELS.get(r["before"], r["before"]),
             "after_label": simulation.OUTCOME_LABELS.get(r["after"], r["after"]),
             "reason": ("; " if english else "；").join(x["en" if english else "zh"] for x in r["reasons"])}
            for r in rows]


def _csv(rows: list[dict[str, Any]], code: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in (_("单位"), _("变化"), _("现行结论"), _("现行金额（元）"), _("修改后结论"),
                                      _("修改后金额（元）"), _("变化金额（元）"), _("理由"))])
    for r in rows:
        writer.writerow(safe_row([r["organisation"], str(r["category_label"]), str(r["before_label"]),
                                  r["before_cny"], str(r["after_label"]), r["after_cny"], r["delta_cny"],
                                  r["reason"]]))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="simulation-{code}.csv"'
    return response


@route("simulations/<int:job_id>/", "simulation")
@login_required
@_fetched(simulation.simulation, "job_id")
def run(request: HttpRequest, job: Any) -> HttpResponse:
    code = job.name.removeprefix(simulation.JOB_PREFIX)
    programme = programmes.programme(code)
    finished = job.status == job.Status.DONE and bool((job.result or {}).get("changes") is not None)
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "support/partials/simulation_progress.html", {"job": job})
        if job.status in (job.Status.DONE, job.Status.FAILED):
            response["HX-Refresh"] = "true"  # the whole page again, now with the figures
        return response
    result = job.result or {}
    show = request.GET.get("show", "all")
    if show not in ("all", *simulation.CATEGORIES):
        return render(request, "core/not_found.html", status=400)
    rows = _rows(result, show) if finished else []
    if finished and request.GET.get("export") == "csv":
        return _csv(rows, code)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    change = result.get("change", {})
    keys = {key: label for _name, key, label in roles(programme)} if programme else {}
    rates = rate_keys(programme) if programme else set()
    return render(request, "support/simulation.html", {
        "job": job, "programme": programme, "title": programmes.title(programme.title) if programme else code,
        "finished": finished, "result": result, "page": page, "show": show,
        "categories": [(c, simulation.CATEGORY_LABELS[c], result.get("counts", {}).get(c, 0))
                       for c in simulation.CATEGORIES],
        "changed_values": [(keys.get(k, k), Decimal(v), k in rates) for k, v in change.get("values", {}).items()],
        "dropped": [programmes.title(programme.eligibility[i].text) for i in change.get("dropped", [])
                    if programme and i < len(programme.eligibility)],
        "condition_values": [(programmes.title(programme.eligibility[int(i)].text),
                              [str(dict(VALUE_CHOICES.get(programme.eligibility[int(i)].fact, [])).get(x, x))
                               for x in v])
                             for i, v in change.get("condition_values", {}).items()
                             if programme and int(i) < len(programme.eligibility)],
    })
