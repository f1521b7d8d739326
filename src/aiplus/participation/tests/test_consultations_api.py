"""Public consultation through the API and the pages: an official opens a draft for the pack's comment period; an
anonymous visitor comments; the trap field and the hourly limit refuse abuse with nothing written; an official
(never the comment's author) moderates it into a group and publishes the response, which the public then reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.participation.models import Comment, CommentGroup, Consultation

pytestmark = pytest.mark.django_db


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _open(client: Any, place: Any, **extra: Any) -> Any:
    return _post(client, "aiplus_participation_api_open_consultation", {
        "jurisdiction_id": place("suzhou"), "subject_kind": "programme", "title": "2027年算力券发放计划（征求意见稿）",
        "draft": "一、支持对象：在苏州注册的中小企业。\n二、支持比例：不超过算力费用的50%。", **extra})


def test_consultation_comment_moderation_and_response(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    opened = _open(official, place)
    assert opened.status_code == 201, opened.content
    consultation = opened.json()
    assert consultation["is_open"] and consultation["comment_days"] == 30
    closes = dt.datetime.fromisoformat(consultation["closes_at"]) - dt.datetime.fromisoformat(consultation["opens_at"])
    assert closes == dt.timedelta(days=30)

    visitor = Client(REMOTE_ADDR="203.0.113.7")
    listed = visitor.get(operation("aiplus_participation_api_list_consultations"), {"q": "算力券", "open": "1"})
    assert [row["id"] for row in listed.json()["items"]] == [consultation["id"]]
    sent = _post(visitor, "aiplus_participation_api_submit_comment", {"text": "建议将支持比例提高到60%。"},
                 consultation_id=consultation["id"])
    assert sent.status_code == 201, sent.content
    comment = sent.json()
    assert comment["status"] == "pending"
    # not public before moderation
    detail = visitor.get(operation("aiplus_participation_api_get_consultation", consultation_id=consultation["id"]))
    assert detail.json()["groups"] == []

    grouped = _post(official, "aiplus_participation_api_create_comment_group", {"title": "关于支持比例"},
                    consultation_id=consultation["id"])
    assert grouped.status_code == 201
    group = CommentGroup.objects.get(consultation_id=consultation["id"])
    assert_refused_naming(_post(official, "aiplus_participation_api_moderate_comment", {"decision": "approve"},
                                comment_id=comment["id"]), "group_id")
    moderated = _post(official, "aiplus_participation_api_moderate_comment",
                      {"decision": "approve", "group_id": group.pk}, comment_id=comment["id"])
    assert moderated.status_code == 200 and moderated.json()["status"] == "approved"
    assert _post(official, "aiplus_participation_api_moderate_comment", {"decision": "reject"},
                 comment_id=comment["id"]).status_code == 409

    # a Shenzhen official cannot answer for Suzhou
    elsewhere = signed_in(world.user("official", "shenzhen"))
    assert _post(elsewhere, "aiplus_participation_api_respond_to_group", {"response": "x"},
                 group_id=group.pk).status_code == 404
    responded = _post(official, "aiplus_participation_api_respond_to_group",
                      {"response": "部分采纳：对首次申领企业支持比例提高至60%。"}, group_id=group.pk)
    assert responded.status_code == 200, responded.content
    public = visitor.get(operation("aiplus_participation_api_get_consultation",
                                   consultation_id=consultation["id"])).json()
    assert public["groups"][0]["comments"][0]["text"] == "建议将支持比例提高到60%。"
    assert public["groups"][0]["response"].startswith("部分采纳")
    page = visitor.get(f"/participation/consultations/{consultation['id']}/").content.decode()
    assert "部分采纳" in page and "建议将支持比例提高到60%。" in page
    assert AuditEvent.objects.filter(action="participation.comment_group.responded").count() == 1


def test_nobody_moderates_their_own_comment(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    consultation = _open(official, place).json()
    own = _post(official, "aiplus_participation_api_submit_comment", {"text": "本人意见"},
                consultation_id=consultation["id"]).json()
    _post(official, "aiplus_participation_api_create_comment_group", {"title": "其他"},
          consultation_id=consultation["id"])
    group = CommentGroup.objects.get(consultation_id=consultation["id"])
    before = written(Comment)
    refused = _post(official, "aiplus_participation_api_moderate_comment",
                    {"decision": "approve", "group_id": group.pk}, comment_id=own["id"])
    assert refused.status_code == 403
    assert written(Comment) == before
    # the public and enterprises do not moderate at all
    for client in (signed_in(world.user("public")), signed_in(world.user("enterprise_member"))):
        assert _post(client, "aiplus_participation_api_moderate_comment", {"decision": "reject"},
                     comment_id=own["id"]).status_code in (403, 404)
    # another official of Suzhou does
    other = world.user("official")
    from aiplus.core import services as core_services

    colleague = core_services.create_user(acting_user=world.admin, username="colleague", password="x-password-123")
    core_services.assign_role(acting_user=world.admin, user=colleague, role="official", jurisdiction="suzhou")
    assert other.pk != colleague.pk
    assert _post(signed_in(colleague), "aiplus_participation_api_moderate_comment",
                 {"decision": "approve", "group_id": group.pk}, comment_id=own["id"]).status_code == 200


def test_abuse_protection_refuses_with_nothing_written(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    consultation = _open(official, place).json()
    bot = Client(REMOTE_ADDR="198.51.100.9")
    before = written(Comment)
    trapped = _post(bot, "aiplus_participation_api_submit_comment",
                    {"text": "买药请访问", "website": "http://spam.example"}, consultation_id=consultation["id"])
    assert_refused_naming(trapped, "website")
    assert written(Comment) == before
    for n in range(5):
        assert _post(bot, "aiplus_participation_api_submit_comment", {"text": f"意见{n}"},
                     consultation_id=consultation["id"]).status_code == 201
    flooded = _post(bot, "aiplus_participation_api_submit_comment", {"text": "第六条"},
                    consultation_id=consultation["id"])
    assert flooded.status_code == 429 and flooded.json()["code"] == "too_many_comments"
    # another address is not held back; the page refuses the flood too
    assert _post(Client(REMOTE_ADDR="198.51.100.10"), "aiplus_participation_api_submit_comment", {"text": "意见"},
                 consultation_id=consultation["id"]).status_code == 201
    page = bot.post(f"/participation/consultations/{consultation['id']}/", {"action": "comment", "text": "再来"})
    assert page.status_code == 400 and 'data-field="text"' in page.content.decode()
    trap_page = Client(REMOTE_ADDR="192.0.2.1").post(f"/participation/consultations/{consultation['id']}/",
                                                     {"action": "comment", "text": "x", "website": "y"})
    assert trap_page.status_code == 400
    # the stored source is a keyed hash, never the address
    assert not Comment.objects.filter(source_key__contains="198.51").exists()


def test_hostile_comments_and_closed_consultations(world: Any, place: Any) -> None:
    official = signed_in(world.user("official"))
    consultation = _open(official, place).json()
    visitor = Client(REMOTE_ADDR="203.0.113.8")
    before = written(Comment)
    assert_refused_naming(_post(visitor, "aiplus_participation_api_submit_comment", {"text": "x" * 5001},
                                consultation_id=consultation["id"]), "text")
    assert_refused_naming(_post(visitor, "aiplus_participation_api_submit_comment", {"text": ""},
                                consultation_id=consultation["id"]), "text")
    assert_refused_naming(_post(visitor, "aiplus_participation_api_submit_comment",
                                {"text": "ok", "display_name": "x" * 51}, consultation_id=consultation["id"]),
                          "display_name")
    assert written(Comment) == before
    hostile = '<script>alert(1)</script>=SUM(A1:A9)'
    sent = _post(visitor, "aiplus_participation_api_submit_comment", {"text": hostile, "display_name": hostile[:50]},
                 consultation_id=consultation["id"]).json()
    _post(official, "aiplus_participation_api_create_comment_group", {"title": hostile},
          consultation_id=consultation["id"])
    group = CommentGroup.objects.get(consultation_id=consultation["id"])
    _post(official, "aiplus_participation_api_moderate_comment", {"decision": "approve", "group_id": group.pk},
          comment_id=sent["id"])
    for client in (visitor, official):
        html = client.get(f"/participation/consultations/{consultation['id']}/").content.decode()
        assert "<script>alert(1)" not in html
    _open(official, place, title='=HYPERLINK("http://evil","x")')
    csv = visitor.get("/participation/consultations/?export=csv").content.decode("utf-8-sig")
    assert "HYPERLINK" in csv and "\n=" not in csv and ",=" not in csv

    Consultation.objects.filter(pk=consultation["id"]).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    closed = _post(visitor, "aiplus_participation_api_submit_comment", {"text": "晚了"},
                   consultation_id=consultation["id"])
    assert closed.status_code == 409
    # only officials open consultations; the kind and the draft are checked
    assert _open(signed_in(world.user("enterprise_member")), place).status_code == 403
    assert_refused_naming(_open(official, place, subject_kind="law"), "subject_kind")
    assert_refused_naming(_open(official, place, draft="x" * 20001), "draft")
