"""Load jurisdiction packs (folders of YAML) into typed, immutable objects and one ParameterRegistry.

Pure Python (no Django). Every validation error is a `PackError` naming the file and the line:

    packs/suzhou/regulation.yaml:42: unknown key 'titel' in article 7

Inheritance (`extends` in pack.yaml): national is the root; suzhou and guangdong extend national; gba extends
guangdong (the GBA provisions are Guangdong arts. 22–24, and the GBA cross-border rules refine national ones).
`load_packs` adds the ancestors of every requested pack, loads each pack once, ancestors first, and:

- lets a pack override a parameter key of a pack it extends (directly or transitively): its versions
  replace the ancestor's versions for that key as a whole;
- rejects a key defined by two packs of which neither extends the other;
- checks every citation {pack, article}: the pack must be the citing pack or one it extends, and every article
  number (or range "11-30", or list "5, 7") must exist in that pack's regulation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from aiplus.regulation import schema
from aiplus.rules.citations import Citation
from aiplus.rules.parameters import ParameterError, ParameterRegistry, ParameterStatus, ParameterVersion

Loc = tuple[str | int, ...]

KNOWN_FILES = ("pack.yaml", "regulation.yaml", "instruments.yaml", "glossary.yaml", "departments.yaml")
KNOWN_DIRS = ("taxonomies", "parameters", "programmes", "cultivation", "opc")  # programmes: read by
# aiplus.support.engine; cultivation: the enterprise tiers read by aiplus.measures.engine; opc (entitlement bundles):
# by aiplus.opc


def default_packs_root() -> Path:
    """The repository's packs/ folder (src/aiplus/regulation/loader.py → parents[3] / "packs")."""
    return Path(__file__).resolve().parents[3] / "packs"


# --- errors -------------------------------------------------------------------------------------------------


class PackError(Exception):
    """A pack that does not validate; `str()` reads "packs/suzhou/regulation.yaml:42: message"."""

    def __init__(self, file: Path, line: int | None, message: str, *, display: str | None = None) -> None:
        self.file = file
        self.line = line
        self.message = message
        self.display = display or str(file)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.display if self.line is None else f"{self.display}:{self.line}"
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"PackError({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PackError) and (self.file, self.line, self.message) == (
            other.file,
            other.line,
            other.message,
        )

    def __hash__(self) -> int:
        return hash((self.file, self.line, self.message))


# --- the loaded objects -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chapter:
    number: int
    title_zh: str
    title_en: str
    first_article: int
    last_article: int
    chapter_level: bool = False

    @property
    def articles(self) -> range:
        return range(self.first_article, self.last_article + 1)


@dataclass(frozen=True, slots=True)
class Article:
    pack: str
    number: int
    chapter: int
    title_zh: str
    title_en: str
    title_source: str
    summary_zh: str
    summary_en: str
    declarative: bool
    modules: tuple[str, ...]

    @property
    def citation(self) -> Citation:
        return Citation(pack=self.pack, article=str(self.number))


# Source kinds that are the platform's own choice (schema.ContentSource.PLATFORM): never shown as law.
PLATFORM_SOURCE_KINDS = frozenset({"working-definition", "platform-assignment", "working-classification"})


@dataclass(frozen=True, slots=True)
class Source:
    """Where a glossary definition, a department's duty or a taxonomy item comes from: its kind (schema
    `GlossarySource`, `DutySource`, `TaxonomySource`) and the instrument or article it names, if any. For a platform
    kind the citation, when there is one, is an instrument the platform follows, never a pack article."""

    kind: str
    citation: Citation | None = None

    @property
    def is_platform(self) -> bool:
        return self.kind in PLATFORM_SOURCE_KINDS


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    code: str
    term_zh: str
    term_en: str
    definition_zh: str
    definition_en: str
    source: Source
    related: Citation | None = None  # the article or instrument whose topic the term serves; not its source


@dataclass(frozen=True, slots=True)
class Duty:
    text_zh: str
    text_en: str
    source: Source
    related: Citation | None = None  # the articles the duty serves; not the source of the assignment
    work: tuple[str, ...] = ()  # the platform's work codes this duty covers (the departments app's catalogue)

    @property
    def citation(self) -> Citation | None:
        """What a page cites beside the duty: its official source, or (a platform assignment) the articles it
        serves, which the page labels as such."""
        return self.related if self.source.is_platform else self.source.citation


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name_zh: str
    name_en: str
    level: str
    duties: tuple[Duty, ...]
    lead: bool = False
    pack: str = ""


@dataclass(frozen=True, slots=True)
class TaxonomyItem:
    code: str
    name_zh: str
    name_en: str
    source: Source
    keywords: tuple[str, ...]
    children: tuple[TaxonomyItem, ...]
    maps_to: tuple[str, ...]
    parent: str | None = None
    description_zh: str = ""
    description_en: str = ""


