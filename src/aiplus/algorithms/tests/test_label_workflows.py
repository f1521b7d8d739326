"""AIGC labels at a distribution platform, as workflows: an upload check (a labelled file gets the notice and the
platform's propagation fields, a declared one is labelled "possibly", a detected one "suspected" and reviewed,
anything else reviewed; a tampered label is not trusted) and the provider's log of content handed out without its
explicit label (refused without the user agreement's duty; kept for the pack's retention period). Real files
made with the real libraries; pages and API."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aiplus.algorithms import aigc, labels, services
from aiplus.algorithms.labels.samples import make
from aiplus.algorithms.labels.sniff import Format
from aiplus.algorithms.models import ReviewOutcome, UnlabelledExport, UploadCheck
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import AuditEvent
from aiplus.core.models.base import AppendOnlyError
from aiplus.core.testing import bearer, operation, signed_in

pytestmark = pytest.mark.django_db

PRODUCER = labels.ImplicitLabel.first_write("1", "ACME-AI-001", "content-42")


def _upload(data: bytes, name: str = "picture.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def platform_member(world):
    return world.user("enterprise_member")


@pytest.fixture
def colleague(world, company):
    """A second member of the same organisation (the reviewer)."""
    from aiplus.core.models import RoleAssignment, User

    user = User.objects.create_user(username="suzhou-reviewer", password="x" * 16, display_name="复核员")
    RoleAssignment.objects.create(user=user, role="enterprise_member", organisation=company, active=True)
    return user


def _read_back(data: bytes, tmp_path, name: str = "back.png") -> labels.VerifyResult:
    path = tmp_path / name
    path.write_bytes(data)
    return labels.verify(path, aigc.label_values(), key=None)


def test_each_upload_gets_its_action_and_the_platform_as_propagator(platform_member, company, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    labelled = make(Format.PNG, tmp_path, name="labelled", seed=1)
    labels.write(labelled, PRODUCER, aigc.label_values())
    check, data = services.check_upload(acting_user=platform_member, upload=_upload(labelled.read_bytes()),
                                        propagate_id="post-1")
    assert check.action == "notice" and check.review == "" and check.found_status == "valid"
    back = _read_back(data, tmp_path)
    assert back.label.ContentProducer == "ACME-AI-001"
    assert back.label.ContentPropagator == services.propagator_code(company)
    assert back.label.PropagateID == "post-1" and back.status.value == "valid"  # the producer's seal still holds

    plain = make(Format.JPEG, tmp_path, name="plain", seed=2)
    declared, data = services.check_upload(acting_user=platform_member, upload=_upload(plain.read_bytes(), "p.jpg"),
                                           declared_generated=True, propagate_id="post-2")
    assert declared.action == "possibly" and declared.review == "" and declared.label["Label"] == "2"
    assert _read_back(data, tmp_path, "b.jpg").label.Label == "2"

    detected, data = services.check_upload(acting_user=platform_member, upload=_upload(plain.read_bytes(), "p.jpg"),
                                           detected=True)
    assert detected.action == "suspected" and detected.review == ReviewOutcome.PENDING and data is not None
    nothing, data = services.check_upload(acting_user=platform_member, upload=_upload(plain.read_bytes(), "p.jpg"))
    assert nothing.action == "review" and nothing.review == ReviewOutcome.PENDING and data is None
    assert nothing.file_sha256 == declared.file_sha256 and len(nothing.file_sha256) == 64

    # a label copied onto other pixels is tampered: not trusted, the upload is reviewed
    other = make(Format.PNG, tmp_path, name="other", seed=9)
    sealed = labels.verify(labelled, aigc.label_values()).label
    labels.write(other, sealed, aigc.label_values(), seal=False)
    with django_capture_on_commit_callbacks(execute=True):
        forged, _data = services.check_upload(acting_user=platform_member, upload=_upload(other.read_bytes()))
    assert forged.found_status == "tampered" and forged.review == ReviewOutcome.PENDING
    # ... and it is a platform signal at the incident desk, located where the platform is, opened once
    from aiplus.governance.models import Incident

    signalled = Incident.objects.get(signal="label_tamper")
    assert signalled.signal_reference == f"algorithms.upload_check:{forged.pk}"
    assert signalled.jurisdiction_id == forged.jurisdiction_id and forged.file_sha256 in signalled.description
    assert AuditEvent.objects.filter(action="algorithms.upload.checked").count() == 5


def test_review_is_by_another_member_and_hostile_input_is_refused(world, platform_member, colleague, tmp_path):
    plain = make(Format.PNG, tmp_path, name="plain", seed=3)
    check, _data = services.check_upload(acting_user=platform_member, upload=_upload(plain.read_bytes()))
    with pytest.raises(PermissionDeniedError):  # nobody reviews their own check
        services.review_upload(acting_user=platform_member, check_id=check.pk, outcome="generated")
    with pytest.raises(PermissionDeniedError):  # an official reads, never decides for the platform
        services.review_upload(acting_user=world.user("official"), check_id=check.pk, outcome="generated")
    with pytest.raises(NotFoundError):
        services.review_upload(acting_user=world.user("enterprise_member", "shenzhen"), check_id=check.pk,
                               outcome="generated")
    for outcome, note, field in (("pending", "", "outcome"), ("maybe", "", "outcome"),
                                 ("generated", "x" * 2001, "note")):
        with pytest.raises(ServiceError) as refused:
            services.review_upload(acting_user=colleague, check_id=check.pk, outcome=outcome, note=note)
        assert refused.value.field == field
    done = services.review_upload(acting_user=colleague, check_id=check.pk, outcome="not_generated", note="实拍")
    assert done.review == "not_generated" and done.reviewed_by == colleague
    with pytest.raises(ServiceError):  # decided once
        services.review_upload(acting_user=colleague, check_id=check.pk, outcome="generated")
    before = UploadCheck.objects.count()
    for upload, field in ((_upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20), "file"), (None, "file"),
                          (_upload(b""), "file")):
        with pytest.raises(ServiceError) as refused:
            services.check_upload(acting_user=platform_member, upload=upload)
        assert refused.value.field == field and 400 <= refused.value.status < 500
    with pytest.raises(ServiceError) as refused:
        services.check_upload(acting_user=platform_member, upload=_upload(plain.read_bytes()), propagate_id="x" * 101)
    assert refused.value.field == "propagate_id"
    assert UploadCheck.objects.count() == before


def test_an_unlabelled_export_needs_the_agreement_and_is_kept_six_months(world, platform_member):
    before = UnlabelledExport.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as refused:
        services.log_unlabelled_export(acting_user=platform_member, recipient="王五", recipient_account="u-1",
                                       content_ref="图片 42", agreement_sets_duty=False)
    assert refused.value.field == "agreement_sets_duty" and "标识义务" in str(refused.value.message)
    with pytest.raises(ServiceError) as refused:
        services.log_unlabelled_export(acting_user=platform_member, recipient=" ", recipient_account="u-1",
                                       content_ref="图片 42", agreement_sets_duty=True)
    assert refused.value.field == "recipient"
    with pytest.raises(ServiceError) as refused:
        services.log_unlabelled_export(acting_user=platform_member, recipient="王五", recipient_account="u" * 201,
                                       content_ref="图片 42", agreement_sets_duty=True)
    assert refused.value.field == "recipient_account"
    assert (UnlabelledExport.objects.count(), AuditEvent.objects.count()) == before
    row = services.log_unlabelled_export(acting_user=platform_member, recipient="王五", recipient_account="u-1",
                                         content_ref="图片 42", agreement_sets_duty=True)
    assert row.retention_basis["value"] == 6 and row.retention_basis["citation"]["article"] == "9"
    # The retention runs from the local day of the export (the service's clock), not the UTC day of its timestamp.
    assert row.retain_until == services._months_after(timezone.localdate(row.created_at), 6)
    assert services._months_after(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    with pytest.raises(AppendOnlyError):  # written once
        row.save()
    with pytest.raises(PermissionDeniedError):  # an official logs nothing for a company
        services.log_unlabelled_export(acting_user=world.user("official"), organisation_id=row.organisation_id,
                                       recipient="王五", recipient_account="u-1", content_ref="x",
                                       agreement_sets_duty=True)


# --- pages and API ------------------------------------------------------------------------------------------------

def test_the_upload_check_and_the_log_through_the_pages(world, platform_member, colleague, tmp_path):
    client = signed_in(platform_member)
    plain = make(Format.PNG, tmp_path, name="plain", seed=4)
    page = client.get("/algorithms/labels/uploads/")
    assert page.status_code == 200 and 'data-testid="upload-check-form"' in page.content.decode()
    answer = client.post("/algorithms/labels/uploads/", {"action": "check", "declared_generated": "on",
                                                         "propagate_id": "post-9",
                                                         "file": _upload(plain.read_bytes())})
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")
    assert _read_back(answer.content, tmp_path).label.Label == "2"
    pending = client.post("/algorithms/labels/uploads/", {"action": "check", "file": _upload(plain.read_bytes())})
    assert pending.status_code == 302  # nothing to write: back to the list
    check = UploadCheck.objects.get(action="review")
    refused = client.post("/algorithms/labels/uploads/", {"action": "check",
                                                          "file": _upload(b"%PDF-1.7 truncated", "x.pdf")})
    assert refused.status_code == 422 and UploadCheck.objects.count() == 2
    # the checker cannot pick their own check; the colleague can
    own = client.post("/algorithms/labels/uploads/", {"action": "review", "check": check.pk, "outcome": "generated"})
    assert own.status_code == 400
    reviewer = signed_in(colleague)
    done = reviewer.post("/algorithms/labels/uploads/", {"action": "review", "check": check.pk,
                                                         "outcome": "generated", "note": "<script>x</script>"})
    assert done.status_code == 302
    listed = signed_in(world.user("official")).get("/algorithms/labels/uploads/", {"review": "generated"})
    assert f'data-pk="{check.pk}"' in listed.content.decode()
    assert signed_in(world.user("enterprise_member", "shenzhen")).get(
        "/algorithms/labels/uploads/").content.decode().count("data-pk=") == 0

    logged = client.post("/algorithms/labels/exports/", {"action": "log", "recipient": "王五",
                                                         "recipient_account": "u-1", "content_ref": "图片 42"})
    assert logged.status_code == 400 and "标识义务" in logged.content.decode()
    logged = client.post("/algorithms/labels/exports/", {"action": "log", "recipient": "王五",
                                                         "recipient_account": "u-1", "content_ref": "图片 42",
                                                         "agreement_sets_duty": "on"})
    assert logged.status_code == 302 and UnlabelledExport.objects.count() == 1
    page = client.get("/algorithms/labels/exports/").content.decode()
    assert "王五" in page and "第9条" in page
    sheet = client.get("/algorithms/labels/exports/", {"export": "xlsx"})
    assert sheet.status_code == 200


def test_the_upload_check_and_the_log_through_the_api(world, platform_member, colleague, tmp_path):
    api = bearer(platform_member)
    labelled = make(Format.PNG, tmp_path, name="labelled", seed=5)
    labels.write(labelled, PRODUCER, aigc.label_values())
    url = operation("aiplus_algorithms_api_check_upload")
    answer = api.post(url, {"file": _upload(labelled.read_bytes()), "propagate_id": "api-1"})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["action"] == "notice"
    assert body["label"]["ContentPropagator"] == services.propagator_code(world.orgs["suzhou:enterprise"])
    back = _read_back(base64.b64decode(body["labelled_file_base64"]), tmp_path)
    assert back.label.PropagateID == "api-1"
    refused = api.post(url, {"file": _upload(b"GIF89a\x00\x01" + bytes(range(256)), "x.gif")})
    assert refused.status_code == 422 and refused.json()["field"] == "file"
    pending = api.post(url, {"file": _upload(make(Format.PNG, tmp_path, name="p", seed=6).read_bytes())}).json()
    review = operation("aiplus_algorithms_api_review_upload", check_id=pending["id"])
    assert api.post(review, {"outcome": "generated"}, content_type="application/json").status_code == 403
    bad = bearer(colleague).post(review, {"outcome": "pending"}, content_type="application/json")
    assert bad.status_code == 422
    done = bearer(colleague).post(review, {"outcome": "generated"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["review"] == "generated"
    listed = bearer(world.user("official")).get(operation("aiplus_algorithms_api_list_upload_checks"),
                                                {"review": "generated"}).json()
    assert [row["id"] for row in listed["items"]] == [pending["id"]]

    exports = operation("aiplus_algorithms_api_log_unlabelled_export")
    missing = api.post(exports, {"recipient": "王五", "recipient_account": "u-1", "content_ref": "x"},
                       content_type="application/json")
    assert missing.status_code == 400 and missing.json()["field"] == "agreement_sets_duty"
    hostile = api.post(exports, {"recipient": "王五", "recipient_account": "u-1", "content_ref": "x",
                                 "agreement_sets_duty": True, "content_sha256": "=cmd|' /C calc'!A0"},
                       content_type="application/json")
    assert hostile.status_code == 422 and "content_sha256" in hostile.content.decode()
    created = api.post(exports, {"recipient": "=HYPERLINK(\"x\")", "recipient_account": "u-1", "content_ref": "x",
                                 "agreement_sets_duty": True}, content_type="application/json")
    assert created.status_code == 201 and created.json()["retention_basis"]["value"] == 6
    sheet = signed_in(platform_member).get("/algorithms/labels/exports/", {"export": "csv"}).content.decode()
    assert "'=HYPERLINK" in sheet  # a formula a user wrote is text in the export
    listed = bearer(world.user("official")).get(operation("aiplus_algorithms_api_list_unlabelled_exports")).json()
    assert len(listed["items"]) == 1
