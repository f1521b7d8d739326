"""Harvesting a remote DCAT-AP catalogue: an official registers it, the background task fetches it from a local
HTTP server the test starts, creates the records with their provenance, then updates the one the server changed and
withdraws the one it removed; a third identical harvest changes nothing. Harvested copies are read-only."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import AuditEvent
from aiplus.datahub import services, tasks
from aiplus.datahub.models import Dataset

pytestmark = pytest.mark.django_db

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix ex: <https://portal.example.org/dataset/> .
"""


def dataset(name, title):
    return (f'ex:{name} a dcat:Dataset ; dct:title "{title}"@zh ; dct:description "{title}的说明"@zh ; '
            f'dcat:distribution [ a dcat:Distribution ; dct:format '
            f'<http://publications.europa.eu/resource/authority/file-type/CSV> ; '
            f'dcat:accessURL <https://portal.example.org/{name}.csv> ] .\n')


@pytest.fixture
def remote():
    """A local HTTP server serving `remote.body` as Turtle."""
    state = {"body": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = state["body"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/catalogue.ttl"
    yield state
    server.shutdown()
    server.server_close()


def _copies():
    return {d.identifier: (d.title, d.is_published, d.withdrawn_at is not None)
            for d in Dataset.objects.filter(harvest_source__isnull=False)}


def test_harvest_creates_updates_withdraws_and_then_changes_nothing(world, remote):
    official = world.user("official")
    source = services.register_harvest_source(
        acting_user=official, name="示例门户", url=remote["url"], jurisdiction_id=official_place(world),
        provider_id=world.orgs["suzhou:provider"].pk)
    remote["body"] = PREFIXES + dataset("a", "甲数据") + dataset("b", "乙数据")
    first = tasks.harvest_source_task.call(source.pk)
    assert (first["created"], first["withdrawn"], first["failed"]) == (2, 0, False)
    a = Dataset.objects.get(identifier="https://portal.example.org/dataset/a")
    assert (a.source_identifier, a.harvest_source_id, a.is_published) == (
        "https://portal.example.org/dataset/a", source.pk, True)
    assert a.harvested_at is not None and a.jurisdiction_id == source.jurisdiction_id
    assert a.distributions.get().access_url == "https://portal.example.org/a.csv"

    # The server changes one record and removes the other.
    remote["body"] = PREFIXES + dataset("a", "甲数据（修订）")
    second = tasks.harvest_source_task.call(source.pk)
    assert (second["created"], second["updated"], second["withdrawn"]) == (0, 1, 1)
    assert _copies() == {"https://portal.example.org/dataset/a": ("甲数据（修订）", True, False),
                         "https://portal.example.org/dataset/b": ("乙数据", False, True)}

    # The same catalogue again: nothing changes.
    copies, written = _copies(), Dataset.objects.values_list("updated_at", flat=True)
    stamps = sorted(written)
    third = tasks.harvest_source_task.call(source.pk)
    assert (third["created"], third["updated"], third["unchanged"], third["withdrawn"]) == (0, 0, 1, 0)
    assert _copies() == copies and sorted(Dataset.objects.values_list("updated_at", flat=True)) == stamps
    source.refresh_from_db()
    assert source.last_report == third and source.last_harvested_at is not None
    assert AuditEvent.objects.filter(action="datahub.harvest.completed").count() == 3


def official_place(world):
    return world.user("official").role_assignments.filter(jurisdiction__isnull=False).first().jurisdiction_id


def test_harvested_copies_are_read_only_and_errors_are_reported(world, remote):
    official = world.user("official")
    source = services.register_harvest_source(
        acting_user=official, name="示例门户", url=remote["url"], jurisdiction_id=official_place(world),
        provider_id=world.orgs["suzhou:provider"].pk)
    remote["body"] = PREFIXES + dataset("a", "甲数据")
    tasks.harvest_source_task.call(source.pk)
    copy = Dataset.objects.get()
    with pytest.raises(PermissionDeniedError):
        services.update_dataset(acting_user=world.user("provider"), dataset_id=copy.pk, title="改")
    # A broken catalogue: reported on the source with the problem, nothing withdrawn.
    remote["body"] = "this is not turtle"
    report = tasks.harvest_source_task.call(source.pk)
    assert report["failed"] and report["code"] == "invalid_rdf" and report["withdrawn"] == 0
    assert Dataset.objects.get().is_published


def test_only_an_official_registers_a_source(world):
    with pytest.raises(ServiceError) as error:
        services.register_harvest_source(
            acting_user=world.user("provider"), name="x", url="https://example.org/c.ttl",
            jurisdiction_id=official_place(world), provider_id=world.orgs["suzhou:provider"].pk)
    assert error.value.status == 403


def test_an_official_registers_and_harvests_a_source_through_the_page(world, client, remote,
                                                                      django_capture_on_commit_callbacks):
    official = world.user("official")
    client.force_login(official)
    assert client.get("/data/harvest/").status_code == 200
    remote["body"] = PREFIXES + dataset("a", "甲数据")
    response = client.post("/data/harvest/", {
        "action": "register", "name": "示例门户", "url": remote["url"], "format": "ttl", "schedule": "manual",
        "jurisdiction": official_place(world), "provider": world.orgs["suzhou:provider"].pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    from aiplus.datahub.models import HarvestSource

    source = HarvestSource.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/data/harvest/", {"action": "run", "source": source.pk}).status_code == 302
    tasks.harvest_source_task.call(source.pk)  # what the worker runs
    page = client.get("/data/harvest/").content.decode()
    assert "示例门户" in page and "新建 1" in page
    # A provider may not register one (no jurisdiction to choose: the form refuses).
    client.force_login(world.user("provider"))
    response = client.post("/data/harvest/", {
        "action": "register", "name": "x", "url": remote["url"], "format": "", "schedule": "manual",
        "jurisdiction": official_place(world), "provider": world.orgs["suzhou:provider"].pk})
    assert response.status_code in (400, 403)
    assert HarvestSource.objects.count() == 1


def test_a_harvested_copy_shows_its_source_and_offers_no_edit(world, client, remote):
    official = world.user("official")
    source = services.register_harvest_source(
        acting_user=official, name="示例门户", url=remote["url"], jurisdiction_id=official_place(world),
        provider_id=world.orgs["suzhou:provider"].pk)
    remote["body"] = PREFIXES + dataset("a", "甲数据")
    tasks.harvest_source_task.call(source.pk)
    copy = Dataset.objects.get()
    client.force_login(world.user("provider"))
    page = client.get(f"/data/datasets/{copy.pk}/").content.decode()
    assert 'data-testid="harvested"' in page and "示例门户" in page and 'data-testid="dataset-edit"' not in page
    assert client.post(f"/data/datasets/{copy.pk}/edit/", {"title": "改"}).status_code == 403


def test_an_official_registers_and_harvests_a_source_through_the_api(world, remote,
                                                                     django_capture_on_commit_callbacks):
    import json

    from aiplus.core.testing import assert_refused_naming, signed_in

    official = signed_in(world.user("official"))
    remote["body"] = PREFIXES + dataset("a", "甲数据")
    payload = {"name": "示例门户", "url": remote["url"], "format": "ttl", "jurisdiction_id": official_place(world),
               "provider_id": world.orgs["suzhou:provider"].pk}
    created = official.post("/api/v1/data/harvest-sources", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201, created.content
    source_id = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        queued = official.post(f"/api/v1/data/harvest-sources/{source_id}/harvest")
    assert queued.status_code == 200
    tasks.harvest_source_task.call(source_id)  # what the worker runs
    listed = official.get("/api/v1/data/harvest-sources").json()
    assert [s["id"] for s in listed] == [source_id] and listed[0]["last_report"]
    assert Dataset.objects.filter(title="甲数据").exists()
    # A provider may not register one; a bad schedule is refused naming the field; nothing is written.
    before = AuditEvent.objects.count()
    provider = signed_in(world.user("provider"))
    assert provider.post("/api/v1/data/harvest-sources", json.dumps(payload),
                         content_type="application/json").status_code == 403
    bad = official.post("/api/v1/data/harvest-sources", json.dumps({**payload, "schedule": "hourly"}),
                        content_type="application/json")
    assert_refused_naming(bad, "schedule")
    assert AuditEvent.objects.count() == before


def test_a_source_address_that_is_not_http_is_never_opened(world):
    with pytest.raises(ServiceError) as refused:
        services._fetch("file:///etc/passwd")
    assert refused.value.field == "url" and refused.value.code == "fetch_failed"
