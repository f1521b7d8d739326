"""Helpers the tests of every app share: reading one marked section of a page, spotting Chinese in it, calling the
API as a script would (by operation id, with a bearer token), holding a page to its query budget, and letting the
test runner empty the audit table between transactional tests."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

# CJK characters and full-width punctuation: none may appear in English text the UI writes.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def section(html: str, testid: str) -> str:
    """The inner HTML of the element marked `data-testid="<testid>"` (failing the test when there is none)."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no {testid} in the page"
    return match.group(2)


# The keys of every API error: {"code", "message", "field"}.
ERROR_KEYS = {"code", "message", "field"}


def operation(operation_id: str, **params: Any) -> str:
    """The path the published OpenAPI document gives an operation, with its path parameters filled in."""
    from aiplus.regulation.evidence import operation_paths

    return operation_paths()[operation_id].format(**params)


def bearer(user: Any) -> Client:
    """A client with no session: only the user's API token speaks for it."""
    from aiplus.core import services

    _token, key = services.create_api_token(acting_user=user, name="e2e")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def query_budgets(test_module: str) -> dict[str, int]:
    """The query budgets (`query_budgets.json` beside the test module, given as `__file__`): page → most queries."""
    return json.loads(Path(test_module).with_name("query_budgets.json").read_text(encoding="utf-8"))


def assert_within_query_budget(client: Client, user: Any, page: str, budget: int,
                               max_num_queries: Callable[[int], AbstractContextManager[Any]]) -> None:
    """The user's GET of the page answers 200 within `budget` queries (`max_num_queries` is pytest-django's
    `django_assert_max_num_queries` fixture), so a list's query count cannot grow with its rows."""
    client.force_login(user)
    with max_num_queries(budget):
        response = client.get(page)
    assert response.status_code == 200


@contextmanager
def audit_purge_allowed(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let the test runner's flush empty the audit table on this connection while the block runs (root conftest.py;
    why, in core migration 0009). Nothing else may use it.

    PostgreSQL: sets `aiplus.allow_audit_purge` for the session, which the TRUNCATE trigger honours only in a test
    database (`test_…`). SQLite: turns on the answer of `aiplus_audit_purge_allowed()` for this connection.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('aiplus.allow_audit_purge', 'on', false)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('aiplus.allow_audit_purge', 'off', false)")
    else:
        # The flag `aiplus.core.apps.register_sqlite_functions` reads.
        setattr(connection, "aiplus_audit_purge_allowed", True)  # noqa: B010
        try:
            yield
        finally:
            setattr(connection, "aiplus_audit_purge_allowed", False)  # noqa: B010
