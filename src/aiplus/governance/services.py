"""Every write of ethics review (科技伦理审查办法（试行）; Suzhou art. 48, Guangdong art. 32). One transaction and
one audit event each; the rules are the pure engine's (`ethics_rules`) with the pack's numbers (`ethics.rules_on`).

Who may do what (checked here, before anything is written):
- the applying organisation's members (enterprise members, providers) set up its committee, add members, record
  its registration, write and submit applications;
- a serving member of the committee checks the materials and accepts an application or gives the one notice of
  everything missing; the chair or a vice-chair records a review with its attendance, conflicts and votes; a member
  records a follow-up review; nobody acts on an application they submitted themselves;
- an official of the jurisdiction the listed activity is referred to draws the re-review panel (the experts app's
  draw, the unit's committee members excluded) and records the panel's opinions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, domains, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError, from_validation_error
from aiplus.core.models import Organisation, User
from aiplus.core.services import notify
from aiplus.departments import work
from aiplus.experts import selectors as expert_selectors
from aiplus.experts import services as expert_services
from aiplus.experts.models import ExpertProfile
from aiplus.governance import ethics, incidents, selectors
from aiplus.governance import ethics_rules as rules
from aiplus.governance.models import (
    MATERIALS,
    Advice,
    AnnualReport,
    ApplicationStatus,
    Attendance,
    CommitteeMember,
    Discipline,
    Entrustment,
    EthicsApplication,
    EthicsCommittee,
    FollowUp,
    Gender,
    ListedItem,
    MemberRole,
    PanelVote,
    Procedure,
    ReReview,
    Review,
    Vote,
)

COMMITTEE_MEMBER = "committee_member"  # the draw's exclusion reason for the unit's own committee members

_OUTCOME_STATUS = {rules.APPROVE: ApplicationStatus.APPROVED,
                   rules.APPROVE_WITH_CHANGES: ApplicationStatus.APPROVED_WITH_CHANGES,
                   rules.REVISE_AND_RESUBMIT: ApplicationStatus.REVISE,
                   rules.REJECT: ApplicationStatus.REJECTED}


def material_labels() -> dict[str, Any]:
    return {kind: getattr(EthicsApplication._meta.get_field(kind), "verbose_name", kind)
            for kind in (*MATERIALS, "other")}


# -- helpers -----------------------------------------------------------------------------------------------------

def _full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise from_validation_error(error) from error


_text = domains.clean_text  # the one rule for a service's free text


def _member_of_organisation(user: User, organisation_id: int) -> bool:
    return bool(getattr(user, "is_superuser", False)) or organisation_id in permissions.user_organisation_ids(
        user, "add")


def _organisation(acting_user: User, organisation_id: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ServiceError("unknown_organisation", _("组织不存在。"), "organisation_id", status=404)
    if not _member_of_organisation(acting_user, organisation.pk):
        raise PermissionDeniedError(_("只有本单位成员可以办理。"))
    return organisation


def _committee(acting_user: User, committee_id: int, *, manage: bool = False) -> EthicsCommittee:
    committee = selectors.committees(acting_user).filter(pk=committee_id).first()
    if committee is None:
        raise NotFoundError()
    if manage and not _member_of_organisation(acting_user, committee.organisation_id):
        raise PermissionDeniedError(_("只有设立单位的成员可以管理委员会。"))
    return committee


def _application(acting_user: User, application_id: int, *, lock: bool = True) -> EthicsApplication:
    if not selectors.applications(acting_user).filter(pk=application_id).exists():
        raise NotFoundError()
    query = EthicsApplication.objects.select_related("committee", "organisation")
    return (query.select_for_update(of=("self",)) if lock else query).get(pk=application_id)


def _serving_membership(user: User, committee: EthicsCommittee, day: dt.date) -> CommitteeMember | None:
    if not getattr(user, "pk", None):
        return None
    return CommitteeMember.objects.filter(committee=committee, user_id=user.pk, term_start__lte=day,
                                          term_end__gte=day).first()


def _as_committee(acting_user: User, application: EthicsApplication, *, chairing: bool = False) -> CommitteeMember:
    """The acting user's serving membership of the application's committee (chair or vice-chair when `chairing`);
    refused for anyone else and for the application's own submitter."""
    membership = _serving_membership(acting_user, application.committee, timezone.localdate())
    if membership is None:
        raise PermissionDeniedError(_("只有该委员会的在任委员可以办理。"))
    if chairing and membership.role not in (MemberRole.CHAIR, MemberRole.VICE_CHAIR):
        raise PermissionDeniedError(_("审查由主任委员或副主任委员主持并记录。"))
    if application.submitted_by_id == acting_user.pk:
        raise PermissionDeniedError(_("不能审查本人提交的申请。"))
    return membership


def _state(application: EthicsApplication, *allowed: str) -> None:
    if application.status not in allowed:
        raise ServiceError("wrong_state", _("申请当前状态为“%(s)s”，不能办理此事项。")
                           % {"s": application.get_status_display()}, "status", status=409)


def _notify_people(users: Sequence[User], application: EthicsApplication, title: Any, body: Any = "",
                   params: Mapping[str, Any] | None = None) -> None:
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notify(recipient=user, verb="governance.ethics", title=title, body=body,
               params={"t": application.title, **(params or {})},
               link=f"/governance/ethics/applications/{application.pk}/", target=application)


def _committee_users(committee: EthicsCommittee) -> list[User]:
    today = timezone.localdate()
    return [m.user for m in committee.members.select_related("user").filter(term_start__lte=today,
                                                                            term_end__gte=today)]


# -- committees --------------------------------------------------------------------------------------------------

