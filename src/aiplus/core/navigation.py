"""The site's navigation, filled by each app where its pages are defined (like the coverage registry): a page's
route declares its menu entry (`core.routing.Routes`), which registers it here.

    navigation.register("scenarios:needs", _("应用场景"), roles=None, order=20)

`roles=None` shows the entry to everyone (the public included); otherwise to users holding one of the roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class NavEntry:
    url_name: str
    label: Any
    roles: frozenset[str] | None
    order: int


_ENTRIES: dict[str, NavEntry] = {}


def register(url_name: str, label: Any, *, roles: frozenset[str] | set[str] | None = None, order: int = 50) -> None:
    _ENTRIES[url_name] = NavEntry(url_name, label, frozenset(roles) if roles is not None else None, order)


def entries() -> list[NavEntry]:
    return sorted(_ENTRIES.values(), key=lambda e: (e.order, e.url_name))
