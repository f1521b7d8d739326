"""One error format everywhere: {"code", "message", "field"}, the message in the request's language; a fault of
ours is {"code": "server_error"} with no traceback. Paths under /api/ that match no operation get the same format
from aiplus.portal.errors (the project's handler404/500)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import signals
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.log import log_response
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from aiplus.core.errors import ServiceError


def _field_of(location: Any) -> str | None:
    # Pydantic locations look like ("body", "payload", "credit_code"): the last string part after the location and
    # the payload's name names the field (a field may itself be called "body").
    parts = [str(p) for p in location if not isinstance(p, int)]
    if parts and parts[0] in {"body", "query", "path", "form", "file"}:
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return parts[-1] if parts else None


# Pydantic's error kinds in the request's language (pydantic's own messages are English only); a kind not listed
# here reads as "值无效" rather than leaking an English sentence into a Chinese answer.
KIND_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("缺少必填字段。"),
    "json_invalid": gettext_lazy("请求体不是有效的 JSON。"),
    "extra_forbidden": gettext_lazy("不接受此字段。"),
    "string_too_long": gettext_lazy("最多 %(max_length)s 个字符。"),
    "string_too_short": gettext_lazy("至少 %(min_length)s 个字符。"),
    "too_long": gettext_lazy("最多 %(max_length)s 项。"),
    "too_short": gettext_lazy("至少 %(min_length)s 项。"),
    "string_type": gettext_lazy("须为文本。"),
    "int_parsing": gettext_lazy("须为整数。"),
    "int_type": gettext_lazy("须为整数。"),
    "int_from_float": gettext_lazy("须为整数。"),
    "float_parsing": gettext_lazy("须为数字。"),
    "float_type": gettext_lazy("须为数字。"),
    "decimal_parsing": gettext_lazy("须为数字。"),
    "decimal_type": gettext_lazy("须为数字。"),
    "finite_number": gettext_lazy("须为有限的数字。"),
    "decimal_max_digits": gettext_lazy("数字位数过多（最多 %(max_digits)s 位）。"),
    "decimal_max_places": gettext_lazy("小数最多 %(decimal_places)s 位。"),
    "decimal_whole_digits": gettext_lazy("整数部分位数过多（最多 %(whole_digits)s 位）。"),
    "less_than_equal": gettext_lazy("不能大于 %(le)s。"),
    "less_than": gettext_lazy("须小于 %(lt)s。"),
    "greater_than_equal": gettext_lazy("不能小于 %(ge)s。"),
    "greater_than": gettext_lazy("须大于 %(gt)s。"),
    "bool_parsing": gettext_lazy("须为 true 或 false。"),
    "bool_type": gettext_lazy("须为 true 或 false。"),
    "date_parsing": gettext_lazy("须为日期（YYYY-MM-DD）。"),
    "date_type": gettext_lazy("须为日期（YYYY-MM-DD）。"),
    "date_from_datetime_parsing": gettext_lazy("须为日期（YYYY-MM-DD）。"),
    "datetime_parsing": gettext_lazy("须为日期时间（ISO 8601）。"),
    "datetime_type": gettext_lazy("须为日期时间（ISO 8601）。"),
    "literal_error": gettext_lazy("须为以下之一：%(expected)s。"),
    "enum": gettext_lazy("须为以下之一：%(expected)s。"),
    "list_type": gettext_lazy("须为列表。"),
    "dict_type": gettext_lazy("须为对象。"),
    "model_type": gettext_lazy("须为对象。"),
    "model_attributes_type": gettext_lazy("须为对象。"),
    "url_parsing": gettext_lazy("须为有效的网址。"),
    "url_scheme": gettext_lazy("须为 http 或 https 网址。"),
    "string_pattern_mismatch": gettext_lazy("格式不符合要求。"),
    "unknown_country": gettext_lazy(
        "找不到国家或地区“%(value)s”：请填写中文名、英文名或两位代码（如 德国、Germany、DE）。"),
}
INVALID = gettext_lazy("值无效。")


def describe(kind: str, context: dict[str, Any]) -> str:
    """The problem of one pydantic error kind in the active language, with its limits filled in."""
    template = KIND_MESSAGES.get(kind)
    if template is None:
        return str(INVALID)
    try:
        return str(template) % {key: str(value) for key, value in context.items()}
    except (KeyError, TypeError, ValueError):
        return str(INVALID)


# Errors whose reply says the same whatever the exception carries: (exception, status, code, message).
FIXED_REPLIES: list[tuple[type[Exception], int, str, Any]] = [
    (AuthenticationError, 401, "unauthenticated", gettext_lazy("请先登录或提供有效的接口令牌。")),
    (PermissionDenied, 403, "permission_denied", gettext_lazy("您没有执行此操作的权限。")),
    (Http404, 404, "not_found", gettext_lazy("记录不存在或您无权查看。")),
    (RequestDataTooBig, 413, "too_large", gettext_lazy("请求体过大。")),
    # a number (a path or query parameter) beyond what the database holds: bad input, not a fault of ours
    (OverflowError, 422, "out_of_range", gettext_lazy("数值超出允许范围。")),
    # the database refused a value (out of range, too long): the transaction was rolled back, nothing written
    (DataError, 422, "invalid_value", gettext_lazy("数值超出允许范围或格式无效。")),
]

def install(api: NinjaAPI) -> None:
    def reply(request: HttpRequest, status: int, code: str, message: str, field: str | None,
              **extra: Any) -> HttpResponse:
        return api.create_response(request, {"code": code, "message": message, "field": field, **extra},
                                   status=status)

    @api.exception_handler(ServiceError)
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        # a refused import also carries its report: every rejected row with its number, field and reason
        report = getattr(exc, "report", None)
        extra = {"report": report.as_dict()} if report is not None else {}
        return reply(request, exc.status, exc.code, str(exc.message), exc.field, **extra)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = _field_of(first.get("loc", ()))
        kind = first.get("type", "invalid")
        detail = describe(kind, first.get("ctx") or {})
        if kind == "value_error" and (get_language() or "").startswith("en"):
            # the platform's own validators explain themselves in English; the Chinese reader gets "值无效"
            detail = str(first.get("msg", "")).removeprefix("Value error, ") or detail
        message = _("字段“%(field)s”无效：%(detail)s") % {"field": field or "-", "detail": detail}
        return reply(request, 422, kind, message, field)

    def fixed_reply(status: int, code: str, message: Any) -> Callable[[HttpRequest, Any], HttpResponse]:
        def handler(request: HttpRequest, exc: Any) -> HttpResponse:
            return reply(request, status, code, str(message), None)

        return handler

    for exception, status, code, message in FIXED_REPLIES:
        api.add_exception_handler(exception, fixed_reply(status, code, message))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, ServiceError):  # the body parser's refusal (api.parser), named as raised
            return service_error(request, exc.__cause__)
        if exc.status_code == 400 and exc.__cause__ is not None:  # a body that is not JSON, or nested too deep
            return reply(request, 400, "json_invalid", _("请求体不是有效的 JSON。"), None)
        return reply(request, exc.status_code, "http_error", str(exc), None)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Anything else is a fault of ours: the client gets the one format, never a traceback (ninja's own handler
        # would send one as text with DEBUG on, and leave the rest to Django's HTML page). The traceback goes to the
        # django.request log as Django logs an unhandled exception, and got_request_exception is sent as Django
        # sends it (the test client re-raises the exception from it).
        signals.got_request_exception.send(sender=None, request=request)
        response = reply(request, 500, "server_error", _("服务器内部错误，已记录。请稍后再试。"), None)
        log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request,
                     exception=exc)
        return response
