"""Issue 5 must-shows not covered elsewhere: byte-identical DCAT round trip of every field through the commands
and the import page, facets on the page and the API, the self-scheduling expiry reminders, the duties with their
parameters, the important-data catalogue page, official-calendar deadlines on recorded transfers, GBA refusals."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from aiplus.core.calendar import add_working_days
from aiplus.core.errors import ServiceError
from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_page_refused_naming
from aiplus.datahub import dcat, selectors, services, tasks
from aiplus.datahub.models import DataAsset, DataService, Dataset, Distribution, GbaFiling, Incident

pytestmark = pytest.mark.django_db

EVERY_DATASET_FIELD = {
    "title": "苏州市工业质检图像标注集", "description": "产线缺陷图像，人工标注，用于视觉大模型训练",
    "keywords": ["工业质检", "缺陷检测", "图像"], "sector": "制造业", "theme": "工业经济", "update_frequency": "4",
    "open_attribute": "conditional", "record_count": 250_000, "spatial_coverage": "苏州工业园区",
    "temporal_start": dt.date(2023, 1, 1), "temporal_end": dt.date(2025, 6, 30), "licence": "CC-BY-4.0",
    "issued": dt.date(2024, 3, 1), "modified": dt.date(2025, 7, 1), "high_quality": True,
    "annotation_method": "人工标注 + 双人复核", "annotation_quality": "一致率 98.5%", "modality": "image",
    "language": "zh", "size_bytes": 987_654_321, "lineage": "产线相机采集 → 脱敏 → 标注 → 抽检",
    "grade": "important", "is_published": True,
}
EVERY_DISTRIBUTION_FIELD = {
    "identifier": "qc-images-zip", "title": "图像压缩包", "format": "ZIP", "media_type": "application/zip",
    "access_url": "https://data.example.org/qc", "download_url": "https://data.example.org/qc.zip",
    "byte_size": 987_654_321, "licence": "CC-BY-4.0",
}


def build_catalogue(world):
    provider_user = world.user("provider")
    provider_id = world.orgs["suzhou:provider"].pk
    full = services.create_dataset(acting_user=provider_user, provider_id=provider_id, identifier="qc-images",
                                   distributions=[EVERY_DISTRIBUTION_FIELD,
                                                  {**EVERY_DISTRIBUTION_FIELD, "identifier": "qc-labels",
                                                   "format": "JSON", "media_type": "application/json"}],
                                   **EVERY_DATASET_FIELD)
    services.create_dataset(acting_user=provider_user, provider_id=provider_id, identifier="bare",
                            title="最少字段的数据集")
    service = DataService.objects.create(
        identifier="qc-api", title="质检图像接口", description="按批次查询标注结果",
        endpoint_url="https://api.example.org/qc", endpoint_description="https://api.example.org/qc/openapi.json",
        provider=full.provider, jurisdiction=full.jurisdiction, is_published=True)
    service.serves.add(full)
    return full


def export_text(tmp_path, name, username):
    path = tmp_path / name
    call_command("dcat_export", "--user", username, "--output", str(path))
    return path.read_bytes()


EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"


def ids(value):
    """A vocabulary value without the class DCAT-AP's ranges want stated beside each IRI (its @type)."""
    if isinstance(value, list):
        return [ids(v) for v in value]
    return {k: v for k, v in value.items() if k != "@type"} if isinstance(value, dict) else value


def add_vocabulary_edges(world):
    """A dataset whose vocabulary-mapped values are the awkward ones: a licence with no entry in the EU table, two
    languages, other spellings, a licence given as its own IRI, a format and a media type with no IRI."""
    return services.create_dataset(
        acting_user=world.user("provider"), provider_id=world.orgs["suzhou:provider"].pk, identifier="vocab-edges",
        title="词表边界", licence="苏州市公共数据开放许可（试行）", language="zh,en", update_frequency="6",
        open_attribute="closed", is_published=True, distributions=[
            {"identifier": "edge-video", "format": "mp4", "media_type": "Video/MP4", "licence": "CC BY-SA 4.0"},
            {"identifier": "edge-lines", "format": "JSONL", "media_type": "text/csv; charset=utf-8",
             "licence": "https://creativecommons.org/licenses/by/4.0/"},
        ])


