
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Router, Schema

from aiplus.core.errors import NotFoundError
from aiplus.regulation import selectors

router = Router(tags=["regulation"])


class PackOut(Schema):
    code: str
    name_zh: str
    name_en: str
    extends: list[str]
    jurisdiction: str
    version: str
    status: str
    effective_date: dt.date | None
    articles: int
    content_hash: str


class ParameterOut(Schema):
    key: str
    value: Any
    unit: str
    status: str
    effective_from: dt.date
    effective_to: dt.date | None
    citation: dict[str, Any]
    citation_label: str
    pack: str


@router.get("/packs", response=list[PackOut])
def list_packs(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.packs()


@router.get("/packs/{code}/articles")
def list_articles(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    articles = selectors.articles(code)
    if articles is None:
        raise NotFoundError()
    return articles


@router.get("/parameters", response=list[ParameterOut])
def list_parameters(request: HttpRequest, on: dt.date | None = None, prefix: str = "") -> list[dict[str, Any]]:
    return selectors.parameters(on or timezone.localdate(), prefix=prefix)


@router.get("/coverage")
def coverage(request: HttpRequest) -> dict[str, Any]:
    return selectors.coverage(get_language() or "zh-hans")
