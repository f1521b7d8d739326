"""Writes of scenario lists (场景清单): publishing reviewed needs as the jurisdiction's next numbered batch."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, permissions
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import User
from aiplus.scenarios import pack_rules
from aiplus.scenarios.models import Need, NeedStatus, ScenarioList
from aiplus.scenarios.services._shared import _jurisdiction, _queue_matching, _today


@transaction.atomic
def publish_list(*, acting_user: User, jurisdiction: str | int, need_ids: list[int],
                 co_publishers: list[str] | None = None) -> ScenarioList:
    """Publish reviewed needs as the next numbered batch, e.g. 苏州市2026年第1批.

    One audit event for the batch; each need's move to "published" is also recorded by the workflow."""
    place = _jurisdiction(jurisdiction)
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError(_("只有本辖区主管部门可以发布场景清单。"))
    if not need_ids:
        raise ServiceError("needs_required", _("请至少选择一项已审核的场景需求。"), "need_ids")
    needs = list(Need.objects.restrict(acting_user, "change").select_related("jurisdiction__parent__parent")
                 .filter(pk__in=need_ids))
    if len(needs) != len(set(need_ids)):
        raise ServiceError("unknown_need", _("所选场景需求不存在或不属于本辖区。"), "need_ids")
    for need in needs:
        if need.status != NeedStatus.REVIEWED:
            raise ServiceError("not_reviewed", _("“%(t)s”尚未审核通过，不能发布。") % {"t": need.title}, "need_ids")
    partners = [_jurisdiction(code, "co_publishers") for code in (co_publishers or [])]
    if any(p.pk == place.pk for p in partners):
        raise ServiceError("co_publisher_self", _("联合发布辖区不能是发布辖区本身。"), "co_publishers")
    today = _today()
    number = (ScenarioList.objects.filter(jurisdiction=place, year=today.year).order_by("-number")
              .values_list("number", flat=True).first() or 0) + 1
    batch = ScenarioList.objects.create(
        jurisdiction=place, year=today.year, number=number, published_on=today,
        title=f"{place.name_zh}{today.year}年第{number}批", department=pack_rules.responsible_department(place))
    batch.co_publishers.set(partners)
    audit.record(actor=acting_user, action="scenarios.list.published", instance=batch, before=None)
    for need in needs:
        Need.objects.filter(pk=need.pk).update(scenario_list=batch)
        need.scenario_list = batch
        need.co_publishers.add(*partners)
        pack_rules.need_workflow(need).apply(need, "publish", acting_user=acting_user, comment=batch.title)
        _queue_matching("need", need.pk)
    return batch
