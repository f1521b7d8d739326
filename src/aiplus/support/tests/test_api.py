"""Support programmes through the API (and the services it calls): the catalogue, the finder, an application from
draft to the first tranche with the one notice of what is missing, the budget through the shared ledger, refusals
(over budget, own request, ineligible), hostile numbers and the Excel export."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from aiplus.compute import ledger
from aiplus.compute.models import LedgerEntry
from aiplus.core.models import AuditEvent
from aiplus.core.testing import (
    assert_hostile_numbers_refused,
    assert_refused_naming,
    json_with,
    operation,
    signed_in,
    written,
)
from aiplus.support import services
from aiplus.support.models import Application, Budget, Tranche

pytestmark = pytest.mark.django_db
D = Decimal


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _open_budget(world: Any, amount: str = "20000000", code: str = "suzhou.dataset_purchase") -> dict[str, Any]:
    answer = _post(signed_in(world.user("official")), "aiplus_support_api_open_budget",
                   {"programme_code": code, "year": timezone.localdate().year, "amount_cny": amount})
    assert answer.status_code == 201, answer.content
    return answer.json()  # type: ignore[no-any-return]


def _apply(world: Any, cost: str = "1000000", **extra: Any) -> dict[str, Any]:
    answer = _post(signed_in(world.user("enterprise_member")), "aiplus_support_api_create_application", {
        "organisation_id": world.orgs["suzhou:enterprise"].pk, "programme_code": "suzhou.dataset_purchase",
        "title": "城市交通数据集采购", "declared_cny": cost, "counterparty_affiliated": False,
        "cost_ref": "HT-2026-001", **extra})
    assert answer.status_code == 201, answer.content
    return answer.json()  # type: ignore[no-any-return]


def test_the_catalogue_shows_every_number_with_its_source(client: Any, world: Any) -> None:
    body = client.get(operation("aiplus_support_api_list_programmes")).json()
    codes = {p["code"] for p in body}
    assert {"suzhou.dataset_purchase", "suzhou.major_rd", "shenzhen.demonstration_project"} <= codes
    purchase = next(p for p in body if p["code"] == "suzhou.dataset_purchase")
    rate = next(p for p in purchase["parameters"] if p["key"] == "subsidies.suzhou.dataset_purchase.rate")
    assert rate["value"] == "0.20" and rate["status"] == "official" and "苏州" in rate["source"]
    budget = next(p for p in purchase["parameters"] if p["key"].endswith("budget_cny_per_year"))
    assert budget["status"] == "local-setting" and budget["source"].startswith("平台设置")
    assert client.get(operation("aiplus_support_api_get_programme", code="no.such")).status_code == 404


def test_the_finder_says_what_a_company_can_get_and_what_is_missing(world: Any) -> None:
    client = signed_in(world.user("enterprise_member"))
    company = world.orgs["suzhou:enterprise"]
    answer = _post(client, "aiplus_support_api_find_programmes", {"organisation_id": company.pk})
    assert answer.status_code == 200, answer.content
    rows = {r["programme"]: r for r in answer.json()}
    assert rows["suzhou.dataset_purchase"]["outcome"] == "incomplete"
    assert rows["suzhou.dataset_purchase"]["missing"]
    assert rows["shenzhen.demonstration_project"]["outcome"] == "ineligible"  # registered in Suzhou
    assert rows["shenzhen.demonstration_project"]["why_not"]
    answered = _post(client, "aiplus_support_api_find_programmes", {
        "organisation_id": company.pk, "declared_cny": "1234567.89", "counterparty_affiliated": False}).json()
    purchase = next(r for r in answered if r["programme"] == "suzhou.dataset_purchase")
    assert purchase["outcome"] == "eligible" and D(purchase["amount_cny"]) == D("246913.58")
    assert purchase["decision"]["reasons"][0]["citation_label"]
    # another organisation's facts are not the member's to ask about
    other = _post(client, "aiplus_support_api_find_programmes",
                  {"organisation_id": world.orgs["shenzhen:enterprise"].pk})
    assert other.status_code in (403, 404)


def test_an_application_goes_from_draft_to_its_first_tranche_through_the_ledger(world: Any) -> None:
    budget = _open_budget(world)
    assert D(budget["left_cny"]) == D("20000000")
    applicant = signed_in(world.user("enterprise_member"))
    official = signed_in(world.user("official"))
    created = _apply(world)
    pk = created["id"]
    assert created["status"] == "draft" and created["estimate"]["outcome"] == "eligible"
    assert _post(applicant, "aiplus_support_api_add_document", {"code": "contract", "reference": "HT-2026-001.pdf"},
                 application_id=pk).status_code == 200
    assert _post(applicant, "aiplus_support_api_submit_application", application_id=pk).status_code == 200

    # the formal check lists everything missing at once: two documents
    noticed = _post(official, "aiplus_support_api_examine_application", application_id=pk).json()
    assert noticed["status"] == "incomplete"
    assert [m["code"] for m in noticed["missing_notice"]] == ["invoice", "non_affiliation"]
    for code in ("invoice", "non_affiliation"):
        _post(applicant, "aiplus_support_api_add_document", {"code": code, "reference": f"{code}.pdf"},
              application_id=pk)
    _post(applicant, "aiplus_support_api_submit_application", application_id=pk)
    accepted = _post(official, "aiplus_support_api_examine_application", application_id=pk).json()
    assert accepted["status"] == "accepted" and len(accepted["missing_notice"]) == 2  # the notice stays as given

    # the applicant cannot decide their own request
    assert _post(applicant, "aiplus_support_api_decide_application", {"approve": True},
                 application_id=pk).status_code == 403
    decided = _post(official, "aiplus_support_api_decide_application", {"approve": True}, application_id=pk)
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["status"] == "approved" and D(body["amount_cny"]) == D("200000.00")
    assert [D(t["amount_cny"]) for t in body["tranches"]] == [D("100000.00"), D("100000.00")]
    assert any(r["code"] == "by_rate" for r in body["decision"]["reasons"])

    paid = _post(official, "aiplus_support_api_pay_tranche", tranche_id=body["tranches"][0]["id"])
    assert paid.status_code == 200, paid.content
    assert paid.json()["tranches"][0]["state"] == "paid"
    again = _post(official, "aiplus_support_api_pay_tranche", tranche_id=body["tranches"][0]["id"])
    assert again.status_code == 409

    application = Application.objects.get(pk=pk)
    row = Budget.objects.get()
    figures = services.budget_figures(row)
    assert figures["committed_cny"] == D("200000.00") and figures["paid_cny"] == D("100000.00")
    assert figures["left_cny"] == D("19800000.00")
    assert ledger.balance(services.commitment_account(application)) == D("100000.00")
    assert ledger.unbalanced_transactions() == []
    assert sum((e.amount_cny for e in LedgerEntry.objects.all()), D(0)) == 0
    listed = official.get(operation("aiplus_support_api_list_budgets")).json()
    listed = listed.get("items", listed)
    assert D(listed[0]["left_cny"]) == D("19800000.00") and D(listed[0]["paid_cny"]) == D("100000.00")
    actions = list(AuditEvent.objects.filter(action__startswith="support.").values_list("action", flat=True))
    assert actions.count("support.tranche.paid") == 1 and "support.application.approved" in actions


def test_a_decision_that_would_overrun_the_budget_is_refused_with_the_reason(world: Any) -> None:
    _open_budget(world, amount="150000")
    pk = _apply(world)["id"]
    applicant = signed_in(world.user("enterprise_member"))
    for code in ("contract", "invoice", "non_affiliation"):
        _post(applicant, "aiplus_support_api_add_document", {"code": code, "reference": "x.pdf"}, application_id=pk)
    _post(applicant, "aiplus_support_api_submit_application", application_id=pk)
    official = signed_in(world.user("official"))
    assert _post(official, "aiplus_support_api_examine_application", application_id=pk).json()["status"] == "accepted"
    before = written(LedgerEntry)
    refused = _post(official, "aiplus_support_api_decide_application", {"approve": True}, application_id=pk)
    assert refused.status_code == 409 and refused.json()["code"] == "over_budget"
    assert "150000" in refused.json()["message"]
    assert written(LedgerEntry) == before and Tranche.objects.count() == 0
    assert Application.objects.get(pk=pk).status == "accepted"
    # rejection needs its reason
    assert_refused_naming(_post(official, "aiplus_support_api_decide_application", {"approve": False},
                                application_id=pk), "note")


def test_officials_elsewhere_and_strangers_cannot_act(world: Any) -> None:
    _open_budget(world)
    pk = _apply(world)["id"]
    stranger = signed_in(world.user("enterprise_member", "shenzhen"))
    assert stranger.get(operation("aiplus_support_api_get_application", application_id=pk)).status_code == 404
    assert _post(stranger, "aiplus_support_api_submit_application", application_id=pk).status_code == 404
    shenzhen_official = signed_in(world.user("official", "shenzhen"))
    refused = _post(shenzhen_official, "aiplus_support_api_open_budget",
                    {"programme_code": "suzhou.major_rd", "year": 2026})
    assert refused.status_code == 403


@pytest.mark.parametrize(("field", "value"), [
    ("declared_cny", "-1"), ("declared_cny", "1e20"), ("declared_cny", "0.001"), ("programme_code", "no.such"),
    ("title", ""), ("standard_level", "galactic"),
])
def test_bad_input_is_refused_naming_the_field(world: Any, field: str, value: str) -> None:
    before = written(Application)
    answer = _post(signed_in(world.user("enterprise_member")), "aiplus_support_api_create_application", {
        "organisation_id": world.orgs["suzhou:enterprise"].pk, "programme_code": "suzhou.dataset_purchase",
        "title": "t", field: value})
    if field == "programme_code":
        assert answer.status_code == 404 and answer.json()["field"] == "programme_code"
    else:
        assert_refused_naming(answer, field)
    assert written(Application) == before


def test_hostile_amounts_are_refused(world: Any) -> None:
    client = signed_in(world.user("enterprise_member"))
    payload = {"organisation_id": world.orgs["suzhou:enterprise"].pk, "programme_code": "suzhou.dataset_purchase",
               "title": "t", "declared_cny": 1}
    assert_hostile_numbers_refused(
        lambda text: client.post(operation("aiplus_support_api_create_application"),
                                 json_with(payload, ("declared_cny",), text), content_type="application/json"),
        Application, "declared_cny", Application)
    official = signed_in(world.user("official"))
    budget = {"programme_code": "suzhou.dataset_purchase", "year": 2026, "amount_cny": 1}
    assert_hostile_numbers_refused(
        lambda text: official.post(operation("aiplus_support_api_open_budget"),
                                   json_with(budget, ("amount_cny",), text), content_type="application/json"),
        Budget, "amount_cny", Budget)


def test_the_excel_export_defuses_formulas(world: Any) -> None:
    from openpyxl import load_workbook

    _apply(world, title="=HYPERLINK(\"http://evil\",\"x\")")
    answer = signed_in(world.user("official")).get("/support/applications/?export=xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("HYPERLINK" in c for c in cells)
    assert not any(c.startswith("=") for c in cells)


def test_a_claw_back_reverses_the_payments_and_returns_the_commitment(world: Any) -> None:
    _open_budget(world)
    pk = _apply(world)["id"]
    applicant = signed_in(world.user("enterprise_member"))
    official = signed_in(world.user("official"))
    for code in ("contract", "invoice", "non_affiliation"):
        _post(applicant, "aiplus_support_api_add_document", {"code": code, "reference": "x.pdf"}, application_id=pk)
    _post(applicant, "aiplus_support_api_submit_application", application_id=pk)
    _post(official, "aiplus_support_api_examine_application", application_id=pk)
    body = _post(official, "aiplus_support_api_decide_application", {"approve": True}, application_id=pk).json()
    _post(official, "aiplus_support_api_pay_tranche", tranche_id=body["tranches"][0]["id"])
    assert_refused_naming(_post(official, "aiplus_support_api_claw_back", {"reason": " "}, application_id=pk),
                          "reason")
    assert _post(applicant, "aiplus_support_api_claw_back", {"reason": "x"}, application_id=pk).status_code == 403
    entries = LedgerEntry.objects.count()
    answer = _post(official, "aiplus_support_api_claw_back", {"reason": "关联交易"}, application_id=pk)
    assert answer.status_code == 200, answer.content
    clawed = answer.json()
    assert clawed["status"] == "clawed_back" and clawed["clawback_reason"] == "关联交易"
    assert [t["state"] for t in clawed["tranches"]] == ["clawed_back", "cancelled"]
    assert LedgerEntry.objects.count() == entries + 4  # the payment reversed, the commitment returned
    budget = Budget.objects.get()
    figures = services.budget_figures(budget)
    assert figures["left_cny"] == D("20000000.00") and figures["paid_cny"] == 0
    assert ledger.balance(services.commitment_account(Application.objects.get(pk=pk))) == 0
    assert ledger.unbalanced_transactions() == []
    assert _post(official, "aiplus_support_api_claw_back", {"reason": "again"}, application_id=pk).status_code == 409


def test_open_source_support_reads_the_project_register_and_pays_through_the_ledger(world: Any) -> None:
    """Suzhou art. 36: a company that maintains a publicly registered open-source project gets the grant; one that
    does not is told why not. The fact comes from the register, not from the applicant's word."""
    member = signed_in(world.user("enterprise_member"))
    official = signed_in(world.user("official"))
    company = world.orgs["suzhou:enterprise"]

    def finder_row() -> dict[str, Any]:
        rows = _post(member, "aiplus_support_api_find_programmes", {"organisation_id": company.pk}).json()
        return next(r for r in rows if r["programme"] == "suzhou.open_source")

    before = finder_row()
    assert before["outcome"] == "ineligible" and any("开源项目" in words for words in before["why_not"])
    # an unpublished project does not count: the support is for projects open to their communities
    draft = _post(member, "aiplus_algorithms_api_create_project", {
        "organisation_id": company.pk, "name": "工业视觉开源工具包", "repository_url": "https://git.example.org/vision",
        "licence": "Apache-2.0"})
    assert draft.status_code in (200, 201), draft.content
    assert finder_row()["outcome"] == "ineligible"
    published = _post(member, "aiplus_algorithms_api_publish_project", {"is_published": True},
                      project_id=draft.json()["id"])
    assert published.status_code == 200, published.content
    after = finder_row()
    assert after["outcome"] == "eligible" and D(after["amount_cny"]) == D("300000.00")

    _open_budget(world, amount="3000000", code="suzhou.open_source")
    created = _post(member, "aiplus_support_api_create_application", {
        "organisation_id": company.pk, "programme_code": "suzhou.open_source", "title": "工业视觉开源社区运营"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert _post(member, "aiplus_support_api_add_document", {"code": "operating_report", "reference": "2026年报.pdf"},
                 application_id=pk).status_code == 200
    assert _post(member, "aiplus_support_api_submit_application", application_id=pk).status_code == 200
    assert _post(official, "aiplus_support_api_examine_application", application_id=pk).json()["status"] == "accepted"
    decided = _post(official, "aiplus_support_api_decide_application", {"approve": True}, application_id=pk).json()
    assert decided["status"] == "approved" and D(decided["amount_cny"]) == D("300000.00")
    assert [D(t["amount_cny"]) for t in decided["tranches"]] == [D("150000.00"), D("150000.00")]
    paid = _post(official, "aiplus_support_api_pay_tranche", tranche_id=decided["tranches"][0]["id"])
    assert paid.status_code == 200 and paid.json()["tranches"][0]["state"] == "paid"
    assert ledger.balance(services.commitment_account(Application.objects.get(pk=pk))) == D("150000.00")
    assert ledger.unbalanced_transactions() == []
    # the programme page shows the grant's numbers as platform settings, the article with the draft's status
    page = member.get("/support/programmes/suzhou.open_source/").content.decode()
    assert "开源项目与开源社区支持" in page and "平台设置" in page and "送审稿" in page
