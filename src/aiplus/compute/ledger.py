"""The voucher ledger: append-only double-entry postings. Every transaction's legs sum to zero.

Accounts (balances are "money held"; a debit adds, a credit subtracts):
    funding:<programme>            the appropriation the programme's budget came from (goes negative)
    budget:<programme>             programme budget not yet issued as quotas
    quota:<quota>                  an organisation's unspent quota
    payable:<programme>:<provider> what the programme owes a provider for redeemed vouchers

The support programmes (aiplus.support) post to this same ledger with no voucher programme and their own accounts:
    funding:support:<budget>       the appropriation a programme-year budget came from
    budget:support:<budget>        the budget not yet committed to a decided application
    quota:support:<application>    the amount committed to an application and not yet paid out
    payable:support:<budget>:<organisation>  what was paid out to the applicant in tranches
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from aiplus.compute.models import LedgerEntry, LedgerTransaction, Redemption, VoucherProgramme, VoucherQuota

ZERO = Decimal("0.00")
Kind = LedgerEntry.AccountKind


@dataclass(frozen=True)
class Leg:
    kind: str
    account: str
    amount_cny: Decimal
    quota: VoucherQuota | None = None
    organisation_id: int | None = None


class UnbalancedTransactionError(Exception):
    pass


def funding_account(programme: VoucherProgramme) -> str:
    return f"funding:{programme.pk}"


def budget_account(programme: VoucherProgramme) -> str:
    return f"budget:{programme.pk}"


def quota_account(quota: VoucherQuota) -> str:
    return f"quota:{quota.pk}"


def payable_account(programme: VoucherProgramme, provider_id: int) -> str:
    return f"payable:{programme.pk}:{provider_id}"


def post(programme: VoucherProgramme | None, kind: str, legs: list[Leg], *, redemption: Redemption | None = None,
         reverses: LedgerTransaction | None = None, memo: str = "") -> LedgerTransaction:
    if sum((leg.amount_cny for leg in legs), ZERO) != ZERO or len(legs) < 2:
        raise UnbalancedTransactionError(f"legs do not balance: {legs}")
    txn = LedgerTransaction.objects.create(programme=programme, kind=kind, redemption=redemption,
                                           reverses=reverses, memo=memo[:300])
    LedgerEntry.objects.bulk_create([
        LedgerEntry(transaction=txn, account_kind=leg.kind, account=leg.account, programme=programme,
                    quota=leg.quota, organisation_id=leg.organisation_id, amount_cny=leg.amount_cny)
        for leg in legs
    ])
    return txn


def reverse(txn: LedgerTransaction, kind: str, memo: str = "") -> LedgerTransaction:
    legs = [Leg(e.account_kind, e.account, -e.amount_cny, e.quota, e.organisation_id) for e in txn.entries.all()]
    return post(txn.programme, kind, legs, redemption=txn.redemption, reverses=txn, memo=memo)


def cents(value: Decimal | None) -> Decimal:
    """Sums come back unscaled on SQLite; money always has two places."""
    return (value or ZERO).quantize(ZERO)


def balance(account: str) -> Decimal:
    return cents(LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount_cny"))["s"])


def redeemed_total(programme: VoucherProgramme) -> Decimal:
    """Net amount paid out (payables) by the programme, clawbacks deducted."""
    return cents(LedgerEntry.objects.filter(programme=programme, account_kind=Kind.PAYABLE)
                  .aggregate(s=Sum("amount_cny"))["s"])


def unbalanced_transactions() -> list[int]:
    """Ids of transactions whose legs do not sum to zero (always empty unless the ledger was tampered with)."""
    rows = LedgerEntry.objects.values("transaction_id").annotate(s=Sum("amount_cny")).exclude(s=0)
    return [row["transaction_id"] for row in rows]
