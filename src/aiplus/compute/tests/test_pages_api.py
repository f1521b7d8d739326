"""API and pages: error format, isolation between jurisdictions, query budgets of the list pages."""

from __future__ import annotations

import datetime as dt

import pytest

from aiplus.compute import services
from aiplus.compute.models import JobRequest, UsageRecord
from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_within_query_budget

# The provider page's centre and pool forms add a fixed three queries (operators, own centres, places).
# Each paged table (core.lists) counts its rows once; the pickers read their choices' search keys once.
BUDGETS = {"/compute/": 9, "/compute/requests/": 10, "/compute/vouchers/": 23, "/compute/provider/": 16}


def body(net, **changes):
    data = {"title": "推理服务", "accepted_models": ["nvidia-a800"], "cards": 2, "hours": "5",
            "residency_level": "city", "residency_region": "suzhou", "quota_id": net.quota.pk}
    data.update(changes)
    return data


def test_submit_request_through_the_api(net, client, immediate_tasks, django_capture_on_commit_callbacks):
    client.force_login(net.world.user("enterprise_member"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/compute/requests", body(net), content_type="application/json")
    assert response.status_code == 201, response.content
    found = client.get(f"/api/v1/compute/requests/{response.json()['id']}").json()
    assert found["status"] == "placed"
    assert found["placement"]["centre"] == "苏州智算中心"
    assert found["placement"]["cost_cny"] == "120.00"


@pytest.mark.parametrize(("changes", "field", "status"), [
    ({"hours": "-1"}, "hours", 422),  # outside the field's domain: refused by the schema
    ({"accepted_models": ["gpu-9000"]}, "accepted_models", 400),
    ({"residency_region": "shenzhen", "accepted_models": ["ascend-910b"]}, "residency_region", 400),
])
def test_api_bad_input_has_one_error_format(net, client, changes, field, status):
    client.force_login(net.world.user("enterprise_member"))
    before = (JobRequest.objects.count(), AuditEvent.objects.count())
    response = client.post("/api/v1/compute/requests", body(net, **changes), content_type="application/json")
    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "field"} and response.json()["field"] == field
    assert (JobRequest.objects.count(), AuditEvent.objects.count()) == before


def test_provider_pushes_availability_and_usage_through_the_api(net, client):
    client.force_login(net.world.user("provider"))
    response = client.put(f"/api/v1/compute/pools/{net.sz_pool.pk}/availability", {"available_cards": 7},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["available_cards"] == 7
    usage = {"record_id": "api-1", "pool_id": net.sz_pool.pk, "card_hours": "3", "amount_cny": "36",
             "period_end": "2026-06-01", "organisation_id": net.world.orgs["suzhou:enterprise"].pk}
    first = client.post("/api/v1/compute/usage", usage, content_type="application/json")
    again = client.post("/api/v1/compute/usage", usage, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and UsageRecord.objects.count() == 1
    client.force_login(net.world.user("provider", "shenzhen"))
    denied = client.put(f"/api/v1/compute/pools/{net.sz_pool.pk}/availability", {"available_cards": 1},
                        content_type="application/json")
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"


def test_shenzhen_user_cannot_see_or_change_suzhou_requests_and_quotas(net, client):
    request = services.submit_request(acting_user=net.world.user("enterprise_member"), start=False,
                                      **body(net))
    usage, _ = services.record_usage(acting_user=net.world.user("provider"), record_id="iso", pool_id=net.sz_pool.pk,
                                     card_hours="1", amount_cny="12", period_end=dt.date(2026, 6, 1),
                                     organisation_id=net.world.orgs["suzhou:enterprise"].pk)
    for role in ("enterprise_member", "official"):
        client.force_login(net.world.user(role, "shenzhen"))
        assert client.get(f"/api/v1/compute/requests/{request.pk}").status_code == 404
        assert client.get(f"/compute/requests/{request.pk}/").status_code == 404
        assert request.title not in client.get("/compute/requests/").content.decode()
        assert client.get("/api/v1/compute/requests").json()["items"] == []
        assert client.get("/api/v1/compute/quotas").json()["items"] == []
        assert "苏州算力券2026" not in client.get("/compute/vouchers/").content.decode()
        response = client.post("/api/v1/compute/redemptions", {"usage_id": usage.pk, "quota_id": net.quota.pk},
                               content_type="application/json")
        assert response.status_code in (400, 404) and response.json()["field"] in ("usage", "quota")
    client.force_login(net.world.user("official"))
    assert client.get(f"/api/v1/compute/requests/{request.pk}").status_code == 200
    quotas = client.get("/api/v1/compute/quotas").json()["items"]
    assert [q["id"] for q in quotas] == [net.quota.pk] and quotas[0]["balance_cny"] == "50000.00"


def test_request_form_shows_the_error_beside_the_field(net, client):
    client.force_login(net.world.user("enterprise_member"))
    response = client.post("/compute/requests/", {"title": "x", "accepted_models": ["nvidia-a800"], "cards": "1",
                                                  "hours": "-2", "pref_cost": "1", "pref_carbon": "0",
                                                  "pref_latency": "0"})
    assert response.status_code == 400
    assert 'data-field="hours"' in response.content.decode()
    assert JobRequest.objects.count() == 0


def test_capacity_page_is_public_and_has_the_chart(net, client):
    response = client.get("/compute/?region=jiangsu")
    text = response.content.decode()
    assert response.status_code == 200
    assert "苏州智算中心" in text and "深圳智算中心" not in text
    assert "vendor/echarts/echarts.min.js" in text and "capacity-data" in text


@pytest.fixture
def busy(net):
    member = net.world.user("enterprise_member")
    provider = net.world.user("provider")
    for index in range(25):
        services.submit_request(acting_user=member, start=False, **body(net, title=f"需求{index}"))
        row, _ = services.record_usage(acting_user=provider, record_id=f"b{index}", pool_id=net.sz_pool.pk,
                                       card_hours="1", amount_cny="10", period_end=dt.date(2026, 6, 1),
                                       organisation_id=net.world.orgs["suzhou:enterprise"].pk)
        services.redeem(acting_user=member, usage_id=row.pk, quota_id=net.quota.pk)
        services.add_pool(acting_user=provider, centre_id=net.sz_centre.pk, accelerator_model="nvidia-h20",
                          cards=8, memory_gb=96, price_cny_per_card_hour="5")
    return net


@pytest.mark.parametrize(("page", "role"), [("/compute/", "official"), ("/compute/requests/", "enterprise_member"),
                                            ("/compute/vouchers/", "official"), ("/compute/provider/", "provider")])
def test_list_pages_stay_within_their_query_budget(busy, client, django_assert_max_num_queries, page, role):
    assert_within_query_budget(client, busy.world.user(role), page, BUDGETS[page], django_assert_max_num_queries)
