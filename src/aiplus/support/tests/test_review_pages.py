"""Review, public notice, objections, decision, milestones, payment and claw-back through the pages (the same services
as the API in test_review): each viewer sees only the forms they may use, and a post of a form not offered is
refused server-side."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aiplus.compute import ledger
from aiplus.core.testing import signed_in
from aiplus.support.models import Application, Objection, Score, Tranche
from aiplus.support.tests.test_review import _expert, accepted  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
D = Decimal


def _testids(html: str) -> set[str]:
    return set(re.findall(r'data-testid="([^"]+)"', html))


def test_review_notice_milestone_and_claw_back_through_the_pages(world: Any, accepted: Any,  # noqa: F811
                                                                 monkeypatch: Any) -> None:
    pk = accepted.pk
    url = f"/support/applications/{pk}/"
    official = signed_in(world.user("official"))
    member = signed_in(world.user("enterprise_member"))
    panel = [_expert(world) for _ in range(3)]

    # the decision is not offered before the panel has scored; the official draws the panel on the page
    html = official.get(url).content.decode()
    assert "draw-panel-go" in _testids(html) and "decide-save" not in _testids(html)
    assert "draw-panel-go" not in _testids(member.get(url).content.decode())
    assert member.post(url, {"action": "draw_panel"}).status_code in (400, 403)  # not a form offered to the applicant
    assert official.post(url, {"action": "draw_panel"}).status_code == 302
    application = Application.objects.select_related("panel").get(pk=pk)
    members = [u for u in panel if u.expert_profile.pk in application.panel.selected]
    outsider = [u for u in panel if u not in members]

    # each drawn expert scores on the page: sees the application and its documents; a bad score is refused beside
    # its field
    expert = signed_in(members[0])
    page = expert.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "score-save" in _testids(html) and "proposal.pdf" in html and "decide-save" not in _testids(html)
    assert f'href="{url}"' in expert.get("/support/reviews/").content.decode()
    bad = expert.post(url, {"action": "score", "score_innovation": "101", "score_feasibility": "90",
                            "score_impact": "90"})
    assert bad.status_code == 400 and 'data-field="score_innovation"' in bad.content.decode()
    for user, marks in zip(members, ((80, 70, 60), (90, 60, 70), (70, 80, 90)), strict=True):
        answer = signed_in(user).post(url, {"action": "score", "score_innovation": marks[0],
                                            "score_feasibility": marks[1], "score_impact": marks[2],
                                            "comment": "<b>同意</b>"})
        assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Score.objects.filter(application_id=pk).count() == 3
    assert "score-save" not in _testids(signed_in(members[0]).get(url).content.decode())  # once
    for user in outsider:
        assert signed_in(user).get(url).status_code == 404  # not drawn: cannot read it

    # the official sees the scores (escaped) and decides: approval goes to public notice
    html = official.get(url).content.decode()
    assert "&lt;b&gt;同意&lt;/b&gt;" in html and "75.00" in html
    assert official.post(url, {"action": "decide", "approve": "yes"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "notice" and application.notice_until is not None

    # the public notice: a list anyone opens, an objection form with the trap field and the rate limit
    anonymous = Client(REMOTE_ADDR="203.0.113.20")
    listing = anonymous.get("/support/notices/").content.decode()
    assert f'href="/support/notices/{pk}/"' in listing
    notice_url = f"/support/notices/{pk}/"
    assert "objection-save" in _testids(anonymous.get(notice_url).content.decode())
    trapped = anonymous.post(notice_url, {"action": "object", "text": "x", "website": "spam"})
    assert trapped.status_code == 400 and 'data-field="website"' in trapped.content.decode()
    assert anonymous.post(notice_url, {"action": "object", "text": "<script>x</script>重复申报"}).status_code == 302
    for _ in range(4):
        anonymous.post(notice_url, {"action": "object", "text": "重复"})
    flooded = anonymous.post(notice_url, {"action": "object", "text": "重复"})  # the page answers 400 beside the field
    assert flooded.status_code == 400 and 'data-field="text"' in flooded.content.decode()
    assert Objection.objects.filter(application_id=pk).count() == 5
    assert anonymous.get("/support/notices/999999/").status_code == 404

    # the official answers each objection on the application page, then makes the award final after the period
    html = official.get(url).content.decode()
    assert "&lt;script&gt;" in html and "<script>x" not in html and "finalise-go" not in _testids(html)
    for objection in Objection.objects.filter(application_id=pk):
        name = f"answer_{objection.pk}"
        assert official.post(url, {"action": name, f"{name}-answer": "经核查，不存在重复申报。"}).status_code == 302
    assert "finalise-go" not in _testids(official.get(url).content.decode())  # the period still runs
    later = application.notice_until + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a: later)
    assert "objection-save" not in _testids(anonymous.get(notice_url).content.decode())
    assert official.post(url, {"action": "finalise"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"

    # tranche 1 is paid; tranche 2 waits for its milestone, accepted on the page
    assert official.post(url, {"action": "pay"}).status_code == 302
    html = official.get(url).content.decode()
    assert "milestone-save" in _testids(html) and "pay-go" not in _testids(html)
    assert "milestone-save" not in _testids(member.get(url).content.decode())
    assert official.post(url, {"action": "milestone", "note": ""}).status_code == 400
    assert official.post(url, {"action": "milestone", "note": "中期验收通过"}).status_code == 302
    assert official.post(url, {"action": "pay"}).status_code == 302
    assert list(Tranche.objects.filter(application_id=pk).values_list("state", flat=True)) == [
        "paid", "paid", "planned"]

    # claw-back on the page: payments reversed, the commitment back in the budget; the ledger balances
    assert "clawback-go" not in _testids(member.get(url).content.decode())
    assert member.post(url, {"action": "claw_back", "reason": "x"}).status_code in (400, 403)
    assert official.post(url, {"action": "claw_back", "reason": "虚报研发投入"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "clawed_back"
    assert ledger.balance(f"quota:support:{pk}") == D("0.00")
    assert ledger.unbalanced_transactions() == []
