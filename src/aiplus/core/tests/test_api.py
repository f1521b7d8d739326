"""The API: one error format everywhere, messages in the request's language, tokens and sessions."""

import pytest

from aiplus.core import credit_code, services
from aiplus.core.models import AuditEvent, Organisation

GOOD = credit_code.make("91320594MA1W8XN2Q")


def payload(**changes):
    data = {"name": "苏州接口测试科技有限公司", "kind": "enterprise", "credit_code": GOOD, "jurisdiction": "suzhou"}
    data.update(changes)
    return data


@pytest.fixture
def official_client(client, world):
    client.force_login(world.user("official"))
    return client


def test_create_organisation_through_the_api(official_client):
    response = official_client.post("/api/v1/organisations", payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["credit_code"] == GOOD
    assert AuditEvent.objects.filter(action="core.organisation.created",
                                     object_id=str(response.json()["id"])).count() == 1


@pytest.mark.parametrize(("language", "fragment"), [("zh-hans", "校验位"), ("en", "check character")])
def test_wrong_check_character_error_names_field_in_the_request_language(official_client, language, fragment):
    bad = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")
    count = Organisation.objects.count()
    response = official_client.post("/api/v1/organisations", payload(credit_code=bad),
                                    content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "field"}
    assert body["code"] == "credit_code_check" and body["field"] == "credit_code"
    assert fragment in body["message"]
    assert Organisation.objects.count() == count


@pytest.mark.parametrize(("data", "field", "status"), [
    (payload(name=""), "name", 422),
    ({k: v for k, v in payload().items() if k != "kind"}, "kind", 422),
    (payload(kind="pirate"), "kind", 422),
    (payload(jurisdiction="atlantis"), "jurisdiction", 400),
    (payload(credit_code="x" * 41), "credit_code", 422),
])
def test_bad_input_gets_one_error_format_naming_the_field(official_client, data, field, status):
    response = official_client.post("/api/v1/organisations", data, content_type="application/json")
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "field"} and body["field"] == field


def test_malformed_json_is_a_clean_error(official_client):
    response = official_client.post("/api/v1/organisations", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"code", "message", "field"}


def test_an_official_cannot_create_in_another_jurisdiction(official_client):
    response = official_client.post("/api/v1/organisations", payload(jurisdiction="shenzhen"),
                                    content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_bearer_token_authenticates_and_a_bad_token_does_not(client, world):
    _, key = services.create_api_token(acting_user=world.user("official"), name="script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["roles"] == ["official"]
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer aip_wrong").status_code == 401


def test_session_writes_need_csrf(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.user("official"))
    response = strict.post("/api/v1/organisations", payload(), content_type="application/json")
    assert response.status_code in (401, 403)


def test_list_is_paginated(official_client):
    body = official_client.get("/api/v1/organisations?page=1&page_size=1").json()
    assert body["count"] >= 2 and len(body["items"]) == 1


def test_openapi_schema_is_published(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organisations" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_token_page_creates_shows_once_and_revokes(client, world):
    user = world.user("enterprise_member")
    client.force_login(user)
    response = client.post("/account/tokens/", {"name": "ERP 对接"})
    key = response.context["new_key"]
    assert key.startswith("aip_") and key in response.content.decode()
    assert key not in client.get("/account/tokens/").content.decode()
    token = user.api_tokens.get()
    from django.test import Client

    bearer = Client()  # no session: only the token speaks
    assert bearer.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    client.post("/account/tokens/", {"revoke": token.pk})
    assert bearer.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert client.post("/account/tokens/", {"name": " "}).status_code == 400


@pytest.mark.parametrize("query", ["page=0", "page=99999999999999999999", "page_size=0", "page_size=100000", "page=x"])
def test_out_of_range_pages_are_a_clean_error(official_client, query):
    response = official_client.get(f"/api/v1/organisations?{query}")
    assert response.status_code == 422
    assert response.json()["field"] in {"page", "page_size"}
