"""/healthz: the process answers without touching the database (a load balancer's probe; the load benchmark's
ceiling, bench/web.py)."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert client.post("/healthz").status_code == 405
