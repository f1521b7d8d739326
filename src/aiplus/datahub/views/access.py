"""Conditional access to a dataset: requests, the provider's decision, revocation."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.page_forms import PageForm, post_form
from aiplus.datahub import selectors, services
from aiplus.datahub.forms import AccessDecisionForm, AccessRequestForm
from aiplus.datahub.listings import ACCESS_REQUESTS
from aiplus.datahub.models import AccessRequest, Dataset
from aiplus.datahub.views import route
from aiplus.datahub.views.catalogue import dataset_page

access_requests = route.list_page("access/", ACCESS_REQUESTS, signed_in=True, menu=_("数据使用申请"), order=42,
                                  roles={"enterprise_member", "provider", "official", "auditor"})


def _request_page(request: HttpRequest, item: AccessRequest, form: AccessDecisionForm | None = None) -> HttpResponse:
    actions = [t.name for t in services.ACCESS_WORKFLOW.available(item, request.user)]
    return render(request, "datahub/access_request.html", {
        "item": item, "actions": actions, "history": services.ACCESS_WORKFLOW.lines(item),
        "delivery": selectors.delivery(request.user, item),
        "decision_form": form or AccessDecisionForm()})


@route("access/<int:request_id>/", "access_request")
@login_required
@record_page(selectors.access_request, "request_id")
def access_request_detail(request: HttpRequest, item: AccessRequest) -> HttpResponse:
    return _request_page(request, item)


@route("datasets/<int:dataset_id>/request/", "access_request_create")
@login_required
@require_POST
@record_page(selectors.dataset, "dataset_id")
def access_request_create(request: HttpRequest, dataset: Dataset) -> HttpResponse:
    """A request for a conditional dataset, posted from its page: on to the request, or the dataset's page again with
    the errors beside the fields (400)."""
    return post_form(request, PageForm(
        make=lambda request, data: AccessRequestForm(data),
        write=lambda request, form: services.request_access(acting_user=acting_user(request), dataset_id=dataset.pk,
                                                            **form.cleaned_data),
        done=None, back=lambda request, item: reverse("datahub:access_request", kwargs={"request_id": item.pk})),
        lambda form: dataset_page(request, dataset, request_form=cast(AccessRequestForm, form)))


def _decide(request: HttpRequest, form: AccessDecisionForm, item: AccessRequest) -> AccessRequest:
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    if action == "revoke":
        return services.revoke_access(acting_user=acting_user(request), request_id=item.pk, comment=comment)
    return services.decide_access(acting_user=acting_user(request), request_id=item.pk, decision=action,
                                  comment=comment)


@route("access/<int:request_id>/act/", "access_request_act")
@login_required
@require_POST
@record_page(selectors.access_request, "request_id")
def access_request_act(request: HttpRequest, item: AccessRequest) -> HttpResponse:
    """The provider's decision (approve, reject) or revocation: back to the request, or the request again with the
    reason it was refused (400, or 403 when the user may not decide it)."""
    return post_form(request, PageForm(
        make=lambda request, data: AccessDecisionForm(data),
        write=lambda request, form: _decide(request, form, item), done=None,
        back=lambda request, written: reverse("datahub:access_request", kwargs={"request_id": item.pk})),
        lambda form: _request_page(request, item, cast(AccessDecisionForm, form)))