@dataclass(frozen=True, slots=True)
class Taxonomy:
    code: str
    title_zh: str
    title_en: str
    citation: Citation
    items: tuple[TaxonomyItem, ...]
    pack: str = ""

    def flatten(self) -> tuple[TaxonomyItem, ...]:
        """Every item, depth first; each carries its `parent` code (None at the top level)."""
        out: list[TaxonomyItem] = []

        def walk(items: tuple[TaxonomyItem, ...]) -> None:
            for item in items:
                out.append(item)
                walk(item.children)

        walk(self.items)
        return tuple(out)

    def item(self, code: str) -> TaxonomyItem:
        for item in self.flatten():
            if item.code == code:
                return item
        raise KeyError(f"taxonomy {self.code} has no item {code}")

    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.flatten())


@dataclass(frozen=True, slots=True)
class Instrument:
    code: str
    title_zh: str
    title_en: str
    kind: str
    issuer_zh: str
    issuer_en: str
    number: str | None
    issued: dt.date | None
    effective: dt.date | None
    status: str
    url: str | None
    confidence: str
    modules: tuple[str, ...]
    note_zh: str = ""
    note_en: str = ""
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every name a citation may use for this instrument."""
        return (self.title_zh, self.code, *self.aliases)


@dataclass(frozen=True, slots=True)
class ParameterInfo:
    """What the registry does not hold: a parameter's title and the per-version notes."""

    key: str
    title_zh: str
    title_en: str
    unit: str
    pack: str
    source: str
    notes: tuple[tuple[dt.date, str, str], ...]  # (effective_from, note_zh, note_en)


@dataclass(frozen=True, slots=True)
class CitationRef:
    """A citation as found in a file, kept so the pack set can check it against the loaded articles."""

    citation: Citation
    file: Path
    line: int | None
    display: str


@dataclass(frozen=True, slots=True)
class MappingRef:
    target: str  # "<taxonomy>:<item code>"
    file: Path
    line: int | None
    display: str


# How a citation names a regulation that is still a draft: its stage, in Chinese and English.
DRAFT_STAGES: dict[str, tuple[str, str]] = {
    "draft": ("草案", "draft"),
    "consultation": ("征求意见稿", "consultation draft"),
    "submitted": ("送审稿", "submitted draft"),
}


@dataclass(frozen=True)
class Pack:
    code: str
    name_zh: str
    name_en: str
    extends: tuple[str, ...]
    jurisdiction: str
    version: str
    status: str
    effective_date: dt.date | None
    path: Path
    chapters: tuple[Chapter, ...]
    articles: tuple[Article, ...]
    glossary: tuple[GlossaryTerm, ...]
    departments: tuple[Department, ...]
    taxonomies: dict[str, Taxonomy]
    parameters: tuple[ParameterVersion, ...]
    content_hash: str
    members: tuple[str, ...] = ()
    level: str | None = None
    regulation_title_zh: str = ""
    regulation_title_en: str = ""
    regulation_short_zh: str = ""
    regulation_short_en: str = ""
    regulation_status: str | None = None
    instruments: tuple[Instrument, ...] = ()
    parameter_info: dict[str, ParameterInfo] = field(default_factory=dict)
    citation_refs: tuple[CitationRef, ...] = field(default=(), repr=False, compare=False)
    mapping_refs: tuple[MappingRef, ...] = field(default=(), repr=False, compare=False)

    def regulation_citation_name(self, english: bool) -> str:
        """The name a citation of this pack's regulation uses: the short title with the draft's status, which a
        short form may never drop (苏州条例（送审稿） / Suzhou Regulation (submitted draft))."""
        short = (self.regulation_short_en if english else self.regulation_short_zh) or \
            (self.name_en if english else self.name_zh)
        stage = DRAFT_STAGES.get(self.regulation_status or "")
        if not stage:
            return short
        label = stage[1] if english else stage[0]
        already = label.lower() in short.lower()
        return short if already else (f"{short} ({label})" if english else f"{short}（{label}）")

    def article(self, number: int) -> Article:
        return _first(self.articles, lambda article: article.number == number,
                      f"pack {self.code} has no article {number}")


def _first[T](items: Iterable[T], matches: Callable[[T], bool], missing: str) -> T:
    """The first of `items` that `matches`; KeyError(`missing`) when none does."""
    for item in items:
        if matches(item):
            return item
    raise KeyError(missing)


