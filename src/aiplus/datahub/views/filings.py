"""GBA standard-contract filings, processors and their annual counters, recorded transfers and deadlines."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core.access import record_page
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.core.lists import ListPage
from aiplus.datahub import selectors, services
from aiplus.datahub.forms import ActionForm, FileFilingForm, GbaFilingForm, ProcessorForm, first_error
from aiplus.datahub.listings import DOCUMENT_LABELS, FILINGS
from aiplus.datahub.models import GbaFiling
from aiplus.datahub.views.assessment import CATEGORY_LABELS, OUTCOME_LABELS


def _filings_post(request: HttpRequest) -> None:
    action = ActionForm(request.POST)
    action.is_valid()
    chosen = action.cleaned_data.get("action", "")
    if chosen == "file":
        filing = FileFilingForm(request.POST)
        if not filing.is_valid():
            raise ServiceError("invalid", first_error(filing))
        services.file_gba_filing(acting_user=acting_user(request), filing_id=filing.cleaned_data["filing"],
                                 documents_provided=filing.cleaned_data["documents_provided"])
        messages.success(request, _("已备案，回执已生成。"))
        return
    form: ProcessorForm | GbaFilingForm = (ProcessorForm if chosen == "processor" else GbaFilingForm)(
        request.POST, user=request.user)
    if not form.is_valid():
        raise ServiceError("invalid", first_error(form), next(iter(form.errors)))
    organisation_id = form.cleaned_data["organisation"].pk
    if isinstance(form, ProcessorForm):
        services.register_processor(
            acting_user=acting_user(request), organisation_id=organisation_id,
            is_ciio=bool(form.cleaned_data["is_ciio"]), in_ftz=bool(form.cleaned_data["in_ftz"]),
            ftz_code=form.cleaned_data["ftz_code"].strip())
        messages.success(request, _("数据处理者信息已保存。"))
        return
    services.create_gba_filing(acting_user=acting_user(request), organisation_id=organisation_id, case=form.case())
    messages.success(request, _("已登记大湾区标准合同，备案时限已开始计算。"))


def _filings_context(request: HttpRequest) -> dict[str, Any]:
    kinds = {"gba_filing": _("大湾区标准合同备案"), **OUTCOME_LABELS}
    deadlines = [{**d, "label": kinds.get(d["kind"], d["kind"])} for d in selectors.open_deadlines(request.user)]
    transfers = [(t, OUTCOME_LABELS.get(t.outcome, t.outcome)) for t in selectors.transfers(request.user)[:50]]
    return {"deadlines": deadlines, "transfers": transfers, "today": timezone.localdate(),
            "own_organisations": list(selectors.organisations_acting_for(request.user, "add")),
            "documents": list(DOCUMENT_LABELS.items()), "categories": list(CATEGORY_LABELS.items()),
            "counters": selectors.current_counters(request.user)}


class FilingsPage(ListPage):
    """Officials see the filings and open deadlines of their jurisdiction; enterprises register and file theirs."""

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            _filings_post(request)
        except ServiceError as error:
            messages.error(request, f"{error.message}" + (f"（{error.field}）" if error.field else ""))
        return redirect("datahub:filings")


filings = login_required(FilingsPage.as_view(listing=FILINGS, template_name="datahub/filings.html",
                                             extra_context=_filings_context))


@login_required
@record_page(selectors.filing, "filing_id")
def filing_receipt(request: HttpRequest, filing: GbaFiling) -> HttpResponse:
    deadlines = filing.decision.get("data", {}).get("deadlines", []) if isinstance(filing.decision, dict) else []
    return render(request, "datahub/receipt.html", {
        "filing": filing, "deadlines": deadlines,
        "documents": [DOCUMENT_LABELS.get(code, code) for code in filing.documents_provided],
        "on_time": bool(filing.filed_on and filing.filing_due_on and filing.filed_on <= filing.filing_due_on)})
