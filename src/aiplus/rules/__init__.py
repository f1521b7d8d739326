"""The rules engine: dated parameters with citations, and rule functions that return decisions with reasons.

Pure Python (no Django): every number a rule applies comes from a `ParameterRegistry` loaded from the packs, and
every decision lists the reasons, each with its citation, so an official can defend it line by line.
"""

from aiplus.rules.citations import Citation
from aiplus.rules.decision import Decision, ParameterUse, Reason
from aiplus.rules.money import money
from aiplus.rules.parameters import (
    ParameterError,
    ParameterRegistry,
    ParameterStatus,
    ParameterVersion,
)
from aiplus.rules.registry import RuleSpec, get_rule, rule, rules

__all__ = [
    "Citation",
    "Decision",
    "ParameterError",
    "ParameterRegistry",
    "ParameterStatus",
    "ParameterUse",
    "ParameterVersion",
    "Reason",
    "RuleSpec",
    "get_rule",
    "money",
    "rule",
    "rules",
]
