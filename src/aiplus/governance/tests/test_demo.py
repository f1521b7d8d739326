"""The demo seeds an ethics committee meeting the Measures, a decided application and one waiting."""

from __future__ import annotations

from typing import Any

import pytest

from aiplus.core.testing import signed_in
from aiplus.governance.models import EthicsApplication, EthicsCommittee

pytestmark = pytest.mark.django_db


def test_demo_committee_and_applications(demo: Any) -> None:
    from aiplus.core.models import User

    committee = EthicsCommittee.objects.get()
    assert committee.is_demo and committee.members.count() == 7
    statuses = sorted(EthicsApplication.objects.values_list("status", flat=True))
    assert statuses == ["approved_with_changes", "submitted"]
    chair = User.objects.get(username="ethics-chair")
    page = signed_in(chair).get(f"/governance/ethics/committees/{committee.pk}/")
    assert page.status_code == 200 and 'data-testid="composition" data-ok="true"' in page.content.decode()


def test_demo_ai_applications_have_their_tiers(demo: Any) -> None:
    from aiplus.governance.models import AIApplication, RectificationOrder

    tiers = sorted(AIApplication.objects.values_list("tier", flat=True))
    assert tiers == ["high", "low", "medium"]
    assert AIApplication.objects.filter(is_disclosed=True).count() == 2
    assert RectificationOrder.objects.get().status == "open"
