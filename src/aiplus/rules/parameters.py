"""Dated parameters: every number a rule applies, with its effective period, citation and status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Any

from aiplus.rules.citations import Citation


class ParameterStatus(StrEnum):
    # A published rule, with its source.
    OFFICIAL = "official"
    # A value the operator must confirm (found only in secondary sources, recollection or inference).
    LOCAL_SETTING = "local-setting"


class ParameterError(LookupError):
    """A parameter is missing, has no version in force on a date, or its versions overlap."""


@dataclass(frozen=True, slots=True)
class ParameterVersion:
    key: str
    value: Any
    effective_from: dt.date
    effective_to: dt.date | None  # inclusive; None = open-ended
    citation: Citation
    status: ParameterStatus
    unit: str = ""
    pack: str = ""
    source: str = ""  # file:line it was loaded from, for error messages and the UI

    def __post_init__(self) -> None:
        # An operator's value is never cited as law, wherever its citation travels (reasons, deadlines, stored
        # decisions): the citation itself says it is a platform setting.
        if self.status is ParameterStatus.LOCAL_SETTING and not self.citation.setting:
            object.__setattr__(self, "citation", replace(self.citation, setting=True))

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @property
    def decimal(self) -> Decimal:
        if isinstance(self.value, bool) or not isinstance(self.value, (int, str, Decimal)):
            raise ParameterError(f"parameter {self.key} is not a number: {self.value!r}")
        return Decimal(self.value)


@dataclass(slots=True)
class ParameterRegistry:
    """All parameter versions of the active packs, looked up by key and date.

    A pack that extends another may override a key: the later-registered pack's versions replace the earlier's
    for that key as a whole (a province does not half-inherit a national threshold).
    """

    _versions: dict[str, list[ParameterVersion]] = field(default_factory=dict)

    def register(self, versions: Iterable[ParameterVersion], *, override: bool = False) -> None:
        grouped: dict[str, list[ParameterVersion]] = {}
        for version in versions:
            grouped.setdefault(version.key, []).append(version)
        for key, new in grouped.items():
            if key in self._versions and not override:
                raise ParameterError(f"parameter {key} is defined twice ({new[0].source})")
            ordered = sorted(new, key=lambda v: v.effective_from)
            for earlier, later in pairwise(ordered):
                if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                    raise ParameterError(
                        f"parameter {key}: effective periods overlap "
                        f"({earlier.effective_from}–{earlier.effective_to or '…'} and "
                        f"{later.effective_from}–{later.effective_to or '…'}, {later.source})"
                    )
            self._versions[key] = ordered

    def version(self, key: str, on: dt.date) -> ParameterVersion:
        versions = self._versions.get(key)
        if not versions:
            raise ParameterError(f"unknown parameter {key}")
        for version in versions:
            if version.in_force_on(on):
                return version
        raise ParameterError(f"parameter {key} has no value in force on {on.isoformat()}")

    def value(self, key: str, on: dt.date) -> Any:
        return self.version(key, on).value

    def __contains__(self, key: object) -> bool:
        return key in self._versions

    def keys(self) -> list[str]:
        return sorted(self._versions)

    def history(self, key: str) -> list[ParameterVersion]:
        return list(self._versions.get(key, []))

    def __iter__(self) -> Iterator[ParameterVersion]:
        for key in sorted(self._versions):
            yield from self._versions[key]
