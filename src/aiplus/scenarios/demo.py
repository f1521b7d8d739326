"""Demo scenario programme: a published scenario list, supplier capability profiles, an expert pool and three open
calls, so that `make run` shows every stage of the scenario journey on the day it is seeded (see `portal/demo.py`):
one call taking applications; one whose drawn experts have not yet scored (the review pending); and one reviewed,
noticed and awarded, with its pilot accepted, published as a case and replicated by another company.

The awarded call's public notice opened 40 days before seeding (`start_notice(on=…)`), so it has ended whatever the
day; no working day is counted after the seeding day (the next year's holiday calendar may not be published)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from aiplus.core import services as core
from aiplus.scenarios import services

NEEDS = [
    ("汽车零部件表面缺陷检测", "industry.manufacturing",
     "冲压件外观缺陷依赖人工目检，漏检率高，需要工业视觉缺陷检测系统，私有化部署，对接MES。",
     "10万张已标注缺陷图片", ("300000", "800000"), True,
     [("缺陷检出率", "99", "%", True), ("单件检测时间", "2", "秒", False)]),
    ("社区居家养老智能看护", "livelihood.elderly",
     "独居老人跌倒、久卧等异常难以及时发现，需要非接触式感知与告警，保护隐私。",
     "200户试点家庭脱敏告警记录", ("200000", "500000"), False,
     [("跌倒识别准确率", "95", "%", True), ("告警响应时间", "60", "秒", False)]),
    ("12345热线工单智能分派", "governance.government_services",
     "热线工单量大，人工分派慢且易错派，需要基于大模型的工单分类、分派与摘要。",
     "近三年脱敏工单文本", ("500000", "1500000"), True,
     [("分派准确率", "90", "%", True), ("平均分派时长", "30", "秒", False)]),
    ("跨境电商多语种商品描述生成", "international.trade",
     "中小跨境电商需要将商品信息生成英、西、阿等多语种描述并符合平台规范。",
     "5万条商品中英文描述", ("100000", "300000"), False,
     [("人工修改率", "10", "%", False), ("支持语种数", "8", "种", True)]),
]
PROFILES = [
    ("工业视觉缺陷检测一体机", "深度学习表面缺陷检测，支持冲压件、压铸件，私有化部署，已在汽车零部件产线运行。",
     ["industry.manufacturing"], ["工业视觉", "缺陷检测", "边缘计算"], ["YOLOv8"], ("200000", "900000")),
    ("政务大模型工单助手", "基于国产大模型的热线工单分类、分派、摘要与知识问答，支持信创环境。",
     ["governance.government_services", "governance.social"], ["大模型", "知识库", "文本分类"], ["通义千问"],
     ("400000", "2000000")),
    ("毫米波雷达居家安全感知", "非接触式跌倒检测与生命体征监测，不采集图像，保护老人隐私。",
     ["livelihood.elderly", "livelihood.health"], ["毫米波雷达", "跌倒检测"], [], ("100000", "600000")),
]


def seed(context: Any) -> None:
    people, admin = context.people, context.admin
    owner, official = people["enterprise-suzhou"], people["official-suzhou"]
    owner_org = owner.role_assignments.filter(organisation__isnull=False).first().organisation
    today = timezone.localdate()

    need_ids = []
    for index, (title, domain, problem, data, (low, high), first_purchase, kpis) in enumerate(NEEDS):
        need = services.create_need(
            acting_user=owner, organisation_id=owner_org.pk, jurisdiction="suzhou", title=title, domain=domain,
            problem=problem, data_offered=data, budget_min_cny=low, budget_max_cny=high,
            # the last need also asks for computing support, so it reaches the compute department's queue as well
            compute_needed="模型训练约2000卡时（A100级）" if index == len(NEEDS) - 1 else "",
            first_purchase=first_purchase, deadline=(today + dt.timedelta(days=90)).isoformat(),
            kpis=[{"name": n, "target_value": v, "unit": u, "higher_is_better": up} for n, v, u, up in kpis])
        services.transition_need(acting_user=owner, need_id=need.pk, transition="submit")
        if index < 3:  # the fourth waits in the department's review queue
            services.transition_need(acting_user=official, need_id=need.pk, transition="review")
            need_ids.append(need.pk)
    services.publish_list(acting_user=official, jurisdiction="suzhou", need_ids=need_ids)
    context.count("scenario needs", len(NEEDS))

    supplier_users = []
    suppliers = [o for o in context.organisations["enterprise"] if o.pk != owner_org.pk][: len(PROFILES)]
    for index, (organisation, profile) in enumerate(zip(suppliers, PROFILES, strict=False)):
        products, description, domains, technologies, models_used, (low, high) = profile
        user = core.create_user(acting_user=admin, username=f"supplier-{index + 1}", password=context.password,
                                display_name=f"{organisation.name} 业务负责人", is_demo=True)
        core.assign_role(acting_user=admin, user=user, role="provider", organisation_id=organisation.pk)
        supplier_users.append(user)
        services.save_profile(acting_user=user, organisation_id=organisation.pk, products=products,
                              description=description, domains=domains, technologies=technologies,
                              models_used=models_used, regions_served=["suzhou"], price_min_cny=low,
                              price_max_cny=high)
        membership = services.apply_to_pool(acting_user=user, organisation_id=organisation.pk, jurisdiction="suzhou")
        services.decide_pool(acting_user=official, membership_id=membership.pk, admit=True, note="材料齐全")
    context.count("capability profiles", len(suppliers))

    from aiplus.experts import services as experts

    fields = ["industry.manufacturing", "governance.government_services", "livelihood.elderly"]
    pool = [people["expert-li"]] + [
        core.create_user(acting_user=admin, username=f"expert-{n}", password=context.password, is_demo=True,
                         display_name=f"{name}（专家）")
        for n, name in enumerate(["王工", "陈研究员", "刘教授", "杨高工", "黄博士", "周主任"], start=1)]
    for index, user in enumerate(pool):
        experts.register_expert(acting_user=official, user=user, organisation_id=None,
                                fields=[fields[index % len(fields)], "industry.manufacturing"],
                                title="正高级工程师" if index % 2 else "教授", jurisdiction="suzhou")
    context.count("experts", len(pool))

    call = services.create_call(acting_user=official, jurisdiction="suzhou",
                                title=f"{today.year}年苏州市人工智能揭榜挂帅", need_ids=need_ids[:1],
                                closes_on=today + dt.timedelta(days=30))
    services.transition_call(acting_user=official, call_id=call.pk, transition="open")
    if suppliers:
        services.apply_to_call(acting_user=supplier_users[0], call_id=call.pk,
                               need_id=need_ids[0], organisation_id=suppliers[0].pk,
                               proposal="工业视觉缺陷检测一体机，三个月完成产线部署，检出率承诺99.5%。")
    context.count("open calls")

    if len(suppliers) >= 2:
        _reviewed_call(context, official, owner, need_ids, suppliers, supplier_users)
        _call_under_review(context, official, need_ids, suppliers, supplier_users)


PROPOSALS = ["工业视觉缺陷检测一体机：三个月完成产线部署，私有化部署并对接MES，检出率承诺99.5%，单件检测1.5秒。",
             "基于大模型的多模态质检方案：先在一条产线试点两个月，检出率承诺99%，提供本地算力与运维。"]


def _panel_size(official: Any) -> int:
    """Every available manufacturing expert of the pool sits on the demo panels, so the demo expert (李教授) is
    drawn whatever the seed and sees both a scored and a pending review."""
    from aiplus.experts import selectors as expert_selectors

    return expert_selectors.experts(official, field="industry.manufacturing").filter(
        is_active=True, available=True).count()


def _open_with_applications(official: Any, title: str, need_id: int, suppliers: list[Any],
                            supplier_users: list[Any]) -> Any:
    today = timezone.localdate()
    call = services.create_call(acting_user=official, jurisdiction="suzhou", title=title, need_ids=[need_id],
                                closes_on=today, reviewers=_panel_size(official))
    services.transition_call(acting_user=official, call_id=call.pk, transition="open")
    for organisation, user, proposal in zip(suppliers[:2], supplier_users[:2], PROPOSALS, strict=True):
        services.apply_to_call(acting_user=user, call_id=call.pk, need_id=need_id, organisation_id=organisation.pk,
                               proposal=proposal)
    services.transition_call(acting_user=official, call_id=call.pk, transition="close_applications")
    return services.draw_reviewers(acting_user=official, call_id=call.pk)


def _reviewed_call(context: Any, official: Any, owner: Any, need_ids: list[int], suppliers: list[Any],
                   supplier_users: list[Any]) -> None:
    from aiplus.experts import selectors as expert_selectors
    from aiplus.scenarios.models import Pilot

    today = timezone.localdate()
    call = _open_with_applications(official, f"{today.year}年苏州市工业视觉质检揭榜挂帅（已揭榜）", need_ids[0],
                                   suppliers, supplier_users)
    for offset, expert in enumerate(expert_selectors.drawn_users(call.draw_id)):
        for index, application in enumerate(call.applications.order_by("id")):
            value = 86 + offset % 5 - 12 * index
            services.submit_score(acting_user=expert, application_id=application.pk,
                                  criteria={"technical": value, "feasibility": value - 2, "kpi": value + 1,
                                            "cost": value - 4}, comment="方案完整，指标可验证。")
    services.start_notice(acting_user=official, call_id=call.pk, on=today - dt.timedelta(days=40))
    services.award_call(acting_user=official, call_id=call.pk)
    pilot = Pilot.objects.filter(application__call=call).order_by("application__rank").first()
    assert pilot is not None
    services.add_milestone(acting_user=owner, pilot_id=pilot.pk, title="产线部署完成",
                           due_on=today - dt.timedelta(days=20))
    for kpi in pilot.need.kpis.all():
        met = kpi.target_value + Decimal("0.5") if kpi.higher_is_better else kpi.target_value * Decimal("0.75")
        services.record_measurement(acting_user=owner, pilot_id=pilot.pk, kpi_id=kpi.pk, value=str(met))
    services.decide_acceptance(acting_user=owner, pilot_id=pilot.pk, accept=True, note="指标均已达标")
    services.decide_acceptance(acting_user=official, pilot_id=pilot.pk, accept=True, note="同意验收")
    case = services.publish_case(acting_user=official, pilot_id=pilot.pk, title="汽车零部件视觉质检典型案例",
                                 summary="缺陷检出率达到99.5%，单件检测1.5秒，已在三条产线运行。")
    opc = context.people.get("opc-suzhou")
    if opc is not None:
        organisation = opc.role_assignments.filter(organisation__isnull=False).first().organisation
        services.replicate_case(acting_user=opc, case_id=case.pk, organisation_id=organisation.pk,
                                jurisdiction="suzhou-sip")
    context.count("awarded calls with a pilot, a case and a replication")


def _call_under_review(context: Any, official: Any, need_ids: list[int], suppliers: list[Any],
                       supplier_users: list[Any]) -> None:
    today = timezone.localdate()
    _open_with_applications(official, f"{today.year}年苏州市智能制造揭榜挂帅（评审中）", need_ids[0], suppliers,
                            supplier_users)
    context.count("calls under expert review")
