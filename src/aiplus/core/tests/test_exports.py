"""The export cell helper: text a spreadsheet would read as a formula gets a quote; everything else is unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from aiplus.core.exports import restore_cell, safe_cell, safe_row

PAYLOADS = [
    ("=1+1", "'=1+1"),
    ("+cmd", "'+cmd"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=x", "'\t=x"),
    ("\r=x", "'\r=x"),
    ('=HYPERLINK("http://x.invalid","x")', '\'=HYPERLINK("http://x.invalid","x")'),
    ("汽车零部件表面缺陷检测", "汽车零部件表面缺陷检测"),
    ("a=1+1", "a=1+1"),
    ("'=already quoted", "'=already quoted"),
    ("", ""),
    (-3, -3),
    (2.5, 2.5),
    (Decimal("-12.50"), Decimal("-12.50")),
    (dt.date(2026, 1, 1), dt.date(2026, 1, 1)),
    (True, True),
    (None, None),
]


@pytest.mark.parametrize(("value", "written"), PAYLOADS)
def test_formula_text_is_quoted_and_everything_else_is_unchanged(value, written):
    assert safe_cell(value) == written
    assert type(safe_cell(value)) is type(value)


@pytest.mark.parametrize(("value", "written"), PAYLOADS)
def test_reading_an_exported_cell_back_gives_what_was_written(value, written):
    if value == "'=already quoted":  # a quote the user typed before a formula character is read as ours
        assert restore_cell(written) == "=already quoted"
    else:
        assert restore_cell(written) == value


def test_a_row_keeps_its_order_and_its_numbers():
    assert safe_row(["=1+1", -2, "名称", None]) == ["'=1+1", -2, "名称", None]


def test_spreadsheet_and_csv_hold_the_quoted_text_and_the_numbers():
    row = safe_row(value for value, _written in PAYLOADS if not isinstance(value, dt.date | bool))
    book = Workbook()
    book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    cells = next(load_workbook(data).active.iter_rows())
    assert [cell.data_type for cell in cells[:7]] == ["s"] * 7  # text, never "f" (formula)
    assert cells[0].value == "'=1+1" and cells[11].value == -3 and cells[11].data_type == "n"
    text = io.StringIO()
    csv.writer(text).writerow(row)
    read = next(csv.reader(io.StringIO(text.getvalue())))
    assert read[:5] == ["'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "'\t=x"] and read[11] == "-3"
