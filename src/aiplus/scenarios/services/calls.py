"""Writes of open calls (揭榜挂帅榜单) and their review: creating and editing a call, applications, the drawn
expert panel and its scores, the public notice (公示), objections and the award that starts the pilots.

Workflow moves (open a call, public notice, award) go through `Workflow.apply`, which writes the history row and
the audit event itself."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, domains, permissions
from aiplus.core.access import get_for
from aiplus.core.calendar import add_working_days
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import Jurisdiction, User
from aiplus.core.services import notify
from aiplus.scenarios import pack_rules, selectors
from aiplus.scenarios.models import (
    RUBRIC_WEIGHT_MAX,
    Application,
    ApplicationStatus,
    CallStatus,
    Need,
    NeedStatus,
    Objection,
    OpenCall,
    Pilot,
    Score,
)
from aiplus.scenarios.services._shared import _date, _jurisdiction, _organisation_for, _text, _today


@transaction.atomic
def create_call(*, acting_user: User, jurisdiction: str | int, title: str, need_ids: list[int],
                closes_on: dt.date | str, rubric: list[dict[str, Any]] | None = None,
                reviewers: int | None = None) -> OpenCall:
    place = _jurisdiction(jurisdiction)
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError(_("只有本辖区主管部门可以发布揭榜挂帅榜单。"))
    title, closes_on, needs, rubric, size = _call_fields(acting_user, place, title, closes_on, need_ids, rubric,
                                                         reviewers)
    keys = {name: pack_rules.param_key(place, "opencalls", name) for name in (
        "max_applications_per_applicant", "max_selected_per_need", "max_successful_per_need",
        "trim_extremes", "trim_extremes_min_reviewers")}
    call = OpenCall.objects.create(
        title=title, jurisdiction=place, closes_on=closes_on, created_by=acting_user, rubric=rubric,
        require_independent_legal_person=True,
        max_applications_per_applicant=int(pack_rules.param(place, "opencalls", "max_applications_per_applicant")),
        max_selected_per_need=int(pack_rules.param(place, "opencalls", "max_selected_per_need")),
        max_successful_per_need=int(pack_rules.param(place, "opencalls", "max_successful_per_need")),
        trim_extremes=bool(pack_rules.param(place, "opencalls", "trim_extremes")),
        trim_min_reviewers=int(pack_rules.param(place, "opencalls", "trim_extremes_min_reviewers")),
        reviewers=size, rules={"parameters": keys, "pack": pack_rules.pack_of(place)},
    )
    call.needs.set(needs)
    audit.record(actor=acting_user, action="scenarios.call.created", instance=call, before=None)
    return call


def _call_fields(acting_user: User, place: Jurisdiction, title: str, closes_on: dt.date | str,
                 need_ids: list[int], rubric: list[dict[str, Any]] | None, reviewers: int | str | None
                 ) -> tuple[str, dt.date, list[Need], list[dict[str, Any]], int]:
    """The fields an official sets on a call, checked the same way on creation and on every edit."""
    title = _text(title, "title", 200)
    closes_on = _date(closes_on, "closes_on")
    if closes_on < _today():
        raise ServiceError("deadline_past", _("申报截止日期不能早于今天。"), "closes_on")
    needs = list(Need.objects.restrict(acting_user, "change").filter(pk__in=need_ids or []))
    if not needs or len(needs) != len(set(need_ids)):
        raise ServiceError("unknown_need", _("请选择本辖区已发布的场景需求。"), "need_ids")
    for need in needs:
        if need.status != NeedStatus.PUBLISHED:
            raise ServiceError("not_published", _("“%(t)s”尚未发布，不能列入榜单。") % {"t": need.title}, "need_ids")
    rubric = _rubric(rubric or pack_rules.DEFAULT_RUBRIC)
    min_reviewers = int(pack_rules.parameters().value(
        pack_rules.param_or_default_key(place, "experts", "min_reviewers"), _today()))
    size = min_reviewers if reviewers in (None, "") else domains.clean(OpenCall, "reviewers", reviewers)
    if size < min_reviewers:
        raise ServiceError("too_few_reviewers", _("评审专家不得少于%(n)s人。") % {"n": min_reviewers}, "reviewers")
    return title, closes_on, needs, rubric, size


def _rubric(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A weighted scoring rubric: each criterion has a unique code, a Chinese name (English optional) and a
    positive weight; weights are relative (the aggregate divides by their sum)."""
    clean: list[dict[str, Any]] = []
    for item in items:
        code = str(item.get("code") or "").strip()
        try:
            weight = Decimal(str(item.get("weight", 0)))
        except ArithmeticError:
            weight = Decimal(0)
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", code) or not weight.is_finite() or weight <= 0:
            raise ServiceError("rubric_invalid", _("评分细则每项须有代码和正权重。"), "rubric")
        if weight > RUBRIC_WEIGHT_MAX:
            raise ServiceError("out_of_range", _("评分细则的权重不能大于 %(max)s。") % {"max": RUBRIC_WEIGHT_MAX},
                               "rubric")
        if any(c["code"] == code for c in clean):
            raise ServiceError("rubric_duplicate", _("评分细则的代码“%(c)s”重复。") % {"c": code}, "rubric")
        name = str(item.get("name") or "").strip()[:100]
        if not name:
            raise ServiceError("rubric_unnamed", _("评分细则“%(c)s”须有名称。") % {"c": code}, "rubric")
        entry: dict[str, Any] = {"code": code, "name": name,
                                 "weight": int(weight) if weight == weight.to_integral() else float(weight)}
        if str(item.get("name_en") or "").strip():
            entry["name_en"] = str(item["name_en"]).strip()[:100]
        clean.append(entry)
    if not clean:
        raise ServiceError("rubric_invalid", _("评分细则每项须有代码和正权重。"), "rubric")
    return clean


