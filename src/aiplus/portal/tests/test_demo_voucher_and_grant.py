"""A fresh `seed_demo` shows a redeemed voucher (a placed request, its metered usage, the redemption, the ledger
postings and balances that moved) and a delivered data grant (a request approved, the agreement in force, the
grantee shown how to reach the data), each dated from the day of seeding (issue 18)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(reference):
    from aiplus.core.reference import sync_departments
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    call_command("seed_demo", stdout=io.StringIO())


def _client(username: str) -> Client:
    from aiplus.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_demo_has_a_redeemed_voucher_whose_balance_moved(seeded):
    from aiplus.compute import ledger
    from aiplus.compute.models import LedgerTransaction, Redemption

    today = timezone.localdate()
    redemption = Redemption.objects.select_related("usage__placement__request", "quota").get()
    request = redemption.usage.placement.request
    assert request.status == "placed" and request.quota_id == redemption.quota_id
    assert redemption.usage.reconciliation == "matched" and redemption.usage.period_end == today
    assert redemption.status == "redeemed" and redemption.amount_cny > 0
    assert redemption.decision["reasons"]  # the rule's decision, kept with the redemption
    posted = LedgerTransaction.objects.get(redemption=redemption, kind="redeem")
    assert sum(e.amount_cny for e in posted.entries.all()) == 0
    quota = redemption.quota
    assert ledger.balance(ledger.quota_account(quota)) == quota.amount_cny - redemption.amount_cny
    assert ledger.redeemed_total(quota.programme) == redemption.amount_cny
    assert ledger.unbalanced_transactions() == []
    programme = quota.programme
    assert programme.valid_from <= today <= programme.valid_until

    holder = _client("enterprise-suzhou").get(reverse("compute:my_vouchers")).content.decode()
    assert reverse("compute:request", args=[request.pk]) in holder and f'data-redemption="{redemption.pk}"' in holder
    books = _client("official-suzhou").get(reverse("compute:ledger")).content.decode()
    assert 'data-testid="books-balance"' in books and request.title in books
    statement = _client("provider-compute").get(reverse("compute:ledger")).content.decode()
    assert request.title in statement
    assert Decimal(redemption.amount_cny) < quota.amount_cny


def test_the_demo_has_a_delivered_data_grant_in_force_today(seeded):
    from aiplus.datahub import selectors
    from aiplus.datahub.models import AccessRequest, Agreement

    today = timezone.localdate()
    agreement = Agreement.objects.select_related("access_request", "grantee").get()
    granted = agreement.access_request
    assert granted.status == "approved"
    assert agreement.starts_on == today and agreement.revoked_on is None
    assert agreement.expires_on == today + dt.timedelta(days=granted.duration_days) > today
    assert AccessRequest.objects.filter(status="submitted").exists()  # a request still waiting: the earlier stage
    delivery = selectors.delivery(agreement.grantee, granted)
    assert delivery is not None and delivery.in_force and delivery.distributions
    page = _client(agreement.grantee.username).get(reverse("datahub:access_request", args=[granted.pk]))
    assert page.status_code == 200
    assert delivery.distributions[0].access_url in page.content.decode()
