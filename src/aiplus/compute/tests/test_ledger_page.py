"""The voucher ledger on the web and in the API: officials read every leg of their jurisdiction's programmes and
the balance check; a provider reads only the payable to itself (its statement); the page and the API list agree."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from aiplus.compute import ledger, services
from aiplus.compute.models import LedgerEntry
from aiplus.core.testing import bearer, operation

from .test_vouchers import DAY

PAGE = "compute:ledger"
API = "aiplus_compute_api_list_ledger"


@pytest.fixture
def books(net):
    """Two redemptions: one paid to the Suzhou provider, one to the Shenzhen provider (both eligible)."""
    member = net.world.user("enterprise_member")
    org = net.world.orgs["suzhou:enterprise"].pk
    made = []
    for pool, who, record in ((net.sz_pool, "suzhou", "sz-1"), (net.gd_pool, "shenzhen", "gd-1")):
        usage, _created = services.record_usage(
            acting_user=net.world.user("provider", who), record_id=record, pool_id=pool.pk, card_hours="10",
            amount_cny="1000", period_end=DAY, organisation_id=org)
        made.append(services.redeem(acting_user=member, usage_id=usage.pk, quota_id=net.quota.pk))
    return made


def _ids(response) -> set[int]:
    import re

    return {int(pk) for pk in re.findall(r'<tr[^>]*\bdata-pk="(\d+)"', response.content.decode())}


def test_official_reads_every_leg_the_balances_and_that_the_books_balance(net, books, client):
    client.force_login(net.world.user("official", "suzhou"))
    response = client.get(reverse(PAGE), {"page_size": 100})
    body = response.content.decode()
    assert response.status_code == 200
    assert _ids(response) == set(LedgerEntry.objects.filter(programme=net.programme).values_list("pk", flat=True))
    assert 'data-testid="books-balance"' in body and "books-unbalanced" not in body
    assert 'data-testid="ledger-accounts"' in body
    # the quota's balance as the books say, formatted for people
    left = ledger.balance(ledger.quota_account(net.quota))
    assert left == Decimal("50000.00") - sum(r.amount_cny for r in books)
    assert "应付服务商" in body and "单位额度" in body and "项目预算" in body


def test_the_ledger_exports_as_csv_and_excel_with_the_same_rows(net, books, client):
    client.force_login(net.world.user("official", "suzhou"))
    response = client.get(reverse(PAGE), {"export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) - 1 == LedgerEntry.objects.filter(programme=net.programme).count()
    assert "借方" in rows[0] and "贷方" in rows[0]
    xlsx = client.get(reverse(PAGE), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_filters_narrow_the_page_and_the_api_alike(net, books, client):
    official = net.world.user("official", "suzhou")
    client.force_login(official)
    api = bearer(official)
    for params in ({"account_kind": "payable"}, {"kind": "redeem"}, {"programme": str(net.programme.pk)}):
        page_ids = _ids(client.get(reverse(PAGE), params))
        body = api.get(operation(API), {**params, "page_size": 100}).json()
        assert page_ids == {item["id"] for item in body["items"]}, params
    payable = api.get(operation(API), {"account_kind": "payable"}).json()["items"]
    assert {item["account_kind"] for item in payable} == {"payable"} and len(payable) == 2


def test_a_bad_filter_value_names_the_field(net, books, client):
    client.force_login(net.world.user("official", "suzhou"))
    response = client.get(reverse(PAGE), {"account_kind": "=cmd|' /C calc'!A0"})
    assert response.status_code == 400
    assert bearer(net.world.user("official", "suzhou")).get(operation(API), {"kind": "<script>"}).status_code == 400


def test_a_provider_sees_only_the_payable_to_itself(net, books, client):
    provider = net.world.user("provider", "suzhou")
    sz = net.world.orgs["suzhou:provider"].pk
    mine = set(LedgerEntry.objects.filter(account_kind="payable", organisation_id=sz).values_list("pk", flat=True))
    assert len(mine) == 1
    client.force_login(provider)
    response = client.get(reverse(PAGE))
    assert _ids(response) == mine
    assert "books-balance" not in response.content.decode()  # it reads its statement, not the whole books
    items = bearer(provider).get(operation(API)).json()["items"]
    assert {item["id"] for item in items} == mine
    assert {item["organisation_id"] for item in items} == {sz}


@pytest.mark.parametrize(("role", "place", "sees"), [
    ("official", "shenzhen", "nothing"), ("auditor", "suzhou", "all"), ("public", "suzhou", "nothing"),
    ("enterprise_member", "suzhou", "own quota"), ("enterprise_member", "shenzhen", "nothing"),
    ("expert", "suzhou", "nothing")])
def test_every_role_reads_only_its_part_of_the_books(net, books, client, role, place, sees):
    user = net.world.user(role, place)
    everything = set(LedgerEntry.objects.filter(programme=net.programme).values_list("pk", flat=True))
    quota_legs = set(LedgerEntry.objects.filter(account_kind="quota", quota=net.quota).values_list("pk", flat=True))
    expected = {"all": everything, "nothing": set(), "own quota": quota_legs}[sees]
    client.force_login(user)
    response = client.get(reverse(PAGE), {"page_size": 100})
    assert response.status_code == 200
    assert _ids(response) == expected
    assert {item["id"] for item in bearer(user).get(operation(API), {"page_size": 100}).json()["items"]} == expected


def test_visitors_are_sent_to_sign_in_and_the_api_refuses_them(client):
    assert client.get(reverse(PAGE)).status_code == 302
    assert client.get(operation(API)).status_code == 401