def test_dcat_round_trip_is_byte_identical_with_every_field(world, tmp_path):
    build_catalogue(world)
    add_vocabulary_edges(world)
    admin = world.admin.username
    first = export_text(tmp_path, "first.jsonld", admin)
    document = json.loads(first)
    node = next(d for d in document["dcat:dataset"] if d["dct:identifier"] == "qc-images")
    # Every field of the dataset is in the export, including the AI fields.
    for key, expected in (("aiplus:highQualityTrainingSet", True), ("aiplus:annotationMethod", "人工标注 + 双人复核"),
                          ("aiplus:annotationQuality", "一致率 98.5%"), ("aiplus:modality", "image"),
                          ("aiplus:sizeBytes", 987_654_321),
                          ("aiplus:recordCount", 250_000), ("aiplus:sector", "制造业"), ("aiplus:grade", "important")):
        assert node[key] == expected, key
    # Lineage, theme and place are the nodes DCAT-AP's ranges want, the Chinese text kept as their label.
    assert node["dct:provenance"] == {"@type": "dct:ProvenanceStatement",
                                      "rdfs:label": {"@value": "产线相机采集 → 脱敏 → 标注 → 抽检", "@language": "zh"}}
    assert node["dcat:theme"] == [{
        "@id": dcat.AIPLUS_THEMES + "%E5%B7%A5%E4%B8%9A%E7%BB%8F%E6%B5%8E", "@type": "skos:Concept",
        "skos:prefLabel": {"@value": "工业经济", "@language": "zh"}}]
    assert node["dct:spatial"]["@type"] == ["dct:Location", "skos:Concept"]
    assert node["dct:spatial"]["skos:prefLabel"] == {"@value": "苏州工业园区", "@language": "zh"}
    # Vocabulary-mapped fields are the IRIs DCAT-AP 3 expects; the portal's own codes are kept beside them.
    assert ids(node["dct:license"]) == {"@id": EU + "licence/CC_BY_4_0"}
    assert ids(node["dct:language"]) == {"@id": EU + "language/ZHO"}
    assert ids(node["dct:accrualPeriodicity"]) == {"@id": EU + "frequency/MONTHLY"}
    assert node["aiplus:updateFrequency"] == "4"
    assert ids(node["dct:accessRights"]) == {"@id": EU + "access-right/RESTRICTED"}
    assert node["aiplus:openAttribute"] == "有条件开放"
    assert not {"aiplus:licence", "aiplus:language"} & set(node)
    zip_node = next(d for d in node["dcat:distribution"] if d["dct:identifier"] == "qc-images-zip")
    assert ids(zip_node["dct:format"]) == {"@id": EU + "file-type/ZIP"}
    assert ids(zip_node["dcat:mediaType"]) == {"@id": IANA + "application/zip"}
    assert ids(zip_node["dct:license"]) == {"@id": EU + "licence/CC_BY_4_0"}
    bare = next(d for d in document["dcat:dataset"] if d["dct:identifier"] == "bare")
    assert (ids(bare["dct:accrualPeriodicity"]), bare["aiplus:updateFrequency"]) == (
        {"@id": EU + "frequency/IRREG"}, "8")
    assert (ids(bare["dct:accessRights"]), bare["aiplus:openAttribute"]) == ({"@id": EU + "access-right/PUBLIC"},
                                                                        "无条件开放")
    assert "dct:license" not in bare and "dct:language" not in bare
    edges = next(d for d in document["dcat:dataset"] if d["dct:identifier"] == "vocab-edges")
    # An unmapped licence falls back to the aiplus: literal, with no dct:license (see datahub/README.md).
    assert edges["aiplus:licence"] == "苏州市公共数据开放许可（试行）" and "dct:license" not in edges
    assert ids(edges["dct:language"]) == [{"@id": EU + "language/ZHO"}, {"@id": EU + "language/ENG"}]
    assert (ids(edges["dct:accrualPeriodicity"]), edges["aiplus:updateFrequency"]) == (
        {"@id": EU + "frequency/ANNUAL_2"}, "6")
    assert (ids(edges["dct:accessRights"]), edges["aiplus:openAttribute"]) == ({"@id": EU + "access-right/NON_PUBLIC"},
                                                                          "不予开放")
    video, lines = sorted(edges["dcat:distribution"], key=lambda d: d["dct:identifier"] != "edge-video")
    assert (ids(video["dct:format"]), video["aiplus:format"]) == ({"@id": EU + "file-type/MPEG4"}, "mp4")
    assert (ids(video["dcat:mediaType"]), video["aiplus:mediaType"]) == ({"@id": IANA + "video/mp4"}, "Video/MP4")
    assert (ids(video["dct:license"]), video["aiplus:licence"]) == ({"@id": EU + "licence/CC_BYSA_4_0"}, "CC BY-SA 4.0")
    assert lines["aiplus:format"] == "JSONL" and "dct:format" not in lines
    assert lines["aiplus:mediaType"] == "text/csv; charset=utf-8" and "dcat:mediaType" not in lines
    assert ids(lines["dct:license"]) == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert "aiplus:licence" not in lines
    assert document["dcat:service"][0]["dcat:endpointDescription"] == {"@id": "https://api.example.org/qc/openapi.json"}
    assert document["dcat:service"][0]["dcat:servesDataset"] == [{"@id": "urn:aiplus:dataset:qc-images"}]
    # Into an empty catalogue, then out again: the same bytes.
    DataService.objects.all().delete()
    Dataset.objects.all().delete()
    assert not Distribution.objects.exists()
    call_command("dcat_import", str(tmp_path / "first.jsonld"), "--user", admin)
    assert Dataset.objects.count() == 3 and Distribution.objects.count() == 4 and DataService.objects.count() == 1
    assert export_text(tmp_path, "second.jsonld", admin) == first
    # Every local value came back as it was typed, not only its IRI.
    again = Dataset.objects.get(identifier="vocab-edges")
    assert (again.licence, again.language, again.update_frequency, again.open_attribute) == (
        "苏州市公共数据开放许可（试行）", "zh,en", "6", "closed")
    assert sorted(again.distributions.values_list("format", "media_type", "licence")) == [
        ("JSONL", "text/csv; charset=utf-8", "https://creativecommons.org/licenses/by/4.0/"),
        ("mp4", "Video/MP4", "CC BY-SA 4.0")]
    # Importing the same file again updates in place and still round-trips.
    call_command("dcat_import", str(tmp_path / "first.jsonld"), "--user", admin)
    assert Dataset.objects.count() == 3
    assert export_text(tmp_path, "third.jsonld", admin) == first


