"""The label checker on the page and in the API: a real labelled PNG is valid, the same file with its pixels
changed is tampered, an unlabelled file says so, and a hostile file is a 4xx naming `file` — in the reader's
language, with the rule it rests on, nothing stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aiplus.algorithms import aigc, labels
from aiplus.algorithms.labels.samples import make
from aiplus.algorithms.labels.sniff import Format
from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_page_refused_naming, assert_refused_naming

pytestmark = pytest.mark.django_db


LABEL = labels.ImplicitLabel.first_write("1", "ACME-AI-001", "content-42")


def _upload(data: bytes, name: str = "picture.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_labelled_file_is_valid_and_a_copied_label_is_tampered_on_the_page(client, tmp_path):
    first = make(Format.PNG, tmp_path, name="a", seed=1)
    sealed = labels.write(first, LABEL, aigc.label_values()).label
    before = AuditEvent.objects.count()
    page = client.post("/algorithms/labels/", {"file": _upload(first.read_bytes())})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in html and "ACME-AI-001" in html
    assert "GB 45438" in html  # the rule it rests on
    # The first picture's label copied onto another picture, as a forger without the key would: the seal no longer
    # matches the content.
    other = make(Format.PNG, tmp_path, name="b", seed=7)
    labels.write(other, sealed, aigc.label_values(), seal=False)
    page = client.post("/algorithms/labels/", {"file": _upload(other.read_bytes())})
    html = page.content.decode()
    assert 'data-status="tampered"' in html and 'data-code="seal_mismatch"' in html
    assert "封印" in html  # the finding in the page's language
    assert AuditEvent.objects.count() == before  # nothing is written


def test_an_unlabelled_file_and_the_api_in_english(client, tmp_path):
    plain = make(Format.PNG, tmp_path).read_bytes()
    response = client.post("/api/v1/algorithms/labels/verify", {"file": _upload(plain, "plain.jpg")},
                           HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "unlabelled" and body["format"] == "png"
    assert body["reasons"][0]["code"] == "extension_mismatch" and "png" in body["reasons"][0]["text"]


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"\x00\x01\xfe\xff" * 10])
def test_a_hostile_file_is_refused_naming_the_file(client, data):
    page = client.post("/algorithms/labels/", {"file": _upload(data)})
    assert_page_refused_naming(page, "file", status=page.status_code)
    assert page.status_code in (400, 422)
    response = client.post("/api/v1/algorithms/labels/verify", {"file": _upload(data)})
    assert_refused_naming(response, "file")


def test_a_file_over_the_limit_is_a_413(client, settings):
    settings.AIPLUS_IMPORT_MAX_BYTES = 1024
    response = client.post("/api/v1/algorithms/labels/verify", {"file": _upload(b"x" * 4096)})
    assert response.status_code == 413


def test_a_producer_labels_a_file_on_the_page_and_the_download_verifies(world, client, tmp_path):
    client.force_login(world.user("enterprise_member"))
    plain = make(Format.PNG, tmp_path).read_bytes()
    response = client.post("/algorithms/labels/write/", {"file": _upload(plain), "label": "1",
                                                         "producer": "ACME-AI-001", "produce_id": "job-7"})
    assert response.status_code == 200 and 'filename="aigc-picture.png"' in response["Content-Disposition"]
    verdict = client.post("/api/v1/algorithms/labels/verify", {"file": _upload(response.content)}).json()
    assert verdict["status"] == "valid" and verdict["label"]["ContentProducer"] == "ACME-AI-001"
    assert verdict["label"]["ContentPropagator"] == "ACME-AI-001"  # a first write repeats the producer


@pytest.mark.parametrize(("change", "field"), [({"label": "9"}, "label"), ({"producer": "苏州 公司"}, "producer"),
                                               ({"produce_id": ""}, "produce_id")])
def test_a_bad_label_is_refused_naming_its_field_on_the_page_and_in_the_api(world, client, tmp_path, change,
                                                                           field):
    client.force_login(world.user("enterprise_member"))
    plain = make(Format.PNG, tmp_path).read_bytes()
    post = {"label": "1", "producer": "ACME-AI-001", "produce_id": "job-7", **change}
    page = client.post("/algorithms/labels/write/", {"file": _upload(plain), **post})
    assert page.status_code in (400, 422)
    assert_page_refused_naming(page, field, status=page.status_code)
    response = client.post("/api/v1/algorithms/labels/write", {"file": _upload(plain), **post})
    assert_refused_naming(response, field)


def test_a_producer_name_with_markup_is_shown_as_text(world, client, tmp_path):
    client.force_login(world.user("enterprise_member"))
    plain = make(Format.PNG, tmp_path).read_bytes()
    labelled = client.post("/algorithms/labels/write/", {"file": _upload(plain), "label": "1",
                                                         "producer": "<img/src=x/onerror=alert(1)>", "produce_id": "j"})
    assert labelled.status_code == 200  # Annex E allows these characters
    page = client.post("/algorithms/labels/", {"file": _upload(labelled.content)}).content.decode()
    assert "<img/src=x" not in page and "&lt;img/src=x/onerror=alert(1)&gt;" in page


def test_only_a_signed_in_user_gets_a_file_sealed(client, tmp_path):
    plain = make(Format.PNG, tmp_path).read_bytes()
    post = {"label": "1", "producer": "ACME-AI-001", "produce_id": "job-7"}
    assert client.post("/algorithms/labels/write/", {"file": _upload(plain), **post}).status_code == 302
    assert client.post("/api/v1/algorithms/labels/write", {"file": _upload(plain), **post}).status_code == 401
