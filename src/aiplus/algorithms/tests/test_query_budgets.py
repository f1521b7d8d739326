"""The registers' list pages and API lists have query budgets that do not grow with their rows (no N+1)."""

import datetime as dt

import pytest

from aiplus.algorithms import services
from aiplus.core.testing import assert_within_query_budget, query_budgets

BUDGETS = query_budgets(__file__)

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_world(world):
    member = world.user("enterprise_member")
    own = {"acting_user": member, "organisation_id": world.orgs["suzhou:enterprise"].pk}
    base = None
    for index in range(30):
        model = services.create_model(**own, name=f"模型{index}", kind="fine_tuned" if base else "foundation",
                                      base_model_id=base.pk if base and index % 2 else None,
                                      modalities=["text", "image"][: 1 + index % 2], is_published=index % 3 == 0,
                                      summary="苏州制造业模型", endpoint_url=f"https://m{index}.example.org/v1")
        base = base or model
        algorithm = services.create_algorithm(**own, name=f"算法{index}", algorithm_type="personalised_push",
                                              model_id=model.pk, is_published=True)
        services.create_filing(acting_user=member, algorithm_id=algorithm.pk, launched_on=dt.date(2026, 4, 30),
                               service_form="app")
        services.create_hardware(**own, name=f"终端{index}", kind="terminal", vendor="V", model_ids=[model.pk],
                                 is_published=True)
        services.create_project(**own, name=f"项目{index}", repository_url=f"https://git.example.org/{index}",
                                licence="MIT", support_amount_cny="1000")
    return world


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_list_stays_within_its_query_budget(busy_world, client, django_assert_max_num_queries, page):
    assert_within_query_budget(client, busy_world.user("official"), page, BUDGETS[page], django_assert_max_num_queries)
