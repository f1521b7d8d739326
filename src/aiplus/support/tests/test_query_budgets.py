"""The finder reads what the platform knows about the organisation once per page, not once per programme: its page
and its API answer within a query budget that does not grow with the number of programmes."""

from __future__ import annotations

from typing import Any

import pytest

from aiplus.core.testing import assert_within_query_budget, query_budgets, signed_in

BUDGETS = query_budgets(__file__)

pytestmark = pytest.mark.django_db


def test_the_finder_page_stays_within_its_query_budget(world: Any, client: Any,
                                                       django_assert_max_num_queries: Any) -> None:
    company = world.orgs["suzhou:enterprise"]
    page = f"/support/finder/?organisation={company.pk}&declared_cny=30000000"
    assert_within_query_budget(client, world.user("enterprise_member"), page, BUDGETS["/support/finder/"],
                               django_assert_max_num_queries)


def test_the_finder_api_stays_within_its_query_budget(world: Any, django_assert_max_num_queries: Any) -> None:
    client = signed_in(world.user("enterprise_member"))
    company = world.orgs["suzhou:enterprise"]
    with django_assert_max_num_queries(BUDGETS["/api/v1/support/finder"]):
        response = client.post("/api/v1/support/finder", {"organisation_id": company.pk, "declared_cny": "30000000"},
                               content_type="application/json")
    assert response.status_code == 200, response.content
    assert len(response.json()) >= 5
