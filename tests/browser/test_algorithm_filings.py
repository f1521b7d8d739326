"""Filing dossiers in the browser.

An algorithm filing: a company member registers a model and an algorithm through the pages, starts the
algorithm's filing dossier, sees a missing item flagged, completes and submits it; an official of the place
records the filing number; after the member reports a change, the deadline view shows the change's clock.

A generative-AI launch filing: the member files their model, records the clause conformity table with one clause
not conforming (flagged, submission refused), fixes it and submits; the official records the number, the model shows
it, the place's national filing target counts it, and the dossier prints as a PDF."""

import pytest

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_files_an_algorithm_and_the_official_records_the_number(live_server, page, world, artifacts):
    company = world.orgs["suzhou:enterprise"]
    world.user("official")  # the Suzhou official signs in later
    sign_in(page, live_server.url, "suzhou-enterprise_member")

    page.goto(live_server.url + "/algorithms/models/new/")
    page.select_option("#id_organisation", str(company.pk))
    page.fill("#id_name", "姑苏政务大模型")
    page.select_option("#id_kind", "vertical")
    page.get_by_test_id("register-save").click()
    page.wait_for_url("**/algorithms/models/*/")
    page.goto(live_server.url + "/algorithms/algorithms/new/")
    page.select_option("#id_organisation", str(company.pk))
    page.fill("#id_name", "政务问答生成算法")
    page.select_option("#id_algorithm_type", "generation_synthesis")
    page.fill("#id_application_field", "政务服务")
    page.select_option("#id_model", label="姑苏政务大模型（" + company.name + "）")
    page.get_by_test_id("register-save").click()
    page.wait_for_url("**/algorithms/algorithms/*/")
    algorithm_url = page.url

    # the dossier, started from the filings list
    page.goto(live_server.url + "/algorithms/filings/")
    page.get_by_test_id("filing-new-algorithm").click()
    page.wait_for_url("**/algorithms/filings/new/?kind=algorithm")
    page.select_option("#id_algorithm", label="政务问答生成算法")
    page.fill("#id_launched_on", "2026-04-30")
    page.fill("#id_legal_representative", "张三")
    page.get_by_test_id("filing-save").click()
    page.wait_for_url("**/algorithms/filings/*/")
    filing_url = page.url
    missing = page.get_by_test_id("filing-missing")
    assert missing.locator("li[data-field=security_officer]").count() == 1
    assert missing.locator("li[data-field=legal_representative]").count() == 0
    assert page.get_by_test_id("filing-due").inner_text() == "2026-05-18"  # after the May Day holidays

    page.get_by_test_id("filing-submit-go").click()  # refused while items are missing
    assert "请填写安全责任人" in page.content()
    page.goto(filing_url)
    page.fill("#id_security_officer", "李四")
    page.check("#id_pledge_provided")
    page.check("#id_responsibility_report_provided")
    page.fill("#id_self_assessment", "风险可控，已建立人工审核。")
    page.fill("#id_public_notice", "本算法根据群众提问生成政务答复。")
    page.select_option("#id_service_form", "mini_program")
    page.fill("#id_access_path", "微信小程序：苏州政务问答")
    page.get_by_test_id("filing-edit-go").click()
    page.wait_for_url(filing_url)
    assert page.get_by_test_id("filing-complete").count() == 1
    page.get_by_test_id("filing-submit-go").click()
    page.wait_for_url(filing_url)
    assert page.get_by_test_id("filing-status").inner_text() == "已提交"
    assert page.get_by_test_id("filing-number-go").count() == 0  # the member does not record the number

    sign_in(page, live_server.url, "suzhou-official")
    page.goto(live_server.url + "/algorithms/filings/?open=1")
    assert "政务问答生成算法" in page.locator("#list-rows").inner_text()
    page.goto(filing_url)
    page.fill("#id_filing_number", "网信算备320500000000001号")
    page.get_by_test_id("filing-number-go").click()
    page.wait_for_url(filing_url)
    assert page.get_by_test_id("filing-number").inner_text() == "网信算备320500000000001号"
    page.goto(algorithm_url)
    assert page.get_by_test_id("algorithm-filing-number").inner_text() == "网信算备320500000000001号"

    sign_in(page, live_server.url, "suzhou-enterprise_member")
    page.goto(filing_url)
    page.fill("#id_change_on", "2026-09-30")
    page.get_by_test_id("filing-change-go").click()
    page.wait_for_url(filing_url)

    sign_in(page, live_server.url, "suzhou-official")
    page.goto(live_server.url + "/algorithms/filings/")
    page.get_by_test_id("deadline-view").click()
    page.wait_for_url("**open=1*")
    rows = page.locator("#list-rows").inner_text()
    assert "政务问答生成算法" in rows and "2026-10-20" in rows  # ten working days across National Day
    page.screenshot(path=str(artifacts / "algorithm-filings-deadlines.png"), full_page=True)


