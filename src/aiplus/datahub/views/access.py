"""Conditional access to a dataset: requests, the provider's decision, revocation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.lists import ListPage
from aiplus.datahub import selectors, services
from aiplus.datahub.forms import AccessDecisionForm, AccessRequestForm, first_error
from aiplus.datahub.listings import ACCESS_REQUESTS
from aiplus.datahub.models import AccessRequest

access_requests = login_required(ListPage.as_view(listing=ACCESS_REQUESTS))


@login_required
@record_page(selectors.access_request, "request_id")
def access_request_detail(request: HttpRequest, item: AccessRequest) -> HttpResponse:
    actions = [t.name for t in services.ACCESS_WORKFLOW.available(item, request.user)]
    return render(request, "datahub/access_request.html", {"item": item, "actions": actions,
                                                           "history": services.ACCESS_WORKFLOW.history(item)})


@login_required
@require_POST
def access_request_create(request: HttpRequest, dataset_id: int) -> HttpResponse:
    form = AccessRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("datahub:dataset", dataset_id=dataset_id)
    try:
        item = services.request_access(acting_user=acting_user(request), dataset_id=dataset_id, **form.cleaned_data)
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("datahub:dataset", dataset_id=dataset_id)
    return redirect("datahub:access_request", request_id=item.pk)


@login_required
@require_POST
def access_request_act(request: HttpRequest, request_id: int) -> HttpResponse:
    form = AccessDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("datahub:access_request", request_id=request_id)
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    try:
        if action == "revoke":
            services.revoke_access(acting_user=acting_user(request), request_id=request_id, comment=comment)
        else:
            services.decide_access(acting_user=acting_user(request), request_id=request_id, decision=action,
                                   comment=comment)
    except ServiceError as error:
        messages.error(request, str(error.message))
    return redirect("datahub:access_request", request_id=request_id)
