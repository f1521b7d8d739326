"""Bulk import of a programme's award list (the results of a round decided outside the platform, or the list an
official publishes) through the one import mechanism, `aiplus.core.imports`: an Excel workbook (.xlsx) or a CSV file
with the columns `HEADERS`, within the import limits (size, zip bomb, rows, field length). Every row is checked
first and a bad one refuses the whole file with the row and column of each problem: nothing is half written. Then
the awards are written in short batches: each becomes an approved application of the programme, its amount committed
from the year's budget through the ledger and split into the programme's tranches, exactly as a decision on a page.

Cells are read as values, never as formulas: openpyxl opens the workbook with `data_only` (a formula cell gives its
cached value, or nothing), a CSV is text; a title such as ``=HYPERLINK(...)`` is kept as text and every export writes
it back as text (`aiplus.core.exports.safe_row`). Who may import: an official of the programme's jurisdiction; a row
naming an organisation the official belongs to is refused (nobody decides their own request)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.compute import ledger
from aiplus.compute.ledger import Kind, Leg
from aiplus.core import audit, domains, imports, permissions
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.exports import restore_cell
from aiplus.core.models import Organisation, User
from aiplus.support import services
from aiplus.support.engine import split_tranches
from aiplus.support.models import Application, Budget, Status, Tranche

CREDIT, TITLE, AMOUNT, COST_REF = "统一社会信用代码", "项目名称", "批准金额（元）", "费用凭证编号"
HEADERS = [CREDIT, TITLE, AMOUNT, COST_REF]


def _budget(acting_user: User, programme_code: Any, year: Any) -> Budget:
    programme = services._programme(str(programme_code or "")[:80])
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ServiceError("invalid_year", _("年度须在2000至2100之间。"), "year") from None
    budget = Budget.objects.filter(programme_code=programme.code, year=year).first()
    if budget is None:
        raise ServiceError("no_budget", _("该项目该年度预算尚未开立，不能导入获奖名单。"), "year", status=409)
    if not services._official_of(acting_user, budget.jurisdiction_id):
        raise PermissionDeniedError(_("只有扶持项目所属辖区的主管部门工作人员可以导入获奖名单。"))
    return budget


def _rows(data: bytes, report: imports.ImportReport) -> Any:
    """(row number, the four cells) of an xlsx (by its zip bytes) or a CSV (anything else, UTF-8)."""
    if data.startswith(b"PK\x03\x04"):
        for number, row in imports.xlsx_rows(data, columns=len(HEADERS), report=report):
            if any(cell not in (None, "") for cell in row):
                yield number, tuple(restore_cell(cell) for cell in row)
        return
    text = imports.decode(data)
    for line, values in imports.csv_rows(text, required=HEADERS[:3], report=report):
        yield line, tuple(restore_cell(values.get(h, "")) for h in HEADERS)


def _amount(value: Any) -> Decimal:
    refused = ServiceError("invalid_amount", _("批准金额须为大于0的数字（元，最多两位小数）。"), AMOUNT)
    if isinstance(value, bool) or value in (None, ""):
        raise refused
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise refused from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise refused
    try:
        return domains.clean(Application, "amount_cny", amount)
    except ServiceError as problem:
        raise ServiceError(problem.code, problem.message, AMOUNT) from None


def import_awards(*, acting_user: User, file: Any, programme_code: Any, year: Any,
                  progress: imports.Progress | None = None) -> imports.ImportReport:
    data = imports.read_upload(file)
    budget = _budget(acting_user, programme_code, year)
    programme = services._programme(budget.programme_code)
    report = imports.ImportReport("support.awards")
    own = permissions.user_organisation_ids(acting_user, "view")
    known = {(org, title) for org, title in Application.objects.filter(
        programme_code=programme.code, budget=budget).values_list("organisation_id", "title")}
    left = [ledger.balance(services.budget_account(budget))]

    def check(number: int, row: tuple[Any, ...]) -> dict[str, Any] | None:
        code = str(row[0] or "").strip().upper()[:18]
        organisation = Organisation.objects.filter(credit_code=code).first() if code else None
        if organisation is None:
            raise ServiceError("unknown_organisation", _("没有这个统一社会信用代码的单位。"), CREDIT)
        if organisation.pk in own and not acting_user.is_superuser:
            raise ServiceError("own_organisation", _("不能导入本人所在单位的获奖记录。"), CREDIT)
        title = domains.clean_text(row[1] if not isinstance(row[1], (int, float)) else str(row[1]), TITLE, 200,
                                   label=_("项目名称"))
        amount = _amount(row[2])
        cost_ref = domains.clean_text("" if row[3] is None else str(row[3]), COST_REF, 100,
                                      label=_("费用凭证编号"), required=False)
        if (organisation.pk, title) in known:  # already imported (the same file again, or the row twice)
            return None
        if amount > left[0]:
            raise ServiceError("over_budget", _("超出本年度预算可承诺余额（%(a)s 元）。") % {"a": left[0]}, AMOUNT)
        known.add((organisation.pk, title))
        left[0] -= amount
        return {"organisation_id": organisation.pk, "title": title, "amount": amount, "cost_ref": cost_ref}

    imports.run(report, _rows(data, report), check=check, progress=progress,
                write=lambda batch: import_awards_batch(acting_user=acting_user, budget_id=budget.pk, rows=batch))
    if not report.read:
        raise ServiceError("empty_file", _("文件中没有获奖记录。"), "file")
    return report


@transaction.atomic
def import_awards_batch(*, acting_user: User, budget_id: int, rows: list[tuple[int, dict[str, Any]]]
                        ) -> imports.BatchResult:
    """One batch of checked rows: the budget locked and its balance read again (a decision made meanwhile is
    counted), each award an approved application committed through the ledger, one audit event each."""
    budget = Budget.objects.select_for_update().get(pk=budget_id)
    if not services._official_of(acting_user, budget.jurisdiction_id):
        raise PermissionDeniedError()
    programme = services._programme(budget.programme_code)
    result = imports.BatchResult()
    left = ledger.balance(services.budget_account(budget))
    now = timezone.now()
    for number, row in rows:
        if row["amount"] > left:
            result.rejected.append(imports.Rejection(number, AMOUNT, "over_budget", str(
                _("超出本年度预算可承诺余额（%(a)s 元）。") % {"a": left})))
            continue
        application = Application.objects.create(
            title=row["title"], programme_code=programme.code, organisation_id=row["organisation_id"],
            jurisdiction_id=budget.jurisdiction_id, cost_ref=row["cost_ref"], status=Status.APPROVED,
            amount_cny=row["amount"], budget=budget, decided_by=acting_user, decided_at=now,
            decision={"imported": True, "row": number}, decision_note=str(_("获奖名单导入")))
        ledger.post(None, "issue", [Leg(Kind.QUOTA, services.commitment_account(application), row["amount"], None,
                                        application.organisation_id),
                                    Leg(Kind.BUDGET, services.budget_account(budget), -row["amount"])],
                    memo=f"support award import {application.pk}")
        parts = split_tranches(row["amount"], [t.share for t in programme.tranches])
        Tranche.objects.bulk_create([
            Tranche(application=application, number=i, milestone_zh=t.title.zh, milestone_en=t.title.en,
                    amount_cny=part)
            for i, (t, part) in enumerate(zip(programme.tranches, parts, strict=True), start=1)])
        left -= row["amount"]
        audit.record(actor=acting_user, action="support.award.imported", instance=application)
        result.created += 1
    return result


def import_awards_file(*, acting_user: User, data: bytes, programme_code: Any, year: Any) -> Any:
    """A file of a page or an API call: imported now (the report) or, when big, by the worker (the job); the
    budget and the official are checked before the work is queued."""
    from aiplus.support.tasks import import_awards_file as task

    budget = _budget(acting_user, programme_code, year)
    return imports.accept(acting_user=acting_user, data=data, name="support award list import", task=task,
                          programme_code=budget.programme_code, year=budget.year,
                          inline=lambda: import_awards(acting_user=acting_user, file=data,
                                                       programme_code=programme_code, year=year))
