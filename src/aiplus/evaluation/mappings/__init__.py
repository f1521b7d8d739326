"""The mapping files shipped with the platform (one YAML per public set's shape); an evaluator may also upload one."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent


def builtin() -> dict[str, str]:
    """File stem → YAML text of every mapping shipped here."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(FOLDER.glob("*.yaml"))}