@transaction.atomic
def update_call(*, acting_user: User, call_id: int, title: str, need_ids: list[int], closes_on: dt.date | str,
                rubric: list[dict[str, Any]] | None = None, reviewers: int | str | None = None) -> OpenCall:
    """Change a call while it is a draft; once open, applicants rely on its rules and it can no longer change."""
    call = OpenCall.objects.select_for_update().filter(pk=call_id).first()
    if call is None or not selectors.calls(acting_user).filter(pk=call_id).exists():
        raise NotFoundError()
    if not permissions.can(acting_user, "change", call):
        raise PermissionDeniedError(_("只有本辖区主管部门可以修改揭榜挂帅榜单。"))
    if call.status != CallStatus.DRAFT:
        raise ServiceError("not_draft", _("榜单发布后不能再修改。"), "status")
    before = audit.snapshot(call)
    call.title, call.closes_on, needs, call.rubric, call.reviewers = _call_fields(
        acting_user, call.jurisdiction, title, closes_on, need_ids, rubric, reviewers)
    call.save()
    call.needs.set(needs)
    audit.record(actor=acting_user, action="scenarios.call.updated", instance=call, before=before)
    return call


def transition_call(*, acting_user: User, call_id: int, transition: str, comment: str = "") -> OpenCall:
    call = OpenCall.objects.select_related("jurisdiction__parent__parent").filter(pk=call_id).first()
    # seen but not changeable (e.g. by a co-publishing partner's official) -> the workflow refuses with 403
    if call is None or not selectors.calls(acting_user).filter(pk=call_id).exists():
        raise NotFoundError()
    if transition in ("start_notice", "award"):
        raise ServiceError("use_service", _("请使用相应的公示或揭榜操作。"), "transition")
    return pack_rules.call_workflow(call).apply(call, transition, acting_user=acting_user,  # type: ignore[return-value]
                                           comment=comment)


@transaction.atomic
def apply_to_call(*, acting_user: User, call_id: int, need_id: int, organisation_id: int, proposal: str
                  ) -> Application:
    call = OpenCall.objects.filter(pk=call_id, is_published=True).first()
    if call is None:
        raise NotFoundError()
    organisation = _organisation_for(acting_user, organisation_id, "applicant")
    if call.status != CallStatus.OPEN or call.closes_on < _today():
        raise ServiceError("call_closed", _("该榜单不在申报期内。"), "call")
    if not call.needs.filter(pk=need_id).exists():
        raise ServiceError("need_not_in_call", _("所选场景需求不在该榜单中。"), "need")
    proposal = _text(proposal, "proposal")
    if call.require_independent_legal_person and not organisation.is_independent_legal_person:
        raise ServiceError("not_legal_person", _("申报主体须为独立法人。"), "applicant")
    if Need.objects.filter(pk=need_id, owner=organisation).exists():
        raise ServiceError("own_need", _("不能揭自己发布的榜。"), "need")
    if Application.objects.filter(call=call, need_id=need_id, applicant=organisation).exists():
        raise ServiceError("duplicate_application", _("已申报该榜单。"), "need")
    used = Application.objects.filter(call=call, applicant=organisation).count()
    if used >= call.max_applications_per_applicant:
        raise ServiceError("application_limit",
                           _("每个申报主体在本批次最多申报%(n)s项（%(k)s）。")
                           % {"n": call.max_applications_per_applicant,
                              "k": call.rules.get("parameters", {}).get("max_applications_per_applicant", "")},
                           "applicant")
    application = Application.objects.create(call=call, need_id=need_id, applicant=organisation, proposal=proposal)
    audit.record(actor=acting_user, action="scenarios.application.submitted", instance=application, before=None,
                 jurisdiction_id=call.jurisdiction_id)
    return application


