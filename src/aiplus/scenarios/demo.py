"""Demo scenario programme: a published scenario list, supplier capability profiles, an expert pool and an open
call taking applications, so that `make run` shows every scenario page with content (see `portal/demo.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
    today = dt.date.today()

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
