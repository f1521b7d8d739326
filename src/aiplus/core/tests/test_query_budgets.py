"""List pages have query-count budgets: the count must not grow with the number of rows (no N+1)."""

import pytest

from aiplus.core import services
from aiplus.core.testing import assert_within_query_budget, query_budgets

BUDGETS = query_budgets(__file__)


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
    assert_within_query_budget(client, busy_world.user("official"), page, BUDGETS[page], django_assert_max_num_queries)
