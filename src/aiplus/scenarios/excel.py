"""Excel import and export of scenario lists (openpyxl). Every exported cell goes through
`aiplus.core.exports.safe_row`, so a title like ``=1+1`` is text, never a formula; the import reads such a cell back
with `restore_cell`, so export → import gives back what was written."""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook

from aiplus.core import audit
from aiplus.core.errors import ServiceError
from aiplus.core.exports import restore_cell, safe_row
from aiplus.core.models import User
from aiplus.scenarios import services

HEADERS = ["场景名称", "场景领域", "问题描述", "可开放数据", "预算下限（元）", "预算上限（元）", "首购承诺", "截止日期",
           "验收指标（名称:目标值:单位；…）", "状态", "场景清单", "提出单位", "地区"]


def export_needs(needs: Any) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "场景清单"
    ws.append(HEADERS)
    for n in needs:
        ws.append(safe_row([
            n.title, n.domain, n.problem, n.data_offered, float(n.budget_min_cny), float(n.budget_max_cny),
            "是" if n.first_purchase else "否", n.deadline.isoformat() if n.deadline else "",
            "；".join(f"{k.name}:{k.target_value.normalize()}:{k.unit}" for k in n.kpis.all()),
            n.get_status_display(), n.scenario_list.title if n.scenario_list else "", n.owner.name,
            n.jurisdiction.name_zh]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _parse_kpis(text: str) -> list[dict[str, Any]]:
    rows = []
    for part in str(text or "").replace(";", "；").split("；"):
        if part.strip():
            bits = part.replace("：", ":").split(":")
            rows.append({"name": bits[0], "target_value": bits[1] if len(bits) > 1 else "",
                         "unit": bits[2] if len(bits) > 2 else ""})
    return rows


@transaction.atomic
def import_needs(*, acting_user: User, file: Any, organisation_id: Any, jurisdiction: Any) -> list[Any]:
    """Create draft needs from a sheet laid out as the export; all rows or none. One audit event for the import."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # any unreadable upload is the same user error
        raise ServiceError("invalid_file", _("无法读取Excel文件（.xlsx）。"), "file") from None
    rows = list(wb.active.iter_rows(min_row=2, values_only=True))
    created = []
    for number, row in enumerate(rows, start=2):
        if not row or not row[0]:
            continue
        cells = [restore_cell(cell) for cell in row] + [None] * (len(HEADERS) - len(row))
        try:
            created.append(services.create_need(
                acting_user=acting_user, organisation_id=organisation_id, jurisdiction=jurisdiction,
                kpis=_parse_kpis(cells[8]), title=cells[0], domain=cells[1], problem=cells[2],
                data_offered=cells[3] or "", budget_min_cny=cells[4], budget_max_cny=cells[5],
                first_purchase=str(cells[6]).strip() in ("是", "true", "True", "1"),
                deadline=str(cells[7])[:10] if cells[7] else None, audit_event=False))
        except ServiceError as error:
            raise ServiceError(error.code, _("第%(r)s行：%(m)s") % {"r": number, "m": error.message},
                               f"row{number}.{error.field}") from None
    if not created:
        raise ServiceError("empty_file", _("文件中没有场景需求。"), "file")
    audit.record(actor=acting_user, action="scenarios.needs.imported", instance=None, after={
        "ids": [n.pk for n in created]}, object_type="scenarios.need", object_repr=f"{len(created)}",
        jurisdiction_id=created[0].jurisdiction_id)
    return created