@transaction.atomic
def create_committee(*, acting_user: User, organisation_id: int, name: str,
                     established_on: dt.date) -> EthicsCommittee:
    """A unit sets up its science and technology ethics (review) committee."""
    organisation = _organisation(acting_user, organisation_id)
    name = _text(name, "name", 200, label=_("委员会名称"))
    if not isinstance(established_on, dt.date) or established_on > timezone.localdate():
        raise ServiceError("invalid_date", _("设立日期不能晚于今天。"), "established_on")
    committee = EthicsCommittee(name=name, organisation=organisation, established_on=established_on,
                                created_by=acting_user)
    _full_clean(committee, exclude=["created_by"])
    committee.save()
    audit.record(actor=acting_user, action="governance.committee.created", instance=committee)
    return committee


@transaction.atomic
def add_member(*, acting_user: User, committee_id: int, user_id: int, role: str, discipline: str, gender: str,
               external: bool, term_start: dt.date, term_end: dt.date, field_of_work: str = "",
               trained_on: dt.date | None = None, training: str = "") -> CommitteeMember:
    """Appoint a member: discipline, gender, inside or outside the unit, a term of at most the pack's years."""
    committee = _committee(acting_user, committee_id, manage=True)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ServiceError("unknown_user", _("用户不存在。"), "user_id")
    if committee.members.filter(user=user).exists():
        raise ServiceError("duplicate", _("该用户已是本委员会委员。"), "user_id")
    for name, value, choices in (("role", role, MemberRole), ("discipline", discipline, Discipline),
                                 ("gender", gender, Gender)):
        if value not in choices.values:
            raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": value}, name)
    if not isinstance(term_start, dt.date) or not isinstance(term_end, dt.date):
        raise ServiceError("invalid_date", _("请填写任期。"), "term_end")
    member = CommitteeMember(committee=committee, user=user, role=role, discipline=discipline, gender=gender,
                             external=bool(external), term_start=term_start, term_end=term_end,
                             field_of_work=_text(field_of_work, "field_of_work", 100, label=_("专业方向"),
                                                 required=False),
                             trained_on=trained_on,
                             training=_text(training, "training", 300, label=_("培训记录"), required=False))
    limits = ethics.rules_on(term_start)
    check = rules.term_check(member.as_rule(), limits)
    if not check.ok:
        raise ServiceError("term_too_long", check.text_zh if not _english() else check.text_en, "term_end")
    if role == MemberRole.CHAIR and committee.members.filter(
            role=MemberRole.CHAIR, term_end__gte=term_start, term_start__lte=term_end).exists():
        raise ServiceError("chair_taken", _("该任期内已有主任委员。"), "role")
    if external and user_id in _organisation_user_ids(committee.organisation_id):
        raise ServiceError("not_external", _("本单位人员不能登记为单位外委员。"), "external")
    _full_clean(member, exclude=["committee", "user"])
    member.save()
    audit.record(actor=acting_user, action="governance.committee.member_added", instance=member,
                 organisation_id=committee.organisation_id)
    return member


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


def _organisation_user_ids(organisation_id: int) -> set[int]:
    from aiplus.core.models import RoleAssignment

    return set(RoleAssignment.objects.filter(organisation_id=organisation_id, active=True)
               .values_list("user_id", flat=True))


@transaction.atomic
def register_committee(*, acting_user: User, committee_id: int, registered_on: dt.date,
                       registration_number: str) -> EthicsCommittee:
    """Record the committee's registration on the national ethics registration platform (date and number)."""
    committee = _committee(acting_user, committee_id, manage=True)
    committee = EthicsCommittee.objects.select_for_update().get(pk=committee.pk)
    before = audit.snapshot(committee)
    if not isinstance(registered_on, dt.date) or registered_on > timezone.localdate():
        raise ServiceError("invalid_date", _("登记日期不能晚于今天。"), "registered_on")
    if registered_on < committee.established_on:
        raise ServiceError("invalid_date", _("登记日期不能早于设立日期。"), "registered_on")
    committee.registered_on = registered_on
    committee.registration_number = _text(registration_number, "registration_number", 64, label=_("登记编号"))
    _full_clean(committee, exclude=["created_by"])
    committee.save()
    audit.record(actor=acting_user, action="governance.committee.registered", instance=committee, before=before)
    return committee


# -- applications ------------------------------------------------------------------------------------------------

def _materials(application: EthicsApplication, given: Mapping[str, Any]) -> None:
    labels = material_labels()
    for kind in (*MATERIALS, "other"):
        if kind in given and given[kind] is not None:
            setattr(application, kind, _text(given[kind], kind, 5000, label=labels[kind], required=False))


@transaction.atomic
def create_application(*, acting_user: User, committee_id: int, title: str, listed_item: str = "",
                       overview: str = "", plan: str = "", qualifications: str = "", consent: str = "",
                       commitment: str = "", other: str = "") -> EthicsApplication:
    """A member of the unit starts an application to its committee, or to the committee it entrusted with its
    reviews (a draft until submitted)."""
    committee = selectors.committees_to_apply_to(acting_user).filter(pk=committee_id).first()
    if committee is None:
        _committee(acting_user, committee_id)  # 404 when the user cannot see it at all
        raise PermissionDeniedError(_("只有本单位成员或委托该委员会的单位成员可以提交伦理审查申请。"))
    if listed_item not in ListedItem.values:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": listed_item}, "listed_item")
    organisation_id = committee.organisation_id
    if not _member_of_organisation(acting_user, organisation_id):  # an entrusting unit's member applies for it
        organisation_id = selectors.entrusting_organisation_ids(acting_user, committee)[0]
    application = EthicsApplication(title=_text(title, "title", 200, label=_("活动名称")),
                                    organisation_id=organisation_id, committee=committee,
                                    listed_item=listed_item, submitted_by=acting_user)
    _materials(application, {"overview": overview, "plan": plan, "qualifications": qualifications,
                             "consent": consent, "commitment": commitment, "other": other})
    _full_clean(application, exclude=["submitted_by"])
    application.save()
    audit.record(actor=acting_user, action="governance.application.created", instance=application)
    return application


