"""The skeleton every domain model shares: timestamps, demo flag, a queryset that knows who may see what, and the
few field groups and Meta patterns that recur across the apps (said here once, imported by each app).

A model's verbose name is a Chinese noun, which has no plural form: a Meta that names its model says
`verbose_name = verbose_name_plural = _("…")`, the one noun for both."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
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


class NamedByTitle(models.Model):
    """`str(row)` is the row's title, or else its name, for every model that has such a field (most do); a model
    named otherwise defines its own `__str__` (else it reads as its verbose name and number: "伦理审查会议 #3")."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        for name in ("title", "name"):
            try:
                field = self._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.concrete:
                return str(getattr(self, name))
        return f"{self._meta.verbose_name} #{self.pk}"  # never Django's "Redemption object (1)"


class NewestFirst:
    """The Meta of a record listed newest first (`class Meta(NewestFirst): ...`): rows written in one transaction
    share their creation time, so the id breaks the tie and the order is stable."""

    ordering = ["-created_at", "-id"]


def actor_field(verbose_name: Any = None, **kwargs: Any) -> models.ForeignKey:
    """The user who did something to a row (created it, started it, decided it). The row outlives the account (the
    field becomes null) and the user gets no reverse accessor: who did what is read from the rows, or the audit."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=verbose_name, null=True,
                             on_delete=models.SET_NULL, related_name="+", **kwargs)


class AppendOnlyError(Exception):
    """A write that would change or remove a row of an append-only table: corrections are new rows (a reversal)."""


class AppendOnly(models.Model):
    """A table whose rows are written once, then never changed nor deleted (a ledger's postings)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class DomainModel(NamedByTitle):
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


class SearchIndexed(DomainModel):
    """A row the platform's full-text search finds: `search_tokens` holds the analyzer's terms of its searchable
    text, filled by its app's services (aiplus.scenarios.search, aiplus.datahub.search); derived, so never edited
    and never audited."""

    search_tokens = models.TextField(editable=False, blank=True)

    audit_exclude: ClassVar[tuple[str, ...]] = (*DomainModel.audit_exclude, "search_tokens")

    class Meta:
        abstract = True
