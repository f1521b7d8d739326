"""Writes of pilots (试点) after an award: milestones, KPI measurements and the two-sided acceptance; then the
typical cases (典型案例) published from accepted pilots and their replication as new needs elsewhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, domains, permissions
from aiplus.core.access import get_for
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import User
from aiplus.scenarios import search, selectors
from aiplus.scenarios.models import Case, Kpi, Measurement, Milestone, Need, Pilot, PilotStatus
from aiplus.scenarios.services._shared import _date, _jurisdiction, _text, _today
from aiplus.scenarios.services.needs import create_need


def _pilot_for_change(user: User, pilot_id: int) -> Pilot:
    # The supplier runs the pilot too (milestones, measurements), which the model's scope alone does not say.
    pilot = get_for(user, "view", selectors.pilots(user), pk=pilot_id)
    if not permissions.can(user, "change", pilot) \
            and pilot.supplier_id not in permissions.user_organisation_ids(user, "change"):
        raise PermissionDeniedError()
    return pilot


@transaction.atomic
def add_milestone(*, acting_user: User, pilot_id: int, title: str, due_on: dt.date | str) -> Milestone:
    pilot = _pilot_for_change(acting_user, pilot_id)
    title = _text(title, "title", 200)
    due_on = _date(due_on, "due_on")
    milestone = Milestone.objects.create(pilot=pilot, title=title, due_on=due_on)
    audit.record(actor=acting_user, action="scenarios.milestone.added", instance=pilot, before=None,
                 message=title, jurisdiction_id=pilot.jurisdiction_id)
    return milestone


@transaction.atomic
def record_measurement(*, acting_user: User, pilot_id: int, kpi_id: int, value: Any,
                       measured_on: dt.date | None = None) -> Measurement:
    pilot = _pilot_for_change(acting_user, pilot_id)
    if pilot.status != PilotStatus.RUNNING:
        raise ServiceError("pilot_closed", _("试点已结束验收。"), "status")
    kpi = Kpi.objects.filter(pk=kpi_id, need_id=pilot.need_id).first()
    if kpi is None:
        raise ServiceError("unknown_kpi", _("该指标不属于本试点的场景需求。"), "kpi")
    amount = domains.clean(Measurement, "value", value)
    measurement = Measurement.objects.create(pilot=pilot, kpi=kpi, value=amount, measured_on=measured_on or _today(),
                                             met=kpi.met_by(amount))
    audit.record(actor=acting_user, action="scenarios.kpi.measured", instance=pilot, before=None,
                 message=f"{kpi.name}={amount} {kpi.unit}", jurisdiction_id=pilot.jurisdiction_id)
    return measurement


@transaction.atomic
def decide_acceptance(*, acting_user: User, pilot_id: int, accept: bool, note: str = "") -> Pilot:
    """The owner and the responsible department each decide; both must accept, and every KPI must be met."""
    pilot = Pilot.objects.select_related("need").filter(pk=pilot_id).first()
    if pilot is None or not Pilot.objects.restrict(acting_user, "change").filter(pk=pilot_id).exists():
        raise NotFoundError() if pilot is None else PermissionDeniedError()
    if pilot.status != PilotStatus.RUNNING:
        raise ServiceError("pilot_closed", _("试点已结束验收。"), "status")
    if accept:
        latest: dict[int, bool] = {}
        for m in pilot.measurements.order_by("measured_on", "id"):
            latest[m.kpi_id] = m.met
        for kpi in pilot.need.kpis.all():
            if not latest.get(kpi.pk):
                raise ServiceError("kpi_not_met", _("验收指标“%(k)s”尚未达标或未测量。") % {"k": kpi}, "kpis")
    elif not note.strip():
        raise ServiceError("required", _("不予验收须说明理由。"), "note")
    before = audit.snapshot(pilot)
    decision = "accepted" if accept else "rejected"
    side = "owner" if pilot.need.owner_id in permissions.user_organisation_ids(acting_user, "change") else None
    if side is None and (acting_user.is_superuser or pilot.jurisdiction_id in
                         permissions.user_jurisdiction_ids(acting_user, "change")):
        side = "department"
    if side is None:
        raise PermissionDeniedError()
    if side == "owner":
        pilot.owner_decision = decision
    else:
        pilot.department_decision = decision
    if note.strip():
        pilot.decision_note = (pilot.decision_note + "\n" + note.strip()).strip()
    if "rejected" in (pilot.owner_decision, pilot.department_decision):
        pilot.status = PilotStatus.REJECTED
    elif pilot.owner_decision == pilot.department_decision == "accepted":
        pilot.status = PilotStatus.ACCEPTED
    pilot.save()
    audit.record(actor=acting_user, action=f"scenarios.pilot.{side}_decided", instance=pilot, before=before)
    return pilot


@transaction.atomic
def publish_case(*, acting_user: User, pilot_id: int, title: str, summary: str) -> Case:
    pilot = Pilot.objects.select_related("need").filter(pk=pilot_id).first()
    if pilot is None:
        raise NotFoundError()
    if not acting_user.is_superuser and pilot.jurisdiction_id not in permissions.user_jurisdiction_ids(
            acting_user, "change"):
        raise PermissionDeniedError(_("只有主管部门可以发布典型案例。"))
    if pilot.status != PilotStatus.ACCEPTED:
        raise ServiceError("not_accepted", _("只有通过验收的试点可以作为典型案例。"), "pilot")
    if Case.objects.filter(pilot=pilot).exists():
        raise ServiceError("already_published", _("该试点已发布为典型案例。"), "pilot")
    case = Case(pilot=pilot, jurisdiction_id=pilot.jurisdiction_id, title=_text(title, "title", 200),
                summary=_text(summary, "summary"), domain=pilot.need.domain)
    case.search_tokens = search.case_tokens(case)
    case.save(force_insert=True)
    audit.record(actor=acting_user, action="scenarios.case.published", instance=case, before=None)
    return case


def replicate_case(*, acting_user: User, case_id: int, organisation_id: int, jurisdiction: str | int,
                   budget_min_cny: Any = None, budget_max_cny: Any = None, title: str = "") -> Need:
    """Another organisation or jurisdiction takes up a case: a new draft need linked back to it."""
    case = get_for(acting_user, "view", Case.objects.restrict(acting_user, "view").select_related("pilot__need"),
                   pk=case_id)
    source = case.pilot.need
    place = _jurisdiction(jurisdiction)
    if int(organisation_id) == source.owner_id and place.pk == source.jurisdiction_id:
        raise ServiceError("same_owner", _("复制推广须由其他单位或其他地区提出。"), "organisation")
    kpis = [{"name": k.name, "target_value": k.target_value, "unit": k.unit, "higher_is_better": k.higher_is_better}
            for k in source.kpis.all()]
    return create_need(
        acting_user=acting_user, organisation_id=organisation_id, jurisdiction=place, kpis=kpis,
        replicated_from=case, title=title or f"{source.title}（复制推广）", domain=source.domain,
        problem=source.problem, data_offered=source.data_offered,
        budget_min_cny=source.budget_min_cny if budget_min_cny in (None, "") else budget_min_cny,
        budget_max_cny=source.budget_max_cny if budget_max_cny in (None, "") else budget_max_cny,
        first_purchase=source.first_purchase)


def replication_counts() -> dict[int, int]:
    return dict(Case.objects.annotate(n=Count("replications", filter=~Q(replications__status="withdrawn")))
                .values_list("pk", "n"))