@transaction.atomic
def update_materials(*, acting_user: User, application_id: int, listed_item: str | None = None,
                     overview: str | None = None, plan: str | None = None, qualifications: str | None = None,
                     consent: str | None = None, commitment: str | None = None,
                     other: str | None = None) -> EthicsApplication:
    """The applicant completes or revises the materials (a draft, after the notice, or to resubmit)."""
    application = _application(acting_user, application_id)
    if not _member_of_organisation(acting_user, application.organisation_id):
        raise PermissionDeniedError(_("只有申请单位的成员可以修改材料。"))
    _state(application, ApplicationStatus.DRAFT, ApplicationStatus.INCOMPLETE, ApplicationStatus.REVISE)
    before = audit.snapshot(application)
    if listed_item is not None:
        if listed_item not in ListedItem.values:
            raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": listed_item}, "listed_item")
        application.listed_item = listed_item
    _materials(application, {"overview": overview, "plan": plan, "qualifications": qualifications,
                             "consent": consent, "commitment": commitment, "other": other})
    _full_clean(application, exclude=["submitted_by"])
    application.save()
    audit.record(actor=acting_user, action="governance.application.updated", instance=application, before=before)
    return application


@transaction.atomic
def submit_application(*, acting_user: User, application_id: int) -> EthicsApplication:
    """Submit (or resubmit after a notice or a "revise and resubmit" decision) to the committee."""
    application = _application(acting_user, application_id)
    if not _member_of_organisation(acting_user, application.organisation_id):
        raise PermissionDeniedError(_("只有申请单位的成员可以提交申请。"))
    _state(application, ApplicationStatus.DRAFT, ApplicationStatus.INCOMPLETE, ApplicationStatus.REVISE)
    before = audit.snapshot(application)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.submitted_by = acting_user
    # Guangdong art. 33: an activity located in Guangdong that touches a red line is flagged for the committee and
    # the officials of the place; resubmitting keeps what officials already decided (`incidents.merge_flags`).
    application.red_lines = incidents.merge_flags(list(application.red_lines or []), incidents.flag_red_lines(
        application.organisation.jurisdiction_id, harms=[],
        text="\n".join((application.title, application.overview, application.plan))))
    application.save()
    _notify_people(_committee_users(application.committee), application, _("新的伦理审查申请：%(t)s"))
    audit.record(actor=acting_user, action="governance.application.submitted", instance=application,
                 before=before)
    return application


def missing(application: EthicsApplication) -> list[str]:
    """Every kind of material still empty (Art. 9), the committee's extra request included."""
    required = [*MATERIALS, *(["other"] if application.requested_other else [])]
    return rules.missing_materials(application.materials(), required)


@transaction.atomic
def examine_application(*, acting_user: User, application_id: int, procedure: str,
                        requested_other: str = "") -> EthicsApplication:
    """Art. 10: the committee checks the materials. Anything missing (and any other material it asks for, which it
    may ask for only in this first notice) is listed in ONE notice and the application goes back to the applicant;
    otherwise it is accepted under the chosen procedure and the decision clock starts."""
    application = _application(acting_user, application_id)
    _as_committee(acting_user, application)
    _state(application, ApplicationStatus.SUBMITTED)
    if procedure not in Procedure.values:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": procedure}, "procedure")
    if application.listed and procedure == Procedure.SIMPLIFIED:
        raise ServiceError("not_simplified", _("纳入专家复核清单的活动不适用简易程序。"), "procedure")
    requested_other = _text(requested_other, "requested_other", 500, label=_("委员会要求的其他材料"),
                            required=False)
    if requested_other and application.notice_given_at is not None:
        raise ServiceError("notice_once", _("补正内容应一次性告知：已告知过的申请不能再要求新的材料。"),
                           "requested_other")
    before = audit.snapshot(application)
    if requested_other:
        application.requested_other = requested_other
    gaps = missing(application)
    today = timezone.localdate()
    if gaps:
        labels = material_labels()
        application.missing_notice = [{"kind": kind, "label": str(labels[kind])} for kind in gaps]
        application.notice_given_at = timezone.now()
        application.status = ApplicationStatus.INCOMPLETE
        application.save()
        _notify_people([application.submitted_by], application, _("伦理审查申请材料需补正：%(t)s"),
                       _("请一次性补齐告知书所列全部材料后重新提交。"))
        audit.record(actor=acting_user, action="governance.application.notice_given", instance=application,
                     before=before)
        return application
    application.status = ApplicationStatus.ACCEPTED
    application.procedure = procedure
    application.accepted_on = today
    now = timezone.now()
    if procedure == Procedure.EMERGENCY:
        key = "ethics.emergency_review_hours"
        application.decision_due = now + dt.timedelta(hours=int(ethics.value(key, today)))
    else:
        key = "ethics.decision_days"
        application.decision_due = now + dt.timedelta(days=int(ethics.value(key, today)))
    version = ethics.version(key, today)
    application.decision_due_basis = {"parameter": key, "value": version.value, "unit": version.unit,
                                      "status": str(version.status), "citation": version.citation.as_dict()}
    application.save()
    _notify_people([application.submitted_by], application, _("伦理审查申请已受理：%(t)s"))
    audit.record(actor=acting_user, action="governance.application.accepted", instance=application, before=before)
    return application


def _votes(votes: Mapping[Any, Any] | None) -> dict[int, str]:
    """{member or expert id: choice} from ids given as numbers or as the text of numbers; anything else is refused
    naming `votes`."""
    try:
        return {int(k): str(v) for k, v in (votes or {}).items()}
    except (TypeError, ValueError, AttributeError):
        raise ServiceError("invalid_vote", _("表决记录应为“编号: 意见”。"), "votes") from None


def _check_dicts(checks: Sequence[rules.Check]) -> list[dict[str, object]]:
    return [c.as_dict() for c in checks]


def _refusal(checks: Sequence[rules.Check], code: str, field: str) -> ServiceError:
    failed = [c for c in checks if c.required and not c.ok]
    text = "；".join(c.text_zh for c in failed) if not _english() else "; ".join(c.text_en for c in failed)
    return ServiceError(code, text, field)


