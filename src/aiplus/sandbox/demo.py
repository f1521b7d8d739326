"""Demo sandbox and fault tolerance (see `portal/demo.py`): three pool experts in Suzhou; a Suzhou company's
sandbox admitted 40 days ago with conditions, one report filed and an earlier one overdue; another application
waiting for its panel; and a fault-tolerance decision (从轻处罚) on a violation case of the company."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from aiplus.core import services as core_services
from aiplus.experts import services as expert_services
from aiplus.experts.models import ExpertProfile
from aiplus.governance import violation_services
from aiplus.sandbox import services
from aiplus.sandbox.models import SandboxApplication

FIELD = "industry.manufacturing"
EXPERTS = [("sandbox-expert-1", "评审专家 顾明"), ("sandbox-expert-2", "评审专家 沈洁"),
           ("sandbox-expert-3", "评审专家 陆远")]


def seed(context: Any) -> None:
    member = context.people["enterprise-suzhou"]
    official = context.people["official-suzhou"]
    organisation = member.role_assignments.filter(organisation__isnull=False).first().organisation
    for username, display in EXPERTS:
        user = core_services.create_user(acting_user=context.admin, username=username, password=context.password,
                                         display_name=display, is_demo=True)
        expert_services.register_expert(acting_user=context.admin, user=user, organisation_id=None, fields=[FIELD],
                                        jurisdiction="suzhou")
    today = timezone.localdate()
    scope: dict[str, Any] = {"organisation_id": organisation.pk,
                             "risk_controls": "安全员远程监控、限速20公里、夜间停运", "planned_users": 5000,
                             "geography": "苏州工业园区", "planned_days": 180,
                             "exit_plan": "测试结束后回收车辆、删除测试数据并提交评估报告"}
    admitted = services.apply(acting_user=member, title="无人配送车城区道路测试",
                              innovation="L4级无人配送车在园区开放道路末端配送",
                              legal_gap="现行道路交通规定未覆盖无人配送车上路", **scope)
    # the application was made 70 days ago (the demo shows a term under way, with a report overdue)
    SandboxApplication.objects.filter(pk=admitted.pk).update(created_at=timezone.now() - dt.timedelta(days=70))
    drawn = services.draw_panel(acting_user=official, application_id=admitted.pk, fields=[FIELD], size=3)
    assert drawn.draw is not None
    for expert in ExpertProfile.objects.filter(pk__in=[int(e) for e in drawn.draw.selected]).select_related("user"):
        services.vote_admission(acting_user=expert.user, application_id=admitted.pk, vote="admit",
                                opinion="创新性突出，风险防控措施可行")
    services.decide_admission(
        acting_user=official, application_id=admitted.pk, reasons="创新性突出，风险防控措施可行", user_cap=1000,
        geography_condition="苏州工业园区",
        start_on=today - dt.timedelta(days=70), end_on=today + dt.timedelta(days=49), report_every_days=30)
    # the second report is filed, the first left overdue (a report due in a year whose holiday notice is not out
    # is not scheduled yet, so the second may be missing when the demo is seeded late in December)
    second = admitted.reports.filter(sequence=2).first()
    if second is not None:
        services.file_report(acting_user=member, report_id=second.pk, users_served=800,
                             summary="累计配送1.2万单，无安全事件")
    services.apply(acting_user=member, title="大模型辅助社区医疗问诊试点",
                   innovation="基于大模型的社区卫生服务中心初诊辅助",
                   legal_gap="互联网诊疗规定未明确人工智能辅助初诊的责任划分", **scope)
    context.count("sandbox applications", 2)

    violation = violation_services.open_violation(
        acting_user=official, organisation_id=organisation.pk, title="沙盒测试中未及时履行算法备案",
        provision="algorithms.filing.penalty_range_cny", facts="配送调度算法在测试扩大后未及时备案，发现后五日内补办。")
    services.decide_tolerance(
        acting_user=official, organisation_id=organisation.pk, title="算法备案迟延的容错认定",
        facts="配送调度算法在沙盒测试扩大后未及时备案；企业主动报告并在五日内补办。",
        criteria=["required.good_faith", "required.no_red_line", "required.no_serious_harm",
                  "mitigating.reported_voluntarily"],
        outcome="lighter", reasons="符合必备条件，主动报告，从宽情形不足两项，从轻处罚。",
        violation_id=violation.pk, application_id=admitted.pk)
    context.count("fault-tolerance decisions")
