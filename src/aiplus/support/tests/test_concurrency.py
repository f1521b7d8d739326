"""Decisions and payments at the same time never overrun a budget nor pay a tranche twice (PostgreSQL: the budget,
the application and the tranche are locked with select_for_update, as the voucher services lock theirs)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from aiplus.compute import ledger
from aiplus.core.errors import ServiceError
from aiplus.support import services
from aiplus.support.models import Application, Budget, Status, Tranche

pytestmark = pytest.mark.django_db(transaction=True)


def _accepted(world: Any, make_org: Any, count: int) -> list[Application]:
    admin, official = world.admin, world.user("official")
    rows = []
    for index in range(count):
        company = make_org("suzhou", "enterprise")
        row = services.create_application(acting_user=admin, organisation_id=company.pk,
                                          programme_code="suzhou.dataset_purchase", title=f"采购{index}",
                                          declared_cny="1000000", counterparty_affiliated=False)
        for code in ("contract", "invoice", "non_affiliation"):
            services.add_document(acting_user=admin, application_id=row.pk, code=code, reference=f"{code}.pdf")
        services.submit_application(acting_user=admin, application_id=row.pk)
        services.examine_application(acting_user=official, application_id=row.pk)
        rows.append(row)
    return rows


def _at_once(calls: list[Callable[[], Any]]) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        from django.db import connections

        try:
            barrier.wait()
            call()
        except BaseException as problem:
            errors.append(problem)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


def test_concurrent_decisions_never_overrun_the_budget(world: Any, make_org: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so row locks (select_for_update) are not exercised")
    official = world.user("official")
    budget = services.open_budget(acting_user=official, programme_code="suzhou.dataset_purchase",
                                  year=timezone.localdate().year, amount_cny="500000")
    rows = _accepted(world, make_org, 6)
    errors = _at_once([
        (lambda pk=row.pk: services.decide_application(acting_user=official, application_id=pk, approve=True))
        for row in rows])
    assert len(errors) == 4 and all(isinstance(e, ServiceError) and e.code == "over_budget" for e in errors)
    assert Application.objects.filter(status=Status.APPROVED).count() == 2
    assert ledger.balance(services.budget_account(Budget.objects.get(pk=budget.pk))) == Decimal("100000.00")
    assert ledger.unbalanced_transactions() == []


def test_one_tranche_is_paid_once_however_often_it_is_asked(world: Any, make_org: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so row locks (select_for_update) are not exercised")
    official = world.user("official")
    services.open_budget(acting_user=official, programme_code="suzhou.dataset_purchase",
                         year=timezone.localdate().year)
    row = _accepted(world, make_org, 1)[0]
    services.decide_application(acting_user=official, application_id=row.pk, approve=True)
    first = Tranche.objects.get(application=row, number=1)
    errors = _at_once([lambda: services.pay_tranche(acting_user=official, tranche_id=first.pk)] * 5)
    assert len(errors) == 4 and all(isinstance(e, ServiceError) and e.code == "already_paid" for e in errors)
    assert ledger.balance(services.commitment_account(row)) == Decimal("100000.00")
    assert ledger.unbalanced_transactions() == []
