"""Background tasks of the support programmes."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def import_awards_file(job_id: int, user_id: int, content: str, programme_code: str, year: int) -> dict[str, Any]:
    """An award list too big to import in the request (`aiplus.core.imports`): the job's result is the report."""
    from aiplus.core import imports
    from aiplus.support import awards

    return imports.run_job(job_id, user_id, lambda user, progress: awards.import_awards(
        acting_user=user, file=imports.unpack(content), programme_code=programme_code, year=year,
        progress=progress))
