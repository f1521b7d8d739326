"""Loading reference data (jurisdictions) and the departments the active packs name. Idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from aiplus.core import audit
from aiplus.core.models import Department, DepartmentDuty, Jurisdiction, User

JURISDICTIONS_FILE = Path(__file__).resolve().parent / "data" / "jurisdictions.yaml"


@transaction.atomic
def sync_jurisdictions(*, acting_user: User | None = None) -> int:
    rows = yaml.safe_load(JURISDICTIONS_FILE.read_text(encoding="utf-8"))
    by_code = {j.code: j for j in Jurisdiction.objects.all()}
    changed = 0
    for row in rows:
        values = {k: row.get(k, "") for k in ("name_zh", "name_en", "level", "division_code")}
        values["parent"] = by_code[row["parent"]] if row.get("parent") else None
        current = by_code.get(row["code"])
        if current is None:
            current = Jurisdiction.objects.create(code=row["code"], **values)
            by_code[current.code] = current
            changed += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            current.save()
            changed += 1
        if row.get("members"):
            current.members.set([by_code[code] for code in row["members"]])
    if changed:
        audit.record(actor=acting_user, action="core.jurisdictions.synced", object_type="core.jurisdiction",
                     after={"changed": changed}, object_repr=f"{changed}")
    return changed


@transaction.atomic
def sync_departments(*, packset: Any, acting_user: User | None = None) -> int:
    """Create or update the departments every active pack names, with their duties, who assigns each (an official
    source or the platform) and their citations."""
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    count = 0
    for code, pack in packset.packs.items():
        place = jurisdictions.get(pack.jurisdiction)
        if place is None:
            continue
        for position_dept in pack.departments:
            department, _created = Department.objects.update_or_create(
                pack=code, code=position_dept.code,
                defaults={"jurisdiction": place, "name_zh": position_dept.name_zh,
                          "name_en": position_dept.name_en, "level": position_dept.level or ""},
            )
            department.duties.all().delete()
            DepartmentDuty.objects.bulk_create(
                DepartmentDuty(department=department, position=i, text_zh=duty.text_zh, text_en=duty.text_en,
                               source_kind=duty.source.kind,
                               citation=duty.citation.as_dict() if duty.citation else {},
                               citation_label=duty.citation.label() if duty.citation else "")
                for i, duty in enumerate(position_dept.duties)
            )
            count += 1
    audit.record(actor=acting_user, action="core.departments.synced", object_type="core.department",
                 after={"departments": count}, object_repr=f"{count}")
    return count
