"""Every read of the experts module, restricted to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from aiplus.core.access import get_for
from aiplus.core.models import User
from aiplus.experts.models import ConflictDeclaration, Consultation, Draw, DrawMember, ExpertProfile, Opinion


def experts(user: Any, *, search: str = "", field: str = "") -> QuerySet[ExpertProfile]:
    """The pool as the user may see it (officials: their jurisdictions; an expert: their own profile)."""
    queryset = (ExpertProfile.objects.restrict(user, "view")
                .select_related("user", "organisation", "jurisdiction").order_by("id"))
    return in_field(search_experts(queryset, search), field)


def search_experts(queryset: QuerySet[ExpertProfile], search: str) -> QuerySet[ExpertProfile]:
    """Experts whose name, title, technologies or organisation contain `search`."""
    search = search.strip()
    if not search:
        return queryset
    return queryset.filter(Q(user__display_name__icontains=search) | Q(user__username__icontains=search)
                           | Q(title__icontains=search) | Q(technologies_index__icontains=search)
                           | Q(organisation__name__icontains=search))


def in_field(queryset: QuerySet[ExpertProfile], field: str) -> QuerySet[ExpertProfile]:
    """Experts of the field itself, its sub-fields, and (for a sub-field) experts of its whole domain."""
    field = field.strip()
    if not field:
        return queryset
    match = Q(fields_index__contains=f",{field},") | Q(fields_index__contains=f",{field}.")
    if "." in field:
        match |= Q(fields_index__contains=f",{field.rsplit('.', 1)[0]},")
    return queryset.filter(match)


def expert(user: Any, expert_id: int) -> ExpertProfile:
    return get_for(user, "view", experts(user), pk=expert_id)


def my_profile(user: Any) -> ExpertProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ExpertProfile.objects.select_related("organisation", "jurisdiction").filter(user=user).first()


def conflicts(user: Any, *, expert_id: int | None = None) -> QuerySet[ConflictDeclaration]:
    queryset = (ConflictDeclaration.objects.restrict(user, "view")
                .select_related("expert__user", "organisation"))
    if expert_id is not None:
        queryset = queryset.filter(expert_id=expert_id)
    return queryset


def draws(user: Any) -> QuerySet[Draw]:
    return Draw.objects.restrict(user, "view").select_related("jurisdiction", "created_by")


def draw(user: Any, draw_id: int) -> Draw:
    return get_for(user, "view", draws(user), pk=draw_id)


def is_drawn(draw_id: int, user: Any) -> bool:
    """Was the user drawn onto this panel?"""
    if not getattr(user, "pk", None):
        return False
    return DrawMember.objects.filter(draw_id=draw_id, expert__user_id=user.pk).exists()


def drawn_expert(draw: Draw, user: Any) -> ExpertProfile | None:
    """The user's expert profile when the draw selected them (else None): the one check of "is this person one of
    the drawn experts" for every panel that votes or scores (ethics re-review, sandbox admission, support review)."""
    if not getattr(user, "pk", None):
        return None
    return ExpertProfile.objects.filter(user_id=user.pk, pk__in=[int(i) for i in draw.selected]).first()


def drawn_users(draw_id: int) -> list[User]:
    """The users drawn onto the panel, in drawing order."""
    return [m.expert.user for m in DrawMember.objects.select_related("expert__user")
            .filter(draw_id=draw_id).order_by("position")]


def consultations(user: Any) -> QuerySet[Consultation]:
    """Consultations of the user's jurisdictions, plus those put to the user as a panel member."""
    visible = Consultation.objects.restrict(user, "view")
    if getattr(user, "pk", None):
        asked = Consultation.objects.filter(Q(draw__members__expert__user_id=user.pk)
                                            | Q(experts__user_id=user.pk)).values("pk")
        visible = Consultation.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=asked))
    return visible.select_related("jurisdiction", "draw").order_by("-created_at", "-id")


def consultation(user: Any, consultation_id: int) -> Consultation:
    return get_for(user, "view", consultations(user), pk=consultation_id)


def opinions(user: Any, consultation: Consultation) -> QuerySet[Opinion]:
    """Officials of the consultation see every opinion; a panel member sees their own."""
    return (Opinion.objects.restrict(user, "view").filter(consultation=consultation)
            .select_related("expert__user"))


def draw_memberships(profile: ExpertProfile) -> QuerySet[DrawMember]:
    """The panels the expert was drawn onto, newest first."""
    return profile.draw_memberships.select_related("draw").order_by("-draw__created_at")


def consultations_of_draw(draw: Draw) -> QuerySet[Consultation]:
    return draw.consultations.order_by("-created_at")


def field_choices() -> list[tuple[str, str]]:
    """The expertise fields (the packs' scenario-domain taxonomy) as (code, label), sub-fields marked with a dash."""
    from django.utils.translation import get_language

    from aiplus.experts.services import TAXONOMY
    from aiplus.regulation.runtime import active_packs

    zh = (get_language() or "zh-hans").startswith("zh")
    try:
        taxonomy = active_packs().taxonomy(TAXONOMY)
    except KeyError:
        return []
    return [(item.code, ("— " if item.parent else "") + (item.name_zh if zh else item.name_en))
            for item in taxonomy.flatten()]


def field_names() -> dict[str, str]:
    return {code: label.removeprefix("— ") for code, label in field_choices()}
