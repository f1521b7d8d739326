"""The regulation's pages: coverage of the articles, parameters and the glossary, open to everyone (the departments and
their duties are the departments app's pages, /departments/)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aiplus.core.routing import Routes
from aiplus.regulation import selectors
from aiplus.regulation.runtime import active_packs

route = Routes("regulation")

# How each coverage level reads (aiplus.regulation.coverage computes the level from evidence).
LEVEL_LABELS = {"implemented": _("已实现"), "partial": _("部分实现"), "declarative": _("宣示性"),
                "not_yet": _("尚未实现")}


def _language() -> str:
    return get_language() or "zh-hans"


@route("coverage/", "coverage", menu=_("条款覆盖"), order=90)
def coverage(request: HttpRequest) -> HttpResponse:
    report = selectors.coverage(_language())
    pack = request.GET.get("pack", "")
    pack = pack if pack in report["packs"] else ""
    level = request.GET.get("level", "")
    level = level if level in report["levels"] else ""
    packs = {code: data for code, data in report["packs"].items() if not pack or code == pack}
    if level:
        packs = {code: {**data, "articles": [a for a in data["articles"] if a["level"] == level],
                        "chapters": [c for c in data["chapters"] if c["level"] == level]}
                 for code, data in packs.items()}
    context = {"report": report, "packs": packs, "selected_pack": pack, "selected_level": level,
               "level_labels": LEVEL_LABELS}
    template = "regulation/partials/coverage_table.html" if request.htmx else "regulation/coverage.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@route("parameters/", "parameters", menu=_("参数"), order=91)
def parameters(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    prefix = request.GET.get("prefix", "")
    return render(request, "regulation/parameters.html",
                  {"parameters": selectors.parameters(on, prefix=prefix), "on": on, "prefix": prefix})


@route("glossary/", "glossary", menu=_("术语"), order=93)
def glossary(request: HttpRequest) -> HttpResponse:
    terms = [(code, term) for code, pack in active_packs().packs.items() for term in pack.glossary]
    return render(request, "regulation/glossary.html", {"terms": terms})
