"""Regulation: jurisdiction packs (law as data) — the YAML schema, the loader, the coverage of articles.

This package's `__init__` imports nothing from Django: the loader and schema are pure Python, usable from the
rules engine, management commands and tests alike. The Django app config lives in `apps.py`.
"""