@transaction.atomic
def record_review(*, acting_user: User, application_id: int, held_on: dt.date, present: Sequence[int],
                  conflicts: Sequence[int] = (), votes: Mapping[int, str] | None = None,
                  opinion: str = "") -> Review:
    """A review of an accepted application, with its attendance, conflicts and one vote per member present.

    General and emergency procedure: a meeting whose quorum (Art. 14: enough members present, the members with a
    declared conflict not counted, and every member category among them) is checked first: a failure is refused
    with its reasons and nothing is written. The decision is the outcome chosen by the pack's share (two thirds) of
    the members present and not excluded; when none reaches it, the review is recorded without a decision.
    Simplified procedure: `present` are the designated reviewers; they decide only when all approve alike,
    otherwise the application moves to the general procedure."""
    application = _application(acting_user, application_id)
    _as_committee(acting_user, application, chairing=True)
    _state(application, ApplicationStatus.ACCEPTED)
    if not isinstance(held_on, dt.date) or held_on > timezone.localdate():
        raise ServiceError("invalid_date", _("审查日期不能晚于今天。"), "held_on")
    if application.accepted_on and held_on < application.accepted_on:
        raise ServiceError("invalid_date", _("审查日期不能早于受理日期。"), "held_on")
    today = timezone.localdate()
    members = {m.pk: m for m in CommitteeMember.objects.select_related("user").filter(
        committee=application.committee, term_start__lte=held_on, term_end__gte=held_on)}
    try:
        present_ids = {int(i) for i in present}
        conflict_ids = {int(i) for i in conflicts}
    except (TypeError, ValueError):
        raise ServiceError("invalid_member", _("请选择委员。"), "present") from None
    unknown = sorted((present_ids | conflict_ids) - set(members))
    if unknown:
        raise ServiceError("unknown_member", _("不是该委员会审查当日在任的委员：%(v)s")
                           % {"v": ", ".join(map(str, unknown))}, "present")
    # The submitter, if a member, is excluded for a conflict whatever was declared.
    conflict_ids |= {pk for pk, m in members.items() if m.user_id == application.submitted_by_id}
    voting = sorted(present_ids - conflict_ids)
    votes = _votes(votes)
    stray = sorted(set(votes) - set(voting))
    if stray:
        raise ServiceError("stray_vote", _("只有到会且无需回避的委员可以表决：%(v)s")
                           % {"v": ", ".join(map(str, stray))}, "votes")
    bad = sorted(k for k, v in votes.items() if v not in Vote.values)
    if bad:
        raise ServiceError("invalid_choice", _("无效的表决意见。"), "votes")
    not_voted = [pk for pk in voting if pk not in votes]
    if not_voted:
        raise ServiceError("missing_vote", _("请记录每名到会委员的表决意见：%(v)s")
                           % {"v": "、".join(str(members[pk]) for pk in not_voted)}, "votes")
    limits = ethics.rules_on(today)
    procedure = application.procedure
    outcome: str | None
    if procedure == Procedure.SIMPLIFIED:
        outcome, checks = rules.simplified(votes, len(voting), limits)
        if not checks[0].ok:
            raise _refusal(checks[:1], "quorum", "present")
    else:
        quorum = rules.quorum([members[pk].as_rule() for pk in voting], limits)
        if not rules.holds(quorum):
            raise _refusal(quorum, "quorum", "present")
        tally = rules.decide(votes, len(voting), limits.decision_share)
        outcome, checks = tally.outcome, [*quorum, *tally.checks]
    status_before = application.status
    review = Review(application=application, procedure=procedure, held_on=held_on,
                    outcome=_OUTCOME_STATUS[outcome] if outcome else "", checks=_check_dicts(checks),
                    opinion=_text(opinion, "opinion", 5000, label=_("审查意见"), required=False),
                    recorded_by=acting_user)
    review.save()
    Attendance.objects.bulk_create([
        Attendance(review=review, member=member, present=pk in present_ids, conflict=pk in conflict_ids,
                   vote=votes.get(pk, "")) for pk, member in sorted(members.items())])
    if procedure == Procedure.SIMPLIFIED and outcome is None:
        application.procedure = Procedure.GENERAL  # the designated reviewers did not all approve: to a meeting
    elif outcome is not None:
        _decide(application, outcome, held_on, limits)
    application.save()
    _notify_people([application.submitted_by], application, _("伦理审查结果：%(t)s"),
                   _("审查结论：%(o)s"), {"o": application.get_status_display()})
    audit.record(actor=acting_user, action="governance.review.recorded", instance=review,
                 after={**(audit.snapshot(review) or {}), "votes": {str(k): v for k, v in votes.items()},
                        "present": sorted(present_ids), "conflicts": sorted(conflict_ids),
                        "application_status": [status_before, application.status]},
                 organisation_id=application.organisation_id)
    return review


def _decide(application: EthicsApplication, outcome: str, day: dt.date, limits: rules.EthicsRules) -> None:
    status = _OUTCOME_STATUS[outcome]
    application.decided_on = day
    if application.listed and outcome in rules.APPROVING:
        # A listed activity approved by its committee is only preliminarily approved: to the authority (Art. 26).
        application.status = ApplicationStatus.RE_REVIEW
        application.referred_jurisdiction_id = application.organisation.jurisdiction_id
        application.re_review_due = day + dt.timedelta(days=int(ethics.value("ethics.re_review.days", day)))
        # The expert re-review is organised by the department holding the ethics-review duty there.
        work.open_work(code=work.ETHICS_REVIEW, subject=application,
                       jurisdiction=application.organisation.jurisdiction, title=application.title,
                       link=f"/governance/ethics/applications/{application.pk}/")
        return
    application.status = status
    if status in (ApplicationStatus.APPROVED, ApplicationStatus.APPROVED_WITH_CHANGES):
        _schedule_follow_up(application, day, limits)


