"""Vouchers: quotas, redemption by the rule, the double-entry ledger, clawback and the post-audit."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from aiplus.compute import ledger, services
from aiplus.compute.models import AuditFlag, LedgerEntry, Redemption
from aiplus.core.errors import ServiceError
from aiplus.core.models import AuditEvent

DAY = dt.date(2026, 6, 30)


def assert_balanced():
    assert ledger.unbalanced_transactions() == []
    assert sum((e.amount_cny for e in LedgerEntry.objects.all()), Decimal("0")) == 0


def usage(net, record_id, amount, *, pool=None, org=None, invoice=""):
    pool = pool or net.sz_pool
    provider = net.world.user("provider", "suzhou" if pool.centre_id == net.sz_centre.pk else "shenzhen")
    row, _created = services.record_usage(
        acting_user=provider, record_id=record_id, pool_id=pool.pk, card_hours="10", amount_cny=amount,
        period_end=DAY, organisation_id=(org or net.world.orgs["suzhou:enterprise"]).pk, invoice_number=invoice)
    return row


def test_programme_and_quota_post_balanced_ledger(net):
    assert_balanced()
    assert ledger.balance(ledger.budget_account(net.programme)) == Decimal("950000.00")
    assert ledger.balance(ledger.quota_account(net.quota)) == Decimal("50000.00")


def test_redemption_uses_the_rule_and_moves_quota_to_provider_payable(net):
    member = net.world.user("enterprise_member")
    row = usage(net, "r-1", "1000.00")
    redemption = services.redeem(acting_user=member, usage_id=row.pk, quota_id=net.quota.pk)
    assert redemption.amount_cny == Decimal("200.00")  # 20 % base rate (local-setting)
    assert redemption.decision["rule"] == "vouchers.redemption"
    assert redemption.decision["parameters"][0]["key"] == "vouchers.suzhou_compute.rate"
    assert ledger.balance(ledger.quota_account(net.quota)) == Decimal("49800.00")
    assert ledger.redeemed_total(net.programme) == Decimal("200.00")
    assert_balanced()
    assert AuditEvent.objects.filter(action="compute.voucher.redeemed", object_id=str(redemption.pk)).count() == 1


def test_domestic_chips_get_the_uplift(net):
    row = usage(net, "r-d", "1000.00", pool=net.sz_domestic)
    redemption = services.redeem(acting_user=net.world.user("enterprise_member"), usage_id=row.pk,
                                 quota_id=net.quota.pk)
    assert redemption.amount_cny == Decimal("250.00")


def test_quota_limits_the_amount(net):
    official = net.world.user("official")
    small = services.issue_quota(acting_user=official, programme_id=net.programme.pk,
                                 organisation_id=net.world.orgs["suzhou:provider"].pk, amount_cny="100")
    provider = net.world.user("provider")
    row, _ = services.record_usage(acting_user=provider, record_id="big", pool_id=net.sz_pool.pk, card_hours="5",
                                   amount_cny="5000", period_end=DAY,
                                   organisation_id=net.world.orgs["suzhou:provider"].pk)
    redemption = services.redeem(acting_user=provider, usage_id=row.pk, quota_id=small.pk)
    # The provider is its own customer here: a related party, so nothing is eligible.
    assert redemption.amount_cny == 0 and redemption.decision["outcome"] == "ineligible"
    assert_balanced()


def test_clawback_reverses_and_balances(net):
    official = net.world.user("official")
    row = usage(net, "r-2", "1000.00")
    redemption = services.redeem(acting_user=net.world.user("enterprise_member"), usage_id=row.pk,
                                 quota_id=net.quota.pk)
    services.claw_back(acting_user=official, redemption_id=redemption.pk, reason="post-audit")
    assert ledger.balance(ledger.quota_account(net.quota)) == Decimal("50000.00")
    assert ledger.redeemed_total(net.programme) == 0
    assert Redemption.objects.get(pk=redemption.pk).status == "clawed_back"
    assert_balanced()
    with pytest.raises(ServiceError) as error:
        services.claw_back(acting_user=official, redemption_id=redemption.pk, reason="again")
    assert error.value.field == "redemption"
    assert_balanced()


def test_ledger_is_append_only(net):
    from aiplus.core.models.base import AppendOnlyError

    entry = LedgerEntry.objects.first()
    entry.amount_cny = Decimal("1")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_post_audit_flags_related_party_and_duplicate_invoice(net):
    member = net.world.user("enterprise_member")
    services.declare_affiliation(acting_user=member, organisation_id=net.world.orgs["suzhou:enterprise"].pk,
                                 affiliate_id=net.world.orgs["shenzhen:provider"].pk, note="同一集团")
    a = usage(net, "inv-a", "100", invoice="INV-1")
    b = usage(net, "inv-b", "100", invoice="INV-1")
    c = usage(net, "inv-c", "100", pool=net.gd_pool)
    for row in (a, b, c):
        services.redeem(acting_user=member, usage_id=row.pk, quota_id=net.quota.pk)
    assert Redemption.objects.get(usage=c).amount_cny == 0
    flags = services.run_post_audit(acting_user=net.world.user("official"), programme_id=net.programme.pk)
    codes = sorted((f.redemption.usage.record_id, f.code) for f in flags)
    assert codes == [("inv-a", "duplicate_invoice"), ("inv-b", "duplicate_invoice"), ("inv-c", "related_party")]
    # Running it again adds nothing.
    assert services.run_post_audit(acting_user=net.world.user("official"), programme_id=net.programme.pk) == []
    assert AuditFlag.objects.count() == 3


@pytest.mark.parametrize(("who", "quota_of", "field"), [
    ("suzhou-member-other-quota", "provider", "quota"),
    ("shenzhen-member", None, "usage"),
])
def test_voucher_of_another_organisation_is_refused_and_changes_nothing(net, who, quota_of, field):
    official = net.world.user("official")
    other = services.issue_quota(acting_user=official, programme_id=net.programme.pk,
                                 organisation_id=net.world.orgs["suzhou:provider"].pk, amount_cny="1000")
    row = usage(net, "x-1", "1000")
    user = net.world.user("enterprise_member", "shenzhen" if who.startswith("shenzhen") else "suzhou")
    before = (LedgerEntry.objects.count(), Redemption.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError) as error:
        services.redeem(acting_user=user, usage_id=row.pk, quota_id=other.pk if quota_of else net.quota.pk)
    assert error.value.field == field
    assert (LedgerEntry.objects.count(), Redemption.objects.count(), AuditEvent.objects.count()) == before


def test_redeeming_twice_is_refused(net):
    member = net.world.user("enterprise_member")
    row = usage(net, "twice", "1000")
    services.redeem(acting_user=member, usage_id=row.pk, quota_id=net.quota.pk)
    with pytest.raises(ServiceError) as error:
        services.redeem(acting_user=member, usage_id=row.pk, quota_id=net.quota.pk)
    assert error.value.field == "usage"
    assert_balanced()


def test_quota_over_the_budget_is_refused(net):
    with pytest.raises(ServiceError) as error:
        services.issue_quota(acting_user=net.world.user("official"), programme_id=net.programme.pk,
                             organisation_id=net.world.orgs["suzhou:provider"].pk, amount_cny="950000.01")
    assert error.value.field == "amount_cny"


def test_shenzhen_official_cannot_issue_suzhou_quota(net):
    from aiplus.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.issue_quota(acting_user=net.world.user("official", "shenzhen"), programme_id=net.programme.pk,
                             organisation_id=net.world.orgs["shenzhen:enterprise"].pk, amount_cny="10")


def test_unknown_parameter_prefix_is_refused(world):
    with pytest.raises(ServiceError) as error:
        services.create_programme(acting_user=world.user("official"), name="x", jurisdiction="suzhou",
                                  parameter_prefix="vouchers.nowhere", budget_cny="10",
                                  valid_from=DAY, valid_until=DAY)
    assert error.value.field == "parameter_prefix"


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_redemptions_never_overspend_the_quota(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so row locks (select_for_update) are not exercised")
    from aiplus.compute.tests.conftest import build_net

    net = build_net(world)
    official = world.user("official")
    quota = services.issue_quota(acting_user=official, programme_id=net.programme.pk,
                                 organisation_id=world.orgs["suzhou:provider"].pk, amount_cny="1000")
    # Make the provider's own organisation a customer of an unaffiliated provider: the Shenzhen pool.
    rows = []
    gd_provider = world.user("provider", "shenzhen")
    for index in range(20):
        row, _ = services.record_usage(acting_user=gd_provider, record_id=f"c-{index}", pool_id=net.gd_pool.pk,
                                       card_hours="10", amount_cny="1000", period_end=DAY,
                                       organisation_id=world.orgs["suzhou:provider"].pk)
        rows.append(row)
    user = world.user("provider")
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def worker(usage_id: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.redeem(acting_user=user, usage_id=usage_id, quota_id=quota.pk)
        except BaseException as problem:
            errors.append(problem)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(row.pk,)) for row in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    paid = sum((r.amount_cny for r in Redemption.objects.filter(quota=quota)), Decimal("0"))
    # 20 x 20 % x 1000 = 4000 wanted; the quota of 1000 holds.
    assert paid == Decimal("1000.00")
    assert Redemption.objects.filter(quota=quota, amount_cny__gt=0).count() == 5
    assert ledger.balance(ledger.quota_account(quota)) == 0
    assert ledger.redeemed_total(net.programme) <= net.programme.budget_cny
    assert_balanced()
