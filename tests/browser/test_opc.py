"""One-person companies through the pages: a founder registers an OPC (checked against the working definition), an
official recognises a community, the founder applies for a place, the operator admits it, the bundle's first
programme is claimed and paid through the support app and the shared ledger, and the official sees the community's
KPIs and the city's figures against the OPC targets with their sources."""

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_founder_is_admitted_to_a_community_and_paid_its_first_entitlement(live_server, page, world, make_org,
                                                                              artifacts):
    from aiplus.compute import ledger
    from aiplus.core import services
    from aiplus.core.models import Jurisdiction
    from aiplus.support.models import Budget
    from aiplus.support.services import paid_account

    base = live_server.url
    opc = make_org("suzhou", "opc", name="苏州智影一人公司")
    park = make_org("suzhou", "park", name="苏州OPC社区运营有限公司")
    for username, organisation in (("opc-founder", opc), ("opc-operator", park)):
        user = services.create_user(acting_user=make_org.admin, username=username, password="x-password-123")
        services.assign_role(acting_user=make_org.admin, user=user, role="enterprise_member",
                             organisation_id=organisation.pk)

    # the founder registers the OPC: a micro team with AI coding and agents meets the working definition
    sign_in(page, base, "opc-founder")
    page.goto(base + "/opc/")
    assert "工作定义" in page.get_by_test_id("opc-definition").inner_text()
    page.select_option("#id_register-organisation", str(opc.pk))
    page.fill("#id_register-founders", "林一")
    page.fill("#id_register-headcount", "2")
    page.check("input[name=register-ai_tools][value=ai_coding]")
    page.check("input[name=register-ai_tools][value=agents]")
    page.select_option("#id_register-stage", "prototype")
    page.fill("#id_register-registered_on", "2026-01-05")
    page.get_by_test_id("register-save").click()
    page.wait_for_url("**/opc/*/")
    profile_url = page.url
    assert page.get_by_test_id("meets").get_attribute("data-meets") == "yes"
    assert "平台设置" in page.get_by_test_id("reasons").inner_text()

    # an official recognises a community run by the park, granting the Suzhou bundle
    sign_in(page, base, "suzhou-official")
    page.goto(base + "/opc/communities/")
    page.fill("#id_community-name", "苏州工业园区OPC社区")
    page.select_option("#id_community-operator", str(park.pk))
    page.select_option("#id_community-jurisdiction", str(Jurisdiction.objects.get(code="suzhou").pk))
    page.fill("#id_community-area_m2", "12000")
    page.fill("#id_community-seats", "4")
    page.check("input[name=community-services][value=shared_desk]")
    page.select_option("#id_community-bundle", "suzhou.opc_community")
    page.get_by_test_id("community-save").click()
    page.wait_for_url("**/opc/communities/*/")
    community_url = page.url

    # the founder applies for a place
    sign_in(page, base, "opc-founder")
    page.goto(community_url)
    page.select_option("#id_profile", index=1)
    page.fill("#id_term_months", "12")
    page.get_by_test_id("apply-save").click()
    page.wait_for_url(community_url)
    assert page.locator("[data-testid=residencies] tr[data-status=applied]").count() == 1
    assert page.get_by_test_id("decide-form").count() == 0  # nobody decides their own request

    # the operator admits it to a seat
    sign_in(page, base, "opc-operator")
    page.goto(community_url)
    page.select_option("#id_admit", "yes")
    page.fill("#id_seat", "A-01")
    page.get_by_test_id("decide-save").click()
    page.wait_for_url(community_url)
    assert page.locator("[data-testid=residencies] tr[data-status=admitted]").count() == 1
    occupancy = page.locator("[data-testid=community-kpis] tr[data-kpi=occupancy] td")
    assert occupancy.get_attribute("data-value") == "0.2500"

    # the official opens this year's budget of the bundle's first programme
    sign_in(page, base, "suzhou-official")
    page.goto(base + "/support/budgets/")
    page.select_option("#id_programme_code", "suzhou.opc_rent_relief")
    page.fill("#id_year", str(timezone.localdate().year))
    page.get_by_test_id("budget-open").click()
    page.wait_for_selector("#list-rows tr[data-pk]")

    # the founder claims the rent subsidy from the bundle: a support application, submitted
    sign_in(page, base, "opc-founder")
    page.goto(profile_url)
    page.locator("[data-testid=entitlements] tr[data-code='suzhou.opc_rent_relief']").get_by_test_id(
        "claim-go").click()
    page.wait_for_url("**/support/applications/*/")
    application_url = page.url
    page.get_by_test_id("application-submit").click()
    page.wait_for_url(application_url)

    # the official checks, approves and pays it through the ledger
    sign_in(page, base, "suzhou-official")
    page.goto(application_url)
    page.get_by_test_id("examine-go").click()
    page.wait_for_url(application_url)
    page.select_option("#id_approve", "yes")
    page.get_by_test_id("decide-save").click()
    page.wait_for_url(application_url)
    assert "24,000.00" in page.get_by_test_id("amount").inner_text()
    page.get_by_test_id("pay-go").click()
    page.wait_for_url(application_url)
    assert page.locator("[data-testid=tranches] tr[data-number='1']").get_attribute("data-state") == "paid"
    budget = Budget.objects.get(programme_code="suzhou.opc_rent_relief")
    assert ledger.balance(paid_account(budget, opc.pk)) == Decimal("24000.00")
    assert ledger.unbalanced_transactions() == []

    # the official sees the city's figures against the OPC targets, each with its source
    page.goto(base + "/opc/kpis/")
    suzhou = page.locator("[data-testid=place-kpis][data-place=suzhou]")
    assert suzhou.locator("tr[data-kpi=firms]").get_attribute("data-current") == "1"
    assert suzhou.locator("tr[data-kpi=communities]").get_attribute("data-current") == "1"
    assert "苏州市人工智能OPC培育发展行动计划" in suzhou.inner_text()
    page.screenshot(path=str(artifacts / "opc-kpis.png"), full_page=True)
