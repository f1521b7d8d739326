"""Helpers that build scenario fixtures through the services (used by the app tests and the browser test)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiplus.core import services as core
from aiplus.scenarios import services

KPIS = [{"name": "缺陷检出率", "target_value": "99", "unit": "%"},
        {"name": "单件检测时间", "target_value": "2", "unit": "秒", "higher_is_better": False}]


def need_data(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "汽车零部件表面缺陷检测", "domain": "industry.manufacturing",
        "problem": "冲压件外观缺陷人工目检效率低，需要工业视觉缺陷检测，私有化部署",
        "data_offered": "10万张标注图片", "budget_min_cny": "300000", "budget_max_cny": "800000",
        "first_purchase": True, "deadline": (dt.date.today() + dt.timedelta(days=60)).isoformat(),
        "kpis": KPIS,
    }
    data.update(kw)
    return data


def published_need(world: Any, **kw: Any) -> Any:
    member, official = world.user("enterprise_member"), world.user("official")
    org = world.orgs["suzhou:enterprise"]
    need = services.create_need(acting_user=member, organisation_id=org.pk, jurisdiction="suzhou", **need_data(**kw))
    services.transition_need(acting_user=member, need_id=need.pk, transition="submit")
    services.transition_need(acting_user=official, need_id=need.pk, transition="review")
    services.publish_list(acting_user=official, jurisdiction="suzhou", need_ids=[need.pk])
    need.refresh_from_db()
    return need


def experts(world: Any, count: int = 6, prefix: str = "expert") -> list[Any]:
    from aiplus.experts import services as expert_services

    users = []
    for index in range(count):
        user = core.create_user(acting_user=world.admin, username=f"{prefix}-{index}", password="x-password-123",
                                display_name=f"专家{index}")
        expert_services.register_expert(acting_user=world.admin, user=user, organisation_id=None,
                                        fields=["industry.manufacturing"], jurisdiction="suzhou")
        users.append(user)
    return users


def suppliers(world: Any, make_org: Any, count: int = 2) -> list[tuple[Any, Any]]:
    """(organisation, provider user) pairs in Suzhou."""
    out = []
    for index in range(count):
        org = make_org("suzhou-sip", "enterprise", name=f"苏州视觉科技{index}有限公司")
        user = core.create_user(acting_user=world.admin, username=f"supplier-{index}", password="x-password-123")
        core.assign_role(acting_user=world.admin, user=user, role="provider", organisation_id=org.pk)
        out.append((org, user))
    return out


def open_call(world: Any, need: Any) -> Any:
    official = world.user("official")
    call = services.create_call(acting_user=official, jurisdiction="suzhou", title="2026年工业视觉揭榜挂帅",
                                need_ids=[need.pk], closes_on=dt.date.today() + dt.timedelta(days=20))
    services.transition_call(acting_user=official, call_id=call.pk, transition="open")
    call.refresh_from_db()
    return call


def score_all(call: Any, drawn: list[Any], base: int = 80) -> None:
    for offset, user in enumerate(drawn):
        for index, application in enumerate(call.applications.order_by("id")):
            value = base + offset - index * 10
            services.submit_score(acting_user=user, application_id=application.pk,
                                  criteria={"technical": value, "feasibility": value, "kpi": value, "cost": value})


def awarded_pilot(world: Any, need: Any, call: Any) -> Any:
    """Take an open call with applications through review, notice and award: the need's running pilot (rank 1)."""
    from aiplus.experts.selectors import drawn_users
    from aiplus.scenarios.models import OpenCall, Pilot

    official = world.user("official")
    services.transition_call(acting_user=official, call_id=call.pk, transition="close_applications")
    call = services.draw_reviewers(acting_user=official, call_id=call.pk)
    score_all(call, drawn_users(call.draw_id))
    services.start_notice(acting_user=official, call_id=call.pk)
    OpenCall.objects.filter(pk=call.pk).update(notice_ends_on=dt.date.today() - dt.timedelta(days=1))
    services.award_call(acting_user=official, call_id=call.pk)
    return Pilot.objects.get(need=need, application__rank=1)
