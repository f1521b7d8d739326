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
from aiplus.core.lists import ListPage
from aiplus.datahub import selectors, services
from aiplus.datahub.listings import SERVICES
from aiplus.datahub.views.catalogue import CATALOGUE_FEATURE, _entry_form_subject, _feature_citations
from aiplus.datahub.views.parsing import _int_or_none

PAGE_SIZE = 25


SERVICE_FORM = (("title", "text", _("名称")), ("description", "textarea", _("描述")),
                ("endpoint_url", "text", _("接口地址")), ("endpoint_description", "text", _("接口说明")),
                ("is_published", "bool", _("发布到目录")))


@login_required
def service_form(request: HttpRequest, service_id: int | None = None) -> HttpResponse:
    """A provider registers (or edits) a data service (an API serving some of its datasets); errors appear beside
    their field and nothing is written."""
    subject = _entry_form_subject(request.user, selectors.data_services(request.user), service_id,
                                  missing=_("数据服务不存在。"), refused=_("只有数据提供方的成员可以编辑该数据服务。"),
                                  no_provider=_("只有数据提供方组织的成员可以登记数据服务。"))
    if isinstance(subject, HttpResponse):
        return subject
    service, providers = subject
    datasets = list(selectors.editable_datasets(request.user))
    served: list[str] = []
    if service is not None:
        # What it serves now stays on offer (a published dataset of another provider, say), so saving keeps it.
        now = selectors.datasets_served_by(request.user, service)
        listed = {d.pk for d in datasets}
        datasets += [d for d in now if d.pk not in listed]
        served = [str(d.pk) for d in now]
    errors: dict[str, str] = {}
    post = request.POST if request.method == "POST" else None
    if post is not None:
        try:
            fields = {name: (post.get(name) == "on" if kind == "bool" else post.get(name, "").strip())
                      for name, kind, _label in SERVICE_FORM}
            serves = [_int_or_none(raw, "serves") or 0 for raw in post.getlist("serves")]
            if service is None:
                provider_id = _int_or_none(post.get("provider", ""), "provider")
                if provider_id is None:
                    raise ServiceError("required", _("请选择数据提供方。"), "provider")
                services.create_data_service(acting_user=acting_user(request), provider_id=provider_id,
                                             identifier=post.get("identifier", "").strip(), serves=serves, **fields)
                messages.success(request, _("数据服务已登记。"))
            else:
                services.update_data_service(acting_user=acting_user(request), service_id=service.pk, serves=serves,
                                             **fields)
                messages.success(request, _("数据服务已保存。"))
        except ServiceError as error:
            if error.status == 403:
                return HttpResponse(str(error.message), status=403)
            field = (error.field or "__all__").split("[")[0]
            errors["provider" if field == "organisation" else field] = str(error.message)
        else:
            return redirect("datahub:services")
    if post is not None:
        values = {name: (post.get(name) == "on" if kind == "bool" else post.get(name, ""))
                  for name, kind, _label in SERVICE_FORM}
    else:
        values = {name: (getattr(service, name) if service is not None else kind != "bool" and "")
                  for name, kind, _label in SERVICE_FORM}
    rows = [{"name": name, "kind": kind, "label": label, "error": errors.get(name, ""), "value": values[name]}
            for name, kind, label in SERVICE_FORM]
    known = {name for name, _k, _l in SERVICE_FORM} | {"identifier", "provider", "serves"}
    return render(request, "datahub/service_form.html", {
        "service": service, "fields": rows, "errors": errors,
        "other_errors": [m for k, m in errors.items() if k not in known],
        "providers": providers, "datasets": datasets,
        "chosen": post.getlist("serves") if post is not None else served,
        "identifier": post.get("identifier", "") if post is not None else "",
        "provider_id": post.get("provider", "") if post is not None else "",
        "citations": _feature_citations(CATALOGUE_FEATURE)}, status=400 if errors else 200)


def _services_context(request: HttpRequest) -> dict[str, Any]:
    publisher = selectors.organisations_acting_for(request.user, "add").exists()
    return {"publisher": publisher}


# The catalogue's data services (dcat:DataService) the user may see; members of the providing organisation find
# the edit link of each of theirs here.
data_services = ListPage.as_view(listing=SERVICES, template_name="datahub/services.html",
                                 extra_context=_services_context)