def _schedule_follow_up(application: EthicsApplication, after: dt.date, limits: rules.EthicsRules) -> FollowUp:
    return FollowUp.objects.create(application=application,
                                   due_on=rules.follow_up_due(after, limits, listed=application.listed))


# -- expert re-review (Arts. 25–30) ------------------------------------------------------------------------------

def _as_authority(acting_user: User, application: EthicsApplication) -> None:
    """An official of the jurisdiction the listed activity is referred to, who is no member of the applying unit."""
    place = application.referred_jurisdiction_id
    if place is None or not permissions.can_create_in(acting_user, jurisdiction_id=place):
        raise PermissionDeniedError(_("专家复核由活动所在地的主管部门组织。"))
    if not acting_user.is_superuser and application.organisation_id in permissions.user_organisation_ids(
            acting_user, "view"):
        raise PermissionDeniedError(_("不能组织本单位活动的专家复核。"))


@transaction.atomic
def draw_re_review_panel(*, acting_user: User, application_id: int, fields: list[str], size: int) -> ReReview:
    """The authority draws the re-review panel from the expert pool with the experts app's reproducible draw: at
    least the pack's number of experts, none of the applying unit's staff and none of its committee's members."""
    application = _application(acting_user, application_id)
    _as_authority(acting_user, application)
    _state(application, ApplicationStatus.RE_REVIEW)
    if ReReview.objects.filter(application=application).exists():
        raise ServiceError("already_drawn", _("该申请的复核专家组已抽取。"), "size", status=409)
    limits = ethics.rules_on(timezone.localdate())
    if not isinstance(size, int) or isinstance(size, bool) or size < limits.re_review_min_experts:
        raise ServiceError("too_few", _("复核专家组不少于%(n)s名专家。") % {"n": limits.re_review_min_experts},
                           "size")
    place = application.referred_jurisdiction
    assert place is not None  # _as_authority refused an application not referred
    committee_users = list(application.committee.members.values_list("user_id", flat=True))
    excluded = {pk: COMMITTEE_MEMBER for pk in ExpertProfile.objects.filter(
        user_id__in=committee_users).values_list("pk", flat=True)}
    draw = expert_services.draw_panel(
        acting_user=acting_user, purpose=str(_("科技伦理专家复核：%(t)s") % {"t": application.title})[:300],
        subject_type="governance.ethicsapplication", subject_id=str(application.pk),
        jurisdiction=place.code, fields=fields, size=size,
        conflicted_organisation_ids=[application.organisation_id], excluded_experts=excluded)
    re_review = ReReview.objects.create(application=application, jurisdiction=place,
                                        draw=draw, created_by=acting_user)
    experts = list(ExpertProfile.objects.filter(pk__in=[int(i) for i in draw.selected]).select_related("user"))
    re_review.panel_users.set([e.user_id for e in experts])
    _notify_people([e.user for e in experts], application, _("请提交专家复核意见：%(t)s"),
                   _("您被抽取为该科技活动的复核专家，请阅读材料后在线提交复核意见。"))
    audit.record(actor=acting_user, action="governance.re_review.drawn", instance=re_review)
    return re_review


def awaiting_opinion_of(user: Any, re_review: ReReview | None) -> bool:
    """Whether `user` is an expert of the drawn panel who has not yet submitted an opinion."""
    if re_review is None or re_review.outcome or not getattr(user, "pk", None):
        return False
    expert = expert_selectors.drawn_expert(re_review.draw, user)
    return expert is not None and str(expert.pk) not in re_review.votes


@transaction.atomic
def submit_re_review_opinion(*, acting_user: User, application_id: int, vote: str, opinion: str) -> ReReview:
    """An expert of the drawn panel submits their own opinion (Art. 28), once; nobody submits for them. When every
    expert has, the panel's conclusion follows (Art. 30): agreed when the pack's share (two thirds) of ALL its
    experts agree. An agreed re-review approves the activity (as its committee decided) and starts its follow-up
    reviews; otherwise the activity is not approved."""
    application = _application(acting_user, application_id)
    _state(application, ApplicationStatus.RE_REVIEW)
    re_review = ReReview.objects.select_for_update(of=("self",)).select_related("draw").filter(
        application=application).first()
    if re_review is None:
        raise ServiceError("not_drawn", _("复核专家组尚未抽取。"), "vote", status=409)
    panel = [int(i) for i in re_review.draw.selected]
    expert = expert_selectors.drawn_expert(re_review.draw, acting_user)
    if expert is None or not re_review.panel_users.filter(pk=acting_user.pk).exists():
        raise PermissionDeniedError(_("只有抽取的复核专家本人可以提交复核意见。"))
    if str(expert.pk) in re_review.votes:
        raise ServiceError("already_submitted", _("您已提交复核意见。"), "vote", status=409)
    if vote not in PanelVote.values:
        raise ServiceError("invalid_choice", _("无效的复核意见。"), "vote")
    text = _text(opinion, "opinion", 5000, label=_("书面意见"))
    before = audit.snapshot(re_review)
    re_review.votes = {**re_review.votes, str(expert.pk): vote}
    re_review.opinions = {**re_review.opinions, str(expert.pk): text}
    today = timezone.localdate()
    if len(re_review.votes) == len(panel):
        _conclude(acting_user, re_review, application, today)
    re_review.save()
    audit.record(actor=acting_user, action="governance.re_review.opinion_submitted", instance=re_review,
                 before=before)
    return re_review


