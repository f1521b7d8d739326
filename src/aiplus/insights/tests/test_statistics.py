"""Entered statistics end to end: an official enters (API and page), corrects (history kept, latest shown), imports
a workbook (a bad row refuses the whole file), and the dashboard moves; refusals name the field and write nothing;
officials of another place and companies are refused."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook

from aiplus.core.models import AuditEvent, Jurisdiction
from aiplus.core.testing import (
    assert_page_refused_naming,
    assert_refused_naming,
    bearer,
    operation,
    signed_in,
    written,
)
from aiplus.insights import catalogue, services
from aiplus.insights.models import Observation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _payload(place: Jurisdiction, **changes):
    return {"indicator": "ai_enterprises", "jurisdiction_id": place.pk, "as_of": str(TODAY - dt.timedelta(days=30)),
            "value": "1200", "source": "苏州工业园区统计局《2026年三季度统计公报》",
            "source_date": str(TODAY - dt.timedelta(days=10)), **changes}


def _workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(services.HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "statistics.xlsx"
    return out


def test_every_target_parameter_is_read():
    named = {key for item in catalogue.indicators().values() for key in (*item.targets, *item.conditions)}
    assert set(catalogue.target_keys()) == named
    assert len(named) == 17
    targets = catalogue.targets()
    assert {t.jurisdiction for t in targets} == {"cn", "suzhou", "guangdong", "shenzhen"}
    penetration = [t for t in targets if t.indicator == "terminal_agent_penetration"]
    assert [(t.year, t.value) for t in penetration] == [(2027, Decimal("0.70")), (2030, Decimal("0.90"))]


def test_an_official_enters_corrects_and_the_dashboard_moves(world):
    official = world.user("official", "suzhou")
    api = bearer(official)
    sip = Jurisdiction.objects.get(code="suzhou-sip")
    before = api.get(operation("aiplus_insights_api_get_dashboard", code="suzhou")).json()
    row = next(r for r in before["indicators"] if r["indicator"] == "ai_enterprises")
    assert row["latest"] is None and row["targets"][0]["key"] == "targets.suzhou.ai_enterprises_2026"

    response = api.post(operation("aiplus_insights_api_enter_observation"), _payload(sip),
                        content_type="application/json")
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["jurisdiction"] == "suzhou-sip" and first["corrects_id"] is None
    board = api.get(operation("aiplus_insights_api_get_dashboard", code="suzhou")).json()
    row = next(r for r in board["indicators"] if r["indicator"] == "ai_enterprises")
    assert Decimal(row["latest"]["value"]) == 1200 and row["rolled_up_from"] == ["suzhou-sip"]
    target = row["targets"][0]
    assert Decimal(target["value"]) == 3000 and Decimal(target["gap"]) == 1800 and target["status"] == "official"
    assert "苏州市加快建设" in target["citation_label"]

    # a correction: a new row naming the one it corrects; the latest is shown and the history kept
    corrected = api.post(operation("aiplus_insights_api_enter_observation"), _payload(sip, value="1250"),
                         content_type="application/json").json()
    assert corrected["corrects_id"] == first["id"]
    detail = api.get(operation("aiplus_insights_api_get_indicator", code="suzhou-sip",
                               indicator="ai_enterprises")).json()
    assert Decimal(detail["latest"]["value"]) == 1250
    assert [o["id"] for o in detail["observations"]] == [corrected["id"], first["id"]]
    assert AuditEvent.objects.filter(action="insights.observation.entered").count() == 1
    assert AuditEvent.objects.filter(action="insights.observation.corrected").count() == 1
    listed = api.get(operation("aiplus_insights_api_list_observations") + "?indicator=ai_enterprises").json()
    assert {o["id"] for o in listed["items"]} == {first["id"], corrected["id"]}


@pytest.mark.parametrize(("changes", "field"), [
    ({"indicator": "nonsense"}, "indicator"),
    ({"indicator": "genai_filings"}, "indicator"),  # computed from the records, never entered
    ({"value": "1200.5"}, "value"),  # a count is whole
    ({"value": "-1"}, "value"),
    ({"indicator": "terminal_agent_penetration", "value": "1.5"}, "value"),
    ({"value": "1e15"}, "value"),
    ({"as_of": str(TODAY + dt.timedelta(days=3))}, "as_of"),
    ({"source_date": str(TODAY + dt.timedelta(days=3))}, "source_date"),
    ({"source": ""}, "source"),
    ({"source": "x" * 301}, "source"),
    ({"source_url": "javascript:alert(1)"}, "source_url"),
    ({"jurisdiction_id": 999999}, "jurisdiction_id"),
    ({"unexpected": 1}, "unexpected"),
])
def test_bad_input_names_the_field_and_writes_nothing(world, changes, field):
    api = bearer(world.user("official", "suzhou"))
    sip = Jurisdiction.objects.get(code="suzhou-sip")
    before = written(Observation)
    response = api.post(operation("aiplus_insights_api_enter_observation"), _payload(sip, **changes),
                        content_type="application/json")
    assert_refused_naming(response, field)
    assert written(Observation) == before


@pytest.mark.parametrize(("who", "place"), [("official", "shenzhen"), ("enterprise_member", "suzhou"),
                                            ("auditor", "suzhou")])
def test_only_an_official_of_the_place_may_enter(world, who, place):
    api = bearer(world.user(who, place))
    sip = Jurisdiction.objects.get(code="suzhou-sip")
    before = written(Observation)
    response = api.post(operation("aiplus_insights_api_enter_observation"), _payload(sip),
                        content_type="application/json")
    assert response.status_code == 403
    assert written(Observation) == before


def test_a_workbook_is_imported_whole_or_not_at_all(world):
    api = bearer(world.user("official", "suzhou"))
    as_of, published = TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=20)
    good = [["ai_industry_scale_cny", "suzhou-sip", as_of, 52000000000, "园区统计局", published, "", ""],
            ["ai_industry_scale_cny", "suzhou-kunshan", as_of, 31000000000, "昆山市统计局", published,
             "https://example.org/kunshan", "快报"],
            ["opc_communities", "suzhou", as_of, 12, "市工信局", published, "", ""]]
    bad = [*good, ["opc_communities", "suzhou-gusu", "not a day", 3, "姑苏区", published, "", ""],
           ["compute_cards", "suzhou", as_of, 3, "x", published, "", ""]]
    before = written(Observation)
    refused = api.post(operation("aiplus_insights_api_import_observations"), {"file": _workbook(bad)})
    assert refused.status_code == 400
    report = refused.json()["report"]
    assert {r["field"] for r in report["rejected"]} == {"row5.as_of", "row6.indicator"}
    assert written(Observation) == before

    done = api.post(operation("aiplus_insights_api_import_observations"), {"file": _workbook(good)})
    assert done.status_code == 200, done.content
    assert done.json()["created"] == 3
    again = api.post(operation("aiplus_insights_api_import_observations"), {"file": _workbook(good)}).json()
    assert again["created"] == 0 and again["unchanged"] == 3
    assert AuditEvent.objects.filter(action="insights.observations.imported").count() == 1
    board = api.get(operation("aiplus_insights_api_get_dashboard", code="suzhou")).json()
    scale = next(r for r in board["indicators"] if r["indicator"] == "ai_industry_scale_cny")
    assert Decimal(scale["latest"]["value"]) == 83000000000
    assert sorted(scale["rolled_up_from"]) == ["suzhou-kunshan", "suzhou-sip"]

    shenzhen = bearer(world.user("official", "shenzhen"))
    assert shenzhen.post(operation("aiplus_insights_api_import_observations"),
                         {"file": _workbook(good)}).status_code == 403


def test_the_page_enters_and_refuses_naming_the_field(world):
    client = signed_in(world.user("official", "suzhou"))
    sip = Jurisdiction.objects.get(code="suzhou-sip")
    form = {"action": "enter", "entry-indicator": "ai_enterprises", "entry-jurisdiction": sip.pk,
            "entry-as_of": str(TODAY - dt.timedelta(days=5)), "entry-value": "1200", "entry-source": "园区统计局",
            "entry-source_date": str(TODAY - dt.timedelta(days=1))}
    before = written(Observation)
    refused = client.post("/insights/statistics/", {**form, "entry-value": "12.5"})
    assert_page_refused_naming(refused, "value", "entry-value")
    assert written(Observation) == before
    done = client.post("/insights/statistics/", form)
    assert done.status_code == 302
    page = client.get("/insights/suzhou/indicators/ai_enterprises/")
    assert page.status_code == 200 and "园区统计局" in page.content.decode()
    # the indicator page's own form, pre-filled with the indicator and the place
    again = client.post("/insights/suzhou-sip/indicators/ai_enterprises/", {**form, "entry-value": "1300"})
    assert again.status_code == 302
    assert Observation.objects.filter(indicator="ai_enterprises").count() == 2
    # a computed indicator's page takes no entries
    assert client.post("/insights/suzhou/indicators/genai_filings/", form).status_code == 403


def test_a_platform_setting_target_reads_as_such():
    from dataclasses import replace

    from django.template import Context, Template

    from aiplus.rules.parameters import ParameterStatus

    target = catalogue.targets()[0]
    setting = replace(target.version, status=ParameterStatus.LOCAL_SETTING)
    html = Template("{% load citations %}{{ v|cite }}").render(Context({"v": setting}))
    assert 'data-basis="setting"' in html and "平台设置" in html
    official = Template("{% load citations %}{{ v|cite }}").render(Context({"v": target.version}))
    assert 'data-basis="law"' in official


def test_the_import_page_lists_every_bad_row_and_imports_a_good_file(world):
    client = signed_in(world.user("official", "suzhou"))
    as_of, published = TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=20)
    good = ["opc_talents", "suzhou", as_of, 3200, "市人社局", published, "", ""]
    before = written(Observation)
    refused = client.post("/insights/statistics/import/",
                          {"file": _workbook([good, ["opc_talents", "suzhou", as_of, -5, "市人社局", published,
                                                     "", ""]])})
    html = refused.content.decode()
    assert refused.status_code == 400 and "row3.value" in html
    assert written(Observation) == before
    done = client.post("/insights/statistics/import/", {"file": _workbook([good])})
    assert done.status_code == 302
    assert Observation.objects.get(indicator="opc_talents").value == 3200
    # a file that is not a workbook is refused naming the file
    broken = io.BytesIO(b"not a workbook")
    broken.name = "statistics.xlsx"
    response = client.post("/insights/statistics/import/", {"file": broken})
    assert_page_refused_naming(response, "file")