@dataclass(frozen=True)
class PackSet:
    packs: dict[str, Pack]  # in load order: ancestors first
    parameters: ParameterRegistry

    def article(self, pack: str, number: int) -> Article:
        if pack not in self.packs:
            raise KeyError(f"pack {pack} is not active")
        return self.packs[pack].article(number)

    def all_articles(self) -> list[Article]:
        return [article for pack in self.packs.values() for article in pack.articles]

    def departments(self) -> list[Department]:
        return [department for pack in self.packs.values() for department in pack.departments]

    def department(self, code: str) -> Department:
        return _first(self.departments(), lambda department: department.code == code,
                      f"no department {code} in the active packs")

    def _most_specific[T](self, of_pack: Callable[[Pack], dict[str, T]], key: str, missing: str) -> T:
        """`key` in the most specific active pack that defines it (a child pack wins over the packs it extends)."""
        for pack in reversed(self.packs.values()):
            if key in of_pack(pack):
                return of_pack(pack)[key]
        raise KeyError(missing)

    def taxonomy(self, code: str) -> Taxonomy:
        return self._most_specific(lambda pack: pack.taxonomies, code, f"no taxonomy {code} in the active packs")

    def taxonomies(self) -> dict[str, Taxonomy]:
        found: dict[str, Taxonomy] = {}
        for pack in self.packs.values():
            found.update(pack.taxonomies)
        return found

    def glossary(self) -> list[GlossaryTerm]:
        return [term for pack in self.packs.values() for term in pack.glossary]

    def instruments(self) -> list[Instrument]:
        return [instrument for pack in self.packs.values() for instrument in pack.instruments]

    def instrument(self, name: str) -> Instrument:
        """The instrument a citation names (by Chinese title, code or alias)."""
        return _first(self.instruments(), lambda instrument: name in instrument.names(),
                      f"no instrument {name} in the active packs")

    def parameter_info(self, key: str) -> ParameterInfo:
        return self._most_specific(lambda pack: pack.parameter_info, key, f"unknown parameter {key}")

    def ancestors(self, code: str) -> list[str]:
        return _ancestors(code, {c: p.extends for c, p in self.packs.items()})

    def content_hashes(self) -> dict[str, str]:
        """{pack code: content hash}: what a decision stores to say which pack versions it used."""
        return {code: pack.content_hash for code, pack in self.packs.items()}


# --- YAML with lines ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Doc:
    file: Path
    display: str
    data: Any
    lines: dict[Loc, int]

    def line(self, loc: Sequence[str | int]) -> int | None:
        """The line of the deepest known prefix of `loc` (1-based)."""
        key = tuple(loc)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)

    def error(self, loc: Sequence[str | int], message: str) -> PackError:
        return PackError(self.file, self.line(loc), message, display=self.display)


def _display(file: Path, root: Path) -> str:
    try:
        return str(file.relative_to(root.parent))
    except ValueError:
        return str(file)


