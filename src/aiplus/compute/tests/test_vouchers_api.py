"""Vouchers end to end through /api/v1/compute/: a member redeems a quota against metered usage, the rule's amount
and cited reasons come back, the quota's balance moves; an official claws it back and the balance is restored;
the enterprise itself cannot claw back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from aiplus.compute import ledger, services
from aiplus.compute.models import LedgerEntry, Redemption
from aiplus.core.models import AuditEvent
from aiplus.core.testing import ERROR_KEYS, bearer, operation, section

pytestmark = pytest.mark.django_db



def quotas_seen_by(api: Client) -> dict[int, dict[str, Any]]:
    response = api.get(operation("aiplus_compute_api_list_quotas"))
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["items"]}


def test_a_quota_is_redeemed_and_clawed_back_through_the_api(net, client):
    world = net.world
    member, official = world.user("enterprise_member"), world.user("official")
    enterprise = world.orgs["suzhou:enterprise"]
    # Precondition: the Suzhou provider metered 100 card-hours on its A800 pool for the enterprise.
    usage, _created = services.record_usage(
        acting_user=world.user("provider"), record_id="e2e-june", pool_id=net.sz_pool.pk, card_hours="100",
        amount_cny="1200.00", period_end=dt.date(2026, 6, 30), organisation_id=enterprise.pk)
    member_api, official_api = bearer(member), bearer(official)
    quota_account = ledger.quota_account(net.quota)

    before = quotas_seen_by(member_api)
    assert list(before) == [net.quota.pk]
    assert before[net.quota.pk]["amount_cny"] == "50000.00" and before[net.quota.pk]["balance_cny"] == "50000.00"
    assert before[net.quota.pk]["programme"] == "苏州算力券2026"
    assert before[net.quota.pk]["organisation_id"] == enterprise.pk

    # ---- the enterprise member redeems
    response = member_api.post(operation("aiplus_compute_api_redeem"),
                               {"usage_id": usage.pk, "quota_id": net.quota.pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    redemption = Redemption.objects.get()
    assert body["id"] == redemption.pk and body["quota_id"] == net.quota.pk and body["usage_id"] == usage.pk
    # The rule: 20 % base rate (Suzhou, local setting) x 1200.00 of metered spend on a non-domestic pool.
    assert (body["spend_cny"], body["amount_cny"], body["status"]) == ("1200.00", "240.00", "redeemed")
    decision = body["decision"]
    assert decision["rule"] == "vouchers.redemption" and decision["outcome"] == "approved"
    assert decision["payable_cny"] == "240.00" and decision["amounts"]["amount_cny"] == "240.00"
    assert decision["amounts"]["rate"] == "0.20"
    reasons = {reason["code"]: reason for reason in decision["reasons"]}
    assert set(reasons) == {"base_rate", "by_rate"}
    for reason in decision["reasons"]:
        assert reason["text_zh"] and reason["text_en"] and reason["citation"], reason
        # The rate is the operator's number (local-setting): a platform setting, never shown as the article's.
        assert reason["citation"]["setting"] is True, reason
        assert reason["citation_label"] == "平台设置", reason  # the request's language is Chinese (the default)
        assert "第34条" not in reason["citation_label"] and "art. 34" not in reason["citation_label"]
    assert reasons["base_rate"]["citation"] == {"pack": "suzhou", "article": "34", "setting": True}
    assert reasons["by_rate"]["text_zh"] == "按比例计算：1200.00 × 20% = 240.00 元。"
    assert reasons["by_rate"]["text_en"] == "By rate: 1200.00 × 20% = CNY 240.00."
    rate = next(p for p in decision["parameters"] if p["key"] == "vouchers.suzhou_compute.rate")
    assert rate["value"] == "0.20" and rate["status"] == "local-setting" and rate["citation"]["setting"] is True

    # The database: one redemption, one balanced transaction moving 240 from the quota to the provider's payable.
    assert (redemption.amount_cny, redemption.spend_cny, redemption.status) == (
        Decimal("240.00"), Decimal("1200.00"), "redeemed")
    assert redemption.decision == decision
    assert ledger.balance(quota_account) == Decimal("49760.00")
    assert ledger.balance(ledger.payable_account(net.programme, usage.provider_id)) == Decimal("240.00")
    assert ledger.redeemed_total(net.programme) == Decimal("240.00")
    assert ledger.unbalanced_transactions() == []
    redeemed = AuditEvent.objects.get(action="compute.voucher.redeemed")
    assert redeemed.object_id == str(redemption.pk) and redeemed.actor_id == member.pk
    assert quotas_seen_by(member_api)[net.quota.pk]["balance_cny"] == "49760.00"
    assert quotas_seen_by(official_api)[net.quota.pk]["balance_cny"] == "49760.00"

    # Redeeming the same usage again is refused and changes nothing.
    again = member_api.post(operation("aiplus_compute_api_redeem"),
                            {"usage_id": usage.pk, "quota_id": net.quota.pk}, content_type="application/json")
    assert again.status_code == 400 and set(again.json()) == ERROR_KEYS and again.json()["field"] == "usage"
    assert Redemption.objects.count() == 1 and ledger.balance(quota_account) == Decimal("49760.00")

    # ---- the enterprise cannot claw back its own redemption
    entries = LedgerEntry.objects.count()
    clawback = operation("aiplus_compute_api_claw_back", redemption_id=redemption.pk)
    refused = member_api.post(clawback, {"reason": "我们自己撤回"}, content_type="application/json")
    # It sees the redemption (its own), so the refusal is a 403, not a 404.
    assert refused.status_code == 403, refused.content
    assert set(refused.json()) == ERROR_KEYS and refused.json()["code"] == "permission_denied"
    # Nor can an official of another jurisdiction, who does not even see it.
    outsider = bearer(world.user("official", "shenzhen")).post(clawback, {"reason": "x"},
                                                               content_type="application/json")
    assert outsider.status_code == 404 and set(outsider.json()) == ERROR_KEYS
    redemption.refresh_from_db()
    assert redemption.status == "redeemed" and LedgerEntry.objects.count() == entries
    assert not AuditEvent.objects.filter(action="compute.voucher.clawed_back").exists()
    assert quotas_seen_by(member_api)[net.quota.pk]["balance_cny"] == "49760.00"

    # A clawback needs a reason.
    blank = official_api.post(clawback, {"reason": "  "}, content_type="application/json")
    assert blank.status_code == 400 and blank.json()["field"] == "reason"
    assert LedgerEntry.objects.count() == entries

    # ---- the official claws it back
    response = official_api.post(clawback, {"reason": "事后审计：发票重复"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == redemption.pk and response.json()["status"] == "clawed_back"
    redemption.refresh_from_db()
    assert redemption.status == "clawed_back"
    assert LedgerEntry.objects.count() == entries + 2  # the reversal: two legs, nothing rewritten
    assert ledger.balance(quota_account) == Decimal("50000.00")
    assert ledger.balance(ledger.payable_account(net.programme, usage.provider_id)) == 0
    assert ledger.redeemed_total(net.programme) == 0
    assert ledger.unbalanced_transactions() == []
    clawed = AuditEvent.objects.get(action="compute.voucher.clawed_back")
    assert clawed.object_id == str(redemption.pk) and clawed.actor_id == official.pk
    assert clawed.message == "事后审计：发票重复"
    assert quotas_seen_by(member_api)[net.quota.pk]["balance_cny"] == "50000.00"
    assert quotas_seen_by(official_api)[net.quota.pk]["balance_cny"] == "50000.00"

    # Twice is refused.
    twice = official_api.post(clawback, {"reason": "again"}, content_type="application/json")
    assert twice.status_code == 400 and twice.json()["field"] == "redemption"
    assert LedgerEntry.objects.count() == entries + 2

    # ---- what the vouchers page shows the enterprise afterwards
    client.force_login(member)
    page = client.get("/compute/vouchers/")
    assert page.status_code == 200
    html = page.content.decode()
    quotas = section(html, "quotas")
    assert "苏州算力券2026" in quotas and enterprise.name in quotas and "50,000.00 元" in quotas
    assert "e2e-june" in html and "已追回" in html
