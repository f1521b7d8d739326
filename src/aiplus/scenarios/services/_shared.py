"""What several scenarios services share: today's date, reading a place, an organisation the user acts for,
text, dates and code lists, and queueing the matching index after commit.

Tests that fix the date patch `_today` in the sub-module whose service they call, where the name is looked up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import Jurisdiction, Organisation, User


def _today() -> dt.date:
    return timezone.localdate()


def _jurisdiction(value: str | int | Jurisdiction, field: str = "jurisdiction") -> Jurisdiction:
    if isinstance(value, Jurisdiction):
        return value
    lookup = {"pk": value} if isinstance(value, int) else {"code": value}
    found = Jurisdiction.objects.select_related("parent__parent__parent").filter(**lookup).first()
    if found is None:
        raise ServiceError("unknown_jurisdiction", _("辖区不存在：%(v)s") % {"v": value}, field)
    return found


def _text(value: Any, field: str, max_length: int | None = None) -> str:
    text = str(value or "").strip()
    if not text:
        raise ServiceError("required", _("此项为必填项。"), field)
    if max_length and len(text) > max_length:
        raise ServiceError("too_long", _("不能超过%(n)s个字符。") % {"n": max_length}, field)
    return text


def _date(value: dt.date | str, field: str) -> dt.date:
    """A date given as a date or as YYYY-MM-DD text; other text is `invalid_date` naming `field`."""
    if not isinstance(value, str):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ServiceError("invalid_date", _("日期格式应为 YYYY-MM-DD。"), field) from None


def _codes(values: Any) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").split(",")
    return [str(v).strip() for v in (values or []) if str(v).strip()]


def _organisation_for(user: User, organisation_id: Any, field: str = "organisation") -> Organisation:
    try:
        organisation = Organisation.objects.select_related("jurisdiction").get(pk=int(organisation_id))
    except (Organisation.DoesNotExist, TypeError, ValueError):
        raise ServiceError("unknown_organisation", _("组织不存在。"), field) from None
    if not permissions.can_create_in(user, organisation_id=organisation.pk,
                                     jurisdiction_id=organisation.jurisdiction_id):
        raise PermissionDeniedError(_("您不能代表该组织操作。"))
    return organisation


def _queue_matching(kind: str, pk: int) -> None:
    from aiplus.scenarios.tasks import refresh_matching

    transaction.on_commit(lambda: refresh_matching.enqueue(kind, pk))
