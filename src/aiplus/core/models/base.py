"""The skeleton every domain model shares: timestamps, demo flag, and a queryset that knows who may see what."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models

if TYPE_CHECKING:
    from aiplus.core.permissions import Scope


class RestrictedQuerySet(models.QuerySet):
    """`restrict(user, action)` narrows any domain queryset to the rows the user may act on.

    The rule comes from the model's `scope` (which fields tie a row to a jurisdiction, an organisation, or the
    public) and the user's role assignments and object permissions; see aiplus.core.permissions.
    """

    def restrict(self, user: Any, action: str = "view") -> Self:
        from aiplus.core.permissions import restrict_queryset

        return restrict_queryset(self, user, action)


class DomainModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = RestrictedQuerySet.as_manager()

    # Each concrete model says how its rows are scoped; the default is "officials of the row's jurisdiction".
    scope: ClassVar[Scope | None] = None
    # Fields left out of audit snapshots (large or derived).
    audit_exclude: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")

    class Meta:
        abstract = True
