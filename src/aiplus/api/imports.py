"""The answers of the import operations (`aiplus.core.imports`): the import report (200), or the background job
that imports a big file (202, its progress at /api/v1/jobs/{id}); a refused file is a 400 whose body adds the
report with every rejected row to the usual {"code", "message", "field"}."""

from typing import Any

from django.urls import reverse
from ninja import Schema, Status

from aiplus.core.imports import ImportReport


class RejectionOut(Schema):
    row: int | str
    field: str
    code: str
    message: str


class ImportReportOut(Schema):
    kind: str
    read: int
    created: int
    updated: int
    unchanged: int
    rejected: list[RejectionOut]
    batches: int
    counts: dict[str, int]


class ImportJobOut(Schema):
    job_id: int
    status_url: str
    page_url: str


RESPONSES: dict[int, Any] = {200: ImportReportOut, 202: ImportJobOut}


def answer(result: Any) -> Status:
    """The report of an import done now, or the job of one queued."""
    if isinstance(result, ImportReport):
        return Status(200, result.as_dict())
    return Status(202, {"job_id": result.pk, "status_url": reverse("api:get_job", args=[result.pk]),
                        "page_url": reverse("core:job", args=[result.pk])})
