"""The departments' pages: every department with its duties as the packs word them and the work it holds now; one
department with its members, head, duties (with their source), open work and the handover form; the work queue
(one list page, `?department=` for one department's queue) and "my department's queue". Thin: parse, authorise
through the selectors, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.models import Department
from aiplus.core.page_forms import PageForm, post_form
from aiplus.core.routing import Routes
from aiplus.departments import catalogue, selectors, services
from aiplus.departments.forms import HandoverForm
from aiplus.departments.listings import WORK
from aiplus.departments.models import WorkStatus

route = Routes("departments")


@route("", "index", menu=_("部门职责"), order=92)
def index(request: HttpRequest) -> HttpResponse:
    mine = selectors.departments_of(request.user)
    return render(request, "departments/index.html", {"departments": selectors.departments(), "mine": mine})


def _queue_url(department: Department) -> str:
    return f"{reverse('departments:work')}?department={department.pk}&status={WorkStatus.OPEN}"


@route("<int:department_id>/", "department")
@record_page(selectors.department, "department_id")
def department(request: HttpRequest, department: Department) -> HttpResponse:
    held = list(department.held_duties.all())  # type: ignore[attr-defined]
    may_hand_over = bool(held) and services.may_hand_over(request.user, held[0])
    spec = PageForm(make=lambda request, data: HandoverForm(data, department=department),
                    write=lambda request, form: services.hand_over(acting_user=acting_user(request),
                                                                   **form.arguments()),
                    done=_("职责已移交，未办结的待办已转入接收部门的待办列表。"))

    def draw(form: Any) -> HttpResponse:
        counts = selectors.open_counts(request.user, department.pk) if WORK.admits(request.user) else {}
        return render(request, "departments/department.html", {
            "department": department,
            "held": [(duty, catalogue.label(duty.code), counts.get(duty.code, 0)) for duty in held],
            "members": selectors.members(department.pk), "head": selectors.head(department.pk),
            "handovers": selectors.handovers_to(department.pk),
            "queue_url": _queue_url(department) if WORK.admits(request.user) else "",
            "form": form})

    if request.method == "POST":
        if not may_hand_over:
            return render(request, "core/not_found.html", status=403)
        return post_form(request, spec, draw)
    return draw(spec.make(request, None) if may_hand_over else None)


work = route.list_page("work/", WORK, signed_in=True, template_name="departments/work.html",
                       menu=_("部门待办"), roles={"official", "auditor"}, order=93)


@route("mine/", "mine")
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The official's own department's queue (the first, if they work in several)."""
    ids = selectors.departments_of(request.user)
    if not ids:
        return render(request, "departments/no_department.html", status=404)
    return redirect(f"{reverse('departments:work')}?department={ids[0]}&status={WorkStatus.OPEN}")
