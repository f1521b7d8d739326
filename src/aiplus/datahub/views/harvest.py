"""Harvest sources: the remote DCAT-AP catalogues officials register, each with its last harvest report, and the
forms to register one and to harvest one now (the background task does the work)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from aiplus.core.context import acting_user
from aiplus.core.page_forms import PageForm, serve
from aiplus.datahub import selectors, services
from aiplus.datahub.forms import HarvestRunForm, HarvestSourceForm
from aiplus.datahub.views import route

FORMS = {
    "register": PageForm(
        make=lambda request, data: HarvestSourceForm(data, user=request.user),
        write=lambda request, form: services.register_harvest_source(
            acting_user=acting_user(request), name=form.cleaned_data["name"], url=form.cleaned_data["url"],
            format=form.cleaned_data["format"], schedule=form.cleaned_data["schedule"],
            jurisdiction_id=form.cleaned_data["jurisdiction"].pk, provider_id=form.cleaned_data["provider"].pk),
        done=_("采集源已登记。")),
    "run": PageForm(make=lambda request, data: HarvestRunForm(data),
                    write=lambda request, form: services.queue_harvest(acting_user=acting_user(request),
                                                                       source_id=form.cleaned_data["source"]),
                    done=_("已安排采集，完成后本页显示采集报告。")),
}


@route("harvest/", "harvest", menu=_("数据目录采集"), roles={"official", "auditor"}, order=45)
@login_required
def harvest_sources(request: HttpRequest) -> HttpResponse:
    def draw(page_forms: dict[str, forms.BaseForm]) -> HttpResponse:
        return render(request, "datahub/harvest.html", {
            "sources": selectors.harvest_sources(request.user), "forms": page_forms,
            "may_register": page_forms["register"].fields["jurisdiction"].queryset.exists()})  # type: ignore[attr-defined]

    return serve(request, FORMS, draw)
