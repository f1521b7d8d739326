"""Audit events and workflow history as people read them: sentences from the labels, the changed fields with their
labels and formatted values, in the reader's language; no codes, no JSON, no attnames."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import translation

from aiplus.core import audit_story, services
from aiplus.core.models import AuditEvent, Jurisdiction, Organisation, TransitionRecord

pytestmark = pytest.mark.django_db


def _event(**fields):
    base = {"actor_name": "suzhou-official", "action": "core.organisation.updated", "object_type": "core.organisation",
            "object_repr": "苏州示范企业", "before": None, "after": None}
    return SimpleNamespace(**{**base, **fields})


def test_a_sentence_names_who_did_what_to_which_record_in_the_reader_language() -> None:
    event = _event(action="compute.request.placed", object_type="compute.jobrequest", object_repr="客服大模型微调")
    with translation.override("zh-hans"):
        assert audit_story.sentence(event) == "suzhou-official 分配算力需求：客服大模型微调"
    with translation.override("en"):
        assert audit_story.sentence(event) == "suzhou-official placed a compute request: 客服大模型微调"
    with translation.override("zh-hans"):
        assert audit_story.sentence(_event(actor_name="system", object_repr="")) == "平台 修改组织信息"


def test_changes_list_only_changed_fields_with_labels_and_formatted_values(reference) -> None:
    suzhou, sip = (Jurisdiction.objects.get(code=c) for c in ("suzhou", "suzhou-sip"))
    event = _event(before={"id": 1, "name": "甲", "address": "", "kind": "enterprise", "jurisdiction_id": suzhou.pk,
                           "updated_at": "2026-12-01T00:00:00", "is_demo": False},
                   after={"id": 1, "name": "甲", "address": "新地址1号", "kind": "opc", "jurisdiction_id": sip.pk,
                          "updated_at": "2026-12-02T00:00:00", "is_demo": False, "gone_field": 3})
    with translation.override("zh-hans"):
        found = {c.field: c for c in audit_story.changes(event)}
    assert set(found) == {"address", "kind", "jurisdiction"}  # updated_at, unchanged and unknown keys left out
    assert (found["address"].before, found["address"].after) == ("—", "新地址1号")
    assert found["kind"].after == dict(Organisation._meta.get_field("kind").flatchoices)["opc"]
    assert found["kind"].before != "enterprise"  # a label, never the code
    assert (found["jurisdiction"].before, found["jurisdiction"].after) == (str(suzhou), str(sip))
    assert found["jurisdiction"].label == str(Organisation._meta.get_field("jurisdiction").verbose_name)


def test_a_creation_has_no_diff_and_an_update_shows_its_change_on_the_audit_page(world, client) -> None:
    official = world.user("official")
    services.update_organisation(acting_user=world.user("enterprise_member"),
                                 organisation_id=world.orgs["suzhou:enterprise"].pk, address="新地址9号")
    event = AuditEvent.objects.filter(action="core.organisation.updated").latest("sequence")
    assert audit_story.changes(_event(before=None, after=event.after)) == []
    client.force_login(official)
    page = client.get("/audit/", {"action": "core.organisation.updated"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200
    assert "修改组织信息：" in text and "新地址9号" in text and 'data-field="address"' in text
    assert "core.organisation.updated</td>" not in text and "&quot;address&quot;" not in text
    export = client.get("/audit/", {"action": "core.organisation.updated", "export": "csv"}).content.decode("utf-8-sig")
    assert "新地址9号" in export and "修改组织信息" in export


def test_history_lines_read_as_sentences_from_the_workflow_labels(world) -> None:
    from aiplus.core.tests.test_workflow import FLOW

    organisation = world.orgs["suzhou:enterprise"]
    FLOW.apply(organisation, "to_opc", acting_user=world.user("official"), comment="核实", on=dt.date(2026, 9, 30))
    [line] = FLOW.lines(organisation)
    assert line.text == "转为OPC：企业 → 一人公司" and line.comment == "核实" and line.actor == world.user("official")
    old = TransitionRecord(transition="retired", source="enterprise", target="gone")
    assert FLOW.line(old) == "retired：企业 → gone"
