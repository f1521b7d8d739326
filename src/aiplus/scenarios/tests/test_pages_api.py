"""Pages and API: jurisdiction isolation, error format, query budgets, Excel, matching with notifications."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from aiplus.core.models import AuditEvent, Notification
from aiplus.core.testing import assert_within_query_budget, query_budgets
from aiplus.scenarios import matching_index, services
from aiplus.scenarios.models import Need
from aiplus.scenarios.testing import need_data, published_need

pytestmark = pytest.mark.django_db
BUDGETS = query_budgets(__file__)


def _draft(world, place="suzhou"):
    return services.create_need(acting_user=world.user("enterprise_member", place),
                                organisation_id=world.orgs[f"{place}:enterprise"].pk, jurisdiction=place,
                                **need_data(title=f"{place}草稿场景"))


def test_api_create_need_errors_name_the_field_and_change_nothing(world, client):
    client.force_login(world.user("enterprise_member"))
    body = need_data(kpis=[{"name": "检出率", "target_value": "99", "unit": ""}])
    body.update(organisation_id=world.orgs["suzhou:enterprise"].pk, jurisdiction="suzhou")
    events = AuditEvent.objects.count()
    response = client.post("/api/v1/scenarios/needs", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "kpis[0].unit" and response.json()["code"] == "kpi_unit_required"
    body.update(kpis=[{"name": "检出率", "target_value": "99", "unit": "%"}], budget_min_cny="9", budget_max_cny="1")
    response = client.post("/api/v1/scenarios/needs", body, content_type="application/json")
    assert response.json() == {"code": "budget_range", "message": "预算下限不能高于预算上限。",
                               "field": "budget_min_cny"}
    assert Need.objects.count() == 0 and AuditEvent.objects.count() == events
    body.update(budget_min_cny="1", budget_max_cny="9", compute_needed="卡" * 2001)
    response = client.post("/api/v1/scenarios/needs", body, content_type="application/json")
    assert response.status_code in (400, 422) and "compute_needed" in response.content.decode()
    assert Need.objects.count() == 0 and AuditEvent.objects.count() == events
    body.update(compute_needed="训练约2000卡时")
    response = client.post("/api/v1/scenarios/needs", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "draft"
    assert response.json()["compute_needed"] == "训练约2000卡时"


def test_jurisdiction_isolation_in_api_and_pages(world, client):
    sz, sh = _draft(world, "suzhou"), _draft(world, "shenzhen")
    client.force_login(world.user("official", "shenzhen"))
    ids = [n["id"] for n in client.get("/api/v1/scenarios/needs").json()["items"]]
    assert ids == [sh.pk]
    assert client.get(f"/api/v1/scenarios/needs/{sz.pk}").status_code == 404
    assert client.get(f"/scenarios/needs/{sz.pk}/").status_code == 404
    page = client.get("/scenarios/").content.decode()
    assert "shenzhen草稿场景" in page and "suzhou草稿场景" not in page
    response = client.post(f"/api/v1/scenarios/needs/{sz.pk}/transitions", {"transition": "withdraw"},
                           content_type="application/json")
    assert response.status_code == 404
    client.force_login(world.user("official"))
    assert client.get(f"/scenarios/needs/{sz.pk}/").status_code == 200
    client.logout()
    assert client.get("/api/v1/scenarios/needs").json()["items"] == []


def test_ui_refusal_shows_the_message_and_changes_nothing(world, client):
    client.force_login(world.user("enterprise_member"))
    response = client.post("/scenarios/needs/new/", {
        "organisation": world.orgs["suzhou:enterprise"].pk, "jurisdiction": "suzhou", "title": "场景",
        "domain": "industry.manufacturing", "problem": "问题", "budget_min_cny": "900", "budget_max_cny": "100",
        "kpi_name": ["检出率"], "kpi_target": ["99"], "kpi_unit": ["%"], "kpi_direction": ["ge"]}, follow=True)
    text = response.content.decode()
    assert "预算下限不能高于预算上限。" in text and "budget_min_cny）" not in text  # beside its field, by its label
    assert Need.objects.count() == 0


@pytest.fixture
def busy(world):
    for index in range(12):
        published_need(world, title=f"场景{index}")
    services.save_profile(acting_user=world.user("provider"), organisation_id=world.orgs["suzhou:provider"].pk,
                          products="工业视觉质检", description="缺陷检测", domains=["industry.manufacturing"])
    return world


@pytest.mark.parametrize("url", sorted(BUDGETS))
def test_list_pages_stay_within_query_budget(busy, client, django_assert_max_num_queries, url):
    assert_within_query_budget(client, busy.user("official"), url, BUDGETS[url], django_assert_max_num_queries)


def test_excel_export_and_import_round_trip(world, client):
    need = published_need(world)
    client.force_login(world.user("official"))
    response = client.get(f"/scenarios/lists/{need.scenario_list_id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == need.title and "缺陷检出率:99:%" in rows[1][8]
    # import the same sheet as drafts for another organisation: one audit event for the import
    events = AuditEvent.objects.count()
    report = services_import(world, response.content)
    created = Need.objects.filter(owner=world.orgs["shenzhen:enterprise"])
    assert report.created == 1 and [n.status for n in created] == ["draft"]
    assert AuditEvent.objects.count() == events + 1
    # the same workbook again: nothing new (the organisation's need of that title, there, is the same need)
    again = services_import(world, response.content)
    assert (again.read, again.created, again.unchanged) == (1, 0, 1) and created.count() == 1
    assert AuditEvent.objects.count() == events + 1
    # a row without a KPI unit: refused, naming the row and the field, nothing created
    wb = Workbook()
    wb.active.append(["场景名称"])
    wb.active.append(["无单位", "industry.manufacturing", "问题", "", 1, 2, "否", "", "检出率:99"])
    data = io.BytesIO()
    wb.save(data)
    from aiplus.core.errors import ServiceError

    with pytest.raises(ServiceError) as info:
        services_import(world, data.getvalue())
    assert info.value.field == "row2.kpis[0].unit"
    assert Need.objects.count() == 2


def services_import(world, content):
    from aiplus.scenarios import excel

    return excel.import_needs(acting_user=world.user("enterprise_member", "shenzhen"), file=io.BytesIO(content),
                              organisation_id=world.orgs["shenzhen:enterprise"].pk, jurisdiction="shenzhen")


def test_matching_ranks_explains_and_notifies_strong_matches(world, make_org):
    from aiplus.core import services as core
    from aiplus.scenarios.tasks import refresh_matching

    supplier = make_org("suzhou-sip", "enterprise", name="苏州瑕疵视觉有限公司")
    user = core.create_user(acting_user=world.admin, username="vision", password="x-password-123")
    core.assign_role(acting_user=world.admin, user=user, role="provider", organisation_id=supplier.pk)
    services.save_profile(acting_user=user, organisation_id=supplier.pk, products="汽车零部件表面缺陷检测一体机",
                          description="冲压件外观缺陷检测，工业视觉，支持私有化部署",
                          domains=["industry.manufacturing"],
                          regions_served=["suzhou"], price_min_cny="200000", price_max_cny="700000")
    services.save_profile(acting_user=world.user("provider"), organisation_id=world.orgs["suzhou:provider"].pk,
                          products="智能客服机器人", description="银行客服问答", domains=["industry.services"])
    need = published_need(world)
    result = refresh_matching.call("need", need.pk)
    ranked = matching_index.suppliers_for(need)
    assert ranked[0]["profile"].organisation == supplier
    explanation = ranked[0]["explanation"]
    assert [i["code"] for i in explanation["items"]][1:2] == ["domain_match"]
    assert any(line.startswith("领域匹配：") for line in explanation["lines"])
    assert explanation["terms"] and {f["name"] for f in explanation["fields"]} == {"domain", "region", "budget"}
    assert ranked[0]["strong"] is True and ranked[0]["rank"] == 1
    assert result["notified"] >= 1
    assert Notification.objects.filter(recipient=user, verb="scenarios.strong_match").exists()
    profile = ranked[0]["profile"]
    assert matching_index.needs_for(profile, world.user("official"))[0]["need"] == need


def test_api_scoring_by_an_expert_not_drawn_and_late_objection(call_world, client):
    import datetime as dt

    from aiplus.experts.selectors import drawn_users
    from aiplus.scenarios.models import OpenCall
    from aiplus.scenarios.testing import score_all

    world, _need, call, pool, _suppliers = call_world
    official = world.user("official")
    client.force_login(official)
    assert client.post(f"/api/v1/scenarios/calls/{call.pk}/transitions", {"transition": "close_applications"},
                       content_type="application/json").status_code == 200
    response = client.post(f"/api/v1/scenarios/calls/{call.pk}/draw")
    assert response.status_code == 200 and response.json()["draw_id"]
    call.refresh_from_db()
    drawn = drawn_users(call.draw_id)
    outsider = next(u for u in pool if u not in drawn)
    application = call.applications.first()
    client.force_login(outsider)
    response = client.post(f"/api/v1/scenarios/applications/{application.pk}/scores",
                           {"criteria": {"technical": 90, "feasibility": 90, "kpi": 90, "cost": 90}},
                           content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "not_drawn"
    assert response.json()["field"] == "expert"
    score_all(call, drawn)
    client.force_login(official)
    assert client.post(f"/api/v1/scenarios/calls/{call.pk}/notice").json()["status"] == "notice"
    OpenCall.objects.filter(pk=call.pk).update(notice_ends_on=dt.date.today() - dt.timedelta(days=1))
    client.force_login(world.user("public"))
    response = client.post(f"/api/v1/scenarios/calls/{call.pk}/objections", {"text": "迟到的异议"},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "notice_ends_on"
    client.force_login(official)
    assert client.post(f"/api/v1/scenarios/calls/{call.pk}/award").json()["status"] == "awarded"
    pilots = client.get("/api/v1/scenarios/pilots").json()
    assert len(pilots) == 2
    # Shenzhen's official sees neither the Suzhou pilots nor may award Suzhou calls
    client.force_login(world.user("official", "shenzhen"))
    assert client.get("/api/v1/scenarios/pilots").json() == []
    assert client.post(f"/api/v1/scenarios/calls/{call.pk}/award").status_code == 403


def test_dashboard_renders_charts_for_officials(world, client):
    published_need(world)
    client.force_login(world.user("official"))
    body = client.get("/scenarios/dashboard/").content.decode()
    assert "vendor/echarts/echarts.min.js" in body and "needs_by_domain" in body and "产业发展" in body


def test_a_drawn_expert_sees_the_same_applications_on_the_page_and_in_the_api(call_world, client):
    """The rule "a drawn expert sees every application" lives in the selector, so the page and the API agree."""
    import re

    from aiplus.experts.selectors import drawn_users

    world, _need, call, _pool, _suppliers = call_world
    official = world.user("official")
    services.transition_call(acting_user=official, call_id=call.pk, transition="close_applications")
    services.draw_reviewers(acting_user=official, call_id=call.pk)
    call.refresh_from_db()
    expert = drawn_users(call.draw_id)[0]
    client.force_login(expert)
    api_ids = {row["id"] for row in client.get(f"/api/v1/scenarios/calls/{call.pk}/applications").json()}
    page = client.get(f"/scenarios/calls/{call.pk}/review/").content.decode()
    page_ids = {int(pk) for pk in re.findall(r'name="application" value="(\d+)"', page)}
    assert api_ids == page_ids == set(call.applications.values_list("pk", flat=True))
    assert len(api_ids) == 2


def test_page_forms_take_places_by_name_and_keep_input_beside_the_error(world, client):
    """A list is published for "苏州市" typed by name; a bad budget is shown beside its field with the input kept."""
    from aiplus.scenarios.models import ScenarioList

    member, official = world.user("enterprise_member"), world.user("official")
    need = _draft(world)
    services.transition_need(acting_user=member, need_id=need.pk, transition="submit")
    services.transition_need(acting_user=official, need_id=need.pk, transition="review")
    client.force_login(official)
    response = client.post("/scenarios/", {"action": "publish", "jurisdiction": "苏州", "need_ids": [str(need.pk)]})
    batch = ScenarioList.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/scenarios/lists/{batch.pk}/"
    assert batch.jurisdiction.code == "suzhou"
    client.force_login(member)
    post = {"organisation": str(world.orgs["suzhou:enterprise"].pk), "jurisdiction": "苏州市", "title": "保留的标题",
            "domain": "industry.manufacturing", "problem": "问题", "budget_min_cny": "9", "budget_max_cny": "1",
            "kpi_name": ["检出率"], "kpi_target": ["99"], "kpi_unit": ["%"], "kpi_direction": ["ge"]}
    before = Need.objects.count()
    response = client.post("/scenarios/needs/new/", post)
    page = response.content.decode()
    assert response.status_code == 400 and Need.objects.count() == before
    assert 'value="保留的标题"' in page
    beside = page.split('name="budget_min_cny"', 1)[1].split("</p>", 1)[0]
    assert "预算下限不能高于预算上限" in beside


def test_a_refused_list_publication_keeps_the_ticked_needs_and_names_the_place_field(world, client):
    """发布辖区 is picked by name; an unknown place is an error beside the field, the ticked needs stay ticked and
    nothing is published."""
    from aiplus.scenarios.models import ScenarioList

    member, official = world.user("enterprise_member"), world.user("official")
    need = _draft(world)
    services.transition_need(acting_user=member, need_id=need.pk, transition="submit")
    services.transition_need(acting_user=official, need_id=need.pk, transition="review")
    client.force_login(official)
    response = client.post("/scenarios/", {"action": "publish", "jurisdiction": "火星市", "need_ids": [str(need.pk)]},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 400 and not ScenarioList.objects.exists()
    assert "找不到“火星市”" in page and 'id="id_jurisdiction_error"' in page
    assert f'name="need_ids" value="{need.pk}" aria-label="{need.title}" checked' in page
    before_picker = page.split('data-testid="list-jurisdiction"')[0]
    assert "<select" in before_picker[-300:]  # a picker, not a box for a code
