"""Where a piece of pack content comes from, in the page's language: a glossary definition, a department's duty, a
taxonomy item.

Every such item carries a source kind (`schema.GlossarySource`, `DutySource`, `TaxonomySource`): official text,
another regulation or instrument, the drafting explanation, or the platform's own choice (a working definition, a
platform assignment, a working classification). The platform's own choices are never shown as law: they read as
such, followed at most by the instrument they follow ("参照…"), never by a bare article; the article an item serves
is shown apart, labelled as related and not as its source (`related_label`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aiplus.regulation.loader import PLATFORM_SOURCE_KINDS, Source
from aiplus.regulation.runtime import cite
from aiplus.rules.citations import Citation

KIND_LABELS: dict[str, Promise] = {
    "official": _("官方来源"),
    "other-regulation": _("其他法规的定义"),
    "working-definition": _("平台工作定义，无法律效力"),
    "platform-assignment": _("平台分工，运营方可配置"),
    "stated-in-explanation": _("起草说明所列"),
    "other-instrument": _("其他文件"),
    "working-classification": _("平台分类"),
}


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def _citation(value: Any) -> Citation | None:
    if isinstance(value, Citation):
        return value
    if isinstance(value, Mapping) and value:
        try:
            return Citation.from_dict(value)
        except ValueError:
            return None
    return None


def source_of(item: Any) -> Source | None:
    """The `Source` of a loaded item (a glossary term, a duty, a taxonomy item), of a `Source`, of a stored duty
    (`DepartmentDuty`: `source_kind` and, for an official duty, its `citation`) or of a dict with `source_kind` and
    `source_citation` (as the scenario taxonomy selector returns)."""
    if item is None or item == "":
        return None
    if isinstance(item, Source):
        return item
    if isinstance(item, Mapping):
        kind = item.get("source_kind")
        return Source(str(kind), _citation(item.get("source_citation"))) if kind else None
    inner = getattr(item, "source", None)
    if isinstance(inner, Source):
        return inner
    kind = getattr(item, "source_kind", None)
    if kind:
        # a stored duty: its citation is the assigning rule only when the duty is official
        cited = _citation(getattr(item, "citation", None)) if kind not in PLATFORM_SOURCE_KINDS else None
        return Source(str(kind), cited)
    return None


def describe(item: Any) -> str:
    """"官方来源：《数据安全法》第21条", "平台工作定义，无法律效力（参照《…》第2条）", "平台分类": what an item's
    source is, in the active language ("" when the item has none)."""
    source = source_of(item)
    if source is None:
        return ""
    label = kind_label(source.kind)
    if source.citation is None:
        return label
    cited = cite(source.citation)
    if source.is_platform:
        return gettext("%(kind)s（参照%(source)s）") % {"kind": label, "source": cited}
    return gettext("%(kind)s：%(source)s") % {"kind": label, "source": cited}


def related_label(citation: Any) -> str:
    """The article or instrument an item serves, labelled as related and not as its source ("" for none)."""
    found = _citation(citation)
    if found is None:
        return ""
    if found.pack:
        return gettext("相关条文（非出处）：%(source)s") % {"source": cite(found)}
    return gettext("相关文件（非出处）：%(source)s") % {"source": cite(found)}


def effective_source(source: Source, fallback: Citation | None) -> Source:
    """An item's source, completed from its taxonomy's citation when the item names none: an item the drafting
    explanation names cites the pack chapter the taxonomy cites; a working classification may say which instrument
    it follows (never a pack article: that would present the platform's classification as the article's)."""
    if source.citation is not None or fallback is None:
        return source
    if source.kind == "stated-in-explanation" and fallback.pack:
        return Source(source.kind, fallback)
    if source.is_platform and fallback.instrument and not fallback.pack:
        return Source(source.kind, fallback)
    return source
