"""GBA standard-contract filings, processors and their annual counters, recorded transfers and deadlines."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.lists import ListPage
from aiplus.core.page_forms import PageForm
from aiplus.datahub import selectors, services
from aiplus.datahub.forms import FileFilingForm, GbaFilingForm, ProcessorForm
from aiplus.datahub.listings import DOCUMENT_LABELS, FILINGS
from aiplus.datahub.models import GbaFiling
from aiplus.datahub.views import route
from aiplus.datahub.views.assessment import OUTCOME_LABELS


def _processor(request: HttpRequest, form: ProcessorForm) -> Any:
    data = form.cleaned_data
    return services.register_processor(
        acting_user=acting_user(request), organisation_id=data["organisation"].pk, is_ciio=bool(data["is_ciio"]),
        in_ftz=bool(data["in_ftz"]), ftz_code=data["ftz_code"].strip())


FORMS = {
    "processor": PageForm(make=lambda request, data: ProcessorForm(data, user=request.user), write=_processor,
                          done=_("数据处理者信息已保存。")),
    "create": PageForm(make=lambda request, data: GbaFilingForm(data, user=request.user),
                       write=lambda request, form: services.create_gba_filing(
                           acting_user=acting_user(request), organisation_id=form.cleaned_data["organisation"].pk,
                           case=form.case()),
                       done=_("已登记大湾区标准合同，备案时限已开始计算。")),
    "file": PageForm(make=lambda request, data: FileFilingForm(data),
                     write=lambda request, form: services.file_gba_filing(
                         acting_user=acting_user(request), filing_id=form.cleaned_data["filing"],
                         documents_provided=form.cleaned_data["documents_provided"]),
                     done=_("已备案，回执已生成。")),
}


def _filings_context(request: HttpRequest) -> dict[str, Any]:
    kinds = {"gba_filing": _("大湾区标准合同备案"), **OUTCOME_LABELS}
    deadlines = [{**d, "label": kinds.get(d["kind"], d["kind"])} for d in selectors.open_deadlines(request.user)]
    transfers = [(t, OUTCOME_LABELS.get(t.outcome, t.outcome)) for t in selectors.transfers(request.user)[:50]]
    return {"deadlines": deadlines, "transfers": transfers, "today": timezone.localdate(),
            "own_organisations": list(selectors.organisations_acting_for(request.user, "add")),
            "counters": selectors.current_counters(request.user)}


class FilingsPage(ListPage):
    """Officials see the filings and open deadlines of their jurisdiction; enterprises register and file theirs."""

    page_forms = FORMS


filings = route.list_page("filings/", FILINGS, page=FilingsPage, signed_in=True, template_name="datahub/filings.html",
                          extra_context=_filings_context, menu=_("出境备案与时限"), order=43,
                          roles={"official", "auditor", "enterprise_member"})


@route("filings/<int:filing_id>/receipt/", "filing_receipt")
@login_required
@record_page(selectors.filing, "filing_id")
def filing_receipt(request: HttpRequest, filing: GbaFiling) -> HttpResponse:
    deadlines = filing.decision.get("data", {}).get("deadlines", []) if isinstance(filing.decision, dict) else []
    return render(request, "datahub/receipt.html", {
        "filing": filing, "deadlines": deadlines,
        "documents": [DOCUMENT_LABELS.get(code, code) for code in filing.documents_provided],
        "on_time": bool(filing.filed_on and filing.filing_due_on and filing.filed_on <= filing.filing_due_on)})
