"""Algorithm filing dossiers (算法备案): a company's members keep the dossier and submit it once nothing is missing;
an official of the place (never a member of the filing organisation) records the number; changes and the end of
service open new clocks, counted in working days on the official calendar, stored with their citation."""

import datetime as dt

import pytest
from django.test import Client

from aiplus.algorithms import selectors, services
from aiplus.algorithms.models import AlgorithmFiling, AlgorithmFilingStatus
from aiplus.core import permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import AuditEvent, Notification, RoleAssignment
from aiplus.core.testing import bearer, operation, signed_in

pytestmark = pytest.mark.django_db

COMPLETE = {"legal_representative": "张三", "security_officer": "李四", "pledge_provided": True,
            "responsibility_report_provided": True, "self_assessment": "自评估：风险可控。",
            "public_notice": "本算法根据用户输入生成文本。", "service_form": "app", "access_path": "应用商店：姑苏助手"}


@pytest.fixture
def algorithm(member, company):
    return services.create_algorithm(acting_user=member, organisation_id=company.pk, name="姑苏生成合成算法",
                                     algorithm_type="generation_synthesis", application_field="政务服务")


@pytest.fixture
def draft(member, algorithm):
    # launched the day before the May Day holidays of 2026 (1–5 May off, Saturday 9 May worked)
    return services.create_filing(acting_user=member, algorithm_id=algorithm.pk, launched_on=dt.date(2026, 4, 30))


def _writes():
    return AlgorithmFiling.objects.count(), AuditEvent.objects.count()


def test_the_initial_clock_runs_on_the_official_calendar_with_its_citation(draft):
    # ten working days after 30 April 2026: 6, 7, 8, 9 (a worked Saturday), 11–15 and 18 May
    assert draft.due_on == dt.date(2026, 5, 18)
    assert draft.clock == "initial" and draft.status == AlgorithmFilingStatus.DRAFT
    assert draft.clock_basis["parameter"] == "algorithms.filing.initial_working_days"
    assert draft.clock_basis["value"] == 10
    assert draft.clock_basis["citation"]["article"] == "24"
    assert draft.organisation_id == draft.algorithm.organisation_id
    assert draft.jurisdiction_id == draft.algorithm.jurisdiction_id


def test_every_missing_item_is_named_and_submission_waits_for_them(member, draft):
    names = [field for field, _message in services.missing_items(draft)]
    assert names == ["legal_representative", "security_officer", "pledge_provided",
                     "responsibility_report_provided", "self_assessment", "public_notice", "service_form",
                     "access_path"]
    before = _writes()
    with pytest.raises(ServiceError) as refused:
        services.submit_filing(acting_user=member, filing_id=draft.pk)
    assert refused.value.field == "legal_representative" and 400 <= refused.value.status < 500
    assert _writes() == before
    incomplete = dict(COMPLETE, pledge_provided=False)
    services.update_filing(acting_user=member, filing_id=draft.pk, **incomplete)
    with pytest.raises(ServiceError) as refused:
        services.submit_filing(acting_user=member, filing_id=draft.pk)
    assert refused.value.field == "pledge_provided"
    services.update_filing(acting_user=member, filing_id=draft.pk, pledge_provided=True)
    submitted = services.submit_filing(acting_user=member, filing_id=draft.pk)
    assert submitted.status == AlgorithmFilingStatus.SUBMITTED and submitted.submitted_at is not None
    assert services.missing_items(submitted) == []
    with pytest.raises(ServiceError):  # a submitted dossier is no draft any more
        services.update_filing(acting_user=member, filing_id=draft.pk, access_path="x")


def test_hostile_input_is_refused_naming_the_field_with_nothing_written(member, algorithm, draft):
    before = _writes()
    for fields, field in (({"service_form": "fax"}, "service_form"), ({"access_path": "x" * 301}, "access_path"),
                          ({"launched_on": "2026-13-01"}, "launched_on"), ({"colour": "red"}, "colour"),
                          ({"legal_representative": "x" * 101}, "legal_representative")):
        with pytest.raises(ServiceError) as refused:
            services.update_filing(acting_user=member, filing_id=draft.pk, **fields)
        assert refused.value.field == field and 400 <= refused.value.status < 500
    with pytest.raises(ServiceError) as refused:
        services.create_filing(acting_user=member, algorithm_id=algorithm.pk, launched_on=None)
    assert refused.value.field == "launched_on"
    with pytest.raises(ServiceError) as refused:
        services.create_filing(acting_user=member, algorithm_id=999999, launched_on=dt.date(2026, 1, 5))
    assert refused.value.field == "algorithm"
    assert _writes() == before