def _conclude(actor: User, re_review: ReReview, application: EthicsApplication, day: dt.date) -> None:
    """The panel's conclusion once every expert has submitted, by the rule of Art. 30."""
    panel = [int(i) for i in re_review.draw.selected]
    limits = ethics.rules_on(day)
    tally = rules.re_review({int(k): v for k, v in re_review.votes.items()}, len(panel), limits)
    re_review.outcome = tally.outcome or ""
    re_review.checks = _check_dicts(tally.checks)
    re_review.decided_on = day
    preliminary = application.reviews.exclude(outcome="").order_by("-held_on", "-id").first()
    if tally.outcome == rules.AGREE:
        application.status = preliminary.outcome if preliminary else ApplicationStatus.APPROVED
        _schedule_follow_up(application, day, limits)
    else:
        application.status = ApplicationStatus.REJECTED
    application.decided_on = day
    application.save()
    work.close_work(subject=application, code=work.ETHICS_REVIEW)
    _notify_people([application.submitted_by, *_committee_users(application.committee)], application,
                   _("专家复核结果：%(t)s"), _("复核结论：%(o)s"), {"o": re_review.get_outcome_display()})
    audit.record(actor=actor, action="governance.re_review.decided", instance=re_review)


# -- follow-up reviews -------------------------------------------------------------------------------------------

@transaction.atomic
def record_follow_up(*, acting_user: User, follow_up_id: int, done_on: dt.date, conclusion: str) -> FollowUp:
    """A committee member records a follow-up review; the next one is due within the pack's interval."""
    follow_up = selectors.follow_ups(acting_user).filter(pk=follow_up_id).first()
    if follow_up is None:
        raise NotFoundError()
    application = _application(acting_user, follow_up.application_id)
    _as_committee(acting_user, application)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_on is not None:
        raise ServiceError("already_done", _("该次跟踪审查已记录。"), "done_on", status=409)
    if not isinstance(done_on, dt.date) or done_on > timezone.localdate():
        raise ServiceError("invalid_date", _("审查日期不能晚于今天。"), "done_on")
    before = audit.snapshot(follow_up)
    follow_up.done_on = done_on
    follow_up.conclusion = _text(conclusion, "conclusion", 5000, label=_("跟踪审查意见"))
    follow_up.recorded_by = acting_user
    follow_up.save()
    _schedule_follow_up(application, done_on, ethics.rules_on(done_on))
    audit.record(actor=acting_user, action="governance.follow_up.recorded", instance=follow_up, before=before,
                 organisation_id=application.organisation_id)
    return follow_up


