"""Every number the datahub writes, driven with hostile values (hypothesis) through the API, a DCAT import and the
pages' forms: each is refused naming the field and writes nothing; every edge of its domain round-trips (issue:
every input bounded, once)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import assume, given
from hypothesis import strategies as st

from aiplus.core.models import AuditEvent
from aiplus.core.testing import (
    assert_hostile_numbers_refused,
    assert_page_refused_naming,
    assert_refused_naming,
    domain_settings,
    in_domain,
    json_with,
    literal,
    out_of_domain,
    signed_in,
)
from aiplus.datahub import selectors, services
from aiplus.datahub.models import AccessRequest, DataAsset, Dataset, Distribution, TransferRecord

pytestmark = pytest.mark.django_db
API = "/api/v1/data"
_serial = itertools.count()


def _dataset(world: Any) -> dict[str, Any]:
    return {"provider_id": world.orgs["suzhou:provider"].pk, "identifier": "ds", "title": "企业登记信息",
            "record_count": 10, "size_bytes": 10, "distributions": [{"format": "CSV", "byte_size": 10}]}


def _asset(world: Any) -> dict[str, Any]:
    return {"organisation_id": world.orgs["suzhou:enterprise"].pk, "name": "客户名单", "category": "个人信息",
            "grade": "general", "internal_level": 2, "pi_people": 0}


def _access(world: Any) -> dict[str, Any]:
    return {"dataset_id": world.conditional.pk, "purpose": "训练风险模型", "usage_scope": "内部研发",
            "security_measures": "脱敏", "duration_days": 30}


def _transfer(world: Any) -> dict[str, Any]:
    return {"processor_id": world.processor.pk, "transfer": {
        "recipient": "Example GmbH", "country_or_region": "DE", "data_categories": ["personal"],
        "important_data_designated": False, "pi_people": 10, "sensitive_pi_people": 0, "transfer_on": "2025-06-02"}}


# (who, path, body, the field's path in the body, model, field, the rows that must not grow)
CASES: list[tuple[str, str, Any, tuple[Any, ...], type, str, type]] = [
    ("provider", "/datasets", _dataset, ("record_count",), Dataset, "record_count", Dataset),
    ("provider", "/datasets", _dataset, ("size_bytes",), Dataset, "size_bytes", Dataset),
    ("provider", "/datasets", _dataset, ("distributions", 0, "byte_size"), Distribution, "byte_size", Distribution),
    ("enterprise_member", "/assets", _asset, ("internal_level",), DataAsset, "internal_level", DataAsset),
    ("enterprise_member", "/assets", _asset, ("pi_people",), DataAsset, "pi_people", DataAsset),
    ("enterprise_member", "/access-requests", _access, ("duration_days",), AccessRequest, "duration_days",
     AccessRequest),
    ("enterprise_member", "/transfers", _transfer, ("transfer", "pi_people"), TransferRecord, "pi_people",
     TransferRecord),
    ("enterprise_member", "/transfers", _transfer, ("transfer", "sensitive_pi_people"), TransferRecord,
     "sensitive_pi_people", TransferRecord),
]
IDS = [f"{'.'.join(str(p) for p in case[3])}" for case in CASES]


@pytest.fixture
def hub(world: Any) -> Any:
    world.conditional = services.create_dataset(
        acting_user=world.user("provider"), provider_id=world.orgs["suzhou:provider"].pk, identifier="ds-cond",
        title="企业信用画像", open_attribute="conditional", is_published=True, distributions=[{"format": "CSV"}])
    world.processor = services.register_processor(acting_user=world.user("enterprise_member"),
                                                  organisation_id=world.orgs["suzhou:enterprise"].pk)
    return world


def _rows(counted: type) -> tuple[int, int]:
    return counted.objects.count(), AuditEvent.objects.count()


def _unique(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "identifier": f"ds-{next(_serial)}"} if "identifier" in body else body


@pytest.mark.parametrize(("who", "path", "body", "where", "model", "name", "counted"), CASES, ids=IDS)
def test_a_hostile_number_is_a_4xx_naming_the_field_and_writes_nothing(hub, who, path, body, where, model, name,
                                                                       counted):
    client, payload = signed_in(hub.user(who)), body(hub)
    assert_hostile_numbers_refused(lambda text: client.post(f"{API}{path}", json_with(_unique(payload), where, text),
                                                            content_type="application/json"), model, name, counted)


@pytest.mark.parametrize(("who", "path", "body", "where", "model", "name", "counted"), CASES, ids=IDS)
def test_every_edge_of_the_domain_round_trips(hub, who, path, body, where, model, name, counted):
    client, payload = signed_in(hub.user(who)), body(hub)

    @given(value=in_domain(model, name), as_text=st.booleans())
    @domain_settings(15)
    def valid(value: int, as_text: bool) -> None:
        with transaction.atomic():
            response = client.post(f"{API}{path}", json_with(_unique(payload), where, literal(value, as_text=as_text)),
                                   content_type="application/json")
            assert response.status_code == 201, (value, response.content[:500])
            assert getattr(counted.objects.order_by("-pk").first(), name) == value
            transaction.set_rollback(True)

    valid()


@pytest.mark.parametrize(("key", "name"), [("aiplus:recordCount", "record_count"), ("aiplus:sizeBytes", "size_bytes")])
def test_a_dcat_import_with_a_hostile_count_names_the_field_and_imports_nothing(hub, key, name):
    client = signed_in(hub.admin)
    document = selectors.catalogue_document(hub.admin)
    node = document["dcat:dataset"][0]
    node["dct:identifier"] = "imported"
    node["dcat:distribution"] = [{"@type": "dcat:Distribution", "dcat:byteSize": 1,
                                  "dct:format": node["dcat:distribution"][0]["dct:format"]}]

    @given(text=out_of_domain(Dataset, name))
    @domain_settings(15)
    def hostile(text: str) -> None:
        assume(text.strip().strip('"') != "")  # an empty literal is an absent value to the import, not a number
        before = _rows(Dataset), Distribution.objects.count()
        response = client.post(f"{API}/catalogue/import", json_with(document, ("dcat:dataset", 0, key), text),
                               content_type="application/json")
        assert_refused_naming(response, name, key)
        assert (_rows(Dataset), Distribution.objects.count()) == before

    hostile()
    response = client.post(f"{API}/catalogue/import", json_with(document, ("dcat:dataset", 0, key), '{"@value": "12"}'),
                           content_type="application/json")
    assert response.status_code == 200 and getattr(Dataset.objects.get(identifier="imported"), name) == 12


def test_the_asset_and_access_forms_refuse_a_hostile_number_and_write_nothing(hub):
    client = signed_in(hub.user("enterprise_member"))
    organisation = hub.orgs["suzhou:enterprise"].pk
    access = reverse("datahub:access_request_create", kwargs={"dataset_id": hub.conditional.pk})

    @given(level=out_of_domain(DataAsset, "internal_level"), people=out_of_domain(DataAsset, "pi_people"),
           days=out_of_domain(AccessRequest, "duration_days"))
    @domain_settings(15)
    def hostile(level: str, people: str, days: str) -> None:
        before = _rows(DataAsset), AccessRequest.objects.count()
        for field, text in (("internal_level", level), ("pi_people", people)):
            post = {"action": "register", "organisation": organisation, "name": "x", "category": "x",
                    "grade": "general", "internal_level": "2", "pi_people": "0", field: text.strip('"')}
            assert_page_refused_naming(client.post("/data/assets/", post), field)  # beside the field, 400
        assert_page_refused_naming(client.post(access, {"purpose": "a", "usage_scope": "b", "security_measures": "c",
                                                        "duration_days": days.strip('"')}), "duration_days")
        assert (_rows(DataAsset), AccessRequest.objects.count()) == before

    hostile()
