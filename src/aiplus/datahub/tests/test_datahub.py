"""Catalogue, DCAT-AP round trip, access workflow, classification, cross-border records, GBA filings, pages."""

import datetime as dt
import json

import pytest

from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import AuditEvent, Notification
from aiplus.datahub import selectors, services
from aiplus.datahub.models import (
    AccessRequest,
    Agreement,
    AnnualCounter,
    DataAsset,
    DataService,
    Dataset,
    GbaFiling,
    PathDecision,
    TransferRecord,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(world):
    return world.user("provider", "suzhou")


def make_dataset(world, place="suzhou", **extra):
    values = {"title": "苏州市企业登记信息", "description": "工商登记数据，用于人工智能训练", "sector": "市场监管",
              "theme": "经济建设", "open_attribute": "unconditional", "modality": "tabular", "is_published": True,
              "keywords": ["企业", "登记"], "record_count": 1000, "temporal_start": dt.date(2020, 1, 1),
              "issued": dt.date(2024, 5, 1), "high_quality": True, "annotation_method": "人工",
              "distributions": [{"format": "CSV", "download_url": "https://example.org/a.csv", "byte_size": 10}]}
    values.update(extra)
    identifier = values.pop("identifier", f"ds-{place}-{Dataset.objects.count() + 1}")
    return services.create_dataset(acting_user=world.user("provider", place),
                                   provider_id=world.orgs[f"{place}:provider"].pk, identifier=identifier, **values)


def events(action):
    return AuditEvent.objects.filter(action=action).count()


# --- catalogue -------------------------------------------------------------------------------------------------

def test_create_dataset_indexes_tokens_and_audits_once(world):
    before = AuditEvent.objects.count()
    dataset = make_dataset(world)
    assert AuditEvent.objects.count() == before + 1
    assert " 登记 " in dataset.search_tokens and " 工商登记 " in dataset.search_tokens
    assert dataset.distributions.count() == 1


def test_search_tokens_and_facets(world):
    make_dataset(world)
    make_dataset(world, title="城市交通视频数据", description="路口监控视频", sector="交通", modality="video",
                 keywords=["交通"], distributions=[{"format": "MP4"}])
    hits = selectors.search_datasets(world.user("public"), q="交通")
    assert [d.title for d in hits] == ["城市交通视频数据"]
    assert selectors.search_datasets(world.user("public"), q="企业登记").count() == 1
    assert selectors.search_datasets(world.user("public"), format="csv").count() == 1
    facets = selectors.facets(selectors.search_datasets(world.user("public")))
    assert {f["value"] for f in facets["modality"]} == {"tabular", "video"}
    assert {f["value"] for f in facets["format"]} == {"CSV", "MP4"}


def test_dcat_export_import_export_is_identical(world):
    dataset = make_dataset(world, open_attribute="conditional", update_frequency="2",
                           temporal_end=dt.date(2024, 12, 31),
                           lineage="来自登记系统", language="zh", size_bytes=12345, spatial_coverage="苏州市")
    make_dataset(world, title="无分发", distributions=[], is_published=False)
    service = DataService.objects.create(identifier="svc-1", title="登记接口", endpoint_url="https://example.org/api",
                                         provider=dataset.provider, jurisdiction=dataset.jurisdiction)
    service.serves.add(dataset)
    admin = world.admin
    first = selectors.catalogue_document(admin)
    DataService.objects.all().delete()
    Dataset.objects.all().delete()
    assert selectors.catalogue_document(admin)["dcat:dataset"] == []
    counts = services.import_catalogue(acting_user=admin, document=json.loads(json.dumps(first)))
    assert counts.counts == {"datasets": 2, "services": 1}
    assert selectors.catalogue_document(admin) == first


def test_bad_dcat_import_names_the_field_and_changes_nothing(world):
    make_dataset(world)
    document = selectors.catalogue_document(world.admin)
    document["dcat:dataset"][0]["dct:accessRights"] = {"@id": "nonsense"}
    before = Dataset.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as error:
        services.import_catalogue(acting_user=world.admin, document=document)
    assert error.value.field == "dcat:dataset[0].dct:accessRights"
    assert (Dataset.objects.count(), AuditEvent.objects.count()) == before


def test_shenzhen_cannot_see_suzhou_non_public_datasets(world, client):
    hidden = make_dataset(world, is_published=False, title="苏州内部数据")
    public = make_dataset(world, title="苏州公开数据")
    shenzhen = world.user("official", "shenzhen")
    assert not selectors.datasets(shenzhen).filter(pk=hidden.pk).exists()
    assert selectors.datasets(shenzhen).filter(pk=public.pk).exists()
    assert selectors.datasets(world.user("official", "suzhou")).filter(pk=hidden.pk).exists()
    client.force_login(shenzhen)
    assert client.get(f"/data/datasets/{hidden.pk}/").status_code == 404
    assert "苏州内部数据" not in client.get("/data/").content.decode()
    assert client.get(f"/api/v1/data/datasets/{hidden.pk}").status_code == 404
    assert client.get("/api/v1/data/datasets?q=苏州").json()["count"] == 1


def test_api_create_dataset_rejects_negative_count(world, client):
    client.force_login(world.user("provider"))
    before = Dataset.objects.count(), AuditEvent.objects.count()
    response = client.post("/api/v1/data/datasets", json.dumps({
        "provider_id": world.orgs["suzhou:provider"].pk, "identifier": "x", "title": "x", "record_count": -5}),
        content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "record_count"
    assert (Dataset.objects.count(), AuditEvent.objects.count()) == before


def test_catalogue_list_page_query_budget(world, client, django_assert_max_num_queries):
    for index in range(30):
        make_dataset(world, title=f"数据集{index}")
    client.force_login(world.user("official"))
    with django_assert_max_num_queries(16):
        response = client.get("/data/?q=数据集")
    assert response.status_code == 200


# --- access --------------------------------------------------------------------------------------------------

def test_access_request_approve_agreement_revoke_and_audit(world):
    dataset = make_dataset(world, open_attribute="conditional")
    requester = world.user("enterprise_member", "shenzhen")
    before = AuditEvent.objects.count()
    request = services.request_access(acting_user=requester, dataset_id=dataset.pk, purpose="训练模型",
                                      usage_scope="内部研发", security_measures="脱敏、访问控制", duration_days=30)
    assert AuditEvent.objects.count() == before + 1
    with pytest.raises(ServiceError):
        services.decide_access(acting_user=requester, request_id=request.pk, decision="approve")
    services.decide_access(acting_user=world.user("provider"), request_id=request.pk, decision="approve",
                           on=dt.date(2025, 6, 2))
    assert AuditEvent.objects.count() == before + 2
    agreement = Agreement.objects.get(access_request=request)
    assert agreement.expires_on == dt.date(2025, 7, 2)
    assert services.notify_expiring_agreements(today=dt.date(2025, 6, 25)) == 1
    assert Notification.objects.filter(recipient=requester, verb="datahub.access.expiring").count() == 1
    assert services.notify_expiring_agreements(today=dt.date(2025, 6, 26)) == 0
    services.revoke_access(acting_user=world.user("provider"), request_id=request.pk, comment="违规使用")
    request.refresh_from_db()
    assert request.status == "revoked" and Agreement.objects.get(pk=agreement.pk).revoked_on
    assert AuditEvent.objects.filter(action__startswith="datahub.access").count() == 3


def test_access_request_bad_input_and_visibility(world, client):
    dataset = make_dataset(world, open_attribute="conditional")
    requester = world.user("enterprise_member", "suzhou")
    with pytest.raises(ServiceError) as error:
        services.request_access(acting_user=requester, dataset_id=dataset.pk, purpose="x", usage_scope="y",
                                security_measures="z", duration_days=-1)
    assert error.value.field == "duration_days"
    assert AccessRequest.objects.count() == 0
    request = services.request_access(acting_user=requester, dataset_id=dataset.pk, purpose="x", usage_scope="y",
                                      security_measures="z", duration_days=10)
    shenzhen = world.user("official", "shenzhen")
    assert not selectors.access_requests(shenzhen).exists()
    client.force_login(shenzhen)
    assert client.get(f"/data/access/{request.pk}/").status_code == 404
    assert client.get("/api/v1/data/access-requests").json()["count"] == 0
    client.force_login(world.user("official", "suzhou"))
    assert client.get("/api/v1/data/access-requests").json()["count"] == 1


def test_expiring_grants_command(world):
    from django.core.management import call_command

    call_command("notify_expiring_grants", "--today", "2025-01-01")


# --- classification ------------------------------------------------------------------------------------------

def test_assets_important_catalogue_and_duties(world):
    member = world.user("enterprise_member")
    organisation = world.orgs["suzhou:enterprise"]
    asset = services.register_asset(acting_user=member, organisation_id=organisation.pk, name="客户表",
                                     category="个人信息", grade="important", pi_people=50)
    services.declare_important_data(acting_user=member, asset_id=asset.pk)
    assert list(selectors.important_catalogue(member)) == [DataAsset.objects.get(pk=asset.pk)]
    general = services.register_asset(acting_user=member, organisation_id=organisation.pk, name="日志",
                                      category="日志", grade="general", internal_level=2)
    with pytest.raises(ServiceError) as error:
        services.declare_important_data(acting_user=member, asset_id=general.pk)
    assert error.value.field == "grade"
    with pytest.raises(ServiceError) as error:
        services.register_asset(acting_user=member, organisation_id=organisation.pk, name="x", category="x",
                                grade="secret")
    assert error.value.field == "grade"
    services.update_security_profile(acting_user=member, organisation_id=organisation.pk, security_officer="张三",
                                     last_risk_assessment_on=dt.date(2024, 3, 1))
    incident = services.report_incident(acting_user=member, organisation_id=organisation.pk, title="泄露",
                                        discovered_at=dt.datetime(2025, 6, 2, 8, tzinfo=dt.UTC))
    assert incident.report_due_at == dt.datetime(2025, 6, 3, 8, tzinfo=dt.UTC)
    duties = {d.code: d for d in selectors.duties(member, organisation.pk, today=dt.date(2025, 6, 2))}
    assert duties["security_officer"].applies and not duties["security_officer"].overdue
    assert duties["annual_risk_assessment"].due_on == dt.date(2025, 3, 1)
    assert duties["annual_risk_assessment"].overdue
    assert duties["incident_report"].citation["article"] == "10"
    assert events("datahub.asset.registered") == 2


# --- cross-border ----------------------------------------------------------------------------------------------

TRANSFER = {"recipient": "Example GmbH", "country_or_region": "DE", "data_categories": ["personal"],
            "pi_people": 60_000, "sensitive_pi_people": 0, "transfer_on": "2025-06-02"}


def test_record_transfer_uses_and_updates_the_annual_counter(world):
    member = world.user("enterprise_member")
    processor = services.register_processor(acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk)
    first = services.record_transfer(acting_user=member, processor_id=processor.pk, transfer=TRANSFER)
    assert first.decision.outcome == "exempt"
    before = AuditEvent.objects.count()
    second = services.record_transfer(
        acting_user=member, processor_id=processor.pk, transfer=TRANSFER,
        milestones={"contract_effective_on": "2025-06-03"})
    assert AuditEvent.objects.count() == before + 1
    assert second.decision.outcome == "standard_contract_or_certification"
    assert second.decision.decision["outcome"] == "standard_contract_or_certification"
    assert second.decision.next_due_on is not None
    counter = AnnualCounter.objects.get(processor=processor)
    assert counter.pi_people == 120_000 and counter.period_start == dt.date(2025, 1, 1)
    services.record_transfer(acting_user=member, processor_id=processor.pk,
                             transfer={**TRANSFER, "transfer_on": "2026-01-05"})
    assert AnnualCounter.objects.get(processor=processor, period_start=dt.date(2026, 1, 1)).pi_people == 60_000


@pytest.mark.parametrize(("change", "field"), [({"pi_people": -1}, "transfer.pi_people"),
                                               ({"country_or_region": "XX"}, "transfer.country_or_region")])
def test_record_transfer_bad_input_changes_nothing(world, change, field):
    member = world.user("enterprise_member")
    processor = services.register_processor(acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk)
    before = TransferRecord.objects.count(), PathDecision.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as error:
        services.record_transfer(acting_user=member, processor_id=processor.pk, transfer={**TRANSFER, **change})
    assert error.value.field == field
    assert (TransferRecord.objects.count(), PathDecision.objects.count(), AuditEvent.objects.count()) == before
    assert not AnnualCounter.objects.exists()


@pytest.mark.parametrize("typed", ["DE", "de", "德国", "Germany", " germany "])
def test_api_assess_takes_the_country_by_code_or_name(client, typed):
    response = client.post("/api/v1/data/assess", json.dumps({"transfer": {**TRANSFER, "country_or_region": typed}}),
                           content_type="application/json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", "找不到国家或地区“亚特兰蒂斯”：请填写中文名、英文名或两位代码"),
    ("en", "No country or region is called “亚特兰蒂斯”: give its name or two-letter code (e.g. Germany, DE)"),
])
def test_api_an_unknown_country_is_named_in_the_request_language(client, language, expected):
    response = client.post("/api/v1/data/assess",
                           json.dumps({"transfer": {**TRANSFER, "country_or_region": "亚特兰蒂斯"}}),
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    body = response.json()
    assert response.status_code == 422 and body["field"] == "country_or_region" and body["code"] == "unknown_country"
    assert expected in body["message"], body["message"]


def test_api_assess_names_bad_fields_and_publishes_schema(client):
    bad = {"transfer": {**TRANSFER, "pi_people": -3}}
    response = client.post("/api/v1/data/assess", json.dumps(bad), content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "pi_people"
    response = client.post("/api/v1/data/assess", json.dumps({"transfer": {**TRANSFER, "country_or_region": "QQ"}}),
                           content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "country_or_region"
    ok = client.post("/api/v1/data/assess", json.dumps({"transfer": TRANSFER}), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["outcome"] == "incomplete"
    assert "processor.is_ciio" in ok.json()["missing"]
    schema = client.get("/api/v1/openapi.json").json()
    assert "TransferCase" in schema["components"]["schemas"]
    assert "GbaContractCase" in schema["components"]["schemas"]


def test_api_record_transfer_bad_input_names_the_field(world, client):
    processor = services.register_processor(acting_user=world.user("enterprise_member"),
                                             organisation_id=world.orgs["suzhou:enterprise"].pk)
    client.force_login(world.user("enterprise_member"))
    for change, field in (({"pi_people": -1}, "transfer.pi_people"),
                          ({"country_or_region": "ZZ"}, "transfer.country_or_region")):
        response = client.post("/api/v1/data/transfers", json.dumps(
            {"processor_id": processor.pk, "transfer": {**TRANSFER, **change}}), content_type="application/json")
        assert response.status_code == 400 and response.json()["field"] == field
    assert not TransferRecord.objects.exists() and not AnnualCounter.objects.exists()
    ok = client.post("/api/v1/data/transfers", json.dumps({"processor_id": processor.pk, "transfer": TRANSFER}),
                     content_type="application/json")
    assert ok.status_code == 201 and ok.json()["outcome"] == "exempt"


def test_api_shenzhen_cannot_record_for_suzhou(world, client):
    processor = services.register_processor(acting_user=world.user("enterprise_member"),
                                             organisation_id=world.orgs["suzhou:enterprise"].pk)
    client.force_login(world.user("enterprise_member", "shenzhen"))
    response = client.post("/api/v1/data/transfers", json.dumps({"processor_id": processor.pk, "transfer": TRANSFER}),
                           content_type="application/json")
    assert response.status_code == 404
    assert not TransferRecord.objects.exists()


# --- GBA -------------------------------------------------------------------------------------------------------

GBA = {"processor": {"name": "深圳甲公司", "location": "shenzhen-nanshan"},
       "recipient": {"name": "HK Ltd", "location": "HK"}, "data_categories": ["personal"],
       "effective_on": "2025-06-02", "contract_effective_on": "2025-06-03",
       "documents_provided": ["signed_contract"]}


def test_gba_filing_clock_documents_and_receipt(world, client):
    from aiplus.core.models import WorkflowTimer

    member = world.user("enterprise_member", "shenzhen")
    organisation = world.orgs["shenzhen:enterprise"]
    before = AuditEvent.objects.count()
    filing = services.create_gba_filing(acting_user=member, organisation_id=organisation.pk, case=GBA)
    assert AuditEvent.objects.count() == before + 1
    timer = WorkflowTimer.objects.get(object_type="datahub.gbafiling", object_id=str(filing.pk))
    assert timer.working_days == 10 and timer.due_on == filing.filing_due_on
    with pytest.raises(ServiceError) as error:
        services.file_gba_filing(acting_user=member, filing_id=filing.pk)
    assert error.value.field == "documents_provided"
    from aiplus.regulation.runtime import parameters

    required = list(parameters().value("crossborder.gba.required_documents", dt.date(2025, 6, 2)))
    filed = services.file_gba_filing(acting_user=member, filing_id=filing.pk, documents_provided=required,
                                     on=dt.date(2025, 6, 10))
    assert filed.status == "filed" and filed.receipt_number
    timer.refresh_from_db()
    assert timer.status == "met"
    assert AuditEvent.objects.count() == before + 2
    client.force_login(world.user("official", "shenzhen"))
    assert filed.receipt_number in client.get(f"/data/filings/{filing.pk}/receipt/").content.decode()
    assert client.get("/data/filings/").status_code == 200
    client.force_login(world.user("official", "suzhou"))
    assert client.get(f"/data/filings/{filing.pk}/receipt/").status_code == 404


def test_gba_party_outside_gba_is_refused_naming_the_field(world, client):
    member = world.user("enterprise_member", "shenzhen")
    organisation = world.orgs["shenzhen:enterprise"]
    case = {**GBA, "processor": {"name": "苏州乙公司", "location": "suzhou"}}
    before = GbaFiling.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as error:
        services.create_gba_filing(acting_user=member, organisation_id=organisation.pk, case=case)
    assert error.value.field == "processor.location"
    client.force_login(member)
    response = client.post("/api/v1/data/gba-filings", json.dumps({"organisation_id": organisation.pk, "case": case}),
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "processor.location"
    assert (GbaFiling.objects.count(), AuditEvent.objects.count()) == before


def test_gba_filing_permission(world):
    with pytest.raises((PermissionDeniedError, ServiceError)):
        services.create_gba_filing(acting_user=world.user("enterprise_member", "suzhou"),
                                   organisation_id=world.orgs["shenzhen:enterprise"].pk, case=GBA)


# --- pages -----------------------------------------------------------------------------------------------------

def test_guided_assessment_asks_missing_facts_then_decides(client):
    base = {"transfer.recipient": "Example GmbH", "transfer.country_or_region": "DE",
            "transfer.data_categories": ["personal"], "transfer.transfer_on": "2025-06-02"}
    first = client.post("/data/assess/", base, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="question-processor-is_ciio"' in first
    complete = {**base, "processor.is_ciio": "false", "transfer.pi_people": "500", "cumulative.pi_people": "0"}
    second = client.post("/data/assess/", complete, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-outcome="exempt"' in second
    printable = client.post("/data/assess/decision/", complete).content.decode()
    assert "促进和规范数据跨境流动规定" in printable
    bad = client.post("/data/assess/", {**base, "transfer.country_or_region": "XX"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert 'data-field="transfer.country_or_region"' in bad


def test_pages_render(world, client):
    dataset = make_dataset(world, open_attribute="conditional")
    client.force_login(world.user("enterprise_member"))
    assert client.get(f"/data/datasets/{dataset.pk}/").status_code == 200
    response = client.post(f"/data/datasets/{dataset.pk}/request/", {
        "purpose": "a", "usage_scope": "b", "security_measures": "c", "duration_days": "5"})
    assert response.status_code == 302
    assert client.get("/data/access/").status_code == 200
    assert client.get("/data/assets/").status_code == 200
    assert json.loads(client.get(f"/data/datasets/{dataset.pk}/dcat.jsonld").content)["@type"] == "dcat:Dataset"
    assert client.get("/data/catalogue.jsonld").status_code == 200


def test_assessment_names_the_exemptions_in_the_page_language(client):
    import re

    from django.utils import translation

    from aiplus.datahub.crossborder import Exemption

    with translation.override(translation.get_language()):
        zh = client.get("/data/assess/").content.decode()
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        en = client.get("/data/assess/").content.decode()
    for page, word in ((zh, "第六条"), (en, "art. 6")):
        labels = dict(re.findall(r'<label data-exemption="([a-z_]+)">.*?> (.*?)</label>', page, re.S))
        assert set(labels) == {e.value for e in Exemption}
        assert all(code not in text for code, text in labels.items())  # a name, not the code
        assert word in labels["ftz_negative_list"]
    assert "free trade zone" in dict(re.findall(r'data-exemption="([a-z_]+)">.*?> (.*?)</label>', en, re.S))[
        "ftz_negative_list"]


def test_api_assess_cites_in_the_request_language(client):
    import re

    case = {"processor": {"is_ciio": False}, "transfer": {**TRANSFER, "pi_people": 150_000},
            "cumulative": {"pi_people": 0, "sensitive_pi_people": 0}}
    from django.utils import translation

    with translation.override(translation.get_language()):  # the client leaves the language it activated
        zh = client.post("/api/v1/data/assess", json.dumps(case), content_type="application/json").json()
        en = client.post("/api/v1/data/assess", json.dumps(case), content_type="application/json",
                         HTTP_ACCEPT_LANGUAGE="en").json()
    assert zh["outcome"] == en["outcome"]
    zh_labels = [r["citation_label"] for r in zh["reasons"] if r.get("citation_label")]
    en_labels = [r["citation_label"] for r in en["reasons"] if r.get("citation_label")]
    assert zh_labels and len(zh_labels) == len(en_labels)
    assert all("《" in label for label in zh_labels)
    assert not any(re.search(r"[\u4e00-\u9fff]", label) for label in en_labels), en_labels
    assert [r["citation"] for r in zh["reasons"]] == [r["citation"] for r in en["reasons"]]


@pytest.mark.parametrize("typed", ["DE", "德国", "Germany"])
def test_assessment_country_is_picked_by_code_or_name(client, typed):
    answers = {"transfer.recipient": "Example GmbH", "transfer.country_or_region": typed,
               "transfer.data_categories": ["personal"], "transfer.transfer_on": "2025-06-02",
               "processor.is_ciio": "false", "transfer.pi_people": "500", "cumulative.pi_people": "0"}
    page = client.post("/data/assess/", answers, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-outcome="exempt"' in page


def test_an_unknown_country_is_a_translated_error_beside_its_field(client):
    page = client.post("/data/assess/", {"transfer.country_or_region": "Atlantis"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="error-transfer-country_or_region"' in page and "找不到“Atlantis”" in page