@transaction.atomic
def remind_follow_ups(*, acting_user: User | None = None, today: dt.date | None = None) -> int:
    """Notify the committee's members and the submitter of each follow-up review due within the pack's reminder
    days and not reminded yet; marks each as reminded in the same transaction (safe to rerun)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=int(ethics.value("ethics.follow_up.reminder_days", today)))
    due = list(FollowUp.objects.select_for_update(of=("self",)).select_related(
        "application__committee", "application__submitted_by").filter(
        done_on__isnull=True, reminded_at__isnull=True, due_on__lte=horizon))
    now = timezone.now()
    for follow_up in due:
        application = follow_up.application
        _notify_people([application.submitted_by, *_committee_users(application.committee)], application,
                       _("跟踪审查即将到期：%(t)s"), _("请于%(d)s前完成跟踪审查。"), {"d": follow_up.due_on})
        follow_up.reminded_at = now
        follow_up.save(update_fields=["reminded_at", "updated_at"])
    if due:
        audit.record(actor=acting_user, action="governance.follow_up.reminded", instance=None,
                     after={"follow_ups": [f.pk for f in due], "today": today.isoformat()},
                     object_type="governance.followup", object_id=",".join(str(f.pk) for f in due[:20]),
                     object_repr=str(len(due)))
    return len(due)


@transaction.atomic
def remind_unregistered_committees(*, acting_user: User | None = None, today: dt.date | None = None) -> int:
    """Tell the unit's members and the committee's members, once, of each committee still unregistered when the
    registration period after its establishment (`ethics.committee.registration_days`) has run out; marks each
    as reminded in the same transaction (safe to rerun)."""
    today = today or timezone.localdate()
    days = int(ethics.value("ethics.committee.registration_days", today))
    late = list(EthicsCommittee.objects.select_for_update(of=("self",)).filter(
        registered_on__isnull=True, registration_reminded_on__isnull=True,
        established_on__lt=today - dt.timedelta(days=days)))
    for committee in late:
        due = committee.established_on + dt.timedelta(days=days)
        users = {u.pk: u for u in [*_committee_users(committee), *User.objects.filter(
            pk__in=_organisation_user_ids(committee.organisation_id))]}
        for user in users.values():
            notify(recipient=user, verb="governance.ethics", title=_("伦理委员会逾期未登记：%(t)s"),
                   body=_("应于%(d)s前在国家科技伦理管理信息登记平台登记。"), params={"t": committee.name, "d": due},
                   link=f"/governance/ethics/committees/{committee.pk}/", target=committee)
        committee.registration_reminded_on = today
        committee.save(update_fields=["registration_reminded_on", "updated_at"])
    if late:
        audit.record(actor=acting_user, action="governance.committee.registration_overdue", instance=None,
                     after={"committees": [c.pk for c in late], "today": today.isoformat()},
                     object_type="governance.ethicscommittee", object_id=",".join(str(c.pk) for c in late[:20]),
                     object_repr=str(len(late)))
    return len(late)


# -- registration of listed activities (清单内活动登记) ------------------------------------------------------------

APPROVED = (ApplicationStatus.APPROVED, ApplicationStatus.APPROVED_WITH_CHANGES)


def activity_registration_pending(application: EthicsApplication) -> bool:
    """A listed activity approved (after its re-review) and not registered yet."""
    return (application.listed and application.status in APPROVED and application.decided_on is not None
            and application.activity_registered_on is None)


@transaction.atomic
def register_activity(*, acting_user: User, application_id: int, registered_on: dt.date,
                      registration_number: str) -> EthicsApplication:
    """The applying unit records the registration of its approved listed activity on the national ethics
    registration platform: the day and the number it got (due within `ethics.activity.registration_days`)."""
    application = _application(acting_user, application_id)
    if not _member_of_organisation(acting_user, application.organisation_id):
        raise PermissionDeniedError(_("只有申请单位的成员可以登记清单内活动。"))
    if not application.listed:
        raise ServiceError("not_listed", _("只有纳入专家复核清单的活动需要登记。"), "registered_on", status=409)
    _state(application, *APPROVED)
    if application.activity_registered_on is not None:
        raise ServiceError("already_registered", _("该活动已登记。"), "registered_on", status=409)
    if not isinstance(registered_on, dt.date) or registered_on > timezone.localdate():
        raise ServiceError("invalid_date", _("登记日期不能晚于今天。"), "registered_on")
    if application.decided_on and registered_on < application.decided_on:
        raise ServiceError("invalid_date", _("登记日期不能早于批准日期。"), "registered_on")
    before = audit.snapshot(application)
    application.activity_registered_on = registered_on
    application.activity_registration_number = _text(registration_number, "registration_number", 64,
                                                      label=_("登记编号"))
    application.save()
    audit.record(actor=acting_user, action="governance.application.activity_registered", instance=application,
                 before=before)
    return application


@transaction.atomic
def remind_unregistered_activities(*, acting_user: User | None = None, today: dt.date | None = None) -> int:
    """Tell the applying unit's members (and the submitter), once, of each approved listed activity still
    unregistered after the registration period; marks each as reminded in the same transaction (safe to rerun)."""
    today = today or timezone.localdate()
    days = int(ethics.value("ethics.activity.registration_days", today))
    late = list(EthicsApplication.objects.select_for_update(of=("self",)).select_related("submitted_by").filter(
        status__in=APPROVED, decided_on__lt=today - dt.timedelta(days=days), activity_registered_on__isnull=True,
        activity_registration_reminded_on__isnull=True).exclude(listed_item=""))
    for application in late:
        assert application.decided_on is not None  # the filter above selects decided applications only
        users = [application.submitted_by, *User.objects.filter(
            pk__in=_organisation_user_ids(application.organisation_id))]
        _notify_people(users, application, _("清单内活动逾期未登记：%(t)s"),
                       _("应于%(d)s前在国家科技伦理管理信息登记平台登记，并在平台记录登记日期和编号。"),
                       {"d": ethics.activity_registration_due(application.decided_on)})
        application.activity_registration_reminded_on = today
        application.save(update_fields=["activity_registration_reminded_on", "updated_at"])
    if late:
        audit.record(actor=acting_user, action="governance.application.registration_overdue", instance=None,
                     after={"applications": [a.pk for a in late], "today": today.isoformat()},
                     object_type="governance.ethicsapplication", object_id=",".join(str(a.pk) for a in late[:20]),
                     object_repr=str(len(late)))
    return len(late)


# -- committee annual reports (年度报告) --------------------------------------------------------------------------

@transaction.atomic
def file_annual_report(*, acting_user: User, committee_id: int, year: int, remarks: str = "") -> AnnualReport:
    """The committee's chair or a vice-chair files the year's work report: the figures are the platform's own count
    of the committee's records for that year (`selectors.annual_figures`), fixed when filed; the committee adds its
    remarks. Once per committee and year; the supervising department (the unit's jurisdiction) then sees it."""
    committee = _committee(acting_user, committee_id)
    today = timezone.localdate()
    membership = _serving_membership(acting_user, committee, today)
    if membership is None or membership.role not in (MemberRole.CHAIR, MemberRole.VICE_CHAIR):
        raise PermissionDeniedError(_("年度报告由委员会主任委员或副主任委员报送。"))
    if not isinstance(year, int) or isinstance(year, bool) or not (
            committee.established_on.year <= year <= today.year):
        raise ServiceError("invalid_year", _("报告年度应在委员会设立年度至今年之间。"), "year")
    committee = EthicsCommittee.objects.select_for_update().select_related("organisation").get(pk=committee.pk)
    if AnnualReport.objects.filter(committee=committee, year=year).exists():
        raise ServiceError("already_filed", _("该年度的年度报告已报送。"), "year", status=409)
    report = AnnualReport(committee=committee, year=year, jurisdiction_id=committee.organisation.jurisdiction_id,
                          figures=selectors.annual_figures(committee, year, today),
                          remarks=_text(remarks, "remarks", 5000, label=_("委员会说明"), required=False),
                          submitted_at=timezone.now(), submitted_by=acting_user)
    _full_clean(report, exclude=["submitted_by", "committee", "jurisdiction"])
    report.save()
    audit.record(actor=acting_user, action="governance.annual_report.filed", instance=report,
                 organisation_id=committee.organisation_id)
    return report


@transaction.atomic
def remind_missing_annual_reports(*, acting_user: User | None = None, today: dt.date | None = None) -> int:
    """After the due date of last year's report (`ethics.annual_report.due`), tell the chair and vice-chairs of each
    committee set up by then and the unit's members, once per year, that the report is missing; marks each as told
    in the same transaction (safe to rerun)."""
    today = today or timezone.localdate()
    year = today.year - 1
    if today <= ethics.annual_report_due(year):
        return 0
    late = list(EthicsCommittee.objects.select_for_update(of=("self",)).filter(
        established_on__year__lte=year).exclude(annual_reports__year=year).exclude(
        annual_report_reminded_year__gte=year))
    for committee in late:
        chairs = [m.user for m in committee.members.select_related("user").filter(
            role__in=(MemberRole.CHAIR, MemberRole.VICE_CHAIR), term_start__lte=today, term_end__gte=today)]
        users = {u.pk: u for u in [*chairs, *User.objects.filter(
            pk__in=_organisation_user_ids(committee.organisation_id))]}
        for user in users.values():
            notify(recipient=user, verb="governance.ethics", title=_("伦理委员会年度报告逾期未报送：%(t)s"),
                   body=_("%(y)s年度工作报告应于%(d)s前报送。"),
                   params={"t": committee.name, "y": year, "d": ethics.annual_report_due(year)},
                   link=f"/governance/ethics/committees/{committee.pk}/annual-report/", target=committee)
        committee.annual_report_reminded_year = year
        committee.save(update_fields=["annual_report_reminded_year", "updated_at"])
    if late:
        audit.record(actor=acting_user, action="governance.annual_report.overdue", instance=None,
                     after={"committees": [c.pk for c in late], "year": year, "today": today.isoformat()},
                     object_type="governance.ethicscommittee", object_id=",".join(str(c.pk) for c in late[:20]),
                     object_repr=str(len(late)))
    return len(late)


# -- entrusting another unit's committee (委托审查) ----------------------------------------------------------------

@transaction.atomic
def entrust_committee(*, acting_user: User, organisation_id: int, committee_id: int, agreed_on: dt.date,
                      scope_text: str, term_start: dt.date, term_end: dt.date) -> Entrustment:
    """A unit without a committee of its own records its written entrustment of another unit's registered committee
    (the day it was agreed, its scope and term); the committee then reviews that unit's applications."""
    organisation = _organisation(acting_user, organisation_id)
    if EthicsCommittee.objects.filter(organisation=organisation).exists():
        raise ServiceError("has_committee", _("本单位已设立伦理委员会，应由本单位委员会审查。"), "organisation_id")
    committee = selectors.entrustable_committees().exclude(organisation=organisation).filter(
        pk=committee_id).first()
    if committee is None:
        raise ServiceError("unknown_committee", _("请选择已登记的其他单位伦理委员会。"), "committee_id")
    today = timezone.localdate()
    if not isinstance(agreed_on, dt.date) or agreed_on > today:
        raise ServiceError("invalid_date", _("委托书签订日期不能晚于今天。"), "agreed_on")
    if not isinstance(term_start, dt.date) or not isinstance(term_end, dt.date) or term_end < term_start:
        raise ServiceError("invalid_date", _("委托期限结束不能早于开始。"), "term_end")
    if term_end < today:
        raise ServiceError("invalid_date", _("委托期限已届满。"), "term_end")
    if Entrustment.objects.filter(organisation=organisation, committee=committee, term_end__gte=term_start,
                                  term_start__lte=term_end).exists():
        raise ServiceError("duplicate", _("该期限内已委托该委员会。"), "committee_id", status=409)
    entrustment = Entrustment(organisation=organisation, committee=committee, agreed_on=agreed_on,
                              scope_text=_text(scope_text, "scope_text", 500, label=_("委托范围")),
                              term_start=term_start, term_end=term_end, created_by=acting_user)
    _full_clean(entrustment, exclude=["created_by", "organisation", "committee"])
    entrustment.save()
    for user in _committee_users(committee):
        notify(recipient=user, verb="governance.ethics", title=_("受托审查：%(o)s委托本委员会开展伦理审查"),
               params={"o": organisation.name}, link="/governance/ethics/entrustments/", target=entrustment)
    audit.record(actor=acting_user, action="governance.entrustment.created", instance=entrustment,
                 organisation_id=organisation.pk)
    return entrustment


# -- independent advisers (独立顾问) ------------------------------------------------------------------------------

OPEN_FOR_ADVICE = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED)


