"""Background tasks: keep the matching index current and tell owners and suppliers about strong new matches."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def refresh_matching(kind: str, pk: int) -> dict[str, Any]:
    from aiplus.scenarios import matching_index

    return matching_index.refresh(kind, pk)
