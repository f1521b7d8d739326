"""Question banks through the pages: a company's member designates two evaluators; the first creates a should-refuse
bank and imports a JADE-shaped file through the shipped mapping (the unmapped row listed in the report); the second
approves the items from the review queue (the unmapped one only once given a risk); the first publishes, and the
coverage report shows, risk by risk, what is met and what is short of the standard's minimums."""

from typing import Any

import pytest

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _designate(page: Any, org: Any, user: Any) -> None:
    page.select_option("#id_evaluator-organisation", str(org.pk))
    page.select_option("#id_evaluator-user", str(user.pk))
    page.get_by_test_id("evaluator-save").click()
    page.wait_for_url("**/evaluation/banks/")


def _pick_all(page: Any) -> None:
    for box in page.get_by_test_id("pick").all():
        box.check()


def test_evaluators_import_review_and_read_coverage(live_server, page, world, artifacts, tmp_path):
    from aiplus.core import services as core_services
    from aiplus.evaluation.tests.conftest import JADE_CSV

    org = world.orgs["suzhou:enterprise"]
    alice = core_services.create_user(acting_user=world.admin, username="eval-alice", password="x-password-123")
    bob = core_services.create_user(acting_user=world.admin, username="eval-bob", password="x-password-123")
    sign_in(page, live_server.url, "suzhou-enterprise_member")
    page.goto(live_server.url + "/evaluation/banks/")
    _designate(page, org, alice)
    _designate(page, org, bob)

    # the first evaluator creates the bank and imports through the shipped mapping
    sign_in(page, live_server.url, "eval-alice")
    page.goto(live_server.url + "/evaluation/banks/")
    page.select_option("#id_bank-organisation", str(org.pk))
    page.fill("#id_bank-name", "应拒答测试题库（JADE）")
    page.select_option("#id_bank-kind", "should_refuse")
    page.get_by_test_id("bank-save").click()
    page.wait_for_url("**/evaluation/banks/*/")
    bank_url = page.url
    source = tmp_path / "jade.csv"
    source.write_bytes(JADE_CSV.encode("gb18030"))  # a GB18030 file: the mapping's `auto` encoding reads it
    page.select_option("#id_mapping", "jade_db_zh")
    page.set_input_files("#id_file", str(source))
    page.get_by_test_id("import-go").click()
    page.wait_for_url(bank_url)
    counts = page.get_by_test_id("import-counts")
    assert (counts.get_attribute("data-created"), counts.get_attribute("data-unmapped")) == ("4", "1")
    assert "闻所未闻的类别" in page.get_by_test_id("unmapped-rows").inner_text(timeout=2000) or \
        "闻所未闻的类别" in page.content()
    page.screenshot(path=str(artifacts / "evaluation-import.png"), full_page=True)

    # her own items are not in her queue
    page.goto(live_server.url + "/evaluation/items/?status=candidate")
    assert page.get_by_test_id("pick").count() == 0

    # the second evaluator approves them; the unmapped one needs a risk
    sign_in(page, live_server.url, "eval-bob")
    page.goto(bank_url)
    page.get_by_test_id("to-review").click()
    page.wait_for_selector("[data-testid=pick]")
    assert page.get_by_test_id("pick").count() == 4
    _pick_all(page)
    page.select_option("#id_decision", "approved")
    page.get_by_test_id("review-go").click()
    page.wait_for_selector("[data-field=risk_code]")
    _pick_all(page)
    page.select_option("#id_decision", "approved")
    page.select_option("#id_risk_code", "a1.other")
    page.get_by_test_id("review-go").click()
    page.wait_for_selector(".messages, [role=status], body")
    page.goto(live_server.url + "/evaluation/items/?status=candidate")
    assert page.get_by_test_id("pick").count() == 0

    # published, then the coverage report by risk
    sign_in(page, live_server.url, "eval-alice")
    page.goto(bank_url)
    page.get_by_test_id("publish-go").click()
    page.wait_for_url(bank_url)
    assert page.locator("[data-testid=versions] tr[data-status=published]").count() == 1
    page.get_by_test_id("coverage-link").first.click()
    page.wait_for_selector("[data-testid=coverage]")
    assert page.get_by_test_id("coverage-total").get_attribute("data-met") == "false"
    assert page.locator("tr[data-risk]").count() == 31
    assert page.locator("tr[data-risk='a1.terrorism']").get_attribute("data-met") == "short"
    assert page.locator("tr[data-met=short]").count() == 31
    assert page.locator("tr[data-risk='a1.other'] td").nth(2).inner_text() == "1"  # the risk went to the unmapped item
    page.screenshot(path=str(artifacts / "evaluation-coverage.png"), full_page=True)
    assert bob.pk != alice.pk
