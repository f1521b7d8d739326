"""Every number the compute module writes, driven with hostile values (hypothesis) through the API, the pages'
forms and the services: each is a 4xx naming the field and writes nothing; every edge of its domain round-trips;
the largest request the domains allow is placed and read back (issue: every input bounded, once)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from aiplus.compute import services
from aiplus.compute.models import (
    CARDS_MAX,
    HOURS_MAX,
    POWER_KW_MAX,
    PRICE_MAX,
    AvailabilityReport,
    ComputeCentre,
    JobRequest,
    NetworkLatency,
    ResourcePool,
    UsageRecord,
    VoucherProgramme,
    VoucherQuota,
)
from aiplus.core.domains import MONEY_MAX
from aiplus.core.errors import ServiceError
from aiplus.core.testing import (
    assert_hostile_numbers_refused,
    assert_refused_naming,
    domain_settings,
    in_domain,
    json_with,
    literal,
    out_of_domain,
    signed_in,
    written,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/compute"
_serial = itertools.count()


def _centre(net: Any) -> dict[str, Any]:
    return {"operator_id": net.world.orgs["suzhou:provider"].pk, "name": "相城智算中心", "jurisdiction": "suzhou-sip",
            "pue": "1.2", "green_power_share": "0.3", "grid_carbon_kg_per_kwh": "0.5703",
            "latitude": "31.37", "longitude": "120.64"}


def _pool(net: Any) -> dict[str, Any]:
    return {"accelerator_model": "nvidia-a800", "cards": CARDS_MAX, "memory_gb": 80, "price_cny_per_card_hour": "9.5"}


def _request(net: Any) -> dict[str, Any]:
    return {"title": "模型微调", "accepted_models": ["nvidia-a800"], "cards": 8, "hours": "0.01",
            "organisation_id": net.world.orgs["suzhou:enterprise"].pk}


def _usage(net: Any) -> dict[str, Any]:
    return {"record_id": "R", "pool_id": net.sz_pool.pk, "card_hours": "10", "amount_cny": "100",
            "period_end": "2026-06-30", "organisation_id": net.world.orgs["suzhou:enterprise"].pk}


# (who, method, path, body, the field's path in the body, model, field, the rows that must not grow)
CASES: list[tuple[str, str, Any, Any, tuple[Any, ...], type, str, type]] = [
    *[("provider", "post", lambda net: f"{API}/centres", _centre, (name,), ComputeCentre, name, ComputeCentre)
      for name in ("pue", "green_power_share", "grid_carbon_kg_per_kwh", "latitude", "longitude")],
    *[("provider", "post", lambda net: f"{API}/centres/{net.sz_centre.pk}/pools", _pool, (name,), ResourcePool, name,
       ResourcePool) for name in ("cards", "memory_gb", "price_cny_per_card_hour", "available_cards",
                                  "power_kw_per_card")],
    ("provider", "put", lambda net: f"{API}/pools/{net.big_pool.pk}/availability", lambda net: {"available_cards": 1},
     ("available_cards",), ResourcePool, "available_cards", AvailabilityReport),
    ("provider", "post", lambda net: f"{API}/centres/{net.sz_centre.pk}/latency",
     lambda net: {"region": "suzhou", "latency_ms": "3"}, ("latency_ms",), NetworkLatency, "latency_ms",
     NetworkLatency),
    *[("enterprise_member", "post", lambda net: f"{API}/requests", _request, (name,), JobRequest, name, JobRequest)
      for name in ("cards", "hours", "deadline_hours", "budget_cny", "pref_cost", "pref_carbon", "pref_latency")],
    *[("provider", "post", lambda net: f"{API}/usage", _usage, (name,), UsageRecord, name, UsageRecord)
      for name in ("card_hours", "amount_cny")],
]
IDS = [f"{case[5].__name__}.{case[6]}" for case in CASES]


@pytest.fixture
def domain_net(net: Any) -> Any:
    """The small network, with a pool as large as a pool may be (availability may take any count in the domain)."""
    net.big_pool = services.add_pool(acting_user=net.world.user("provider"), centre_id=net.sz_centre.pk,
                                     accelerator_model="ascend-910b", cards=CARDS_MAX, memory_gb=64,
                                     price_cny_per_card_hour="8.00")
    return net


def _unique(body: dict[str, Any]) -> dict[str, Any]:
    if "record_id" in body:  # one usage record per example: the same id again is the same record
        body = {**body, "record_id": f"R-{next(_serial)}"}
    return body


@pytest.mark.parametrize(("who", "method", "path", "body", "where", "model", "name", "counted"), CASES, ids=IDS)
def test_a_hostile_number_is_a_4xx_naming_the_field_and_writes_nothing(domain_net, who, method, path, body, where,
                                                                       model, name, counted):
    client, url, payload = signed_in(domain_net.world.user(who)), path(domain_net), body(domain_net)
    assert_hostile_numbers_refused(lambda text: getattr(client, method)(
        url, json_with(_unique(payload), where, text), content_type="application/json"), model, name, counted)


@pytest.mark.parametrize(("who", "method", "path", "body", "where", "model", "name", "counted"), CASES, ids=IDS)
def test_every_edge_of_the_domain_round_trips(domain_net, who, method, path, body, where, model, name, counted):
    client, url, payload = signed_in(domain_net.world.user(who)), path(domain_net), body(domain_net)

    @given(value=in_domain(model, name), as_text=st.booleans())
    @domain_settings(15)
    def valid(value: Any, as_text: bool) -> None:
        if isinstance(value, Decimal) and not as_text and len(value.as_tuple().digits) > 15:
            as_text = True  # a JSON number of more digits than a double holds is not that number any more
        with transaction.atomic():
            response = getattr(client, method)(url, json_with(_unique(payload), where, literal(value,
                                                                                               as_text=as_text)),
                                               content_type="application/json")
            assert response.status_code in (200, 201), (value, response.content[:500])
            row = (counted.objects.order_by("-pk").first() if counted is not AvailabilityReport
                   else domain_net.big_pool.__class__.objects.get(pk=domain_net.big_pool.pk))
            assert getattr(row, name) == Decimal(value), (value, getattr(row, name))
            transaction.set_rollback(True)

    valid()


def _programme_post(budget: str) -> dict[str, Any]:
    return {"name": "园区算力券", "jurisdiction": "suzhou", "parameter_prefix": "vouchers.suzhou_compute",
            "budget_cny": budget, "valid_from": "2026-01-01", "valid_until": "2026-12-31"}


def test_the_voucher_forms_refuse_a_hostile_amount_beside_the_field(net):
    client = signed_in(net.world.user("official"))
    holder = net.world.orgs["suzhou:enterprise"].pk  # holds a quota already: the amount is refused first

    @given(text=out_of_domain(VoucherProgramme, "budget_cny"))
    @domain_settings()
    def hostile(text: str) -> None:
        before = written(VoucherProgramme), VoucherQuota.objects.count()
        value = text.strip('"')
        response = client.post("/compute/vouchers/programmes/", _programme_post(value))
        assert response.status_code == 400 and 'data-field="budget_cny"' in response.content.decode(), value
        response = client.post("/compute/vouchers/quotas/", {"programme_id": net.programme.pk,
                                                            "organisation_id": holder, "amount_cny": value})
        assert response.status_code == 400 and 'data-field="amount_cny"' in response.content.decode(), value
        assert (written(VoucherProgramme), VoucherQuota.objects.count()) == before

    hostile()


def test_the_voucher_services_take_every_amount_up_to_money_max(net):
    official, holder = net.world.user("official"), net.world.orgs["suzhou:provider"].pk
    programme = services.create_programme(
        acting_user=official, name="最大预算", jurisdiction="suzhou", parameter_prefix="vouchers.suzhou_compute",
        budget_cny=MONEY_MAX, valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31))
    assert VoucherProgramme.objects.get(pk=programme.pk).budget_cny == MONEY_MAX

    @given(value=in_domain(VoucherQuota, "amount_cny"))
    @domain_settings(15)
    def valid(value: Decimal) -> None:
        with transaction.atomic():
            quota = services.issue_quota(acting_user=official, programme_id=programme.pk, organisation_id=holder,
                                         amount_cny=str(value))
            assert VoucherQuota.objects.get(pk=quota.pk).amount_cny == value
            transaction.set_rollback(True)

    valid()
    for amount in ("10.005", "1E-30", "1E+15", "NaN", 1e400, "-0.01", 2**63):
        with pytest.raises(ServiceError) as caught:
            services.issue_quota(acting_user=official, programme_id=programme.pk, organisation_id=holder,
                                 amount_cny=amount)
        assert caught.value.field == "amount_cny" and 400 <= caught.value.status < 500


def test_a_usage_csv_with_a_hostile_number_names_the_row_and_field_and_imports_nothing(net):
    client = signed_in(net.world.user("provider"))
    organisation = net.world.orgs["suzhou:enterprise"].pk

    @given(text=out_of_domain(UsageRecord, "card_hours"))
    @domain_settings()
    def hostile(text: str) -> None:
        before = written(UsageRecord)
        out = io.StringIO()
        rows = csv.writer(out)
        rows.writerow(["record_id", "pool_id", "organisation_id", "card_hours", "amount_cny", "period_end"])
        rows.writerow([f"C-{next(_serial)}", net.sz_pool.pk, organisation, "10", "100", "2026-06-30"])
        rows.writerow([f"C-{next(_serial)}", net.sz_pool.pk, organisation, text.strip('"'), "100", "2026-06-30"])
        response = client.post(f"{API}/usage/csv", {"text": out.getvalue()}, content_type="application/json")
        assert_refused_naming(response, "card_hours")
        assert written(UsageRecord) == before

    hostile()


def test_the_largest_request_the_domains_allow_is_placed_and_read_back(world, immediate_tasks,
                                                                       django_capture_on_commit_callbacks):
    """Cards, hours, price, power, PUE and carbon factor at their maxima: the placement's cost and carbon still fit
    their columns (compute.models), the worker stores them and every read answers."""
    provider, member = world.user("provider"), world.user("enterprise_member")
    centre = services.register_centre(
        acting_user=provider, operator_id=world.orgs["suzhou:provider"].pk, name="最大中心", jurisdiction="suzhou",
        pue="3", green_power_share="0", grid_carbon_kg_per_kwh="2")
    services.add_pool(acting_user=provider, centre_id=centre.pk, accelerator_model="nvidia-h100", cards=CARDS_MAX,
                      memory_gb=80, price_cny_per_card_hour=PRICE_MAX, power_kw_per_card=POWER_KW_MAX)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.submit_request(acting_user=member, title="最大作业", accepted_models=["nvidia-h100"],
                                          cards=CARDS_MAX, hours=HOURS_MAX,
                                          organisation_id=world.orgs["suzhou:enterprise"].pk)
    request.refresh_from_db()
    assert request.status == JobRequest.Status.PLACED, (request.unplaced_code, request.unplaced_message)
    assert request.placement.cost_cny == CARDS_MAX * HOURS_MAX * PRICE_MAX
    response = signed_in(member).get(f"{API}/requests/{request.pk}")
    assert response.status_code == 200 and Decimal(response.json()["placement"]["cost_cny"]) == (
        CARDS_MAX * HOURS_MAX * PRICE_MAX)
    assert signed_in(member).get(f"/compute/requests/{request.pk}/").status_code == 200
