"""Helpers the tests of every app share: reading one marked section of a page, spotting Chinese in it, calling the
API as a script would (by operation id, with a bearer token), holding a page to its query budget, and letting the
test runner empty the audit table between transactional tests."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
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


def signed_in(user: Any) -> Client:
    """A browser-like client signed in as `user`, asking for the Chinese pages."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


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


# --------------------------------------------------------------------------- number domains, driven with hostile values

def domain_settings(max_examples: int = 25) -> Any:
    """Hypothesis settings of the number-domain tests: few examples, no deadline (a write takes a while), the same
    examples on every run (derandomised), none of hypothesis' health checks about function-scoped fixtures."""
    from hypothesis import HealthCheck, settings

    return settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


# JSON literals no number field of the platform accepts: not finite, beyond 64 bits, beyond every field's digits,
# more decimals than any column keeps, not a number at all.
HOSTILE_LITERALS = ("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1E+20", "-1E+20", "1E-30", str(2**63),
                    str(-(2**63) - 1), str(2**64), '"1e400"', '"NaN"', '"-Infinity"', '"1E+20"', '"abc"', '"1,000"',
                    "[]", "{}", "[1]")


def _domain(model: Any, name: str) -> tuple[Decimal, Decimal, int]:
    """(lowest, highest, decimal places) a model field stores: its range, else its digits."""
    from django.db import models

    from aiplus.core.domains import limits

    field = model._meta.get_field(name)
    low, high = limits(field)
    places = field.decimal_places if isinstance(field, models.DecimalField) else 0
    if isinstance(field, models.DecimalField):
        top = Decimal(10) ** (field.max_digits - places) - Decimal(1).scaleb(-places)
        low = -top if low is None else max(Decimal(low), -top)
        high = top if high is None else min(Decimal(high), top)
    return Decimal(low), Decimal(high), places


def in_domain(model: Any, name: str) -> Any:
    """A hypothesis strategy of values a model field stores: its edges and values between, at its scale."""
    from hypothesis import strategies as st

    low, high, places = _domain(model, name)
    if places == 0:
        return st.one_of(st.sampled_from([int(low), int(high)]), st.integers(int(low), int(high)))
    return st.one_of(st.sampled_from([low, high]),
                     st.decimals(low, high, places=places, allow_nan=False, allow_infinity=False))


def literal(value: Any, *, as_text: bool = False) -> str:
    """A number as a JSON literal: a JSON number, or a string (`as_text`)."""
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return json.dumps(text) if as_text else text


def out_of_domain(model: Any, name: str) -> Any:
    """A hypothesis strategy of JSON literals a hostile client sends for a model field, none in its domain: the
    HOSTILE_LITERALS, values just and far beyond its range, and values with more decimals than it keeps (or any
    decimals for a whole number)."""
    from hypothesis import strategies as st

    low, high, places = _domain(model, name)
    unit = Decimal(1).scaleb(-places)
    finer = Decimal(5).scaleb(-places - 1)  # half the field's unit: one decimal too many
    above = st.integers(1, 10**6).map(lambda k: high + k * unit) | st.integers(1, 10**20).map(lambda k: high + k)
    below = st.integers(1, 10**6).map(lambda k: low - k * unit) | st.integers(1, 10**20).map(lambda k: low - k)
    too_fine = in_domain(model, name).map(lambda v: (Decimal(v) - finer) if Decimal(v) - finer >= low
                                          else Decimal(v) + finer)
    numbers = st.tuples(above | below | too_fine, st.booleans()).map(lambda pair: literal(pair[0],
                                                                                          as_text=pair[1]))
    return st.sampled_from(HOSTILE_LITERALS) | numbers


def json_with(payload: dict[str, Any], path: tuple[str | int, ...], text: str) -> str:
    """The JSON body of `payload` with the value at `path` written as the raw JSON literal `text`."""
    body = copy.deepcopy(payload)
    target: Any = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = "\x00number\x00"
    return json.dumps(body, ensure_ascii=False).replace('"\\u0000number\\u0000"', text)


def assert_page_refused_naming(response: Any, *names: str, status: int = 400) -> None:
    """A page drawn again with its form refused (status 400 unless said), an error beside one of the fields `names`
    (core/form_fields.html and core/form_errors.html mark it with data-field)."""
    html = response.content.decode()
    assert response.status_code == status, (response.status_code, html[:500])
    assert any(f'data-field="{name}"' in html for name in names), (names, re.findall(r'data-field="[^"]*"', html))


def assert_refused_naming(response: Any, *names: str) -> None:
    """A 4xx in the one error format whose field names one of `names` (the field itself or a path ending in it);
    a refused import adds its `report` to the format."""
    assert 400 <= response.status_code < 500 and response.status_code not in (401, 403, 404), (
        response.status_code, response.content[:500])
    body = response.json()
    assert set(body) - {"report"} == ERROR_KEYS and body["message"], body
    assert (body["field"] or "").endswith(names), body


def written(counted: Any) -> tuple[int, int]:
    """What a refused write must leave as it was: the rows of `counted` and the audit log."""
    from aiplus.core.models import AuditEvent

    return counted._default_manager.count(), AuditEvent.objects.count()


def assert_hostile_numbers_refused(send: Callable[[str], Any], model: Any, name: str, counted: Any) -> None:
    """Every out-of-domain JSON literal of `model.name` (hypothesis), sent by `send(text)` (the request body with
    that literal in place), is a 4xx naming `name` that writes nothing (`written(counted)` unchanged)."""
    from hypothesis import given

    @given(text=out_of_domain(model, name))
    @domain_settings()
    def hostile(text: str) -> None:
        before = written(counted)
        assert_refused_naming(send(text), name)
        assert written(counted) == before, text

    hostile()
