from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, permissions
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import Jurisdiction, User
from aiplus.portal.models import Notice


@transaction.atomic
def publish_notice(*, acting_user: User, jurisdiction: str, title: str, body: str = "",
                   title_en: str = "") -> Notice:
    place = Jurisdiction.objects.filter(code=jurisdiction).first()
    if place is None:
        raise ServiceError("unknown_jurisdiction", _("辖区不存在：%(v)s") % {"v": jurisdiction}, "jurisdiction")
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError(_("您不能在该辖区发布通知。"))
    if not title.strip():
        raise ServiceError("required", _("请填写标题。"), "title")
    notice = Notice.objects.create(jurisdiction=place, title=title.strip(), title_en=title_en.strip(), body=body,
                                   is_published=True, published_at=timezone.now(),
                                   is_demo=getattr(acting_user, "is_demo", False))
    audit.record(actor=acting_user, action="portal.notice.published", instance=notice)
    return notice
