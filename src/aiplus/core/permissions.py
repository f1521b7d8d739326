"""Object permissions: who may view, add, change or delete which rows.

Three sources of rights, OR-ed together into one queryset filter (NetBox's `restrict()` pattern):

1. Role assignments. An official (or, read-only, an auditor) acts on rows whose jurisdiction is the one they
   serve or lies below it; a province official therefore sees the province's cities, and an official of a
   cross-border region (the GBA) sees its member jurisdictions. Enterprise members, providers and experts act on
   their own organisation's rows.
2. Public rows, for viewing: a model may be public as a whole (reference data) or by a boolean field.
3. Explicit `ObjectPermission` grants with a constraints dict (a queryset filter), for anything else.

Every domain model declares its `Scope`, so the rule lives in one place and no view or API handler re-implements it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

ACTIONS = ("view", "add", "change", "delete")

OFFICIAL = "official"
AUDITOR = "auditor"
ENTERPRISE_MEMBER = "enterprise_member"
PROVIDER = "provider"
EXPERT = "expert"
PUBLIC = "public"
# Every role a signed-in member of the platform holds (the menu entries for members only).
MEMBERS = frozenset({OFFICIAL, AUDITOR, ENTERPRISE_MEMBER, PROVIDER, EXPERT})

# What each role may do within its scope.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    OFFICIAL: frozenset(ACTIONS),
    AUDITOR: frozenset({"view"}),
    ENTERPRISE_MEMBER: frozenset({"view", "add", "change"}),
    PROVIDER: frozenset({"view", "add", "change"}),
    EXPERT: frozenset({"view"}),
    PUBLIC: frozenset(),
}
JURISDICTION_ROLES = frozenset({OFFICIAL, AUDITOR})
ORGANISATION_ROLES = frozenset({ENTERPRISE_MEMBER, PROVIDER, EXPERT})


@dataclass(frozen=True, slots=True)
class Scope:
    """How a model's rows attach to the things rights are given on (each a field path, or None).

    `public`: True when every row is public reference data; a boolean field's name when rows become public
    (e.g. once published); None when nothing is public.
    """

    jurisdiction: str | None = None
    organisation: str | None = None
    owner: str | None = None
    public: bool | str | None = None


def _cache(user: Any) -> dict[str, Any]:
    cache = getattr(user, "_aiplus_permission_cache", None)
    if cache is None:
        from aiplus.core.models import ObjectPermission, RoleAssignment

        assignments = list(RoleAssignment.objects.filter(user=user, active=True).values(
            "role", "jurisdiction_id", "organisation_id"))
        grants = list(
            ObjectPermission.objects.filter(enabled=True)
            .filter(Q(users=user) | Q(groups__user=user))
            .prefetch_related("object_types")
            .distinct()
        )
        cache = {"assignments": assignments, "grants": grants, "jurisdictions": {}}
        user._aiplus_permission_cache = cache
    return cache


def forget(user: Any) -> None:
    """Drop the cached rights (after a role assignment changes within the same request)."""
    if hasattr(user, "_aiplus_permission_cache"):
        del user._aiplus_permission_cache


def jurisdiction_ids_in_scope(jurisdiction_id: int) -> set[int]:
    """The jurisdiction, everything below it, and for a region its members and everything below them."""
    from aiplus.core.models import Jurisdiction

    rows = list(Jurisdiction.objects.values_list("id", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for row_id, parent_id in rows:
        children.setdefault(parent_id, []).append(row_id)
    members = Jurisdiction.members.through.objects.filter(from_jurisdiction_id=jurisdiction_id)
    roots = [jurisdiction_id, *members.values_list("to_jurisdiction_id", flat=True)]
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(children.get(current, []))
    return seen


def _path_value(obj: Model, path: str | None) -> Any:
    """The id at the end of a Scope field path on a saved object (`need__owner` → the need's owner's id)."""
    if not path:
        return None
    *hops, last = path.split("__")
    current: Any = obj
    for hop in hops:
        current = getattr(current, hop, None)
        if current is None:
            return None
    return getattr(current, f"{last}_id", None) if hasattr(current, f"{last}_id") else getattr(current, last, None)


def user_roles_for(user: Any, obj: Model) -> set[str]:
    """The roles `user` holds for this object: roles held everywhere (assigned with no jurisdiction and no
    organisation), roles held in the object's organisation, and roles held in a jurisdiction that covers the
    object's. A provider of one organisation is no provider for another's records; a Shenzhen official none for
    Suzhou's."""
    if not getattr(user, "is_authenticated", False):
        return {PUBLIC}
    scope: Scope = getattr(type(obj), "scope", None) or Scope()
    organisation_id = _path_value(obj, scope.organisation)
    jurisdiction_id = _path_value(obj, scope.jurisdiction)
    cache = _cache(user)
    roles: set[str] = set()
    for assignment in cache["assignments"]:
        at_jurisdiction, at_organisation = assignment["jurisdiction_id"], assignment["organisation_id"]
        if not at_jurisdiction and not at_organisation:
            roles.add(assignment["role"])
        elif at_organisation:
            if at_organisation == organisation_id:
                roles.add(assignment["role"])
        elif jurisdiction_id is not None:
            if at_jurisdiction not in cache["jurisdictions"]:
                cache["jurisdictions"][at_jurisdiction] = jurisdiction_ids_in_scope(at_jurisdiction)
            if jurisdiction_id in cache["jurisdictions"][at_jurisdiction]:
                roles.add(assignment["role"])
    return roles or {PUBLIC}


