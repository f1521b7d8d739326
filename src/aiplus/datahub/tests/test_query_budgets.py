"""Datahub list pages have query-count budgets that do not grow with the number of rows (no N+1)."""

import pytest

from aiplus.core.testing import assert_within_query_budget, query_budgets
from aiplus.datahub import services
from aiplus.datahub.models import Dataset

BUDGETS = query_budgets(__file__)

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_world(world):
    provider = world.user("provider")
    requester = world.user("enterprise_member")
    for index in range(30):
        dataset = services.create_dataset(
            acting_user=provider, provider_id=world.orgs["suzhou:provider"].pk, identifier=f"busy-{index}",
            title=f"数据集{index}", sector="交通" if index % 2 else "医疗", is_published=True,
            theme=("城市治理", "人工智能", "")[index % 3], high_quality=index % 4 == 0,
            open_attribute="conditional", distributions=[{"format": "CSV"}, {"format": "JSON"}])
        request = services.request_access(acting_user=requester, dataset_id=dataset.pk, purpose="p",
                                          usage_scope="s", security_measures="m", duration_days=30)
        if index % 2:
            services.decide_access(acting_user=provider, request_id=request.pk, decision="approve")
    served = list(Dataset.objects.order_by("id").values_list("pk", flat=True)[:10])
    for index in range(5):
        services.create_data_service(acting_user=provider, provider_id=world.orgs["suzhou:provider"].pk,
                                     identifier=f"busy-service-{index}", title=f"接口{index}", is_published=True,
                                     endpoint_url=f"https://api.example.org/{index}",
                                     serves=served[2 * index:2 * index + 2])
    member = world.user("enterprise_member")
    organisation = world.orgs["suzhou:enterprise"].pk
    processor = services.register_processor(acting_user=member, organisation_id=organisation)
    for index in range(10):
        services.register_asset(acting_user=member, organisation_id=organisation, name=f"表{index}",
                                category="日志", grade="important" if index % 2 else "general")
        services.record_transfer(acting_user=member, processor_id=processor.pk, transfer={
            "recipient": "R", "country_or_region": "US", "data_categories": ["personal"], "pi_people": 20_000,
            "sensitive_pi_people": 0, "transfer_on": "2025-06-02"}, milestones={"contract_effective_on": "2025-06-03"})
    return world


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_list_page_stays_within_its_query_budget(busy_world, client, django_assert_max_num_queries, page):
    assert_within_query_budget(client, busy_world.user("official"), page, BUDGETS[page], django_assert_max_num_queries)


def test_enterprise_assets_page_budget(busy_world, client, django_assert_max_num_queries):
    assert_within_query_budget(client, busy_world.user("enterprise_member"), "/data/assets/",
                               BUDGETS["/data/assets/"], django_assert_max_num_queries)