def test_dcat_page_download_equals_command_export(world, client, tmp_path):
    build_catalogue(world)
    client.force_login(world.admin)
    assert client.get("/data/catalogue.jsonld").content == export_text(tmp_path, "c.jsonld", world.admin.username)


def test_dcat_import_command_errors_name_the_field_and_write_nothing(world, tmp_path):
    build_catalogue(world)
    document = json.loads(export_text(tmp_path, "a.jsonld", world.admin.username))
    document["dcat:dataset"][1]["aiplus:sizeBytes"] = -4
    bad = tmp_path / "bad.jsonld"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    Dataset.objects.all().delete()
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="size_bytes"):
        call_command("dcat_import", str(bad), "--user", world.admin.username)
    assert not Dataset.objects.exists() and AuditEvent.objects.count() == before
    with pytest.raises(CommandError, match="--user"):
        call_command("dcat_import", str(bad), "--user", "nobody")


def test_import_page_uploads_and_refuses_what_it_cannot_place(world, client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    build_catalogue(world)
    text = export_text(tmp_path, "a.jsonld", world.admin.username)
    Dataset.objects.all().delete()
    DataService.objects.all().delete()
    # A Shenzhen provider may not publish for the Suzhou provider: refused (403, the publisher named), nothing written.
    client.force_login(world.user("provider", "shenzhen"))
    response = client.post("/data/catalogue/import/", {"file": SimpleUploadedFile("a.jsonld", text)})
    assert response.status_code == 403 and not Dataset.objects.exists()
    assert 'data-testid="import-error"' in response.content.decode()
    assert 'data-field="dcat:dataset[0].dct:publisher"' in response.content.decode()
    response = client.post("/data/catalogue/import/", {"file": SimpleUploadedFile("a.jsonld", b"{not json")})
    assert response.status_code == 400 and 'data-field="file"' in response.content.decode()
    client.force_login(world.user("provider", "suzhou"))
    assert client.get("/data/catalogue/import/").status_code == 200
    response = client.post("/data/catalogue/import/", {"file": SimpleUploadedFile("a.jsonld", text)})
    assert response.status_code == 302
    assert Dataset.objects.count() == 2 and DataService.objects.count() == 1
    assert AuditEvent.objects.filter(action="datahub.catalogue.imported").count() == 1


def test_chinese_search_facets_on_the_page_and_the_api(world, client):
    build_catalogue(world)
    services.create_dataset(acting_user=world.user("provider"), provider_id=world.orgs["suzhou:provider"].pk,
                            identifier="traffic", title="交通卡口视频", description="路口视频", sector="交通",
                            modality="video", is_published=True, distributions=[{"format": "MP4"}])
    page = client.get("/data/", {"q": "缺陷检测"}).content.decode()
    assert "苏州市工业质检图像标注集" in page and "交通卡口视频" not in page
    assert 'data-facet="modality"' in page and 'data-testid="facet-modality-image"' in page
    assert "所属行业" in page  # facet headings are labels, not field names
    # Clicking the video facet narrows the search.
    narrowed = client.get("/data/", {"modality": "video"}).content.decode()
    assert "交通卡口视频" in narrowed and "苏州市工业质检图像标注集" not in narrowed
    assert 'aria-current="true"' in narrowed
    body = client.get("/api/v1/data/datasets", {"q": "工业质检"}).json()
    assert body["count"] == 1 and body["results"][0]["identifier"] == "qc-images"
    assert body["facets"]["modality"] == [{"value": "image", "label": "图像", "count": 1}]
    assert {f["value"] for f in body["facets"]["format"]} == {"ZIP", "JSON"}
    assert client.get("/api/v1/data/datasets", {"format": "mp4"}).json()["count"] == 1
    assert [r["identifier"] for r in client.get("/api/v1/data/datasets", {"high_quality": "true"}).json()[
        "results"]] == ["qc-images"]
    page = client.get("/data/", {"high_quality": "1"}).content.decode()
    assert "苏州市工业质检图像标注集" in page and "交通卡口视频" not in page


# --- expiry reminders run by themselves ------------------------------------------------------------------------

def _waiting():
    return DBTaskResult.objects.filter(task_path=tasks.notify_expiring_agreements_task.module_path,
                                       status=TaskResultStatus.READY)


def test_granting_access_starts_the_daily_reminder_run(world, django_capture_on_commit_callbacks):
    dataset = build_catalogue(world)
    assert not _waiting().exists()
    for _ in range(2):
        request = services.request_access(acting_user=world.user("enterprise_member", "shenzhen"),
                                          dataset_id=dataset.pk, purpose="训练", usage_scope="研发",
                                          security_measures="脱敏", duration_days=10)
        with django_capture_on_commit_callbacks(execute=True):
            services.decide_access(acting_user=world.user("provider"), request_id=request.pk, decision="approve")
    waiting = list(_waiting())
    assert len(waiting) == 1  # two grants, one daily run queued
    assert waiting[0].run_after == tasks.next_run_at(waiting[0].enqueued_at)
    # A rejected request queues nothing new; the run itself reminds and queues the next day's run.
    waiting[0].delete()
    count = tasks.notify_expiring_agreements_task.call()
    assert count == 2  # both 10-day agreements fall within the 14-day notice window
    assert _waiting().count() == 1


def test_next_run_is_the_next_morning():
    from django.utils import timezone

    morning = timezone.make_aware(dt.datetime(2025, 6, 2, 7, 59))
    assert tasks.next_run_at(morning) == timezone.make_aware(dt.datetime(2025, 6, 2, 8, 0))
    assert tasks.next_run_at(timezone.make_aware(dt.datetime(2025, 6, 2, 8, 0))) == \
        timezone.make_aware(dt.datetime(2025, 6, 3, 8, 0))


def test_schedule_command_queues_once(world, capsys):
    call_command("notify_expiring_grants", "--schedule")
    call_command("notify_expiring_grants", "--schedule")
    assert _waiting().count() == 1
    assert "already queued" in capsys.readouterr().out


# --- classification, important data, duties --------------------------------------------------------------------

def test_duties_carry_parameter_citation_status_and_due_dates(world):
    member = world.user("enterprise_member")
    organisation = world.orgs["suzhou:enterprise"]
    assert [d.applies for d in selectors.duties(member, organisation.pk)] == [False, False]
    services.register_asset(acting_user=member, organisation_id=organisation.pk, name="核心工艺参数",
                            category="工业数据", grade="core")
    duties = {d.code: d for d in selectors.duties(member, organisation.pk, today=dt.date(2025, 6, 2))}
    officer, assessment = duties["security_officer"], duties["annual_risk_assessment"]
    assert officer.applies and officer.overdue  # no officer named yet
    assert officer.parameter == "datasec.important_data.security_officer_required" and officer.status == "official"
    assert officer.citation_label == "《网络数据安全管理条例》第30条"
    assert assessment.due_on == dt.date(2025, 6, 2) and assessment.citation["article"] == "33"
    assert assessment.value == 12
    services.update_security_profile(acting_user=member, organisation_id=organisation.pk, security_officer="李四",
                                     last_risk_assessment_on=dt.date(2025, 2, 28))
    duties = {d.code: d for d in selectors.duties(member, organisation.pk, today=dt.date(2025, 6, 2))}
    assert not duties["security_officer"].overdue
    assert duties["annual_risk_assessment"].due_on == dt.date(2026, 2, 28)
    assert not duties["annual_risk_assessment"].overdue


def test_incident_clock_stops_when_reported(world):
    member = world.user("enterprise_member")
    organisation = world.orgs["suzhou:enterprise"]
    found = dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC)
    incident = services.report_incident(acting_user=member, organisation_id=organisation.pk, title="数据泄露",
                                        discovered_at=found)
    duty = next(d for d in selectors.duties(member, organisation.pk) if d.code == "incident_report")
    assert duty.due_on == found + dt.timedelta(hours=24) and duty.status == "official"
    with pytest.raises(ServiceError) as error:
        services.mark_incident_reported(acting_user=member, incident_id=incident.pk,
                                        reported_at=found - dt.timedelta(hours=1))
    assert error.value.field == "reported_at"
    with pytest.raises(ServiceError):
        services.mark_incident_reported(acting_user=world.user("enterprise_member", "shenzhen"),
                                        incident_id=incident.pk)
    services.mark_incident_reported(acting_user=member, incident_id=incident.pk,
                                    reported_at=found + dt.timedelta(hours=30))
    assert Incident.objects.get(pk=incident.pk).reported_at is not None
    assert AuditEvent.objects.get(action="datahub.incident.reported").message == "late"
    assert not [d for d in selectors.duties(member, organisation.pk) if d.code == "incident_report"]


