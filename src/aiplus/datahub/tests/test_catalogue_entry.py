"""Publishing by hand: a provider registers and edits a dataset with its distributions on a page, and registers and
edits a data service (page and API); bad input is shown beside its field and nothing is written; only members of the
providing organisation may edit."""

import datetime as dt

import pytest
from django.utils import translation

from aiplus.core.models import AuditEvent
from aiplus.datahub import services
from aiplus.datahub.models import DataService, Dataset, Distribution

pytestmark = pytest.mark.django_db

FORM = {
    "identifier": "sz-ocr-2025", "title": "苏州市政务票据 OCR 训练集", "description": "票据图像与人工转写",
    "keywords": "OCR，票据, 政务", "sector": "政务", "theme": "人工智能", "update_frequency": "4",
    "open_attribute": "conditional", "record_count": "120000", "spatial_coverage": "苏州市",
    "temporal_start": "2024-01-01", "temporal_end": "2025-06-30", "licence": "CC-BY-4.0",
    "issued": "2025-07-01", "modified": "2025-08-01", "high_quality": "on", "annotation_method": "人工转写",
    "annotation_quality": "字符准确率 99.2%", "modality": "image", "language": "zh", "size_bytes": "5000000000",
    "lineage": "扫描 → 脱敏 → 转写 → 抽检", "grade": "general", "is_published": "on",
    "dist-TOTAL_FORMS": "3", "dist-INITIAL_FORMS": "0",
    "dist-0-format": "ZIP", "dist-0-title": "图像包", "dist-0-download_url": "https://data.example.org/ocr.zip",
    "dist-0-byte_size": "4900000000", "dist-0-media_type": "application/zip",
    "dist-1-format": "JSONL", "dist-1-identifier": "ocr-labels", "dist-1-title": "转写标注",
}


def _form(**changes):
    return {**FORM, **changes}


def _writes():
    return Dataset.objects.count(), Distribution.objects.count(), AuditEvent.objects.count()


def test_provider_creates_a_dataset_with_distributions_through_the_page(world, client):
    provider = world.user("provider")
    client.force_login(provider)
    catalogue = client.get("/data/").content.decode()
    assert 'data-testid="dataset-create"' in catalogue and 'data-testid="service-create"' in catalogue
    assert client.get("/data/datasets/new/").status_code == 200
    before = AuditEvent.objects.count()
    response = client.post("/data/datasets/new/", _form(provider=world.orgs["suzhou:provider"].pk))
    dataset = Dataset.objects.get(identifier="sz-ocr-2025")
    assert response.status_code == 302 and response["Location"] == f"/data/datasets/{dataset.pk}/"
    assert dataset.provider == world.orgs["suzhou:provider"]
    assert dataset.keywords == ["OCR", "票据", "政务"]
    assert (dataset.record_count, dataset.temporal_end, dataset.high_quality, dataset.modality) == (
        120_000, dt.date(2025, 6, 30), True, "image")
    assert (dataset.annotation_quality, dataset.language, dataset.size_bytes) == ("字符准确率 99.2%", "zh",
                                                                                   5_000_000_000)
    assert dataset.lineage.startswith("扫描") and dataset.is_published and dataset.theme == "人工智能"
    assert [(d.identifier, d.format, d.byte_size) for d in dataset.distributions.order_by("id")] == [
        ("sz-ocr-2025-1", "ZIP", 4_900_000_000), ("ocr-labels", "JSONL", None)]
    assert list(AuditEvent.objects.filter(pk__gt=0).order_by("-id").values_list("action", flat=True)[:1]) == [
        "datahub.dataset.created"]
    assert AuditEvent.objects.count() == before + 1
    detail = client.get(f"/data/datasets/{dataset.pk}/").content.decode()
    assert f'href="/data/datasets/{dataset.pk}/edit/"' in detail


def test_provider_edits_a_dataset_and_replaces_its_distributions(world, client):
    provider = world.user("provider")
    dataset = services.create_dataset(acting_user=provider, provider_id=world.orgs["suzhou:provider"].pk,
                                      identifier="edit-me", title="旧名称", record_count=5,
                                      distributions=[{"format": "CSV"}])
    client.force_login(provider)
    page = client.get(f"/data/datasets/{dataset.pk}/edit/").content.decode()
    assert 'value="旧名称"' in page and 'name="dist-0-format" value="CSV"' in page
    before = AuditEvent.objects.count()
    response = client.post(f"/data/datasets/{dataset.pk}/edit/", _form(title="新名称", identifier="ignored"))
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert (dataset.identifier, dataset.title, dataset.record_count) == ("edit-me", "新名称", 120_000)
    assert sorted(dataset.distributions.values_list("format", flat=True)) == ["JSONL", "ZIP"]
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "datahub.dataset.updated"


