"""Every write of the experts module (Suzhou art. 8, 专家咨询机制). One transaction and one audit event each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, domains, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError, from_validation_error
from aiplus.core.models import Jurisdiction, Organisation, RoleAssignment, User
from aiplus.core.services import notify
from aiplus.experts import draws
from aiplus.experts.models import (
    ConflictDeclaration,
    Consultation,
    Draw,
    DrawMember,
    ExpertProfile,
    Opinion,
    Relationship,
)
from aiplus.regulation.runtime import active_packs

TAXONOMY = "scenario_domains"

# -- helpers -----------------------------------------------------------------------------------------------------

def field_parents() -> dict[str, str | None]:
    """Code -> parent code of the scenario taxonomy of the active packs (empty when no pack defines it)."""
    try:
        taxonomy = active_packs().taxonomy(TAXONOMY)
    except KeyError:
        return {}
    return {item.code: item.parent for item in taxonomy.flatten()}


def _clean_fields(fields: list[str], *, required: bool = True) -> list[str]:
    known = field_parents()
    cleaned = list(dict.fromkeys(str(code).strip() for code in fields or [] if str(code).strip()))
    if required and not cleaned:
        raise ServiceError("required", _("请至少选择一个专业领域。"), "fields")
    unknown = [code for code in cleaned if code not in known]
    if unknown:
        raise ServiceError("unknown_field_code",
                           _("未知的领域代码：%(c)s（见场景领域分类）。") % {"c": ", ".join(unknown)}, "fields")
    return cleaned


def _clean_technologies(technologies: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(str(t).strip() for t in technologies or [] if str(t).strip()))
    if any(len(t) > 60 for t in cleaned) or len(cleaned) > 30:
        raise ServiceError("too_long", _("技术方向最多30项，每项不超过60字。"), "technologies")
    return cleaned


def _jurisdiction(code_or_id: str | int, field: str = "jurisdiction") -> Jurisdiction:
    lookup = {"pk": code_or_id} if isinstance(code_or_id, int) else {"code": str(code_or_id).strip()}
    place = Jurisdiction.objects.filter(**lookup).first()
    if place is None:
        raise ServiceError("unknown_jurisdiction", _("辖区不存在：%(v)s") % {"v": code_or_id}, field)
    return place


def _organisation(organisation_id: int, field: str = "organisation_id") -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ServiceError("unknown_organisation", _("组织不存在：%(v)s") % {"v": organisation_id}, field)
    return organisation


def _full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise from_validation_error(error) from error


def _text(value: str, field: str, max_length: int, *, label: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError("required", _("请填写%(f)s。") % {"f": label}, field)
    if len(value) > max_length:
        raise ServiceError("too_long", _("%(f)s不能超过%(n)s字。") % {"f": label, "n": max_length}, field)
    return value


def related_jurisdiction_ids(place: Jurisdiction) -> set[int]:
    """The jurisdiction, everything above it and everything below it (regions: their members too)."""
    ids = set(permissions.jurisdiction_ids_in_scope(place.pk))
    parents = dict(Jurisdiction.objects.values_list("id", "parent_id"))
    current = parents.get(place.pk)
    while current is not None and current not in ids:
        ids.add(current)
        current = parents.get(current)
    return ids


def _manageable_profile(acting_user: User, expert_id: int) -> ExpertProfile:
    profile = ExpertProfile.objects.select_related("user").filter(pk=expert_id).first()
    if profile is None or not ExpertProfile.objects.restrict(acting_user, "view").filter(pk=expert_id).exists():
        raise NotFoundError()
    if profile.user_id != getattr(acting_user, "pk", None) and not permissions.can(acting_user, "change", profile):
        raise PermissionDeniedError()
    return profile


def _pool(place_ids: set[int]) -> list[draws.Pooled]:
    """Every active expert of the related jurisdictions, with declarations and role assignments (3 queries)."""
    today = timezone.localdate()
    profiles = list(ExpertProfile.objects.filter(is_active=True, user__is_active=True,
                                                 jurisdiction_id__in=place_ids).order_by("id"))
    declared: dict[int, dict[int, list[str]]] = {}
    for expert_id, organisation_id, kind in ConflictDeclaration.objects.filter(
            expert__in=[p.pk for p in profiles]).values_list("expert_id", "organisation_id", "relationship"):
        declared.setdefault(expert_id, {}).setdefault(organisation_id, []).append(kind)
    staff: dict[int, set[int]] = {}
    for user_id, organisation_id in RoleAssignment.objects.filter(
            user_id__in=[p.user_id for p in profiles], active=True, organisation__isnull=False
    ).values_list("user_id", "organisation_id"):
        staff.setdefault(user_id, set()).add(organisation_id)
    return [
        draws.Pooled(
            expert_id=p.pk, fields=tuple(p.fields), jurisdiction_id=p.jurisdiction_id,
            organisation_id=p.organisation_id, available=p.is_available_on(today),
            declared={k: tuple(v) for k, v in declared.get(p.pk, {}).items()},
            staff_of=frozenset(staff.get(p.user_id, set())),
        )
        for p in profiles
    ]


# -- services ----------------------------------------------------------------------------------------------------

@transaction.atomic
def register_expert(
    *,
    acting_user: User,
    user: User,
    organisation_id: int | None,
    fields: list[str],
    technologies: list[str] = [],  # noqa: B006 - never mutated
    title: str = "",
    jurisdiction: str,
) -> ExpertProfile:
    """Add a user to the expert pool of a jurisdiction (officials of it or above)."""
    place = _jurisdiction(jurisdiction)
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError(_("您不能在该辖区登记专家。"))
    if user is None or not getattr(user, "pk", None):
        raise ServiceError("required", _("请选择用户。"), "user")
    if ExpertProfile.objects.filter(user=user).exists():
        raise ServiceError("duplicate", _("该用户已在专家库中。"), "user")
    organisation = _organisation(organisation_id) if organisation_id is not None else None
    profile = ExpertProfile(
        user=user, organisation=organisation, fields=_clean_fields(fields),
        technologies=_clean_technologies(technologies), title=(title or "").strip(), jurisdiction=place,
    )
    _full_clean(profile, exclude=["user"])
    profile.save()
    if not RoleAssignment.objects.filter(user=user, role=permissions.EXPERT, active=True).exists():
        RoleAssignment.objects.create(user=user, role=permissions.EXPERT)
        permissions.forget(user)
    audit.record(actor=acting_user, action="experts.profile.registered", instance=profile)
    return profile


@transaction.atomic
def update_expert(
    *,
    acting_user: User,
    expert_id: int,
    fields: list[str] | None = None,
    technologies: list[str] | None = None,
    title: str | None = None,
    available: bool | None = None,
    unavailable_until: dt.date | None = None,
    is_active: bool | None = None,
) -> ExpertProfile:
    """Change a profile: the expert themself (fields, technologies, title, availability) or an official (all)."""
    profile = _manageable_profile(acting_user, expert_id)
    profile = ExpertProfile.objects.select_for_update().get(pk=profile.pk)
    before = audit.snapshot(profile)
    if is_active is not None and not permissions.can_create_in(acting_user, jurisdiction_id=profile.jurisdiction_id):
        raise PermissionDeniedError(_("只有主管部门可以调整专家在库状态。"))
    if fields is not None:
        profile.fields = _clean_fields(fields)
    if technologies is not None:
        profile.technologies = _clean_technologies(technologies)
    if title is not None:
        profile.title = title.strip()
    if available is not None:
        profile.available = available
    if unavailable_until is not None or available is not None:
        profile.unavailable_until = unavailable_until
    if is_active is not None:
        profile.is_active = is_active
    _full_clean(profile, exclude=["user"])
    profile.save()
    audit.record(actor=acting_user, action="experts.profile.updated", instance=profile, before=before)
    return profile


@transaction.atomic
def declare_conflict(
    *, acting_user: User, expert_id: int, organisation_id: int, relationship: str, note: str = "",
) -> ConflictDeclaration:
    """Record an expert's relationship with an organisation; draws then exclude the expert from its matters."""
    profile = _manageable_profile(acting_user, expert_id)
    if relationship not in Relationship.values:
        raise ServiceError("unknown_relationship", _("未知的关系类型：%(r)s") % {"r": relationship}, "relationship")
    organisation = _organisation(organisation_id)
    if ConflictDeclaration.objects.filter(expert=profile, organisation=organisation,
                                          relationship=relationship).exists():
        raise ServiceError("duplicate", _("已申报过与该组织的同类关系。"), "organisation_id")
    declaration = ConflictDeclaration(expert=profile, organisation=organisation, relationship=relationship,
                                      note=(note or "").strip())
    _full_clean(declaration)
    declaration.save()
    # Attached to the expert's jurisdiction and organisation, not to the declared one: its members need not see it.
    audit.record(actor=acting_user, action="experts.conflict.declared", instance=None,
                 after=audit.snapshot(declaration), object_type=declaration._meta.label_lower,
                 object_id=str(declaration.pk), object_repr=str(declaration),
                 jurisdiction_id=profile.jurisdiction_id, organisation_id=profile.organisation_id)
    return declaration


