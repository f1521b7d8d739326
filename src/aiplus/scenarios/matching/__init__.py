"""Scenario matchmaking engine (Suzhou regulation arts. 11–30, Guangdong arts. 16–21): pure Python, no Django.

Needs (场景需求) and supplier capability profiles (能力清单) are matched in both directions by BM25 over
Chinese terms (rjieba + a reviewed domain dictionary + synonym folding) combined with structured fit (domain,
region, budget) and hard constraints (required qualifications). Every result carries an explanation as
structured items (a code and its parameters) that the caller renders in the reader's language.
"""

from .engine import MatchingEngine
from .model import (
    CapabilityProfile,
    Constraint,
    Exclusion,
    Explanation,
    ExplanationItem,
    FieldFit,
    IndexStats,
    Match,
    MatchResult,
    Need,
    StrongMatchPolicy,
    TermMatch,
    Weights,
    strong_matches,
)
from .text import Analyzer, default_analyzer

__all__ = [
    "Analyzer",
    "CapabilityProfile",
    "Constraint",
    "Exclusion",
    "Explanation",
    "ExplanationItem",
    "FieldFit",
    "IndexStats",
    "Match",
    "MatchResult",
    "MatchingEngine",
    "Need",
    "StrongMatchPolicy",
    "TermMatch",
    "Weights",
    "default_analyzer",
    "strong_matches",
]
