"""AI applications, risk tiers and sector supervision through the pages (Suzhou art. 47): a company registers an
application, answers the questionnaire and gets a tier with its reasons; an official of the sector department draws
an inspection (reproducible), records the findings and orders rectification; the company reports what it did and
the official verifies and closes the order. The public sees the disclosure of a low-risk application only."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIGH = {"reach": "large", "autonomy": "automatic", "rights": "significant", "reversibility": "irreversible",
        "sector": "critical", "generative": "yes", "oversight": "no", "data_assessment": "no"}


def test_company_registers_is_tiered_and_closes_a_rectification(live_server, page, world, artifacts):
    from aiplus.core import services
    from aiplus.core.models import Department, RoleAssignment
    from aiplus.core.reference import sync_departments
    from aiplus.governance.models import AIApplication, RectificationOrder
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    bureau = Department.objects.get(code="sz_gxj")
    official = services.create_user(acting_user=world.admin, username="official-gxj", password="x-password-123")
    assignment = services.assign_role(acting_user=world.admin, user=official, role="official", jurisdiction="suzhou")
    RoleAssignment.objects.filter(pk=assignment.pk).update(department=bureau)
    company = world.orgs["suzhou:enterprise"]

    # the company registers its application
    sign_in(page, live_server.url, "suzhou-enterprise_member")
    page.goto(live_server.url + "/governance/ai-applications/")
    form = page.get_by_test_id("ai-application-form")
    form.locator("#id_organisation").select_option(str(company.pk))
    form.locator("#id_name").fill("智能信贷审批助手")
    form.locator("#id_department").select_option(str(bureau.pk))
    form.locator("#id_purpose").fill("根据申请材料给出授信建议。")
    form.locator("#id_limits").fill("不适用于经营性贷款。")
    form.locator("#id_data_used").fill("申请人提交的收入与征信信息。")
    form.locator("#id_contact").fill("risk@example.com")
    page.get_by_test_id("ai-application-save").click()
    page.wait_for_url("**/governance/ai-applications/*/")
    url = page.url
    assert page.get_by_test_id("status").get_attribute("data-status") == "registered"

    # the questionnaire: a tier with its reasons
    for question, choice in HIGH.items():
        page.check(f"input[name=answers_{question}][value={choice}]")
    page.check("input[name=answers_data][value=personal]")
    page.check("input[name=answers_data][value=sensitive]")
    page.get_by_test_id("questionnaire-save").click()
    page.wait_for_url(url)
    assert page.get_by_test_id("tier").get_attribute("data-tier") == "high"
    assert page.get_by_test_id("final-score").inner_text() == "27"
    reasons = page.get_by_test_id("tier-reasons")
    assert "高风险" in reasons.locator("[data-code=tier]").inner_text()
    assert reasons.locator("[data-code=mitigation_not_applied]").count() == 1
    assert "平台设置" in page.content() and page.get_by_test_id("listed").count() == 1
    page.screenshot(path=str(artifacts / "risk-tiered.png"), full_page=True)
    application = AIApplication.objects.get()

    # the sector official draws the inspection, records findings and orders rectification
    sign_in(page, live_server.url, "official-gxj")
    page.goto(live_server.url + "/governance/inspection-plans/")
    form = page.get_by_test_id("plan-form")
    form.locator("#id_department").select_option(str(bureau.pk))
    form.locator("#id_title").fill("高风险应用季度抽查")
    form.locator("#id_tier").select_option("high")
    form.locator("#id_size").fill("2")
    page.get_by_test_id("plan-save").click()
    page.wait_for_url("**/governance/inspection-plans/*/")
    assert page.get_by_test_id("verification").get_attribute("data-ok") == "true"
    page.get_by_test_id("plan-inspections").get_by_role("link", name="智能信贷审批助手").click()
    page.wait_for_url("**/governance/inspections/*/")
    inspection_url = page.url
    page.fill("#id_findings", "未设置人工复核，拒贷理由未告知申请人。")
    page.get_by_test_id("findings-save").click()
    page.wait_for_url(inspection_url)
    due = timezone.localdate() + dt.timedelta(days=30)
    page.fill("#id_requirement", "建立人工复核并向申请人说明拒贷理由。")
    page.fill("#id_due_on", due.isoformat())
    page.get_by_test_id("order-save").click()
    page.wait_for_url(inspection_url)
    assert page.get_by_test_id("order-status").inner_text() == "整改中"

    # the company reports what it did
    sign_in(page, live_server.url, "suzhou-enterprise_member")
    page.goto(inspection_url)
    assert page.get_by_test_id("close-form").count() == 0
    page.fill("#id_response", "已上线人工复核，拒贷时告知理由。")
    page.get_by_test_id("report-save").click()
    page.wait_for_url(inspection_url)
    assert page.get_by_test_id("order-status").inner_text() == "已报告整改，待核验"

    # the official verifies and closes it
    sign_in(page, live_server.url, "official-gxj")
    page.goto(inspection_url)
    page.fill("#id_note", "抽查十笔拒贷记录，均已告知理由。")
    page.get_by_test_id("close-save").click()
    page.wait_for_url(inspection_url)
    assert page.get_by_test_id("order-status").inner_text() == "已销号"
    assert RectificationOrder.objects.get().status == "closed"
    page.screenshot(path=str(artifacts / "risk-closed.png"), full_page=True)

    # the public: the register is closed to them and a high-risk application has no disclosure page
    page.context.clear_cookies()
    page.goto(live_server.url + f"/governance/ai-disclosures/{application.pk}/")
    assert "智能信贷审批助手" not in page.content()
    page.goto(live_server.url + "/governance/ai-disclosures/")
    assert "智能信贷审批助手" not in page.content()


def test_company_checks_its_application_against_the_ethics_norms(live_server, page, world, artifacts):
    """The ethics self-check (Suzhou art. 48, Guangdong art. 32; 《新一代人工智能伦理规范》): the company chooses
    the kinds of activity it carries out, a submission with answers missing shows each beside its norm, the
    completed one lists what is met and what is to improve; an official of the city reads it."""
    from aiplus.core.reference import sync_departments
    from aiplus.governance import risk
    from aiplus.governance.models import EthicsSelfCheck
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    sign_in(page, live_server.url, "suzhou-enterprise_member")
    page.goto(live_server.url + "/governance/ai-applications/")
    form = page.get_by_test_id("ai-application-form")
    form.locator("#id_organisation").select_option(label=world.orgs["suzhou:enterprise"].name)
    form.locator("#id_name").fill("政务热线智能问答")
    form.locator("#id_department").select_option(label="苏州市工业和信息化局")
    form.locator("#id_purpose").fill("回答市民关于办事流程的提问。")
    form.locator("#id_limits").fill("不替代人工受理投诉。")
    form.locator("#id_data_used").fill("公开的办事指南。")
    form.locator("#id_contact").fill("hotline@example.com")
    page.get_by_test_id("ai-application-save").click()
    page.wait_for_url("**/governance/ai-applications/*/")
    url = page.url
    assert page.get_by_test_id("no-self-check").count() == 1

    checking = page.get_by_test_id("self-check-form")
    checking.get_by_label("使用规范", exact=False).check()
    checking.locator("input[name=answers_basic_wellbeing][value=met]").check()
    page.get_by_test_id("self-check-save").click()
    assert "请说明采取的措施" in checking.locator("[data-field=measures_basic_wellbeing]").inner_text()
    assert checking.locator("[data-field=answers_use_good_faith]").count() == 1
    assert checking.locator("[data-field=answers_research_avoid_bias]").count() == 0
    assert EthicsSelfCheck.objects.count() == 0

    checking = page.get_by_test_id("self-check-form")
    for norm in risk.norms():
        if norm.group not in ("basic", "use"):
            continue
        name = norm.code.replace(".", "_")
        status = "not_met" if norm.code == "use.feedback" else "met"
        checking.locator(f"input[name=answers_{name}][value={status}]").check()
        checking.locator(f"[name=measures_{name}]").fill("" if status == "not_met" else f"{norm.name_zh}：已有制度")
    page.get_by_test_id("self-check-save").click()
    page.wait_for_url(url)
    assert "已落实 10 项" in page.get_by_test_id("self-check-counts").inner_text()
    rows = page.get_by_test_id("self-check-rows")
    assert rows.locator("tr[data-status=not_met]").get_attribute("data-code") == "use.feedback"
    assert "新一代人工智能伦理规范" in page.content()
    page.screenshot(path=str(artifacts / "ethics-self-check.png"), full_page=True)

    sign_in(page, live_server.url, "suzhou-official")
    page.goto(url)
    assert page.get_by_test_id("self-check-rows").locator("tr[data-status=not_met]").count() == 1
    assert page.get_by_test_id("self-check-form").count() == 0
