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
    toggle = page.get_by_test_id("menu-toggle")
    if toggle.is_visible():  # on a phone the account links sit behind the menu button
        toggle.click()
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


def via_menu_to(page: Any, group: str, path: str) -> None:
    """Like `via_menu`, naming the page by its address so that the same step works in either language."""
    toggle = page.get_by_test_id("menu-toggle")
    if toggle.is_visible():
        toggle.click()
    details = page.get_by_test_id(f"nav-{group}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    details.locator(f"a[href='{path}']").click()
    page.wait_for_url("**" + path)
    page.wait_for_load_state("networkidle")


def switch_language(page: Any, code: str) -> None:
    """Change the language with the selector in the page header (it submits itself)."""
    toggle = page.get_by_test_id("menu-toggle")
    if toggle.is_visible():
        toggle.click()
    page.get_by_test_id("language-select").select_option(code)
    page.wait_for_function(f"document.documentElement.lang === '{'en' if code == 'en' else 'zh-Hans'}'")


CJK = "[\u4e00-\u9fff]"


def assert_language(page: Any, code: str) -> None:
    """The page's own words are in the chosen language: in English, no Chinese in its section headings, labels,
    buttons, column heads or menu (demo records are Chinese and may name a page in its h1 or fill its tables)."""
    import re

    expected = "en" if code == "en" else "zh-Hans"
    assert page.evaluate("document.documentElement.lang") == expected
    if code != "en":
        return
    chrome = page.evaluate("""() => Array.from(document.querySelectorAll(
        'main h2, main label, main button, main th, nav summary, nav a'))
        .map(e => e.innerText.trim()).filter(Boolean)""")
    chinese = [t for t in chrome if re.search(CJK, t) and not t.startswith("【")]
    assert not chinese, f"{page.url}: Chinese words on an English page: {chinese[:8]}"


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


DATASET = "苏州市公交车辆实时位置"  # a conditionally open demo dataset no one has asked for yet


def enterprise_and_data_provider(page: Any, base: str, out: Path, language: str) -> None:
    sign_in(page, base, "enterprise-suzhou")
    if language == "en":
        switch_language(page, "en")
    assert_language(page, language)
    shot(page, out, "01-enterprise-dashboard")

    # ask for a conditionally open dataset: catalogue → dataset → the request form on its page
    via_menu_to(page, "data", "/data/")
    assert_language(page, language)
    page.get_by_role("link", name=DATASET).first.click()
    page.wait_for_selector("[data-testid=access-request-form]")
    assert DATASET in main_text(page)
    assert_language(page, language)
    page.fill("#id_purpose", "训练公交到站时间预测模型")
    page.fill("#id_usage_scope", "仅限本单位研发环境")
    page.fill("#id_security_measures", "内网隔离、访问日志")
    page.fill("#id_duration_days", "90")
    shot(page, out, "02-access-request-form")
    page.get_by_test_id("access-request-form").locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=access-status]")
    request_url = page.url
    assert "/data/access/" in request_url
    assert page.get_by_test_id("access-status").inner_text() == ("Pending review" if language == "en" else "待审核")
    assert_language(page, language)
    shot(page, out, "03-access-request-submitted")

    # a compute request from the compute menu; the placement is shown on the request's page
    via_menu_to(page, "compute", "/compute/requests/")
    assert_language(page, language)
    page.fill("#id_title", "公交到站预测模型训练")
    page.check("input[name=accepted_models][value=ascend-910b]")
    page.fill("#id_cards", "8")
    page.fill("#id_hours", "10")
    page.get_by_test_id("request-submit").click()
    page.wait_for_url("**/compute/requests/*/")
    page.wait_for_selector("[data-testid=request-status]")
    assert "公交到站预测模型训练" in main_text(page)
    assert_language(page, language)
    shot(page, out, "04-compute-request")

    # the data provider finds the request under its data menu and approves it
    sign_in(page, base, "provider-data")
    if language == "en":
        switch_language(page, "en")
    via_menu_to(page, "data", "/data/access/")
    assert_language(page, language)
    rows = page.locator("[data-testid=list-table] tbody tr", has_text=DATASET)
    assert rows.count() == 1
    shot(page, out, "05-provider-access-requests")
    rows.first.locator("a").first.click()
    page.wait_for_selector("[data-testid=access-status]")
    assert page.url == request_url
    assert "训练公交到站时间预测模型" in main_text(page)
    assert_language(page, language)
    page.fill("#comment", "同意，按申请范围使用")
    page.locator("button[name=action][value=approve]").click()
    page.wait_for_function("document.querySelector('[data-testid=access-status]').innerText !== "
                           + ("'Pending review'" if language == "en" else "'待审核'"))
    assert page.get_by_test_id("access-status").inner_text() == ("Approved" if language == "en" else "已批准")
    assert write_buttons(page) <= 1  # only "revoke" is left
    shot(page, out, "06-provider-approved")

    # the enterprise is told, and the notification's link leads to the request with the way to get the data
    sign_in(page, base, "enterprise-suzhou")
    if language == "en":
        switch_language(page, "en")
    page.locator("header .account a[href='/notifications/']").click()
    page.wait_for_url("**/notifications/")
    assert_language(page, language)
    shot(page, out, "07-notifications")
    page.locator("main a[href*='/data/access/']").first.click()
    page.wait_for_selector("[data-testid=delivery]")
    assert page.url.split("?")[0] == request_url
    assert "data.example.invalid" in page.get_by_test_id("delivery").inner_text()
    shot(page, out, "08-delivery")


