"""Error pages as served in production (DEBUG off): 403, 404 and 500 in Chinese and English, with no URL patterns,
settings or traceback; under /api/ the API's one error format, {"code", "message", "field"}, a fault of ours as
"server_error" with no traceback."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

pytestmark = pytest.mark.django_db

SECRET = "a-detail-only-the-log-may-see"


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


def _refuses(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(SECRET)


# A URLconf with the project's own patterns and error handlers, plus views that fail.
urlpatterns = [
    path("broken/", _fails),
    path("forbidden/", _refuses),
    path("api/v1/broken-outside-ninja/", _fails),
    path("", include("aiplus.urls")),
]
handler400 = "aiplus.portal.errors.bad_request"
handler403 = "aiplus.portal.errors.permission_denied"
handler404 = "aiplus.portal.errors.page_not_found"
handler500 = "aiplus.portal.errors.server_error"

# What Django's DEBUG pages show: the traceback, the URL patterns it tried, the settings.
LEAKS = ("Traceback", "urlpatterns", "URLconf", "The current path", "SECRET_KEY", "DEBUG = True", SECRET)


def _no_leak(body: str) -> None:
    for leak in LEAKS:
        assert leak not in body, leak


def test_the_project_installs_the_error_handlers():
    from aiplus import urls

    assert (urls.handler400, urls.handler403, urls.handler404, urls.handler500) == (
        handler400, handler403, handler404, handler500)


@override_settings(DEBUG=False)
def test_a_missing_page_is_a_404_page_in_chinese_and_english(client, english):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'data-status="404"' in body and "页面不存在" in body and "返回首页" in body
    assert 'class="site-header"' in body  # the site's own shell, with its navigation
    _no_leak(body)

    response = english.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Back to the home page" in body and 'lang="en"' in body
    _no_leak(body)


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_refusal_is_a_403_page_in_chinese_and_english(english):
    body = Client().get("/forbidden/").content.decode()
    assert "无权访问" in body and 'data-status="403"' in body
    _no_leak(body)
    response = english.get("/forbidden/")
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_fault_is_a_standalone_500_page_with_the_request_id_and_no_traceback(english):
    response = Client(raise_request_exception=False).get("/broken/", HTTP_X_REQUEST_ID="support-1234")
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器出错" in body and "support-1234" in body and 'data-status="500"' in body
    assert "<script" not in body
    _no_leak(body)

    english.raise_request_exception = False
    body = english.get("/broken/").content.decode()
    assert "Server error" in body and 'lang="en"' in body
    _no_leak(body)


@override_settings(DEBUG=False)
def test_an_unknown_api_path_is_a_404_in_the_api_format(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found", "message": "接口或记录不存在。", "field": None}

    response = client.get("/api/v1/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "No such API endpoint or record."


@pytest.mark.parametrize("debug", [False, True])
def test_a_fault_in_an_api_operation_is_a_500_in_the_api_format_without_traceback(monkeypatch, debug, caplog):
    from aiplus.regulation import api as regulation_api

    def broken() -> None:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(regulation_api.selectors, "packs", broken)
    with override_settings(DEBUG=debug):
        response = Client(raise_request_exception=False).get("/api/v1/regulation/packs",
                                                             HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": "Internal server error; it has been logged. "
                               "Please try again later.", "field": None}
    _no_leak(response.content.decode())
    # the traceback is in the log, for the operator
    assert any(record.exc_info and SECRET in str(record.exc_info[1]) for record in caplog.records)


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_fault_under_api_outside_an_operation_is_a_500_in_the_api_format():
    response = Client(raise_request_exception=False).get("/api/v1/broken-outside-ninja/")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": "服务器内部错误，已记录。请稍后再试。",
                                "field": None}
