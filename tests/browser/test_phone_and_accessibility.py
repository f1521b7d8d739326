"""The site on a 390 px phone and under an automated accessibility check, with the demo data.

- The anonymous journey at 390×844: the header takes at most a fifth of the screen, the menu is one button that
  opens the grouped menu, the visitor browses the scenarios and opens one; no key page scrolls sideways
  (`document.documentElement.scrollWidth <= 390`). Screenshots are saved under the test's output folder.
- axe-core (the unmodified `axe.min.js` from npm, MPL-2.0, vendored in `tests/browser/data/axe-core/` with its
  licence and version) finds no serious or critical violation on the main pages, for the public and an official.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "data" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
PASSWORD = "aiplus-demo-2026"

# pages an anonymous visitor opens on a phone (the scenario detail is reached by clicking, below)
PHONE_PAGES = ["/", "/scenarios/", "/compute/", "/data/", "/login/"]
PHONE_OFFICIAL_PAGES = ["/dashboard/", "/compute/", "/scenarios/"]
AXE_PUBLIC = ["/", "/scenarios/", "/compute/", "/data/", "/login/", "/data/assess/"]
AXE_OFFICIAL = ["/dashboard/", "/scenarios/", "/compute/", "/data/", "/compute/requests/", "/scenarios/needs/new/"]


@pytest.fixture
def seeded(reference):
    from aiplus.core.reference import sync_departments
    from aiplus.portal import demo
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    return demo.seed(2026)


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")


def no_sideways_scroll(page, path: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide at 390 px"


def header_height(page) -> float:
    return page.evaluate("""() => {
      const header = document.querySelector('.site-header').getBoundingClientRect();
      return header.bottom;  // the demo banner above it counts too
    }""")


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=1, is_mobile=True,
                                  has_touch=True)
    tab = context.new_page()
    yield tab
    context.close()


def test_anonymous_journey_on_a_phone(live_server, phone, seeded, artifacts):
    base = live_server.url
    out = artifacts / "phone"
    out.mkdir(exist_ok=True)
    page = phone

    page.goto(base + "/")
    assert header_height(page) <= 0.2 * PHONE["height"]
    menu = page.get_by_test_id("site-menu")
    assert not menu.is_visible()
    page.screenshot(path=str(out / "1-home.png"), full_page=False)

    # the menu collapses into one button, which opens the groups; a group opens to its pages
    toggle = page.get_by_test_id("menu-toggle")
    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    page.get_by_test_id("nav-scenarios").locator("summary").click()
    page.screenshot(path=str(out / "2-menu-open.png"), full_page=False)
    page.get_by_test_id("nav-scenarios").get_by_role("link", name="应用场景").click()
    page.wait_for_url("**/scenarios/")
    assert not page.get_by_test_id("site-menu").is_visible()
    no_sideways_scroll(page, "/scenarios/")
    page.screenshot(path=str(out / "3-scenarios.png"), full_page=True)

    # open one scenario from the list
    first = page.locator("#list-rows tbody a").first
    name = first.inner_text()
    first.click()
    page.wait_for_load_state("networkidle")
    assert name in page.locator("main").inner_text()
    no_sideways_scroll(page, page.url)
    page.screenshot(path=str(out / "4-scenario.png"), full_page=True)

    for path in PHONE_PAGES:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert header_height(page) <= 0.2 * PHONE["height"], path
        no_sideways_scroll(page, path)
        page.screenshot(path=str(out / f"anon{path.replace('/', '_')}.png"), full_page=True)

    sign_in(page, base, "official-suzhou")
    for path in PHONE_OFFICIAL_PAGES:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert header_height(page) <= 0.2 * PHONE["height"], path
        no_sideways_scroll(page, path)
        page.screenshot(path=str(out / f"official{path.replace('/', '_')}.png"), full_page=True)


def axe_violations(page) -> list[str]:
    """Serious and critical violations axe-core finds on the page (the script is evaluated through the browser's
    debugging protocol, which the page's content security policy does not govern)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    return list(results)


def test_main_pages_have_no_serious_accessibility_violations(live_server, page, seeded):
    base = live_server.url
    found: list[str] = []

    def check(path: str) -> None:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        found.extend(f"{path}: {v}" for v in axe_violations(page))

    for path in AXE_PUBLIC:
        check(path)
    page.goto(base + "/scenarios/")
    detail = page.locator("#list-rows tbody a").first.get_attribute("href")
    check(detail)
    sign_in(page, base, "official-suzhou")
    for path in [*AXE_OFFICIAL, detail]:
        check(path)
    assert not found, "\n".join(found)
