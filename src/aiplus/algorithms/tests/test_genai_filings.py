"""Generative-AI dossiers (生成式人工智能服务上线备案与登记): a launch filing of a company's own model answers every
clause of GB/T 45654-2025 chapters 5–8 and is submitted once nothing is missing; a registration files a service that
calls a filed model; an official records the number, which the model then shows, and the place's national filing
target counts it. Pages, API and the printable dossier."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from aiplus.algorithms import selectors, services
from aiplus.algorithms.models import AlgorithmFiling, AlgorithmFilingStatus, ClauseFinding, FilingStatus
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import AuditEvent
from aiplus.core.testing import bearer, operation, signed_in

pytestmark = pytest.mark.django_db

SERVICE = {"legal_representative": "张三", "security_officer": "李四", "service_name": "姑苏问答",
           "main_functions": ["dialogue", "text"], "application_domain": "政务服务",
           "security_assessment": "third_party", "security_assessment_summary": "第三方评估：生成内容合格率 96%。",
           "inference_resources": "8 张加速卡，并发 200", "hosting": "own", "service_form": "app",
           "access_path": "应用商店：姑苏问答"}
LAUNCH = {**SERVICE, "corpus_summary": "开源语料 40%，自采语料 60%，共 2TB。", "annotation_rules_provided": True,
          "keyword_library_provided": True, "test_banks_provided": True}
CLAUSES = ["5.1", "5.2", "5.3", "6", "7", "8.1", "8.2", "8.3", "8.4"]


def _all_conform(but: dict[str, str] | None = None) -> list[dict[str, str]]:
    verdicts = {clause: "conforms" for clause in CLAUSES} | (but or {})
    return [{"clause": clause, "verdict": verdict, "evidence": f"见附件 {clause}"} for clause, verdict in
            verdicts.items()]


@pytest.fixture
def launch(member, secret_model):
    return services.create_filing(acting_user=member, kind="genai_filing", model_id=secret_model.pk,
                                  launched_on=dt.date(2026, 4, 30))


def _missing(filing):
    return services.missing_items(AlgorithmFiling.objects.get(pk=filing.pk))


def _writes():
    return AlgorithmFiling.objects.count(), ClauseFinding.objects.count(), AuditEvent.objects.count()


def test_the_clause_list_is_the_standards_chapters_5_to_8():
    assert [code for code, _name in selectors.safety_clauses()] == CLAUSES


def test_a_launch_filing_names_every_missing_item_and_every_clause(member, launch):
    assert launch.clock_basis["parameter"] == "algorithms.filing.initial_working_days"
    assert launch.due_on == dt.date(2026, 5, 18) and launch.organisation_id == launch.model.organisation_id
    missing = services.missing_items(launch)
    assert [f for f, _m in missing][:4] == ["legal_representative", "security_officer", "service_name",
                                            "main_functions"]
    assert sum(1 for f, _m in missing if f == "findings") == len(CLAUSES)
    services.update_filing(acting_user=member, filing_id=launch.pk, **LAUNCH)
    services.record_findings(acting_user=member, filing_id=launch.pk,
                             findings=_all_conform({"8.3": "does_not_conform"}))
    missing = _missing(launch)
    assert len(missing) == 1 and missing[0][0] == "findings" and "8.3" in str(missing[0][1])
    before = _writes()
    with pytest.raises(ServiceError) as refused:
        services.submit_filing(acting_user=member, filing_id=launch.pk)
    assert refused.value.field == "findings" and _writes() == before
    # a finding given again replaces the clause's; 不适用 needs its reason like 符合 needs its evidence
    services.record_findings(acting_user=member, filing_id=launch.pk,
                             findings=[{"clause": "8.3", "verdict": "not_applicable", "evidence": ""}])
    assert "8.3" in str(_missing(launch)[0][1])
    services.record_findings(acting_user=member, filing_id=launch.pk,
                             findings=[{"clause": "8.3", "verdict": "not_applicable",
                                        "evidence": "不提供对话外的服务"}])
    assert _missing(launch) == [] and ClauseFinding.objects.filter(filing=launch).count() == len(CLAUSES)
    event = AuditEvent.objects.filter(action="algorithms.filing.findings_recorded").latest("pk")
    assert event.before["findings"]["8.3"][0] == "not_applicable" and event.after["findings"]["8.3"][1]
    assert services.submit_filing(acting_user=member, filing_id=launch.pk).status == AlgorithmFilingStatus.SUBMITTED
    with pytest.raises(ServiceError):  # the table is a draft's
        services.record_findings(acting_user=member, filing_id=launch.pk, findings=_all_conform())


def test_hostile_findings_and_fields_are_refused_naming_the_field(world, member, launch, secret_model):
    before = _writes()
    for rows, field in (([{"clause": "9.1", "verdict": "conforms"}], "clause"),
                        ([{"clause": "5.1", "verdict": "maybe"}], "verdict"),
                        ([{"clause": "5.1", "verdict": "conforms", "evidence": "x" * 5001}], "evidence"),
                        ([{"clause": "5.1", "verdict": "conforms", "evidence": ["<b>"]}], "evidence"),
                        ([], "findings"),
                        # one bad row refuses the whole table: the good first row is not written either
                        ([{"clause": "5.1", "verdict": "conforms"}, {"clause": "x", "verdict": "conforms"}],
                         "clause")):
        with pytest.raises(ServiceError) as refused:
            services.record_findings(acting_user=member, filing_id=launch.pk, findings=rows)
        assert refused.value.field == field and 400 <= refused.value.status < 500
    for fields, field in (({"public_notice": "x"}, "public_notice"), ({"main_functions": ["telepathy"]},
                                                                      "main_functions"),
                          ({"main_functions": "dialogue"}, "main_functions"), ({"hosting": "moon"}, "hosting"),
                          ({"service_name": "x" * 201}, "service_name")):
        with pytest.raises(ServiceError) as refused:
            services.update_filing(acting_user=member, filing_id=launch.pk, **fields)
        assert refused.value.field == field
    with pytest.raises(PermissionDeniedError):  # an official never writes a company's table
        services.record_findings(acting_user=world.user("official"), filing_id=launch.pk, findings=_all_conform())
    with pytest.raises(NotFoundError):
        services.record_findings(acting_user=world.user("enterprise_member", "shenzhen"), filing_id=launch.pk,
                                 findings=_all_conform())
    with pytest.raises(PermissionDeniedError):  # another company's model is not theirs to file for launch
        services.create_filing(acting_user=world.user("enterprise_member", "shenzhen"), kind="genai_filing",
                               model_id=services.publish_model(acting_user=member, model_id=secret_model.pk,
                                                               is_published=True).pk,
                               launched_on=dt.date(2026, 5, 4))
    with pytest.raises(ServiceError) as refused:
        services.create_filing(acting_user=member, kind="genai_filing", model_id=None, launched_on=dt.date(2026, 5, 4))
    assert refused.value.field == "model"
    with pytest.raises(ServiceError) as refused:
        services.create_filing(acting_user=member, kind="telepathy", launched_on=dt.date(2026, 5, 4))
    assert refused.value.field == "kind"
    assert _writes()[0] == before[0] and _writes()[1] == before[1]


def test_the_official_records_the_number_the_model_shows_it_and_the_target_counts_it(world, member, launch,
                                                                                      secret_model):
    official = world.user("official")
    (target,) = [t for t in selectors.genai_filing_targets(official) if t["jurisdiction"].code == "suzhou"]
    assert target["target"] == 50 and target["year"] == 2027 and target["count"] == 0
    assert not target["parameter"].citation.setting  # an official target (苏府办〔2024〕140号)
    services.update_filing(acting_user=member, filing_id=launch.pk, **LAUNCH)
    services.record_findings(acting_user=member, filing_id=launch.pk, findings=_all_conform())
    services.submit_filing(acting_user=member, filing_id=launch.pk)
    services.record_filing_number(acting_user=official, filing_id=launch.pk, filing_number="Jiangsu-SuZhou-202601")
    secret_model.refresh_from_db()
    assert secret_model.filing_status == FilingStatus.FILED and secret_model.filing_number == "Jiangsu-SuZhou-202601"
    counted = selectors.national_genai_filings(target["jurisdiction"].pk)
    assert list(counted) == [launch]
    assert [t["count"] for t in selectors.genai_filing_targets(official) if t["jurisdiction"].code == "suzhou"] == [1]
    assert selectors.genai_filing_targets(member) == []  # a company's member sees no place's target
    # a registration of another company's service calling the filed model is provincial: not counted
    services.publish_model(acting_user=member, model_id=secret_model.pk, is_published=True)
    other = world.user("enterprise_member", "shenzhen")
    registration = services.create_filing(acting_user=other, kind="genai_registration", model_id=secret_model.pk,
                                          launched_on=dt.date(2026, 6, 1), **SERVICE)
    assert registration.called_model_filing_number == "Jiangsu-SuZhou-202601"
    assert services.missing_items(registration) == []
    assert registration.organisation_id == world.orgs["shenzhen:enterprise"].pk
    services.submit_filing(acting_user=other, filing_id=registration.pk)
    services.record_filing_number(acting_user=world.user("official", "shenzhen"), filing_id=registration.pk,
                                  filing_number="Guangdong-ShenZhen-202601S")
    assert selectors.national_genai_filings(target["jurisdiction"].pk).count() == 1
    secret_model.refresh_from_db()
    assert secret_model.filing_number == "Jiangsu-SuZhou-202601"  # the registration's number is the service's


# --- pages and API ------------------------------------------------------------------------------------------------

def test_the_launch_filing_through_the_pages_and_its_pdf(world, member, secret_model):
    client = signed_in(member)
    assert client.get("/algorithms/filings/new/", {"kind": "genai_filing"}).status_code == 200
    assert client.get("/algorithms/filings/new/", {"kind": "telepathy"}).status_code == 400
    response = client.post("/algorithms/filings/new/?kind=genai_filing",
                           {"model": secret_model.pk, "launched_on": "2026-04-30", "service_name": "<b>姑苏</b>问答",
                            "main_functions": ["dialogue", "code"]})
    filing = AlgorithmFiling.objects.get()
    assert response.status_code == 302 and filing.kind == "genai_filing" and filing.main_functions == ["dialogue",
                                                                                                      "code"]
    page = client.get(f"/algorithms/filings/{filing.pk}/").content.decode()
    assert 'data-testid="filing-findings"' in page and 'data-testid="filing-findings-go"' in page
    assert "&lt;b&gt;姑苏&lt;/b&gt;问答" in page and 'data-basis="setting"' in page  # the review-time hint
    table = {f"verdict_{c.replace('.', '_')}": "conforms" for c in CLAUSES}
    table |= {f"evidence_{c.replace('.', '_')}": f"依据 {c}" for c in CLAUSES}
    table["verdict_8_4"] = "does_not_conform"
    assert client.post(f"/algorithms/filings/{filing.pk}/", {**table, "action": "findings"}).status_code == 302
    page = client.get(f"/algorithms/filings/{filing.pk}/").content.decode()
    assert 'data-verdict="does_not_conform"' in page and "8.4" in page
    refused = client.post(f"/algorithms/filings/{filing.pk}/", {**table, "evidence_5_1": "x" * 5001,
                                                                "action": "findings"})
    assert refused.status_code == 400 and ClauseFinding.objects.get(filing=filing, clause="5.1").evidence == "依据 5.1"
    pdf = client.get(f"/algorithms/filings/{filing.pk}/dossier.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "<b>姑苏</b>问答" in text and "8.4" in text and "不符合" in text and "依据 8.4" in text
    assert signed_in(world.user("enterprise_member", "shenzhen")).get(
        f"/algorithms/filings/{filing.pk}/dossier.pdf").status_code == 404
    official = signed_in(world.user("official")).get("/algorithms/filings/", {"kind": "genai_filing"})
    listed = official.content.decode()
    assert f'data-pk="{filing.pk}"' in listed and 'data-testid="genai-filing-target"' in listed


def test_the_launch_filing_and_a_registration_through_the_api(world, member, secret_model):
    api = bearer(member)
    create = operation("aiplus_algorithms_api_create_filing")
    wrong_kind = api.post(create, {"kind": "genai_filing", "model_id": secret_model.pk, "launched_on": "2026-04-30",
                                   "public_notice": "x"}, content_type="application/json")
    assert wrong_kind.status_code == 400 and wrong_kind.json()["field"] == "public_notice"
    created = api.post(create, {"kind": "genai_filing", "model_id": secret_model.pk, "launched_on": "2026-04-30",
                                **LAUNCH}, content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["kind"] == "genai_filing" and body["subject"] == "姑苏问答" and body["missing"] == ["findings"] * 9
    pk = body["id"]
    findings = operation("aiplus_algorithms_api_record_findings", filing_id=pk)
    bad = api.put(findings, {"findings": [{"clause": "5.1", "verdict": "maybe"}]}, content_type="application/json")
    assert bad.status_code == 422 and "verdict" in bad.content.decode()
    unknown = api.put(findings, {"findings": [{"clause": "9", "verdict": "conforms"}]},
                      content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["field"] == "clause"
    done = api.put(findings, {"findings": _all_conform()}, content_type="application/json")
    assert done.status_code == 200 and done.json()["missing"] == [] and len(done.json()["findings"]) == 9
    assert api.post(operation("aiplus_algorithms_api_submit_filing", filing_id=pk)).status_code == 200
    official = bearer(world.user("official"))
    number = operation("aiplus_algorithms_api_record_filing_number", filing_id=pk)
    assert official.post(number, {"filing_number": "Jiangsu-SuZhou-202602"},
                         content_type="application/json").status_code == 200
    targets = official.get(operation("aiplus_algorithms_api_genai_filing_targets")).json()
    shown = {k: v for k, v in targets[0].items() if k != "citation"}
    assert shown == {"jurisdiction": "suzhou", "year": 2027, "target": 50, "count": 1, "gap": 49}
    assert "苏府办" in targets[0]["citation"]
    pdf = api.get(operation("aiplus_algorithms_api_filing_dossier", filing_id=pk))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    listed = official.get(operation("aiplus_algorithms_api_list_filings"), {"kind": "genai_filing"}).json()
    assert [row["id"] for row in listed["items"]] == [pk] and listed["items"][0]["algorithm_type"] is None
    # a registration by another company: the called model must be one they see with a number
    services.publish_model(acting_user=member, model_id=secret_model.pk, is_published=True)
    other = bearer(world.user("enterprise_member", "shenzhen"))
    registered = other.post(create, {"kind": "genai_registration", "model_id": secret_model.pk,
                                     "launched_on": "2026-06-01", **SERVICE}, content_type="application/json")
    assert registered.status_code == 201, registered.json()
    assert registered.json()["called_model_filing_number"] == "Jiangsu-SuZhou-202602"
    assert registered.json()["missing"] == [] and registered.json()["findings"] == []
