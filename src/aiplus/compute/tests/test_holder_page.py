"""The voucher holder's page: quotas with issued / redeemed / remaining amounts from the ledger, each redemption
with the request it paid for and the rule's decision, and the form that redeems against a completed request."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from aiplus.compute import ledger, services
from aiplus.compute.models import LedgerTransaction, Redemption
from aiplus.core.models import AuditEvent

PAGE = "compute:my_vouchers"


@pytest.fixture
def completed(net, immediate_tasks, django_capture_on_commit_callbacks):
    """A request placed by the broker and its metered usage: what the holder may redeem against."""
    with django_capture_on_commit_callbacks(execute=True):
        request = services.submit_request(
            acting_user=net.world.user("enterprise_member"), title="质检模型微调", accepted_models=["ascend-910b"],
            cards=8, hours="10", residency_level="province", residency_region="jiangsu", quota_id=net.quota.pk)
    request.refresh_from_db()
    assert request.status == "placed"
    usage, _created = services.record_usage(
        acting_user=net.world.user("provider"), record_id="m1", pool_id=request.placement.pool_id,
        card_hours="60", amount_cny="480", period_end="2026-06-01", request_id=request.pk)
    return request, usage


def _post(client, **data):
    return client.post(reverse(PAGE), {"action": "redeem", **data})


def test_holder_redeems_through_the_page_and_the_balance_moves(net, completed, client):
    request, usage = completed
    member = net.world.user("enterprise_member")
    client.force_login(member)
    page = client.get(reverse(PAGE))
    body = page.content.decode()
    assert page.status_code == 200
    assert "质检模型微调" in body  # the usage is offered by the request it paid for, not by its id
    assert 'data-testid="remaining">5.00 万元' in body or "50,000" in body
    response = _post(client, usage=usage.pk, quota=net.quota.pk)
    assert response.status_code == 302
    redemption = Redemption.objects.get(usage=usage)
    assert redemption.amount_cny > 0
    assert AuditEvent.objects.filter(action="compute.voucher.redeemed", object_id=str(redemption.pk)).count() == 1
    assert ledger.balance(ledger.quota_account(net.quota)) == Decimal("50000.00") - redemption.amount_cny
    after = client.get(reverse(PAGE)).content.decode()
    assert f'data-redemption="{redemption.pk}"' in after
    assert reverse("compute:request", args=[request.pk]) in after  # the request it paid for
    assert 'data-testid="redemption-reasons"' in after and "cite" in after  # the rule's decision, cited
    assert "nothing-to-redeem" in after  # the only usage is redeemed now
    # the request page links to the holder's page and shows the redemption in money, formatted
    detail = client.get(reverse("compute:request", args=[request.pk])).content.decode()
    assert reverse(PAGE) in detail


@pytest.mark.parametrize("field", ["usage", "quota"])
def test_a_usage_or_quota_not_offered_is_refused_beside_its_field_and_nothing_is_written(net, completed, client,
                                                                                        field):
    _request, usage = completed
    other = services.issue_quota(acting_user=net.world.user("official", "suzhou"), programme_id=net.programme.pk,
                                 organisation_id=net.world.orgs["suzhou:provider"].pk, amount_cny="10")
    client.force_login(net.world.user("enterprise_member"))
    data = {"usage": usage.pk, "quota": net.quota.pk, field: other.pk if field == "quota" else 10**9}
    before = (Redemption.objects.count(), LedgerTransaction.objects.count(), AuditEvent.objects.count())
    response = _post(client, **data)
    assert response.status_code == 400
    assert f'name="{field}"' in response.content.decode() and "error" in response.content.decode()
    assert (Redemption.objects.count(), LedgerTransaction.objects.count(), AuditEvent.objects.count()) == before


def test_hostile_input_is_a_400_and_writes_nothing(net, completed, client):
    client.force_login(net.world.user("enterprise_member"))
    before = Redemption.objects.count()
    for bad in ("=1+1", "<script>", "-1", "9" * 40, ""):
        response = _post(client, usage=bad, quota=net.quota.pk)
        assert response.status_code == 400, bad
        assert "<script>" not in response.content.decode().replace("&lt;script&gt;", "")
    assert Redemption.objects.count() == before


def test_another_enterprise_sees_neither_the_quota_nor_the_usage_and_cannot_redeem_it(net, completed, client):
    _request, usage = completed
    client.force_login(net.world.user("enterprise_member", "shenzhen"))
    body = client.get(reverse(PAGE)).content.decode()
    assert "质检模型微调" not in body and "no-quota" in body
    response = _post(client, usage=usage.pk, quota=net.quota.pk)
    assert response.status_code == 403  # the page offers them no form
    assert not Redemption.objects.exists()


@pytest.mark.parametrize("role", ["official", "auditor", "provider", "public"])
def test_other_roles_hold_nothing_and_redeem_nothing(net, completed, client, role):
    _request, usage = completed
    client.force_login(net.world.user(role, "suzhou"))
    assert client.get(reverse(PAGE)).status_code == 200
    assert _post(client, usage=usage.pk, quota=net.quota.pk).status_code == 403
    assert not Redemption.objects.exists()


def test_visitors_sign_in_first(client):
    response = client.get(reverse(PAGE))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_menu_offers_the_page_to_enterprise_members(net, client):
    client.force_login(net.world.user("enterprise_member"))
    assert reverse(PAGE) in client.get(reverse("compute:requests")).content.decode()
