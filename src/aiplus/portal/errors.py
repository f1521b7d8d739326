"""The error pages: 403, 404 and 500 in the visitor's language, never with URL patterns, settings or a traceback
(those are for DEBUG, which only `make dev` turns on). Under /api/ the answer is the API's one error format,
{"code", "message", "field"}, instead of a page. Installed as handler400/403/404/500 in aiplus/urls.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": None}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return api_error("bad_request", _("请求无效。"), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return api_error("permission_denied", _("您没有执行此操作的权限。"), 403)
    return defaults.permission_denied(request, exception)  # 403.html


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return api_error("not_found", _("接口或记录不存在。"), 404)
    return defaults.page_not_found(request, exception)  # 404.html; the exception (tried patterns) is never shown


def server_error(request: HttpRequest) -> HttpResponse:
    """Something failed: the page says so with the request id (the log has the traceback under it). It is rendered
    without the site's context processors, which may be what failed (the database, for one)."""
    if _is_api(request):
        return api_error("server_error", _("服务器内部错误，已记录。请稍后再试。"), 500)
    context: dict[str, Any] = {"request_id": getattr(request, "request_id", ""), "stylesheet": _stylesheet()}
    return HttpResponse(loader.get_template("500.html").render(context), status=500)


def _stylesheet() -> str | None:
    try:
        return static("aiplus/site.css")
    except Exception:  # a missing manifest must not turn the error page into another error
        return None
