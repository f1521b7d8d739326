"""DCAT-AP 3 JSON-LD: the catalogue's datasets, distributions and data services, out and back in without loss.

Standard DCAT / DCT / FOAF terms carry what they can (title, description, keyword, theme, publisher, spatial,
temporal, provenance, distributions, data services). Where DCAT-AP 3 expects a controlled vocabulary, the value is
written as `{"@id": IRI}` of that vocabulary, mapped through one table, `VOCABULARIES`:

| model field | property | vocabulary (IRI prefix) |
|---|---|---|
| `licence` (dataset, distribution) | `dct:license` | EU licence authority table `…/authority/licence/` |
| `language` | `dct:language` | EU language table `…/authority/language/` (comma-separated: one IRI each) |
| `update_frequency` | `dct:accrualPeriodicity` | EU frequency table `…/authority/frequency/` |
| `open_attribute` | `dct:accessRights` | EU access-right table `…/authority/access-right/` |
| `format` | `dct:format` | EU file-type table `…/authority/file-type/` |
| `media_type` | `dcat:mediaType` | IANA media-type register `https://www.iana.org/assignments/media-types/` |

Nothing is lost: the Chinese portal's own value goes under an `aiplus:` property beside the IRI whenever the IRI
alone would not give it back: always for the open attribute (`aiplus:openAttribute`: 无条件开放 / 有条件开放 /
不予开放) and the Suzhou update-frequency code (`aiplus:updateFrequency`: 1–9); for the other fields when the value
is not in the table (the DCAT property is then left out and only the `aiplus:` literal is written) or is spelt
otherwise than the table's local value. A licence that is itself an http(s) IRI is written as that IRI. On import
the `aiplus:` value, when present, is the value (the DCAT property must agree with it); otherwise the IRI is mapped
back, and the literal form of older exports (`"dct:license": "CC-BY-4.0"`) is read as the value itself. Fields that
DCAT-AP has no term for go under the `aiplus:` namespace. Empty values are omitted and read back as empty. The
mapping, with examples, is described in `src/aiplus/datahub/README.md`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

EU = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
AIPLUS_NS = "https://aiplus.example.org/ns/datahub#"
# The platform's own concepts (its themes and places: free text of the Chinese portal), one IRI per label, so a
# theme is an IRI as DCAT-AP wants (dcat:theme sh:nodeKind sh:IRI) and the label comes back from it unchanged.
AIPLUS_THEMES = "https://aiplus.example.org/id/theme/"
AIPLUS_PLACES = "https://aiplus.example.org/id/place/"
EU_THEMES = EU + "data-theme/"
CATALOGUE_IRI = "urn:aiplus:catalogue"

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "aiplus": AIPLUS_NS,
}

# The platform's themes that have an unambiguous counterpart in the EU data-theme vocabulary (its 13 codes), with
# the English label of that table. Only themes whose scope is the same are mapped: 经济建设 is economy (ECON);
# 城建住房 (urban construction and housing) is the table's "Regions and cities" (REGI); a theme the table has no
# counterpart for (公共服务, 产业发展, 人工智能) keeps only its own concept.
EU_DATA_THEMES: dict[str, tuple[str, str]] = {
    "经济建设": ("ECON", "Economy and finance"), "财税金融": ("ECON", "Economy and finance"),
    "交通运输": ("TRAN", "Transport"), "交通": ("TRAN", "Transport"),
    "教育": ("EDUC", "Education, culture and sport"), "教育文化": ("EDUC", "Education, culture and sport"),
    "卫生健康": ("HEAL", "Health"), "医疗卫生": ("HEAL", "Health"),
    "农业农村": ("AGRI", "Agriculture, fisheries, forestry and food"),
    "能源": ("ENER", "Energy"), "资源能源": ("ENER", "Energy"),
    "生态环境": ("ENVI", "Environment"), "环境": ("ENVI", "Environment"),
    "科技创新": ("TECH", "Science and technology"), "科学技术": ("TECH", "Science and technology"),
    "社会保障": ("SOCI", "Population and society"), "社会民生": ("SOCI", "Population and society"),
    "机构团体": ("GOVE", "Government and public sector"), "政府机构": ("GOVE", "Government and public sector"),
    "公共安全": ("JUST", "Justice, legal system and public safety"),
    "城建住房": ("REGI", "Regions and cities"), "城乡建设": ("REGI", "Regions and cities"),
}


class DcatError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _key(spelling: str) -> str:
    """How a spelling is looked up: case, spaces and punctuation do not count (CC-BY-4.0 = cc by 4.0 = CC_BY_4_0)."""
    return "".join(ch for ch in spelling.casefold() if ch.isalnum())


def _is_iri(value: str) -> bool:
    return bool(re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value))


@dataclass(frozen=True)
class Term:
    """One row of a vocabulary table: the local value, its code in the authority table (the first of `codes` is
    written, all are read: codes of older exports), a Chinese label, and other spellings accepted on import."""

    local: str
    codes: tuple[str, ...]
    label: str = ""
    aliases: tuple[str, ...] = ()


def _t(local: str, *codes: str, label: str = "", aliases: tuple[str, ...] = ()) -> Term:
    return Term(local, codes, label, aliases)


@dataclass(frozen=True)
class Vocabulary:
    """How one model field is written as a controlled-vocabulary IRI and read back."""

    name: str
    property: str                  # the DCAT-AP property
    local_property: str            # the aiplus: property that keeps the local value when the IRI cannot
    base: str                      # IRI prefix of the authority table
    terms: tuple[Term, ...] = ()
    closed: bool = False           # a model choice: only the table's values exist; anything else is an error
    keep_local: bool = False       # always write the local value beside the IRI (the Chinese portal's own code)
    write_label: bool = False      # … as the term's Chinese label (开放属性) rather than the local code
    several: bool = False          # a comma-separated local value stands for several IRIs (languages)
    other_iris: bool = False       # an http(s) IRI outside the table is a value in its own right (licence documents)
    pattern: str = ""              # no table: values of this form are IRIs `base + value` (IANA media types)
    also_bases: tuple[str, ...] = ()  # other prefixes read as `base`
    default: str = ""              # the local value when a document has neither property
    rdf_class: str = ""            # the class DCAT-AP gives the property's range (range.ttl), written as @type
    by_code: dict[str, Term] = field(init=False, repr=False, compare=False)
    by_spelling: dict[str, Term] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code: dict[str, Term] = {}
        by_spelling: dict[str, Term] = {}
        for term in self.terms:
            for index, spelling in [(by_code, code) for code in term.codes] + [
                    (by_spelling, _key(s)) for s in (term.local, term.label, *term.aliases, *term.codes) if s]:
                if index.setdefault(spelling, term) is not term:
                    raise ValueError(f"vocabulary {self.name}: {spelling!r} names two terms")
        object.__setattr__(self, "by_code", by_code)
        object.__setattr__(self, "by_spelling", by_spelling)

    def term(self, spelling: str) -> Term | None:
        return self.by_spelling.get(_key(spelling))

    def _iri(self, value: str) -> str | None:
        term = self.term(value)
        if term is not None:
            return self.base + term.codes[0]
        if self.pattern and re.fullmatch(self.pattern, value, re.IGNORECASE):
            return self.base + value.lower()
        if self.other_iris and _is_iri(value):
            return value
        return None

    def encode(self, local: str) -> Any:
        """`{"@id": IRI}` (a list of them for several values), or None when nothing maps."""
        parts = [p.strip() for p in re.split(r"[,，;；、]", local)] if self.several else [local]
        typed = {"@type": self.rdf_class} if self.rdf_class else {}
        nodes = [{"@id": iri, **typed} for iri in (self._iri(p) for p in parts if p) if iri]
        if not nodes:
            return None
        return nodes[0] if len(nodes) == 1 else nodes

    def decode(self, raw: Any) -> str:
        """The local value of the DCAT property's value: IRIs of the table (or of the pattern, or any IRI where
        `other_iris`), or a literal (older exports; for a closed vocabulary any spelling of a term)."""
        items = raw if isinstance(raw, list) else [raw]
        if not items or (len(items) > 1 and not self.several):
            raise DcatError(self.property, f"{self.property}: expected one value, got {raw!r}")
        return ",".join(self._one(item) for item in items)

    def _one(self, item: Any) -> str:
        if isinstance(item, dict) and "@id" in item:
            return self._from_iri(item["@id"])
        if isinstance(item, dict) and "@value" in item:
            item = item["@value"]
        if isinstance(item, str):
            if not self.closed:
                return item
            term = self.term(item)
            if term is None:
                raise DcatError(self.property, f"{self.property}: unknown {self.name} {item!r}")
            return term.local
        raise DcatError(self.property, f'{self.property}: expected {{"@id": IRI}} or a literal, got {item!r}')

    def _from_iri(self, iri: Any) -> str:
        if not isinstance(iri, str) or not _is_iri(iri):
            raise DcatError(self.property, f"{self.property}: {iri!r} is not an absolute http(s) IRI")
        for base in (self.base, *self.also_bases):
            if iri.startswith(base):
                code = iri[len(base):]
                if code in self.by_code:
                    return self.by_code[code].local
                if self.pattern and re.fullmatch(self.pattern, code, re.IGNORECASE):
                    return code
                break
        if self.other_iris:
            return iri
        raise DcatError(self.property, f"{self.property}: unknown {self.name} {iri}")

    def _local(self, raw: Any) -> str:
        text = raw.get("@value") if isinstance(raw, dict) else raw
        if isinstance(text, int) and not isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str):
            raise DcatError(self.local_property, f"{self.local_property}: expected a literal, got {raw!r}")
        if not self.closed:
            return text
        term = self.term(text)
        if term is None:
            raise DcatError(self.local_property, f"{self.local_property}: unknown {self.name} {text!r}")
        return term.local

    def write(self, local: str, node: dict[str, Any]) -> None:
        """Add the property (and, where the IRI alone would not give `local` back, the aiplus: one) to `node`."""
        value = self.encode(local) if local else None
        if value is not None:
            node[self.property] = value
        if local and (self.keep_local or (self.decode(value) if value is not None else "") != local):
            term = self.term(local) if self.write_label else None
            node[self.local_property] = term.label if term is not None and term.label else local

    def read(self, node: dict[str, Any]) -> str:
        """The local value of `node`: the aiplus: value when present (the DCAT property must then agree with it),
        else the DCAT property's, else the default."""
        raw, kept = node.get(self.property), node.get(self.local_property)
        if kept is None:
            return self.default if raw is None else self.decode(raw)
        local = self._local(kept)
        if raw is not None:
            expected = self.encode(local)
            if self.decode(raw) != (self.decode(expected) if expected is not None else ""):
                raise DcatError(self.property, f"{self.property} {raw!r} does not agree with "
                                               f"{self.local_property} {kept!r}")
        return local


