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
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any, ClassVar, Literal, get_args

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
MODULES: tuple[str, ...] = get_args(Module)
TitleSource = Literal["inferred-from-explanation", "official", "stated-in-explanation"]
# Where a piece of pack content (a glossary definition, a department's duty, a taxonomy item) comes from.
GlossarySourceKind = Literal["official", "other-regulation", "working-definition"]
DutySourceKind = Literal["official", "platform-assignment"]
TaxonomySourceKind = Literal["official", "stated-in-explanation", "other-instrument", "working-classification"]
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


class _Cited(Strict):
    """The fields that name a source: a pack and article, or an instrument and clause, and an address."""

    pack: str | None = None
    article: IntStr | None = None
    instrument: str | None = None
    clause: IntStr | None = None
    url: str | None = None


class CitationModel(_Cited):

    @model_validator(mode="after")
    def _names_a_source(self) -> CitationModel:
        if not self.pack and not self.instrument:
            raise ValueError("a citation names a pack (and article) or an instrument")
        _check_pack_article(self.pack, self.article if self.pack else None)  # an instrument's articles are free-form
        return self


def _check_pack_article(pack: str | None, article: str | None) -> None:
    """A pack is cited by article, and an article reference is a number, a range or a list (one rule for citations
    and content sources)."""
    if pack and not article:
        raise ValueError("a citation of a pack names an article")
    if article and not ARTICLE_REF.match(article):
        raise ValueError(f"article {article!r} is not a number, a range (11-30) or a list (5, 7)")


def _kind_only(value: Any) -> Any:
    """`source: working-definition` is short for `source: {kind: working-definition}`."""
    return {"kind": value} if isinstance(value, str) else value


class ContentSource(_Cited):
    """Where a piece of pack content comes from: its `kind`, and the instrument or pack article it names.

    Kinds in `NAMES_SOURCE` name their source (an instrument, or a pack and article); kinds in `INSTRUMENT_ONLY` name
    an instrument other than the pack's regulation. Kinds in `PLATFORM` are the platform's own choice: they may name an
    instrument they follow, never a pack article, so a working definition or a platform assignment is never shown as
    an article's text (the article it serves goes under the owner's `related`)."""

    NAMES_SOURCE: ClassVar[frozenset[str]] = frozenset()
    INSTRUMENT_ONLY: ClassVar[frozenset[str]] = frozenset()
    PLATFORM: ClassVar[frozenset[str]] = frozenset()

    kind: str

    @model_validator(mode="after")
    def _consistent(self) -> ContentSource:
        _check_pack_article(self.pack, self.article)
        if (self.article or self.clause) and not (self.pack or self.instrument):
            raise ValueError("an article or clause belongs to a pack or an instrument")
        if self.kind in self.INSTRUMENT_ONLY and not self.instrument:
            raise ValueError(f"a source of kind {self.kind!r} names the instrument (instrument: …)")
        if self.kind in self.NAMES_SOURCE and not (self.pack or self.instrument):
            raise ValueError(f"a source of kind {self.kind!r} names it: an instrument, or a pack and article")
        if self.kind in self.PLATFORM and self.pack:
            raise ValueError(
                f"a source of kind {self.kind!r} is the platform's own: it may name an instrument it follows, not "
                f"an article of a pack (put the article it serves under 'related')"
            )
        return self

    def citation(self) -> CitationModel | None:
        """The instrument or article the source names, as a citation (None when it names none)."""
        if not self.pack and not self.instrument:
            return None
        return CitationModel(
            pack=self.pack, article=self.article, instrument=self.instrument, clause=self.clause, url=self.url
        )


class GlossarySource(ContentSource):
    """official: the text of the regulation or another official instrument (named); other-regulation: the
    definition of another regulation (named, e.g. the Shenzhen 2022 regulation); working-definition: the platform's
    working wording, no legal force (it may name the instrument it paraphrases)."""

    NAMES_SOURCE = frozenset({"official", "other-regulation"})
    INSTRUMENT_ONLY = frozenset({"other-regulation"})
    PLATFORM = frozenset({"working-definition"})

    kind: GlossarySourceKind


