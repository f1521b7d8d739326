"""Under the content security policy (no inline script or style, nothing from elsewhere) every main page works in a
real browser with the demo data: no `securitypolicyviolation` event, no CSP error in the console, no script error,
while the charts draw and show their tooltips, HTMX swaps tables in, the language switch submits itself and the API
docs load ninja's bundled Swagger UI."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records every violation the page reports, from before its first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
                              + `at ${event.sourceFile || location.href}:${event.lineNumber}`);
});
"""

# Shows the tooltip of every data point of every chart, as hovering would, and counts them.
SHOW_EVERY_TOOLTIP = """() => {
  let shown = 0;
  for (const el of document.querySelectorAll("[_echarts_instance_]")) {
    const chart = echarts.getInstanceByDom(el);
    (chart.getOption().series || []).forEach((series, seriesIndex) => {
      (series.data || []).forEach((_, dataIndex) => {
        chart.dispatchAction({type: "showTip", seriesIndex: seriesIndex, dataIndex: dataIndex});
        shown += 1;
      });
      chart.dispatchAction({type: "hideTip"});
    });
  }
  return shown;
}"""

PUBLIC_PAGES = ["/", "/coverage/", "/parameters/", "/departments/", "/glossary/", "/jurisdictions/", "/compute/",
                "/scenarios/", "/scenarios/lists/", "/scenarios/calls/", "/data/", "/data/assess/", "/experts/",
                "/algorithms/", "/algorithms/algorithms/", "/algorithms/hardware/", "/algorithms/open-source/",
                "/participation/notices/", "/participation/events/", "/participation/consultations/",
                "/participation/associations/", "/login/", "/no-such-page/"]
OFFICIAL_PAGES = ["/dashboard/", "/scenarios/dashboard/", "/audit/", "/organisations/", "/notifications/",
                  "/account/tokens/", "/account/two-factor/", "/compute/savings/", "/compute/vouchers/",
                  "/compute/requests/", "/data/access/", "/experts/draws/", "/insights/suzhou/",
                  "/insights/suzhou/indicators/genai_filings/", "/insights/statistics/"]
CHART_PAGES = {"/", "/compute/", "/scenarios/dashboard/", "/insights/suzhou/",
               "/insights/suzhou/indicators/genai_filings/"}


@pytest.fixture
def seeded(reference):
    from aiplus.core.reference import sync_departments
    from aiplus.portal import demo
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    return demo.seed(2026)


class Watch:
    """What the page reported: violations (the event), console CSP errors and uncaught script errors."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: script error: {error}"))

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text or "Refused to" in text:
            self.problems.append(f"{self.page.url}: console: {text}")

    def check(self, where: str) -> None:
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.problems.append(f"{where}: {violation}")
        assert not self.problems, "\n".join(self.problems)

    def visit(self, base: str, path: str) -> None:
        self.page.goto(base + path)
        self.page.wait_for_load_state("networkidle")
        if path in CHART_PAGES:
            self.page.wait_for_selector("[_echarts_instance_] canvas")
            assert self.page.evaluate(SHOW_EVERY_TOOLTIP) > 0, path
            self.page.wait_for_timeout(200)
        self.check(path)


def test_main_pages_run_under_the_content_security_policy(live_server, page, seeded):
    base = live_server.url
    watch = Watch(page)

    for path in PUBLIC_PAGES:
        watch.visit(base, path)

    # the policy arrives with the page
    response = page.goto(base + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    # the API docs: ninja's Swagger UI from the platform's own static files
    page.goto(base + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    watch.check("/api/v1/docs")

    # HTMX under the policy: choosing a pack swaps the coverage table in
    page.goto(base + "/coverage/")
    page.select_option("#pack", "guangdong")
    page.wait_for_selector("section[data-pack=suzhou]", state="detached")
    assert page.locator("section[data-pack=guangdong] tbody tr").count() == 34
    watch.check("/coverage/ (HTMX)")

    # the language switch submits itself (site.js, no inline handler)
    # (wait for the new page itself: "networkidle" can come before the form's navigation starts)
    page.get_by_test_id("language-select").select_option("en")
    page.wait_for_selector("html[lang=en]", timeout=15_000)
    page.get_by_test_id("language-select").select_option("zh-hans")
    page.wait_for_selector("html[lang=zh-Hans]", timeout=15_000)
    watch.check("language switch")

    page.goto(base + "/login/")
    page.fill("#id_username", "official-suzhou")
    page.fill("#id_password", "aiplus-demo-2026")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/dashboard/")
    for path in OFFICIAL_PAGES:
        watch.visit(base, path)

    # HTMX search on the organisations list
    page.goto(base + "/organisations/")
    rows = page.locator("#list-rows tr").count()
    page.fill("#id_q", "苏州")
    page.wait_for_timeout(600)
    page.wait_for_load_state("networkidle")
    assert 0 < page.locator("#list-rows tr").count() <= rows
    watch.check("/organisations/ (HTMX)")