# The one table of controlled vocabularies (EU Publications Office authority tables, IANA media types).
VOCABULARIES: dict[str, Vocabulary] = {v.name: v for v in (
    Vocabulary(
        name="licence", rdf_class="dct:LicenseDocument",
        property="dct:license", local_property="aiplus:licence", base=EU + "licence/",
        other_iris=True, terms=(
            # local value: the SPDX identifier (what providers type); code: the EU licence table's
            _t("CC-BY-4.0", "CC_BY_4_0"), _t("CC-BY-SA-4.0", "CC_BYSA_4_0"), _t("CC-BY-NC-4.0", "CC_BYNC_4_0"),
            _t("CC-BY-ND-4.0", "CC_BYND_4_0"), _t("CC-BY-NC-SA-4.0", "CC_BYNCSA_4_0"),
            _t("CC-BY-NC-ND-4.0", "CC_BYNCND_4_0"), _t("CC-BY-3.0", "CC_BY_3_0"), _t("CC0-1.0", "CC0"),
            _t("CC-PDM-1.0", "CC_PDM_1_0"), _t("ODC-By-1.0", "ODC_BY"), _t("ODbL-1.0", "ODC_BL", aliases=("ODbL",)),
            _t("PDDL-1.0", "ODC_PDDL"), _t("OGL-UK-3.0", "OGL_3_0"), _t("Apache-2.0", "APACHE_2_0"),
            _t("MIT", "MIT"), _t("BSD-3-Clause", "BSD_3_CLAUSE"), _t("EUPL-1.2", "EUPL_1_2"),
            _t("GPL-3.0-only", "GPL_3_0", aliases=("GPL-3.0",)), _t("GPL-3.0-or-later", "GPL_3_0_OR_LATER"),
        )),
    Vocabulary(
        name="language", rdf_class="dct:LinguisticSystem",
        property="dct:language", local_property="aiplus:language", base=EU + "language/",
        several=True, terms=(
            # local value: ISO 639-1; code: the EU language table's (ISO 639-3 based)
            _t("zh", "ZHO", label="中文", aliases=("汉语", "zho", "chi", "Chinese")),
            _t("en", "ENG", label="英文", aliases=("英语", "eng", "English")),
            _t("ja", "JPN", label="日文", aliases=("日语",)), _t("ko", "KOR", label="韩文", aliases=("韩语",)),
            _t("fr", "FRA", label="法文", aliases=("法语",)), _t("de", "DEU", label="德文", aliases=("德语",)),
            _t("ru", "RUS", label="俄文", aliases=("俄语",)),
            _t("es", "SPA", label="西班牙文", aliases=("西班牙语",)),
            _t("pt", "POR", label="葡萄牙文", aliases=("葡萄牙语",)),
            _t("it", "ITA", label="意大利文", aliases=("意大利语",)),
            _t("ar", "ARA", label="阿拉伯文", aliases=("阿拉伯语",)),
            _t("vi", "VIE", label="越南文", aliases=("越南语",)), _t("th", "THA", label="泰文", aliases=("泰语",)),
        )),
    Vocabulary(
        name="frequency", rdf_class="dct:Frequency",
        property="dct:accrualPeriodicity", local_property="aiplus:updateFrequency",
        base=EU + "frequency/", closed=True, keep_local=True, default="8", terms=(
            # local value: the Suzhou portal's update-frequency code (models.UpdateFrequency)
            _t("1", "UPDATE_CONT", "CONT", label="实时"), _t("2", "DAILY", label="每日"),
            _t("3", "WEEKLY", label="每周"), _t("4", "MONTHLY", label="每月"), _t("5", "QUARTERLY", label="每季度"),
            _t("6", "ANNUAL_2", "BIANNUAL", label="每半年"), _t("7", "ANNUAL", label="每年"),
            # NEVER and UNKNOWN (other portals' codes the Suzhou table has no row for) are read as 其它
            _t("8", "IRREG", label="不定时"), _t("9", "OTHER", "NEVER", "UNKNOWN", label="其它"),
        )),
    Vocabulary(
        name="access right", rdf_class="dct:RightsStatement",
        property="dct:accessRights", local_property="aiplus:openAttribute",
        base=EU + "access-right/", closed=True, keep_local=True, write_label=True, default="unconditional", terms=(
            # local value: models.OpenAttribute; written under aiplus:openAttribute as the portal's 开放属性
            _t("unconditional", "PUBLIC", label="无条件开放"), _t("conditional", "RESTRICTED", label="有条件开放"),
            _t("closed", "NON_PUBLIC", label="不予开放"),
        )),
    Vocabulary(
        name="file type", rdf_class="dct:MediaTypeOrExtent",
        property="dct:format", local_property="aiplus:format", base=EU + "file-type/", terms=(
            # local value: the format as providers write it (upper case); code: the EU file-type table's
            _t("CSV", "CSV"), _t("TSV", "TSV"), _t("JSON", "JSON"), _t("JSON-LD", "JSON_LD"), _t("XML", "XML"),
            _t("XLSX", "XLSX"), _t("XLS", "XLS"), _t("ODS", "ODS"), _t("PDF", "PDF"), _t("TXT", "TXT"),
            _t("HTML", "HTML"), _t("DOCX", "DOCX"), _t("DOC", "DOC"), _t("MARKDOWN", "MARKDOWN", aliases=("MD",)),
            _t("YAML", "YAML", aliases=("YML",)), _t("SQL", "SQL"), _t("PARQUET", "PARQUET"),
            _t("NETCDF", "NETCDF"), _t("HDF", "HDF", aliases=("HDF5",)), _t("RDF", "RDF"),
            _t("RDF/XML", "RDF_XML"), _t("TTL", "RDF_TURTLE", aliases=("Turtle",)), _t("GEOJSON", "GEOJSON"),
            _t("SHP", "SHP"), _t("KML", "KML"), _t("ZIP", "ZIP"), _t("GZIP", "GZIP", aliases=("GZ",)),
            _t("TAR", "TAR"), _t("TAR.GZ", "TAR_GZ", aliases=("TGZ",)), _t("7Z", "7Z"), _t("RAR", "RAR"),
            _t("JPEG", "JPEG", aliases=("JPG",)), _t("PNG", "PNG"), _t("TIFF", "TIFF", aliases=("TIF",)),
            _t("GIF", "GIF"), _t("SVG", "SVG"), _t("WEBP", "WEBP"), _t("BMP", "BMP"),
            _t("MP4", "MPEG4"), _t("MOV", "MOV"), _t("MP3", "MP3"), _t("WAV", "WAV"), _t("AAC", "AAC"),
            _t("BIN", "BIN"),
        )),
    Vocabulary(
        name="media type", rdf_class="dct:MediaType",
        property="dcat:mediaType", local_property="aiplus:mediaType", base=IANA_MEDIA_TYPES,
        also_bases=("http://www.iana.org/assignments/media-types/",),
        pattern=r"(application|audio|font|image|message|model|multipart|text|video)"
                r"/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}"),
)}