def user_jurisdiction_ids(user: Any, action: str = "view") -> set[int]:
    cache = _cache(user)
    ids: set[int] = set()
    for assignment in cache["assignments"]:
        if assignment["role"] in JURISDICTION_ROLES and assignment["jurisdiction_id"] \
                and action in ROLE_ACTIONS[assignment["role"]]:
            key = assignment["jurisdiction_id"]
            if key not in cache["jurisdictions"]:
                cache["jurisdictions"][key] = jurisdiction_ids_in_scope(key)
            ids |= cache["jurisdictions"][key]
    return ids


def user_organisation_ids(user: Any, action: str = "view") -> set[int]:
    return {
        a["organisation_id"] for a in _cache(user)["assignments"]
        if a["role"] in ORGANISATION_ROLES and a["organisation_id"] and action in ROLE_ACTIONS[a["role"]]
    }


def user_roles(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return {PUBLIC}
    return {a["role"] for a in _cache(user)["assignments"]} or {PUBLIC}


def restrict_queryset[QS: QuerySet[Any]](queryset: QS, user: Any, action: str = "view") -> QS:
    allowed = allowed_rows(queryset.model, user, action)
    return queryset if allowed is None else queryset.filter(allowed)


def allowed_rows(model: type[Model], user: Any, action: str = "view") -> Q | None:
    """The condition a row of `model` meets when `user` may do `action` on it (None: every row), for selectors that
    combine it with other conditions (`restrict_queryset` applies it)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return None
    scope: Scope = getattr(model, "scope", None) or Scope()
    if action == "view" and scope.public is True:
        return None

    allowed = Q(pk__in=[])
    if action == "view" and isinstance(scope.public, str):
        allowed |= Q(**{scope.public: True})
    if getattr(user, "is_authenticated", False) and getattr(user, "is_active", False):
        if scope.jurisdiction:
            jurisdiction_ids = user_jurisdiction_ids(user, action)
            if jurisdiction_ids:
                allowed |= Q(**{f"{scope.jurisdiction}__in": jurisdiction_ids})
        if scope.organisation:
            organisation_ids = user_organisation_ids(user, action)
            if organisation_ids:
                allowed |= Q(**{f"{scope.organisation}__in": organisation_ids})
        if scope.owner:
            allowed |= Q(**{scope.owner: user.pk})
        for grant in _cache(user)["grants"]:
            if action in grant.actions and any(
                ct.app_label == model._meta.app_label and ct.model == model._meta.model_name
                for ct in grant.object_types.all()
            ):
                allowed |= grant.as_q()
    return allowed


def can(user: Any, action: str, obj: Model) -> bool:
    """May `user` perform `action` on this saved object?"""
    manager = type(obj)._default_manager
    return restrict_queryset(manager.filter(pk=obj.pk), user, action).exists()


def may_place(user: Any, *, organisation_jurisdiction_id: int, jurisdiction_id: int) -> bool:
    """May `user` locate an organisation's record (a need, a dataset) in `jurisdiction_id`? A record is located where
    its organisation is: the organisation's own jurisdiction, one below it, or one above it (a district company's
    city-wide need); elsewhere only an official of that place (or a superuser) may put it. So a record counts to its
    own place, and nobody creates records in a jurisdiction they do not belong to (hardening)."""
    own = organisation_jurisdiction_id
    if jurisdiction_id in jurisdiction_ids_in_scope(own) or own in jurisdiction_ids_in_scope(jurisdiction_id):
        return True
    if getattr(user, "is_superuser", False):
        return True
    return bool(getattr(user, "is_authenticated", False)) and jurisdiction_id in user_jurisdiction_ids(user, "add")


def can_create_in(user: Any, *, jurisdiction_id: int | None = None, organisation_id: int | None = None) -> bool:
    """May `user` create a record attached to this jurisdiction / organisation?"""
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if jurisdiction_id is not None and jurisdiction_id in user_jurisdiction_ids(user, "add"):
        return True
    return organisation_id is not None and organisation_id in user_organisation_ids(user, "add")