@pytest.mark.parametrize(("changes", "field", "testid"), [
    ({"record_count": "-5"}, "record_count", "error-record_count"),
    ({"record_count": "many"}, "record_count", "error-record_count"),
    ({"temporal_start": "2025-06-30", "temporal_end": "2024-01-01"}, "temporal_end", "error-temporal_end"),
    ({"open_attribute": "half-open"}, "open_attribute", "error-open_attribute"),
    ({"modality": "smell"}, "modality", "error-modality"),
    ({"temporal_start": "2025-13-40"}, "temporal_start", "error-temporal_start"),
    ({"dist-1-byte_size": "-1"}, "dist-1-byte_size", "error-dist-1-byte_size"),
    ({"dist-0-download_url": "not a url"}, "dist-0-download_url", "error-dist-0-download_url"),
    ({"dist-2-title": "没有格式"}, "dist-2-format", "error-dist-2-format"),
    ({"title": ""}, "title", "error-title"),
])
def test_bad_input_is_shown_beside_its_field_and_nothing_is_written(world, client, changes, field, testid):
    provider = world.user("provider")
    client.force_login(provider)
    before = _writes()
    response = client.post("/data/datasets/new/", _form(provider=world.orgs["suzhou:provider"].pk, **changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'data-testid="{testid}"' in page
    assert _writes() == before
    # The form keeps what was typed.
    assert 'value="苏州市政务票据 OCR 训练集"' in page or field == "title"
    existing = services.create_dataset(acting_user=provider, provider_id=world.orgs["suzhou:provider"].pk,
                                       identifier="stays", title="保持不变", record_count=7,
                                       distributions=[{"format": "CSV"}])
    before = _writes()
    response = client.post(f"/data/datasets/{existing.pk}/edit/", _form(**changes))
    assert response.status_code == 400 and f'data-testid="{testid}"' in response.content.decode()
    assert _writes() == before
    existing.refresh_from_db()
    assert (existing.title, existing.record_count) == ("保持不变", 7)
    assert list(existing.distributions.values_list("format", flat=True)) == ["CSV"]


def test_duplicate_identifier_is_named(world, client):
    provider = world.user("provider")
    services.create_dataset(acting_user=provider, provider_id=world.orgs["suzhou:provider"].pk, identifier="dup",
                            title="已存在")
    client.force_login(provider)
    before = _writes()
    response = client.post("/data/datasets/new/", _form(identifier="dup", provider=world.orgs["suzhou:provider"].pk))
    assert response.status_code == 400 and 'data-testid="error-identifier"' in response.content.decode()
    assert _writes() == before


def test_only_members_of_the_providing_organisation_edit(world, client):
    provider = world.user("provider")
    dataset = services.create_dataset(acting_user=provider, provider_id=world.orgs["suzhou:provider"].pk,
                                      identifier="guarded", title="受保护", is_published=True)
    unpublished = services.create_dataset(acting_user=provider, provider_id=world.orgs["suzhou:provider"].pk,
                                          identifier="hidden", title="未发布")
    for user in (world.user("enterprise_member"), world.user("provider", "shenzhen"),
                 world.user("official")):
        client.force_login(user)
        before = _writes()
        assert client.get(f"/data/datasets/{dataset.pk}/edit/").status_code == 403
        assert client.post(f"/data/datasets/{dataset.pk}/edit/", _form(title="被改")).status_code == 403
        assert 'data-testid="dataset-edit"' not in client.get(f"/data/datasets/{dataset.pk}/").content.decode()
        assert _writes() == before
    client.force_login(world.user("provider", "shenzhen"))
    assert client.get(f"/data/datasets/{unpublished.pk}/edit/").status_code == 404
    # Creating for another organisation is refused too, nothing written.
    before = _writes()
    response = client.post("/data/datasets/new/", _form(provider=world.orgs["suzhou:provider"].pk))
    assert response.status_code in (400, 403) and _writes() == before
    dataset.refresh_from_db()
    assert dataset.title == "受保护"
    client.logout()
    assert client.get("/data/datasets/new/").status_code == 302  # to the login page


def test_provider_registers_a_data_service_through_page_and_api(world, client):
    provider = world.user("provider")
    org = world.orgs["suzhou:provider"].pk
    dataset = services.create_dataset(acting_user=provider, provider_id=org, identifier="served", title="被服务")
    client.force_login(provider)
    assert "被服务" in client.get("/data/services/new/").content.decode()
    before = AuditEvent.objects.count()
    response = client.post("/data/services/new/", {
        "provider": org, "identifier": "svc-1", "title": "票据识别接口", "description": "REST",
        "endpoint_url": "https://api.example.org/ocr", "endpoint_description": "https://api.example.org/doc",
        "is_published": "on", "serves": [dataset.pk]})
    assert response.status_code == 302
    service = DataService.objects.get(identifier="svc-1")
    assert list(service.serves.all()) == [dataset] and service.is_published
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "datahub.service.created"
    # Bad endpoint: named beside the field, nothing written.
    before = (DataService.objects.count(), AuditEvent.objects.count())
    response = client.post("/data/services/new/", {"provider": org, "identifier": "svc-2", "title": "坏",
                                                   "endpoint_url": "ftp//nope"})
    assert response.status_code == 400 and 'data-testid="error-endpoint_url"' in response.content.decode()
    assert (DataService.objects.count(), AuditEvent.objects.count()) == before
    # API
    response = client.post("/api/v1/data/services", {
        "provider_id": org, "identifier": "svc-api", "title": "接口", "endpoint_url": "https://api.example.org/x",
        "serves": [dataset.pk]}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["serves"] == [dataset.pk]
    response = client.patch(f"/api/v1/data/services/{response.json()['id']}", {"title": "接口二"},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["title"] == "接口二"
    before = (DataService.objects.count(), AuditEvent.objects.count())
    response = client.post("/api/v1/data/services", {
        "provider_id": org, "identifier": "svc-bad", "title": "接口", "endpoint_url": "https://api.example.org/x",
        "serves": [999_999]}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "serves[0]"
    assert (DataService.objects.count(), AuditEvent.objects.count()) == before
    # Another organisation's member may neither create for this provider nor change its service.
    client.force_login(world.user("enterprise_member"))
    response = client.post("/api/v1/data/services", {
        "provider_id": org, "identifier": "svc-foreign", "title": "外", "endpoint_url": "https://x.example.org"},
        content_type="application/json")
    assert response.status_code in (400, 403)
    assert client.patch(f"/api/v1/data/services/{service.pk}", {"title": "被改"},
                        content_type="application/json").status_code in (403, 404)
    assert not DataService.objects.filter(identifier="svc-foreign").exists()
    service.refresh_from_db()
    assert service.title == "票据识别接口"


def test_theme_and_high_quality_are_facets_on_page_and_api(world, client):
    provider = world.user("provider")
    org = world.orgs["suzhou:provider"].pk
    for index, (theme, high_quality) in enumerate([("交通", True), ("交通", False), ("医疗", True), ("", False)]):
        services.create_dataset(acting_user=provider, provider_id=org, identifier=f"f-{index}", title=f"集{index}",
                                theme=theme, high_quality=high_quality, is_published=True,
                                distributions=[{"format": "CSV"}])
    body = client.get("/api/v1/data/datasets").json()
    assert body["facets"]["theme"] == [{"value": "交通", "label": "交通", "count": 2},
                                       {"value": "医疗", "label": "医疗", "count": 1}]
    assert [(f["value"], f["count"]) for f in body["facets"]["high_quality"]] == [("0", 2), ("1", 2)]
    assert [(f["value"], f["count"]) for f in body["facets"]["sector"]] == []
    assert body["facets"]["format"] == [{"value": "CSV", "label": "CSV", "count": 4}]
    narrowed = client.get("/api/v1/data/datasets", {"theme": "交通", "high_quality": "1"}).json()
    assert narrowed["count"] == 1 and [r["identifier"] for r in narrowed["results"]] == ["f-0"]
    assert narrowed["facets"]["theme"] == [{"value": "交通", "label": "交通", "count": 1}]
    page = client.get("/data/").content.decode()
    assert 'data-facet="theme"' in page and 'data-facet="high_quality"' in page
    assert 'data-testid="facet-theme-交通"' in page and 'data-testid="facet-high_quality-1"' in page
    page = client.get("/data/", {"theme": "交通"}).content.decode()
    assert "2 个数据集" in page and "集2" not in page
    page = client.get("/data/", {"high_quality": "1", "theme": "医疗"}).content.decode()
    assert "1 个数据集" in page and "集2" in page


SERVICE_FORM = {"title": "票据识别接口（第二版）", "description": "REST v2", "endpoint_url": "https://api.example.org/ocr/v2",
                "endpoint_description": "https://api.example.org/ocr/v2/openapi.json", "is_published": "on"}


def _service(world, **changes):
    provider = world.user("provider")
    org = world.orgs["suzhou:provider"].pk
    first = services.create_dataset(acting_user=provider, provider_id=org, identifier="svc-ds-1", title="票据图像",
                                    is_published=True)
    second = services.create_dataset(acting_user=provider, provider_id=org, identifier="svc-ds-2", title="转写标注")
    values = {"title": "票据识别接口", "endpoint_url": "https://api.example.org/ocr", **changes}
    service = services.create_data_service(acting_user=provider, provider_id=org, identifier="svc-edit",
                                           serves=[first.pk], **values)
    return service, first, second


def _service_state(service):
    service.refresh_from_db()
    return (service.title, service.description, service.endpoint_url, service.endpoint_description,
            service.is_published, sorted(service.serves.values_list("pk", flat=True)))


def test_provider_edits_a_data_service_through_the_page(world, client):
    service, first, second = _service(world)
    client.force_login(world.user("provider"))
    listing = client.get("/data/services/").content.decode()
    assert f'href="/data/services/{service.pk}/edit/"' in listing and "票据识别接口" in listing
    assert 'data-testid="services-list"' in client.get("/data/").content.decode()
    page = client.get(f"/data/services/{service.pk}/edit/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="票据识别接口"' in body and 'data-testid="service-identifier">svc-edit<' in body
    assert f'<option value="{first.pk}" selected>' in body and f'<option value="{second.pk}">' in body
    # The page cites the articles the catalogue implements (Suzhou art. 32, Guangdong art. 8).
    assert 'data-testid="citations"' in body and "第32条" in body and "第8条" in body
    before = AuditEvent.objects.count()
    response = client.post(f"/data/services/{service.pk}/edit/",
                           {**SERVICE_FORM, "identifier": "ignored", "serves": [second.pk, first.pk]})
    assert response.status_code == 302 and response["Location"] == "/data/services/"
    assert _service_state(service) == ("票据识别接口（第二版）", "REST v2", "https://api.example.org/ocr/v2",
                                       "https://api.example.org/ocr/v2/openapi.json", True,
                                       sorted([first.pk, second.pk]))
    assert service.identifier == "svc-edit"
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_id) == ("datahub.service.updated", str(service.pk))
    # Unticking every dataset and the published box is an edit too.
    client.post(f"/data/services/{service.pk}/edit/", {**SERVICE_FORM, "is_published": ""})
    assert _service_state(service)[4:] == (False, [])


def test_the_service_edit_page_reads_in_english(world, client):
    service, _first, _second = _service(world)
    client.force_login(world.user("provider"))
    with translation.override("en"):
        body = client.get(f"/data/services/{service.pk}/edit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Suzhou Regulation (submitted draft) art. 32" in body and "Edit data service" in body


@pytest.mark.parametrize(("changes", "testid"), [
    ({"endpoint_url": "ftp//nope"}, "error-endpoint_url"),
    ({"endpoint_description": "not a url"}, "error-endpoint_description"),
    ({"title": ""}, "error-title"),
    ({"serves": ["999999"]}, "error-serves"),
    ({"serves": ["many"]}, "error-serves"),
])
def test_bad_service_input_is_shown_beside_its_field_and_changes_nothing(world, client, changes, testid):
    service, _first, _second = _service(world)
    client.force_login(world.user("provider"))
    state, events = _service_state(service), AuditEvent.objects.count()
    response = client.post(f"/data/services/{service.pk}/edit/", {**SERVICE_FORM, **changes})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'data-testid="{testid}"' in body
    # The form keeps what was typed.
    assert 'value="https://api.example.org/ocr/v2/openapi.json"' in body or testid == "error-endpoint_description"
    assert _service_state(service) == state and AuditEvent.objects.count() == events


def test_only_members_of_the_providing_organisation_edit_a_service(world, client):
    service, _first, _second = _service(world, is_published=True)
    hidden = services.create_data_service(acting_user=world.user("provider"),
                                          provider_id=world.orgs["suzhou:provider"].pk, identifier="svc-hidden",
                                          title="未发布接口", endpoint_url="https://api.example.org/hidden")
    state = _service_state(service)
    for user in (world.user("enterprise_member"), world.user("provider", "shenzhen"), world.user("official")):
        client.force_login(user)
        events = AuditEvent.objects.count()
        assert client.get(f"/data/services/{service.pk}/edit/").status_code == 403
        assert client.post(f"/data/services/{service.pk}/edit/", SERVICE_FORM).status_code == 403
        listing = client.get("/data/services/").content.decode()
        assert "票据识别接口" in listing and f"/data/services/{service.pk}/edit/" not in listing
        assert AuditEvent.objects.count() == events
    assert _service_state(service) == state
    client.force_login(world.user("provider", "shenzhen"))
    assert client.get(f"/data/services/{hidden.pk}/edit/").status_code == 404
    assert "未发布接口" not in client.get("/data/services/").content.decode()
    client.logout()
    assert client.get(f"/data/services/{service.pk}/edit/").status_code == 302  # to the login page
    assert client.get("/data/services/").status_code == 200


def test_api_patch_of_a_service_writes_its_audit_row_and_names_bad_fields(world, client):
    service, _first, second = _service(world)
    client.force_login(world.user("provider"))
    events = AuditEvent.objects.count()
    response = client.patch(f"/api/v1/data/services/{service.pk}", {"serves": [second.pk], "is_published": True},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["serves"] == [second.pk]
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").action == "datahub.service.updated"
    state, events = _service_state(service), AuditEvent.objects.count()
    response = client.patch(f"/api/v1/data/services/{service.pk}", {"endpoint_url": "nope"},
                            content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "endpoint_url"
    assert _service_state(service) == state and AuditEvent.objects.count() == events


def test_an_emptied_row_is_dropped_and_blank_rows_are_not_saved(world, client):
    provider = world.user("provider")
    dataset = services.create_dataset(acting_user=provider, provider_id=world.orgs["suzhou:provider"].pk,
                                      identifier="rows", title="行", distributions=[{"format": "CSV"},
                                                                                   {"format": "XLSX"}])
    client.force_login(provider)
    page = client.get(f"/data/datasets/{dataset.pk}/edit/").content.decode()
    # the two rows it has and two blank ones, every one posted as a new row
    assert 'name="dist-TOTAL_FORMS" value="4"' in page and 'name="dist-INITIAL_FORMS" value="0"' in page
    form = {k: v for k, v in _form(title="行").items() if not k.startswith("dist-")}
    form |= {"dist-TOTAL_FORMS": "4", "dist-INITIAL_FORMS": "0", "dist-0-identifier": "", "dist-0-format": "",
             "dist-1-format": "XLSX", "dist-1-identifier": "rows-2"}
    response = client.post(f"/data/datasets/{dataset.pk}/edit/", form)
    assert response.status_code == 302
    assert list(dataset.distributions.values_list("identifier", "format")) == [("rows-2", "XLSX")]


def test_a_service_refusal_is_put_beside_its_field(world, client, monkeypatch):
    from aiplus.core.errors import ServiceError

    def refuse(field):
        def service(**kwargs):
            raise ServiceError("invalid", "服务拒绝", field)
        return service

    client.force_login(world.user("provider"))
    org = world.orgs["suzhou:provider"].pk
    # the second filled row is the table's third (the blank second row is not counted)
    monkeypatch.setattr(services, "create_dataset", refuse("distributions[1].byte_size"))
    response = client.post("/data/datasets/new/", _form(provider=org, **{"dist-1-format": "", "dist-1-identifier": "",
                                                                         "dist-1-title": "", "dist-2-format": "CSV"}))
    body = response.content.decode()
    assert response.status_code == 400 and 'data-testid="error-dist-2-byte_size">服务拒绝<' in body
    assert 'value="苏州市政务票据 OCR 训练集"' in body
    monkeypatch.setattr(services, "create_dataset", refuse("organisation"))
    response = client.post("/data/datasets/new/", _form(provider=org))
    assert response.status_code == 400 and 'data-testid="error-provider">服务拒绝<' in response.content.decode()
    monkeypatch.setattr(services, "create_data_service", refuse("serves[0]"))
    response = client.post("/data/services/new/", {**SERVICE_FORM, "provider": org, "identifier": "svc-x"})
    assert response.status_code == 400 and 'data-testid="error-serves">服务拒绝<' in response.content.decode()
    monkeypatch.setattr(services, "create_data_service", refuse("somewhere"))
    response = client.post("/data/services/new/", {**SERVICE_FORM, "provider": org, "identifier": "svc-x"})
    assert response.status_code == 400 and 'data-testid="form-errors"' in response.content.decode()