# Model field -> (JSON-LD key, kind). kind: text | int | count (typed xsd:nonNegativeInteger) | bool | date | list
# | vocab:<name of a VOCABULARIES entry> | iri (an address: {"@id": …}) | theme (skos:Concept IRIs) | place (a
# dct:Location concept) | provenance (a dct:ProvenanceStatement with the text as its label); the import also reads
# the plain literals of older exports.
DATASET_FIELDS: list[tuple[str, str, str]] = [
    ("identifier", "dct:identifier", "text"),
    ("title", "dct:title", "text"),
    ("description", "dct:description", "text"),
    ("keywords", "dcat:keyword", "list"),
    ("theme", "dcat:theme", "theme"),
    ("spatial_coverage", "dct:spatial", "place"),
    ("licence", "dct:license", "vocab:licence"),
    ("language", "dct:language", "vocab:language"),
    ("lineage", "dct:provenance", "provenance"),
    ("issued", "dct:issued", "date"),
    ("modified", "dct:modified", "date"),
    ("sector", "aiplus:sector", "text"),
    ("record_count", "aiplus:recordCount", "int"),
    ("high_quality", "aiplus:highQualityTrainingSet", "bool"),
    ("annotation_method", "aiplus:annotationMethod", "text"),
    ("annotation_quality", "aiplus:annotationQuality", "text"),
    ("modality", "aiplus:modality", "text"),
    ("size_bytes", "aiplus:sizeBytes", "int"),
    ("grade", "aiplus:grade", "text"),
    ("is_published", "aiplus:isPublished", "bool"),
    ("update_frequency", "dct:accrualPeriodicity", "vocab:frequency"),
    ("open_attribute", "dct:accessRights", "vocab:access right"),
]
DISTRIBUTION_FIELDS: list[tuple[str, str, str]] = [
    ("identifier", "dct:identifier", "text"),
    ("title", "dct:title", "text"),
    ("format", "dct:format", "vocab:file type"),
    ("media_type", "dcat:mediaType", "vocab:media type"),
    ("access_url", "dcat:accessURL", "iri"),
    ("download_url", "dcat:downloadURL", "iri"),
    ("byte_size", "dcat:byteSize", "count"),
    ("licence", "dct:license", "vocab:licence"),
]
SERVICE_FIELDS: list[tuple[str, str, str]] = [
    ("identifier", "dct:identifier", "text"),
    ("title", "dct:title", "text"),
    ("description", "dct:description", "text"),
    ("endpoint_url", "dcat:endpointURL", "iri"),
    ("endpoint_description", "dcat:endpointDescription", "iri"),
    ("is_published", "aiplus:isPublished", "bool"),
]


