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
from typing import Any

from django.utils.translation import gettext_lazy as _
from rdflib import Graph

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
CONTEXT_NESTING_MAX = 8  # a context importing a context…: the known ones need one level


def _invalid(code: str, message: Any, field: str = "file") -> ServiceError:
    return ServiceError(code, message, field, status=400)


def _local_context(url: str, seen: tuple[str, ...]) -> Any:
    from aiplus.datahub.shacl import data_dir

    if url in seen:
        raise _invalid("context_cycle", _("JSON-LD 上下文循环引用：%(u)s") % {"u": url}, "@context")
    if url not in KNOWN_CONTEXTS:
        raise _invalid("remote_context", _(
            "不能读取远程 JSON-LD 上下文 %(u)s：只接受内联上下文和已知的 DCAT-AP 上下文。") % {"u": url}, "@context")
    path = data_dir() / KNOWN_CONTEXTS[url]
    if not path.is_file():
        raise _invalid("context_unavailable", _("本机没有 JSON-LD 上下文 %(u)s 的副本。") % {"u": url}, "@context")
    loaded = imports.parse_json(path.read_bytes(), "@context")
    return _resolve(loaded.get("@context", {}) if isinstance(loaded, dict) else loaded, (*seen, url))


def _resolve(value: Any, seen: tuple[str, ...] = ()) -> Any:
    """`value` with every context named by URL (an "@context" or "@import" string) replaced by its local copy."""
    if len(seen) > CONTEXT_NESTING_MAX:
        raise _invalid("context_cycle", _("JSON-LD 上下文嵌套过深。"), "@context")
    if isinstance(value, list):
        return [_resolve(item, seen) for item in value]
    if not isinstance(value, dict):
        return value
    resolved: dict[str, Any] = {}
    for key, item in value.items():
        if key == "@context":
            contexts = item if isinstance(item, list) else [item]
            item = [_local_context(c, seen) if isinstance(c, str) else _resolve(c, seen) for c in contexts]
            item = item[0] if len(item) == 1 else item
        elif key == "@import" and isinstance(item, str):
            resolved.update(_local_context(item, seen))
            continue
        else:
            item = _resolve(item, seen)
        resolved[key] = item
    return resolved


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
    graph = Graph()
    try:
        if chosen.key == "jsonld":
            document = _resolve(imports.parse_json(data, field))
            graph.parse(data=json.dumps(document, ensure_ascii=False), format="json-ld")
        else:
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


def reparse(text: str, fmt: Format) -> Graph:
    """A document this module rendered, read back (what another portal reading it would get)."""
    return parse(text.encode("utf-8"), fmt.key)
