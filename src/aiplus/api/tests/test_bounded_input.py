"""Hostile bodies are 4xx answers naming the field, never 500s, and write nothing (issue: bounded inputs)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from aiplus.core.models import Organisation


@pytest.fixture
def official(world) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.user("official"))
    return client


def _post(client: Client, body: str, **headers: str):
    return client.post("/api/v1/organisations", body, content_type="application/json", **headers)


GOOD = {"name": "测试有限公司", "kind": "enterprise", "jurisdiction": "suzhou"}


@pytest.mark.django_db
@pytest.mark.parametrize("body, status, field", [
    (json.dumps({**GOOD, "name": "\ud800坏"}), 422, "name"),            # a lone surrogate
    (json.dumps({**GOOD, "name_en": "x", "extra": 2**70}), 422, "extra"),  # beyond 64 bits
    ("[" * 5000 + "]" * 5000, 400, None),                                  # nested beyond the parser
    ('{"a":' * 40 + "1" + "}" * 40, 422, "a"),                       # nested beyond any payload
    ("{not json", 400, None),
])
def test_hostile_json_is_a_4xx_and_writes_nothing(world, official, body, status, field) -> None:
    before = Organisation.objects.count()
    response = _post(official, body)
    assert response.status_code == status, response.content
    answer = response.json()
    assert set(answer) == {"code", "message", "field"}
    if field:
        assert answer["field"] == field
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_a_body_over_the_limit_is_413(world, official, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post(official, json.dumps({**GOOD, "address": "x" * 5000}))
    assert response.status_code == 413 and response.json()["code"] == "too_large"


@pytest.mark.django_db
def test_an_unknown_field_is_explained_in_the_request_language(world) -> None:
    from aiplus.api.errors import describe

    assert describe("extra_forbidden", {}) == "不接受此字段。"
    assert describe("string_too_long", {"max_length": 200}) == "最多 200 个字符。"
    assert describe("some_new_kind", {}) == "值无效。"


@pytest.mark.django_db
def test_an_id_beyond_64_bits_is_a_4xx(world, official) -> None:
    response = official.get(f"/api/v1/organisations/{2**70}")
    assert 400 <= response.status_code < 500