def test_separation_of_duties_and_places(world, member, company, draft):
    services.update_filing(acting_user=member, filing_id=draft.pk, **COMPLETE)
    services.submit_filing(acting_user=member, filing_id=draft.pk)
    official = world.user("official")
    # the official may not keep the company's dossier
    with pytest.raises(PermissionDeniedError):
        services.update_filing(acting_user=official, filing_id=draft.pk, access_path="x")
    with pytest.raises(PermissionDeniedError):  # a member never records their own filing's number
        services.record_filing_number(acting_user=member, filing_id=draft.pk, filing_number="网信算备1")
    with pytest.raises(NotFoundError):  # an official of another place does not see it
        services.record_filing_number(acting_user=world.user("official", "shenzhen"), filing_id=draft.pk,
                                      filing_number="网信算备1")
    with pytest.raises(NotFoundError):
        services.update_filing(acting_user=world.user("enterprise_member", "shenzhen"), filing_id=draft.pk,
                               access_path="x")
    for number in ("", "   ", "x" * 81):
        with pytest.raises(ServiceError) as refused:
            services.record_filing_number(acting_user=official, filing_id=draft.pk, filing_number=number)
        assert refused.value.field == "filing_number"
    filed = services.record_filing_number(acting_user=official, filing_id=draft.pk,
                                          filing_number="网信算备320500000000001号", filed_on=dt.date(2026, 5, 12))
    assert filed.status == AlgorithmFilingStatus.FILED and filed.due_on is None
    assert selectors.filing_of(member, draft.algorithm).filing_number == "网信算备320500000000001号"
    assert not selectors.filings(world.user("enterprise_member", "shenzhen")).exists()
    assert AuditEvent.objects.filter(action="algorithms.filing.number_recorded").count() == 1
    told = Notification.objects.get(recipient=member, verb="algorithms.filing.number_recorded")
    assert told.link == f"/algorithms/filings/{draft.pk}/"
    # an official who is also a member of the filing organisation is no official for it
    RoleAssignment.objects.create(user=official, role="enterprise_member", organisation=company, active=True)
    permissions.forget(official)
    with pytest.raises(PermissionDeniedError):
        services.record_filing_number(acting_user=official, filing_id=draft.pk, filing_number="网信算备2")


def test_a_change_and_the_end_of_service_open_their_clocks(world, member, draft):
    services.update_filing(acting_user=member, filing_id=draft.pk, **COMPLETE)
    services.submit_filing(acting_user=member, filing_id=draft.pk)
    with pytest.raises(ServiceError):  # not filed yet
        services.report_change(acting_user=member, filing_id=draft.pk, change_on=dt.date(2026, 6, 1))
    services.record_filing_number(acting_user=world.user("official"), filing_id=draft.pk, filing_number="A-1")
    with pytest.raises(PermissionDeniedError):
        services.report_change(acting_user=world.user("official"), filing_id=draft.pk, change_on=dt.date(2026, 6, 1))
    changed = services.report_change(acting_user=member, filing_id=draft.pk, change_on=dt.date(2026, 9, 30))
    # ten working days after 30 September 2026 across the National Day holidays
    assert changed.status == AlgorithmFilingStatus.CHANGED and changed.due_on == dt.date(2026, 10, 20)
    assert changed.clock_basis["parameter"] == "algorithms.filing.change_working_days"
    ended = services.deregister_filing(acting_user=member, filing_id=draft.pk, ended_on=dt.date(2026, 3, 2))
    assert ended.status == AlgorithmFilingStatus.DEREGISTERED and ended.due_on == dt.date(2026, 3, 30)
    assert ended.clock_basis["value"] == 20
    due = list(selectors.filings_due(world.user("official")))
    assert due == [ended] and due[0].overdue  # 30 March 2026 has passed
    with pytest.raises(ServiceError):
        services.deregister_filing(acting_user=member, filing_id=draft.pk, ended_on=dt.date(2026, 3, 2))


# --- pages and API ------------------------------------------------------------------------------------------------

