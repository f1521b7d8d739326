"""The file imports under attack (hardening issue): usage CSV, DCAT catalogue, needs workbook.

Each finding of the probe is one row of a table or one test: a 20,000-row CSV is written in short batches while
other writers get in; a zip bomb, an oversized file, a deep JSON document, a 200 KB CSV field, a malformed CSV and
too many rows are 4xx answers naming the file, row or field (never 500s) and write nothing; the catalogue API takes
the document as its body; the same file twice creates nothing new; a catalogue entry cannot be placed in a
jurisdiction the actor does not belong to, and a dataset counts to its own place; the public cross-border
assessment works for an anonymous caller. Runs on SQLite and PostgreSQL alike (`make test`)."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.test import Client, override_settings
from openpyxl import Workbook

from aiplus.compute import services as compute
from aiplus.compute.models import UsageRecord
from aiplus.core.models import AuditEvent, JobProgress
from aiplus.datahub import selectors as datahub_selectors
from aiplus.datahub import services as datahub
from aiplus.datahub.models import AccessRequest, DataService, Dataset
from aiplus.scenarios.excel import HEADERS
from aiplus.scenarios.models import Need

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
HEADER = "record_id,pool_id,organisation_id,card_hours,amount_cny,period_end,invoice_number\n"


# ----------------------------------------------------------------------------------------------------- fixtures

@pytest.fixture
def pool(world: Any) -> Any:
    provider = world.user("provider", "suzhou")
    centre = compute.register_centre(
        acting_user=provider, operator_id=world.orgs["suzhou:provider"].pk, name="苏州智算中心",
        jurisdiction="suzhou", pue="1.25", green_power_share="0.4", grid_carbon_kg_per_kwh="0.58")
    return compute.add_pool(acting_user=provider, centre_id=centre.pk, accelerator_model="nvidia-a800", cards=64,
                            memory_gb=80, price_cny_per_card_hour="12.00")


def usage_csv(world: Any, pool: Any, rows: int, prefix: str = "r") -> str:
    org = world.orgs["suzhou:enterprise"].pk
    return HEADER + "".join(f"{prefix}{i},{pool.pk},{org},2,24,2026-06-01,INV-{i}\n" for i in range(rows))


def signed_in(user: Any, **headers: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", **headers)
    client.force_login(user)
    return client


def catalogue(world: Any, *, publisher: str = "suzhou:provider", jurisdiction: str | None = None,
              identifier: str = "imp-1", title: str = "苏州交通流量") -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "dcat:Dataset", "dct:identifier": identifier, "dct:title": title, "dct:description": "路口流量",
        "aiplus:sector": "交通", "aiplus:modality": "tabular", "aiplus:grade": "general", "aiplus:isPublished": True,
        "aiplus:openAttribute": "有条件开放", "dct:publisher": {"dct:identifier": world.orgs[publisher].credit_code},
        "dcat:distribution": [{"@type": "dcat:Distribution", "dct:format": "CSV",
                               "dcat:downloadURL": "https://example.org/a.csv"}]}
    if jurisdiction:
        node["aiplus:jurisdiction"] = jurisdiction
    return {"@type": "dcat:Catalog", "dcat:dataset": [node], "dcat:service": []}


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NEED_ROW = ["质检场景", "industry.manufacturing", "冲压件缺陷检测", "", 100000, 200000, "否", "", "检出率:99:%"]


def zip_bomb(expanded: int = 8 * 2**20) -> bytes:
    """A workbook-shaped zip whose sheet inflates ~1000-fold (a few KB on the wire)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * expanded + b">")
    return out.getvalue()


# --------------------------------------------------------------------------- 1. big files in short batches