def _items(raw: Any) -> list[Any]:
    return raw if isinstance(raw, list) else ([] if raw is None else [raw])


def _text(raw: Any) -> str:
    """A literal's text: a plain string, {"@value": …}, or the first of several (language-tagged) values, the
    Chinese one first."""
    items = _items(raw)
    if not items:
        return ""
    chinese = [i for i in items if isinstance(i, dict) and str(i.get("@language", "")).lower().startswith("zh")]
    item = (chinese or items)[0]
    if isinstance(item, dict):
        if "@value" in item:
            return str(item["@value"])
        raise DcatError("", f"expected a literal, got {item!r}")
    return str(item)


def _chinese(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "zh"}


def _iri_out(value: str) -> dict[str, str]:
    return {"@id": value}


def _iri_in(raw: Any) -> str:
    items = _items(raw)
    if len(items) != 1:
        raise DcatError("", f"expected one address, got {raw!r}")
    item = items[0]
    return str(item["@id"]) if isinstance(item, dict) and "@id" in item else _text(item)


def _concept_iri(base: str, label: str) -> str:
    return base + quote(label, safe="")


def _theme_out(theme: str) -> list[dict[str, Any]]:
    """The platform's theme as its own concept (Chinese label kept), and the EU data theme where one maps."""
    concepts: list[dict[str, Any]] = [{"@id": _concept_iri(AIPLUS_THEMES, theme), "@type": "skos:Concept",
                                       "skos:prefLabel": _chinese(theme)}]
    if theme in EU_DATA_THEMES:
        code, label = EU_DATA_THEMES[theme]
        concepts.append({"@id": EU_THEMES + code, "@type": "skos:Concept",
                         "skos:prefLabel": {"@value": label, "@language": "en"}})
    return concepts


