"""Policy simulation (issue 16 §5) through the API and the pages: an official changes a programme's rate, cap or
conditions and reads how many organisations qualify, the total against the budget and who gains or loses; the
published programme never changes; officials of the programme's jurisdiction only; bad input is a 400 naming the
field with nothing queued; the register's facts are gathered in bulk and agree with the finder's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.models import AuditEvent, JobProgress
from aiplus.core.testing import assert_refused_naming, operation, signed_in
from aiplus.regulation.runtime import parameters
from aiplus.support import programmes, services, simulation

pytestmark = pytest.mark.django_db
D = Decimal
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
RATE = "subsidies.suzhou.dataset_purchase.rate"


@pytest.fixture
def register(world: Any, make_org: Any, settings: Any) -> dict[str, Any]:
    """Suzhou organisations with applications to the dataset-purchase subsidy: a company at 1,000,000 (200,000 as
    is), a big buyer at 9,000,000 (capped at 1,800,000... as is: 0.2 × 9,000,000 = 1,800,000), a university (not
    eligible as is: enterprises and one-person companies only) and a company that never applied."""
    settings.TASKS = IMMEDIATE
    admin = world.admin
    company = world.orgs["suzhou:enterprise"]
    big = make_org("suzhou", "enterprise", name="大数据采购有限公司")
    university = make_org("suzhou", "university", name="苏州测试大学")
    make_org("suzhou", "enterprise", name="未申请公司")
    for org, cost in ((company, "1000000"), (big, "9000000"), (university, "500000")):
        services.create_application(acting_user=admin, organisation_id=org.pk, programme_code="suzhou.dataset_purchase",
                                    title="数据集采购", declared_cny=D(cost), counterparty_affiliated=False,
                                    cost_ref=f"HT-{org.pk}")
    return {"company": company, "big": big, "university": university}


def _start(client: Any, payload: dict[str, Any], code: str = "suzhou.dataset_purchase") -> Any:
    return client.post(operation("aiplus_support_simulation_api_start_simulation", code=code), payload,
                       content_type="application/json")


def _rows(client: Any, job_id: int, **query: Any) -> dict[str, Any]:
    answer = client.get(operation("aiplus_support_simulation_api_list_simulation_changes", job_id=job_id), query)
    assert answer.status_code == 200, answer.content
    return answer.json()  # type: ignore[no-any-return]


def test_an_official_simulates_a_rate_and_cap_change_through_the_api(world: Any, register: dict[str, Any],
                                                                     django_capture_on_commit_callbacks: Any) -> None:
    client = signed_in(world.user("official"))
    fields = client.get(operation("aiplus_support_simulation_api_simulation_fields",
                                  code="suzhou.dataset_purchase")).json()
    assert {f["name"]: f["value"] for f in fields["numbers"]}["rate"] == "0.20"
    audits = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        answer = _start(client, {"values": {"rate": "0.3", "cap_per_award": "1000000"}})
    assert answer.status_code == 202, answer.content
    assert AuditEvent.objects.count() == audits + 1  # the job started: one audit row
    job_id = answer.json()["job_id"]
    body = client.get(operation("aiplus_support_simulation_api_get_simulation", job_id=job_id)).json()
    assert body["status"] == "done" and body["percent"] == 100
    # as is: the company (200,000) and the big buyer (1,800,000) qualify; the university does not; the company
    # that never applied has no amount to compute a share of (incomplete)
    assert body["before"]["qualifying"] == 2 and D(body["before"]["total_cny"]) == D("2000000.00")
    # as changed: 300,000 and 2,700,000 capped at 1,000,000
    assert body["after"]["qualifying"] == 2 and D(body["after"]["total_cny"]) == D("1300000.00")
    assert body["before"]["budget_cny"] and body["after"]["overrun"] is (
        D("1300000") > D(body["after"]["budget_cny"]))
    assert body["before"]["outcomes"]["incomplete"] == 1  # the company that never applied (the provider: ineligible)
    assert body["counts"] == {"gains": 0, "loses": 0, "more": 1, "less": 1}
    rows = {r["organisation_id"]: r for r in _rows(client, job_id)["results"]}
    big, company = rows[register["big"].pk], rows[register["company"].pk]
    assert (big["category"], big["before_cny"], big["after_cny"], big["delta_cny"]) == (
        "less", "1800000.00", "1000000.00", "-800000.00")
    assert any("上限" in r for r in big["reasons"])
    assert (company["category"], company["delta_cny"]) == ("more", "100000.00")
    assert any("30" in r for r in company["reasons"])
    assert _rows(client, job_id, category="less")["count"] == 1
    assert _rows(client, job_id, page_size=1, page=2)["page"] == 2
    # the published programme is as it was
    assert parameters().version(RATE, timezone.localdate()).value == "0.20"
    assert len(programmes.programme("suzhou.dataset_purchase").eligibility) == 3  # type: ignore[union-attr]


def test_changing_the_eligibility_shows_who_gains_and_who_loses(world: Any, register: dict[str, Any],
                                                                django_capture_on_commit_callbacks: Any) -> None:
    client = signed_in(world.user("official"))
    # accept universities and enterprises, no longer one-person companies; lower the cap below the big buyer's
    with django_capture_on_commit_callbacks(execute=True):
        answer = _start(client, {"condition_values": {"1": ["enterprise", "university"]},
                                 "values": {"budget": "50000"}})
    assert answer.status_code == 202, answer.content
    body = client.get(operation("aiplus_support_simulation_api_get_simulation",
                                job_id=answer.json()["job_id"])).json()
    assert body["after"]["qualifying"] == 3 and body["counts"]["gains"] == 1
    assert body["after"]["budget_cny"] == "50000.00" and body["after"]["overrun"] is True
    rows = _rows(client, answer.json()["job_id"], category="gains")["results"]
    assert [r["organisation_id"] for r in rows] == [register["university"].pk]
    assert rows[0]["before"] == "ineligible" and rows[0]["after_cny"] == "100000.00"
    # and dropping the jurisdiction condition brings no Shenzhen firm in: it never applied (no amount)
    with django_capture_on_commit_callbacks(execute=True):
        dropped = _start(client, {"drop": [0, 1, 2]})
    body = client.get(operation("aiplus_support_simulation_api_get_simulation",
                                job_id=dropped.json()["job_id"])).json()
    assert body["after"]["qualifying"] == 3


@pytest.mark.parametrize(("role", "place", "status"), [
    ("auditor", "suzhou", 403), ("enterprise_member", "suzhou", 403), ("provider", "suzhou", 403),
    ("expert", "suzhou", 403), ("public", "suzhou", 403), ("official", "shenzhen", 403),
])
def test_only_officials_of_the_programme_s_jurisdiction_simulate(world: Any, register: dict[str, Any], role: str,
                                                                place: str, status: int) -> None:
    client = signed_in(world.user(role, place))
    assert _start(client, {"values": {"rate": "0.3"}}).status_code == status
    assert client.get("/support/programmes/suzhou.dataset_purchase/simulate/").status_code == status
    assert client.post("/support/programmes/suzhou.dataset_purchase/simulate/", {"rate": "0.3"}).status_code == status
    assert client.get(operation("aiplus_support_simulation_api_simulation_fields",
                                code="suzhou.dataset_purchase")).status_code == status
    assert not JobProgress.objects.exists()


def test_roles_and_other_officials_runs(world: Any, register: dict[str, Any], client: Any,
                                        django_capture_on_commit_callbacks: Any) -> None:
    assert _start(client, {"values": {"rate": "0.3"}}).status_code == 401
    assert client.get("/support/simulations/").status_code == 302  # to sign in
    shenzhen = signed_in(world.user("official", "shenzhen"))
    # a Shenzhen official simulates Shenzhen's programmes, and sees only those
    with django_capture_on_commit_callbacks(execute=True):
        own = _start(shenzhen, {"values": {"rate": "0.2"}}, code="shenzhen.demonstration_project")
    assert own.status_code == 202, own.content
    page = shenzhen.get("/support/simulations/").content.decode()
    assert "shenzhen.demonstration_project" in page and "suzhou.dataset_purchase" not in page
    assert signed_in(world.user("auditor")).get("/support/simulations/").status_code == 403
    assert signed_in(world.user("enterprise_member")).get("/support/simulations/").status_code == 403
    # a run is its starter's: another official does not see it
    job_id = own.json()["job_id"]
    suzhou = signed_in(world.user("official"))
    assert suzhou.get(operation("aiplus_support_simulation_api_get_simulation", job_id=job_id)).status_code == 404
    assert suzhou.get(f"/support/simulations/{job_id}/").status_code == 404
    assert shenzhen.get(f"/support/simulations/{job_id}/").status_code == 200
    assert signed_in(world.user("auditor", "shenzhen")).get(f"/support/simulations/{job_id}/").status_code == 404


@pytest.mark.parametrize(("payload", "field"), [
    ({"values": {"rate": "1.5"}}, "values.rate"),
    ({"values": {"rate": "-0.1"}}, "values.rate"),
    ({"values": {"rate": "0.12345"}}, "values.rate"),
    ({"values": {"cap_per_award": "1e20"}}, "values.cap_per_award"),
    ({"values": {"cap_per_award": "0"}}, "values.cap_per_award"),
    ({"values": {"budget": "-5"}}, "values.budget"),
    ({"values": {"no_such_number": "1"}}, "values.no_such_number"),
    ({"drop": [9]}, "drop"),
    ({"condition_values": {"1": []}}, "condition_values.1"),
    ({"condition_values": {"1": ["spaceship"]}}, "condition_values.1"),
    ({"condition_values": {"0": ["suzhou"]}}, "condition_values.0"),
    ({"values": {"rate": "0.20"}}, None),  # nothing changed
    ({"values": {"rate": "NaN"}}, "rate"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_changes_are_refused_naming_the_field_and_nothing_is_queued(world: Any, register: dict[str, Any],
                                                                       payload: dict[str, Any],
                                                                       field: str | None) -> None:
    answer = _start(signed_in(world.user("official")), payload)
    if field is None:
        assert answer.status_code == 400 and answer.json()["code"] == "nothing_changed"
    else:
        assert_refused_naming(answer, field)
    assert not JobProgress.objects.exists()


def test_the_page_form_starts_a_run_and_shows_the_figures(world: Any, register: dict[str, Any],
                                                          django_capture_on_commit_callbacks: Any) -> None:
    client = signed_in(world.user("official"))
    page = client.get("/support/programmes/suzhou.dataset_purchase/simulate/")
    assert page.status_code == 200 and 'value="0.2' in page.content.decode()
    bad = client.post("/support/programmes/suzhou.dataset_purchase/simulate/", {"rate": "2", "cap_per_award": "x"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'data-field="rate"' in text and 'data-field="cap_per_award"' in text
    assert not JobProgress.objects.exists()
    form = {"rate": "0.3", "cap_per_award": "1000000", "budget": "20000000",
            "condition1_values": ["enterprise", "opc"]}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/support/programmes/suzhou.dataset_purchase/simulate/", form)
    assert started.status_code == 302
    url = started["Location"]
    shown = client.get(url).content.decode()
    assert 'data-testid="simulation-totals"' in shown and "大数据采购有限公司" in shown
    assert "data-category=\"less\" data-count=\"1\"" in shown
    progress = client.get(url, HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true" and 'data-testid="simulation-progress"' in progress.content.decode()
    exported = client.get(url, {"show": "less", "export": "csv"})
    assert exported["Content-Type"].startswith("text/csv")
    lines = exported.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "大数据采购有限公司" in lines[1] and "-800000.00" in lines[1]
    assert client.get(url, {"show": "bogus"}).status_code == 400
    assert "suzhou.dataset_purchase" in client.get("/support/simulations/").content.decode()


def test_register_facts_are_gathered_in_bulk_and_agree_with_the_finder(world: Any, register: dict[str, Any],
                                                                       make_org: Any) -> None:
    official = world.user("official")
    programme = programmes.programme("suzhou.dataset_purchase")
    assert programme is not None
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        simulation.applicants(official, programme)
    for _n in range(5):
        make_org("suzhou", "opc")
    official = type(official).objects.get(pk=official.pk)  # a fresh permission cache, as in a new job
    with CaptureQueriesContext(connection) as again:
        people, names = simulation.applicants(official, programme)
    # the same handful of queries, however many organisations (the base facts, then one bulk call per register that
    # contributes facts: measures three queries, opc two)
    assert len(again) == len(first) <= 17
    assert len(people) >= 9 and names[register["big"].pk] == "大数据采购有限公司"
    from aiplus.core.models import Organisation
    from aiplus.support.models import Application

    for person in people:
        organisation = Organisation.objects.get(pk=person.key)
        application = Application.objects.filter(organisation=organisation).order_by("-created_at").first()
        answers = services.answers_of(application) if application else {}
        expected = {**programmes.answers_to_facts(programme, answers), **programmes.known_facts(organisation)}
        assert dict(person.facts) == expected
        assert list(person.history) == services.history(organisation.pk,
                                                         excluding=application.pk if application else None)
