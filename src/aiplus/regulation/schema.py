"""The YAML schema of a jurisdiction pack: one pydantic model per file kind (pure Python, no Django).

A pack folder holds:

    pack.yaml               PackFile          (required)
    regulation.yaml         RegulationFile    (optional: national has no single regulation; gba has none)
    instruments.yaml        InstrumentsFile   (optional: external instruments the pack applies)
    glossary.yaml           GlossaryFile      (optional)
    departments.yaml        DepartmentsFile   (optional)
    taxonomies/<code>.yaml  TaxonomyFile      (file name == `taxonomy` code)
    parameters/*.yaml       ParametersFile

Every model forbids unknown keys (`extra="forbid"`) and is immutable. Cross-file rules (contiguous article
numbers, citations that must point at existing articles, overlapping parameter periods, keys defined twice)
are checked by the loader, which knows the YAML line of every value.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic import Strict as PydanticStrict

MODULES = (
    "core",
    "regulation",
    "rules",
    "scenarios",
    "experts",
    "compute",
    "datahub",
    "algorithms",
    "evaluation",
    "governance",
    "support",
    "insights",
    "portal",
)
Module = Literal[
    "core",
    "regulation",
    "rules",
    "scenarios",
    "experts",
    "compute",
    "datahub",
    "algorithms",
    "evaluation",
    "governance",
    "support",
    "insights",
    "portal",
]
TitleSource = Literal["inferred-from-explanation", "official", "stated-in-explanation"]
DefinitionSource = Literal[
    "inferred-from-explanation", "official", "stated-in-explanation", "working-definition"
]
ParameterStatusName = Literal["official", "local-setting"]
PackStatus = Literal["draft", "consultation", "submitted", "official", "repealed", "reference"]
Level = Literal["national", "regional", "provincial", "municipal", "district", "cross-border"]

PARAMETER_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
CODE = re.compile(r"^[a-z0-9_]+([.\-][a-z0-9_]+)*$")
# "34", "11-30", "11–30", "22, 24", "5,7-9"
ARTICLE_REF = re.compile(r"^\s*\d+(\s*[-–]\s*\d+)?(\s*[,，、]\s*\d+(\s*[-–]\s*\d+)?)*\s*$")


def _to_str(value: Any) -> Any:
    """Let YAML authors write `article: 8` as well as `article: "8"`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    return value


