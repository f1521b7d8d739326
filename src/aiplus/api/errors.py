"""One error format everywhere: {"code", "message", "field"}, the message in the request's language; a fault of
ours is {"code": "server_error"} with no traceback. Paths under /api/ that match no operation get the same format
from aiplus.portal.errors (the project's handler404/500)."""

from __future__ import annotations

from typing import Any

from django.core import signals
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.log import log_response
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from aiplus.core.errors import ServiceError


def _field_of(location: Any) -> str | None:
    # Pydantic locations look like ("body", "payload", "credit_code"): the last string part names the field.
    parts = [str(p) for p in location if not isinstance(p, int) and p not in {"body", "query", "path", "payload"}]
    return parts[-1] if parts else None


def install(api: NinjaAPI) -> None:
    def reply(request: HttpRequest, status: int, code: str, message: str, field: str | None) -> HttpResponse:
        return api.create_response(request, {"code": code, "message": message, "field": field}, status=status)

    @api.exception_handler(ServiceError)
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return reply(request, exc.status, exc.code, str(exc.message), exc.field)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = _field_of(first.get("loc", ()))
        kind = first.get("type", "invalid")
        messages = {
            "missing": _("缺少必填字段。"),
            "json_invalid": _("请求体不是有效的 JSON。"),
        }
        detail = messages.get(kind) or first.get("msg", "")
        message = _("字段“%(field)s”无效：%(detail)s") % {"field": field or "-", "detail": detail}
        return reply(request, 422, kind, message, field)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return reply(request, 401, "unauthenticated", _("请先登录或提供有效的接口令牌。"), None)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return reply(request, 403, "permission_denied", _("您没有执行此操作的权限。"), None)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return reply(request, 404, "not_found", _("记录不存在或您无权查看。"), None)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
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
