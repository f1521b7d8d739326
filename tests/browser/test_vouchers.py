"""Issue 18: the voucher journey on the seeded demo, through the pages alone, in Chinese.

The demo seeds a compute request placed on a centre, the provider's metered usage of it and the voucher redeemed
against that usage (aiplus.compute.demo). The holder finds, from their menu, the quota with what was issued, redeemed
and is left, the redemption with the rule's reasons, and follows it to the request it paid for; the provider and the
official find the same redemption in the double-entry books, which say they balance, and the quota's account shows
what the holder's page shows. Screenshots under `test-artifacts/roles/vouchers/`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from tests.browser.test_roles import main_text, seeded, shot, sign_in, via_menu_to, write_buttons

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["seeded"]  # the fixture, imported so that this module's tests can ask for it


def amount(text: str) -> Decimal:
    """A money cell as a number (the formatter's grouping and currency marks dropped)."""
    return Decimal(re.sub(r"[^\d.]", "", text))


def test_the_holder_follows_a_redeemed_voucher_and_the_books_show_it(live_server: Any, page: Any, seeded: Any,
                                                                     artifacts: Any) -> None:
    from aiplus.compute.models import Redemption

    redemption = Redemption.objects.select_related("usage__placement__request", "quota__organisation").get()
    request = redemption.usage.placement.request
    base, out = live_server.url, artifacts / "roles" / "vouchers"

    # the holder: my vouchers, from the compute menu
    sign_in(page, base, "enterprise-suzhou")
    via_menu_to(page, "compute", "/compute/vouchers/mine/")
    holding = page.locator(f"[data-testid=holdings] tr[data-quota='{redemption.quota_id}']")
    issued, redeemed, remaining = (amount(holding.get_by_test_id(name).inner_text())
                                   for name in ("issued", "redeemed", "remaining"))
    assert redeemed == redemption.amount_cny > 0 and issued - redeemed == remaining
    row = page.locator(f"[data-testid=my-redemptions] tr[data-redemption='{redemption.pk}']")
    assert amount(row.get_by_test_id("redemption-amount").inner_text()) == redemption.amount_cny
    assert row.get_by_test_id("redemption-reasons").locator("li").count() >= 1  # the rule's reasons, cited
    assert "已兑付" in row.inner_text()
    shot(page, out, "1-my-vouchers")

    # … to the request it paid for, placed on a centre
    row.get_by_role("link", name=request.title).click()
    page.wait_for_url(f"**/compute/requests/{request.pk}/")
    page.wait_for_selector("[data-testid=request-status]")
    assert request.title in main_text(page) and redemption.usage.pool.centre.name in main_text(page)
    shot(page, out, "2-request")

    # the official: the books, from the compute menu, balanced, the redemption posted against the request
    sign_in(page, base, "official-suzhou")
    via_menu_to(page, "compute", "/compute/vouchers/ledger/")
    assert page.get_by_test_id("books-balance").is_visible() and page.get_by_test_id("books-unbalanced").count() == 0
    assert request.title in page.get_by_test_id("ledger").inner_text()
    assert write_buttons(page) == 0
    shot(page, out, "3-official-ledger")

    # the provider: only its own account's legs (no whole-book check), its payable balance the amount redeemed
    sign_in(page, base, "provider-compute")
    via_menu_to(page, "compute", "/compute/vouchers/ledger/")
    assert page.get_by_test_id("books-balance").count() == 0
    balances = page.locator("[data-testid=ledger-accounts] [data-testid=account-balance]").all_inner_texts()
    assert [amount(text) for text in balances] == [redemption.amount_cny]
    assert request.title in page.get_by_test_id("ledger").inner_text() and write_buttons(page) == 0
    shot(page, out, "4-provider-ledger")
