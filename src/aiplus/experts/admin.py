"""The experts records in the admin site: to read, never to change.

Every change to the pool, conflict declarations, draws, consultations and opinions goes through a service that
checks permissions and writes exactly one audit event; the admin's own forms would do neither, so these admins are
list-and-view only (`core.admin.ReadOnlyAdmin`)."""

from django.contrib import admin

from aiplus.core.admin import ReadOnlyAdmin, ReadOnlyInline
from aiplus.experts.models import ConflictDeclaration, Consultation, Draw, DrawMember, ExpertProfile, Opinion


@admin.register(ExpertProfile)
class ExpertProfileAdmin(ReadOnlyAdmin):
    list_display = ("user", "title", "organisation", "jurisdiction", "available", "is_active")
    list_filter = ("is_active", "available", "jurisdiction")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("expert", "organisation", "relationship", "declared_at")


class DrawMemberInline(ReadOnlyInline):
    model = DrawMember
    extra = 0
    readonly_fields = ("expert", "position")


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    # A draw is a record: it is never made or edited by hand (its seed comes from its recorded inputs).
    list_display = ("id", "purpose", "jurisdiction", "size", "seed", "created_at")
    inlines = [DrawMemberInline]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ("title", "jurisdiction", "draw", "deadline")


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyAdmin):
    list_display = ("consultation", "expert", "submitted_at")
