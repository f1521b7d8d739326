"""Chinese search over needs, capability profiles and cases, through the platform's one search design
(`aiplus.core.search`): the services store each row's analyzer terms in `search_tokens` on write, and a query
matches whole tokens through the full-text index (migration 0003).

The analyzer folds every synonym of the reviewed synonym table to one canonical term on both sides, so a query
for 质检 finds a need that says 质量检测; the organisation's name is part of the tokens, so a supplier or an
owner can be found by name. The parts of compound words are stored as well, so 养老 finds 智慧养老 as the
substring search it replaces did."""

from __future__ import annotations

from typing import Any

from aiplus.core.search import SearchIndex
from aiplus.scenarios.matching import default_analyzer

# Titles here are often one dictionary compound (智慧养老, 陪护机器人): their parts are stored too.
NEEDS = SearchIndex("scenarios_need", analyzer=default_analyzer, subwords=True)
PROFILES = SearchIndex("scenarios_capabilityprofile", analyzer=default_analyzer, fallback_field="products",
                       subwords=True)
CASES = SearchIndex("scenarios_case", analyzer=default_analyzer, subwords=True)


def need_tokens(need: Any) -> str:
    return NEEDS.tokens_for(need.title, need.problem, need.data_offered, need.owner.name)


def profile_tokens(profile: Any) -> str:
    return PROFILES.tokens_for(profile.products, profile.description, profile.reference_cases,
                               profile.organisation.name)


def case_tokens(case: Any) -> str:
    return CASES.tokens_for(case.title, case.summary)
