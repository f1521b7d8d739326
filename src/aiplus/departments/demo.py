"""Demo departments: the packs' duties loaded, the Suzhou and Guangdong development and reform commissions headed
by the demo officials (they lead, so they may hand duties over), and heads for the Suzhou cyberspace office and
data bureau. Seeded before the other apps' demos, so the incidents, support applications and scenario needs they
submit land in these departments' queues (see `portal/demo.py`)."""

from __future__ import annotations

from typing import Any

from aiplus.core import services as core_services
from aiplus.core.models import Department
from aiplus.departments import reference, services
from aiplus.regulation.runtime import active_packs

# (username, display name, jurisdiction, department)
STAFF = [
    ("official-suzhou-cac", "苏州市委网信办 刘洋", "suzhou", "sz_cac"),
    ("official-suzhou-data", "苏州市数据局 何佳", "suzhou", "sz_sjj"),
    ("official-suzhou-industry", "苏州市工信局 王敏", "suzhou", "sz_gxj"),  # the industry sector's supervisor
]


def seed(context: Any) -> None:
    reference.sync(packset=active_packs(), acting_user=context.admin)
    departments = {d.code: d for d in Department.objects.all()}
    heads = [(context.people["official-suzhou"], "sz_fgw"), (context.people["official-guangdong"], "gd_fgw")]
    for username, display, place, code in STAFF:
        user = core_services.create_user(acting_user=context.admin, username=username, password=context.password,
                                         display_name=display, is_demo=True,
                                         email=f"{username}@demo.aiplus.invalid")
        core_services.assign_role(acting_user=context.admin, user=user, role="official", jurisdiction=place)
        heads.append((user, code))
    for user, code in heads:
        if code not in departments:
            continue
        services.add_member(acting_user=context.admin, department_id=departments[code].pk, user_id=user.pk)
        services.appoint_head(acting_user=context.admin, department_id=departments[code].pk, user_id=user.pk)
        context.count("department heads")
