"""Cells for spreadsheets and CSV files the platform writes: what a user wrote never becomes a formula.

A spreadsheet program reads a text cell that begins with ``=``, ``+``, ``-`` or ``@`` (or with a tab or a carriage
return before one of them) as a formula: a scenario titled ``=HYPERLINK("http://…")`` would run in the reviewer's
Excel ("CSV injection", OWASP). Every export passes each cell through `safe_cell` (or a row through `safe_row`),
which puts a single quote in front of such text, as OWASP recommends; the quote shows, so the reader sees the text
exactly as written. Numbers, dates and booleans stay what they are (a negative number is a number, not a formula).
An import of a file the platform exported reads the cell back with `restore_cell`. Pure functions: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_cell(value: Any) -> Any:
    """The value to write into a spreadsheet or CSV cell: text that begins with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return gets a leading single quote (``"=1+1"`` → ``"'=1+1"``); any other value, text or not
    (numbers, decimals, dates, booleans, None), is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """`safe_cell` applied to every cell of a row, in order."""
    return [safe_cell(value) for value in values]


def restore_cell(value: Any) -> Any:
    """The inverse of `safe_cell` for a cell read back from an exported file: text that is a single quote followed
    by one of the formula characters loses the quote (``"'=1+1"`` → ``"=1+1"``); anything else is unchanged."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value
