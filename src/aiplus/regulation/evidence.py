"""Checking the evidence features name (`manage.py coverage --verify`): every page's URL name resolves, every API
operation id is in the generated OpenAPI document, and every test node id is in the collected suite."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse

from aiplus.regulation.coverage import declaration_errors, features


def _names(patterns: Iterable[Any], namespace: str = "") -> Iterable[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


@lru_cache(maxsize=1)
def url_names() -> frozenset[str]:
    return frozenset(_names(get_resolver().url_patterns))


@lru_cache(maxsize=256)
def url_of(name: str) -> str | None:
    """A link to a page by its URL name; None for a page that needs arguments (a detail page)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@lru_cache(maxsize=1)
def operation_paths() -> dict[str, str]:
    """Every API operation id with its path template, read from the OpenAPI document as the API serves it (through
    its URL, so the kernel imports no domain app's API)."""
    path = reverse("api:openapi-json")
    match = resolve(path)
    response = match.func(RequestFactory().get(path), *match.args, **match.kwargs)
    schema = json.loads(response.content)
    return {operation["operationId"]: route for route, methods in schema["paths"].items()
            for operation in methods.values() if isinstance(operation, dict) and "operationId" in operation}


def operation_ids() -> frozenset[str]:
    return frozenset(operation_paths())


def collected_tests() -> frozenset[str]:
    """The node ids pytest collects in this checkout (a subprocess: collection needs no database)."""
    root = Path(settings.PROJECT_DIR)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-p", "no:cacheprovider", "-o", "addopts=", "-q"],
        cwd=root, capture_output=True, text=True, timeout=600, check=False,
    )
    ids = frozenset(line.strip() for line in result.stdout.splitlines() if "::" in line and " " not in line.strip())
    if not ids:
        raise RuntimeError(f"pytest collected no tests:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return ids


def _collected(node_id: str, collected: frozenset[str]) -> bool:
    # a parametrised test is collected as node[param]: naming the function covers its cases
    return node_id in collected or any(c.startswith(f"{node_id}[") for c in collected)


def verify(packset: Any, *, tests: frozenset[str] | None = None) -> list[str]:
    """Every problem with the declared evidence, as sentences naming the feature (empty when all is well)."""
    errors = declaration_errors(packset)
    names, operations = url_names(), operation_ids()
    collected = collected_tests() if tests is None else tests
    for f in features():
        errors.extend(f"{f.code}: page {name!r} is not a URL name" for name in f.pages if name not in names)
        errors.extend(f"{f.code}: API operation {op!r} is not in the OpenAPI document"
                      for op in f.api if op not in operations)
        errors.extend(f"{f.code}: test {node!r} is not in the collected suite"
                      for node in f.tests if not _collected(node, collected))
    return errors
