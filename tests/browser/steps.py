"""Steps the browser tests share: signing in, and a provider giving a registered centre a pool through the page."""

from __future__ import annotations

from typing import Any


def sign_in(page: Any, base: str, username: str, password: str = "x-password-123") -> None:
    """Sign in through the login form as a fresh visitor (cookies cleared) and land on the dashboard."""
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")


def add_pool(page: Any, centre: str) -> None:
    """On the provider page, add a 16-card Ascend 910C pool to the centre with this name."""
    page.select_option("#id_pool-centre", label=centre)
    page.select_option("#id_pool-accelerator_model", "ascend-910c")
    page.fill("#id_pool-cards", "16")
    page.fill("#id_pool-memory_gb", "64")
    page.fill("#id_pool-price_cny_per_card_hour", "7.5")
    page.get_by_test_id("pool-submit").click()
    page.wait_for_selector("[data-testid=registered]")
