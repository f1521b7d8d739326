"""Notices and policy documents through the API and the pages: an official publishes with a file and effective
dates, the public finds it by a Chinese word, reads it and its file, and follows it in the feeds; drafts stay
hidden; officials elsewhere and the public cannot publish."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.participation.models import Attachment, Notice

pytestmark = pytest.mark.django_db


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def test_notice_is_published_with_a_file_and_found(world: Any, place: Any, pdf_bytes: bytes) -> None:
    official = signed_in(world.user("official"))
    today = timezone.localdate()
    created = _post(official, "aiplus_participation_api_create_notice", {
        "jurisdiction_id": place("suzhou"), "kind": "policy", "title": "苏州市算力券管理办法",
        "document_number": "苏工信规〔2026〕1号", "issuer": "苏州市工业和信息化局",
        "body": "为推动算力资源普惠使用，制定本办法。", "effective_on": str(today - dt.timedelta(days=1)),
        "expires_on": str(today + dt.timedelta(days=3 * 365))})
    assert created.status_code == 201, created.content
    notice = created.json()
    assert not notice["is_published"] and notice["in_force"] is True

    # a draft is not public
    public = Client()
    assert public.get(operation("aiplus_participation_api_get_notice", notice_id=notice["id"])).status_code == 404
    assert public.get("/participation/notices/?q=算力券").content.decode().count(
        f'data-pk="{notice["id"]}"') == 0

    upload = official.post(operation("aiplus_participation_api_add_attachment", notice_id=notice["id"]),
                           {"file": SimpleUploadedFile("办法全文.pdf", pdf_bytes, "application/pdf")})
    assert upload.status_code == 201, upload.content
    assert upload.json()["content_type"] == "application/pdf"

    published = _post(official, "aiplus_participation_api_publish_notice", {"is_published": True},
                      notice_id=notice["id"])
    assert published.status_code == 200 and published.json()["is_published"]
    assert AuditEvent.objects.filter(action="participation.notice.published", object_id=str(notice["id"])).exists()

    # the public finds it by a word of its title, in the page and in the API, and downloads its file
    listed = public.get(operation("aiplus_participation_api_list_notices"), {"q": "算力券", "kind": "policy"})
    assert [row["id"] for row in listed.json()["items"]] == [notice["id"]]
    assert public.get(operation("aiplus_participation_api_list_notices"), {"q": "数据要素"}).json()["items"] == []
    page = public.get("/participation/notices/?q=算力券")
    assert f'data-pk="{notice["id"]}"' in page.content.decode()
    detail = public.get(operation("aiplus_participation_api_get_notice", notice_id=notice["id"])).json()
    assert detail["attachments"][0]["name"] == "办法全文.pdf"
    file = public.get(detail["attachments"][0]["url"])
    assert file.status_code == 200 and file.content == pdf_bytes
    assert file["Content-Disposition"].startswith("attachment")
    in_force = public.get(operation("aiplus_participation_api_list_notices"), {"in_force": "1"}).json()["items"]
    assert notice["id"] in [row["id"] for row in in_force]

    # the feeds carry it
    rss = public.get("/participation/notices/feed/rss/")
    assert rss.status_code == 200 and "苏州市算力券管理办法" in rss.content.decode()
    atom = public.get("/participation/notices/feed/atom/?kind=policy")
    assert atom.status_code == 200 and "苏州市算力券管理办法" in atom.content.decode()
    assert "苏州市算力券管理办法" not in public.get("/participation/notices/feed/rss/?kind=notice").content.decode()

    # corrected, then withdrawn: gone from the public and the feeds
    patched = official.patch(operation("aiplus_participation_api_update_notice", notice_id=notice["id"]),
                             {"issuer": "苏州市工业和信息化局（市人工智能+专项工作组）"},
                             content_type="application/json")
    assert patched.status_code == 200 and patched.json()["issuer"].endswith("专项工作组）")
    _post(official, "aiplus_participation_api_publish_notice", {"is_published": False}, notice_id=notice["id"])
    assert "苏州市算力券管理办法" not in public.get("/participation/notices/feed/rss/").content.decode()


def test_only_officials_of_the_jurisdiction_publish(world: Any, place: Any) -> None:
    payload = {"jurisdiction_id": place("suzhou"), "title": "通知"}
    before = written(Notice)
    for client in (signed_in(world.user("official", "shenzhen")), signed_in(world.user("enterprise_member")),
                   signed_in(world.user("auditor")), Client()):
        answer = _post(client, "aiplus_participation_api_create_notice", payload)
        assert answer.status_code in (401, 403), answer.content
    assert written(Notice) == before
    # a city official publishes for a district below the city
    assert _post(signed_in(world.user("official")), "aiplus_participation_api_create_notice",
                 {"jurisdiction_id": place("suzhou-sip"), "title": "园区通知"}).status_code == 201


def test_bad_notices_are_refused_naming_the_field(world: Any, place: Any, png_bytes: bytes) -> None:
    official = signed_in(world.user("official"))
    base = {"jurisdiction_id": place("suzhou"), "title": "通知"}
    before = written(Notice)
    assert_refused_naming(_post(official, "aiplus_participation_api_create_notice", {**base, "title": ""}),
                          "title")
    assert_refused_naming(_post(official, "aiplus_participation_api_create_notice",
                                {**base, "title": "x" * 201}), "title")
    assert_refused_naming(_post(official, "aiplus_participation_api_create_notice",
                                {**base, "body": "x" * 20001}), "body")
    assert_refused_naming(_post(official, "aiplus_participation_api_create_notice",
                                {**base, "kind": "decree"}), "kind")
    assert_refused_naming(_post(official, "aiplus_participation_api_create_notice",
                                {**base, "effective_on": "2026-05-01", "expires_on": "2026-04-01"}), "expires_on")
    assert_refused_naming(_post(official, "aiplus_participation_api_create_notice",
                                {**base, "title": "通\x00知"}), "title")
    assert_refused_naming(_post(official, "aiplus_participation_api_create_notice",
                                {**base, "jurisdiction_id": 99999999}), "jurisdiction_id")
    assert written(Notice) == before

    notice = _post(official, "aiplus_participation_api_create_notice", base).json()
    url = operation("aiplus_participation_api_add_attachment", notice_id=notice["id"])
    before = written(Attachment)
    # a script named .pdf, an HTML page, a truncated PDF: refused by their bytes
    for name, data in (("a.pdf", b"<script>alert(1)</script>"), ("a.html", b"<html></html>"),
                       ("b.pdf", b"%PDF-1.7\n1 0 obj"), ("c.png", png_bytes[:20])):
        answer = official.post(url, {"file": SimpleUploadedFile(name, data)})
        assert answer.status_code == 422, (name, answer.content)
        assert answer.json()["field"] == "file"
    assert written(Attachment) == before
    # a PNG named .exe is stored as what it is
    stored = official.post(url, {"file": SimpleUploadedFile("../../evil.exe", png_bytes)}).json()
    assert stored["content_type"] == "image/png" and stored["name"] == "evil.exe.png"


def test_a_file_over_the_upload_limit_is_refused_413(world: Any, place: Any, settings: Any) -> None:
    settings.AIPLUS_IMPORT_MAX_BYTES = 1024
    official = signed_in(world.user("official"))
    notice = _post(official, "aiplus_participation_api_create_notice",
                   {"jurisdiction_id": place("suzhou"), "title": "通知"}).json()
    before = written(Attachment)
    answer = official.post(operation("aiplus_participation_api_add_attachment", notice_id=notice["id"]),
                           {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 4096)})
    assert answer.status_code == 413 and answer.json()["field"] == "file"
    page = official.post(f"/participation/notices/{notice['id']}/",
                         {"action": "attach", "file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 4096)})
    assert page.status_code == 413
    assert written(Attachment) == before


def test_markup_is_text_in_pages_and_feeds(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    notice = _post(official, "aiplus_participation_api_create_notice", {
        "jurisdiction_id": place("suzhou"), "title": hostile, "body": hostile, "is_published": True}).json()
    public = Client()
    for url in (f"/participation/notices/{notice['id']}/", "/participation/notices/", "/"):
        html = public.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
    for url in ("/participation/notices/feed/rss/", "/participation/notices/feed/atom/"):
        xml = public.get(url).content.decode()
        assert "<script>" not in xml and "&lt;script&gt;" not in xml.replace("&amp;lt;script&amp;gt;", ""), url


def test_export_is_safe_from_formula_injection(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    _post(official, "aiplus_participation_api_create_notice", {
        "jurisdiction_id": place("suzhou"), "title": '=HYPERLINK("http://evil","x")', "is_published": True})
    csv = Client().get("/participation/notices/?export=csv").content.decode("utf-8-sig")
    assert '=HYPERLINK' not in csv.replace("'=HYPERLINK", "")


def test_notice_published_through_the_page(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    answer = official.post("/participation/notices/", {
        "action": "create", "notice-jurisdiction": "suzhou", "notice-kind": "notice",
        "notice-title": "关于举办人工智能沙龙的通知", "notice-body": "欢迎参加。", "notice-is_published": "on"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    notice = Notice.objects.get(title="关于举办人工智能沙龙的通知")
    assert notice.is_published and notice.published_by == world.user("official")
    refused = official.post("/participation/notices/", {"action": "create", "notice-jurisdiction": "suzhou",
                                                        "notice-kind": "notice", "notice-title": ""})
    assert refused.status_code == 400
    # the public sees no form
    assert 'data-testid="notice-form"' not in Client().get("/participation/notices/").content.decode()
