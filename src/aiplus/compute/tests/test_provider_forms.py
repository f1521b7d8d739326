"""Providers register a centre and add a pool through the provider page's forms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aiplus.compute.models import ComputeCentre, ResourcePool
from aiplus.core.models import AuditEvent


def centre_post(net, **changes):
    data = {"centre-operator": net.world.orgs["suzhou:provider"].pk, "centre-name": "相城智算中心",
            "centre-jurisdiction": "suzhou", "centre-location": "相城区", "centre-pue": "1.20",
            "centre-green_power_share": "0.55", "centre-grid_carbon_kg_per_kwh": "0.58",
            "centre-certifications": "GB/T 32910，ISO 50001", "centre-latitude": "31.37",
            "centre-longitude": "120.64"}
    data.update(changes)
    return data


def pool_post(net, **changes):
    data = {"pool-centre": net.sz_centre.pk, "pool-accelerator_model": "ascend-910c", "pool-cards": "16",
            "pool-memory_gb": "64", "pool-interconnect": "HCCS", "pool-price_cny_per_card_hour": "7.50",
            "pool-available_cards": "10"}
    data.update(changes)
    return data


def counts():
    return ComputeCentre.objects.count(), ResourcePool.objects.count(), AuditEvent.objects.count()


def test_provider_registers_a_centre_and_adds_a_pool_through_the_page(net, client):
    client.force_login(net.world.user("provider"))
    page = client.get("/compute/provider/")
    assert page.status_code == 200
    assert b'data-testid="centre-form"' in page.content and b'data-testid="pool-form"' in page.content
    before = AuditEvent.objects.count()

    response = client.post("/compute/provider/centres/", centre_post(net))
    assert response.status_code == 302 and response["Location"].endswith("?registered=centre")
    centre = ComputeCentre.objects.get(name="相城智算中心")
    assert centre.operator == net.world.orgs["suzhou:provider"] and centre.city_code == "suzhou"
    assert centre.pue == Decimal("1.20") and centre.green_power_share == Decimal("0.55")
    assert centre.certifications == ["GB/T 32910", "ISO 50001"]
    assert (float(centre.latitude), float(centre.longitude)) == (31.37, 120.64)

    response = client.post("/compute/provider/pools/", pool_post(net, **{"pool-centre": centre.pk}))
    assert response.status_code == 302 and response["Location"].endswith("?registered=pool")
    pool = ResourcePool.objects.get(centre=centre)
    assert (pool.accelerator_model, pool.cards, pool.available_cards, pool.domestic) == ("ascend-910c", 16, 10, True)
    assert (pool.memory_gb, pool.interconnect, str(pool.price_cny_per_card_hour)) == (64, "HCCS", "7.50")
    assert list(AuditEvent.objects.filter(pk__gt=0).order_by("-pk").values_list("action", flat=True)[:2]) == [
        "compute.pool.added", "compute.centre.registered"]
    assert AuditEvent.objects.count() == before + 2

    shown = client.get("/compute/provider/?registered=pool").content.decode()
    assert "相城智算中心" in shown and "资源池已添加" in shown


_FORMS = {"centre": ("/compute/provider/centres/", centre_post), "pool": ("/compute/provider/pools/", pool_post)}


@pytest.mark.parametrize(("name", "value"), [
    ("centre-pue", "0.9"), ("centre-green_power_share", "1.2"), ("centre-green_power_share", "120"),
    ("centre-name", "  "), ("centre-jurisdiction", "atlantis"), ("centre-latitude", "95"), ("centre-longitude", ""),
    ("pool-accelerator_model", "gpu-9000"), ("pool-cards", "-4"), ("pool-cards", "abc"),
    ("pool-price_cny_per_card_hour", "0"), ("pool-available_cards", "17"),
])
def test_bad_provider_input_is_shown_beside_the_field_and_writes_nothing(net, client, name, value):
    """A bad value in the provider page's input `<form>-<field>` is shown beside `field` and writes nothing."""
    form, field = name.split("-", 1)
    url, post = _FORMS[form]
    client.force_login(net.world.user("provider"))
    before = counts()
    response = client.post(url, post(net, **{name: value}))
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    assert "gpu-9000" not in str(ResourcePool.objects.values_list("accelerator_model", flat=True))
    assert counts() == before


def test_provider_of_another_organisation_cannot_add_a_pool_or_register_for_it(net, client):
    client.force_login(net.world.user("provider", "shenzhen"))
    before = counts()
    assert client.post("/compute/provider/pools/", pool_post(net)).status_code == 403
    assert client.post("/compute/provider/centres/", centre_post(net)).status_code == 403
    page = client.get("/compute/provider/").content.decode()
    assert f'<option value="{net.sz_centre.pk}"' not in page and f'<option value="{net.gd_centre.pk}"' in page
    assert counts() == before


@pytest.mark.parametrize("role", ["enterprise_member", "official", "auditor"])
def test_users_outside_a_provider_organisation_cannot_post_the_forms(net, client, role):
    client.force_login(net.world.user(role))
    before = counts()
    assert client.post("/compute/provider/pools/", pool_post(net)).status_code == 403
    assert client.post("/compute/provider/centres/", centre_post(net)).status_code == 403
    assert b'data-testid="centre-form"' not in client.get("/compute/provider/").content
    assert counts() == before