def _walk_nodes(node: yaml.Node, loc: Loc, lines: dict[Loc, int], doc_file: Path, display: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise PackError(
                    doc_file, line, f"key '{key}' appears twice (first on line {seen[key]})", display=display
                )
            seen[key] = line
            lines[(*loc, key)] = line
            _walk_nodes(value_node, (*loc, key), lines, doc_file, display)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _walk_nodes(item, (*loc, index), lines, doc_file, display)


def _read_yaml(file: Path, root: Path) -> _Doc:
    display = _display(file, root)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(file, None, f"cannot read: {exc}", display=display) from exc
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PackError(file, 1, "empty file", display=display)
        lines: dict[Loc, int] = {(): node.start_mark.line + 1}
        _walk_nodes(node, (), lines, file, display)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise PackError(file, line, f"invalid YAML: {exc.problem or exc}", display=display) from exc
    except yaml.YAMLError as exc:
        raise PackError(file, None, f"invalid YAML: {exc}", display=display) from exc
    finally:
        loader.dispose()
    return _Doc(file, display, data, lines)


_LABELS = {
    "articles": "article",
    "chapters": "chapter",
    "parameters": "parameter",
    "versions": "version",
    "terms": "term",
    "departments": "department",
    "duties": "duty",
    "items": "item",
    "children": "item",
    "instruments": "instrument",
}


def _context(data: Any, loc: Loc) -> str:
    """ "article 7", "version 2 of parameter a.b": the objects enclosing `loc`, innermost first."""
    parts: list[str] = []
    node = data
    parent_key: str | int | None = None
    for step in loc:
        if isinstance(node, dict) and step in node:
            parent_key, node = step, node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            label = _LABELS.get(str(parent_key), str(parent_key))
            ident: Any = None
            if isinstance(node, dict):
                for name in ("number", "key", "code"):
                    if (
                        name in node
                        and isinstance(node[name], (str, int))
                        and not isinstance(node[name], bool)
                    ):
                        ident = node[name]
                        break
            parts.append(f"{label} {ident if ident is not None else step + 1}")
            parent_key = step
        else:
            break
    return " of ".join(reversed(parts))


def _message(error: Any, data: Any) -> tuple[Loc, str]:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    context = _context(data, loc)
    suffix = f" in {context}" if context else ""
    # pydantic appends union-member and validator names to the location; keep the part that exists in the file
    field_loc = tuple(
        step
        for step in loc
        if not (
            isinstance(step, str)
            and (
                "[" in step
                or step in {"bool", "int", "str", "list[any]", "decimal", "function-after", "function-before"}
            )
        )
    )
    name = next((str(step) for step in reversed(field_loc) if isinstance(step, str)), "")
    if kind == "extra_forbidden":
        return loc, f"unknown key '{loc[-1]}'{suffix}"
    if kind == "missing":
        return loc, f"missing key '{loc[-1]}'{suffix}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return field_loc, f"invalid {name!r}: {message}{suffix}" if name else f"{message}{suffix}"


def _validate[M: BaseModel](model: type[M], doc: _Doc, errors: list[PackError]) -> M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        found = exc.errors()
        # a misspelt key shows up as "unknown" and as "missing": report the unknown key first, it is the cause
        missing = {tuple(e["loc"][:-1]): str(e["loc"][-1]) for e in found if e["type"] == "missing"}
        for error in sorted(found, key=lambda e: e["type"] != "extra_forbidden"):
            loc, message = _message(error, doc.data)
            if error["type"] == "extra_forbidden" and tuple(loc[:-1]) in missing:
                message += f" (did you mean '{missing[tuple(loc[:-1])]}'?)"
            errors.append(doc.error(loc, message))
        return None


# --- one pack -----------------------------------------------------------------------------------------------


def _citation(model: schema.CitationModel) -> Citation:
    return Citation(
        pack=model.pack,
        article=model.article,
        instrument=model.instrument,
        clause=model.clause,
        url=model.url,
    )


def article_numbers(reference: str) -> list[int]:
    """ "34" → [34]; "11-30" / "11–30" → 11..30; "5, 7-9" → [5, 7, 8, 9]."""
    numbers: list[int] = []
    for part in re.split(r"[,，、]", reference):
        part = part.strip()
        if not part:
            continue
        bounds = re.split(r"\s*[-–]\s*", part)
        if len(bounds) == 2:
            numbers.extend(range(int(bounds[0]), int(bounds[1]) + 1))
        else:
            numbers.append(int(bounds[0]))
    return numbers


class _PackBuilder:
    def __init__(self, path: Path, root: Path, errors: list[PackError]) -> None:
        self.path = path
        self.root = root
        self.errors = errors
        self.refs: list[CitationRef] = []
        self.mappings: list[MappingRef] = []

    def load[M: BaseModel](self, file: Path, model: type[M]) -> tuple[_Doc, M] | None:
        """A pack file read and checked against its schema; None when it is absent or invalid (the errors are
        recorded)."""
        if not file.is_file():
            return None
        doc = self.read(file)
        found = _validate(model, doc, self.errors) if doc else None
        if found is None or doc is None:
            return None
        return doc, found

    def read(self, file: Path) -> _Doc | None:
        try:
            return _read_yaml(file, self.root)
        except PackError as exc:
            self.errors.append(exc)
            return None

    def ref(self, doc: _Doc, loc: Loc, model: schema.CitationModel) -> Citation:
        citation = _citation(model)
        if citation.pack:
            self.refs.append(CitationRef(citation, doc.file, doc.line((*loc, "article")), doc.display))
        return citation

    def source(self, doc: _Doc, loc: Loc, model: schema.ContentSource) -> Source:
        cited = model.citation()
        return Source(model.kind, self.ref(doc, loc, cited) if cited else None)

    def build(self) -> Pack | None:
        errors_before = len(self.errors)
        path = self.path
        pack_file = path / "pack.yaml"
        if not pack_file.is_file():
            self.errors.append(
                PackError(pack_file, None, "missing pack.yaml", display=_display(pack_file, self.root))
            )
            return None
        self._unknown_files()
        pack_doc = self.read(pack_file)
        meta = _validate(schema.PackFile, pack_doc, self.errors) if pack_doc else None
        if meta and pack_doc and meta.code != path.name:
            self.errors.append(
                pack_doc.error(("code",), f"pack code '{meta.code}' differs from its folder '{path.name}'")
            )
        code = meta.code if meta else path.name

        chapters, articles, regulation = self._regulation(code)
        instruments = self._instruments()
        glossary = self._glossary()
        departments = self._departments(code)
        taxonomies = self._taxonomies(code)
        parameters, info = self._parameters(code)
        self._check_self_refs(code, articles)

        if meta is None or len(self.errors) > errors_before:
            return None
        return Pack(
            code=meta.code,
            name_zh=meta.name.zh,
            name_en=meta.name.en,
            extends=tuple(meta.extends),
            jurisdiction=meta.jurisdiction,
            version=meta.version,
            status=meta.status,
            effective_date=meta.effective_date,
            path=path,
            chapters=chapters,
            articles=articles,
            glossary=glossary,
            departments=departments,
            taxonomies=taxonomies,
            parameters=parameters,
            content_hash=content_hash(path),
            members=tuple(meta.members),
            level=meta.level,
            regulation_title_zh=regulation.title.zh if regulation else "",
            regulation_title_en=regulation.title.en if regulation else "",
            regulation_short_zh=regulation.short_title.zh if regulation else "",
            regulation_short_en=regulation.short_title.en if regulation else "",
            regulation_status=regulation.status if regulation else None,
            instruments=instruments,
            parameter_info=info,
            citation_refs=tuple(self.refs),
            mapping_refs=tuple(self.mappings),
        )

    def _unknown_files(self) -> None:
        for entry in sorted(self.path.iterdir()):
            if entry.name.startswith(".") or entry.suffix in {".md", ".txt"}:
                continue
            if entry.is_dir() and entry.name in KNOWN_DIRS:
                for inner in sorted(entry.iterdir()):
                    if (
                        inner.is_file()
                        and inner.suffix not in {".yaml", ".md"}
                        and not inner.name.startswith(".")
                    ):
                        self.errors.append(
                            PackError(
                                inner,
                                None,
                                "unexpected file (packs hold .yaml files)",
                                display=_display(inner, self.root),
                            )
                        )
                continue
            if entry.is_file() and entry.name in KNOWN_FILES:
                continue
            self.errors.append(
                PackError(
                    entry,
                    None,
                    f"unknown file or folder '{entry.name}' (known: {', '.join(KNOWN_FILES + KNOWN_DIRS)})",
                    display=_display(entry, self.root),
                )
            )

    def _regulation(
        self, code: str
    ) -> tuple[tuple[Chapter, ...], tuple[Article, ...], schema.RegulationFile | None]:
        loaded = self.load(self.path / "regulation.yaml", schema.RegulationFile)
        if loaded is None:
            return (), (), None
        doc, model = loaded
        chapters = tuple(
            Chapter(c.number, c.title.zh, c.title.en, c.first_article, c.last_article, c.chapter_level)
            for c in model.chapters
        )
        articles = tuple(
            Article(
                code,
                a.number,
                a.chapter,
                a.title.zh,
                a.title.en,
                a.title_source,
                a.summary.zh,
                a.summary.en,
                a.declarative,
                tuple(a.modules),
            )
            for a in model.articles
        )
        # chapters: numbered 1..M, their ranges contiguous from article 1
        expected_first = 1
        for index, chapter in enumerate(chapters):
            if chapter.number != index + 1:
                self.errors.append(
                    doc.error(
                        ("chapters", index, "number"),
                        f"chapter {chapter.number} should be chapter {index + 1} "
                        f"(chapters are numbered 1..N in order)",
                    )
                )
            if chapter.first_article != expected_first:
                self.errors.append(
                    doc.error(
                        ("chapters", index, "first_article"),
                        f"chapter {chapter.number} starts at article {chapter.first_article}, "
                        f"expected {expected_first} (chapter ranges are contiguous)",
                    )
                )
            expected_first = chapter.last_article + 1
        by_number = {c.number: c for c in chapters}
        for index, article in enumerate(articles):
            if article.number != index + 1:
                self.errors.append(
                    doc.error(
                        ("articles", index, "number"),
                        f"article {article.number} should be article {index + 1} "
                        f"(articles are numbered 1..N without gaps)",
                    )
                )
            chapter_of = by_number.get(article.chapter)
            if chapter_of is None:
                self.errors.append(
                    doc.error(
                        ("articles", index, "chapter"),
                        f"article {article.number} is in chapter {article.chapter}, which does not exist",
                    )
                )
            elif not chapter_of.first_article <= article.number <= chapter_of.last_article:
                self.errors.append(
                    doc.error(
                        ("articles", index, "chapter"),
                        f"article {article.number} is outside chapter {article.chapter} "
                        f"(articles {chapter_of.first_article}–{chapter_of.last_article})",
                    )
                )
        if chapters and articles and chapters[-1].last_article != len(articles):
            self.errors.append(
                doc.error(
                    ("chapters", len(chapters) - 1, "last_article"),
                    f"the last chapter ends at article {chapters[-1].last_article} but there "
                    f"are {len(articles)} articles",
                )
            )
        return chapters, articles, model

    def _listed[T](self, name: str, file_schema: Any, key: str, kind: str,
                   build: Callable[[_Doc, int, Any], T]) -> tuple[T, ...]:
        """The entries of a pack file that lists coded items (instruments, terms, departments): read, checked
        against its schema, codes unique, each built by `build(doc, index, entry)`."""
        loaded = self.load(self.path / name, file_schema)
        if loaded is None:
            return ()
        doc, model = loaded
        entries = getattr(model, key)
        self._unique(doc, key, [e.code for e in entries], kind)
        return tuple(build(doc, i, e) for i, e in enumerate(entries))

    def _instruments(self) -> tuple[Instrument, ...]:
        def build(doc: _Doc, i: int, e: schema.InstrumentModel) -> Instrument:
            return Instrument(e.code, e.title.zh, e.title.en, e.kind, e.issuer.zh, e.issuer.en, e.number, e.issued,
                              e.effective, e.status, e.url, e.confidence, tuple(e.modules),
                              e.note.zh if e.note else "", e.note.en if e.note else "", tuple(e.aliases))

        return self._listed("instruments.yaml", schema.InstrumentsFile, "instruments", "instrument", build)

    def _glossary(self) -> tuple[GlossaryTerm, ...]:
        def build(doc: _Doc, i: int, t: schema.TermModel) -> GlossaryTerm:
            return GlossaryTerm(t.code, t.term.zh, t.term.en, t.definition.zh, t.definition.en,
                                self.source(doc, ("terms", i, "source"), t.source),
                                self.ref(doc, ("terms", i, "related"), t.related) if t.related else None)

        return self._listed("glossary.yaml", schema.GlossaryFile, "terms", "term", build)

    def _departments(self, code: str) -> tuple[Department, ...]:
        def build(doc: _Doc, i: int, d: schema.DepartmentModel) -> Department:
            duties = tuple(
                Duty(u.text.zh, u.text.en, self.source(doc, ("departments", i, "duties", j, "source"), u.source),
                     self.ref(doc, ("departments", i, "duties", j, "related"), u.related) if u.related else None,
                     tuple(u.work))
                for j, u in enumerate(d.duties)
            )
            return Department(d.code, d.name.zh, d.name.en, d.level, duties, d.lead, code)

        return self._listed("departments.yaml", schema.DepartmentsFile, "departments", "department", build)

    def _taxonomies(self, code: str) -> dict[str, Taxonomy]:
        folder = self.path / "taxonomies"
        found: dict[str, Taxonomy] = {}
        if not folder.is_dir():
            return found
        for file in sorted(folder.glob("*.yaml")):
            loaded = self.load(file, schema.TaxonomyFile)
            if loaded is None:
                continue
            doc, model = loaded
            if model.taxonomy != file.stem:
                self.errors.append(
                    doc.error(
                        ("taxonomy",),
                        f"taxonomy '{model.taxonomy}' must live in taxonomies/{model.taxonomy}.yaml",
                    )
                )
            seen: dict[str, int | None] = {}

            def item(
                m: schema.TaxonomyItemModel,
                loc: Loc,
                parent: str | None,
                doc: _Doc = doc,
                seen: dict[str, int | None] = seen,
            ) -> TaxonomyItem:
                if m.code in seen:
                    self.errors.append(
                        doc.error(
                            (*loc, "code"),
                            f"item code '{m.code}' appears twice (first on line {seen[m.code]})",
                        )
                    )
                seen[m.code] = doc.line((*loc, "code"))
                for k, target in enumerate(m.maps_to):
                    self.mappings.append(
                        MappingRef(target, doc.file, doc.line((*loc, "maps_to", k)), doc.display)
                    )
                return TaxonomyItem(
                    m.code,
                    m.name.zh,
                    m.name.en,
                    self.source(doc, (*loc, "source"), m.source),
                    tuple(m.keywords),
                    tuple(item(c, (*loc, "children", j), m.code) for j, c in enumerate(m.children)),
                    tuple(m.maps_to),
                    parent,
                    m.description.zh if m.description else "",
                    m.description.en if m.description else "",
                )

            found[model.taxonomy] = Taxonomy(
                model.taxonomy,
                model.title.zh,
                model.title.en,
                self.ref(doc, ("citation",), model.citation),
                tuple(item(m, ("items", i), None) for i, m in enumerate(model.items)),
                code,
            )
        return found

    def _parameters(self, code: str) -> tuple[tuple[ParameterVersion, ...], dict[str, ParameterInfo]]:
        folder = self.path / "parameters"
        versions: list[ParameterVersion] = []
        info: dict[str, ParameterInfo] = {}
        if not folder.is_dir():
            return (), info
        lines: dict[int, tuple[_Doc, Loc]] = {}
        for file in sorted(folder.glob("*.yaml")):
            loaded = self.load(file, schema.ParametersFile)
            if loaded is None:
                continue
            doc, model = loaded
            for i, parameter in enumerate(model.parameters):
                if parameter.key in info:
                    self.errors.append(
                        doc.error(
                            ("parameters", i, "key"),
                            f"parameter {parameter.key} is defined twice in this pack "
                            f"(first at {info[parameter.key].source})",
                        )
                    )
                    continue
                source = f"{doc.display}:{doc.line(('parameters', i))}"
                notes: list[tuple[dt.date, str, str]] = []
                for j, v in enumerate(parameter.versions):
                    loc: Loc = ("parameters", i, "versions", j)
                    version = ParameterVersion(
                        key=parameter.key,
                        value=v.value,
                        effective_from=v.effective_from,
                        effective_to=v.effective_to,
                        citation=(self.ref(doc, (*loc, "citation"), v.citation) if v.citation
                                  else Citation(setting=True)),
                        status=ParameterStatus(v.status),
                        unit=parameter.unit,
                        pack=code,
                        source=f"{doc.display}:{doc.line(loc)}",
                    )
                    lines[id(version)] = (doc, loc)
                    versions.append(version)
                    if v.note:
                        notes.append((v.effective_from, v.note.zh, v.note.en))
                info[parameter.key] = ParameterInfo(
                    parameter.key,
                    parameter.title.zh,
                    parameter.title.en,
                    parameter.unit,
                    code,
                    source,
                    tuple(notes),
                )
        # overlapping periods of one key: name the later version
        by_key: dict[str, list[ParameterVersion]] = {}
        for version in versions:
            by_key.setdefault(version.key, []).append(version)
        for key, group in by_key.items():
            ordered = sorted(group, key=lambda v: v.effective_from)
            for earlier, later in pairwise(ordered):
                if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                    doc, loc = lines[id(later)]
                    self.errors.append(
                        doc.error(
                            loc,
                            (
                                f"parameter {key}: the version from {later.effective_from} overlaps "
                                f"the version {earlier.effective_from}–{earlier.effective_to or '…'} "
                                f"({earlier.source})"
                            ),
                        )
                    )
        return tuple(versions), info

    def _unique(self, doc: _Doc, list_key: str, codes: list[str], label: str) -> None:
        seen: dict[str, int] = {}
        for index, value in enumerate(codes):
            if value in seen:
                self.errors.append(
                    doc.error(
                        (list_key, index, "code"),
                        f"{label} code '{value}' appears twice (first as {label} {seen[value] + 1})",
                    )
                )
            seen.setdefault(value, index)

    def _check_self_refs(self, code: str, articles: tuple[Article, ...]) -> None:
        numbers = {a.number for a in articles}
        for ref in self.refs:
            if ref.citation.pack == code and ref.citation.article:
                _check_articles(ref, code, numbers, self.errors)


def _check_articles(ref: CitationRef, pack: str, numbers: set[int], errors: list[PackError]) -> None:
    assert ref.citation.article is not None
    missing = [n for n in article_numbers(ref.citation.article) if n not in numbers]
    if missing:
        what = "has no regulation" if not numbers else f"has no article {', '.join(map(str, missing))}"
        errors.append(
            PackError(
                ref.file,
                ref.line,
                f"citation of {pack} art. {ref.citation.article}: pack {pack} {what}",
                display=ref.display,
            )
        )


def content_hash(path: Path) -> str:
    """sha256 over the relative paths and bytes of every file of the pack (stable across machines)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def _load_one(path: Path, errors: list[PackError]) -> Pack | None:
    return _PackBuilder(path, path.parent, errors).build()


def load_pack(path: Path) -> Pack:
    """Load and validate one pack folder. Raises the first PackError found (`validate_all` returns them all).

    Citations of other packs are checked when packs are loaded together (`load_packs`, `validate_all`).
    """
    errors: list[PackError] = []
    pack = _load_one(Path(path), errors)
    if errors or pack is None:
        raise errors[0] if errors else PackError(Path(path), None, "pack did not load")
    return pack


# --- a set of packs -----------------------------------------------------------------------------------------


def _ancestors(code: str, extends: dict[str, tuple[str, ...]]) -> list[str]:
    """All packs `code` extends, directly or transitively (nearest first)."""
    out: list[str] = []
    stack = list(extends.get(code, ()))
    while stack:
        parent = stack.pop(0)
        if parent not in out and parent != code:
            out.append(parent)
            stack.extend(extends.get(parent, ()))
    return out


def _resolve(root: Path, codes: Sequence[str], errors: list[PackError]) -> dict[str, Pack]:
    """Load `codes` and their ancestors, each once, ancestors first."""
    loaded: dict[str, Pack | None] = {}
    ordered: dict[str, Pack] = {}
    visiting: list[str] = []

    def visit(code: str, wanted_by: Pack | None) -> None:
        if code in ordered or (code in loaded and loaded[code] is None):
            return
        if code in visiting:
            cycle = " → ".join([*visiting[visiting.index(code) :], code])
            file = root / code / "pack.yaml"
            errors.append(
                PackError(
                    file,
                    _extends_line(file, root),
                    f"packs extend each other in a cycle: {cycle}",
                    display=_display(file, root),
                )
            )
            return
        folder = root / code
        if not (folder / "pack.yaml").is_file():
            if wanted_by is not None:
                file = wanted_by.path / "pack.yaml"
                errors.append(
                    PackError(
                        file,
                        _extends_line(file, root),
                        f"pack {wanted_by.code} extends '{code}', which is not under {root}",
                        display=_display(file, root),
                    )
                )
            else:
                errors.append(
                    PackError(folder, None, f"no pack '{code}' under {root}", display=_display(folder, root))
                )
            loaded[code] = None
            return
        if code not in loaded:
            loaded[code] = _load_one(folder, errors)
        pack = loaded[code]
        if pack is None:
            return
        visiting.append(code)
        for parent in pack.extends:
            visit(parent, pack)
        visiting.pop()
        ordered[code] = pack

    for code in codes:
        visit(code, None)
    return ordered


def _extends_line(file: Path, root: Path) -> int | None:
    try:
        return _read_yaml(file, root).line(("extends",))
    except PackError:
        return None


def _assemble(packs: dict[str, Pack], errors: list[PackError]) -> PackSet:
    extends = {code: pack.extends for code, pack in packs.items()}
    numbers = {code: {a.number for a in pack.articles} for code, pack in packs.items()}
    # citations of other packs: only the pack itself or one it extends, and the articles must exist
    for code, pack in packs.items():
        lineage = [code, *_ancestors(code, extends)]
        for ref in pack.citation_refs:
            cited = ref.citation.pack
            if cited is None or cited == code:
                continue
            if cited not in lineage:
                errors.append(
                    PackError(
                        ref.file,
                        ref.line,
                        f"citation of pack '{cited}': pack {code} may cite only "
                        f"itself or the packs it extends ({', '.join(lineage)})",
                        display=ref.display,
                    )
                )
                continue
            _check_articles(ref, cited, numbers[cited], errors)
    # maps_to: the target taxonomy item must exist when that taxonomy is loaded
    taxonomies: dict[str, set[str]] = {}
    for pack in packs.values():
        for tax_code, taxonomy in pack.taxonomies.items():
            taxonomies.setdefault(tax_code, set()).update(taxonomy.codes())
    for pack in packs.values():
        for mapping in pack.mapping_refs:
            tax_code, _, item_code = mapping.target.partition(":")
            if tax_code in taxonomies and item_code not in taxonomies[tax_code]:
                errors.append(
                    PackError(
                        mapping.file,
                        mapping.line,
                        f"maps_to '{mapping.target}': taxonomy {tax_code} has no item {item_code}",
                        display=mapping.display,
                    )
                )
    # one registry: a pack may override a key of a pack it extends; unrelated packs may not share a key
    registry = ParameterRegistry()
    owner: dict[str, str] = {}
    for code, pack in packs.items():
        lineage = _ancestors(code, extends)
        grouped: dict[str, list[ParameterVersion]] = {}
        for version in pack.parameters:
            grouped.setdefault(version.key, []).append(version)
        for key, group in grouped.items():
            previous = owner.get(key)
            if previous is not None and previous not in lineage:
                info = pack.parameter_info.get(key)
                file, _, line = (info.source if info else group[0].source).rpartition(":")
                errors.append(
                    PackError(
                        pack.path.parent.parent / file if file else pack.path,
                        int(line) if line.isdigit() else None,
                        f"parameter {key} is also defined by pack {previous}, which {code} does not "
                        f"extend ({packs[previous].parameter_info[key].source})",
                        display=file or str(pack.path),
                    )
                )
                continue
            try:
                registry.register(group, override=previous is not None)
            except ParameterError as exc:  # pragma: no cover - the pack builder already checked the periods
                errors.append(PackError(pack.path, None, str(exc), display=str(pack.path)))
                continue
            owner[key] = code
    return PackSet(packs=dict(packs), parameters=registry)


def load_packs(root: Path, codes: Sequence[str]) -> PackSet:
    """Load the packs `codes` (plus every pack they extend), ancestors first, into one PackSet.

    Raises the first PackError found.
    """
    errors: list[PackError] = []
    packs = _resolve(Path(root), codes, errors)
    packset = _assemble(packs, errors) if not errors else None
    if errors or packset is None:
        raise errors[0]
    return packset


def validate_all(root: Path) -> list[PackError]:
    """Load every pack folder under `root` together and return every error found (empty list: all valid)."""
    root = Path(root)
    errors: list[PackError] = []
    if not root.is_dir():
        return [PackError(root, None, "packs folder not found")]
    codes = [
        entry.name
        for entry in sorted(root.iterdir())
        if entry.is_dir() and not entry.name.startswith((".", "_"))
    ]
    packs = _resolve(root, codes, errors)
    _assemble(packs, errors)
    unique: dict[PackError, None] = dict.fromkeys(errors)
    return list(unique)


def iter_pack_dirs(root: Path) -> Iterator[Path]:
    for entry in sorted(Path(root).iterdir()):
        if entry.is_dir() and (entry / "pack.yaml").is_file():
            yield entry