def _conflicted(call: OpenCall) -> list[int]:
    ids = set(call.applications.values_list("applicant_id", flat=True))
    ids |= set(call.needs.values_list("owner_id", flat=True))
    return sorted(ids)


@transaction.atomic
def draw_reviewers(*, acting_user: User, call_id: int) -> OpenCall:
    """Draw the review panel from the expert pool; the applicants' and owners' organisations are conflicted.

    Nobody chooses the seed: the experts service derives it from the draw's recorded public inputs.
    """
    from aiplus.experts import selectors as expert_selectors
    from aiplus.experts import services as experts

    call = get_for(acting_user, "change", OpenCall, pk=call_id)
    if call.status != CallStatus.REVIEWING:
        raise ServiceError("not_reviewing", _("须在申报截止后抽取评审专家。"), "status")
    if call.draw_id:
        raise ServiceError("already_drawn", _("本榜单已抽取评审专家。"), "draw")
    if not call.applications.exists():
        raise ServiceError("no_applications", _("没有申报，无需评审。"), "applications")
    before = audit.snapshot(call)
    fields = sorted({n.domain for n in call.needs.all()})
    draw = experts.draw_panel(acting_user=acting_user,
                              purpose=str(_("揭榜挂帅评审：%(t)s") % {"t": call.title})[:300],
                              subject_type="scenarios.opencall", subject_id=str(call.pk),
                              jurisdiction=call.jurisdiction.code, fields=fields, size=call.reviewers,
                              conflicted_organisation_ids=_conflicted(call))
    call.draw_id = draw.pk
    call.save(update_fields=["draw_id", "updated_at"])
    link = reverse("scenarios:call_review", args=[call.pk])
    for expert in expert_selectors.drawn_users(draw.pk):
        notify(recipient=expert, verb="scenarios.reviewer_drawn", title=_("您被抽中评审揭榜挂帅榜单“%(t)s”"),
               body=_("请阅读%(n)s份申报方案，按评分细则逐项打分（每项0–100分）。"),
               params={"t": call.title, "n": call.applications.count()}, link=link, target=call)
    audit.record(actor=acting_user, action="scenarios.reviewers.drawn", instance=call, before=before)
    return call


@transaction.atomic
def submit_score(*, acting_user: User, application_id: int, criteria: dict[str, Any], comment: str = "") -> Score:
    from aiplus.experts import selectors as expert_selectors

    application = Application.objects.select_related("call").filter(pk=application_id).first()
    if application is None:
        raise NotFoundError()
    call = application.call
    if not call.draw_id or not expert_selectors.is_drawn(call.draw_id, acting_user):
        raise ServiceError("not_drawn", _("您不是本榜单抽取的评审专家，不能评分。"), "expert", status=403)
    if call.status != CallStatus.REVIEWING:
        raise ServiceError("not_reviewing", _("该榜单不在评审阶段。"), "status")
    clean, total = pack_rules.weighted_total(call.rubric, dict(criteria or {}))
    existing = Score.objects.filter(application=application, expert=acting_user).first()
    before = audit.snapshot(existing)
    if existing:
        existing.criteria, existing.total, existing.comment = clean, total, comment
        existing.save()
        score = existing
    else:
        score = Score.objects.create(application=application, expert=acting_user, criteria=clean, total=total,
                                     comment=comment)
    audit.record(actor=acting_user, action="scenarios.application.scored", instance=score, before=before,
                 jurisdiction_id=call.jurisdiction_id)
    return score


@transaction.atomic
def start_notice(*, acting_user: User, call_id: int, on: dt.date | None = None) -> OpenCall:
    """Aggregate the scores, rank the applicants of each need and open the public notice (公示).

    `on` dates a notice opened earlier (a record entered after the fact; the demo), as `Workflow.apply` does;
    no page or API passes it: a notice opened there starts today."""
    from aiplus.experts import selectors as expert_selectors

    call = get_for(acting_user, "change", OpenCall, pk=call_id)
    if call.status != CallStatus.REVIEWING or not call.draw_id:
        raise ServiceError("not_reviewing", _("须先抽取评审专家并完成评分。"), "status")
    reviewers = len(expert_selectors.drawn_users(call.draw_id))
    applications = list(call.applications.prefetch_related("scores"))
    for application in applications:
        if len(application.scores.all()) < reviewers:
            raise ServiceError("scores_missing", _("“%(a)s”尚有专家未评分（%(d)s/%(n)s）。")
                               % {"a": application.applicant, "d": len(application.scores.all()), "n": reviewers},
                               "scores")
    by_need: dict[int, list[Application]] = {}
    for application in applications:
        score, detail = pack_rules.aggregate([s.total for s in application.scores.all()], trim=call.trim_extremes,
                                        min_reviewers=call.trim_min_reviewers)
        application.score, application.aggregation = score, detail
        by_need.setdefault(application.need_id, []).append(application)
    for group in by_need.values():
        group.sort(key=lambda a: (-(a.score or 0), a.pk))
        for rank, application in enumerate(group, start=1):
            application.rank = rank
            if rank <= min(call.max_successful_per_need, call.max_selected_per_need):
                application.status = ApplicationStatus.PROPOSED
            elif rank <= call.max_selected_per_need:
                application.status = ApplicationStatus.SELECTED
            else:
                application.status = ApplicationStatus.NOT_SELECTED
            application.is_announced = application.status != ApplicationStatus.NOT_SELECTED
            application.save()
    today = on or _today()
    days = int(pack_rules.param(call.jurisdiction, "scenarios", "public_notice_days", today))
    OpenCall.objects.filter(pk=call.pk).update(notice_starts_on=today, notice_ends_on=add_working_days(today, days))
    return pack_rules.call_workflow(call).apply(call, "start_notice", acting_user=acting_user,  # type: ignore[return-value]
                                           comment=_("公示%(n)s个工作日") % {"n": days}, on=today)


