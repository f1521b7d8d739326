"""Application documents uploaded as files and checked by their bytes (pypdf, Pillow), never their names: a real
PDF is kept and served as a download to who may read the application; an empty, fake, damaged or wrong-type file is
recorded with its reason and counts as missing in the formal check's one notice; over the upload limit is a 413
with nothing kept. Through the page and the API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aiplus.core.testing import operation, signed_in
from aiplus.support import services
from aiplus.support.models import Application, Document

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def draft(world: Any) -> Application:
    official, member = world.user("official"), world.user("enterprise_member")
    services.open_budget(acting_user=official, programme_code="suzhou.major_rd", year=timezone.localdate().year)
    return services.create_application(acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk,
                                       programme_code="suzhou.major_rd", title="工业大模型研发",
                                       declared_cny="30000000")


def _upload(client: Any, pk: int, code: str, name: str, data: bytes) -> Any:
    return client.post(f"/support/applications/{pk}/", {"action": "document", "code": code,
                                                         "file": SimpleUploadedFile(name, data)})


def test_files_are_checked_by_their_bytes_and_bad_ones_count_as_missing(world: Any, draft: Application) -> None:
    member = signed_in(world.user("enterprise_member"))
    url = f"/support/applications/{draft.pk}/"
    page = member.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    # a text file named .pdf, for the proposal (PDF only): recorded with its reason, no bytes kept
    assert _upload(member, draft.pk, "proposal", "../../etc/申报书.pdf", b"not a pdf at all").status_code == 302
    fake = Document.objects.get(application=draft, code="proposal")
    assert fake.problem and fake.data in (b"", memoryview(b"")) and fake.content_type == ""
    assert "/" not in fake.reference and fake.reference == "申报书.pdf"
    # an empty file for the budget plan: the page's form refuses it beside its field; the API records it
    empty = _upload(member, draft.pk, "budget_plan", "budget.pdf", b"")
    assert empty.status_code == 400 and 'data-field="file"' in empty.content.decode()
    assert member.post(operation("aiplus_support_api_upload_document", application_id=draft.pk), {
        "code": "budget_plan", "file": SimpleUploadedFile("budget.pdf", b"")}).status_code == 200
    assert "空" in Document.objects.get(application=draft, code="budget_plan").problem["zh"]
    html = member.get(url).content.decode()
    assert html.count('data-testid="document-problem"') == 2
    services.submit_application(acting_user=world.user("enterprise_member"), application_id=draft.pk)
    services.examine_application(acting_user=world.user("official"), application_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == "incomplete"
    notice = " ".join(m["zh"] for m in draft.missing_notice)
    assert "项目申报书（不是可读取的" in notice and "研发预算表（文件为空）" in notice
    # a PNG is a real image, but the proposal takes PDF only; a truncated PDF is damaged
    assert _upload(member, draft.pk, "proposal", "p.png", png_bytes()).status_code == 302
    assert "PDF" in Document.objects.get(application=draft, code="proposal").problem["zh"]
    assert _upload(member, draft.pk, "proposal", "p.pdf", pdf_bytes()[:40]).status_code == 302
    assert Document.objects.get(application=draft, code="proposal").problem
    # the real files: kept, served as downloads to the official, never to another organisation
    assert _upload(member, draft.pk, "proposal", "申报书.pdf", pdf_bytes()).status_code == 302
    assert _upload(member, draft.pk, "budget_plan", "预算表", png_bytes()).status_code == 302
    proposal = Document.objects.get(application=draft, code="proposal")
    assert proposal.problem == {} and proposal.content_type == "application/pdf" and len(proposal.sha256) == 64
    assert Document.objects.get(application=draft, code="budget_plan").reference == "预算表.png"
    download = signed_in(world.user("official")).get(f"{url}documents/proposal/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    assert bytes(download.content).startswith(b"%PDF-")
    stranger = signed_in(world.user("enterprise_member", "shenzhen"))
    assert stranger.get(f"{url}documents/proposal/").status_code == 404
    assert member.get(f"{url}documents/nothing/").status_code == 404
    services.submit_application(acting_user=world.user("enterprise_member"), application_id=draft.pk)
    services.examine_application(acting_user=world.user("official"), application_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == "accepted"


def test_hostile_uploads_are_refused_with_nothing_written(world: Any, draft: Application, settings: Any) -> None:
    member = signed_in(world.user("enterprise_member"))
    settings.AIPLUS_IMPORT_MAX_BYTES = 1024
    big = _upload(member, draft.pk, "proposal", "big.pdf", b"%PDF-" + b"0" * 4096)
    assert big.status_code == 413 and 'data-field="file"' in big.content.decode()
    assert not Document.objects.exists()
    unknown = _upload(member, draft.pk, "not_a_document", "a.pdf", pdf_bytes()[:10])
    assert unknown.status_code == 400 and 'data-field="code"' in unknown.content.decode()
    no_file = member.post(f"/support/applications/{draft.pk}/", {"action": "document", "code": "proposal"})
    assert no_file.status_code == 400 and 'data-field="file"' in no_file.content.decode()
    # someone outside the applicant cannot upload
    official = signed_in(world.user("official"))
    assert _upload(official, draft.pk, "proposal", "a.pdf", b"x").status_code in (400, 403)
    assert not Document.objects.exists()


def test_the_api_uploads_and_reports_the_reason(world: Any, draft: Application, settings: Any) -> None:
    member = signed_in(world.user("enterprise_member"))
    path = operation("aiplus_support_api_upload_document", application_id=draft.pk)
    good = member.post(path, {"code": "proposal", "file": SimpleUploadedFile("p.pdf", pdf_bytes())})
    assert good.status_code == 200, good.content
    body = good.json()
    proposal = next(d for d in body["documents"] if d["code"] == "proposal")
    assert proposal["content_type"] == "application/pdf" and proposal["problem"] == {}
    bad = member.post(path, {"code": "budget_plan", "file": SimpleUploadedFile("b.pdf", b"<html><script>")})
    assert bad.status_code == 200
    plan = next(d for d in bad.json()["documents"] if d["code"] == "budget_plan")
    assert plan["problem"]["en"] and plan["content_type"] == ""
    assert member.post(path, {"code": "nope", "file": SimpleUploadedFile("p.pdf", pdf_bytes())}).status_code == 400
    settings.AIPLUS_IMPORT_MAX_BYTES = 1024
    assert member.post(path, {"code": "proposal",
                              "file": SimpleUploadedFile("p.pdf", b"0" * 4096)}).status_code == 413
    other = signed_in(world.user("enterprise_member", "shenzhen"))
    assert other.post(path, {"code": "proposal", "file": SimpleUploadedFile("p.pdf", pdf_bytes())}
                      ).status_code in (403, 404)
