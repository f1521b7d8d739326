"""The question-bank list pages and API lists have query budgets that do not grow with their rows (no N+1)."""

import pytest

from aiplus.core.testing import assert_within_query_budget, query_budgets
from aiplus.evaluation.tests.conftest import JADE_CSV

BUDGETS = query_budgets(__file__)

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(banks):
    from aiplus.evaluation import services

    rows = "".join(f"{n},问题{n},违法犯罪,偷窃\n" for n in range(10, 40))
    for index in range(5):
        bank = services.create_bank(acting_user=banks.alice, organisation_id=banks.org.pk, name=f"题库{index}",
                                    kind="should_refuse")
        services.import_bank_file(acting_user=banks.alice, bank_id=bank.pk, data=(JADE_CSV + rows).encode(),
                                  mapping="jade_db_zh")
    return banks


@pytest.mark.parametrize("page", sorted(BUDGETS))
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_list_stays_within_its_query_budget(busy, client, django_assert_max_num_queries, page, who):
    assert_within_query_budget(client, getattr(busy, who), page, BUDGETS[page], django_assert_max_num_queries)