@transaction.atomic
def invite_adviser(*, acting_user: User, application_id: int, user_id: int, question: str) -> Advice:
    """A serving member of the committee invites an independent adviser to give a written opinion on one
    application: nobody of the committee, of the applying unit, nor its submitter; they read only that
    application's materials and have no vote."""
    application = _application(acting_user, application_id)
    _as_committee(acting_user, application)
    _state(application, *OPEN_FOR_ADVICE)
    user = User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None
    if user is None:
        raise ServiceError("unknown_user", _("用户不存在。"), "user_id")
    if application.committee.members.filter(user=user).exists():
        raise ServiceError("committee_member", _("委员会委员不能担任本委员会的独立顾问。"), "user_id")
    if user.pk == application.submitted_by_id or user.pk in _organisation_user_ids(application.organisation_id):
        raise ServiceError("conflict", _("申请单位人员与申请存在利益冲突，不能担任独立顾问。"), "user_id")
    if Advice.objects.filter(application=application, adviser=user).exists():
        raise ServiceError("duplicate", _("已邀请该顾问。"), "user_id", status=409)
    advice = Advice(application=application, adviser=user, invited_by=acting_user,
                    question=_text(question, "question", 2000, label=_("咨询事项")))
    advice.save()
    notify(recipient=user, verb="governance.ethics", title=_("邀请您担任独立顾问：%(t)s"),
           body=_("请阅读申请材料，声明无利益冲突后提交书面咨询意见。独立顾问不参与表决。"),
           params={"t": application.title}, link=f"/governance/ethics/advice/{advice.pk}/", target=advice)
    audit.record(actor=acting_user, action="governance.advice.invited", instance=advice,
                 organisation_id=application.organisation_id)
    return advice


@transaction.atomic
def submit_advice(*, acting_user: User, advice_id: int, no_conflict: bool, opinion: str) -> Advice:
    """The invited adviser, and only they, declares no conflict of interest and submits their written opinion,
    once, while the application is still under review."""
    found = selectors.advice_for(acting_user).filter(pk=advice_id).first()
    if found is None:
        raise NotFoundError()
    advice = Advice.objects.select_for_update().select_related("application").get(pk=found.pk)
    if advice.submitted_at is not None:
        raise ServiceError("already_submitted", _("您已提交咨询意见。"), "opinion", status=409)
    _state(advice.application, *OPEN_FOR_ADVICE)
    if no_conflict is not True:
        raise ServiceError("conflict_not_declared",
                           _("请声明与该申请无利益冲突；存在利益冲突的，不能提交咨询意见。"), "no_conflict")
    before = audit.snapshot(advice)
    advice.no_conflict = True
    advice.opinion = _text(opinion, "opinion", 5000, label=_("咨询意见"))
    advice.submitted_at = timezone.now()
    advice.save()
    _notify_people(_committee_users(advice.application.committee), advice.application,
                   _("独立顾问已提交咨询意见：%(t)s"))
    audit.record(actor=acting_user, action="governance.advice.submitted", instance=advice, before=before,
                 organisation_id=advice.application.organisation_id)
    return advice
