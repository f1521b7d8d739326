"""The one number the experts module takes, a draw's size, driven with hostile values (hypothesis) through the API
and the draw form: each is refused naming the field and writes nothing; sizes the pool can fill round-trip (issue:
every input bounded, once)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_refused_naming, domain_settings, json_with, literal, out_of_domain
from aiplus.experts.models import DRAW_SIZE_MAX, Draw

pytestmark = pytest.mark.django_db
DRAW = {"purpose": "评审", "jurisdiction": "suzhou", "fields": ["industry"], "size": 1}
POOL = 4


@pytest.fixture
def official(world: Any, make_expert: Any) -> Client:
    for _ in range(POOL):
        make_expert()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.user("official"))
    return client


def _rows() -> tuple[int, int]:
    return Draw.objects.count(), AuditEvent.objects.count()


def test_a_hostile_size_is_a_4xx_naming_the_field_and_draws_nothing(official):
    @given(text=out_of_domain(Draw, "size"))
    @domain_settings()
    def hostile(text: str) -> None:
        before = _rows()
        response = official.post("/api/v1/experts/draws", json_with(DRAW, ("size",), text),
                                 content_type="application/json")
        assert_refused_naming(response, "size")
        form = official.post("/experts/draws/new/", {**DRAW, "domains": ["industry"], "size": text.strip('"')})
        assert form.status_code == 400 and 'data-field="size"' in form.content.decode(), text
        assert _rows() == before

    hostile()


def test_the_domain_s_edges_are_the_draw_s_and_sizes_the_pool_fills_round_trip(official):
    assert Draw._meta.get_field("size").validators[1].limit_value == DRAW_SIZE_MAX

    @given(size=st.integers(1, POOL), as_text=st.booleans())
    @domain_settings(8)
    def valid(size: int, as_text: bool) -> None:
        with transaction.atomic():
            response = official.post("/api/v1/experts/draws", json_with(DRAW, ("size",), literal(size,
                                                                                              as_text=as_text)),
                                     content_type="application/json")
            assert response.status_code == 201 and Draw.objects.get(pk=response.json()["id"]).size == size
            transaction.set_rollback(True)

    valid()
    response = official.post("/api/v1/experts/draws", json_with(DRAW, ("size",), str(DRAW_SIZE_MAX)),
                             content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "size"  # the largest size: too few experts