class DutySource(ContentSource):
    """official: an instrument (or the official text of the pack's regulation) assigns the duty, cited;
    platform-assignment: the platform's assignment, which the operator configures."""

    NAMES_SOURCE = frozenset({"official"})
    PLATFORM = frozenset({"platform-assignment"})

    kind: DutySourceKind


class TaxonomySource(ContentSource):
    """official: an official instrument (or the official text) sets the item, cited; stated-in-explanation: the
    drafting explanation names it; other-instrument: another instrument (a policy, a standard) names it;
    working-classification: the platform's working classification (it may name the instrument it follows)."""

    NAMES_SOURCE = frozenset({"official", "other-instrument"})
    INSTRUMENT_ONLY = frozenset({"other-instrument"})
    PLATFORM = frozenset({"working-classification"})

    kind: TaxonomySourceKind


def _relative_file(value: str | None) -> str | None:
    """A pack names a source file by its name or a path relative to the seeds folder, never by a machine's path."""
    if value is None:
        return value
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() or PureWindowsPath(value).drive \
            or value.startswith("~"):
        raise ValueError(
            f"{value!r} is an absolute path: name the file, or give a path relative to the seeds folder "
            f"(e.g. 000_8d9b4afe2491dc13.txt)"
        )
    return value


class SourceDocument(Strict):
    title: str = Field(min_length=1)
    # The file's name, or a path relative to the seeds folder (shared/seeds), e.g. 000_8d9b4afe2491dc13.txt or
    # ../reference/mechanisms.md; never an absolute path (packs are deployed on other machines).
    file: str | None = None
    url: str | None = None
    issuer: str | None = None
    date: dt.date | None = None
    note: Text | None = None

    @field_validator("file")
    @classmethod
    def _file_is_relative(cls, value: str | None) -> str | None:
        return _relative_file(value)


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
    # True where the source gives topics only for the chapter as a whole: features attach to the chapter, and its
    # articles are reported as covered at chapter level rather than each claiming the same features.
    chapter_level: bool = False

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
    # Where the definition comes from (required): official / other-regulation / working-definition.
    source: Annotated[GlossarySource, BeforeValidator(_kind_only)]
    # The article (or instrument) whose topic the term serves: shown as related, never as the definition's source.
    related: CitationModel | None = None


class GlossaryFile(Strict):
    terms: list[TermModel] = Field(min_length=1)


# --- departments.yaml ---------------------------------------------------------------------------------------


class DutyModel(Strict):
    text: Text
    # Who assigns the duty (required): official (cited) or platform-assignment (configurable by the operator).
    source: Annotated[DutySource, BeforeValidator(_kind_only)]
    # The articles (or instruments) the duty serves: shown as related, never as the source of the assignment.
    related: CitationModel | None = None
    # The platform's work this duty covers (codes of the departments app's duty catalogue, e.g. incidents.handle):
    # the department holding the duty receives that work in its queue until the duty is handed over.
    work: list[Annotated[str, Field(pattern=r"^[a-z_]+(\.[a-z_]+)?$", max_length=60)]] = Field(default_factory=list)


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
    # Where the item comes from (required): official / stated-in-explanation / other-instrument /
    # working-classification, with the instrument or article it names.
    source: Annotated[TaxonomySource, BeforeValidator(_kind_only)]
    description: Text | None = None
    keywords: list[str] = Field(default_factory=list)
    children: list[TaxonomyItemModel] = Field(default_factory=list)
    maps_to: list[str] = Field(
        default_factory=list
    )  # "<taxonomy>:<item code>", e.g. "scenario_domains:science"

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
    # An official value cites the rule that sets it. A local-setting value may cite the instrument it follows or the
    # article whose mechanism it serves, or nothing: a platform default that no instrument sets cites none.
    citation: CitationModel | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _period(self) -> VersionModel:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        if self.status == "official" and self.citation is None:
            raise ValueError("an official value cites the rule that sets it (citation)")
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
