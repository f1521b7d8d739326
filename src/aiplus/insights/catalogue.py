"""The indicators (`indicators.yaml`) and the targets the active packs set for them (the `targets.*` parameters):
read once, checked when read (an unknown record source, a target parameter no pack has, or a `targets.*` parameter
no indicator names is an error at start-up, so none can be silently left out)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.regulation import runtime

INDICATORS_FILE = Path(__file__).resolve().parent / "indicators.yaml"
KINDS = ("computed", "entered")
LEVELS = ("national", "province", "city", "district", "park")
FORMATS = ("count", "money", "ratio", "number")
FREQUENCIES = ("continuous", "monthly", "quarterly", "annual")
# targets.<jurisdiction>.<name>_<year>: the pack's jurisdiction word and the year the target is due by the end of
TARGET_KEY = re.compile(r"^targets\.(?P<place>[a-z_]+)\.(?P<name>[a-z0-9_]+?)_(?P<year>\d{4})$")
PLACE_CODES = {"national": "cn"}  # the national pack's targets belong to the country


LEVEL_LABELS = {"national": _("国家"), "province": _("省级"), "city": _("市级"), "district": _("区县级"),
                "park": _("园区")}
FREQUENCY_LABELS = {"continuous": _("随业务记录实时更新"), "monthly": _("每月"), "quarterly": _("每季度"),
                    "annual": _("每年")}


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    level: str
    kind: str
    format: str
    frequency: str
    additive: bool
    definition_zh: str
    definition_en: str
    source_zh: str
    source_en: str
    records: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    targets: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()

    @property
    def computed(self) -> bool:
        return self.kind == "computed"

    @property
    def level_label(self) -> Any:
        return LEVEL_LABELS[self.level]

    @property
    def frequency_label(self) -> Any:
        return FREQUENCY_LABELS[self.frequency]


@dataclass(frozen=True)
class Target:
    """A target a pack parameter sets: for an indicator, a jurisdiction, by the end of a year."""

    key: str
    indicator: str
    jurisdiction: str  # code
    year: int
    value: Decimal
    version: Any  # the ParameterVersion in force (its citation and status: `{{ target.version|cite }}`)

    @property
    def due_on(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def title(self) -> str:
        return runtime.parameter_title(self.key)

    @property
    def status(self) -> str:
        return str(self.version.status.value)


def _pair(row: dict[str, Any], name: str) -> tuple[str, str]:
    value = row.get(name) or {}
    return str(value.get("zh", "")), str(value.get("en", ""))


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _read(path: Path = INDICATORS_FILE) -> dict[str, Indicator]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["indicators"]
    out: dict[str, Indicator] = {}
    for row in rows:
        code = row["code"]
        if code in out:
            raise CatalogueError(f"indicator {code} twice")
        name, unit, definition, source = (_pair(row, k) for k in ("name", "unit", "definition", "source"))
        indicator = Indicator(
            code=code, name_zh=name[0], name_en=name[1], unit_zh=unit[0], unit_en=unit[1], level=row["level"],
            kind=row["kind"], format=row["format"], frequency=row["frequency"], additive=bool(row["additive"]),
            definition_zh=definition[0], definition_en=definition[1], source_zh=source[0], source_en=source[1],
            records=row.get("records", ""), minimum=_number(row.get("minimum")), maximum=_number(row.get("maximum")),
            targets=tuple(row.get("targets", ())), conditions=tuple(row.get("conditions", ())))
        for value, allowed, what in ((indicator.kind, KINDS, "kind"), (indicator.level, LEVELS, "level"),
                                     (indicator.format, FORMATS, "format"),
                                     (indicator.frequency, FREQUENCIES, "frequency")):
            if value not in allowed:
                raise CatalogueError(f"indicator {code}: {what} {value!r} is not one of {allowed}")
        if indicator.computed != bool(indicator.records):
            raise CatalogueError(f"indicator {code}: a computed indicator names its records, an entered one not")
        if not indicator.computed and (indicator.minimum is None or indicator.maximum is None):
            raise CatalogueError(f"indicator {code}: an entered indicator has a minimum and a maximum")
        out[code] = indicator
    return out


@lru_cache(maxsize=1)
def indicators() -> dict[str, Indicator]:
    from aiplus.insights import computed

    found = _read()
    for indicator in found.values():
        if indicator.computed and indicator.records not in computed.SOURCES:
            raise CatalogueError(f"indicator {indicator.code}: unknown record source {indicator.records!r}")
    return found


def indicator(code: str) -> Indicator | None:
    return indicators().get(code)


def target_keys() -> list[str]:
    """Every `targets.*` parameter of the active packs."""
    keys: list[str] = runtime.parameters().keys()  # the registry iterates its versions, not its keys
    return [k for k in keys if k.startswith("targets.")]


def targets(on: dt.date | None = None) -> list[Target]:
    """Every target of the active packs in force on `on` (today): one per (indicator, parameter)."""
    on = on or timezone.localdate()
    registry = runtime.parameters()
    out = []
    for item in indicators().values():
        for key in item.targets:
            match = TARGET_KEY.match(key)
            if match is None:
                raise CatalogueError(f"indicator {item.code}: {key} is not targets.<place>.<name>_<year>")
            if key not in registry:
                continue  # its pack is not active in this deployment
            try:
                version = registry.version(key, on)
            except LookupError:
                continue  # not yet in force
            place = PLACE_CODES.get(match["place"], match["place"])
            out.append(Target(key=key, indicator=item.code, jurisdiction=place, year=int(match["year"]),
                              value=Decimal(str(version.value)), version=version))
    return sorted(out, key=lambda t: (t.jurisdiction, t.year, t.indicator))


def conditions(item: Indicator, on: dt.date | None = None) -> list[Any]:
    """The parameter versions that qualify what counts for an indicator (in force on `on`)."""
    on = on or timezone.localdate()
    registry = runtime.parameters()
    out = []
    for key in item.conditions:
        if key in registry:
            try:
                out.append(registry.version(key, on))
            except LookupError:
                continue
    return out
