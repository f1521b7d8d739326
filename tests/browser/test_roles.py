"""Issue 18: each role's week-to-week journey through the pages alone, with the demo data, in Chinese.

Every journey starts from the signed-in person's menu (the grouped site menu), moves only by clicking menus, links
and buttons and by filling forms, and asserts what the person sees at each step. Screenshots of each key step are
saved under `test-artifacts/roles/<role>/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "aiplus-demo-2026"
AUDITOR_PAGES = (("support", "扶持预算", "/support/budgets/"), ("compute", "算力券", "/compute/vouchers/"),
                 ("compute", "算力资源", "/compute/"), ("data", "数据使用申请", "/data/access/"),
                 ("scenarios", "应用场景", "/scenarios/"), ("opc", "OPC目标进展", "/opc/kpis/"))


@pytest.fixture
def seeded(reference):
    from aiplus.core.reference import sync_departments
    from aiplus.portal import demo
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    return demo.seed(2026)


def sign_in(page: Any, base: str, username: str) -> None:
    """Sign in through the login link and form, as a visitor does, and land on the dashboard."""
    page.context.clear_cookies()
    page.goto(base + "/")
    page.get_by_test_id("login-link").click()
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")


def via_menu(page: Any, group: str, label: str) -> None:
    """Open a group of the site menu and follow one of its pages (on a phone, through the menu button first)."""
    toggle = page.get_by_test_id("menu-toggle")
    if toggle.is_visible():
        toggle.click()
    details = page.get_by_test_id(f"nav-{group}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    details.get_by_role("link", name=label, exact=True).click()
    page.wait_for_load_state("networkidle")


def shot(page: Any, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def main_text(page: Any) -> str:
    return page.locator("main").inner_text()


def write_buttons(page: Any) -> int:
    """Buttons on the page that would change something: submit buttons of POST forms inside the main content."""
    return page.locator("main form[method=post] button:not([type=button]), "
                        "main form[method=post] input[type=submit]").count()


def test_auditor_reads_audit_trail_and_coverage_without_write_buttons(live_server, page, seeded, artifacts):
    base = live_server.url
    out = artifacts / "roles" / "auditor"
    sign_in(page, base, "auditor-suzhou")
    shot(page, out, "1-dashboard")

    via_menu(page, "government", "审计日志")
    assert page.url.endswith("/audit/")
    rows = page.locator("[data-testid=list-table] tbody tr")
    assert rows.count() > 0
    assert write_buttons(page) == 0
    shot(page, out, "2-audit")

    via_menu(page, "rules", "条款覆盖")
    assert page.url.endswith("/coverage/")
    text = main_text(page)
    assert "第" in text and "条" in text
    assert write_buttons(page) == 0
    shot(page, out, "3-coverage")

    # what the auditor checks week to week: budgets, vouchers, compute, data access, scenarios, all read-only
    for group, label, path in AUDITOR_PAGES:
        via_menu(page, group, label)
        assert page.url.endswith(path), page.url
        assert page.locator("main h1").count() == 1
        assert write_buttons(page) == 0, path
        shot(page, out, "4" + path.replace("/", "_"))


def test_compute_provider_registers_a_pool_and_sees_its_centres(live_server, page, seeded, artifacts):
    base = live_server.url
    out = artifacts / "roles" / "compute-provider"
    sign_in(page, base, "provider-compute")
    via_menu(page, "compute", "算力服务商")
    assert page.url.endswith("/compute/provider/")
    centres = page.get_by_test_id("own-centres").inner_text()
    shot(page, out, "1-provider")
    centre = page.locator("#id_pool-centre option:not([value=''])").first.inner_text().strip()
    assert centre in centres
    page.select_option("#id_pool-centre", label=centre)
    page.select_option("#id_pool-accelerator_model", "ascend-910c")
    page.fill("#id_pool-cards", "16")
    page.fill("#id_pool-memory_gb", "64")
    page.fill("#id_pool-price_cny_per_card_hour", "7.5")
    page.get_by_test_id("pool-submit").click()
    page.wait_for_selector("[data-testid=registered]")
    shot(page, out, "2-pool-registered")
    assert "910C" in main_text(page)
    # the usage import is on the same page, offered as a file upload (not typed codes)
    assert page.get_by_test_id("usage").is_visible()
    # the public capacity map now counts the pool
    via_menu(page, "compute", "算力资源")
    assert centre in main_text(page)
    shot(page, out, "3-capacity")
