"""The rule registry: rule functions declare their name and the articles they implement where they are defined."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiplus.rules.citations import Citation

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class RuleSpec:
    name: str
    function: Callable[..., Any]
    citations: tuple[Citation, ...]
    summary: str  # English
    summary_zh: str = ""


_RULES: dict[str, RuleSpec] = {}


def rule(name: str, *, citations: tuple[Citation, ...], summary: str = "", summary_zh: str = ""
         ) -> Callable[[F], F]:
    """Register a rule function under a stable name, with the provisions it applies and what it decides (in
    English and Chinese, for the coverage page)."""

    def register(function: F) -> F:
        if name in _RULES and _RULES[name].function is not function:
            raise ValueError(f"rule {name} is registered twice")
        _RULES[name] = RuleSpec(name, function, citations, summary or (function.__doc__ or "").strip(), summary_zh)
        return function

    return register


def get_rule(name: str) -> RuleSpec:
    _load_library()
    try:
        return _RULES[name]
    except KeyError:
        raise LookupError(f"unknown rule {name}") from None


def rules() -> list[RuleSpec]:
    _load_library()
    return [_RULES[name] for name in sorted(_RULES)]


def _load_library() -> None:
    # Importing the library registers its rules; engines elsewhere register theirs when imported.
    import aiplus.rules.library  # noqa: F401
