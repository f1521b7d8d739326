"""Measures pages: the talent, IP and standards registers (submit, verify), financing offers and requests with their
matches, organisation indicators and the enterprise cultivation lists. Thin: parse, authorise through the selectors,
call one service or a read, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core.access import get_for, record_page
from aiplus.core.context import acting_user
from aiplus.core.lists import ListPage
from aiplus.core.page_forms import PageForm, post_one_of, unbound
from aiplus.core.routing import Routes
from aiplus.measures import cultivation, finance, selectors, services
from aiplus.measures.forms import (
    FinancedForm,
    IndicatorsForm,
    OfferForm,
    RecordForm,
    RequestForm,
    TierFilterForm,
    VerifyForm,
)
from aiplus.measures.listings import INDICATORS, OFFERS, RECORDS, REQUESTS, sector_names
from aiplus.measures.models import FinancingRequest, Record, RecordStatus, RequestStatus

route = Routes("measures")


def _acts_for(request: HttpRequest, kinds: tuple[str, ...] | None = None) -> dict[str, Any]:
    return {"may_submit": selectors.organisations_acting_for(request.user, kinds).exists()}


def _official(request: HttpRequest) -> dict[str, Any]:
    return {"may_record": bool(request.user.is_superuser or permissions.user_jurisdiction_ids(request.user, "add"))}


# -- registers -----------------------------------------------------------------------------------------------------

class RecordsPage(ListPage):
    page_forms = {"submit": PageForm(
        make=lambda request, data: RecordForm(data, user=request.user),
        write=lambda request, form: services.submit_record(acting_user=acting_user(request), **form.arguments()),
        done=_("已登记，待主管部门核验后计入。"),
        back=lambda request, record: f"/measures/records/{record.pk}/")}


records = route.list_page("records/", RECORDS, page=RecordsPage, signed_in=True,
                          template_name="measures/records.html", extra_context=_acts_for,
                          menu=_("人才、知识产权和标准登记"), order=72)


def record_official(user: Any, record: Record) -> bool:
    """May `user` verify `record`: an official of its jurisdiction, not its submitter nor one of its members."""
    return record.status == RecordStatus.SUBMITTED and (
        user.is_superuser or record.jurisdiction_id in permissions.user_jurisdiction_ids(user, "add")) and \
        record.submitted_by_id != user.pk and \
        record.organisation_id not in permissions.user_organisation_ids(user, "view")


@route("records/<int:record_id>/", "record")
@login_required
@record_page(lambda user, pk: get_for(user, "view", selectors.records(user), pk=pk), "record_id")
def record(request: HttpRequest, record: Record) -> HttpResponse:
    specs = {"verify": PageForm(
        make=lambda request, data: VerifyForm(data),
        write=lambda request, form: services.verify_record(acting_user=acting_user(request), record_id=record.pk,
                                                           **form.cleaned_data),
        done=_("核验结论已记录。"))} if record_official(request.user, record) else {}

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "measures/record.html", {"record": record, "forms": forms})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


# -- finance -------------------------------------------------------------------------------------------------------

class OffersPage(ListPage):
    page_forms = {"publish": PageForm(
        make=lambda request, data: OfferForm(data, user=request.user),
        write=lambda request, form: services.publish_offer(acting_user=acting_user(request), **form.arguments()),
        done=_("金融产品已发布。"))}


offers = route.list_page("offers/", OFFERS, page=OffersPage, signed_in=True, template_name="measures/offers.html",
                         extra_context=lambda request: _acts_for(request, ("financial_institution",)),
                         menu=_("金融产品"), order=73)


class RequestsPage(ListPage):
    page_forms = {"request": PageForm(
        make=lambda request, data: RequestForm(data, user=request.user),
        write=lambda request, form: services.create_request(acting_user=acting_user(request), **form.arguments()),
        done=_("融资需求已提出，匹配的金融产品见下。"),
        back=lambda request, found: f"/measures/requests/{found.pk}/")}


requests = route.list_page("requests/", REQUESTS, page=RequestsPage, signed_in=True,
                           template_name="measures/requests.html",
                           extra_context=lambda request: _acts_for(request, ("enterprise", "opc")),
                           menu=_("融资对接"), order=74)


@route("requests/<int:request_id>/", "request")
@login_required
@record_page(lambda user, pk: get_for(user, "view", selectors.requests(user), pk=pk), "request_id")
def financing_request(request: HttpRequest, found: FinancingRequest) -> HttpResponse:
    result = finance.matches(found)
    own = request.user.is_superuser or found.organisation_id in permissions.user_organisation_ids(request.user, "add")
    choices = [(m["offer_id"], f"{m['provider']} — {m['title']}") for m in result["matched"]]
    specs = {"financed": PageForm(
        make=lambda request, data: FinancedForm(data, offers=choices),
        write=lambda request, form: services.record_financing(acting_user=acting_user(request),
                                                              request_id=found.pk, **form.cleaned_data),
        done=_("已登记获得的融资。"))} if own and found.status == RequestStatus.OPEN and choices else {}

    def draw(forms: dict[str, Any]) -> HttpResponse:
        return render(request, "measures/request.html", {
            "request_row": found, "sector": sector_names().get(found.sector, found.sector), "forms": forms,
            **result})

    if request.method == "POST":
        if not specs:
            return render(request, "core/not_found.html", status=403)
        return post_one_of(request, specs, draw)
    return draw(unbound(request, specs))


# -- indicators and cultivation ------------------------------------------------------------------------------------

class IndicatorsPage(ListPage):
    page_forms = {"record": PageForm(
        make=lambda request, data: IndicatorsForm(data, user=request.user),
        write=lambda request, form: services.record_indicators(acting_user=acting_user(request),
                                                               **form.arguments()),
        done=_("指标已录入。"))}


indicators = route.list_page("indicators/", INDICATORS, page=IndicatorsPage, signed_in=True,
                             template_name="measures/indicators.html", extra_context=_official,
                             menu=_("园区、载体和企业指标"), order=75)


@route("cultivation/", "cultivation", menu=_("企业培育名单"), order=76)
@login_required
def cultivation_lists(request: HttpRequest) -> HttpResponse:
    form = TierFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "measures/cultivation.html", {"form": form, "rows": [], "tiers": []}, status=400)
    tier = form.cleaned_data.get("tier", "") if form.is_bound else ""
    return render(request, "measures/cultivation.html", {
        "form": form, "rows": cultivation.tiered_firms(request.user, tier=tier),
        "tiers": [{"tier": t, "title": cultivation.programmes.title(t.title),
                   "summary": cultivation.programmes.title(t.summary)} for t in cultivation.tiers()]})
