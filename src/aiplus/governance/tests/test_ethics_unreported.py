"""The supervising department's list of registered ethics committees that have not filed their annual report for
a year (issue 15, 科技伦理审查办法（试行）): the same rows on the page and in the API, the due date a platform
setting with the days overdue, committees registered after the year not expected, other provinces not shown, every
other role refused, and a bad year refused naming `year`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.testing import assert_refused_naming, operation, signed_in
from aiplus.governance import ethics as ethics_params
from aiplus.governance.models import AnnualReport, EthicsCommittee

pytestmark = pytest.mark.django_db

API = "aiplus_governance_api_list_unreported_committees"
PAGE = "/governance/ethics/annual-reports/missing/"
LAST_YEAR = timezone.localdate().year - 1


def _committee(world: Any, place: str, name: str, registered_on: dt.date | None) -> EthicsCommittee:
    from aiplus.governance import services

    member = world.user("enterprise_member", place)
    committee = services.create_committee(acting_user=member, organisation_id=world.orgs[f"{place}:enterprise"].pk,
                                          name=name, established_on=dt.date(LAST_YEAR - 1, 3, 1))
    EthicsCommittee.objects.filter(pk=committee.pk).update(registered_on=registered_on)
    return EthicsCommittee.objects.get(pk=committee.pk)


@pytest.fixture
def committees(ethics: Any) -> dict[str, EthicsCommittee]:
    world = ethics.world
    EthicsCommittee.objects.filter(pk=ethics.committee.pk).update(registered_on=dt.date(LAST_YEAR, 6, 1))
    made = {
        "silent": EthicsCommittee.objects.get(pk=ethics.committee.pk),  # has a chair, did not file
        "filed": _committee(world, "suzhou", "已报送委员会", dt.date(LAST_YEAR, 2, 1)),
        "late_registered": _committee(world, "suzhou", "次年登记委员会", dt.date(LAST_YEAR + 1, 1, 5)),
        "unregistered": _committee(world, "suzhou", "未登记委员会", None),
        "shenzhen": _committee(world, "shenzhen", "深圳伦理委员会", dt.date(LAST_YEAR, 2, 1)),
    }
    filed = made["filed"]
    AnnualReport.objects.create(committee=filed, year=LAST_YEAR, jurisdiction=filed.organisation.jurisdiction,
                                submitted_at=timezone.now())
    return made


def _api_rows(client: Any, **params: Any) -> list[dict[str, Any]]:
    answer = client.get(operation(API), {"page_size": 100, **params})
    assert answer.status_code == 200, answer.content
    return list(answer.json()["items"])


@pytest.mark.parametrize(("key", "listed"), [
    ("silent", True),            # registered in the year, no report: listed
    ("filed", False),            # filed its report: not listed
    ("late_registered", False),  # registered after the year ended: not expected to report for it
    ("unregistered", False),     # never registered: not a registered committee
    ("shenzhen", False),         # another province's committee: not this official's
])
def test_which_committees_are_listed(committees: dict[str, EthicsCommittee], world: Any, key: str,
                                     listed: bool) -> None:
    official = signed_in(world.user("official", "suzhou"))
    ids = {row["id"] for row in _api_rows(official, year=LAST_YEAR)}
    assert (committees[key].pk in ids) is listed
    page = official.get(PAGE, {"year": LAST_YEAR}).content.decode()
    assert (f'data-pk="{committees[key].pk}"' in page) is listed


def test_the_shenzhen_official_sees_only_shenzhen(committees: dict[str, EthicsCommittee], world: Any) -> None:
    ids = {row["id"] for row in _api_rows(signed_in(world.user("official", "shenzhen")), year=LAST_YEAR)}
    assert ids == {committees["shenzhen"].pk}


def test_the_page_and_the_api_list_the_same_unreported_committees(committees: dict[str, EthicsCommittee],
                                                                  world: Any, ethics: Any) -> None:
    official = signed_in(world.user("official", "suzhou"))
    rows = _api_rows(official)  # the year defaults to last year
    assert [row["id"] for row in rows] == [committees["silent"].pk]
    row = rows[0]
    due = ethics_params.annual_report_due(LAST_YEAR)
    days = max((timezone.localdate() - due).days, 0)
    assert row["year"] == LAST_YEAR and row["due_on"] == str(due)
    assert row["registered_on"] == str(dt.date(LAST_YEAR, 6, 1))
    assert row["organisation"] == committees["silent"].organisation.name
    assert row["chair"]
    assert row["overdue"] is (days > 0) and row["days_overdue"] == days
    assert "平台设置" in row["due_basis"] and "第" not in row["due_basis"].split("平台设置")[0]
    page = official.get(PAGE)
    assert page.status_code == 200
    body = page.content.decode()
    ids = {int(pk) for pk in __import__("re").findall(r'data-pk="(\d+)"', body)}
    assert ids == {row["id"] for row in rows}
    assert 'data-basis="setting"' in body and "平台设置" in body
    # a bad year falls back in the header only; the list names the field
    assert official.get(PAGE, {"year": "abc"}).status_code == 400
    csv = official.get(PAGE, {"export": "csv", "year": LAST_YEAR})
    assert csv.status_code == 200 and committees["silent"].name in csv.content.decode("utf-8-sig")
    # reachable from the filed reports' list; the auditor reads it too
    assert 'data-testid="unreported-link"' in official.get("/governance/ethics/annual-reports/").content.decode()
    auditor = signed_in(world.user("auditor", "suzhou"))
    assert [r["id"] for r in _api_rows(auditor)] == [committees["silent"].pk]
    assert auditor.get(PAGE).status_code == 200
    english = official.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    assert "Ethics committees without an annual report" in english.content.decode()
    assert "Platform setting" in english.content.decode()


@pytest.mark.parametrize(("shift", "overdue", "days"), [(-1, False, 0), (0, False, 0), (1, True, 1)])
def test_the_overdue_flag_around_the_due_date(committees: dict[str, EthicsCommittee], world: Any,
                                              monkeypatch: pytest.MonkeyPatch, shift: int, overdue: bool,
                                              days: int) -> None:
    day = ethics_params.annual_report_due(LAST_YEAR) + dt.timedelta(days=shift)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    official = signed_in(world.user("official", "suzhou"))
    (row,) = _api_rows(official, year=LAST_YEAR)
    assert row["overdue"] is overdue and row["days_overdue"] == days


def test_every_other_role_is_refused(committees: dict[str, EthicsCommittee], world: Any, ethics: Any) -> None:
    from django.test import Client

    for user in [world.user("enterprise_member"), ethics.chair, world.user("provider"), world.user("expert"),
                 world.user("public")]:
        client = signed_in(user)
        assert client.get(operation(API)).status_code == 403, user
        assert client.get(PAGE).status_code == 403, user
        assert 'data-testid="unreported-link"' not in client.get(
            "/governance/ethics/annual-reports/").content.decode()
    anonymous = Client()
    assert anonymous.get(operation(API)).status_code in (401, 403)
    assert anonymous.get(PAGE).status_code == 302


@pytest.mark.parametrize("year", ["abc", "1999", str(timezone.localdate().year + 2), "2025.5", "-1", "９９"])
def test_a_bad_year_is_refused_naming_it(committees: dict[str, EthicsCommittee], world: Any, year: str) -> None:
    official = signed_in(world.user("official", "suzhou"))
    assert_refused_naming(official.get(operation(API), {"year": year}), "year")
    assert official.get(PAGE, {"year": year}).status_code == 400
