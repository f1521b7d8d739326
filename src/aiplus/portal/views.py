"""The site's own pages: the home page and the signed-in dashboard (core's pages are in aiplus.core.views, the
regulation's in aiplus.regulation.views)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aiplus.core import lists, navigation, permissions, selectors
from aiplus.core.models import Role
from aiplus.core.routing import Routes
from aiplus.participation import selectors as participation
from aiplus.regulation import selectors as regulation

route = Routes("portal")


def _language() -> str:
    return get_language() or "zh-hans"


@route("", "home", menu=_("首页"), order=0)
def home(request: HttpRequest) -> HttpResponse:
    report = regulation.coverage(_language())
    notices = participation.published_notices()[:6]
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


# What a person can do next, said on their dashboard with the number of rows each list holds for them (real data):
# the lists below that their menu offers them, at most NEXT_STEPS_SHOWN (one count query each).
NEXT_STEPS = ("scenarios.calls", "scenarios.needs", "opc.communities", "compute.pools", "datahub.datasets",
              "measures.offers", "participation.consultations", "participation.events", "scenarios.cases")
NEXT_STEPS_SHOWN = 6


def _next_steps(user: Any) -> list[dict[str, Any]]:
    roles = permissions.user_roles(user)
    _, groups = navigation.menu(roles, is_superuser=bool(getattr(user, "is_superuser", False)))
    offered = {entry.url_name for group in groups for entry in group.entries}
    steps = []
    for name in NEXT_STEPS:
        listing = lists.REGISTRY.get(name)
        if listing is None or listing.page not in offered or not listing.admits(user):
            continue
        steps.append({"title": listing.title, "url": reverse(listing.page), "count": listing.rows(user).count()})
        if len(steps) == NEXT_STEPS_SHOWN:
            break
    return steps


@route("dashboard/", "dashboard", menu=_("工作台"), roles=permissions.MEMBERS, order=1)
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
    context["next_steps"] = _next_steps(request.user)
    return render(request, "portal/dashboard.html", context)