def test_assets_page_registers_declares_and_lists_the_important_catalogue(world, client):
    member = world.user("enterprise_member")
    organisation = world.orgs["suzhou:enterprise"]
    client.force_login(member)
    response = client.post("/data/assets/", {"action": "register", "organisation": organisation.pk,
                                             "name": "客户名单", "category": "个人信息", "grade": "important",
                                             "level": "table", "internal_level": "", "pi_people": "2000"})
    assert response.status_code == 302
    asset = DataAsset.objects.get(name="客户名单")
    client.post("/data/assets/", {"action": "declare", "asset": asset.pk, "organisation": organisation.pk})
    page = client.get("/data/assets/").content.decode()
    important = page.split('data-testid="important-rows"')[1].split("</table>")[0]
    assert "客户名单" in important
    assert 'data-duty="annual_risk_assessment"' in page and "《网络数据安全管理条例》第33条" in page
    assert "正式规定" in page  # the parameter's status
    # The rule behind each duty reads as its title and value; the key stays in a title attribute.
    row = page.split('data-duty="security_officer"')[1].split("</tr>")[0]
    assert "重要数据处理者须明确网络数据安全负责人和管理机构：是" in row
    assert ">datasec." not in row and "= True" not in row
    row = page.split('data-duty="annual_risk_assessment"')[1].split("</tr>")[0]
    assert "重要数据处理者风险评估周期：12 个月" in row
    # Bad input on the page: an internal level outside 1–5 names the field and writes nothing.
    before = DataAsset.objects.count(), AuditEvent.objects.count()
    response = client.post("/data/assets/", {"action": "register", "organisation": organisation.pk,
                                             "name": "x", "category": "x", "grade": "general",
                                             "internal_level": "9"}, follow=True)
    assert "internal_level" in response.content.decode()
    assert (DataAsset.objects.count(), AuditEvent.objects.count()) == before
    # Officials of Suzhou see the catalogue; Shenzhen's do not.
    client.force_login(world.user("official", "suzhou"))
    assert "客户名单" in client.get("/data/assets/").content.decode()
    client.force_login(world.user("official", "shenzhen"))
    assert "客户名单" not in client.get("/data/assets/").content.decode()