def _theme_in(raw: Any) -> str:
    """The platform's theme of a dcat:theme value: its own concept's label, else the label of the first concept
    (an EU data theme read back as the platform's first theme mapped to it), else a literal (older exports)."""
    items = _items(raw)
    own = [i for i in items if isinstance(i, dict) and str(i.get("@id", "")).startswith(AIPLUS_THEMES)]
    if own:
        return _text(own[0].get("skos:prefLabel")) or unquote(str(own[0]["@id"]).removeprefix(AIPLUS_THEMES))
    for item in items:
        iri = str(item.get("@id", "")) if isinstance(item, dict) else ""
        if iri.startswith(EU_THEMES):
            code = iri.removeprefix(EU_THEMES)
            return next((theme for theme, (c, _l) in EU_DATA_THEMES.items() if c == code), code)
        if isinstance(item, dict) and item.get("skos:prefLabel") is not None:
            return _text(item["skos:prefLabel"])
        if not isinstance(item, dict) or "@value" in item:
            return _text(item)
        return iri
    return ""


def _place_out(place: str) -> dict[str, Any]:
    return {"@id": _concept_iri(AIPLUS_PLACES, place), "@type": ["dct:Location", "skos:Concept"],
            "skos:prefLabel": _chinese(place)}


def _label_in(key: str) -> Any:
    def read(raw: Any) -> str:
        item = _items(raw)[0] if _items(raw) else ""
        if isinstance(item, dict) and key in item:
            return _text(item[key])
        if isinstance(item, dict) and "@id" in item and "@value" not in item:
            iri = str(item["@id"])
            return unquote(iri.removeprefix(AIPLUS_PLACES)) if iri.startswith(AIPLUS_PLACES) else iri
        return _text(item)
    return read


