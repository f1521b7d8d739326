"""Which features implement which articles, and the evidence that they do.

Each app declares its features in its own `features.py` (discovered when Django starts), naming the evidence a
reader can check: the pages through which the user who needs the feature does the thing (URL names), the API
operations that do it (OpenAPI operation ids) and the tests that drive it end to end (pytest node ids):

    declare("compute.requests", title_zh="算力需求与调度分配", title_en="Compute job requests and placement",
            articles=[("suzhou", 34), ("guangdong", 7)],
            pages=["compute:requests", "compute:request"],
            api=["aiplus_compute_api_submit_request"],
            tests=["tests/browser/test_compute.py::test_member_submits_a_request_and_sees_its_placement"])

An article's level is computed from that evidence, never typed by hand:
- `implemented`: at least one feature with a page, an API operation and an end-to-end test;
- `partial`: some evidence (a feature lacking one of the three, a complete feature declared to serve the article only
  `in_part` — a register where the article also asks for a workflow —, or a rule of the rules engine citing it),
  with what is missing said in words;
- `declarative`: a purpose or principle article (pack: `declarative: true`) that nothing implements; shown only;
- `not_yet`: nothing.
Where a pack marks a chapter `chapter_level` (its topics are known only for the chapter as a whole), features attach
to the chapter and its articles take the chapter's level with `scope: chapter` instead of repeating its features.

`manage.py coverage --verify` checks that every named page, operation and test exists. A static page, an enum, a
model without a workflow, or infrastructure every module shares (audit log, notifications, the organisation
register) is not a feature of an article and is not declared here.

This module is pure: the caller passes the packs and, for links, a function that resolves a URL name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

LEVELS = ("implemented", "partial", "declarative", "not_yet")

# Words of the report, in both languages (the report is built for one language at a time).
_WORDS = {
    "page": ("页面", "a page"),
    "api": ("API 接口", "an API operation"),
    "test": ("端到端测试", "an end-to-end test"),
    "lacks": ("{feature}：缺少{what}", "{feature}: lacks {what}"),
    "join": ("、", ", "),
    "rule_only": ("仅有规则引擎中的规则（{rules}），尚无用户可用的页面、API 与端到端测试",
                  "only rules of the rules engine ({rules}); no page, API operation and end-to-end test yet"),
    "nothing": ("平台尚无实现此条的功能", "nothing on the platform implements this article yet"),
    "in_part": ("{feature}只实现本条所设机制的一部分", "{feature} does only part of what this article sets up"),
    "declarative": ("宣示性条款：说明目的或原则，无需单独的功能", "declarative: it states a purpose or principle"),
}


def _word(key: str, english: bool) -> str:
    return _WORDS[key][1 if english else 0]


@dataclass(frozen=True, slots=True)
class Feature:
    """Something a user can do on the platform, the articles (or chapters) it serves and the evidence it works."""

    code: str
    title_zh: str
    title_en: str
    module: str
    articles: tuple[tuple[str, int], ...] = ()
    chapters: tuple[tuple[str, int], ...] = ()
    pages: tuple[str, ...] = ()
    api: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    # What is known to be missing although the three kinds of evidence exist (e.g. one step is API-only), in words.
    gaps: tuple[tuple[str, str], ...] = ()
    # Articles (among `articles`) of which the feature does only part: with complete evidence they stay `partial`.
    in_part: tuple[tuple[str, int], ...] = ()

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en

    @property
    def complete(self) -> bool:
        return bool(self.pages and self.api and self.tests)

    def lacking(self) -> list[str]:
        return [kind for kind, evidence in (("page", self.pages), ("api", self.api), ("test", self.tests))
                if not evidence]

    def missing(self, language: str) -> list[str]:
        english = not language.startswith("zh")
        words = []
        lacking = self.lacking()
        if lacking:
            what = _word("join", english).join(_word(kind, english) for kind in lacking)
            words.append(_word("lacks", english).format(feature=self.title(language), what=what))
        words.extend(f"{self.title(language)}{'：' if not english else ': '}{gap[1 if english else 0]}"
                     for gap in self.gaps)
        return words


@dataclass(slots=True)
class _Registry:
    features: dict[str, Feature] = field(default_factory=dict)


_REGISTRY = _Registry()


def _expand(articles: Iterable[tuple[str, int | Iterable[int]]]) -> tuple[tuple[str, int], ...]:
    expanded: list[tuple[str, int]] = []
    for pack, numbers in articles:
        if isinstance(numbers, int):
            expanded.append((pack, numbers))
        else:
            expanded.extend((pack, n) for n in numbers)
    return tuple(expanded)


def declare(
    code: str,
    *,
    title_zh: str,
    title_en: str,
    articles: Iterable[tuple[str, int | Iterable[int]]] = (),
    chapters: Iterable[tuple[str, int]] = (),
    pages: Sequence[str] = (),
    api: Sequence[str] = (),
    tests: Sequence[str] = (),
    gaps: Sequence[tuple[str, str]] = (),
    in_part: Iterable[tuple[str, int | Iterable[int]]] = (),
    module: str | None = None,
) -> Feature:
    """Declare a feature (in the app's `features.py`). The module defaults to the code's first part. `in_part`
    names articles the feature serves but does only part of (say what is missing in `gaps`)."""
    partly = _expand(in_part)
    feature = Feature(code, title_zh, title_en, module or code.split(".")[0],
                      tuple(dict.fromkeys(_expand(articles) + partly)), tuple(chapters), tuple(pages), tuple(api),
                      tuple(tests), tuple(gaps), partly)
    if not (feature.articles or feature.chapters):
        raise ValueError(f"feature {code} serves no article or chapter")
    existing = _REGISTRY.features.get(code)
    if existing and existing != feature:
        raise ValueError(f"feature {code} is declared twice, differently")
    _REGISTRY.features[code] = feature
    return feature


def features() -> list[Feature]:
    return [_REGISTRY.features[code] for code in sorted(_REGISTRY.features)]


def feature(code: str) -> Feature | None:
    return _REGISTRY.features.get(code)


def _rules_citing() -> dict[tuple[str, int], list[tuple[str, str, str]]]:
    """Rules of the rules engine by the pack articles they cite: (name, summary_zh, summary)."""
    from aiplus.rules import rules

    found: dict[tuple[str, int], list[tuple[str, str, str]]] = {}
    for spec in rules():
        for c in spec.citations:
            if c.pack and c.article and c.article.isdigit():
                found.setdefault((c.pack, int(c.article)), []).append(
                    (spec.name, spec.summary_zh or spec.summary, spec.summary))
    return found


def _feature_row(f: Feature, language: str, url_of: Callable[[str], str | None]) -> dict[str, Any]:
    return {
        "code": f.code, "title": f.title(language), "module": f.module,
        "pages": [{"name": name, "url": url_of(name)} for name in f.pages],
        "api": list(f.api), "tests": list(f.tests),
        "complete": f.complete, "missing": f.missing(language),
    }


def _level(declared: list[Feature], rules: list[tuple[str, str, str]], declarative: bool,
           language: str, key: tuple[str, int] | None = None) -> tuple[str, list[str]]:
    english = not language.startswith("zh")
    missing = [words for f in declared for words in f.missing(language)]
    if any(f.complete and key not in f.in_part for f in declared):
        return "implemented", missing
    missing = [_word("in_part", english).format(feature=f.title(language))
               for f in declared if f.complete and key in f.in_part] + missing
    if declared:
        return "partial", missing
    if rules:
        names = _word("join", english).join(r[2 if english else 1] for r in rules)
        return "partial", [_word("rule_only", english).format(rules=names)]
    if declarative:
        return "declarative", [_word("declarative", english)]
    return "not_yet", [_word("nothing", english)]


def coverage_report(packset: Any, language: str = "zh-hans",
                    url_of: Callable[[str], str | None] = lambda name: None) -> dict[str, Any]:
    """Per active pack with articles: every chapter and article with its level, features, evidence and what is
    missing; and the pack's counts by level. `url_of` turns a URL name into a link (None where it takes
    arguments)."""
    english = not language.startswith("zh")
    by_article: dict[tuple[str, int], list[Feature]] = {}
    by_chapter: dict[tuple[str, int], list[Feature]] = {}
    for f in features():
        for key in f.articles:
            by_article.setdefault(key, []).append(f)
        for key in f.chapters:
            by_chapter.setdefault(key, []).append(f)
    rules_by_article = _rules_citing()
    report: dict[str, Any] = {"levels": list(LEVELS), "packs": {}}
    for code, pack in packset.packs.items():
        if not pack.articles:
            continue
        chapter_rows: dict[int, dict[str, Any]] = {}
        for chapter in pack.chapters:
            if not chapter.chapter_level:
                continue
            declared = by_chapter.get((code, chapter.number), [])
            level, missing = _level(declared, [], False, language)
            chapter_rows[chapter.number] = {
                "number": chapter.number, "title": chapter.title_en if english else chapter.title_zh,
                "first_article": chapter.first_article, "last_article": chapter.last_article,
                "level": level, "missing": missing,
                "features": [_feature_row(f, language, url_of) for f in declared],
            }
        rows = []
        for article in pack.articles:
            chapter_row = chapter_rows.get(article.chapter)
            declared = by_article.get((code, article.number), [])
            rules = rules_by_article.get((code, article.number), [])
            if chapter_row is not None:
                level, missing, scope = chapter_row["level"], chapter_row["missing"], "chapter"
            else:
                level, missing = _level(declared, rules, article.declarative, language, (code, article.number))
                scope = "article"
            rows.append({
                "number": article.number,
                "chapter": article.chapter,
                "title": article.title_en if english else article.title_zh,
                "title_zh": article.title_zh,
                "title_en": article.title_en,
                "title_source": article.title_source,
                "declarative": article.declarative,
                "scope": scope,
                "level": level,
                "features": [_feature_row(f, language, url_of) for f in declared],
                "rules": [{"name": r[0], "summary": r[2] if english else r[1]} for r in rules],
                "missing": missing,
            })
        counts = {level: sum(1 for r in rows if r["level"] == level) for level in LEVELS}
        report["packs"][code] = {
            "name": pack.name_en if english else pack.name_zh,
            "chapters": list(chapter_rows.values()),
            "articles": rows,
            "summary": {"articles": len(rows), **counts,
                        "chapter_level": sum(1 for r in rows if r["scope"] == "chapter"),
                        "chapter_level_implemented": sum(1 for r in rows
                                                         if r["scope"] == "chapter" and r["level"] == "implemented")},
        }
    return report


def declaration_errors(packset: Any) -> list[str]:
    """Declarations that do not fit the packs: an unknown pack, article or chapter, an article claimed inside a
    chapter whose articles are known only as a whole, a chapter claimed that is not chapter-level."""
    errors = []
    for f in features():
        for pack_code, number in f.articles:
            pack = packset.packs.get(pack_code)
            if pack is None:
                continue  # a pack this deployment does not activate
            try:
                article = pack.article(number)
            except KeyError:
                errors.append(f"{f.code}: pack {pack_code} has no article {number}")
                continue
            chapter = next((c for c in pack.chapters if c.number == article.chapter), None)
            if chapter is not None and chapter.chapter_level:
                errors.append(f"{f.code}: {pack_code} art. {number} is in chapter {chapter.number}, whose articles "
                              f"are known only as a whole: declare chapters=[('{pack_code}', {chapter.number})]")
        for pack_code, number in f.chapters:
            pack = packset.packs.get(pack_code)
            if pack is None:
                continue
            chapter = next((c for c in pack.chapters if c.number == number), None)
            if chapter is None:
                errors.append(f"{f.code}: pack {pack_code} has no chapter {number}")
            elif not chapter.chapter_level:
                errors.append(f"{f.code}: {pack_code} chapter {number} has articles of their own: name them")
    return errors
