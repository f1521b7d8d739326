"""Validate DCAT-AP 3 with the SEMIC SHACL shapes (pyshacl over rdflib), each violation told in the user's language.

The shapes are the specification's own files (`shapes.ttl`, the mandatory and cardinality constraints, and
`range.ttl`, the classes of the values), read from the shared data folder: `AIPLUS_DCAT_AP_DIR`, by default
`../shared/data/dcat-ap` beside the project. They are not part of the repository (CC-BY 4.0, © European Union).
The controlled-vocabulary shapes (`mdr-vocabularies.shape.ttl`) need the EU vocabularies themselves, which are not
shipped, so they are not run: every report says which shape files it covers.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rdflib import RDF, Graph, Literal, Node, URIRef
from rdflib.namespace import SH

SHAPE_FILES = ("shapes.ttl", "range.ttl")
PREFIXES = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
            "skos": "http://www.w3.org/2004/02/skos/core#", "dcatap": "http://data.europa.eu/r5r/"}
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"

# What a property is called on the platform's pages (the model field it holds), for the violations' field names.
FIELDS = {
    DCT + "title": gettext_lazy("名称"), DCT + "description": gettext_lazy("描述"),
    DCT + "publisher": gettext_lazy("发布者"), DCT + "identifier": gettext_lazy("标识符"),
    DCT + "license": gettext_lazy("许可"), DCT + "language": gettext_lazy("语言"),
    DCT + "accrualPeriodicity": gettext_lazy("更新频率"), DCT + "accessRights": gettext_lazy("开放属性"),
    DCT + "spatial": gettext_lazy("空间范围"), DCT + "temporal": gettext_lazy("时间范围"),
    DCT + "provenance": gettext_lazy("来源与加工过程"), DCT + "issued": gettext_lazy("首次发布日期"),
    DCT + "modified": gettext_lazy("更新日期"), DCT + "format": gettext_lazy("资源格式"),
    DCAT + "mediaType": gettext_lazy("媒体类型"), DCAT + "accessURL": gettext_lazy("访问地址"),
    DCAT + "downloadURL": gettext_lazy("下载地址"), DCAT + "byteSize": gettext_lazy("大小（字节）"),
    DCAT + "theme": gettext_lazy("主题分类"), DCAT + "keyword": gettext_lazy("数据标签"),
    DCAT + "distribution": gettext_lazy("分发"), DCAT + "dataset": gettext_lazy("数据集"),
    DCAT + "service": gettext_lazy("数据服务"), DCAT + "endpointURL": gettext_lazy("接口地址"),
    DCAT + "endpointDescription": gettext_lazy("接口说明"), DCAT + "servesDataset": gettext_lazy("提供的数据集"),
    "http://xmlns.com/foaf/0.1/name": gettext_lazy("名称"),
    "http://www.w3.org/2004/02/skos/core#prefLabel": gettext_lazy("标签"),
}
KINDS = {
    DCAT + "Catalog": gettext_lazy("数据目录"), DCAT + "Dataset": gettext_lazy("数据集"),
    DCAT + "DatasetSeries": gettext_lazy("数据集系列"), DCAT + "Distribution": gettext_lazy("分发"),
    DCAT + "DataService": gettext_lazy("数据服务"), "http://xmlns.com/foaf/0.1/Agent": gettext_lazy("机构"),
    "http://www.w3.org/2004/02/skos/core#Concept": gettext_lazy("概念"),
}


def data_dir() -> Path:
    """The shared DCAT-AP folder (shapes, context, examples): `AIPLUS_DCAT_AP_DIR`, else beside the project."""
    configured = os.environ.get("AIPLUS_DCAT_AP_DIR")
    return Path(configured) if configured else Path(settings.PROJECT_DIR).parent / "shared" / "data" / "dcat-ap"


def shape_paths(names: tuple[str, ...] = SHAPE_FILES) -> list[Path]:
    """The shape files to run: shapes.ttl (required) and range.ttl when present."""
    folder = data_dir() / "shacl"
    if not (folder / "shapes.ttl").is_file():
        raise FileNotFoundError(f"DCAT-AP shapes not found in {folder} (set AIPLUS_DCAT_AP_DIR)")
    return [folder / name for name in names if (folder / name).is_file()]


@functools.cache
def _shapes(paths: tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@dataclass(frozen=True)
class Violation:
    severity: str         # Violation | Warning | Info
    focus: Node           # the record
    path: Node | None     # the property
    component: str        # the SHACL constraint component's local name (MinCountConstraintComponent, …)
    value: Node | None
    expected: Node | None  # sh:class / sh:nodeKind / sh:minCount of the shape that failed
    source_message: str


@dataclass
class Report:
    shapes: list[str]
    violations: list[Violation]
    data: Graph

    @property
    def conforms(self) -> bool:
        return not any(v.severity == "Violation" for v in self.violations)

    def record(self, node: Node) -> str:
        """A record as the user knows it: its kind and title, and its IRI."""
        kind = next((str(KINDS[str(t)]) for t in self.data.objects(node, RDF.type) if str(t) in KINDS),
                    _("记录"))
        title = self.data.value(node, URIRef(DCT + "title")) or self.data.value(
            node, URIRef("http://xmlns.com/foaf/0.1/name"))
        name = _("%(kind)s“%(title)s”") % {"kind": kind, "title": title} if title is not None else kind
        return _("%(name)s（%(iri)s）") % {"name": name, "iri": node.n3()} if isinstance(node, URIRef) else name

    def field(self, path: Node | None) -> str:
        if path is None:
            return "-"
        short = self.data.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else str(path)
        label = FIELDS.get(str(path))
        return _("%(label)s（%(path)s）") % {"label": label, "path": short} if label else short

    def explain(self, violation: Violation) -> str:
        value = violation.value.n3() if violation.value is not None else ""
        expected = violation.expected
        if violation.component == "MinCountConstraintComponent":
            return _("缺少必填项。")
        if violation.component == "MaxCountConstraintComponent":
            return _("值过多：最多 %(n)s 个。") % {"n": expected}
        if violation.component == "ClassConstraintComponent":
            kind = self.data.namespace_manager.normalizeUri(expected) if isinstance(expected, URIRef) else expected
            return _("值 %(value)s 须为 %(kind)s 类的资源（并注明其类型）。") % {"value": value, "kind": kind}
        if violation.component == "DatatypeConstraintComponent" and isinstance(expected, URIRef):
            wanted = self.data.namespace_manager.normalizeUri(expected)
            return _("值 %(value)s 的数据类型须为 %(kind)s。") % {"value": value, "kind": wanted}
        if violation.component == "NodeKindConstraintComponent":
            kinds = {"IRI": _("IRI 地址"), "Literal": _("文本值"), "BlankNode": _("节点"),
                     "BlankNodeOrIRI": _("资源（IRI 或节点），不能是文本")}
            wanted = str(expected).rsplit("#", 1)[-1] if expected is not None else ""
            return _("值 %(value)s 须为%(kind)s。") % {"value": value, "kind": kinds.get(wanted, wanted)}
        return _("不符合约束 %(component)s：%(message)s") % {"component": violation.component,
                                                          "message": violation.source_message}

    def lines(self) -> list[str]:
        return [_("%(severity)s：%(record)s，字段 %(field)s：%(problem)s") % {
            "severity": {"Violation": _("违规"), "Warning": _("警告")}.get(v.severity, v.severity),
            "record": self.record(v.focus), "field": self.field(v.path), "problem": self.explain(v)}
            for v in self.violations]


def validate(data: Graph, names: tuple[str, ...] = SHAPE_FILES) -> Report:
    """Run the shape files (those of `names` that are present) on `data`, without inference (the classes of the
    values must be stated, as range.ttl expects of an exchanged document)."""
    from pyshacl import validate as run

    paths = shape_paths(names)
    for prefix, namespace in PREFIXES.items():  # the report names properties as the platform's documents do
        data.bind(prefix, namespace, override=True, replace=True)
    # The shapes graph is parsed once (cached) and pyshacl only reads it, so its result graph is what we walk.
    _conforms, results, _text = run(data, shacl_graph=_shapes(tuple(paths)), inference="none")
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        source = results.value(result, SH.sourceShape)
        component = results.value(result, SH.sourceConstraintComponent)
        name = str(component).rsplit("#", 1)[-1] if component is not None else ""
        expected = None
        if source is not None and name in ("ClassConstraintComponent", "NodeKindConstraintComponent",
                                           "MaxCountConstraintComponent", "MinCountConstraintComponent",
                                           "DatatypeConstraintComponent"):
            predicate = {"ClassConstraintComponent": SH["class"], "NodeKindConstraintComponent": SH.nodeKind,
                         "MaxCountConstraintComponent": SH.maxCount, "MinCountConstraintComponent": SH.minCount,
                         "DatatypeConstraintComponent": SH.datatype}[name]
            expected = results.value(source, predicate)
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        violations.append(Violation(
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            focus=results.value(result, SH.focusNode), path=results.value(result, SH.resultPath),
            component=name, value=results.value(result, SH.value), expected=expected,
            source_message=str(message) if isinstance(message, Literal) else ""))
    violations.sort(key=lambda v: (str(v.focus), str(v.path), v.component))
    return Report(shapes=[path.name for path in paths], violations=violations, data=data)
