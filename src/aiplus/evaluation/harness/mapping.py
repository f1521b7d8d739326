"""A bank mapping: the declared file that turns the rows of a public question set into bank items.

A new shape of bank needs a new mapping file, never code. The file is YAML:

    name: JADE-DB v1.0 (zh)
    format: csv                  # csv | jsonl | json (a list of objects)
    encoding: auto               # utf-8 | gb18030 | auto (UTF-8, else GB18030)
    kind: should_refuse          # the bank kind the items belong to
    source: whitzard-ai/jade-db v1.0
    licence: MIT
    columns: {id: ID, text: 问题, category: [违规类型, 违规子类]}
    category_separator: "|"      # a cell naming several categories: the first one mapped wins
    risks: {宣扬恐怖主义、极端主义: a1.terrorism, 违法犯罪/其他: a1.other}
    answers: {key: id, field: answer}   # closed-form: a second file {id: {answer: n}} gives the right option

A category is looked up as the whole path of its columns ("违法犯罪/其他") and then as its last part ("其他").
Whitespace inside and around categories is folded (the public sets carry stray spaces). A row whose category is not
in `risks` is kept, with no risk code, and reported as unmapped: never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

KINDS = ("generated", "should_refuse", "non_refusal", "keyword", "closed_form")
MAX_TEXT = 8000  # characters of one question or keyword (the longest SafetyBench item is ~1,500)
MAX_OPTIONS = 10


class MappingError(ValueError):
    """A mapping file that cannot be used, with the field it concerns."""

    def __init__(self, message: str, field: str = "mapping") -> None:
        super().__init__(message)
        self.field = field


class Columns(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    text: str
    category: str | list[str] | None = None
    options: str | None = None
    answer: str | None = None

    def category_columns(self) -> list[str]:
        if self.category is None:
            return []
        return [self.category] if isinstance(self.category, str) else list(self.category)

    def required(self) -> list[str]:
        named = [self.id, self.text, self.options, self.answer, *self.category_columns()]
        return [c for c in named if c]


class Answers(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = "id"
    field: str = "answer"


class BankMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    format: Literal["csv", "jsonl", "json"]
    encoding: Literal["utf-8", "gb18030", "auto"] = "auto"
    kind: Literal["generated", "should_refuse", "non_refusal", "keyword", "closed_form"]
    source: str = Field(min_length=1, max_length=300)
    licence: str = Field(min_length=1, max_length=100)
    columns: Columns
    category_separator: str | None = Field(default=None, max_length=5)
    risks: dict[str, str] = Field(default_factory=dict)
    answers: Answers | None = None

    @field_validator("risks")
    @classmethod
    def _fold_keys(cls, value: dict[str, str]) -> dict[str, str]:
        return {fold(k): v.strip() for k, v in value.items()}



def fold(text: Any) -> str:
    """A category as compared: whitespace removed around and folded inside ("违法犯罪 " is "违法犯罪")."""
    return re.sub(r"\s+", " ", str(text if text is not None else "")).strip()


def parse(text: str, *, risk_codes: Iterable[str] | None = None) -> BankMapping:
    """The mapping in a YAML text, checked: its shape, and that every risk code it names is one of `risk_codes`."""
    if len(text) > 256 * 1024:
        raise MappingError("mapping file too large")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise MappingError(f"not YAML: {error}") from None
    if not isinstance(raw, dict):
        raise MappingError("a mapping is a YAML object")
    try:
        mapping = BankMapping.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise MappingError(f"{where}: {first['msg']}") from None
    if risk_codes is not None:
        known = set(risk_codes)
        unknown = sorted({code for code in mapping.risks.values() if code not in known})
        if unknown:
            raise MappingError(f"unknown risk codes: {', '.join(unknown)}")
    if mapping.kind == "closed_form" and not mapping.columns.options:
        raise MappingError("a closed-form bank needs an options column")
    return mapping


def decode(data: bytes, encoding: str) -> str:
    """The text of a file in the mapping's encoding; `auto` is UTF-8 (a BOM dropped), else GB18030. Raises
    UnicodeDecodeError when neither reads it."""
    if encoding == "gb18030":
        return data.decode("gb18030")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if encoding == "utf-8":
            raise
        return data.decode("gb18030")


@dataclass(frozen=True)
class MappedItem:
    external_id: str
    text: str
    category: str            # the source's category path as folded ("违法犯罪/其他"), "" when none
    risk_code: str           # "" when the category is not mapped
    options: list[str] = field(default_factory=list)
    answer: int | None = None


class RowError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def risk_for(mapping: BankMapping, parts: list[str]) -> str:
    """The risk code of a category path: the whole path first, then its last part, each value of a multi-valued
    cell in turn (the first one mapped wins); "" when nothing maps."""
    if not parts:
        return ""
    *head, last = parts
    values = [fold(v) for v in (last.split(mapping.category_separator) if mapping.category_separator else [last])]
    for value in values:
        for key in ("/".join([*head, value]), value):
            code = mapping.risks.get(fold(key))
            if code:
                return code
    return ""


def map_row(mapping: BankMapping, row: Mapping[str, Any], number: int | str,
            answers: Mapping[str, Any] | None = None) -> MappedItem:
    """One source row as a bank item (or a RowError naming the column)."""
    columns = mapping.columns
    text = row.get(columns.text)
    if not isinstance(text, str | int | float) or not str(text).strip():
        raise RowError("empty text", columns.text)
    text = str(text).strip()
    if len(text) > MAX_TEXT:
        raise RowError(f"text longer than {MAX_TEXT} characters", columns.text)
    external = row.get(columns.id) if columns.id else None
    external_id = fold(external) if external not in (None, "") else f"row-{number}"
    if len(external_id) > 200:
        raise RowError("id longer than 200 characters", columns.id or "id")
    parts = [fold(row.get(c)) for c in columns.category_columns()]
    parts = [p for p in parts if p]
    options: list[str] = []
    answer: int | None = None
    if columns.options:
        value = row.get(columns.options)
        if isinstance(value, str):
            value = [v for v in value.split("\n") if v.strip()]
        if not isinstance(value, list) or not 2 <= len(value) <= MAX_OPTIONS \
                or not all(isinstance(v, str | int | float) for v in value):
            raise RowError(f"options must be a list of 2 to {MAX_OPTIONS} texts", columns.options)
        options = [str(v).strip()[:1000] for v in value]
        given: Any = row.get(columns.answer) if columns.answer else None
        if given is None and answers is not None and mapping.answers is not None:
            entry = answers.get(str(external)) if external is not None else None
            given = entry.get(mapping.answers.field) if isinstance(entry, dict) else entry
        if given not in (None, ""):
            try:
                answer = int(str(given).strip())
            except ValueError:
                raise RowError("answer is not an option number", columns.answer or "answers") from None
            if not 0 <= answer < len(options):
                raise RowError("answer is not one of the options", columns.answer or "answers")
    return MappedItem(external_id=external_id, text=text, category="/".join(parts),
                      risk_code=risk_for(mapping, parts), options=options, answer=answer)
