"""A person logs in, switches the language, opens the coverage page; the screenshot is kept as an artifact."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def official(reference):
    from aiplus.core import services
    from aiplus.core.reference import sync_departments
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    admin = services.create_user(acting_user=None, username="root-admin", password="x-pass-123",
                                 is_superuser=True)
    user = services.create_user(acting_user=admin, username="official-browser", password="browser-pass-2026",
                                display_name="浏览器测试官员")
    services.assign_role(acting_user=admin, user=user, role="official", jurisdiction="suzhou")
    return user


def test_login_switch_language_and_open_coverage(live_server, page, official, artifacts):
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text() == "人工智能促进条例实施平台"

    page.get_by_test_id("login-link").click()
    page.fill("#id_username", "official-browser")
    page.fill("#id_password", "browser-pass-2026")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")
    assert "工作台" in page.locator("h1").inner_text()

    page.get_by_test_id("language-select").select_option("en")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Workspace"
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_test_id("nav-rules").locator("summary").click()  # the menu group "Rules and parameters"
    page.get_by_role("link", name="Article coverage").click()
    page.wait_for_url("**/coverage/")
    assert page.get_by_test_id("coverage-title").inner_text() == "Article coverage"
    assert page.locator("section[data-pack=suzhou] tbody tr").count() == 50
    assert page.locator("section[data-pack=guangdong] tbody tr").count() == 34

    # HTMX: choosing a pack replaces the table without a page load.
    page.select_option("#pack", "guangdong")
    page.wait_for_selector("section[data-pack=suzhou]", state="detached")
    assert page.locator("section[data-pack=guangdong] tbody tr").count() == 34

    page.screenshot(path=str(artifacts / "coverage-en.png"), full_page=True)
    assert (artifacts / "coverage-en.png").stat().st_size > 10_000
