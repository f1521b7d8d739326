"""Audit actions come from one registry of `app.noun.verb` codes with Chinese and English labels; `audit.record`
refuses any other; events stored under an old code keep it (the chain forbids rewriting) and read as the new one."""

import re
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation

from aiplus.core import audit, audit_actions, selectors
from aiplus.core.models import AuditEvent

SRC = Path(audit_actions.__file__).resolve().parents[1]
LITERAL = re.compile(r"""action=f?["']([^"']+)["']""")


def test_record_refuses_an_unregistered_action_and_writes_nothing(db):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="not registered"), transaction.atomic():
        audit.record(actor=None, action="organisation.created", object_type="core.organisation")
    assert AuditEvent.objects.count() == before


def test_every_action_the_code_records_is_registered_as_app_noun_verb():
    found = set()
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in LITERAL.finditer(path.read_text(encoding="utf-8")):
            code = match.group(1)
            if code in {"view", "change", "add", "delete", "store_true"}:  # permission actions and argparse
                continue
            if "{" in code:  # f"scenarios.pilot.{side}_decided"
                found |= {code.replace("{side}", side) for side in ("owner", "department")}
            else:
                found.add(code)
    assert len(found) > 60
    assert not {code for code in found if not audit_actions.is_registered(code)}
    for code, action in audit_actions.REGISTRY.items():
        assert audit_actions.CODE.match(code) and action.label_zh and action.label_en, code


def test_old_codes_map_to_registered_codes_and_are_never_registered_themselves():
    for old, new in audit_actions.LEGACY.items():
        assert audit_actions.is_registered(new), old
        assert not audit_actions.is_registered(old), old


def test_a_code_that_is_not_app_noun_verb_cannot_be_registered():
    with pytest.raises(ValueError, match=r"app\.noun\.verb"):
        audit_actions.register("organisation.created", "登记组织", "registered an organisation")


def test_an_old_event_reads_and_filters_as_its_new_code(world):
    # written as it was before the registry (directly, as an old row would be)
    old = AuditEvent.objects.create(action="organisation.created", object_type="core.organisation")
    assert old.current_action == "core.organisation.created"
    with translation.override("en"):
        assert audit_actions.get(old.action).label == "registered an organisation"
    with translation.override("zh-hans"):
        assert audit_actions.get(old.action).label == "登记组织"
    found = selectors.audit_events(world.admin, action="core.organisation")
    assert old in found
    assert old not in selectors.audit_events(world.admin, action="core.role")
