"""The API's JSON parser: the body as ninja's parser reads it, refused (422, naming the field) when it holds what
no field of the platform can store — a lone surrogate (no database encodes it; PostgreSQL fails the write), an
integer outside the 64-bit range the databases hold, or nesting deeper than any payload of the platform needs. The
check is the file imports' own (`aiplus.core.imports.check_value`), so a body and an imported file meet one rule.

A number with a fraction or an exponent is read as the Decimal it is written as, never as a binary double: 10.005
stays 10.005 (and is refused where money keeps two decimals, core.domains) instead of becoming 10.004999…, and
99999999999999.985 is not silently rounded to a neighbour that happens to fit."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import cast

from django.http import HttpRequest
from ninja.parser import Parser
from ninja.types import DictStrAny

from aiplus.core.imports import INT64, MAX_DEPTH, check_value

__all__ = ["INT64", "MAX_DEPTH", "BoundedJsonParser", "check_value"]


class BoundedJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = json.loads(request.body, parse_float=Decimal)
        check_value(data)
        return cast(DictStrAny, data)
