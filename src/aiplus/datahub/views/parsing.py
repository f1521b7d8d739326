"""Parsing helpers still shared by the pages."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from aiplus.core.errors import ServiceError


def _int_or_none(raw: str, field: str) -> int | None:
    if not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        raise ServiceError("invalid", _("字段“%(f)s”须为整数。") % {"f": field}, field) from None


def _date_or_none(raw: str, field: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ServiceError("invalid", _("字段“%(f)s”须为日期。") % {"f": field}, field) from None


