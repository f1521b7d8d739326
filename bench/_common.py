"""Shared benchmark helpers: the common CLI, the results table and the JSON writer (ARCHITECTURE.md §5)."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TRACES_ENV = "AIPLUS_TRACES_DIR"
DEFAULT_TRACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "traces"


def parse_args(description: str, argv: list[str] | None = None, *, traces: bool = True,
               extra: Callable[[argparse.ArgumentParser], None] | None = None,
               quick_help: str = "smaller run (< 40 s), same comparison") -> argparse.Namespace:
    """The common options (--quick, --json, and --traces unless `traces` is off), plus a benchmark's own (`extra`)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    if traces:
        parser.add_argument(
            "--traces", metavar="DIR", help=f"trace directory (default: ${TRACES_ENV} or {DEFAULT_TRACES})"
        )
    if extra is not None:
        extra(parser)
    return parser.parse_args(argv)


def traces_dir(args: argparse.Namespace) -> Path:
    chosen = args.traces or os.environ.get(TRACES_ENV) or DEFAULT_TRACES
    return Path(chosen).resolve()


@dataclass
class Report:
    benchmark: str
    params: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, case: str, system: str, metric: str, value: float, unit: str) -> None:
        self.rows.append({"case": case, "system": system, "metric": metric, "value": value, "unit": unit})

    def table(self, systems: list[str] | None = None, digits: int = 2) -> str:
        """One line per (case, metric), one column per system, in first-seen order."""
        order = systems or list(dict.fromkeys(r["system"] for r in self.rows))
        keys = list(dict.fromkeys((r["case"], r["metric"], r["unit"]) for r in self.rows))
        cells = {(r["case"], r["metric"], r["system"]): r["value"] for r in self.rows}
        header = ["case", "metric", "unit", *order]
        lines = [header]
        for case, metric, unit in keys:
            line = [case, metric, unit]
            for s in order:
                v = cells.get((case, metric, s))
                line.append("" if v is None else f"{v:,.{digits}f}")
            lines.append(line)
        widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
        out = []
        for k, row in enumerate(lines):
            out.append(
                "  ".join(
                    c.ljust(w) if i < 3 else c.rjust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                )
            )
            if k == 0:
                out.append("  ".join("-" * w for w in widths))
        return "\n".join(out)

    def write(self, path: str | None) -> None:
        if not path:
            return
        payload = {"benchmark": self.benchmark, "params": self.params, "rows": self.rows}
        Path(path).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
