"""Test helpers of the measures app: a bank with a member, the offers a Suzhou firm's request is matched to."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiplus.measures import services


def bank_with_member(make_org: Any, place: str = "suzhou", username: str = "") -> tuple[Any, Any]:
    """A financial institution in `place` and a user who acts for it (role provider)."""
    from aiplus.core import services as core

    bank = make_org(place, "financial_institution")
    user = core.create_user(acting_user=make_org.admin, username=username or f"{place}-bank",
                            password="x-password-123")
    core.assign_role(acting_user=make_org.admin, user=user, role="provider", organisation_id=bank.pk)
    return bank, user


def publish_offers(user: Any, bank: Any) -> list[Any]:
    """An early-stage AI fund for Suzhou, and a growth-stage loan nationwide."""
    return [
        services.publish_offer(acting_user=user, organisation_id=bank.pk, title="人工智能早期股权投资基金",
                               kind="equity_fund", terms="投资大模型应用研发的初创企业，提供股权融资",
                               sectors=["industry"],
                               stages=["seed", "early"], amount_min_cny=Decimal(1_000_000),
                               amount_max_cny=Decimal(20_000_000)),
        services.publish_offer(acting_user=user, organisation_id=bank.pk, title="大模型科技贷", kind="bank_loan",
                               terms="面向大模型企业的流动资金贷款融资", sectors=["industry"], stages=["growth"],
                               nationwide=True, amount_min_cny=Decimal(500_000), amount_max_cny=Decimal(50_000_000)),
    ]
