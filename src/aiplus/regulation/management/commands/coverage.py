from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from aiplus.regulation.selectors import coverage


class Command(BaseCommand):
    help = "List every article of the active packs with the features that implement it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            report = coverage(options["language"])
            # an article title read off the drafting explanation is never shown as the regulation's own
            inferred = translation.gettext("（据起草说明推断）")
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for code, pack in report["packs"].items():
            summary = pack["summary"]
            self.stdout.write(f"{code} {pack['name']}: {summary['articles']} articles, "
                              f"{summary['implemented']} implemented, {summary['declarative_only']} declarative, "
                              f"{summary['open']} open")
            for article in pack["articles"]:
                mark = "✓" if article["features"] else ("·" if article["declarative"] else " ")
                features = ", ".join(f["code"] for f in article["features"])
                title = article["title"]
                if article.get("title_source") == "inferred-from-explanation":
                    title = f"{title}{inferred}"
                self.stdout.write(f"  {mark} {article['number']:>3} {title}  {features}")
