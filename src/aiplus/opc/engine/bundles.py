"""Entitlement bundles: what admission to an OPC community grants, as pack data (`packs/<pack>/opc/bundles.yaml`).

A bundle names programmes of the support engine; it is the platform's setting, following the instrument it names."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class BundleError(ValueError):
    """A bundle file that does not validate, named with its file."""


class _Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)


class Bundle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", max_length=80)
    jurisdiction: str = Field(min_length=1, max_length=40)
    title: _Text
    follows: str = Field(min_length=1, max_length=200)
    programmes: tuple[str, ...] = Field(min_length=1, max_length=20)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bundles: list[Bundle]


def load_bundles(packs_root: Path, packs: Iterable[str] | None = None) -> dict[str, Bundle]:
    wanted = set(packs) if packs is not None else None
    found: dict[str, Bundle] = {}
    for pack in sorted(p for p in packs_root.iterdir() if p.is_dir()):
        if wanted is not None and pack.name not in wanted:
            continue
        for file in sorted((pack / "opc").glob("*.yaml")):
            try:
                bundles = _File.model_validate(yaml.safe_load(file.read_text(encoding="utf-8"))).bundles
            except (yaml.YAMLError, ValidationError) as exc:
                raise BundleError(f"{file}: {exc}") from exc
            for bundle in bundles:
                if bundle.code in found:
                    raise BundleError(f"{file}: bundle {bundle.code} is defined twice")
                found[bundle.code] = bundle
    return found
