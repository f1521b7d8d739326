"""DCAT-AP 3 as RDF: the catalogue's JSON-LD document as an rdflib graph, written as JSON-LD, Turtle or RDF/XML, and
the format a request asks for (`?format=` or its Accept header), the way CKAN's DCAT extension serves its endpoints;
and any DCAT-AP document read as RDF (`parse`): JSON-LD with any context, Turtle, RDF/XML.

Reading never fetches anything. A JSON-LD context named by URL is one of the known contexts (the DCAT-AP 3 context
and the specification examples' context), read from the local copies in the shared DCAT-AP folder
(`shacl.data_dir()`); any other remote context is a 400 naming it. Size and JSON depth are the file imports' limits
(`aiplus.core.imports`); a Turtle or XML document nested beyond Python's recursion limit is a 400 too.

The JSON-LD form stays the one `dcat.serialise` writes (its context inline, so export → import → export compares
byte for byte); Turtle and RDF/XML are that document's triples as rdflib writes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, Node, URIRef

from aiplus.core import imports
from aiplus.core.errors import ServiceError
from aiplus.datahub import dcat


@dataclass(frozen=True)
class Format:
    key: str              # ?format=…
    media_type: str       # Content-Type, and what an Accept header names
    rdflib: str           # rdflib's serializer / parser name
    extension: str        # of a download's file name
    aliases: tuple[str, ...] = ()


FORMATS: dict[str, Format] = {f.key: f for f in (
    Format("jsonld", "application/ld+json", "json-ld", "jsonld", ("json-ld", "json")),
    Format("ttl", "text/turtle", "turtle", "ttl", ("turtle", "n3")),
    Format("rdf", "application/rdf+xml", "pretty-xml", "rdf", ("xml", "rdfxml", "rdf+xml")),
)}
BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS.values()} | {
    "application/json": FORMATS["jsonld"], "application/x-turtle": FORMATS["ttl"], "text/n3": FORMATS["ttl"],
    "application/xml": FORMATS["rdf"], "text/xml": FORMATS["rdf"]}
DEFAULT = FORMATS["jsonld"]


class UnknownFormat(ValueError):
    pass


def by_name(name: str) -> Format:
    """A format by its ?format= name (jsonld, ttl, rdf, or an alias); anything else is UnknownFormat."""
    wanted = name.strip().lower()
    for candidate in FORMATS.values():
        if wanted == candidate.key or wanted in candidate.aliases:
            return candidate
    raise UnknownFormat(name)


def _accepted(header: str) -> list[tuple[float, int, str]]:
    ranges = []
    for index, part in enumerate(header.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in params:
            name, _sep, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((quality, -index, media.lower()))
    return sorted(ranges, reverse=True)


def negotiate(format_name: str | None, accept: str | None) -> Format:
    """`?format=` wins; else the Accept header's most preferred RDF media type; else JSON-LD (a browser's
    text/html, */* or no header)."""
    if format_name:
        return by_name(format_name)
    for quality, _index, media in _accepted(accept or ""):
        if quality > 0 and media in BY_MEDIA_TYPE:
            return BY_MEDIA_TYPE[media]
    return DEFAULT


def graph_of(document: dict[str, Any]) -> Graph:
    """The triples of a document `dcat` wrote (its context is inline: nothing is fetched)."""
    return Graph().parse(data=json.dumps(document, ensure_ascii=False), format="json-ld")


def render(document: dict[str, Any], fmt: Format) -> str:
    """The document in `fmt`: the JSON-LD as `dcat.serialise` writes it, else rdflib's Turtle or RDF/XML."""
    if fmt.key == "jsonld":
        return dcat.serialise(document)
    graph = graph_of(document)
    for prefix, namespace in dcat.CONTEXT.items():
        graph.bind(prefix, namespace, replace=True)
    return graph.serialize(format=fmt.rdflib)


# Known contexts by URL -> the file in the shared DCAT-AP folder. The examples name the 3.0.0 address of their
# context; the DCAT-AP context is published under each release.
KNOWN_CONTEXTS: dict[str, str] = {
    "https://semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.0/html/examples/context.jsonld":
        "examples/context.jsonld",
    "https://semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.1/html/examples/context.jsonld":
        "examples/context.jsonld",
    **{f"https://semiceu.github.io/{where}DCAT-AP/releases/{release}/context/dcat-ap.jsonld": "context/dcat-ap.jsonld"
       for where in ("", "uri.semic.eu-generated/") for release in ("3.0.0", "3.0.1")},
}


def _invalid(code: str, message: Any, field: str = "file") -> ServiceError:
    return ServiceError(code, message, field, status=400)


def _loader(failures: list[ServiceError]) -> Any:
    """pyld's document loader: a known context from its local copy; anything else is refused (never fetched)."""
    from aiplus.datahub.shacl import data_dir

    def load(url: str, _options: Any = None) -> dict[str, Any]:
        problem = None
        if url not in KNOWN_CONTEXTS:
            problem = _invalid("remote_context", _(
                "不能读取远程 JSON-LD 上下文 %(u)s：只接受内联上下文和已知的 DCAT-AP 上下文。") % {"u": url},
                "@context")
        elif not (data_dir() / KNOWN_CONTEXTS[url]).is_file():
            problem = _invalid("context_unavailable", _("本机没有 JSON-LD 上下文 %(u)s 的副本。") % {"u": url},
                               "@context")
        if problem is not None:
            failures.append(problem)
            raise problem
        document = _plain_numbers(imports.parse_json((data_dir() / KNOWN_CONTEXTS[url]).read_bytes(), "@context"))
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


def guess(name: str, data: bytes) -> str:
    """A document's format from its file name, else from its first characters."""
    lowered = name.lower()
    for fmt in FORMATS.values():
        if lowered.endswith("." + fmt.extension) or any(lowered.endswith("." + a) for a in fmt.aliases):
            return fmt.key
    if lowered.endswith((".owl", ".xml")):
        return "rdf"
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "jsonld"
    if head.startswith(b"<?xml") or head.startswith(b"<rdf:RDF"):
        return "rdf"
    return "ttl"


def parse(data: bytes | str, fmt: str, field: str = "file") -> Graph:
    """The triples of a DCAT-AP document, read within the import limits; every refusal a 4xx naming the problem."""
    try:
        chosen = by_name(fmt)
    except UnknownFormat:
        raise _invalid("unknown_format", _("未知格式：%(f)s（可选 jsonld、ttl、rdf）。") % {"f": fmt},
                       "format") from None
    if chosen.key == "jsonld":
        return graph_from_json(imports.parse_json(data, field), field)
    graph = Graph()
    try:
        text = imports.decode(data, field)
        graph.parse(data=text, format="xml" if chosen.key == "rdf" else "turtle")
    except ServiceError:
        raise
    except RecursionError:
        raise _invalid("too_deep", _("文档嵌套过深。"), field) from None
    except Exception as error:  # any parser's complaint about the document is the same user error
        raise _invalid("invalid_rdf", _("无法按 %(f)s 读取文档：%(e)s") % {
            "f": chosen.key, "e": str(error)[:300] or type(error).__name__}, field) from None
    return graph


def graph_from_json(value: Any, field: str = "file") -> Graph:
    """The triples of a JSON-LD value already read within the limits (`imports.parse_json`), by a JSON-LD 1.1
    processor (pyld: scoped contexts, @import, type-scoped terms as the DCAT-AP examples use them) whose document
    loader serves the known contexts from their local copies and refuses any other."""
    from pyld import jsonld

    failures: list[ServiceError] = []
    try:
        quads = jsonld.to_rdf(_exact_numbers(value), {"documentLoader": _loader(failures),
                                                      "format": "application/n-quads"})
        dataset = Dataset()
        dataset.parse(data=str(quads), format="nquads")
        graph = Graph()
        for subject, predicate, value, _graph in dataset.quads():  # named graphs' triples too: one catalogue
            graph.add((subject, predicate, value))
        return graph
    except RecursionError:
        raise _invalid("too_deep", _("文档嵌套过深。"), field) from None
    except Exception as error:  # any complaint of the JSON-LD processor is the same user error
        if failures:
            raise failures[0] from None
        cause = getattr(error, "cause", None) or error
        raise _invalid("invalid_rdf", _("无法按 %(f)s 读取文档：%(e)s") % {
            "f": "jsonld", "e": str(cause)[:300] or type(cause).__name__}, field) from None


XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def _exact_numbers(value: Any) -> Any:
    """The document with each fraction (read as the Decimal it is written as) given to the JSON-LD processor as the
    xsd:decimal literal it is, instead of a float that would round it. A context's numbers ("@version": 1.1) are
    keywords' values, not data: they stay numbers."""
    if isinstance(value, dict):
        if isinstance(value.get("@value"), Decimal):
            return {**value, "@value": str(value["@value"]), "@type": value.get("@type", XSD_DECIMAL)}
        return {key: _plain_numbers(item) if key == "@context" else _exact_numbers(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_exact_numbers(item) for item in value]
    if isinstance(value, Decimal):
        return {"@value": str(value), "@type": XSD_DECIMAL}
    return value


def _plain_numbers(value: Any) -> Any:
    """A JSON value with its Decimals as the floats the JSON-LD processor expects (a context's "@version": 1.1)."""
    if isinstance(value, dict):
        return {key: _plain_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_numbers(item) for item in value]
    return float(value) if isinstance(value, Decimal) else value


def reparse(text: str, fmt: Format) -> Graph:
    """A document this module rendered, read back (what another portal reading it would get)."""
    return parse(text.encode("utf-8"), fmt.key)


# --- RDF -> the catalogue's entries ----------------------------------------------------------------------------
#
# `frame` reads the records of any DCAT-AP graph into the node shape `dcat.parse_dataset` / `parse_service` read
# (compact keys of `dcat.CONTEXT`), so one import path checks and writes them. What a record says beyond the
# fields (a property or class the platform does not model) is listed in the notes and kept with the record as its
# source graph; records of classes the platform does not hold (a catalogue's own description, a dataset series) are
# listed too, and kept in the source graph of the records that refer to them.

NS = {prefix: Namespace(iri) for prefix, iri in dcat.CONTEXT.items()}
LABELS = (NS["skos"]["prefLabel"], NS["rdfs"]["label"], NS["foaf"]["name"], NS["dct"]["title"])
CLASSES = {"datasets": NS["dcat"]["Dataset"], "services": NS["dcat"]["DataService"]}
DISTRIBUTION = NS["dcat"]["Distribution"]
KNOWN_CLASSES = {*CLASSES.values(), DISTRIBUTION, NS["dcat"]["Catalog"]}
DESCRIPTIVE = {NS["skos"]["Concept"], NS["foaf"]["Agent"], *(NS["dct"][c] for c in (
    "Location", "LicenseDocument", "LinguisticSystem", "Frequency", "RightsStatement", "MediaTypeOrExtent",
    "MediaType", "ProvenanceStatement", "PeriodOfTime"))}


def expand(key: str) -> URIRef:
    prefix, _sep, local = key.partition(":")
    return URIRef(dcat.CONTEXT[prefix] + local)


def _modelled(fields: list[tuple[str, str, str]], *extra: str) -> set[URIRef]:
    keys = {key for _name, key, _kind in fields}
    for _name, _key, kind in fields:
        if kind.startswith("vocab:"):
            keys.add(dcat.VOCABULARIES[kind.removeprefix("vocab:")].local_property)
    return {expand(k) for k in (*keys, *extra, "aiplus:filledForProfile")} | {RDF.type}


MODELLED = {
    "datasets": _modelled(dcat.DATASET_FIELDS, "dct:publisher", "aiplus:jurisdiction", "dct:temporal",
                          "dcat:distribution"),
    "services": _modelled(dcat.SERVICE_FIELDS, "dct:publisher", "aiplus:jurisdiction", "dcat:servesDataset"),
    "distributions": _modelled(dcat.DISTRIBUTION_FIELDS),
}


def _literal(term: Node) -> Any:
    if isinstance(term, Literal):
        value: dict[str, Any] = {"@value": str(term)}
        if term.language:
            value["@language"] = term.language
        return value
    return {"@id": str(term)}


def _described(graph: Graph, term: Node) -> Any:
    """A resource as a node with its labels (a concept's, a place's, a statement's), or a literal's value."""
    if isinstance(term, Literal):
        return _literal(term)
    node: dict[str, Any] = {} if isinstance(term, BNode) else {"@id": str(term)}
    for predicate in LABELS:
        values = [_literal(v) for v in graph.objects(term, predicate) if isinstance(v, Literal)]
        if values:
            node[_compact(predicate)] = values if len(values) > 1 else values[0]
    return node


def _compact(iri: Node) -> str:
    for prefix, namespace in dcat.CONTEXT.items():
        if str(iri).startswith(namespace):
            return f"{prefix}:{str(iri)[len(namespace):]}"
    return str(iri)


def _one(values: list[Node]) -> Node:
    """Of several values the Chinese literal, else the untagged one, else the first (sorted: stable)."""
    ordered = sorted(values, key=str)
    for wanted in ("zh", None):
        for value in ordered:
            if isinstance(value, Literal) and (value.language or "").lower().split("-")[0] == (wanted or ""):
                return value
    return ordered[0]


def _node(graph: Graph, subject: Node, fields: list[tuple[str, str, str]]) -> dict[str, Any]:
    node: dict[str, Any] = {}
    for _name, key, kind in fields:
        values = list(graph.objects(subject, expand(key)))
        if not values:
            continue
        if kind in ("bool", "int", "count"):
            value = _one(values)
            node[key] = value.toPython() if isinstance(value, Literal) else str(value)
        elif kind in ("text", "date"):
            value = _one(values)
            node[key] = str(value)
        elif kind == "list":
            node[key] = sorted(str(v) for v in values)
        elif kind in ("theme",) or kind.startswith("vocab:"):
            node[key] = [_described(graph, v) for v in sorted(values, key=str)]
            if kind.startswith("vocab:") and len(node[key]) == 1:
                node[key] = node[key][0]
        else:
            node[key] = _described(graph, _one(values))
        if kind.startswith("vocab:"):
            local = dcat.VOCABULARIES[kind.removeprefix("vocab:")].local_property
            kept = list(graph.objects(subject, expand(local)))
            if kept:
                node[local] = str(_one(kept))
    filled = [str(v) for v in graph.objects(subject, expand("aiplus:filledForProfile"))]
    if filled:
        node["aiplus:filledForProfile"] = filled
    return node


def identifier_of(graph: Graph, subject: Node) -> str:
    """A record's identifier: its dct:identifier, else its IRI (a blank node has none)."""
    value = graph.value(subject, NS["dct"]["identifier"])
    if value is not None:
        return str(value)
    return str(subject) if isinstance(subject, URIRef) else ""


def _where(subject: Node) -> str:
    return subject.n3()


@dataclass
class Framed:
    entries: list[tuple[str, tuple[str, dict[str, Any]]]]
    notes: list[tuple[str, str]]


def _record_graph(graph: Graph, subject: Node, records: set[Node]) -> Graph:
    """The record's own triples, those of the blank nodes and distributions it holds, and those of the resources
    it names that are not records themselves (a dataset series it is in): what another portal said of it."""
    kept = Graph()
    todo, seen = [subject], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue  # a cycle (a relation back to itself) is walked once
        seen.add(current)
        for _s, predicate, value in graph.triples((current, None, None)):
            kept.add((current, predicate, value))
            if isinstance(value, BNode) or (current == subject and value not in records
                                            and (value, None, None) in graph):
                todo.append(value)
    return kept


def _canonical(graph: Graph) -> str:
    """The triples in one stable text (canonical blank-node labels, sorted N-Triples), so the same record read
    twice is stored the same and a re-import changes nothing."""
    from rdflib.compare import to_canonical_graph

    lines = to_canonical_graph(graph).serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def frame(graph: Graph) -> Framed:
    """The datasets and data services of a graph as catalogue entries, with notes for what is kept unmodelled."""
    notes: list[tuple[str, str]] = []
    records = {s for cls in CLASSES.values() for s in graph.subjects(RDF.type, cls)}
    entries: list[tuple[str, tuple[str, dict[str, Any]]]] = []
    for kind, cls in CLASSES.items():
        fields = dcat.DATASET_FIELDS if kind == "datasets" else dcat.SERVICE_FIELDS
        for subject in sorted(set(graph.subjects(RDF.type, cls)), key=str):
            where = _where(subject)
            node: dict[str, Any] = {"@type": "dcat:Dataset" if kind == "datasets" else "dcat:DataService",
                                    **_node(graph, subject, fields)}
            node["dct:identifier"] = identifier_of(graph, subject)
            if "dct:title" not in node and isinstance(subject, URIRef):  # required here: the IRI's last segment
                node["dct:title"] = str(subject).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1][:200]
                notes.append((where, str(_("记录没有 dct:title，以其 IRI 的末段“%(t)s”为名称。") % {
                    "t": node["dct:title"]})))
            unmodelled: set[Node | str] = {p for p in graph.predicates(subject, None) if p not in MODELLED[kind]}
            unmodelled |= {f"a {_compact(t)}" for t in graph.objects(subject, RDF.type) if t not in KNOWN_CLASSES}
            publisher = graph.value(subject, NS["dct"]["publisher"])
            if publisher is not None:
                node["dct:publisher"] = {"dct:identifier": str(graph.value(publisher, NS["dct"]["identifier"]) or "")}
                if not node["dct:publisher"]["dct:identifier"]:
                    unmodelled.add(NS["dct"]["publisher"])  # a publisher the platform cannot match: kept as said
            jurisdiction = graph.value(subject, NS["aiplus"]["jurisdiction"])
            if jurisdiction is not None:
                node["aiplus:jurisdiction"] = str(jurisdiction)
            if kind == "datasets":
                period = graph.value(subject, NS["dct"]["temporal"])
                if period is not None:
                    node["dct:temporal"] = {k: str(v) for k, v in (
                        ("dcat:startDate", graph.value(period, NS["dcat"]["startDate"])),
                        ("dcat:endDate", graph.value(period, NS["dcat"]["endDate"]))) if v is not None}
                node["dcat:distribution"] = []
                for distribution in sorted(graph.objects(subject, NS["dcat"]["distribution"]), key=str):
                    values = _node(graph, distribution, dcat.DISTRIBUTION_FIELDS)
                    values["dct:identifier"] = identifier_of(graph, distribution)
                    if "dct:format" not in values and "aiplus:format" not in values:
                        values["aiplus:format"] = _format_of(values)
                        notes.append((distribution.n3(), str(_("分发未注明格式，记为“%(f)s”。") % {
                            "f": values["aiplus:format"]})))
                    node["dcat:distribution"].append(values)
                    extra = {p for p in graph.predicates(distribution, None) if p not in MODELLED["distributions"]}
                    unmodelled |= {f"{_compact(p)} ({distribution.n3()})" for p in extra}
            else:
                node["dcat:servesDataset"] = [
                    {"@id": dcat.dataset_iri(identifier_of(graph, d))}
                    for d in sorted(graph.objects(subject, NS["dcat"]["servesDataset"]), key=str)]
            if unmodelled:
                names = sorted(_compact(p) if isinstance(p, URIRef) else str(p) for p in unmodelled)
                notes.append((where, str(_("平台未建模的内容已保存在来源图中：%(p)s") % {"p": ", ".join(names)})))
                node["aiplus:sourceGraph"] = _canonical(_record_graph(graph, subject, records))
            entries.append((where, (kind, node)))
    # Resources the records name: through a field (a concept, a vocabulary term, a distribution: read above), or
    # through a property kept in the source graph.
    held = records | set(graph.objects(None, NS["dcat"]["distribution"]))
    modelled = set().union(*MODELLED.values())
    through_fields = {o for s in held for p, o in graph.predicate_objects(s) if p in modelled}
    referenced = {o for s in held for o in graph.objects(s, None)}
    for subject in sorted(set(graph.subjects(RDF.type, None)) - held - through_fields, key=str):
        types = set(graph.objects(subject, RDF.type))
        if types <= DESCRIPTIVE or subject == URIRef(dcat.CATALOGUE_IRI):
            continue  # a term, an agent, a place: said of a record, not a record; the platform's own catalogue
        kept = _("已保存在引用它的记录的来源图中") if subject in referenced else _("未导入")
        notes.append((subject.n3(), str(_("平台不建模 %(c)s：%(k)s。") % {
            "c": ", ".join(sorted(_compact(t) for t in types)), "k": kept})))
    return Framed(entries, notes)


def _format_of(values: dict[str, Any]) -> str:
    """A distribution's format when it names none: from its media type (text/csv is CSV), else 未注明."""
    media = values.get("dcat:mediaType")
    iri = media.get("@id", "") if isinstance(media, dict) else ""
    term = dcat.VOCABULARIES["file type"].term(iri.rsplit("/", 1)[-1]) if iri else None
    return term.local if term is not None else "未注明"