def test_member_files_a_model_for_launch_with_the_conformity_table(live_server, page, world, artifacts):
    from aiplus.algorithms import services

    member = world.user("enterprise_member")
    world.user("official")
    model = services.create_model(acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk,
                                  name="姑苏通用大模型", kind="foundation", modalities=["text"])
    sign_in(page, live_server.url, "suzhou-enterprise_member")
    page.goto(live_server.url + "/algorithms/filings/")
    page.get_by_test_id("filing-new-genai_filing").click()
    page.wait_for_url("**/algorithms/filings/new/?kind=genai_filing")
    page.select_option("#id_model", str(model.pk))
    page.fill("#id_launched_on", "2026-04-30")
    page.fill("#id_legal_representative", "张三")
    page.fill("#id_security_officer", "李四")
    page.fill("#id_service_name", "姑苏问答")
    page.check("input[name=main_functions][value=dialogue]")
    page.fill("#id_application_domain", "政务服务")
    page.fill("#id_corpus_summary", "开源语料 40%，自采语料 60%。")
    for box in ("annotation_rules_provided", "keyword_library_provided", "test_banks_provided"):
        page.check(f"#id_{box}")
    page.select_option("#id_security_assessment", "third_party")
    page.fill("#id_security_assessment_summary", "第三方评估：合格。")
    page.fill("#id_inference_resources", "8 张加速卡")
    page.select_option("#id_hosting", "own")
    page.select_option("#id_service_form", "app")
    page.fill("#id_access_path", "应用商店：姑苏问答")
    page.get_by_test_id("filing-save").click()
    page.wait_for_url("**/algorithms/filings/*/")
    filing_url = page.url
    assert page.get_by_test_id("filing-missing").locator("li[data-field=findings]").count() == 9

    for clause in ("5_1", "5_2", "5_3", "6", "7", "8_1", "8_2", "8_3", "8_4"):
        page.select_option(f"#id_verdict_{clause}", "conforms")
        page.fill(f"#id_evidence_{clause}", f"见附件 {clause}")
    page.select_option("#id_verdict_8_2", "does_not_conform")
    page.get_by_test_id("filing-findings-go").click()
    page.wait_for_url(filing_url)
    flagged = page.get_by_test_id("filing-missing").locator("li[data-field=findings]")
    assert flagged.count() == 1 and "8.2" in flagged.inner_text()
    page.get_by_test_id("filing-submit-go").click()  # refused: a clause does not conform
    assert "8.2" in page.content() and page.get_by_test_id("filing-status").inner_text() == "草稿"
    page.goto(filing_url)
    page.select_option("#id_verdict_8_2", "conforms")
    page.get_by_test_id("filing-findings-go").click()
    page.wait_for_url(filing_url)
    assert page.get_by_test_id("filing-complete").count() == 1
    page.get_by_test_id("filing-submit-go").click()
    page.wait_for_url(filing_url)
    assert page.get_by_test_id("filing-status").inner_text() == "已提交"
    with page.expect_download() as printed:
        page.get_by_test_id("filing-pdf").click(modifiers=["Alt"])
    assert printed.value.suggested_filename.endswith(".pdf")

    sign_in(page, live_server.url, "suzhou-official")
    page.goto(live_server.url + "/algorithms/filings/")
    assert page.get_by_test_id("genai-filing-count").inner_text() == "0"
    page.goto(filing_url)
    page.fill("#id_filing_number", "Jiangsu-SuZhou-202601")
    page.get_by_test_id("filing-number-go").click()
    page.wait_for_url(filing_url)
    page.goto(live_server.url + "/algorithms/filings/")
    assert page.get_by_test_id("genai-filing-count").inner_text() == "1"
    page.get_by_test_id("genai-filing-records").click()
    assert "姑苏问答" in page.locator("#list-rows").inner_text()
    page.goto(live_server.url + f"/algorithms/models/{model.pk}/")
    assert "Jiangsu-SuZhou-202601" in page.get_by_test_id("register-fields").inner_text()