@transaction.atomic
def file_objection(*, acting_user: User, call_id: int, text: str, application_id: int | None = None) -> Objection:
    call = OpenCall.objects.select_related("jurisdiction__parent__parent").filter(pk=call_id,
                                                                                   is_published=True).first()
    if call is None:
        raise NotFoundError()
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDeniedError(_("请先登录再提出异议。"))
    text = _text(text, "text")
    if call.status != CallStatus.NOTICE or call.notice_ends_on is None:
        raise ServiceError("not_in_notice", _("该榜单不在公示期，不能提出异议。"), "call")
    today = _today()
    if today > call.notice_ends_on:
        raise ServiceError("notice_ended", _("公示期已于%(d)s结束，不再受理异议。") % {"d": call.notice_ends_on},
                           "notice_ends_on")
    if application_id is not None and not call.applications.filter(pk=application_id, is_announced=True).exists():
        raise ServiceError("unknown_application", _("异议所针对的公示对象不存在。"), "application")
    days = int(pack_rules.param(call.jurisdiction, "scenarios", "objection_answer_working_days", today))
    objection = Objection.objects.create(call=call, application_id=application_id, filed_by=acting_user, text=text,
                                         answer_due_on=add_working_days(today, days))
    audit.record(actor=acting_user, action="scenarios.objection.filed", instance=objection, before=None,
                 jurisdiction_id=call.jurisdiction_id)
    return objection


@transaction.atomic
def answer_objection(*, acting_user: User, objection_id: int, answer: str) -> Objection:
    objection = Objection.objects.select_related("call").filter(pk=objection_id).first()
    if objection is None:
        raise NotFoundError()
    if not OpenCall.objects.restrict(acting_user, "change").filter(pk=objection.call_id).exists():
        raise PermissionDeniedError(_("只有主管部门可以答复异议。"))
    if objection.answered_on:
        raise ServiceError("already_answered", _("该异议已答复。"), "answer")
    answer = _text(answer, "answer")
    before = audit.snapshot(objection)
    objection.answer, objection.answered_by, objection.answered_on = answer, acting_user, _today()
    objection.save()
    notify(recipient=objection.filed_by, verb="scenarios.objection_answered", title=_("您的异议已答复"),
           body=answer[:200], link=f"/scenarios/calls/{objection.call_id}/", target=objection)
    audit.record(actor=acting_user, action="scenarios.objection.answered", instance=objection, before=before,
                 jurisdiction_id=objection.call.jurisdiction_id)
    return objection


@transaction.atomic
def award_call(*, acting_user: User, call_id: int) -> OpenCall:
    """After the notice period, with every objection answered: the proposed applicants succeed and pilots start."""
    call = get_for(acting_user, "change", OpenCall, pk=call_id)
    if call.status != CallStatus.NOTICE:
        raise ServiceError("not_in_notice", _("须在公示结束后确认揭榜。"), "status")
    if call.notice_ends_on and _today() <= call.notice_ends_on:
        raise ServiceError("notice_running", _("公示期至%(d)s结束，届时方可确认揭榜。") % {"d": call.notice_ends_on},
                           "notice_ends_on")
    if call.objections.filter(answered_on__isnull=True).exists():
        raise ServiceError("objections_open", _("尚有未答复的异议。"), "objections")
    for application in call.applications.select_related("need").filter(status=ApplicationStatus.PROPOSED):
        application.status = ApplicationStatus.SUCCESSFUL
        application.save(update_fields=["status", "updated_at"])
        Pilot.objects.create(need=application.need, application=application, supplier_id=application.applicant_id,
                             jurisdiction_id=application.need.jurisdiction_id)
    return pack_rules.call_workflow(call).apply(call, "award", acting_user=acting_user)  # type: ignore[return-value]
