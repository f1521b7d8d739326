"""Excel import and export of scenario lists (openpyxl). Every exported cell goes through
`aiplus.core.exports.safe_row`, so a title like ``=1+1`` is text, never a formula; the import reads such a cell back
with `restore_cell`, so export → import gives back what was written. The import reads through `aiplus.core.imports`
(size, zip-bomb and row limits; batches; the report)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from aiplus.core import formatting, imports
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
            "；".join(f"{k.name}:{formatting.plain_number(k.target_value)}:{k.unit}" for k in n.kpis.all()),
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


def import_needs(*, acting_user: User, file: Any, organisation_id: Any, jurisdiction: Any = None,
                 progress: imports.Progress | None = None) -> imports.ImportReport:
    """Draft needs from a workbook laid out as the export (`aiplus.core.imports`): the zip and the sheet are read
    within the import limits; every row is checked first and a bad one refuses the file, naming each bad row and
    field (`row<n>.<field>`); then the needs are created in short batches, one audit event each. A need the
    organisation already has in that place under the same title is counted unchanged, not created again.

    The needs are placed in `jurisdiction` (a code), by default the organisation's own."""
    data = imports.read_upload(file)
    organisation, place = services.need_owner_and_place(acting_user=acting_user, organisation_id=organisation_id,
                                                        jurisdiction=jurisdiction)
    report = imports.ImportReport("scenarios.needs")
    titles = services.need_titles(organisation, place)

    def check(number: int, row: tuple[Any, ...]) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        cells = [restore_cell(cell) for cell in row]
        try:
            fields, kpis = services.need_values(
                place, kpis=_parse_kpis(cells[8]), title=cells[0], domain=cells[1], problem=cells[2],
                data_offered=cells[3] or "", budget_min_cny=cells[4], budget_max_cny=cells[5],
                first_purchase=str(cells[6]).strip() in ("是", "true", "True", "1"),
                deadline=str(cells[7])[:10] if cells[7] else None)
        except ServiceError as error:
            raise ServiceError(error.code, _("第%(r)s行：%(m)s") % {"r": number, "m": error.message},
                               f"row{number}.{error.field}") from None
        if fields["title"] in titles:  # already there (the same workbook again, or the same row twice)
            return None
        titles.add(fields["title"])
        return fields, kpis

    rows = ((number, row) for number, row in imports.xlsx_rows(data, columns=len(HEADERS), report=report)
            if row[0] not in (None, ""))
    imports.run(report, rows, check=check, progress=progress, write=lambda batch: services.import_needs_batch(
        acting_user=acting_user, organisation_id=organisation.pk, jurisdiction_id=place.pk, rows=batch))
    if not report.read:
        raise ServiceError("empty_file", _("文件中没有场景需求。"), "file")
    return report


def import_needs_file(*, acting_user: User, data: bytes, organisation_id: Any, jurisdiction: Any = None) -> Any:
    """A workbook of a page or an API call: imported now (the report) or, when big, by the worker (the job). The
    organisation and place are checked before the work is queued."""
    from aiplus.scenarios.tasks import import_needs_file as task

    services.need_owner_and_place(acting_user=acting_user, organisation_id=organisation_id, jurisdiction=jurisdiction)
    return imports.accept(
        acting_user=acting_user, data=data, name="scenario needs import", task=task,
        organisation_id=int(organisation_id), jurisdiction=jurisdiction or None,
        inline=lambda: import_needs(acting_user=acting_user, file=data, organisation_id=organisation_id,
                                    jurisdiction=jurisdiction))
