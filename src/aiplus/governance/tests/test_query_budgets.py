"""Ethics review's list pages and API lists have query budgets that do not grow with their rows (no N+1)."""

import pytest

from aiplus.core.testing import assert_within_query_budget, query_budgets

BUDGETS = query_budgets(__file__)

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(ethics, make_application):
    for index in range(25):
        make_application(complete=index % 2 == 0, submit=index % 3 != 0)
    return ethics


@pytest.mark.parametrize("page", sorted(BUDGETS))
@pytest.mark.parametrize("who", ["chair", "applicant"])
def test_list_stays_within_its_query_budget(busy, client, django_assert_max_num_queries, page, who):
    user = busy.chair if who == "chair" else busy.applicant
    assert_within_query_budget(client, user, page, BUDGETS[page], django_assert_max_num_queries)
