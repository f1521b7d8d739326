"""The active packs of this deployment, loaded once per process from settings.AIPLUS_PACKS."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from aiplus.regulation.loader import PackSet, load_packs
from aiplus.rules import ParameterRegistry


@lru_cache(maxsize=1)
def active_packs() -> PackSet:
    return load_packs(settings.AIPLUS_PACKS_DIR, settings.AIPLUS_PACKS)


def parameters() -> ParameterRegistry:
    return active_packs().parameters


def reload() -> PackSet:
    active_packs.cache_clear()
    return active_packs()
