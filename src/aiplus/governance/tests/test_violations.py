"""Violations and penalties (Suzhou art. 49) through the API and the page: a case tied to the provision broken (a
pack fine range with its citation), the red line and the incident; the fine within the range at both ends and
refused one cent outside; the appeal within its period and refused after it; the appeal decided by another
official than the one who decided; who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.governance.models import Violation

pytestmark = pytest.mark.django_db

PROVISION = "datasec.penalty_range_cny"  # [50000, 500000], 网络数据安全管理条例 art. 57


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _open(world: Any, client: Any, **extra: Any) -> Any:
    return _post(client, "aiplus_governance_api_open_violation", {
        "organisation_id": world.orgs["suzhou:enterprise"].pk, "title": "未履行数据安全保护义务",
        "provision": PROVISION, "facts": "日志接口未鉴权，导致用户订单泄露。", **extra})


@pytest.fixture
def second_official(world: Any) -> Any:
    from aiplus.core import services

    user = services.create_user(acting_user=world.admin, username="suzhou-official-2", password="x-password-123")
    services.assign_role(acting_user=world.admin, user=user, role="official", jurisdiction="suzhou")
    return user


def test_a_case_is_decided_within_the_range_appealed_and_varied(world: Any, second_official: Any) -> None:
    official = signed_in(world.user("official"))
    opened = _open(world, official, red_line="prohibited.unlawful_personal_information")
    assert opened.status_code == 201, opened.content
    case = opened.json()
    assert case["status"] == "open" and case["provision_title"]
    # a warning carries no amount; a fine needs one within the range
    assert_refused_naming(_post(official, "aiplus_governance_api_decide_violation",
                                {"outcome": "warning", "reasons": "r", "amount_cny": "1000"},
                                violation_id=case["id"]), "amount_cny")
    decided = _post(official, "aiplus_governance_api_decide_violation",
                    {"outcome": "fine", "reasons": "情节较重", "amount_cny": "200000"}, violation_id=case["id"])
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["status"] == "decided" and Decimal(body["amount_cny"]) == Decimal("200000")
    assert body["basis"]["value"] == ["50000", "500000"] and body["basis"]["status"] == "official"
    assert "网络数据安全管理条例" in body["basis"]["citation_label"] and body["basis"]["checks"][0]["ok"]
    assert body["appeal_due"] == str(timezone.localdate() + dt.timedelta(days=60))
    # the company appeals; the official who decided may not decide the appeal
    member = signed_in(world.user("enterprise_member"))
    appealed = _post(member, "aiplus_governance_api_appeal_violation", {"grounds": "已及时整改"},
                     violation_id=case["id"])
    assert appealed.status_code == 200 and appealed.json()["status"] == "appealed"
    same = _post(official, "aiplus_governance_api_decide_appeal", {"outcome": "upheld", "reasons": "维持"},
                 violation_id=case["id"])
    assert same.status_code == 403
    varied = _post(signed_in(second_official), "aiplus_governance_api_decide_appeal",
                   {"outcome": "varied", "reasons": "整改及时，从轻", "amount_cny": "50000"},
                   violation_id=case["id"])
    assert varied.status_code == 200, varied.content
    body = varied.json()
    assert body["status"] == "closed" and body["appeal_outcome"] == "varied"
    assert Decimal(body["appeal_amount_cny"]) == Decimal("50000")
    page = signed_in(world.user("enterprise_member")).get(f"/governance/violations/{case['id']}/")
    assert page.status_code == 200 and "网络数据安全管理条例" in page.content.decode()
    codes = set(AuditEvent.objects.filter(object_type="governance.violation").values_list("action", flat=True))
    assert codes == {"governance.violation.opened", "governance.violation.decided", "governance.violation.appealed",
                     "governance.violation.appeal_decided"}


@pytest.mark.parametrize(("amount", "ok"), [
    ("49999.99", False), ("50000", True), ("50000.00", True), ("500000", True), ("500000.01", False),
    ("-1", False), ("abc", False),
])
def test_the_fine_is_within_the_range_at_both_ends(world: Any, amount: str, ok: bool) -> None:
    official = signed_in(world.user("official"))
    case = _open(world, official).json()
    before = written(Violation)
    answer = _post(official, "aiplus_governance_api_decide_violation",
                   {"outcome": "fine", "reasons": "r", "amount_cny": amount}, violation_id=case["id"])
    if ok:
        assert answer.status_code == 200, answer.content
    else:
        assert_refused_naming(answer, "amount_cny")
        assert written(Violation) == before
        assert Violation.objects.get(pk=case["id"]).status == "open"


def test_the_appeal_period_closes(world: Any) -> None:
    official = signed_in(world.user("official"))
    case = _open(world, official).json()
    _post(official, "aiplus_governance_api_decide_violation", {"outcome": "warning", "reasons": "r"},
          violation_id=case["id"])
    Violation.objects.filter(pk=case["id"]).update(decided_on=timezone.localdate() - dt.timedelta(days=61),
                                                   appeal_due=timezone.localdate() - dt.timedelta(days=1))
    late = _post(signed_in(world.user("enterprise_member")), "aiplus_governance_api_appeal_violation",
                 {"grounds": "迟到的复议"}, violation_id=case["id"])
    assert late.status_code == 409 and late.json()["field"] == "grounds"


def test_who_may_do_what(world: Any) -> None:
    member = signed_in(world.user("enterprise_member"))
    assert _open(world, member).status_code == 403
    assert _open(world, signed_in(world.user("official", "shenzhen"))).status_code == 403
    assert_refused_naming(_open(world, signed_in(world.user("official")), provision="no.such.penalty_range_cny"),
                          "provision")
    case = _open(world, signed_in(world.user("official"))).json()
    assert _post(member, "aiplus_governance_api_decide_violation", {"outcome": "warning", "reasons": "r"},
                 violation_id=case["id"]).status_code == 403
    other = signed_in(world.user("enterprise_member", "shenzhen"))
    assert other.get(operation("aiplus_governance_api_get_violation", violation_id=case["id"])).status_code == 404
    assert member.get(operation("aiplus_governance_api_get_violation", violation_id=case["id"])).status_code == 200


def test_the_pages_open_and_decide_a_case(world: Any) -> None:
    from aiplus.core.testing import assert_page_refused_naming

    official = signed_in(world.user("official"))
    listing = official.get("/governance/violations/")
    assert listing.status_code == 200 and 'data-testid="violation-form"' in listing.content.decode()
    opened = official.post("/governance/violations/", {
        "action": "open", "organisation": world.orgs["suzhou:enterprise"].pk, "title": "页面立案",
        "provision": PROVISION, "facts": "事实"})
    assert opened.status_code == 302, opened.content.decode()[:500]
    case = Violation.objects.get(title="页面立案")
    url = f"/governance/violations/{case.pk}/"
    refused = official.post(url, {"action": "decide", "outcome": "fine", "amount_cny": "600000", "reasons": "r"})
    assert_page_refused_naming(refused, "amount_cny")
    done = official.post(url, {"action": "decide", "outcome": "fine", "amount_cny": "60000", "reasons": "r"})
    assert done.status_code == 302
    page = official.get(url).content.decode()
    assert 'data-testid="fine-checks"' in page and 'data-status="decided"' in page
