"""Background tasks: keep the matching index current and tell owners and suppliers about strong new matches."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def refresh_matching(kind: str, pk: int) -> dict[str, Any]:
    from aiplus.scenarios import matching_index

    return matching_index.refresh(kind, pk)


@task()
def import_needs_file(job_id: int, user_id: int, content: str, organisation_id: int,
                      jurisdiction: str | None = None) -> dict[str, Any]:
    """A needs workbook too big to import in the request (`aiplus.core.imports`): the job's result is the report."""
    from aiplus.core import imports
    from aiplus.scenarios import excel

    return imports.run_job(job_id, user_id, lambda user, progress: excel.import_needs(
        acting_user=user, file=imports.unpack(content), organisation_id=organisation_id, jurisdiction=jurisdiction,
        progress=progress))
