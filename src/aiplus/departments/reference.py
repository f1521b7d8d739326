"""Loading the duties the active packs assign (`work:` under a department's duty in departments.yaml) into
`Duty` rows, called by `manage.py sync_reference` after the departments (idempotent). A duty already handed over
keeps its present holder: the handover, not the pack, says who holds it now; its source is refreshed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from aiplus.core import audit
from aiplus.core.models import Department, User
from aiplus.departments import catalogue
from aiplus.departments.models import Duty


@transaction.atomic
def sync(*, packset: Any, acting_user: User | None = None) -> int:
    departments = {(d.pack, d.code): d for d in Department.objects.select_related("jurisdiction")}
    today = timezone.localdate()
    count = 0
    for code, pack in packset.packs.items():
        for entry in pack.departments:
            department = departments.get((code, entry.code))
            if department is None:
                continue
            for duty in entry.duties:
                for work in duty.work:
                    if work not in catalogue.WORK:
                        raise ValueError(f"{code}/{entry.code}: unknown work {work!r} (departments.catalogue)")
                    source = {"source_kind": duty.source.kind, "pack": code,
                              "citation": duty.citation.as_dict() if duty.citation else {}}
                    row = Duty.objects.filter(jurisdiction=department.jurisdiction, code=work).first()
                    if row is None:
                        Duty.objects.create(code=work, jurisdiction=department.jurisdiction, department=department,
                                            held_since=today, **source)
                    else:
                        if not row.handovers.exists():
                            row.department = department
                        for name, value in source.items():
                            setattr(row, name, value)
                        row.save()
                    count += 1
    audit.record(actor=acting_user, action="departments.duties.synced", object_type="departments.duty",
                 after={"duties": count}, object_repr=f"{count}")
    return count
