"""Every read of the portal's own records, restricted to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from aiplus.portal.models import Notice


def notices(user: Any) -> QuerySet[Notice]:
    """Public notices the user may see (published ones, and drafts of the official's jurisdictions), newest first."""
    return Notice.objects.restrict(user, "view").select_related("jurisdiction")
