from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from aiplus.regulation.runtime import active_packs
from aiplus.regulation.selectors import coverage

MARKS = {"implemented": "✓", "partial": "~", "declarative": "·", "not_yet": " "}


class Command(BaseCommand):
    help = ("Every article of the active packs with its level (implemented, partial, declarative, not_yet), the "
            "features that implement it and their evidence; --verify checks that evidence exists.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
        parser.add_argument("--verify", action="store_true",
                            help="check every page URL name, API operation id and test node id the features name")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"]:
            from aiplus.regulation.evidence import verify

            errors = verify(active_packs())
            if errors:
                raise CommandError("coverage evidence does not hold:\n  " + "\n  ".join(errors))
            self.stdout.write("coverage evidence holds: every page, API operation and test named exists")
            return
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
                              f"{summary['implemented']} implemented ({summary['chapter_level_implemented']} at "
                              f"chapter level), {summary['partial']} partial, {summary['declarative']} declarative, "
                              f"{summary['not_yet']} not yet")
            for chapter in pack["chapters"]:
                self.stdout.write(f"  {MARKS[chapter['level']]} chapter {chapter['number']} {chapter['title']} "
                                  f"(arts. {chapter['first_article']}–{chapter['last_article']}, chapter level): "
                                  + ", ".join(f["code"] for f in chapter["features"]))
                for missing in chapter["missing"] if chapter["level"] in ("implemented", "partial") else ():
                    self.stdout.write(f"        - {missing}")
            for article in pack["articles"]:
                features = ", ".join(f["code"] for f in article["features"])
                if article["scope"] == "chapter":
                    features = f"(chapter {article['chapter']})"
                title = article["title"]
                if article.get("title_source") == "inferred-from-explanation":
                    title = f"{title}{inferred}"
                self.stdout.write(f"  {MARKS[article['level']]} {article['number']:>3} {title}  {features}")
                shown = article["scope"] == "article" and article["level"] in ("implemented", "partial")
                for missing in article["missing"] if shown else ():
                    self.stdout.write(f"        - {missing}")
