"""Data services (dcat:DataService): the list and the form a provider registers or edits one with."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.datahub import selectors, services
from aiplus.datahub.forms import DataServiceForm
from aiplus.datahub.listings import SERVICES
from aiplus.datahub.views import route
from aiplus.datahub.views.catalogue import CATALOGUE_FEATURE, _feature_citations, editable_entry

PAGE_SIZE = 25


@route("services/<int:service_id>/edit/", "service_edit")
@route("services/new/", "service_create")
@login_required
def service_form(request: HttpRequest, service_id: int | None = None) -> HttpResponse:
    """A provider registers (or edits) a data service (an API serving some of its datasets); errors appear beside
    their field and nothing is written."""
    service = editable_entry(request.user, selectors.data_services(request.user), service_id,
                             missing=_("数据服务不存在。"), refused=_("只有数据提供方的成员可以编辑该数据服务。"),
                             no_publisher=_("只有数据提供方组织的成员可以登记数据服务。"))
    if isinstance(service, HttpResponse):
        return service
    data = request.POST if request.method == "POST" else None
    form = DataServiceForm(data, instance=service, user=request.user)
    if data is not None and form.is_valid():
        try:
            if service is None:
                services.create_data_service(
                    acting_user=acting_user(request), provider_id=form.cleaned_data["provider"].pk,
                    identifier=form.cleaned_data["identifier"], **form.changes())
                messages.success(request, _("数据服务已登记。"))
            else:
                services.update_data_service(acting_user=acting_user(request), service_id=service.pk,
                                             **form.changes())
                messages.success(request, _("数据服务已保存。"))
        except ServiceError as problem:
            if problem.status == 403:
                return HttpResponse(str(problem.message), status=403)
            # `serves[2]` is the serves list; `organisation` the provider picker
            field = (problem.field or "").split("[")[0]
            problem.add_to_form(form, "provider" if field == "organisation" else field)
        else:
            return redirect("datahub:services")
    return render(request, "datahub/service_form.html", {
        "service": service, "form": form, "citations": _feature_citations(CATALOGUE_FEATURE)},
        status=400 if data is not None else 200)


def _services_context(request: HttpRequest) -> dict[str, Any]:
    publisher = selectors.organisations_acting_for(request.user, "add").exists()
    return {"publisher": publisher}


# The catalogue's data services (dcat:DataService) the user may see; members of the providing organisation find
# the edit link of each of theirs here.
data_services = route.list_page("services/", SERVICES, template_name="datahub/services.html",
                                extra_context=_services_context)
