"""Reading the programmes of the packs: `packs/<pack>/programmes/*.yaml`, each `programmes: [...]`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from aiplus.rules.parameters import ParameterRegistry
from aiplus.support.engine.programme import Programme


class CatalogueError(ValueError):
    """A programme file that does not validate, named with its file."""


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    programmes: list[Programme]


@dataclass(slots=True)
class Catalogue:
    programmes: dict[str, Programme] = field(default_factory=dict)

    def add(self, programmes: Iterable[Programme], source: str = "") -> None:
        for programme in programmes:
            if programme.code in self.programmes:
                raise CatalogueError(f"{source}: programme {programme.code} is defined twice")
            self.programmes[programme.code] = programme

    def get(self, code: str) -> Programme:
        try:
            return self.programmes[code]
        except KeyError:
            raise CatalogueError(f"unknown programme {code}") from None

    def __iter__(self) -> Iterator[Programme]:
        return iter(sorted(self.programmes.values(), key=lambda p: p.code))

    def __len__(self) -> int:
        return len(self.programmes)

    def __contains__(self, code: object) -> bool:
        return code in self.programmes

    def problems(self, registry: ParameterRegistry) -> list[str]:
        """Parameters a programme names that the packs do not define, and stacking with unknown programmes."""
        found = []
        for programme in self:
            found += [f"{programme.code}: unknown parameter {key}" for key in programme.parameter_keys()
                      if key not in registry]
            found += [f"{programme.code}: stacks with unknown programme {other}"
                      for other in programme.stacking.exclusive_with if other not in self.programmes]
        return found


def read_file(path: Path) -> list[Programme]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return _File.model_validate(data).programmes
    except (yaml.YAMLError, ValidationError) as exc:
        raise CatalogueError(f"{path}: {exc}") from exc


def load_catalogue(packs_root: Path, packs: Iterable[str] | None = None) -> Catalogue:
    catalogue = Catalogue()
    wanted = set(packs) if packs is not None else None
    for pack in sorted(p for p in packs_root.iterdir() if p.is_dir()):
        if wanted is not None and pack.name not in wanted:
            continue
        for file in sorted((pack / "programmes").glob("*.yaml")):
            catalogue.add(read_file(file), str(file))
    return catalogue
