"""The site's navigation, filled by each app where its pages are defined (like the coverage registry): a page's
route declares its menu entry (`core.routing.Routes`), which registers it here.

    navigation.register("scenarios:needs", _("应用场景"), roles=None, order=20)

`roles=None` shows the entry to everyone (the public included); otherwise to users holding one of the roles.

The menu is grouped by what the user does: `GROUPS` below is the one declarative list that says which pages (by
URL namespace, or by URL name where one page belongs elsewhere than its app) fall in which group; `menu(roles)`
builds the menu a person sees from it, keeping only the entries their roles may use and the groups left with any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class NavEntry:
    url_name: str
    label: Any
    roles: frozenset[str] | None
    order: int


@dataclass(frozen=True, slots=True)
class NavGroup:
    """One heading of the menu: the pages whose URL name or namespace is in `pages`."""

    key: str
    label: Any
    pages: tuple[str, ...]


@dataclass(slots=True)
class MenuGroup:
    key: str
    label: Any
    entries: list[NavEntry] = field(default_factory=list)


# Top-level links shown outside any group (the home page and the signed-in person's workspace).
TOP = ("portal:home", "portal:dashboard")

# What the user does, in the order of the menu. A URL name ("insights:index") wins over its namespace ("insights").
GROUPS: tuple[NavGroup, ...] = (
    NavGroup("scenarios", _("场景"), ("scenarios",)),
    NavGroup("compute", _("算力"), ("compute",)),
    NavGroup("data", _("数据"), ("datahub",)),
    NavGroup("models", _("模型与评测"), ("algorithms", "evaluation")),
    NavGroup("experts", _("专家"), ("experts",)),
    NavGroup("support", _("扶持"), ("support", "measures")),
    NavGroup("opc", _("一人公司"), ("opc",)),
    NavGroup("governance", _("治理"), ("governance",)),
    NavGroup("sandbox", _("沙盒"), ("sandbox",)),
    NavGroup("participation", _("公开参与"), ("participation",)),
    NavGroup("government", _("政务"), ("insights", "departments", "core")),
    NavGroup("rules", _("条例与参数"), ("regulation",)),
)
OTHER = NavGroup("other", _("其他"), ())

_ENTRIES: dict[str, NavEntry] = {}


def register(url_name: str, label: Any, *, roles: frozenset[str] | set[str] | None = None, order: int = 50) -> None:
    _ENTRIES[url_name] = NavEntry(url_name, label, frozenset(roles) if roles is not None else None, order)


def entries() -> list[NavEntry]:
    return sorted(_ENTRIES.values(), key=lambda e: (e.order, e.url_name))


def group_of(url_name: str) -> NavGroup:
    namespace = url_name.partition(":")[0]
    for group in GROUPS:
        if url_name in group.pages:
            return group
    for group in GROUPS:
        if namespace in group.pages:
            return group
    return OTHER


def visible(entry: NavEntry, roles: set[str] | frozenset[str], *, is_superuser: bool = False) -> bool:
    return entry.roles is None or is_superuser or bool(set(roles) & entry.roles)


def menu(roles: set[str] | frozenset[str], *, is_superuser: bool = False) -> tuple[list[NavEntry], list[MenuGroup]]:
    """The top-level links and the groups (in `GROUPS` order, each with its entries in their order) for a person
    holding `roles`; a group none of whose pages they may use is left out."""
    top: list[NavEntry] = []
    groups: dict[str, MenuGroup] = {}
    order = {group.key: index for index, group in enumerate((*GROUPS, OTHER))}
    for entry in entries():
        if not visible(entry, roles, is_superuser=is_superuser):
            continue
        if entry.url_name in TOP:
            top.append(entry)
            continue
        group = group_of(entry.url_name)
        groups.setdefault(group.key, MenuGroup(group.key, group.label)).entries.append(entry)
    return top, sorted(groups.values(), key=lambda g: order[g.key])
