"""Every read of the experts module, restricted to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from aiplus.core.errors import NotFoundError
from aiplus.core.models import User
from aiplus.experts.models import ConflictDeclaration, Consultation, Draw, DrawMember, ExpertProfile, Opinion


def experts(user: Any, *, search: str = "", field: str = "") -> QuerySet[ExpertProfile]:
    """The pool as the user may see it (officials: their jurisdictions; an expert: their own profile)."""
    queryset = (ExpertProfile.objects.restrict(user, "view")
                .select_related("user", "organisation", "jurisdiction").order_by("id"))
    search = search.strip()
    if search:
        queryset = queryset.filter(Q(user__display_name__icontains=search) | Q(user__username__icontains=search)
                                   | Q(title__icontains=search) | Q(technologies_index__icontains=search)
                                   | Q(organisation__name__icontains=search))
    field = field.strip()
    if field:
        # The field itself, its sub-fields, and (for a sub-field) experts of its whole domain.
        match = Q(fields_index__contains=f",{field},") | Q(fields_index__contains=f",{field}.")
        if "." in field:
            match |= Q(fields_index__contains=f",{field.rsplit('.', 1)[0]},")
        queryset = queryset.filter(match)
    return queryset


def expert(user: Any, expert_id: int) -> ExpertProfile:
    found = experts(user).filter(pk=expert_id).first()
    if found is None:
        raise NotFoundError()
    return found


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
    found = draws(user).filter(pk=draw_id).first()
    if found is None:
        raise NotFoundError()
    return found


def is_drawn(draw_id: int, user: Any) -> bool:
    """Was the user drawn onto this panel?"""
    if not getattr(user, "pk", None):
        return False
    return DrawMember.objects.filter(draw_id=draw_id, expert__user_id=user.pk).exists()


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
    found = consultations(user).filter(pk=consultation_id).first()
    if found is None:
        raise NotFoundError()
    return found


def opinions(user: Any, consultation: Consultation) -> QuerySet[Opinion]:
    """Officials of the consultation see every opinion; a panel member sees their own."""
    return (Opinion.objects.restrict(user, "view").filter(consultation=consultation)
            .select_related("expert__user"))
