"""Chinese search over the registers, through the platform's one search design (`aiplus.core.search`): the same
rjieba analyzer as the data catalogue, tokens stored in each row's `search_tokens` by the services, matched through
the full-text index of migration 0002."""

from __future__ import annotations

from aiplus.core.search import SearchIndex
from aiplus.scenarios.matching import default_analyzer

MODELS = SearchIndex("algorithms_aimodel", analyzer=default_analyzer, fallback_field="name")
ALGORITHMS = SearchIndex("algorithms_algorithm", analyzer=default_analyzer, fallback_field="name")
HARDWARE = SearchIndex("algorithms_hardware", analyzer=default_analyzer, fallback_field="name")
PROJECTS = SearchIndex("algorithms_opensourceproject", analyzer=default_analyzer, fallback_field="name")
TABLES = [index.table for index in (MODELS, ALGORITHMS, HARDWARE, PROJECTS)]