@pytest.mark.django_db
def test_a_20000_row_csv_is_written_in_short_batches_and_again_creates_nothing(world, pool, monkeypatch) -> None:
    provider = world.user("provider", "suzhou")
    text = usage_csv(world, pool, 20_000)
    batch_seconds: list[float] = []
    batch_rows: list[int] = []
    write = compute.import_usage_batch

    def timed(**kwargs: Any) -> Any:
        started = time.monotonic()
        try:
            return write(**kwargs)
        finally:
            batch_seconds.append(time.monotonic() - started)
            batch_rows.append(len(kwargs["rows"]))

    monkeypatch.setattr(compute, "import_usage_batch", timed)
    started = time.monotonic()
    report = compute.import_usage_csv(acting_user=provider, text=text)
    took = time.monotonic() - started
    assert (report.read, report.created, report.unchanged, report.rejected) == (20_000, 20_000, 0, [])
    assert UsageRecord.objects.count() == 20_000
    # each transaction writes one batch of 500 rows and is short: no lock held for the whole file
    assert batch_rows == [500] * 40 and report.batches == 40
    assert max(batch_seconds) < 5, batch_seconds
    assert took < 120
    assert AuditEvent.objects.filter(action="compute.usage.imported").count() == 40  # one per batch
    again = compute.import_usage_csv(acting_user=provider, text=text)
    assert (again.created, again.unchanged) == (0, 20_000) and UsageRecord.objects.count() == 20_000
    assert AuditEvent.objects.filter(action="compute.usage.imported").count() == 40


@pytest.mark.django_db(transaction=True)
def test_another_writer_gets_in_while_an_import_runs(world, pool, settings) -> None:
    """Between two batches no transaction is open: a second writer commits at once (it would wait on SQLite's
    write lock, and fail after the busy timeout, if the import held it)."""
    settings.AIPLUS_IMPORT_BATCH_ROWS = 50
    provider = world.user("provider", "suzhou")
    text = usage_csv(world, pool, 200)
    between = threading.Event()
    written = threading.Event()
    outcome: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        outcome.setdefault("open_transaction", transaction.get_connection().in_atomic_block)
        if done == 50:
            between.set()
            written.wait(30)

    def run() -> None:
        try:
            outcome["report"] = compute.import_usage_csv(acting_user=provider, text=text, progress=progress)
        except Exception as error:  # surfaced by the assertion below
            outcome["error"] = error
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert between.wait(60), outcome
        started = time.monotonic()
        compute.record_usage(acting_user=provider, record_id="meanwhile", pool_id=pool.pk, card_hours="1",
                             amount_cny="12", period_end="2026-06-01",
                             organisation_id=world.orgs["suzhou:enterprise"].pk)
        assert time.monotonic() - started < 5
        assert "report" not in outcome  # the import was still running
    finally:
        written.set()
        worker.join(60)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["open_transaction"] is False
    assert outcome["report"].created == 200 and UsageRecord.objects.count() == 201


@pytest.mark.django_db
def test_a_big_file_is_imported_by_the_worker_and_its_report_is_the_jobs_result(world, pool, settings,
                                                                                  django_capture_on_commit_callbacks
                                                                                  ) -> None:
    settings.AIPLUS_IMPORT_BACKGROUND_BYTES = 1000
    client = signed_in(world.user("provider", "suzhou"))
    text = usage_csv(world, pool, 100)
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/compute/usage/csv", {"text": text}, content_type="application/json")
    assert response.status_code == 202, response.content
    job = JobProgress.objects.get(pk=response.json()["job_id"])
    assert job.status == "done" and job.result["created"] == 100 and UsageRecord.objects.count() == 100
    assert client.get(response.json()["status_url"]).json()["result"]["created"] == 100
    page = client.get(response.json()["page_url"]).content.decode()
    assert 'data-testid="import-report"' in page
    # the page: redirected to the job's page
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compute/provider/usage/", {"file": SimpleUploadedFile("u.csv", text.encode())})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert UsageRecord.objects.count() == 100


# ---------------------------------------------------------------- 2. hostile files: 4xx, named, nothing written

def _csv_upload(content: bytes) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("u.csv", content, content_type="text/csv")}


