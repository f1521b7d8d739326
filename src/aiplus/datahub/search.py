"""Chinese search over the catalogue, through the platform's one search design (`aiplus.core.search`): rjieba
tokens (the matching engine's analyzer and domain dictionary) stored beside the text in `Dataset.search_tokens`,
matched as whole tokens through a full-text index (migration 0002)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from aiplus.core.search import SearchIndex
from aiplus.scenarios.matching import default_analyzer

DATASETS = SearchIndex("datahub_dataset", analyzer=default_analyzer)


def terms(text: str) -> list[str]:
    return DATASETS.terms(text)


def tokens_for(*parts: Any) -> str:
    """The unique terms of the texts, space-delimited with a leading and trailing space."""
    return DATASETS.tokens_for(*parts)


def query_filter(query: str) -> Q | None:
    return DATASETS.query_filter(query)


def apply(rows: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Rows whose tokens contain every term of the query, through the database's full-text index."""
    return DATASETS.apply(rows, query)