# --- cross-border on the official calendar ---------------------------------------------------------------------

def test_recorded_transfer_deadlines_follow_the_official_calendar(world):
    member = world.user("enterprise_member")
    processor = services.register_processor(acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk)
    record = services.record_transfer(
        acting_user=member, processor_id=processor.pk,
        transfer={"recipient": "Example GmbH", "country_or_region": "DE", "data_categories": ["personal"],
                  "important_data_designated": False, "pi_people": 150_000, "sensitive_pi_people": 0,
                  "transfer_on": "2025-09-20"},
        milestones={"contract_effective_on": "2025-09-26"})
    deadlines = {d["kind"]: d for d in record.decision.decision["data"]["deadlines"]}
    filing = next(d for kind, d in deadlines.items() if "filing" in kind)
    # 10 working days from Friday 26 September 2025 cross the National Day holiday and its make-up Saturdays.
    assert filing["due_on"] == "2025-10-16" == add_working_days(dt.date(2025, 9, 26), 10).isoformat()
    assert filing["working_days"] == 10 and filing["citation"]
    assert record.decision.next_due_on == dt.date(2025, 10, 16)


def test_openapi_publishes_the_engine_input_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    transfer = components["TransferCase"]["properties"]
    assert {"processor", "transfer", "cumulative", "exemptions_claimed", "milestones"} <= set(transfer)
    assert "Cumulative" in components and "GbaContractCase" in components
    assess = schema["paths"]["/api/v1/data/assess"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert assess["$ref"].endswith("/TransferCase")


@pytest.mark.parametrize(("change", "field"), [
    ({"recipient": {"name": "US Inc", "location": "US"}}, "recipient.location"),
    ({"data_categories": ["personal", "important"], "important_data_designated": True}, "data_categories"),
])
def test_gba_filing_other_refusals_name_the_field(world, change, field):
    case = {"processor": {"name": "深圳甲公司", "location": "shenzhen-nanshan"},
            "recipient": {"name": "HK Ltd", "location": "HK"}, "data_categories": ["personal"],
            "effective_on": "2025-06-02", "contract_effective_on": "2025-06-03", **change}
    before = GbaFiling.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as error:
        services.create_gba_filing(acting_user=world.user("enterprise_member", "shenzhen"),
                                   organisation_id=world.orgs["shenzhen:enterprise"].pk, case=case)
    assert error.value.field == field
    assert (GbaFiling.objects.count(), AuditEvent.objects.count()) == before


def test_dcat_serialise_is_the_one_byte_form():
    assert dcat.serialise({"a": "中"}) == '{\n  "a": "中"\n}\n'


# --- GBA filings on the page, officials' view ------------------------------------------------------------------

GBA_FORM = {"action": "create", "processor_name": "深圳甲公司", "processor_location": "shenzhen-nanshan",
            "processor_kind": "organisation", "recipient_name": "HK Ltd", "recipient_location": "HK",
            "recipient_kind": "organisation", "data_categories": ["personal"], "important_data_designated": "false",
            "contract_effective_on": "2025-09-26", "documents_provided": ["signed_contract"]}


def test_filings_page_registers_files_and_shows_officials_the_clock(world, client):
    member = world.user("enterprise_member", "shenzhen")
    client.force_login(member)
    form = {**GBA_FORM, "organisation": world.orgs["shenzhen:enterprise"].pk}
    before = GbaFiling.objects.count(), AuditEvent.objects.count()
    assert_page_refused_naming(client.post("/data/filings/", {**form, "processor_location": "suzhou"}),
                               "processor_location")
    assert (GbaFiling.objects.count(), AuditEvent.objects.count()) == before
    client.post("/data/filings/", form)
    filing = GbaFiling.objects.get()
    assert filing.filing_due_on == dt.date(2025, 10, 16)  # 10 working days on the official calendar
    page = client.get("/data/filings/").content.decode()
    assert f'data-testid="file-{filing.pk}"' in page and "大湾区标准合同备案" in page
    # Filing without every required document is refused, naming the field.
    assert_page_refused_naming(client.post("/data/filings/", {"action": "file", "filing": filing.pk,
                                                              "documents_provided": ["signed_contract"]}),
                               "documents_provided")
    assert GbaFiling.objects.get(pk=filing.pk).status == "awaiting"
    client.post("/data/filings/", {"action": "file", "filing": filing.pk, "documents_provided": [
        "legal_representative_id_copy", "undertaking", "signed_contract"]})
    filing.refresh_from_db()
    assert filing.status == "filed" and filing.receipt_number.startswith("GBA-")
    client.force_login(world.user("official", "shenzhen"))
    page = client.get("/data/filings/").content.decode()
    assert "深圳甲公司" in page and f'data-testid="receipt-{filing.pk}"' in page
    receipt = client.get(f"/data/filings/{filing.pk}/receipt/").content.decode()
    assert filing.receipt_number in receipt and "2025-10-16" in receipt and "承诺书" in receipt
    client.force_login(world.user("official", "suzhou"))
    assert "深圳甲公司" not in client.get("/data/filings/").content.decode()


def test_coverage_of_suzhou_32_and_guangdong_8_and_23(capsys):
    call_command("coverage", "--format", "json")
    packs = json.loads(capsys.readouterr().out)["packs"]

    def features(pack, number):
        return {f["code"] for a in packs[pack]["articles"] if str(a["number"]) == str(number)
                for f in a["features"]}

    # data supply (Suzhou 32, Guangdong 8): the catalogue and conditional access; the national cross-border and
    # data-security rules serve Guangdong 23 or no article of the drafts
    assert features("suzhou", 32) == features("guangdong", 8) == {"datahub.catalogue", "datahub.conditional_access"}
    assert features("guangdong", 23) == {"datahub.gba_filing", "datahub.crossborder"}
    for pack, number in (("suzhou", 32), ("guangdong", 8), ("guangdong", 23)):
        assert next(a for a in packs[pack]["articles"] if a["number"] == number)["level"] == "implemented"


# --- processors, recorded transfers and their annual counters on the pages -------------------------------------

ASSESSED = {"transfer.recipient": "Example GmbH", "transfer.country_or_region": "DE",
            "transfer.data_categories": ["personal"], "transfer.transfer_on": "2025-06-02",
            "transfer.important_data_designated": "false", "processor.is_ciio": "false",
            "transfer.pi_people": "60000", "cumulative.pi_people": "0"}


def test_processor_page_and_recording_assessed_transfers_update_the_counter(world, client):
    member = world.user("enterprise_member")
    organisation = world.orgs["suzhou:enterprise"]
    client.force_login(member)
    client.post("/data/filings/", {"action": "processor", "organisation": organisation.pk, "is_ciio": "false",
                                   "in_ftz": "false"})
    processor = selectors.processors(member).get()
    assessed = client.post("/data/assess/", ASSESSED, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="assess-record"' in assessed
    first = client.post("/data/assess/record/", {**ASSESSED, "processor": processor.pk})
    assert first.status_code == 302
    # The second 60,000 crosses 100,000 on the stored counter, whatever the form said about the cumulative count.
    client.post("/data/assess/record/", {**ASSESSED, "processor": processor.pk,
                                         "milestones.contract_effective_on": "2025-06-03"})
    outcomes = [d.outcome for d in selectors.transfers(member).order_by("id")]
    assert outcomes == ["exempt", "standard_contract_or_certification"]
    counters = selectors.current_counters(member, today=dt.date(2025, 12, 31))
    assert [(c.period_start, c.pi_people) for c in counters] == [(dt.date(2025, 1, 1), 120_000)]
    assert [(c.period_start, c.pi_people) for c in selectors.current_counters(member, today=dt.date(2026, 1, 1))] \
        == [(dt.date(2026, 1, 1), 0)]
    # Bad input names the field and writes nothing.
    before = AuditEvent.objects.count()
    page = client.post("/data/assess/record/", {**ASSESSED, "processor": processor.pk, "transfer.pi_people": "-5"},
                       follow=True).content.decode()
    assert "transfer.pi_people" in page and AuditEvent.objects.count() == before
    # Another region's enterprise cannot record for this processor.
    client.force_login(world.user("enterprise_member", "shenzhen"))
    client.post("/data/assess/record/", {**ASSESSED, "processor": processor.pk})
    assert AuditEvent.objects.count() == before
    # Officials of Suzhou see the processor's counter and the pending filing deadline.
    client.force_login(world.user("official", "suzhou"))
    page = client.get("/data/filings/").content.decode()
    assert f'data-processor="{processor.pk}"' in page
    assert "订立标准合同或通过个人信息保护认证" in page


def test_api_processors_and_counters(world, client):
    client.force_login(world.user("enterprise_member"))
    organisation = world.orgs["suzhou:enterprise"]
    created = client.post("/api/v1/data/processors", json.dumps({"organisation_id": organisation.pk}),
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["pi_people"] == 0
    processor_id = created.json()["id"]
    transfer = {"recipient": "Example GmbH", "country_or_region": "DE", "data_categories": ["personal"],
                "important_data_designated": False, "pi_people": 70_000, "sensitive_pi_people": 0,
                "transfer_on": "2025-06-02"}
    for _ in range(2):
        client.post("/api/v1/data/transfers", json.dumps({"processor_id": processor_id, "transfer": transfer}),
                    content_type="application/json")
    rows = client.get("/api/v1/data/processors", {"on": "2025-07-01"}).json()
    assert rows == [{"id": processor_id, "organisation": organisation.name, "organisation_id": organisation.pk,
                     "is_ciio": False, "in_ftz": False, "ftz_code": "", "period_start": "2025-01-01",
                     "pi_people": 140_000, "sensitive_pi_people": 0}]
    assert client.get("/api/v1/data/processors", {"on": "2026-01-01"}).json()[0]["pi_people"] == 0
    client.force_login(world.user("enterprise_member", "shenzhen"))
    assert client.get("/api/v1/data/processors").json() == []
    response = client.post("/api/v1/data/processors", json.dumps({"organisation_id": organisation.pk}),
                           content_type="application/json")
    assert response.status_code in (400, 403)
    assert response.json()["code"] in ("unknown_organisation", "permission_denied")
    assert not selectors.processors(world.admin).exclude(pk=processor_id).exists()


def test_import_cannot_take_over_another_providers_dataset(world, tmp_path):
    from aiplus.core.errors import PermissionDeniedError

    build_catalogue(world)
    document = json.loads(export_text(tmp_path, "a.jsonld", world.admin.username))
    shenzhen = world.orgs["shenzhen:provider"]
    for node in document["dcat:dataset"]:
        node["dct:publisher"]["dct:identifier"] = shenzhen.credit_code
        node["aiplus:jurisdiction"] = "shenzhen"
    document["dcat:service"] = []
    before = export_text(tmp_path, "before.jsonld", world.admin.username), AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError) as error:
        services.import_catalogue(acting_user=world.user("provider", "shenzhen"), document=document)
    assert error.value.field == "dcat:dataset[0].dct:identifier"
    assert (export_text(tmp_path, "after.jsonld", world.admin.username), AuditEvent.objects.count()) == before


def test_search_goes_through_the_full_text_index_and_follows_edits(world):
    from django.db import connection

    dataset = build_catalogue(world)
    public = world.user("public")
    hits = selectors.search_datasets(public, q="缺陷检测")
    sql = str(hits.query)
    assert ("datahub_dataset_fts" in sql) if connection.vendor == "sqlite" else ("to_tsvector" in sql)
    assert [d.identifier for d in hits] == ["qc-images"]
    services.update_dataset(acting_user=world.user("provider"), dataset_id=dataset.pk, title="港口集装箱图像",
                            description="码头监控", keywords=["集装箱"])
    assert not selectors.search_datasets(public, q="缺陷检测").exists()
    assert [d.identifier for d in selectors.search_datasets(public, q="集装箱")] == ["qc-images"]
    # Query syntax of the index is never interpreted: quotes, operators and stars are plain text.
    for odd in ('"', 'AI* OR "x', "NOT 集装箱", "a - b", "(", "NEAR(集装箱)"):
        list(selectors.search_datasets(public, q=odd))
    Dataset.objects.filter(pk=dataset.pk).delete()
    assert not selectors.search_datasets(public, q="集装箱").exists()


def test_one_dataset_document_round_trips_too(world, client):
    dataset = build_catalogue(world)
    client.force_login(world.admin)
    first = client.get(f"/data/datasets/{dataset.pk}/dcat.jsonld").content
    DataService.objects.all().delete()
    Dataset.objects.filter(pk=dataset.pk).delete()
    counts = services.import_catalogue(acting_user=world.admin, document=json.loads(first))
    assert counts.counts == {"datasets": 1, "services": 0}
    again = Dataset.objects.get(identifier="qc-images")
    assert client.get(f"/data/datasets/{again.pk}/dcat.jsonld").content == first
    with pytest.raises(ServiceError) as error:
        services.import_catalogue(acting_user=world.admin, document={"@type": "dcat:Distribution"})
    assert error.value.field == "@type"