def test_enterprise_and_data_provider_in_chinese(live_server, page, seeded, artifacts):
    enterprise_and_data_provider(page, live_server.url, artifacts / "roles" / "enterprise-zh", "zh-hans")


def test_enterprise_and_data_provider_in_english(live_server, page, seeded, artifacts):
    enterprise_and_data_provider(page, live_server.url, artifacts / "roles" / "enterprise-en", "en")


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=1, is_mobile=True,
                                  has_touch=True)
    tab = context.new_page()
    yield tab
    context.close()


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at 390 px"


def test_enterprise_and_official_on_a_phone(live_server, phone, seeded, artifacts):
    """The enterprise's and the official's menus on a 390 px phone: the menu is collapsed behind its button, each key
    page opens from it and none scrolls sideways."""
    base = live_server.url
    page = phone
    for username, pages in (
        ("enterprise-suzhou", (("data", "/data/"), ("data", "/data/access/"), ("compute", "/compute/requests/"),
                               ("scenarios", "/scenarios/calls/"), ("scenarios", "/scenarios/profiles/"),
                               ("support", "/support/programmes/"))),
        ("official-suzhou", (("scenarios", "/scenarios/"), ("compute", "/compute/requests/"),
                             ("data", "/data/access/"), ("government", "/audit/"), ("rules", "/coverage/"),
                             ("support", "/support/budgets/"))),
    ):
        out = artifacts / "roles" / f"{username}-phone"
        sign_in(page, base, username)
        assert not page.get_by_test_id("site-menu").is_visible()
        no_sideways_scroll(page)
        shot(page, out, "0-dashboard")
        for index, (group, path) in enumerate(pages, start=1):
            via_menu_to(page, group, path)
            assert not page.get_by_test_id("site-menu").is_visible(), path  # the menu folds away again
            assert page.locator("main h1").count() == 1, path
            no_sideways_scroll(page)
            shot(page, out, f"{index}{path.replace('/', '_')}")


def test_supplier_updates_its_profile_reads_its_matches_and_answers_an_open_call(live_server, page, seeded,
                                                                                 artifacts):
    """A supplier's week (issue 18): from the scenarios menu to its own capability profile and the needs it matches,
    the regions it serves picked by name (no codes), then the open call from the same menu, answered with a
    proposal; the call lists the application."""
    from aiplus.core.models import User
    from aiplus.scenarios.models import CapabilityProfile, OpenCall

    base, out = live_server.url, artifacts / "roles" / "supplier"
    user = User.objects.get(username="supplier-2")
    profile = CapabilityProfile.objects.select_related("organisation").get(
        organisation__in=[r.organisation_id for r in user.role_assignments.all()])
    call = OpenCall.objects.get(status="open")
    sign_in(page, base, "supplier-2")
    shot(page, out, "1-dashboard")

    via_menu_to(page, "scenarios", "/scenarios/profiles/")
    page.locator(f"main a[href='/scenarios/profiles/{profile.pk}/']").first.click()
    page.wait_for_url(f"**/scenarios/profiles/{profile.pk}/")
    assert "推荐场景需求" in main_text(page) and "苏州市" in main_text(page)  # the region by name, not "suzhou"
    shot(page, out, "2-profile-and-matches")

    page.get_by_test_id("edit-profile").click()
    page.get_by_test_id("picker-regions_served").fill("深圳")  # narrows the places; both are ticked
    page.locator("select[name=regions_served]").select_option(label=["苏州市", "深圳市"])
    shot(page, out, "3-profile-form")
    page.get_by_test_id("save-profile").click()
    page.wait_for_url(f"**/scenarios/profiles/{profile.pk}/")
    assert "深圳市、苏州市" in main_text(page)  # in the picker's order
    profile.refresh_from_db()
    assert sorted(profile.regions_served) == ["shenzhen", "suzhou"]

    via_menu_to(page, "scenarios", "/scenarios/calls/")
    page.get_by_role("link", name=call.title).first.click()
    page.wait_for_url(f"**/scenarios/calls/{call.pk}/")
    form = page.get_by_test_id("apply-form")
    form.locator("select[name=need]").select_option(index=1)  # the call's first need, by its title and owner
    form.locator("textarea[name=proposal]").fill("视觉检测与大模型复核结合：两个月完成试点，检出率承诺99.2%。")
    shot(page, out, "4-apply")
    form.get_by_role("button").click()
    page.wait_for_url(f"**/scenarios/calls/{call.pk}/")
    assert profile.organisation.name in page.get_by_test_id("applications").inner_text()
    shot(page, out, "5-applied")