ATTEMPTS = [
    # (what, where, path, body builder, status, code, field)
    ("zip bomb (page)", "page", "/scenarios/needs/import/",
     lambda w, p: {"file": SimpleUploadedFile("b.xlsx", zip_bomb()), "organisation": w.orgs["suzhou:enterprise"].pk},
     413, None, None),
    ("zip bomb (api)", "api", "/api/v1/scenarios/needs/import",
     lambda w, p: {"file": SimpleUploadedFile("b.xlsx", zip_bomb()),
                   "organisation_id": w.orgs["suzhou:enterprise"].pk}, 413, "zip_bomb", "file"),
    ("not a zip", "api", "/api/v1/scenarios/needs/import",
     lambda w, p: {"file": SimpleUploadedFile("b.xlsx", b"PK\x03\x04 nonsense"),
                   "organisation_id": w.orgs["suzhou:enterprise"].pk}, 400, "invalid_file", "file"),
    ("oversized CSV (page)", "page", "/compute/provider/usage/",
     lambda w, p: _csv_upload(usage_csv(w, p, 12000).encode()), 413, None, None),
    ("oversized CSV (api file)", "api", "/api/v1/compute/usage/csv/file",
     lambda w, p: _csv_upload(usage_csv(w, p, 12000).encode()), 413, "too_large", "file"),
    ("oversized CSV (api text)", "json", "/api/v1/compute/usage/csv",
     lambda w, p: {"text": usage_csv(w, p, 12000)}, 413, "too_large", "file"),
    ("oversized catalogue (page)", "page", "/data/catalogue/import/",
     lambda w, p: {"file": SimpleUploadedFile("c.jsonld", b" " * 400_000 + b"{}")}, 413, None, None),
    ("deep DCAT (page)", "page", "/data/catalogue/import/",
     lambda w, p: {"file": SimpleUploadedFile("c.jsonld", ('{"@type": "dcat:Catalog", "dcat:dataset": '
                                                          + "[" * 100_000 + "]" * 100_000 + "}").encode())},
     400, None, None),
    ("deep DCAT (api file)", "api", "/api/v1/data/catalogue/import/file",
     lambda w, p: {"file": SimpleUploadedFile("c.jsonld", ('{"@type": "dcat:Catalog", "dcat:dataset": '
                                                          + "[" * 100_000 + "]" * 100_000 + "}").encode())},
     400, "too_deep", "file"),
    ("deep DCAT (api body)", "raw", "/api/v1/data/catalogue/import",
     lambda w, p: '{"@type": "dcat:Catalog", "dcat:dataset": ' + "[" * 100_000 + "]" * 100_000 + "}", 400, None, None),
    ("nested past any payload (api body)", "raw", "/api/v1/data/catalogue/import",
     lambda w, p: '{"a":' * 40 + "1" + "}" * 40, 422, "too_deep", "a"),
    ("200 KB CSV field", "api", "/api/v1/compute/usage/csv/file",
     lambda w, p: _csv_upload((HEADER + f"x1,{p.pk},{w.orgs['suzhou:enterprise'].pk},2,24,2026-06-01,"
                               + "9" * 200_000 + "\n").encode()), 400, "import_rejected", "invoice_number"),
    ("NUL in a CSV field", "api", "/api/v1/compute/usage/csv/file",
     lambda w, p: _csv_upload((HEADER + f"x1,{p.pk},1,2,24,2026-06-01,a\x00b\n").encode()), 400, "import_rejected",
     "invoice_number"),
    ("NUL in a catalogue", "raw", "/api/v1/data/catalogue/import",
     lambda w, p: json.dumps({"@type": "dcat:Catalog", "dct:title": "a\x00b"}), 422, "invalid_text", "dct:title"),
    ("CSV without its columns", "json", "/api/v1/compute/usage/csv",
     lambda w, p: {"text": "a,b\n1,2\n"}, 400, "csv_columns", "file"),
    ("CSV not UTF-8", "api", "/api/v1/compute/usage/csv/file",
     lambda w, p: _csv_upload(HEADER.encode() + "x1,计量".encode("gb18030")), 400, "encoding", "file"),
    ("too many rows", "json", "/api/v1/compute/usage/csv",
     lambda w, p: {"text": usage_csv(w, p, 120)}, 400, "too_many_rows", "file"),
    ("catalogue that is no catalogue", "raw", "/api/v1/data/catalogue/import",
     lambda w, p: json.dumps({"@type": "dcat:Distribution"}), 400, "invalid_dcat", "@type"),
    ("no file", "api", "/api/v1/compute/usage/csv/file", lambda w, p: {}, 400, "required", "file"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("what, where, path, build, status, code, field", ATTEMPTS, ids=[a[0] for a in ATTEMPTS])
def test_a_hostile_file_is_a_quick_4xx_that_writes_nothing(world, pool, settings, what, where, path, build,
                                                           status, code, field) -> None:
    settings.AIPLUS_IMPORT_MAX_BYTES = 300_000
    settings.AIPLUS_IMPORT_MAX_ROWS = 100
    client = signed_in(world.user("enterprise_member" if "needs" in path else "provider", "suzhou"))
    before = (UsageRecord.objects.count(), Dataset.objects.count(), Need.objects.count())
    body = build(world, pool)
    started = time.monotonic()
    if where in ("json", "raw"):
        response = client.post(path, body, content_type="application/json")
    else:
        response = client.post(path, body)
    assert time.monotonic() - started < 10
    assert response.status_code == status, (what, response.content[:500])
    if where != "page":
        answer = response.json()
        assert {"code", "message", "field"} <= answer.keys() and answer["message"]
        if code:
            assert answer["code"] == code, answer
        if field:
            assert answer["field"] == field, answer
    assert (UsageRecord.objects.count(), Dataset.objects.count(), Need.objects.count()) == before


@pytest.mark.django_db
def test_a_200kb_field_names_its_row_and_column_on_the_page_and_in_the_report(world, pool) -> None:
    client = signed_in(world.user("provider", "suzhou"))
    org = world.orgs["suzhou:enterprise"].pk
    text = (HEADER + f"ok1,{pool.pk},{org},2,24,2026-06-01,\n"
            + f"x1,{pool.pk},{org},2,24,2026-06-01," + "9" * 200_000 + "\n")
    response = client.post("/compute/provider/usage/", _csv_upload(text.encode()))
    page = response.content.decode()
    assert response.status_code == 400 and 'data-row="3" data-field="invoice_number"' in page
    answer = client.post("/api/v1/compute/usage/csv", {"text": text}, content_type="application/json").json()
    assert [(r["row"], r["field"], r["code"]) for r in answer["report"]["rejected"]] == [
        (3, "invoice_number", "field_too_long")]
    assert UsageRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_it_is_inflated(world) -> None:
    from aiplus.scenarios import excel

    member = world.user("enterprise_member", "suzhou")
    started = time.monotonic()
    with pytest.raises(Exception) as error:
        excel.import_needs(acting_user=member, file=zip_bomb(64 * 2**20),
                           organisation_id=world.orgs["suzhou:enterprise"].pk)
    assert time.monotonic() - started < 3
    assert getattr(error.value, "code", None) == "zip_bomb" and error.value.status == 413


# --------------------------------------------------------------------------- 3. the catalogue API's document

@pytest.mark.django_db
def test_the_catalogue_api_takes_the_document_as_its_body(world) -> None:
    client = signed_in(world.user("provider", "suzhou"))
    schema = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/data/catalogue/import"]["post"]
    assert not [p for p in schema.get("parameters", []) if p["name"] == "document"]
    assert "application/json" in schema["requestBody"]["content"]
    document = catalogue(world)
    response = client.post("/api/v1/data/catalogue/import", document, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1 and response.json()["counts"] == {"datasets": 1, "services": 0}
    # the old form (the document as a query parameter) is not read: the body is
    response = client.post("/api/v1/data/catalogue/import?document=" + json.dumps(document), "{}",
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "@type"
    # a file upload works too
    upload = SimpleUploadedFile("c.jsonld", json.dumps(catalogue(world, identifier="imp-2")).encode())
    response = client.post("/api/v1/data/catalogue/import/file", {"file": upload})
    assert response.status_code == 200 and response.json()["created"] == 1
    assert set(Dataset.objects.values_list("identifier", flat=True)) == {"imp-1", "imp-2"}


# ------------------------------------------------------------------------------ 4. the same file twice

@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["usage csv", "dcat catalogue", "needs workbook"])
def test_the_same_file_twice_creates_nothing_the_second_time(world, pool, kind) -> None:
    if kind == "usage csv":
        client = signed_in(world.user("provider", "suzhou"))
        path, body = "/api/v1/compute/usage/csv/file", lambda: _csv_upload(usage_csv(world, pool, 30).encode())
        count = UsageRecord.objects.count
    elif kind == "dcat catalogue":
        client = signed_in(world.user("provider", "suzhou"))
        document = json.dumps(catalogue(world)).encode()
        path, body = "/api/v1/data/catalogue/import/file", lambda: {"file": SimpleUploadedFile("c.jsonld", document)}
        count = Dataset.objects.count
    else:
        client = signed_in(world.user("enterprise_member", "suzhou"))
        content = workbook([NEED_ROW, ["另一场景", *NEED_ROW[1:]]])
        path = "/api/v1/scenarios/needs/import"

        def body() -> dict[str, Any]:
            return {"file": SimpleUploadedFile("n.xlsx", content),
                    "organisation_id": world.orgs["suzhou:enterprise"].pk}
        count = Need.objects.count
    first = client.post(path, body())
    assert first.status_code == 200, first.content
    created, events = count(), AuditEvent.objects.count()
    assert first.json()["created"] == created > 0
    second = client.post(path, body())
    assert second.status_code == 200 and second.json()["created"] == 0
    assert second.json()["unchanged"] == second.json()["read"] == created
    assert (count(), AuditEvent.objects.count()) == (created, events)


@pytest.mark.django_db
def test_a_changed_catalogue_entry_is_updated_not_duplicated(world) -> None:
    provider = world.user("provider", "suzhou")
    datahub.import_catalogue(acting_user=provider, document=catalogue(world))
    report = datahub.import_catalogue(acting_user=provider, document=catalogue(world, title="苏州交通流量（新）"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0), report
    assert list(Dataset.objects.values_list("title", flat=True)) == ["苏州交通流量（新）"]


# ------------------------------------------------------------------------------------ 5. jurisdictions

@pytest.mark.django_db
@pytest.mark.parametrize("who, publisher, place, status, field", [
    # a Shenzhen provider cannot put its entry in Suzhou (nor anywhere outside Guangdong's line of Shenzhen)
    ("shenzhen:provider", "shenzhen:provider", "suzhou", 403, "dcat:dataset[0].aiplus:jurisdiction"),
    ("shenzhen:provider", "shenzhen:provider", "guangzhou", 403, "dcat:dataset[0].aiplus:jurisdiction"),
    # … nor publish for the Suzhou provider
    ("shenzhen:provider", "suzhou:provider", "suzhou", 403, "dcat:dataset[0].dct:publisher"),
    ("shenzhen:provider", "shenzhen:provider", "nowhere", 400, "dcat:dataset[0].aiplus:jurisdiction"),
    # its own city, the province above it, the district below it: fine
    ("shenzhen:provider", "shenzhen:provider", "shenzhen", 200, None),
    ("shenzhen:provider", "shenzhen:provider", "guangdong", 200, None),
    ("suzhou:provider", "suzhou:provider", "suzhou-sip", 200, None),
])
def test_a_catalogue_entry_is_placed_only_where_the_actor_may_act(world, who, publisher, place, status,
                                                                  field) -> None:
    place_code, role = who.split(":")
    client = signed_in(world.user(role, place_code))
    before = (Dataset.objects.count(), AuditEvent.objects.count())
    response = client.post("/api/v1/data/catalogue/import", catalogue(world, publisher=publisher, jurisdiction=place),
                           content_type="application/json")
    assert response.status_code == status, response.content
    if status != 200:
        assert response.json()["field"] == field
        assert (Dataset.objects.count(), AuditEvent.objects.count()) == before
    else:
        assert Dataset.objects.get().jurisdiction.code == place


@pytest.mark.django_db
def test_a_dataset_counts_to_its_own_place(world) -> None:
    """A public Suzhou dataset whose provider is in Shenzhen counts to Suzhou: Suzhou's auditor sees its access
    requests, a Guangdong official (and Shenzhen's) does not."""
    from aiplus.core import services as core

    guangdong = core.create_user(acting_user=world.admin, username="gd-official", password="x-password-123")
    core.assign_role(acting_user=world.admin, user=guangdong, role="official", jurisdiction="guangdong")
    # registered by the platform (an official of the place would do as well); the Shenzhen provider may not
    refused = signed_in(world.user("provider", "shenzhen")).post("/api/v1/data/datasets", {
        "provider_id": world.orgs["shenzhen:provider"].pk, "identifier": "sz-1", "title": "苏州路况",
        "jurisdiction": "suzhou", "open_attribute": "conditional", "is_published": True},
        content_type="application/json")
    assert refused.status_code == 403 and refused.json()["field"] == "jurisdiction"
    response = signed_in(world.admin).post("/api/v1/data/datasets", {
        "provider_id": world.orgs["shenzhen:provider"].pk, "identifier": "sz-1", "title": "苏州路况",
        "jurisdiction": "suzhou", "open_attribute": "conditional", "is_published": True},
        content_type="application/json")
    assert response.status_code == 201, response.content
    dataset = Dataset.objects.get(identifier="sz-1")
    assert dataset.jurisdiction.code == "suzhou"
    request = datahub.request_access(acting_user=world.user("enterprise_member", "suzhou"), dataset_id=dataset.pk,
                                     purpose="训练", usage_scope="内部", security_measures="加密",
                                     duration_days=30)
    assert request.jurisdiction_id == dataset.jurisdiction_id

    def sees(user: Any) -> bool:
        return datahub_selectors.access_requests(user).filter(pk=request.pk).exists()

    assert sees(world.user("auditor", "suzhou")) and sees(world.user("official", "suzhou"))
    assert not sees(guangdong) and not sees(world.user("official", "shenzhen"))
    assert sees(world.user("provider", "shenzhen"))  # the provider decides on its own dataset
    assert AccessRequest.objects.count() == 1 and DataService.objects.count() == 0


# ------------------------------------------------------------------------ 6. the public cross-border tool

TRANSFER = {"processor": {"is_ciio": False},
            "transfer": {"recipient": "X GmbH", "country_or_region": "DE", "data_categories": ["general"],
                         "transfer_on": "2026-03-01"}}


@pytest.mark.django_db
@pytest.mark.parametrize("caller, status", [
    ("anonymous", 200),            # a public tool: no session, no token, no CSRF trouble
    ("signed in, token", 200),
    ("signed in, no CSRF token", 403),  # a forged request with the visitor's session stays refused
])
def test_the_cross_border_assessment_api_for_each_caller(world, caller, status) -> None:
    client = Client(enforce_csrf_checks=True)
    if caller.startswith("signed in"):
        client.force_login(world.user("enterprise_member"))
    headers = {}
    if caller == "signed in, token":
        from aiplus.core import services as core

        _token, key = core.create_api_token(acting_user=world.user("enterprise_member"), name="t")
        client = Client(enforce_csrf_checks=True)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post("/api/v1/data/assess", TRANSFER, content_type="application/json", **headers)
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["outcome"] == "outside_rules"


@pytest.mark.django_db
def test_an_anonymous_visitor_uses_the_assessment_page_and_writes_need_a_user(world) -> None:
    client = Client(enforce_csrf_checks=True)  # no earlier visit: no CSRF cookie
    answers = {"transfer.recipient": "X GmbH", "transfer.country_or_region": "DE",
               "transfer.data_categories": ["general"], "transfer.transfer_on": "2026-03-01"}
    response = client.post("/data/assess/", answers)
    assert response.status_code == 200 and 'data-testid="assessment-form"' in response.content.decode()
    assert client.post("/data/assess/decision/", answers).status_code == 200
    # an operation that needs a user: a clear 401 for the anonymous caller, not a CSRF failure
    response = client.post("/api/v1/data/processors", {}, content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    # recording a transfer writes: it still needs a signed-in user and the CSRF token
    assert client.post("/data/assess/record/", answers).status_code in (302, 403)
