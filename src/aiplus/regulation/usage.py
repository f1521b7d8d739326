"""Which pack parameters the code reads: a static scan of the source, for `manage.py check_packs --unused`.

Pure Python (no Django). A parameter counts as read when the source names it in one of the ways the code reads
parameters:

- a string literal equal to the key (`"experts.min_reviewers"`, `KEY_CITIES = "crossborder.gba.mainland_cities"`);
- an f-string whose fixed parts spell the key around its placeholders (`f"scenarios.{pack}.review_working_days"`,
  `f"vouchers.{programme}.rate"`); a placeholder stands for one or more key segments. A placeholder named in the same
  function or module (`prefix = f"vouchers.{programme}"`) is replaced by what it was assigned, and one that starts
  the key and is called `…prefix` (`f"{parameter_prefix}.rate"`, the prefix chosen at run time) by every parameter
  prefix the code names (`parameter_prefix="vouchers.suzhou_compute"` in demo data, the `prefix = …` assignments);
- a call that passes a module and a name (`rules.param(place, "opencalls", "trim_extremes")`, which reads
  `opencalls.<pack>.trim_extremes`): two string literals in a call read `<first>.….<second>`;
- a YAML file under the source folder (legal examples in `rules/cases`, demo data) that names the key, or a
  `parameter_prefix` there.

Tests, test helpers and migrations do not count: a key only a test reads is unused by the platform. The scan errs on
the side of "read": a key it reports is named nowhere in the code, so no feature applies it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
SEGMENT = re.compile(r"^[a-z][a-z0-9_]*$")
# what a placeholder may stand for: one or more key segments
PLACEHOLDER = r"[a-z0-9_]+(?:\.[a-z0-9_]+)*"
KEY_TEXT = re.compile(r"^[a-z0-9_.]*$")
SKIPPED_PARTS = frozenset({"tests", "migrations", "__pycache__"})
SKIPPED_FILES = frozenset({"testing.py", "conftest.py"})
PREFIX_NAMES = ("parameter_prefix", "prefix")


@dataclass
class Reads:
    """The keys the source names (`exact`) and the key shapes it builds (`patterns`, full-match regexes)."""

    exact: set[str] = field(default_factory=set)
    patterns: set[str] = field(default_factory=set)
    where: dict[str, str] = field(default_factory=dict)  # pattern or key -> "file:line" of its first use

    def reads(self, key: str) -> bool:
        if key in self.exact:
            return True
        return any(re.fullmatch(pattern, key) for pattern in self.patterns)

    def add(self, what: str, *, pattern: bool, file: Path, line: int) -> None:
        (self.patterns if pattern else self.exact).add(what)
        self.where.setdefault(what, f"{file}:{line}")


# --- Python ---------------------------------------------------------------------------------------------------

Template = list[tuple[str, str | None]]  # ("lit", text) or ("var", name or None)


def _template(node: ast.JoinedStr) -> Template:
    parts: Template = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(("lit", value.value))
        elif isinstance(value, ast.FormattedValue):
            parts.append(("var", value.value.id if isinstance(value.value, ast.Name) else None))
        else:  # pragma: no cover - the grammar allows nothing else
            parts.append(("var", None))
    return parts


def _literal_text(parts: Template) -> str:
    return "".join(text or "" for kind, text in parts if kind == "lit")


def _looks_like_a_key(parts: Template) -> bool:
    """Its fixed parts use only key characters and spell at least one word (not just the dots between
    placeholders, as `f"{module}.{pack}.{name}"` does)."""
    text = _literal_text(parts)
    return bool(KEY_TEXT.match(text)) and bool(re.search(r"[a-z_]{3,}", text))


class _Scope:
    """The string and f-string values assigned to each name of a function (or module)."""

    def __init__(self, node: ast.AST, parent: _Scope | None) -> None:
        self.parent = parent
        self.assigned: dict[str, list[ast.expr]] = {}
        for child in _own_nodes(node):
            if isinstance(child, ast.Assign):
                targets, value = child.targets, child.value
            elif isinstance(child, ast.AnnAssign) and child.value is not None:
                targets, value = [child.target], child.value
            else:
                continue
            if isinstance(value, ast.JoinedStr) or (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.assigned.setdefault(target.id, []).append(value)

    def values(self, name: str) -> list[ast.expr]:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.assigned:
                return scope.assigned[name]
            scope = scope.parent
        return []


def _own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of `node`'s body, not descending into nested functions or classes."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(child))


class _Scanner:
    def __init__(self) -> None:
        self.reads = Reads()
        # templates that start with a run-time prefix (`f"{prefix}.rate"`), resolved once every prefix is known
        self.pending: list[tuple[str, Path, int]] = []
        self.prefixes: set[str] = set()  # regexes of the parameter prefixes the code names
        self.prefix_values: set[int] = set()  # ids of the f-strings assigned to a prefix: prefixes, not reads

    # the pattern of a value: a string literal or an f-string, placeholders resolved through `scope`
    def pattern(self, value: ast.expr, scope: _Scope, depth: int = 0) -> str | None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return re.escape(value.value) if KEY_TEXT.match(value.value) else None
        if not isinstance(value, ast.JoinedStr) or depth > 3:
            return None
        out: list[str] = []
        for kind, text in _template(value):
            if kind == "lit":
                if not KEY_TEXT.match(text or ""):
                    return None
                out.append(re.escape(text or ""))
                continue
            values = scope.values(text) if text else []
            found = [p for p in (self.pattern(v, scope, depth + 1) for v in values) if p]
            if values and not found:  # what it was assigned is not part of a key (f"kpis[{index}]")
                return None
            out.append(f"(?:{'|'.join(sorted(set(found)))})" if found else PLACEHOLDER)
        return "".join(out)

    def scan_python(self, file: Path, display: str) -> None:
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        except (SyntaxError, UnicodeDecodeError, OSError):
            return
        self._visit(tree, _Scope(tree, None), file, display)

    def _visit(self, node: ast.AST, scope: _Scope, file: Path, display: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                self._visit(child, _Scope(child, scope), file, display)
                continue
            self._node(child, scope, Path(display))
            self._visit(child, scope, file, display)

    def _node(self, node: ast.AST, scope: _Scope, display: Path) -> None:
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value):
            self.reads.add(node.value, pattern=False, file=display, line=line)
        elif isinstance(node, ast.JoinedStr):
            self._fstring(node, scope, display, line)
        elif isinstance(node, ast.Call):
            self._call(node, scope, display, line)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if node.value is not None and any(name.endswith(PREFIX_NAMES) for name in names):
                self._prefix(node.value, scope)
                self.prefix_values.add(id(node.value))

    def _fstring(self, node: ast.JoinedStr, scope: _Scope, display: Path, line: int) -> None:
        parts = _template(node)
        if id(node) in self.prefix_values or not _looks_like_a_key(parts):
            return
        first_kind, first = parts[0]
        if first_kind == "var" and not (first and scope.values(first)):
            # a key that starts with a value chosen at run time: only a parameter prefix can start it
            if first and first.endswith(PREFIX_NAMES):
                rest = self.pattern(ast.JoinedStr(values=node.values[1:]), scope)
                if rest is not None:
                    self.pending.append((rest, display, line))
            return
        pattern = self.pattern(node, scope)
        if pattern is not None:
            self.reads.add(pattern, pattern=True, file=display, line=line)

    def _call(self, node: ast.Call, scope: _Scope, display: Path, line: int) -> None:
        for keyword in node.keywords:
            if keyword.arg in PREFIX_NAMES:
                self._prefix(keyword.value, scope)
        words = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        for first, second in pairwise(words):
            if SEGMENT.match(first) and SEGMENT.match(second):
                pattern = f"{re.escape(first)}\\.(?:{PLACEHOLDER}\\.)?{re.escape(second)}"
                self.reads.add(pattern, pattern=True, file=display, line=line)

    def _prefix(self, value: ast.expr, scope: _Scope) -> None:
        pattern = self.pattern(value, scope)
        if pattern and re.search(r"[a-z_]{3,}", pattern):
            self.prefixes.add(pattern.rstrip("."))

    # YAML data: keys and parameter prefixes named anywhere in it
    def scan_yaml(self, file: Path, display: str) -> None:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            return
        for key, value in _scalars(data):
            if not isinstance(value, str):
                continue
            if key in PREFIX_NAMES and KEY_TEXT.match(value) and value:
                self.prefixes.add(re.escape(value.rstrip(".")))
            elif KEY.match(value):
                self.reads.add(value, pattern=False, file=Path(display), line=0)

    def finish(self) -> Reads:
        if self.prefixes:
            alternatives = "|".join(sorted(self.prefixes))
            for rest, display, line in self.pending:
                self.reads.add(f"(?:{alternatives}){rest}", pattern=True, file=display, line=line)
        return self.reads


def _scalars(data: Any, key: str | None = None) -> Iterator[tuple[str | None, Any]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _scalars(v, str(k))
    elif isinstance(data, list):
        for item in data:
            yield from _scalars(item, key)
    else:
        yield key, data


def _source_files(root: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    for file in sorted(root.rglob("*")):
        if file.suffix not in suffixes or not file.is_file():
            continue
        relative = file.relative_to(root)
        if SKIPPED_PARTS & set(relative.parts[:-1]) or file.name in SKIPPED_FILES or file.name.startswith("test_"):
            continue
        yield file


def scan_reads(root: Path) -> Reads:
    """Every parameter read the source under `root` makes (Python and YAML; tests and migrations left out)."""
    root = Path(root)
    scanner = _Scanner()
    for file in _source_files(root, (".py",)):
        scanner.scan_python(file, str(file.relative_to(root.parent)))
    for file in _source_files(root, (".yaml", ".yml")):
        scanner.scan_yaml(file, str(file.relative_to(root.parent)))
    return scanner.finish()


def unread(keys: Iterable[str], reads: Reads) -> list[str]:
    """The keys no code reads, sorted."""
    return sorted(key for key in set(keys) if not reads.reads(key))


def by_prefix(keys: Iterable[str]) -> dict[str, list[str]]:
    """Keys grouped by their first segment (`targets`, `vouchers`…), each group sorted."""
    groups: dict[str, list[str]] = {}
    for key in sorted(keys):
        groups.setdefault(key.split(".", 1)[0], []).append(key)
    return dict(sorted(groups.items()))