IntStr = Annotated[str, BeforeValidator(_to_str)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A bilingual text: Chinese is authoritative, English is complete."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class CitationModel(Strict):
    pack: str | None = None
    article: IntStr | None = None
    instrument: str | None = None
    clause: IntStr | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _names_a_source(self) -> CitationModel:
        if not self.pack and not self.instrument:
            raise ValueError("a citation names a pack (and article) or an instrument")
        if self.pack and not self.article:
            raise ValueError("a citation of a pack names an article")
        if self.pack and self.article and not ARTICLE_REF.match(self.article):
            raise ValueError(f"article {self.article!r} is not a number, a range (11-30) or a list (5, 7)")
        return self


class SourceDocument(Strict):
    title: str = Field(min_length=1)
    file: str | None = None  # e.g. the drafting explanation under /work/shared/seeds
    url: str | None = None
    issuer: str | None = None
    date: dt.date | None = None
    note: Text | None = None


# --- pack.yaml ----------------------------------------------------------------------------------------------


class PackFile(Strict):
    code: str = Field(pattern=CODE.pattern)
    name: Text
    extends: list[str] = Field(default_factory=list)
    jurisdiction: str = Field(min_length=1)
    level: Level | None = None
    members: list[str] = Field(
        default_factory=list
    )  # jurisdiction codes of a region (e.g. the GBA's 11 cities)
    version: IntStr = Field(min_length=1)
    status: PackStatus
    effective_date: dt.date | None = None
    source: SourceDocument | None = None
    notes: Text | None = None


# --- regulation.yaml ----------------------------------------------------------------------------------------


class ChapterModel(Strict):
    number: int = Field(ge=1)
    title: Text
    first_article: int = Field(ge=1)
    last_article: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> ChapterModel:
        if self.last_article < self.first_article:
            raise ValueError(f"chapter {self.number}: last_article < first_article")
        return self


class ArticleModel(Strict):
    number: int = Field(ge=1)
    chapter: int = Field(ge=1)
    title: Text
    title_source: TitleSource
    summary: Text
    declarative: bool = False
    modules: list[Module] = Field(default_factory=list)


class RegulationFile(Strict):
    title: Text
    short_title: Text
    status: PackStatus
    source: SourceDocument | None = None
    notes: Text | None = None
    chapters: list[ChapterModel] = Field(min_length=1)
    articles: list[ArticleModel] = Field(min_length=1)


# --- instruments.yaml ---------------------------------------------------------------------------------------


class InstrumentModel(Strict):
    code: str = Field(pattern=CODE.pattern)
    title: Text
    aliases: list[str] = Field(default_factory=list)  # other names citations use, e.g. "数据安全法"
    kind: Literal[
        "law",
        "administrative-regulation",
        "departmental-rule",
        "normative-document",
        "national-standard",
        "recommended-standard",
        "technical-document",
        "policy",
        "local-regulation",
        "local-policy",
    ]
    issuer: Text
    number: str | None = None  # 文号 / standard number
    issued: dt.date | None = None
    effective: dt.date | None = None
    status: Literal["in-force", "draft", "superseded", "repealed"] = "in-force"
    url: str | None = None
    confidence: Literal["V", "S", "R", "I"]  # mechanisms.md tag for the metadata given here
    modules: list[Module] = Field(default_factory=list)
    note: Text | None = None


class InstrumentsFile(Strict):
    instruments: list[InstrumentModel] = Field(min_length=1)


# --- glossary.yaml ------------------------------------------------------------------------------------------


class TermModel(Strict):
    code: str = Field(pattern=CODE.pattern)
    term: Text
    definition: Text
    definition_source: DefinitionSource = "working-definition"
    citation: CitationModel


class GlossaryFile(Strict):
    terms: list[TermModel] = Field(min_length=1)


# --- departments.yaml ---------------------------------------------------------------------------------------


class DutyModel(Strict):
    text: Text
    citation: CitationModel


class DepartmentModel(Strict):
    code: str = Field(pattern=CODE.pattern)
    name: Text
    level: Level
    lead: bool = False
    duties: list[DutyModel] = Field(min_length=1)


class DepartmentsFile(Strict):
    departments: list[DepartmentModel] = Field(min_length=1)


# --- taxonomies/*.yaml --------------------------------------------------------------------------------------


class TaxonomyItemModel(Strict):
    code: str = Field(pattern=CODE.pattern)
    name: Text
    source: str = ""  # explanation | local-setting | official | an instrument name
    description: Text | None = None
    keywords: list[str] = Field(default_factory=list)
    children: list[TaxonomyItemModel] = Field(default_factory=list)
    maps_to: list[str] = Field(
        default_factory=list
    )  # "<taxonomy>:<item code>", e.g. "scenario_domains:science"
    citation: CitationModel | None = None

    @field_validator("maps_to")
    @classmethod
    def _mapping_format(cls, value: list[str]) -> list[str]:
        for target in value:
            if ":" not in target:
                raise ValueError(f"maps_to {target!r} must read '<taxonomy>:<item code>'")
        return value


class TaxonomyFile(Strict):
    taxonomy: str = Field(pattern=CODE.pattern)
    title: Text
    citation: CitationModel
    description: Text | None = None
    items: list[TaxonomyItemModel] = Field(min_length=1)


# --- parameters/*.yaml --------------------------------------------------------------------------------------

ParameterValue = StrictBool | StrictInt | Annotated[Decimal, PydanticStrict()] | StrictStr | list[Any]


def _float_to_decimal(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


class VersionModel(Strict):
    value: Annotated[ParameterValue, BeforeValidator(_float_to_decimal)]
    effective_from: dt.date
    effective_to: dt.date | None = None  # inclusive
    status: ParameterStatusName
    citation: CitationModel
    note: Text | None = None

    @model_validator(mode="after")
    def _period(self) -> VersionModel:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class ParameterModel(Strict):
    key: str = Field(pattern=PARAMETER_KEY.pattern)
    title: Text
    unit: str = ""
    versions: list[VersionModel] = Field(min_length=1)


class ParametersFile(Strict):
    parameters: list[ParameterModel] = Field(min_length=1)


FILE_MODELS: dict[str, type[Strict]] = {
    "pack.yaml": PackFile,
    "regulation.yaml": RegulationFile,
    "instruments.yaml": InstrumentsFile,
    "glossary.yaml": GlossaryFile,
    "departments.yaml": DepartmentsFile,
}