@transaction.atomic
def draw_panel(
    *,
    acting_user: User,
    purpose: str,
    subject_type: str,
    subject_id: str,
    jurisdiction: str,
    fields: list[str],
    size: int,
    conflicted_organisation_ids: list[int],
    excluded_experts: dict[int, str] | None = None,
) -> Draw:
    """Draw `size` experts at random from the eligible candidates, recording seed, candidates and exclusions.

    Nobody chooses the seed: it is derived from the draw's recorded public inputs (candidates, exclusions, time of
    the draw and a nonce the server generates now; see aiplus.experts.draws), stored as `seed_inputs`.
    `excluded_experts` (expert id -> reason code) leaves named experts out, recorded among the exclusions (another
    module's rule, e.g. the applying unit's ethics committee members for an ethics re-review).
    """
    place = _jurisdiction(jurisdiction)
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError(_("您不能在该辖区组织专家抽取。"))
    purpose = _text(purpose, "purpose", 300, label=_("用途"))
    requested = _clean_fields(fields)
    size = domains.clean(Draw, "size", size)
    conflicted = sorted({int(i) for i in conflicted_organisation_ids or []})
    known = set(Organisation.objects.filter(pk__in=conflicted).values_list("pk", flat=True))
    missing = [i for i in conflicted if i not in known]
    if missing:
        raise ServiceError("unknown_organisation", _("组织不存在：%(v)s") % {"v": ", ".join(map(str, missing))},
                           "conflicted_organisation_ids")

    place_ids = related_jurisdiction_ids(place)
    pool = _pool(place_ids)
    result = draws.eligibility(pool, fields=requested, jurisdiction_ids=place_ids, parents=field_parents(),
                               conflicted=conflicted, excluded_experts=excluded_experts)
    if len(result.candidate_ids) < size:
        raise ServiceError(
            "not_enough_experts",
            _("符合条件且无利益冲突的专家只有%(n)s名，少于抽取人数%(size)s。") % {"n": len(result.candidate_ids),
                                                                         "size": size},
            "size")
    subject_type = (subject_type or "").strip()[:80]
    subject_id = str(subject_id or "").strip()[:64]
    inputs = draws.seed_inputs(
        purpose=purpose, subject_type=subject_type, subject_id=subject_id, jurisdiction=place.code, fields=requested,
        size=size, candidate_ids=result.candidate_ids, excluded_ids=[e for e, _r in result.excluded],
        conflicted_organisation_ids=conflicted, drawn_at=timezone.now(), nonce=draws.new_nonce())
    seed = draws.derive_seed(inputs)
    selected = draws.sample(result.candidate_ids, size, seed)

    profiles = {p.pk: p for p in ExpertProfile.objects.select_related("user", "jurisdiction").filter(
        pk__in=[*result.candidate_ids, *(e for e, _r in result.excluded)])}
    draw = Draw(
        purpose=purpose, subject_type=subject_type, subject_id=subject_id,
        jurisdiction=place, fields=requested, size=size, seed=seed, seed_inputs=inputs,
        conflicted_organisation_ids=conflicted,
        candidates=[{"expert_id": i, "name": str(profiles[i]), "organisation_id": profiles[i].organisation_id,
                     "jurisdiction": profiles[i].jurisdiction.code, "fields": list(profiles[i].fields)}
                    for i in result.candidate_ids],
        excluded=[{"expert_id": i, "name": str(profiles[i]), "reasons": [r.as_dict() for r in reasons]}
                  for i, reasons in result.excluded],
        selected=selected, created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    _full_clean(draw, exclude=["created_by"])
    draw.save()
    DrawMember.objects.bulk_create(
        [DrawMember(draw=draw, expert_id=expert_id, position=index) for index, expert_id in enumerate(selected, 1)])
    audit.record(actor=acting_user, action="experts.panel.drawn", instance=draw)
    return draw


def redraw(draw: Draw) -> list[int]:
    """Re-run a recorded draw from its recorded seed and candidate list (pure; must equal `draw.selected`)."""
    return draws.sample(draw.candidate_ids(), draw.size, draw.seed)


def _record_disagrees(draw: Draw) -> list[str]:
    """The recorded inputs that differ from what the draw shows (its own columns); [] when they all agree."""
    inputs = draw.seed_inputs or {}
    shown: dict[str, Any] = {
        "purpose": lambda: draw.purpose, "subject_type": lambda: draw.subject_type,
        "subject_id": lambda: draw.subject_id, "jurisdiction": lambda: draw.jurisdiction.code,
        "fields": lambda: list(draw.fields), "size": lambda: draw.size,
        "candidate_ids": lambda: sorted(draw.candidate_ids()),
        "excluded_ids": lambda: sorted(int(e["expert_id"]) for e in draw.excluded),
        "conflicted_organisation_ids": lambda: sorted(int(i) for i in draw.conflicted_organisation_ids),
    }
    disagreeing = []
    for key, value in shown.items():
        try:
            if inputs.get(key) != value():
                disagreeing.append(key)
        except (KeyError, TypeError, ValueError):  # a column changed into something malformed
            disagreeing.append(key)
    return disagreeing


def verify_draw(draw: Draw) -> dict[str, Any]:
    """Re-check a recorded draw: recompute the seed from its recorded inputs and re-run the sample with that seed.

    Also checks that the recorded inputs are the ones the draw shows (its candidates, exclusions, fields, size...).
    Pure apart from reading the row (and its jurisdiction); writes nothing.
    """
    result = draws.verify(draw.seed_inputs, seed=draw.seed, selected=draw.selected)
    disagreeing = _record_disagrees(draw) if draw.seed_inputs else []
    inputs_match = bool(draw.seed_inputs) and not disagreeing
    return {
        "draw_id": draw.pk,
        "seed": draw.seed,
        "recomputed_seed": result.recomputed_seed,
        "seed_matches": result.seed_matches,
        "recorded": list(result.recorded_selection),
        "recomputed": list(result.recomputed_selection) if result.recomputed_selection is not None else None,
        "selection_matches": result.selection_matches,
        "inputs_match": inputs_match,
        "inputs_disagreeing": disagreeing,
        "has_inputs": bool(draw.seed_inputs),
        "matches": result.seed_matches and result.selection_matches and inputs_match,
        "seed_inputs": draw.seed_inputs,
        "canonical_json": draws.canonical_json(draw.seed_inputs) if draw.seed_inputs else "",
    }


def _notify_panel(consultation: Consultation, users: list[User]) -> None:
    for user in users:
        notify(recipient=user, verb="experts.consultation", title=_("专家咨询：%(t)s"),
               body=_("请于%(d)s前提交意见。"), params={"t": consultation.title, "d": consultation.deadline},
               link=f"/experts/consultations/{consultation.pk}/", target=consultation)


def _check_consultation(title: str, question: str, deadline: dt.date) -> tuple[str, str]:
    title = _text(title, "title", 200, label=_("标题"))
    question = _text(question, "question", 5000, label=_("咨询问题"))
    if not isinstance(deadline, dt.date):
        raise ServiceError("invalid_date", _("请填写截止日期。"), "deadline")
    if deadline < timezone.localdate():
        raise ServiceError("deadline_past", _("截止日期不能早于今天。"), "deadline")
    return title, question


@transaction.atomic
def ask_panel(*, acting_user: User, title: str, question: str, draw_id: int, deadline: dt.date) -> Consultation:
    """Put a question to a drawn panel; each drawn expert is notified."""
    draw = Draw.objects.restrict(acting_user, "view").filter(pk=draw_id).first()
    if draw is None:
        raise ServiceError("unknown_draw", _("抽取记录不存在或您无权查看。"), "draw_id", status=404)
    if not permissions.can(acting_user, "change", draw):
        raise PermissionDeniedError()
    title, question = _check_consultation(title, question, deadline)
    consultation = Consultation.objects.create(
        title=title, question=question, jurisdiction_id=draw.jurisdiction_id, draw=draw, deadline=deadline,
        created_by=acting_user if getattr(acting_user, "pk", None) else None)
    from aiplus.experts import selectors

    _notify_panel(consultation, selectors.drawn_users(draw.pk))
    audit.record(actor=acting_user, action="experts.consultation.asked", instance=consultation)
    return consultation


@transaction.atomic
def ask_experts(
    *, acting_user: User, title: str, question: str, jurisdiction: str, expert_ids: list[int], deadline: dt.date,
) -> Consultation:
    """Put a question to hand-picked experts of the pool (no draw)."""
    place = _jurisdiction(jurisdiction)
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError()
    title, question = _check_consultation(title, question, deadline)
    wanted = sorted({int(i) for i in expert_ids or []})
    if not wanted:
        raise ServiceError("required", _("请至少选择一名专家。"), "expert_ids")
    profiles = list(ExpertProfile.objects.restrict(acting_user, "view").select_related("user")
                    .filter(pk__in=wanted, is_active=True))
    missing = sorted(set(wanted) - {p.pk for p in profiles})
    if missing:
        raise ServiceError("unknown_expert", _("专家不存在或不在库：%(v)s") % {"v": ", ".join(map(str, missing))},
                           "expert_ids")
    consultation = Consultation.objects.create(
        title=title, question=question, jurisdiction=place, deadline=deadline,
        created_by=acting_user if getattr(acting_user, "pk", None) else None)
    consultation.experts.set(profiles)
    _notify_panel(consultation, [p.user for p in profiles])
    audit.record(actor=acting_user, action="experts.consultation.asked", instance=consultation,
                 after={**(audit.snapshot(consultation) or {}), "expert_ids": wanted})
    return consultation


def panel_profiles(consultation: Consultation) -> list[ExpertProfile]:
    if consultation.draw_id:
        return [m.expert for m in DrawMember.objects.select_related("expert__user")
                .filter(draw_id=consultation.draw_id).order_by("position")]
    return list(consultation.experts.select_related("user").order_by("id"))


@transaction.atomic
def submit_opinion(*, acting_user: User, consultation_id: int, text: str) -> Opinion:
    """A panel member's opinion; submitting again before the deadline replaces the text."""
    consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFoundError()
    user_id = getattr(acting_user, "pk", None)
    profile = ExpertProfile.objects.filter(user_id=user_id).first() if user_id is not None else None
    if profile is None or profile.pk not in {p.pk for p in panel_profiles(consultation)}:
        raise PermissionDeniedError(_("只有该咨询专家组的专家可以提交意见。"))
    text = _text(text, "text", 20000, label=_("意见"))
    if consultation.deadline < timezone.localdate():
        raise ServiceError("deadline_passed", _("咨询已于%(d)s截止。") % {"d": consultation.deadline.isoformat()},
                           "deadline")
    opinion = Opinion.objects.select_for_update().filter(consultation=consultation, expert=profile).first()
    before = audit.snapshot(opinion)
    if opinion is None:
        opinion = Opinion.objects.create(consultation=consultation, expert=profile, text=text)
    else:
        opinion.text = text
        opinion.submitted_at = timezone.now()
        opinion.save()
    audit.record(actor=acting_user, action="experts.opinion.submitted", instance=opinion, before=before,
                 jurisdiction_id=consultation.jurisdiction_id)
    return opinion
