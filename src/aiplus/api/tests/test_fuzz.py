"""Property-based fuzzing of the whole published API with schemathesis.

Every operation of `/api/v1/openapi.json` is called with generated input, as an anonymous caller and with an
official's bearer token. Whatever a caller sends, the API must never fail with a server error, and every refusal
must use the one error format `{"code", "message", "field"}`."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(db: Any) -> Any:
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # As Django's test client does: the WSGI handler would otherwise close the test's database connection (and with
    # it the test transaction) at the end of every request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _check_error_format(response: Any) -> None:
    if 400 <= response.status_code < 500 and response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert isinstance(body, dict) and {"code", "message", "field"} <= body.keys(), (
            f"refusal without the error format: {response.status_code} {body!r}")
        assert body["message"], "an error without a message"


def _call(case: Any, headers: dict[str, str]) -> None:
    response = case.call(headers=headers)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code}\n{response.text[:2000]}")
    _check_error_format(response)


def _fuzz(api_schema: Any, headers: dict[str, str]) -> int:
    """Every operation in turn; schemathesis' own pytest plugin does not run under this pytest, so the loop is ours."""
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case: Any) -> None:
            _call(case, headers)

        run()
        operations += 1
    return operations


def test_anonymous_callers_never_cause_a_server_error(api_schema: Any, world: Any) -> None:
    assert _fuzz(api_schema, {}) > 50


def test_an_officials_token_never_causes_a_server_error(api_schema: Any, world: Any) -> None:
    from aiplus.core import services

    _, key = services.create_api_token(acting_user=world.user("official"), name="fuzz")
    assert _fuzz(api_schema, {"Authorization": f"Bearer {key}"}) > 50
