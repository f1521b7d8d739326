"""DCAT-AP 3 JSON-LD: the catalogue's datasets, distributions and data services, out and back in without loss.

Standard DCAT / DCT / FOAF terms carry what they can (title, description, keyword, theme, publisher, spatial,
temporal, accrualPeriodicity with the EU frequency vocabulary, accessRights with the EU access-right vocabulary,
licence, language, provenance, distributions, data services). Fields of Chinese portals and of AI training sets
that DCAT-AP has no term for go under the `aiplus:` namespace. Empty values are omitted and read back as empty.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

EU_FREQ = "http://publications.europa.eu/resource/authority/frequency/"
EU_ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
AIPLUS_NS = "https://aiplus.example.org/ns/datahub#"

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "aiplus": AIPLUS_NS,
}
FREQUENCY_TO_EU = {"1": "UPDATE_CONT", "2": "DAILY", "3": "WEEKLY", "4": "MONTHLY", "5": "QUARTERLY",
                   "6": "BIANNUAL", "7": "ANNUAL", "8": "IRREG", "9": "OTHER"}
EU_TO_FREQUENCY = {v: k for k, v in FREQUENCY_TO_EU.items()}
ACCESS_TO_EU = {"unconditional": "PUBLIC", "conditional": "RESTRICTED", "closed": "NON_PUBLIC"}
EU_TO_ACCESS = {v: k for k, v in ACCESS_TO_EU.items()}

# Model field -> (JSON-LD key, kind). kind: text | int | bool | date | list
DATASET_FIELDS: list[tuple[str, str, str]] = [
    ("identifier", "dct:identifier", "text"),
    ("title", "dct:title", "text"),
    ("description", "dct:description", "text"),
    ("keywords", "dcat:keyword", "list"),
    ("theme", "dcat:theme", "text"),
    ("spatial_coverage", "dct:spatial", "text"),
    ("licence", "dct:license", "text"),
    ("language", "dct:language", "text"),
    ("lineage", "dct:provenance", "text"),
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
]
DISTRIBUTION_FIELDS: list[tuple[str, str, str]] = [
    ("identifier", "dct:identifier", "text"),
    ("title", "dct:title", "text"),
    ("format", "dct:format", "text"),
    ("media_type", "dcat:mediaType", "text"),
    ("access_url", "dcat:accessURL", "text"),
    ("download_url", "dcat:downloadURL", "text"),
    ("byte_size", "dcat:byteSize", "int"),
    ("licence", "dct:license", "text"),
]
SERVICE_FIELDS: list[tuple[str, str, str]] = [
    ("identifier", "dct:identifier", "text"),
    ("title", "dct:title", "text"),
    ("description", "dct:description", "text"),
    ("endpoint_url", "dcat:endpointURL", "text"),
    ("endpoint_description", "dcat:endpointDescription", "text"),
    ("is_published", "aiplus:isPublished", "bool"),
]


def dataset_iri(identifier: str) -> str:
    return f"urn:aiplus:dataset:{identifier}"


def _out(obj: Any, fields: list[tuple[str, str, str]]) -> dict[str, Any]:
    node: dict[str, Any] = {}
    for name, key, kind in fields:
        value = getattr(obj, name)
        if kind == "bool":
            node[key] = bool(value)
        elif value in (None, "", []):
            continue
        elif kind == "date":
            node[key] = {"@value": value.isoformat(), "@type": "xsd:date"}
        else:
            node[key] = list(value) if kind == "list" else value
    return node


def _in(node: dict[str, Any], fields: list[tuple[str, str, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, key, kind in fields:
        raw = node.get(key)
        if kind == "bool":
            values[name] = bool(raw)
        elif raw is None:
            values[name] = None if kind in ("int", "date") else ([] if kind == "list" else "")
        elif kind == "date":
            text = raw.get("@value") if isinstance(raw, dict) else raw
            values[name] = dt.date.fromisoformat(str(text))
        elif kind == "list":
            values[name] = [str(v) for v in (raw if isinstance(raw, list) else [raw])]
        elif kind == "int":
            values[name] = int(raw)
        else:
            values[name] = raw.get("@value", "") if isinstance(raw, dict) else str(raw)
    return values


def publisher(organisation: Any) -> dict[str, Any]:
    return {"@type": "foaf:Agent", "foaf:name": organisation.name, "dct:identifier": organisation.credit_code}


def dataset_node(dataset: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": dataset_iri(dataset.identifier), "@type": "dcat:Dataset"}
    node.update(_out(dataset, DATASET_FIELDS))
    node["dct:publisher"] = publisher(dataset.provider)
    node["aiplus:jurisdiction"] = dataset.jurisdiction.code
    node["dct:accrualPeriodicity"] = {"@id": EU_FREQ + FREQUENCY_TO_EU[dataset.update_frequency]}
    node["dct:accessRights"] = {"@id": EU_ACCESS + ACCESS_TO_EU[dataset.open_attribute]}
    if dataset.temporal_start or dataset.temporal_end:
        period: dict[str, Any] = {"@type": "dct:PeriodOfTime"}
        if dataset.temporal_start:
            period["dcat:startDate"] = {"@value": dataset.temporal_start.isoformat(), "@type": "xsd:date"}
        if dataset.temporal_end:
            period["dcat:endDate"] = {"@value": dataset.temporal_end.isoformat(), "@type": "xsd:date"}
        node["dct:temporal"] = period
    distributions = sorted(dataset.distributions.all(), key=lambda d: d.identifier)
    if distributions:
        node["dcat:distribution"] = [{"@type": "dcat:Distribution", **_out(d, DISTRIBUTION_FIELDS)}
                                     for d in distributions]
    return node


def service_node(service: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "dcat:DataService", **_out(service, SERVICE_FIELDS)}
    node["dct:publisher"] = publisher(service.provider)
    node["aiplus:jurisdiction"] = service.jurisdiction.code
    served = sorted(d.identifier for d in service.serves.all())
    if served:
        node["dcat:servesDataset"] = [{"@id": dataset_iri(identifier)} for identifier in served]
    return node


def catalogue_document(datasets: list[Any], services: list[Any], title: str = "aiplus 数据目录") -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "dcat:Catalog",
        "dct:title": title,
        "dcat:dataset": [dataset_node(d) for d in sorted(datasets, key=lambda d: d.identifier)],
        "dcat:service": [service_node(s) for s in sorted(services, key=lambda s: s.identifier)],
    }


def dataset_document(dataset: Any) -> dict[str, Any]:
    return {"@context": CONTEXT, **dataset_node(dataset)}


def serialise(document: dict[str, Any]) -> str:
    """The one byte form of a DCAT document (UTF-8 Chinese, two-space indent, trailing newline): what the page,
    the API download and `manage.py dcat_export` write, so export → import → export compares byte for byte."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class DcatError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_dataset(node: dict[str, Any]) -> dict[str, Any]:
    """A dataset node as model values plus `publisher` (credit code), `jurisdiction` and `distributions`."""
    if node.get("@type") != "dcat:Dataset":
        raise DcatError("@type", "each dcat:dataset must have @type dcat:Dataset")
    values = _in(node, DATASET_FIELDS)
    if not values["identifier"]:
        raise DcatError("dct:identifier", "dct:identifier is required")
    frequency = str((node.get("dct:accrualPeriodicity") or {}).get("@id", EU_FREQ + "IRREG"))
    access = str((node.get("dct:accessRights") or {}).get("@id", EU_ACCESS + "PUBLIC"))
    try:
        values["update_frequency"] = EU_TO_FREQUENCY[frequency.removeprefix(EU_FREQ)]
    except KeyError:
        raise DcatError("dct:accrualPeriodicity", f"unknown frequency {frequency}") from None
    try:
        values["open_attribute"] = EU_TO_ACCESS[access.removeprefix(EU_ACCESS)]
    except KeyError:
        raise DcatError("dct:accessRights", f"unknown access right {access}") from None
    period = node.get("dct:temporal") or {}
    values["temporal_start"] = _in(period, [("d", "dcat:startDate", "date")])["d"]
    values["temporal_end"] = _in(period, [("d", "dcat:endDate", "date")])["d"]
    values["publisher"] = str((node.get("dct:publisher") or {}).get("dct:identifier", ""))
    values["jurisdiction"] = str(node.get("aiplus:jurisdiction", ""))
    values["distributions"] = [_in(d, DISTRIBUTION_FIELDS) for d in node.get("dcat:distribution", [])]
    return values


def parse_service(node: dict[str, Any]) -> dict[str, Any]:
    values = _in(node, SERVICE_FIELDS)
    if not values["identifier"]:
        raise DcatError("dct:identifier", "dct:identifier is required")
    values["publisher"] = str((node.get("dct:publisher") or {}).get("dct:identifier", ""))
    values["jurisdiction"] = str(node.get("aiplus:jurisdiction", ""))
    values["serves"] = [str(ref.get("@id", "")).removeprefix("urn:aiplus:dataset:")
                        for ref in node.get("dcat:servesDataset", [])]
    return values
