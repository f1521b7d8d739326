"""The pages and API reads: each within its query budget (with demo data and statistics entered), the dashboard
showing each target with its citation, the indicator page showing the query and the records behind a computed
value, and English pages in English."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from aiplus.core.models import Jurisdiction
from aiplus.core.testing import CJK, assert_within_query_budget, query_budgets, section, signed_in
from aiplus.insights import services

pytestmark = pytest.mark.django_db


def _statistics(official):
    today = timezone.localdate()
    for code, value, days in (("suzhou-sip", 1200, 400), ("suzhou-sip", 1500, 30), ("suzhou-kunshan", 800, 30)):
        services.enter_observation(acting_user=official, indicator="ai_enterprises",
                                   jurisdiction_id=Jurisdiction.objects.get(code=code).pk,
                                   as_of=today - dt.timedelta(days=days), value=value, source="统计局",
                                   source_date=today - dt.timedelta(days=1))


def test_pages_stay_within_their_query_budgets(demo, world, client, django_assert_max_num_queries):
    official = world.user("official", "suzhou")
    _statistics(official)
    for page, budget in query_budgets(__file__).items():
        assert_within_query_budget(client, official, page, budget, django_assert_max_num_queries)


def test_the_dashboard_shows_targets_with_citations_and_the_rolled_up_value(world):
    official = world.user("official", "suzhou")
    _statistics(official)
    html = signed_in(official).get("/insights/suzhou/").content.decode()
    targets = section(html, "targets")
    assert targets.count('data-testid="target-row"') == 9
    row = re.search(r'<tr data-testid="target-row" data-indicator="ai_enterprises"[^>]*>', targets).group(0)
    assert 'data-latest="2300' in row and 'data-gap="700' in row
    assert "苏州市加快建设" in targets and 'data-basis="law"' in targets
    assert "由下级汇总" in targets
    gba = signed_in(official).get("/insights/gba/")
    assert gba.status_code == 200 and "规则包未为本辖区设定目标" in gba.content.decode()
    assert signed_in(official).get("/insights/nowhere/").status_code == 404
    assert signed_in(official).get("/insights/suzhou/indicators/nowhere/").status_code == 404


def test_the_indicator_page_shows_the_query_and_the_records(world, make_org):
    official = world.user("official", "suzhou")
    opc = make_org("suzhou-sip", "opc", name="园区一人公司甲")
    html = signed_in(official).get("/insights/suzhou/indicators/opc_enterprises/").content.decode()
    assert "SELECT" in section(html, "query") and "opc" in section(html, "query")
    assert f'data-pk="{opc.pk}"' in section(html, "records") and "园区一人公司甲" in html
    counted = re.search(r'data-testid="records-count" data-total="(\d+)" data-visible="(\d+)"', html)
    assert counted.group(1) == counted.group(2) == "1"
    # the other place's official counts the record but does not see it
    other = signed_in(world.user("official", "shenzhen")).get(
        "/insights/suzhou/indicators/opc_enterprises/").content.decode()
    counted = re.search(r'data-testid="records-count" data-total="(\d+)" data-visible="(\d+)"', other)
    assert counted.group(1) == "1" and counted.group(2) == "0"


def test_english_dashboard_is_english(world, english):
    english.force_login(world.user("official", "suzhou"))
    html = english.get("/insights/suzhou/").content.decode()
    assert "Targets dashboard" in html or "dashboard" in html
    body = section(html, "indicators")
    assert not CJK.search(re.sub(r"<[^>]+>", "", body)), CJK.findall(body)[:10]


def test_a_province_shows_the_targets_of_its_cities(world):
    from aiplus.core.testing import bearer, operation

    shenzhen = world.user("official", "shenzhen")
    today = timezone.localdate()
    services.enter_observation(acting_user=shenzhen, indicator="opc_communities",
                               jurisdiction_id=Jurisdiction.objects.get(code="shenzhen").pk,
                               as_of=today - dt.timedelta(days=9), value=6, source="深圳市工信局",
                               source_date=today - dt.timedelta(days=2))
    html = signed_in(shenzhen).get("/insights/guangdong/").content.decode()
    below = section(html, "targets-below")
    assert 'data-place="shenzhen" data-indicator="opc_communities" data-latest="6' in below
    assert "深工信〔2026〕2号" in below or "深圳" in below
    board = bearer(shenzhen).get(operation("aiplus_insights_api_get_dashboard", code="guangdong")).json()
    assert [(b["jurisdiction"], b["indicator"]) for b in board["below"]] == [("shenzhen", "opc_communities")]
    # the province's own OPC communities roll up from Shenzhen (it has none of its own)
    own = next(r for r in board["indicators"] if r["indicator"] == "opc_communities")
    assert own["rolled_up_from"] == ["shenzhen"] and own["latest"]["value"] == "6.000"


def test_the_dashboard_maps_the_infrastructure(demo, world):
    import json

    from aiplus.compute.models import ComputeCentre

    html = signed_in(world.user("official", "suzhou")).get("/insights/suzhou/").content.decode()
    data = json.loads(re.search(r'<script id="insights-map" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    layers = {layer["key"]: layer["points"] for layer in data["layers"]}
    centres = set(ComputeCentre.objects.filter(jurisdiction__code__startswith="suzhou").values_list("name", flat=True))
    assert {p["name"] for p in layers["compute"]} == centres and centres
    assert layers["opc"] and all(p["value"][2] > 0 for p in layers["opc"])  # the demo's entered communities
    assert all(119 < p["value"][0] < 122 and 30 < p["value"][1] < 33 for p in layers["compute"] + layers["data"])