def _provenance_out(text: str) -> dict[str, Any]:
    return {"@type": "dct:ProvenanceStatement", "rdfs:label": _chinese(text)}


# kind -> (write the model value as a node, read the value back from the node or an older export's literal)
NODE_KINDS: dict[str, tuple[Any, Any]] = {
    "iri": (_iri_out, _iri_in),
    "theme": (_theme_out, _theme_in),
    "place": (_place_out, _label_in("skos:prefLabel")),
    "provenance": (_provenance_out, _label_in("rdfs:label")),
}


def dataset_iri(identifier: str) -> str:
    return f"urn:aiplus:dataset:{identifier}"


def _out(obj: Any, fields: list[tuple[str, str, str]]) -> dict[str, Any]:
    node: dict[str, Any] = {}
    for name, key, kind in fields:
        value = getattr(obj, name)
        if kind.startswith("vocab:"):
            VOCABULARIES[kind.removeprefix("vocab:")].write(value or "", node)
        elif kind in NODE_KINDS and value:
            node[key] = NODE_KINDS[kind][0](value)
        elif kind == "bool":
            node[key] = bool(value)
        elif value in (None, "", []):
            continue
        elif kind == "date":
            node[key] = {"@value": value.isoformat(), "@type": "xsd:date"}
        elif kind == "count":  # DCAT-AP types a size as xsd:nonNegativeInteger
            node[key] = {"@value": value, "@type": "xsd:nonNegativeInteger"}
        else:
            node[key] = list(value) if kind == "list" else value
    return node


