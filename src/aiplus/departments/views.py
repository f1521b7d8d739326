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
from aiplus.core.page_forms import PageForm, serve
from aiplus.core.routing import Routes
from aiplus.departments import catalogue, selectors, services
from aiplus.departments.forms import CancelHandoverForm, HandoverForm, PersonForm
from aiplus.departments.listings import WORK
from aiplus.departments.models import WorkStatus

route = Routes("departments")


@route("", "index", menu=_("部门职责"), order=92)
def index(request: HttpRequest) -> HttpResponse:
    mine = selectors.departments_of(request.user)
    return render(request, "departments/index.html", {"departments": selectors.departments(), "mine": mine})


def _queue_url(department: Department) -> str:
    return f"{reverse('departments:work')}?department={department.pk}&status={WorkStatus.OPEN}"


def _forms(request: HttpRequest, department: Department, held: list[Any]) -> dict[str, PageForm]:
    """The forms the viewer may use on the department's page: the handover and cancelling a scheduled one (the
    administrator, or the head of the lead department), and staffing (the administrator, as the API)."""
    user = acting_user(request)
    specs: dict[str, PageForm] = {}
    duty = held[0] if held else selectors.duties(request.user).filter(
        jurisdiction_id=department.jurisdiction_id).first()
    may_hand_over = duty is not None and services.may_hand_over(request.user, duty)  # the same for the whole place
    if held and may_hand_over:
        specs["handover"] = PageForm(
            make=lambda request, data: HandoverForm(data, department=department),
            write=lambda request, form: services.hand_over(acting_user=user, **form.arguments()),
            done=_("职责移交已办理：生效日期不晚于今天的即时生效，未办结的待办已转入接收部门；晚于今天的已预约，"
                   "到期自动生效。"))
    if may_hand_over:
        specs["cancel"] = PageForm(
            make=lambda request, data: CancelHandoverForm(data, department=department),
            write=lambda request, form: services.cancel_handover(acting_user=user, **form.arguments()),
            done=_("预约的职责移交已取消。"))
    if getattr(request.user, "is_superuser", False):
        specs["add_member"] = PageForm(
            make=lambda request, data: PersonForm(data, people=selectors.officials_for(department),
                                                  label=_("编入的工作人员"), prefix="add"),
            write=lambda request, form: services.add_member(acting_user=user, department_id=department.pk,
                                                            **form.arguments()),
            done=_("已编入本部门。"))
        specs["remove_member"] = PageForm(
            make=lambda request, data: PersonForm(data, people=selectors.member_users(department.pk),
                                                  label=_("移出的工作人员"), prefix="remove"),
            write=lambda request, form: services.remove_member(acting_user=user, department_id=department.pk,
                                                               **form.arguments()),
            done=_("已移出本部门。"))
        specs["appoint_head"] = PageForm(
            make=lambda request, data: PersonForm(data, people=selectors.member_users(department.pk),
                                                  label=_("部门负责人"), prefix="head"),
            write=lambda request, form: services.appoint_head(acting_user=user, department_id=department.pk,
                                                              **form.arguments()),
            done=_("部门负责人已指定。"))
    return specs


@route("<int:department_id>/", "department")
@record_page(selectors.department, "department_id")
def department(request: HttpRequest, department: Department) -> HttpResponse:
    held = list(department.held_duties.all())  # type: ignore[attr-defined]

    def draw(forms: dict[str, Any]) -> HttpResponse:
        counts = selectors.open_counts(request.user, department.pk) if WORK.admits(request.user) else {}
        return render(request, "departments/department.html", {
            "department": department,
            "held": [(duty, catalogue.label(duty.code), counts.get(duty.code, 0)) for duty in held],
            "members": selectors.members(department.pk), "head": selectors.head(department.pk),
            "handovers": selectors.handovers_to(department.pk),
            "scheduled": selectors.scheduled_handovers(department.pk),
            "queue_url": _queue_url(department) if WORK.admits(request.user) else "",
            "forms": forms, "form": forms.get("handover")})

    return serve(request, _forms(request, department, held), draw)


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
