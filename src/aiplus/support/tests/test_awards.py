"""Bulk import of an award list through `aiplus.core.imports`: xlsx and CSV, per-row errors naming row and column,
nothing half written, formulas never executed nor exported back as formulas; each award committed from the budget
through the ledger. Page and API."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from aiplus.compute import ledger
from aiplus.core.testing import operation, signed_in
from aiplus.support import services
from aiplus.support.awards import HEADERS
from aiplus.support.models import Application, Tranche

pytestmark = pytest.mark.django_db
D = Decimal


def xlsx(rows: list[list[Any]], *, text: bool = False) -> bytes:
    """A workbook of `rows`; with `text`, a string starting with = is a text cell, not a formula."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
        if text:
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[Any]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def budget(world: Any) -> Any:
    return services.open_budget(acting_user=world.user("official"), programme_code="suzhou.dataset_purchase",
                                year=timezone.localdate().year, amount_cny="1000000")


def _post(client: Any, data: bytes, name: str = "awards.xlsx", **extra: Any) -> Any:
    return client.post("/support/awards/import/", {"programme_code": "suzhou.dataset_purchase",
                                                   "year": timezone.localdate().year,
                                                   "file": SimpleUploadedFile(name, data), **extra})


def test_a_bad_row_refuses_the_file_naming_row_and_column(world: Any, budget: Any) -> None:
    official = signed_in(world.user("official"))
    company = world.orgs["suzhou:enterprise"]
    bad = xlsx([[company.credit_code, "数据集采购", 100000, "HT-1"],
                ["91320500MA0000000X", "未知单位", 1000, ""],
                [company.credit_code, "", "abc", ""],
                [company.credit_code, "超预算", 2000000, ""]])
    answer = _post(official, bad)
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'data-row="3" data-field="统一社会信用代码"' in html and 'data-row="4" data-field="项目名称"' in html
    assert 'data-row="5" data-field="批准金额（元）"' in html
    assert not Application.objects.exists()  # nothing half written
    assert ledger.balance(services.budget_account(budget)) == D("1000000.00")


def test_an_award_list_is_imported_committed_and_never_a_formula(world: Any, budget: Any) -> None:
    official = signed_in(world.user("official"))
    company = world.orgs["suzhou:enterprise"]
    # a real formula cell is never executed: read as its cached value (none here), so the title is missing
    formula = _post(official, xlsx([[company.credit_code, "=1+1", 100000, ""]]))
    assert formula.status_code == 400 and 'data-row="2" data-field="项目名称"' in formula.content.decode()
    data = xlsx([[company.credit_code, "=HYPERLINK(\"http://evil\",\"x\")", 100000, "HT-1"],
                 [company.credit_code, "城市数据集", "250000.50", "'=1+1"]], text=True)
    answer = _post(official, data)
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    rows = {a.title: a for a in Application.objects.all()}
    assert set(rows) == {"=HYPERLINK(\"http://evil\",\"x\")", "城市数据集"}
    assert rows["城市数据集"].cost_ref == "=1+1" and rows["城市数据集"].status == "approved"
    assert Tranche.objects.filter(application=rows["城市数据集"]).count() == 2
    assert ledger.balance(services.budget_account(budget)) == D("649999.50")
    assert ledger.unbalanced_transactions() == []
    # the same file again: unchanged, nothing committed twice
    assert _post(official, data).status_code == 302
    assert Application.objects.count() == 2
    # the export writes the titles back as text, not formulas
    export = official.get("/support/applications/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content) if export.streaming else export.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not any(v.startswith("=") for v in values)
    assert any(v.startswith("'=HYPERLINK") for v in values)


def test_csv_api_refusals_and_who_may_import(world: Any, budget: Any) -> None:
    company = world.orgs["suzhou:enterprise"]
    official = signed_in(world.user("official"))
    path = operation("aiplus_support_api_import_awards")
    form = {"programme_code": "suzhou.dataset_purchase", "year": timezone.localdate().year}
    ok = official.post(path, {**form, "file": SimpleUploadedFile("a.csv", csv_bytes([
        [company.credit_code, "@SUM(A1:A2)", "1000", ""]]))})
    assert ok.status_code == 200, ok.content
    assert ok.json()["created"] == 1
    assert Application.objects.get().title == "@SUM(A1:A2)"
    bad = official.post(path, {**form, "file": SimpleUploadedFile("b.csv", csv_bytes([
        [company.credit_code, "x", "-5", ""], [company.credit_code, "y\x00", "5", ""]]))})
    assert bad.status_code == 400
    rejected = bad.json()["report"]["rejected"]
    assert {(r["row"], r["field"]) for r in rejected} >= {(2, "批准金额（元）")}
    assert Application.objects.count() == 1
    member = signed_in(world.user("enterprise_member"))
    assert member.post(path, {**form, "file": SimpleUploadedFile("a.csv", csv_bytes([]))}).status_code == 403
    assert _post(member, csv_bytes([]), "a.csv").status_code == 403
    other = signed_in(world.user("official", "shenzhen"))
    assert other.post(path, {**form, "file": SimpleUploadedFile("a.csv", csv_bytes([
        [company.credit_code, "z", "1", ""]]))}).status_code == 403
    no_budget = official.post(path, {**form, "year": 2001, "file": SimpleUploadedFile("a.csv", b"x")})
    assert no_budget.status_code == 409
    zip_junk = official.post(path, {**form, "file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04junk")})
    assert zip_junk.status_code == 400
    assert Application.objects.count() == 1
