"""The API's JSON parser: the body as ninja's parser reads it, refused (422, naming the field) when it holds what
no field of the platform can store — a lone surrogate (no database encodes it; PostgreSQL fails the write), an
integer outside the 64-bit range the databases hold, or nesting deeper than any payload of the platform needs.

A number with a fraction or an exponent is read as the Decimal it is written as, never as a binary double: 10.005
stays 10.005 (and is refused where money keeps two decimals, core.domains) instead of becoming 10.004999…, and
99999999999999.985 is not silently rounded to a neighbour that happens to fit."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.parser import Parser
from ninja.types import DictStrAny

from aiplus.core.errors import ServiceError

INT64 = 2**63 - 1
MAX_DEPTH = 32  # the deepest payload the platform accepts (a DCAT document travels as a file, not as a body)


def _path(parts: list[str]) -> str | None:
    return parts[-1] if parts else None


def check_value(value: Any, parts: list[str] | None = None) -> None:
    """Raise a ServiceError naming the field of the first value no field can hold."""
    parts = parts or []
    if len(parts) > MAX_DEPTH:
        raise ServiceError("too_deep", _("请求体嵌套过深。"), _path(parts), status=422)
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > INT64:
            raise ServiceError("out_of_range", _("数值超出允许范围。"), _path(parts), status=422)
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ServiceError("invalid_text", _("文本含有无效字符（孤立的代理码位）。"), _path(parts),
                               status=422) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(key, parts)
            check_value(item, [*parts, str(key)])
    elif isinstance(value, list):
        for item in value:
            check_value(item, [*parts, parts[-1] if parts else ""])


class BoundedJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = json.loads(request.body, parse_float=Decimal)
        check_value(data)
        return cast(DictStrAny, data)
