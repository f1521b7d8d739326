"""Citations: where a rule, a parameter or a reason comes from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Citation:
    """A pointer into a pack's regulation or an external instrument.

    Either `pack` + `article` (an article of a loaded pack) or `instrument` (an external rule such as
    "促进和规范数据跨境流动规定") with an optional article/clause. `url` points at the published text when known.

    `setting` marks a value the platform's operator chose (a `local-setting` parameter), not one the law sets. Such a
    citation is never shown as law: it reads 平台设置 / "Platform setting", followed by the instrument it follows
    where it borrows from one (another city's policy, a standard); a pack article it serves stays in the data for
    traceability but is not shown, since showing it would present the operator's number as the article's.
    """

    pack: str | None = None
    article: str | None = None
    instrument: str | None = None
    clause: str | None = None
    url: str | None = None
    setting: bool = False

    def __post_init__(self) -> None:
        if not self.pack and not self.instrument and not self.setting:
            raise ValueError("a citation names a pack or an external instrument")

    def label(self, language: str = "zh-hans", pack_names: Mapping[str, str] | None = None,
              instrument_names: Mapping[str, str] | None = None) -> str:
        """A short human-readable label, e.g. 《苏州条例》第34条 / Suzhou Regulation art. 34.

        `pack_names` gives each pack's short title in `language` and `instrument_names` each external instrument's
        title in `language`, keyed by the name a citation uses (the caller knows the loaded packs; this module does
        not); without them the pack code and the instrument as cited stand in."""
        chinese = language.startswith("zh")
        if self.setting:
            if not self.instrument:
                return "平台设置" if chinese else "Platform setting"
            followed = Citation(instrument=self.instrument, article=self.article, clause=self.clause)
            source = followed.label(language, pack_names, instrument_names)
            return f"平台设置（参照{source}）" if chinese else f"Platform setting (following {source})"
        if self.instrument:
            source = (instrument_names or {}).get(self.instrument) or self.instrument
        else:
            source = (pack_names or {}).get(self.pack or "", self.pack or "")
        if chinese and (self.instrument or (pack_names and self.pack in pack_names)):
            source = f"《{source}》"
        parts = [source]
        if self.article:
            parts.append(f"第{self.article}条" if chinese else f"art. {self.article}")
        if self.clause:
            parts.append(_clause(self.clause, chinese))
        return ("" if chinese else " ").join(parts)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Citation:
        """The citation `as_dict()` wrote (unknown keys are ignored); ValueError when it names nothing."""
        fields = ("pack", "article", "instrument", "clause", "url")
        found: dict[str, Any] = {k: str(data[k]) for k in fields if data.get(k) not in (None, "")}
        return cls(**found, setting=data.get("setting") is True)

    @property
    def is_law(self) -> bool:
        """True when the citation presents its value as set by the cited rule (not an operator's setting)."""
        return not self.setting

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {k: v for k, v in (
            ("pack", self.pack), ("article", self.article), ("instrument", self.instrument),
            ("clause", self.clause), ("url", self.url),
        ) if v}
        if self.setting:
            found["setting"] = True
        return found


def _clause(clause: str, chinese: bool) -> str:
    """A clause as read: a paragraph number of an article (款: 第2款 / para. 2), a section of a standard (5.1:
    第5.1条 / clause 5.1), or a named part as written (附录A, 附件《…》, a chapter's name), never "第附录A款"."""
    if clause.isdecimal():
        return f"第{clause}款" if chinese else f"para. {clause}"
    if all(part.isdecimal() for part in clause.split(".")):
        return f"第{clause}条" if chinese else f"clause {clause}"
    return clause if chinese else f"({clause})"
