"""List pages have query-count budgets: the count must not grow with the number of rows (no N+1)."""

import json
from pathlib import Path

import pytest

from aiplus.core import services

BUDGETS = json.loads((Path(__file__).with_name("query_budgets.json")).read_text())


@pytest.fixture
def busy_world(world, make_org):
    for _ in range(30):
        make_org("suzhou-sip", "enterprise")
    for index in range(30):
        services.update_organisation(acting_user=world.user("official"),
                                     organisation_id=world.orgs["suzhou:enterprise"].pk, address=f"{index}号")
    return world


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_list_page_stays_within_its_query_budget(busy_world, client, django_assert_max_num_queries, page):
    client.force_login(busy_world.user("official"))
    with django_assert_max_num_queries(BUDGETS[page]):
        response = client.get(page)
    assert response.status_code == 200
