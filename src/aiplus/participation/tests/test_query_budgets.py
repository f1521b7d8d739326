"""Participation's list pages and API lists have query budgets that do not grow with their rows (no N+1)."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.testing import assert_within_query_budget, query_budgets

BUDGETS = query_budgets(__file__)

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(world: Any, place: Any, association_org: Any, make_org: Any) -> Any:
    from aiplus.participation import services

    official = world.user("official")
    start = timezone.now() + dt.timedelta(days=3)
    for index in range(12):
        services.create_notice(acting_user=official, jurisdiction_id=place("suzhou"), title=f"通知{index}",
                               kind="policy" if index % 2 else "notice", is_published=index % 3 != 0)
        event = services.create_event(acting_user=official, jurisdiction_id=place("suzhou"), title=f"活动{index}",
                                      venue="苏州", starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                      capacity=10, is_published=True)
        services.register_for_event(acting_user=world.user("public"), event_id=event.pk, name="王芳")
        consultation = services.open_consultation(acting_user=official, jurisdiction_id=place("suzhou"),
                                                  subject_kind="policy", title=f"征求意见{index}", draft="草案")
        if index < 5:
            services.submit_comment(acting_user=world.user("enterprise_member"), consultation_id=consultation.pk,
                                    text="意见")
    association = services.register_association(acting_user=official, organisation_id=association_org.pk)
    for _ in range(5):
        services.add_association_member(acting_user=official, association_id=association.pk,
                                        organisation_id=make_org("suzhou").pk, joined_on=dt.date(2026, 1, 1))
    return world


@pytest.mark.parametrize("page", sorted(BUDGETS))
@pytest.mark.parametrize("who", ["official", "public"])
def test_list_stays_within_its_query_budget(busy: Any, client: Any, django_assert_max_num_queries: Any, page: str,
                                            who: str) -> None:
    assert_within_query_budget(client, busy.user(who), page, BUDGETS[page], django_assert_max_num_queries)
