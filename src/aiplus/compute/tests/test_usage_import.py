"""Issue 18: a provider's usage CSV names what its pages show (the booking's reference, the centre, the organisation),
never a database id; every bad row is refused naming its row and column, and nothing of the file is written."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aiplus.compute import services
from aiplus.compute.models import UsageRecord
from aiplus.core.imports import ImportRejected
from aiplus.core.models import AuditEvent

HEADER = ",".join(services.CSV_COLUMNS)


def placed(net: Any, pool: Any, title: str) -> Any:
    """A request of the Suzhou enterprise placed on `pool` (as the broker's job would store it)."""
    request = services.submit_request(acting_user=net.world.user("enterprise_member"), title=title,
                                      accepted_models=["nvidia-a800"], cards=8, hours="10", start=False)
    services.apply_placement(acting_user=None, request_id=request.pk, result={
        "pool_id": pool.pk, "cost_cny": Decimal("960.00"), "subsidy_cny": Decimal("0"), "paid_cny": Decimal("960.00"),
        "carbon_kg": Decimal("1"), "latency_ms": Decimal("2"), "reason": "test"})
    request.refresh_from_db()
    return request


@pytest.fixture
def bookings(net: Any) -> dict[str, Any]:
    return {"own": placed(net, net.sz_pool, "质检模型微调"), "other": placed(net, net.gd_pool, "深圳中心的作业")}


def test_a_row_names_its_booking_by_the_reference_the_pages_show(net, bookings, client):
    own = bookings["own"]
    assert own.reference == f"CR-{own.pk:06d}"
    text = f"{HEADER}\nU-1,{own.reference},,,,80,960,2026-06-30,INV-1\nU-2,cr{own.pk},,,,1,12,2026-06-30,\n"
    client.force_login(net.world.user("provider"))
    response = client.post("/api/v1/compute/usage/csv", {"text": text}, content_type="application/json")
    assert response.status_code == 200, response.content
    first = UsageRecord.objects.get(record_id="U-1")
    assert (first.placement.request_id, first.pool_id, first.organisation_id) == (
        own.pk, net.sz_pool.pk, net.world.orgs["suzhou:enterprise"].pk)
    assert first.reconciliation == UsageRecord.Reconciliation.MATCHED
    assert UsageRecord.objects.get(record_id="U-2").reconciliation == UsageRecord.Reconciliation.MISMATCH  # 81 > 80


def test_a_row_without_a_booking_names_the_centre_and_the_organisation(net, client):
    organisation = net.world.orgs["suzhou:enterprise"]
    text = (f"{HEADER}\nC-1,,苏州智算中心,NVIDIA A800,{organisation.name},3,36,2026-06-30,\n"
            f"C-2,,苏州智算中心,ascend-910b,{organisation.credit_code or organisation.name},2,16,2026-06-30,\n")
    services.import_usage_csv(acting_user=net.world.user("provider"), text=text)
    rows = {u.record_id: u for u in UsageRecord.objects.all()}
    assert (rows["C-1"].pool_id, rows["C-2"].pool_id) == (net.sz_pool.pk, net.sz_domestic.pk)
    assert {u.organisation_id for u in rows.values()} == {organisation.pk}
    assert rows["C-1"].reconciliation == UsageRecord.Reconciliation.UNPLACED


@pytest.mark.parametrize(("cells", "column", "code"), [
    ("{own},,,,80,960,2026-06-30,=cmd|' /C calc'!A0", "invoice_number", "formula"),
    ("{own},,,,80,960,2026-06-30,@SUM(A1)", "invoice_number", "formula"),
    ("{own},,,,80,960,2026-06-30," + "9" * 61, "invoice_number", "max_length"),
    ("{own},,,,80,960,2026-06-30,\t+1", "invoice_number", "formula"),
    ("CR-999999,,,,80,960,2026-06-30,", "request", "unknown_request"),
    ("{other},,,,80,960,2026-06-30,", "request", "unknown_request"),  # another provider's centre's booking
    ("42; DROP TABLE,,,,80,960,2026-06-30,", "request", "invalid_reference"),
    (",深圳智算中心,,{organisation},80,960,2026-06-30,", "centre", "unknown_centre"),  # another provider's centre
    (",苏州智算中心,,{organisation},80,960,2026-06-30,", "accelerator_model", "required"),  # two models there
    (",苏州智算中心,NVIDIA H100,{organisation},80,960,2026-06-30,", "accelerator_model", "unknown_pool"),
    (",苏州智算中心,NVIDIA A800,不存在的单位,80,960,2026-06-30,", "organisation", "unknown_organisation"),
    (",,,{organisation},80,960,2026-06-30,", "centre", "required"),
    ("{own},,,,1e400,960,2026-06-30,", "card_hours", None),
    ("{own},,,,80,99999999999999999999,2026-06-30,", "amount_cny", None),
    ("{own},,,,80,960,2026-02-30,", "period_end", "invalid_date"),
])
def test_a_hostile_row_is_refused_naming_its_row_and_column_and_nothing_is_written(net, bookings, client, cells,
                                                                                 column, code):
    bad = cells.format(own=bookings["own"].reference, other=bookings["other"].reference,
                       organisation=net.world.orgs["suzhou:enterprise"].name)
    text = f"{HEADER}\nOK-1,{bookings['own'].reference},,,,8,96,2026-06-30,\nBAD-1,{bad}\n"
    before = (UsageRecord.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ImportRejected) as refused:
        services.import_usage_csv(acting_user=net.world.user("provider"), text=text)
    [row] = refused.value.rows
    assert (row["row"], row["field"]) == (3, column) and (code is None or row["code"] == code), row
    client.force_login(net.world.user("provider"))
    page = client.post("/compute/provider/usage/", {"file": SimpleUploadedFile("u.csv", text.encode())})
    body = page.content.decode()
    assert page.status_code == 400 and f'<tr data-row="3" data-field="{column}">' in body
    assert str(services.USAGE_COLUMNS[column]) in body  # the column by its name on the page
    api = client.post("/api/v1/compute/usage/csv", {"text": text}, content_type="application/json")
    assert api.status_code == 400 and [(r["row"], r["field"]) for r in api.json()["report"]["rejected"]] == [
        (3, column)]
    assert (UsageRecord.objects.count(), AuditEvent.objects.count()) == before


def test_the_error_names_the_column_in_the_page_language(net, bookings, client):
    text = f"{HEADER}\nX-1,CR-999999,,,,8,96,2026-06-30,\n"
    client.force_login(net.world.user("provider"))
    english = client.post("/compute/provider/usage/", {"file": SimpleUploadedFile("u.csv", text.encode())},
                          HTTP_ACCEPT_LANGUAGE="en")
    body = english.content.decode()
    assert english.status_code == 400 and "Request number" in body and "需求编号" not in body


def test_bookings_and_the_template_list_only_the_providers_own_placed_requests(net, bookings, client):
    own, other = bookings["own"], bookings["other"]
    client.force_login(net.world.user("provider"))
    page = client.get("/compute/provider/bookings/").content.decode()
    assert own.reference in page and own.title in page and other.reference not in page
    api = client.get("/api/v1/compute/bookings").json()["items"]
    assert [(b["reference"], b["centre"], b["metered_card_hours"]) for b in api] == [
        (own.reference, "苏州智算中心", "0.00")]
    template = client.get("/compute/provider/usage/template.csv")
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    assert rows[0] == list(services.CSV_COLUMNS)
    assert [r[1] for r in rows[1:]] == [own.reference] and rows[1][2] == "苏州智算中心"
    # the metered figures are the provider's to fill (never the booked ones), the organisation follows the reference
    assert rows[1][4:8] == ["", "", "", ""]
    # filled in from the meters, the template imports through the API as it does through the page
    rows[1][0] = "T-1"
    rows[1][5:8] = [str(own.cards * own.hours), str(own.placement.cost_cny), "2026-06-30"]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    response = client.post("/api/v1/compute/usage/csv", {"text": out.getvalue()}, content_type="application/json")
    assert response.status_code == 200 and response.json()["created"] == 1
    assert UsageRecord.objects.get().reconciliation == UsageRecord.Reconciliation.MATCHED
    assert client.get("/compute/provider/usage/template.csv").content.decode("utf-8-sig").count("\n") == 1
    client.force_login(net.world.user("provider", "shenzhen"))
    page = client.get("/compute/provider/bookings/").content.decode()
    assert other.reference in page and own.reference not in page


@pytest.mark.parametrize("cell", ["²", "٣", "1" * 13, "-1", "CR-1"])
def test_a_bad_legacy_request_id_is_a_row_error_not_a_crash(net, bookings, cell):
    """The machine clients' `request_id` column: a digit that `int` would not take (²) or any other bad id is the
    row's refusal, like an unknown one, never an unhandled error."""
    text = ("record_id,request_id,card_hours,amount_cny,period_end\n"
            f"OK-1,{bookings['own'].pk},8,96,2026-06-30\nBAD-1,{cell},8,96,2026-06-30\n")
    before = UsageRecord.objects.count()
    with pytest.raises(ImportRejected) as refused:
        services.import_usage_csv(acting_user=net.world.user("provider"), text=text)
    [row] = refused.value.rows
    assert (row["row"], row["field"]) == (3, "request_id"), row
    assert UsageRecord.objects.count() == before
