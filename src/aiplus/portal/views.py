"""Thin views: parse, authorise, call one selector or service, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aiplus.core import jobs as job_service
from aiplus.core import permissions, selectors
from aiplus.core import services as core_services
from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import NotFoundError, ServiceError
from aiplus.core.listings import AUDIT_EVENTS, JURISDICTIONS, NOTIFICATIONS, ORGANISATIONS
from aiplus.core.lists import ListPage
from aiplus.core.models import JobProgress, Organisation, Role
from aiplus.core.tasks import platform_self_check
from aiplus.portal import selectors as portal_selectors
from aiplus.portal.forms import ApiTokenForm, OrganisationForm, RevokeTokenForm
from aiplus.regulation import selectors as regulation
from aiplus.regulation.runtime import active_packs


def _language() -> str:
    return get_language() or "zh-hans"


def home(request: HttpRequest) -> HttpResponse:
    report = regulation.coverage(_language())
    notices = portal_selectors.notices(request.user)[:6]
    chart = {
        "packs": [p["name"] for p in report["packs"].values()],
        "levels": report["levels"],
        "counts": {level: [p["summary"][level] for p in report["packs"].values()] for level in report["levels"]},
    }
    return render(request, "portal/home.html", {
        "packs": regulation.packs(), "coverage": report, "notices": notices, "chart": chart,
        # what the platform does, said from the features whose evidence is complete, never written by hand
        "working": [(MODULE_LABELS.get(module, module), titles)
                    for module, titles in regulation.implemented_features(_language()).items()],
    })


# The platform's modules as the home page names them.
MODULE_LABELS = {"scenarios": _("应用场景"), "experts": _("专家咨询"), "compute": _("算力"), "datahub": _("数据"),
                 "portal": _("公众门户")}

# How each coverage level reads (aiplus.regulation.coverage computes the level from evidence).
LEVEL_LABELS = {"implemented": _("已实现"), "partial": _("部分实现"), "declarative": _("宣示性"),
                "not_yet": _("尚未实现")}

# What each workflow clock watches, by the TimerSpec name the workflows give it.
TIMER_LABELS = {"review": _("部门审核"), "public_notice": _("公示期"), "filing": _("备案")}
# Where an official opens the object a clock runs on (object type -> URL name and its argument).
TIMER_PAGES = {"scenarios.need": ("scenarios:need", "need_id"), "scenarios.opencall": ("scenarios:call", "call_id"),
               "datahub.gbafiling": ("datahub:filing_receipt", "filing_id")}


def _timer_rows(user: Any, timers: list[Any]) -> list[dict[str, Any]]:
    """Open workflow clocks as an official reads them: the object by its name (one query per object type, only the
    objects the user may view), what the clock watches, the due date, its length in working days and the rule that
    sets it."""
    from django.apps import apps

    from aiplus.regulation.runtime import citation_of, parameter_status

    wanted: dict[str, set[str]] = {}
    for t in timers:
        wanted.setdefault(t.object_type, set()).add(t.object_id)
    objects: dict[tuple[str, str], Any] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        manager: Any = model._default_manager
        visible = manager.restrict(user, "view") if hasattr(manager, "restrict") else manager.none()
        for obj in visible.filter(pk__in=ids):
            objects[(label, str(obj.pk))] = obj
    rows = []
    for t in timers:
        obj = objects.get((t.object_type, t.object_id))
        page = TIMER_PAGES.get(t.object_type)
        url = reverse(page[0], kwargs={page[1]: obj.pk}) if obj is not None and page else ""
        rows.append({"object": str(obj) if obj is not None else f"{t.object_type} #{t.object_id}", "url": url,
                     "what": TIMER_LABELS.get(t.name, t.name), "due_on": t.due_on, "working_days": t.working_days,
                     "basis": citation_of({"citation": t.citation, "status": parameter_status(t.parameter)}),
                     "parameter": t.parameter})
    return rows


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    roles = permissions.user_roles(request.user)
    context: dict[str, Any] = {"roles": roles,
                               "role_labels": [Role(role).label for role in sorted(roles) if role in Role.values]}
    if roles & {permissions.OFFICIAL, permissions.AUDITOR} or request.user.is_superuser:
        context["recent_events"] = selectors.audit_events(request.user)[:8]
        context["timers"] = _timer_rows(request.user, list(selectors.open_timers(request.user)[:10]))
        context["organisation_count"] = selectors.organisations(request.user).count()
    if roles & {permissions.ENTERPRISE_MEMBER, permissions.PROVIDER, permissions.EXPERT}:
        context["my_organisations"] = selectors.organisations(request.user).filter(
            pk__in=permissions.user_organisation_ids(request.user))
    context["notifications"] = selectors.notifications(request.user)[:5]
    return render(request, "portal/dashboard.html", context)


def coverage(request: HttpRequest) -> HttpResponse:
    report = regulation.coverage(_language())
    pack = request.GET.get("pack", "")
    pack = pack if pack in report["packs"] else ""
    level = request.GET.get("level", "")
    level = level if level in report["levels"] else ""
    packs = {code: data for code, data in report["packs"].items() if not pack or code == pack}
    if level:
        packs = {code: {**data, "articles": [a for a in data["articles"] if a["level"] == level],
                        "chapters": [c for c in data["chapters"] if c["level"] == level]}
                 for code, data in packs.items()}
    context = {"report": report, "packs": packs, "selected_pack": pack, "selected_level": level,
               "level_labels": LEVEL_LABELS}
    template = "portal/partials/coverage_table.html" if request.htmx else "portal/coverage.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def parameters(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    prefix = request.GET.get("prefix", "")
    return render(request, "portal/parameters.html",
                  {"parameters": regulation.parameters(on, prefix=prefix), "on": on, "prefix": prefix})


def departments(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/departments.html", {"departments": selectors.departments()})


def glossary(request: HttpRequest) -> HttpResponse:
    terms = [(code, term) for code, pack in active_packs().packs.items() for term in pack.glossary]
    return render(request, "portal/glossary.html", {"terms": terms})


# Reference data: open to everyone, signed in or not.
jurisdictions = ListPage.as_view(listing=JURISDICTIONS, template_name="portal/jurisdictions.html")


def _organisation_next_step(request: HttpRequest) -> dict[str, Any]:
    # Only an official (or the superuser) registers organisations; others see the list without the button.
    may_add = bool(permissions.user_jurisdiction_ids(request.user, "add")) or request.user.is_superuser
    return {} if may_add else {"next_step": None}


organisations = login_required(ListPage.as_view(listing=ORGANISATIONS, template_name="portal/organisations.html",
                                                extra_context=_organisation_next_step))


@login_required
@record_page(selectors.organisation, "organisation_id")
def organisation_detail(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    events = selectors.audit_events(request.user, object_type="core.organisation").filter(
        object_id=str(organisation.pk))[:20]
    return render(request, "portal/organisation_detail.html", {"organisation": organisation, "events": events})


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    places = selectors.jurisdictions_to_add_in(request.user)
    if not places.exists():
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, jurisdictions=places)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            organisation = core_services.create_organisation(
                acting_user=acting_user(request), jurisdiction=data.pop("jurisdiction").code, **data)
        except ServiceError as error:
            error.add_to_form(form)
        else:
            return redirect("portal:organisation_detail", organisation_id=organisation.pk)
    return render(request, "portal/organisation_form.html", {"form": form}, status=400 if form.errors else 200)


# Officials and auditors only (the listing's audience): the same refusal as the API's.
audit = login_required(ListPage.as_view(listing=AUDIT_EVENTS, template_name="portal/audit.html"))

_notification_list = ListPage.as_view(listing=NOTIFICATIONS, template_name="portal/notifications.html")


@login_required
def notifications(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":  # "mark all as read": the button carries no input besides the CSRF token
        core_services.mark_notifications_read(acting_user=acting_user(request))  # type: ignore[arg-type]
        return redirect("portal:notifications")
    return _notification_list(request)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: the clear key is shown once, right after it is created."""
    new_key, error = None, None
    tokens = selectors.api_tokens(request.user)
    if request.method == "POST":
        revoke = RevokeTokenForm(request.POST, tokens=tokens)
        try:
            if "revoke" in revoke.data:
                if not revoke.is_valid():
                    raise NotFoundError()
                core_services.revoke_api_token(acting_user=acting_user(request),  # type: ignore[arg-type]
                                               token_id=revoke.cleaned_data["revoke"].pk)
            else:
                create = ApiTokenForm(request.POST)
                name = create.cleaned_data["name"] if create.is_valid() else ""
                _token, new_key = core_services.create_api_token(acting_user=acting_user(request),  # type: ignore[arg-type]
                                                                 name=name)
        except ServiceError as problem:
            error = problem.message
    return render(request, "portal/api_tokens.html", {"tokens": tokens, "new_key": new_key, "error": error},
                  status=400 if error else 200)


@login_required
@require_POST
def start_self_check(request: HttpRequest) -> HttpResponse:
    job = job_service.start_job(acting_user=acting_user(request), name="platform_self_check", task=platform_self_check)
    return redirect("portal:job", job_id=job.pk)


@login_required
@record_page(selectors.job, "job_id")
def job(request: HttpRequest, record: JobProgress) -> HttpResponse:
    template = "portal/partials/job_progress.html" if request.htmx else "portal/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": record, "result_json": json.dumps(record.result, ensure_ascii=False,
                                                                                indent=2)})
