"""Which features implement which articles: declared in code, where each feature is defined.

    @implements("core.organisations", title_zh="组织登记", title_en="Organisation register",
                articles=[("suzhou", 9), ("guangdong", 12)])
    def create_organisation(...): ...

The coverage page and `manage.py coverage` join these declarations with the articles of the active packs, so the
list of what is implemented cannot drift from the code. Rule functions of the rules engine count too: a rule that
cites a pack article implements it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F")


@dataclass(frozen=True, slots=True)
class Feature:
    code: str
    title_zh: str
    title_en: str
    module: str
    articles: tuple[tuple[str, int], ...]
    url_name: str | None = None

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en


_FEATURES: dict[str, Feature] = {}


def _expand(articles: Iterable[tuple[str, int | range | Iterable[int]]]) -> tuple[tuple[str, int], ...]:
    expanded: list[tuple[str, int]] = []
    for pack, numbers in articles:
        if isinstance(numbers, int):
            expanded.append((pack, numbers))
        else:
            expanded.extend((pack, n) for n in numbers)
    return tuple(expanded)


def implements(
    code: str,
    *,
    title_zh: str,
    title_en: str,
    articles: Iterable[tuple[str, int | range | Iterable[int]]],
    url_name: str | None = None,
    module: str | None = None,
) -> Callable[[F], F]:
    """Declare a feature and the articles it implements. Usable as a decorator or called on its own."""
    feature_articles = _expand(articles)

    def register(target: F) -> F:
        owner = module or getattr(target, "__module__", "") or ""
        feature = Feature(code, title_zh, title_en, owner.removeprefix("aiplus.").split(".")[0],
                          feature_articles, url_name)
        existing = _FEATURES.get(code)
        if existing and existing.articles != feature.articles:
            raise ValueError(f"feature {code} is declared twice with different articles")
        _FEATURES[code] = feature
        return target

    return register


def declare(code: str, *, module: str, **kwargs: Any) -> Feature:
    """Declare a feature that has no single function to decorate (a page, a model)."""
    implements(code, module=module, **kwargs)(None)
    return _FEATURES[code]


def features() -> list[Feature]:
    return [_FEATURES[code] for code in sorted(_FEATURES)]


def _rule_features() -> list[Feature]:
    from aiplus.rules import rules

    found = []
    for spec in rules():
        cited = tuple((c.pack, int(c.article)) for c in spec.citations
                      if c.pack and c.article and c.article.isdigit())
        if cited:
            found.append(Feature(f"rule:{spec.name}", spec.summary_zh or spec.summary, spec.summary, "rules", cited))
    return found


def coverage_report(packset: Any, language: str = "zh-hans") -> dict[str, Any]:
    """Per active pack with articles: every article with its declarative flag and implementing features."""
    by_article: dict[tuple[str, int], list[Feature]] = {}
    for feature in [*features(), *_rule_features()]:
        for key in feature.articles:
            by_article.setdefault(key, []).append(feature)
    report: dict[str, Any] = {"packs": {}}
    for code, pack in packset.packs.items():
        if not pack.articles:
            continue
        rows = []
        for article in pack.articles:
            implemented_by = by_article.get((code, article.number), [])
            rows.append({
                "number": article.number,
                "chapter": article.chapter,
                "title": article.title_zh if language.startswith("zh") else article.title_en,
                "title_zh": article.title_zh,
                "title_en": article.title_en,
                "title_source": article.title_source,
                "declarative": article.declarative,
                "modules": list(article.modules),
                "features": [
                    {"code": f.code, "title": f.title(language), "module": f.module, "url_name": f.url_name}
                    for f in implemented_by
                ],
            })
        implemented = sum(1 for r in rows if r["features"])
        declarative = sum(1 for r in rows if r["declarative"] and not r["features"])
        report["packs"][code] = {
            "name": pack.name_zh if language.startswith("zh") else pack.name_en,
            "articles": rows,
            "summary": {"articles": len(rows), "implemented": implemented, "declarative_only": declarative,
                        "open": len(rows) - implemented - declarative},
        }
    return report