def _in(node: dict[str, Any], fields: list[tuple[str, str, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    filled = set(_items(node.get("aiplus:filledForProfile")))
    for name, key, kind in fields:
        raw = None if key in filled else node.get(key)
        if kind.startswith("vocab:"):
            values[name] = VOCABULARIES[kind.removeprefix("vocab:")].read(node)
        elif kind in NODE_KINDS:
            values[name] = NODE_KINDS[kind][1](raw) if raw is not None else ""
        elif kind == "bool":
            values[name] = bool(raw)
        elif raw is None:
            values[name] = None if kind in ("int", "count", "date") else ([] if kind == "list" else "")
        elif kind == "date":
            text = raw.get("@value") if isinstance(raw, dict) else raw
            values[name] = dt.date.fromisoformat(str(text))
        elif kind == "list":
            values[name] = [str(v) for v in (raw if isinstance(raw, list) else [raw])]
        elif kind in ("int", "count"):
            # as written (a typed literal's value): the service checks it against the field's domain (core.domains)
            values[name] = raw.get("@value", raw) if isinstance(raw, dict) else raw
        else:
            values[name] = raw.get("@value", "") if isinstance(raw, dict) else str(raw)
    return values


def publisher(organisation: Any) -> dict[str, Any]:
    return {"@type": "foaf:Agent", "foaf:name": organisation.name, "dct:identifier": organisation.credit_code}


def _fill(node: dict[str, Any], key: str, value: Any) -> None:
    """Give a property DCAT-AP requires (sh:minCount 1) that the record leaves empty a stand-in value, and list it
    under aiplus:filledForProfile so the import reads the field back as empty."""
    node[key] = value
    node["aiplus:filledForProfile"] = [*_items(node.get("aiplus:filledForProfile")), key]


def _distribution_node(distribution: Any, dataset_id: str) -> dict[str, Any]:
    node = {"@type": "dcat:Distribution", **_out(distribution, DISTRIBUTION_FIELDS)}
    if "dcat:accessURL" not in node:  # mandatory: the download address, else the dataset itself
        _fill(node, "dcat:accessURL", node.get("dcat:downloadURL") or {"@id": dataset_id})
    return node


def dataset_node(dataset: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": dataset_iri(dataset.identifier), "@type": "dcat:Dataset"}
    node.update(_out(dataset, DATASET_FIELDS))
    if "dct:description" not in node:  # mandatory in DCAT-AP: the title stands in for a missing summary
        _fill(node, "dct:description", dataset.title)
    node["dct:publisher"] = publisher(dataset.provider)
    node["aiplus:jurisdiction"] = dataset.jurisdiction.code
    if dataset.temporal_start or dataset.temporal_end:
        period: dict[str, Any] = {"@type": "dct:PeriodOfTime"}
        if dataset.temporal_start:
            period["dcat:startDate"] = {"@value": dataset.temporal_start.isoformat(), "@type": "xsd:date"}
        if dataset.temporal_end:
            period["dcat:endDate"] = {"@value": dataset.temporal_end.isoformat(), "@type": "xsd:date"}
        node["dct:temporal"] = period
    distributions = sorted(dataset.distributions.all(), key=lambda d: d.identifier)
    if distributions:
        node["dcat:distribution"] = [_distribution_node(d, node["@id"]) for d in distributions]
    return node


def service_iri(identifier: str) -> str:
    return f"urn:aiplus:service:{identifier}"


def service_node(service: Any, listed: set[str] | None = None) -> dict[str, Any]:
    """A data service; the datasets it serves are named when they are in the same document (`listed`), since a
    reference to a dataset the reader cannot see would be a dangling one."""
    node: dict[str, Any] = {"@id": service_iri(service.identifier), "@type": "dcat:DataService",
                            **_out(service, SERVICE_FIELDS)}
    node["dct:publisher"] = publisher(service.provider)
    node["aiplus:jurisdiction"] = service.jurisdiction.code
    served = sorted(d.identifier for d in service.serves.all() if listed is None or d.identifier in listed)
    if served:
        node["dcat:servesDataset"] = [{"@id": dataset_iri(identifier)} for identifier in served]
    return node


CATALOGUE_TITLE = "aiplus 数据目录"
CATALOGUE_DESCRIPTION = "aiplus 平台的公共数据与人工智能训练数据目录：数据集、分发与数据服务。"
CATALOGUE_PUBLISHER = "aiplus 平台运营方"


def catalogue_document(datasets: list[Any], services: list[Any], title: str = CATALOGUE_TITLE,
                       publisher_name: str = CATALOGUE_PUBLISHER) -> dict[str, Any]:
    listed = {d.identifier for d in datasets}
    return {
        "@context": CONTEXT,
        "@id": CATALOGUE_IRI,
        "@type": "dcat:Catalog",
        "dct:title": title,
        "dct:description": CATALOGUE_DESCRIPTION,
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher_name},
        "dcat:dataset": [dataset_node(d) for d in sorted(datasets, key=lambda d: d.identifier)],
        "dcat:service": [service_node(s, listed) for s in sorted(services, key=lambda s: s.identifier)],
    }


def dataset_document(dataset: Any) -> dict[str, Any]:
    return {"@context": CONTEXT, **dataset_node(dataset)}


def serialise(document: dict[str, Any]) -> str:
    """The one byte form of a DCAT document (UTF-8 Chinese, two-space indent, trailing newline): what the page,
    the API download and `manage.py dcat_export` write, so export → import → export compares byte for byte."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def parse_dataset(node: dict[str, Any]) -> dict[str, Any]:
    """A dataset node as model values plus `publisher` (credit code), `jurisdiction` and `distributions`."""
    if node.get("@type") != "dcat:Dataset":
        raise DcatError("@type", "each dcat:dataset must have @type dcat:Dataset")
    values = _in(node, DATASET_FIELDS)
    if not values["identifier"]:
        raise DcatError("dct:identifier", "dct:identifier is required")
    period = node.get("dct:temporal") or {}
    values["temporal_start"] = _in(period, [("d", "dcat:startDate", "date")])["d"]
    values["temporal_end"] = _in(period, [("d", "dcat:endDate", "date")])["d"]
    values["publisher"] = str((node.get("dct:publisher") or {}).get("dct:identifier", ""))
    values["jurisdiction"] = str(node.get("aiplus:jurisdiction", ""))
    values["source_graph"] = str(node.get("aiplus:sourceGraph", ""))
    values["distributions"] = []
    for index, distribution in enumerate(node.get("dcat:distribution", [])):
        try:
            values["distributions"].append(_in(distribution, DISTRIBUTION_FIELDS))
        except DcatError as error:
            raise DcatError(f"dcat:distribution[{index}].{error.field}", str(error)) from None
    return values


def parse_service(node: dict[str, Any]) -> dict[str, Any]:
    values = _in(node, SERVICE_FIELDS)
    if not values["identifier"]:
        raise DcatError("dct:identifier", "dct:identifier is required")
    values["publisher"] = str((node.get("dct:publisher") or {}).get("dct:identifier", ""))
    values["jurisdiction"] = str(node.get("aiplus:jurisdiction", ""))
    values["source_graph"] = str(node.get("aiplus:sourceGraph", ""))
    values["serves"] = [str(ref.get("@id", "")).removeprefix("urn:aiplus:dataset:")
                        for ref in node.get("dcat:servesDataset", [])]
    return values
