"""Core's pages: organisations, jurisdictions, the audit log, notifications, API tokens and background jobs. Thin
views: parse, authorise, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aiplus.core import holidays, permissions, selectors
from aiplus.core import jobs as job_service
from aiplus.core import services as core_services
from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import NotFoundError, ServiceError
from aiplus.core.forms import ApiTokenForm, HolidayNoticeForm, OrganisationForm, RevokeTokenForm
from aiplus.core.listings import AUDIT_EVENTS, JURISDICTIONS, NOTIFICATIONS, ORGANISATIONS
from aiplus.core.lists import ListPage
from aiplus.core.models import JobProgress, Organisation
from aiplus.core.page_forms import PageForm, post_form
from aiplus.core.routing import Routes
from aiplus.core.tasks import platform_self_check

route = Routes("core")

# Reference data: open to everyone, signed in or not.
jurisdictions = route.list_page("jurisdictions/", JURISDICTIONS, template_name="core/jurisdictions.html")


def _organisation_next_step(request: HttpRequest) -> dict[str, Any]:
    # Only an official (or the superuser) registers organisations; others see the list without the button.
    may_add = bool(permissions.user_jurisdiction_ids(request.user, "add")) or request.user.is_superuser
    return {} if may_add else {"next_step": None}


organisations = route.list_page("organisations/", ORGANISATIONS, signed_in=True, menu=_("组织"), order=80,
                                roles=permissions.MEMBERS - {permissions.EXPERT},
                                template_name="core/organisations.html", extra_context=_organisation_next_step)


@route("organisations/<int:organisation_id>/", "organisation_detail")
@login_required
@record_page(selectors.organisation, "organisation_id")
def organisation_detail(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    events = selectors.audit_events(request.user, object_type="core.organisation").filter(
        object_id=str(organisation.pk))[:20]
    return render(request, "core/organisation_detail.html", {"organisation": organisation, "events": events})


@route("organisations/new/", "organisation_create")
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
            return redirect("core:organisation_detail", organisation_id=organisation.pk)
    return render(request, "core/organisation_form.html", {"form": form}, status=400 if form.errors else 200)


# Officials and auditors only (the listing's audience): the same refusal as the API's.
audit = route.list_page("audit/", AUDIT_EVENTS, signed_in=True, template_name="core/audit.html", menu=_("审计日志"),
                        roles={permissions.OFFICIAL, permissions.AUDITOR}, order=85)

_notification_list = ListPage.as_view(listing=NOTIFICATIONS, template_name="core/notifications.html")


@route("notifications/", "notifications")
@login_required
def notifications(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":  # "mark all as read": the button carries no input besides the CSRF token
        core_services.mark_notifications_read(acting_user=acting_user(request))  # type: ignore[arg-type]
        return redirect("core:notifications")
    return _notification_list(request)


@route("account/tokens/", "api_tokens")
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
    return render(request, "core/api_tokens.html", {"tokens": tokens, "new_key": new_key, "error": error},
                  status=400 if error else 200)


@route("jobs/self-check/", "start_self_check")
@login_required
@require_POST
def start_self_check(request: HttpRequest) -> HttpResponse:
    job = job_service.start_job(acting_user=acting_user(request), name="platform_self_check", task=platform_self_check)
    return redirect("core:job", job_id=job.pk)


@route("jobs/<int:job_id>/", "job")
@login_required
@record_page(selectors.job, "job_id")
def job(request: HttpRequest, record: JobProgress) -> HttpResponse:
    template = "core/partials/job_progress.html" if request.htmx else "core/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": record, "result_lines": job_service.result_lines(record)})


NOTICE_FORM = PageForm(
    make=lambda request, data: HolidayNoticeForm(data, initial=holidays.form_initial(request.GET.get("year"))),
    write=lambda request, form: holidays.enter_notice(acting_user=acting_user(request), **form.arguments()),
    done=_("节假日安排已保存，工作日期限将按此计算。"),
    back=lambda request, notice: reverse("core:holidays"))


@route("calendar/", "holidays", menu=_("节假日安排"), roles={permissions.OFFICIAL, permissions.AUDITOR},
       order=93)
def holiday_calendar(request: HttpRequest) -> HttpResponse:
    """Which years the working-day clocks can count, from where; the platform operator enters a missing year."""
    may_enter = bool(request.user.is_superuser and request.user.is_active)

    def draw(form: Any) -> HttpResponse:
        return render(request, "core/holidays.html", {"years": holidays.years_overview(),
                                                      "form": form if may_enter else None})

    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied
        return post_form(request, NOTICE_FORM, draw)
    return draw(NOTICE_FORM.make(request, None))
