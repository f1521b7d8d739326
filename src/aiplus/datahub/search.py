"""Chinese search over the catalogue: rjieba tokens (the matching engine's analyzer and domain dictionary) stored
beside the text in `Dataset.search_tokens`, matched as whole space-delimited tokens on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from aiplus.scenarios.matching import default_analyzer


def terms(text: str) -> list[str]:
    return default_analyzer().terms(text)


def tokens_for(*parts: Any) -> str:
    """The unique terms of the texts, space-delimited with a leading and trailing space."""
    seen: dict[str, None] = {}
    for part in parts:
        for term in terms(str(part or "")):
            seen.setdefault(term.replace(" ", ""), None)
    return " " + " ".join(seen) + " " if seen else ""


def query_filter(query: str) -> Q | None:
    """Every query term must appear as a whole token; None when the query has no terms."""
    found = [t for t in dict.fromkeys(terms(query)) if t]
    if not found:
        text = query.strip()
        return Q(title__icontains=text) if text else None
    condition = Q()
    for term in found:
        condition &= Q(search_tokens__contains=f" {term} ")
    return condition