def test_the_dossier_through_the_pages(world, member, algorithm):
    client = signed_in(member)
    assert client.get("/algorithms/filings/new/").status_code == 200
    refused = client.post("/algorithms/filings/new/", {"algorithm": algorithm.pk, "launched_on": "bad",
                                                      "service_form": "fax"})
    assert refused.status_code == 400 and not AlgorithmFiling.objects.exists()
    response = client.post("/algorithms/filings/new/", {"algorithm": algorithm.pk, "launched_on": "2026-04-30"})
    filing = AlgorithmFiling.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/algorithms/filings/{filing.pk}/"
    page = client.get(f"/algorithms/filings/{filing.pk}/").content.decode()
    assert 'data-field="legal_representative"' in page and "2026-05-18" in page and "第24条" in page
    edit = {**COMPLETE, "pledge_provided": "on", "responsibility_report_provided": "on", "launched_on": "2026-04-30",
            "action": "edit"}
    assert client.post(f"/algorithms/filings/{filing.pk}/", edit).status_code == 302
    assert client.post(f"/algorithms/filings/{filing.pk}/", {"action": "submit"}).status_code == 302
    official = signed_in(world.user("official"))
    assert 'data-testid="filing-number"' in official.get(f"/algorithms/filings/{filing.pk}/").content.decode()
    refused = client.post(f"/algorithms/filings/{filing.pk}/", {"action": "number", "filing_number": "A-1"})
    assert refused.status_code == 403
    assert signed_in(world.user("official", "shenzhen")).get(f"/algorithms/filings/{filing.pk}/").status_code == 404
    done = official.post(f"/algorithms/filings/{filing.pk}/", {"action": "number", "filing_number": "网信算备A-1"})
    assert done.status_code == 302
    assert "网信算备A-1" in client.get(f"/algorithms/algorithms/{algorithm.pk}/").content.decode()
    assert Client().get(f"/algorithms/filings/{filing.pk}/").status_code == 302  # sign in first
    listed = official.get("/algorithms/filings/", {"status": "filed"}).content.decode()
    assert f'data-pk="{filing.pk}"' in listed


def test_the_dossier_through_the_api(world, member, algorithm):
    api = bearer(member)
    bad = api.post(operation("aiplus_algorithms_api_create_filing"),
                   {"algorithm_id": algorithm.pk, "launched_on": "2026-04-30", "service_form": "fax"},
                   content_type="application/json")
    assert bad.status_code == 422 and "service_form" in bad.content.decode()
    assert not AlgorithmFiling.objects.exists()
    created = api.post(operation("aiplus_algorithms_api_create_filing"),
                       {"algorithm_id": algorithm.pk, "launched_on": "2026-04-30"}, content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["due_on"] == "2026-05-18" and body["missing"][0] == "legal_representative"
    assert body["clock_basis"]["citation"]["article"] == "24"
    pk = body["id"]
    refused = api.post(operation("aiplus_algorithms_api_submit_filing", filing_id=pk))
    assert refused.status_code == 400 and "legal_representative" in refused.content.decode()
    patched = api.patch(operation("aiplus_algorithms_api_update_filing", filing_id=pk), COMPLETE,
                        content_type="application/json")
    assert patched.status_code == 200 and patched.json()["missing"] == []
    assert api.post(operation("aiplus_algorithms_api_submit_filing", filing_id=pk)).status_code == 200
    number = operation("aiplus_algorithms_api_record_filing_number", filing_id=pk)
    assert api.post(number, {"filing_number": "A-1"}, content_type="application/json").status_code == 403
    official = bearer(world.user("official"))
    assert official.post(number, {"filing_number": ""}, content_type="application/json").status_code == 422
    assert official.post(number, {"filing_number": "A-1"}, content_type="application/json").status_code == 200
    change = api.post(operation("aiplus_algorithms_api_report_change", filing_id=pk), {"change_on": "2026-09-30"},
                      content_type="application/json")
    assert change.status_code == 200 and change.json()["due_on"] == "2026-10-20"
    listed = official.get(operation("aiplus_algorithms_api_list_filings"), {"open": "1"}).json()
    assert [item["id"] for item in listed["items"]] == [pk]
    assert bearer(world.user("official", "shenzhen")).get(
        operation("aiplus_algorithms_api_get_filing", filing_id=pk)).status_code == 404


def test_a_submitted_filing_waits_in_the_filing_departments_queue_until_its_number_is_recorded(world, member,
                                                                                               draft):
    from aiplus.departments.models import WorkItem
    from aiplus.departments.tests.conftest import load_duties

    load_duties()
    api = bearer(member)
    assert api.patch(operation("aiplus_algorithms_api_update_filing", filing_id=draft.pk), COMPLETE,
                     content_type="application/json").status_code == 200
    assert api.post(operation("aiplus_algorithms_api_submit_filing", filing_id=draft.pk)).status_code == 200
    item = WorkItem.objects.select_related("department").get(object_id=draft.pk, duty__code="filings.guidance")
    assert item.department.code == "sz_cac" and item.status == "open"
    assert item.link == f"/algorithms/filings/{draft.pk}/"
    official = bearer(world.user("official"))
    assert official.post(operation("aiplus_algorithms_api_record_filing_number", filing_id=draft.pk),
                         {"filing_number": "A-1"}, content_type="application/json").status_code == 200
    item.refresh_from_db()
    assert item.status == "done"
