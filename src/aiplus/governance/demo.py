"""Demo ethics review: the Suzhou demo company's ethics committee of seven (the demo expert 李教授 as its external
legal member), one application decided by a meeting with its votes and a follow-up review scheduled, and one
submitted and waiting for the committee's check of its materials (see `portal/demo.py`); three AI applications of
the Suzhou demo company with their tiers (high, medium, low), and a sector inspection of the high-risk one with an
open rectification order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from aiplus.core import services as core_services
from aiplus.governance import services

# (username, display name, role, discipline, gender)
MEMBERS = [
    ("ethics-chair", "伦理委员会主任 钱程", "chair", "science", "male"),
    ("ethics-vice", "伦理委员会副主任 许敏", "vice_chair", "ethics", "female"),
    ("ethics-sci-1", "伦理委员 何静", "member", "science", "female"),
    ("ethics-sci-2", "伦理委员 吕晨", "member", "science", "male"),
    ("ethics-ethics", "伦理委员 施远", "member", "ethics", "male"),
    ("ethics-other", "伦理委员 陶然（社区代表）", "member", "other", "female"),
]


def seed(context: Any) -> None:
    member = context.people["enterprise-suzhou"]
    organisation = member.role_assignments.filter(organisation__isnull=False).first().organisation
    today = timezone.localdate()
    committee = services.create_committee(acting_user=member, organisation_id=organisation.pk,
                                          name=f"{organisation.name}科技伦理委员会",
                                          established_on=today - dt.timedelta(days=90))
    services.register_committee(acting_user=member, committee_id=committee.pk,
                                registered_on=today - dt.timedelta(days=70), registration_number="DEMO-ETHICS-001")
    term: dict[str, Any] = {"term_start": today - dt.timedelta(days=90), "term_end": today + dt.timedelta(days=3 * 365),
            "trained_on": today - dt.timedelta(days=80), "training": "科技伦理审查培训（演示）"}
    members = []
    for username, display, role, discipline, gender in MEMBERS:
        user = core_services.create_user(acting_user=context.admin, username=username, password=context.password,
                                         display_name=display, is_demo=True)
        members.append(services.add_member(acting_user=member, committee_id=committee.pk, user_id=user.pk,
                                           role=role, discipline=discipline, gender=gender, external=False, **term))
    members.append(services.add_member(acting_user=member, committee_id=committee.pk,
                                       user_id=context.people["expert-li"].pk, role="member", discipline="law",
                                       gender="male", external=True, field_of_work="数据与隐私法", **term))
    context.count("ethics committees")

    decided = services.create_application(
        acting_user=member, committee_id=committee.pk, title="基于大模型的智能客服情绪识别研究",
        overview="识别客服对话中的用户情绪以改进服务，涉及个人信息数据。",
        plan="数据脱敏、最小必要采集；出现异常时暂停识别。",
        qualifications="项目组5人均完成伦理培训；经费自筹；无利益冲突。", consent="用户协议中单独告知并取得同意。",
        commitment="遵守科技伦理和科研诚信的承诺书（已签署）。")
    services.submit_application(acting_user=member, application_id=decided.pk)
    chair = members[0].user
    services.examine_application(acting_user=chair, application_id=decided.pk, procedure="general")
    present = [m.pk for m in members]
    votes = {m.pk: "approve_with_changes" for m in members}
    votes[members[3].pk] = "approve"
    services.record_review(acting_user=chair, application_id=decided.pk, held_on=today, present=present,
                           votes=votes, opinion="补充情绪数据的保存期限后批准。")
    waiting = services.create_application(
        acting_user=member, committee_id=committee.pk, title="工业质检人机协作系统研发",
        listed_item="human_machine", overview="产线工人与质检机器人协同作业。", plan="分阶段试点。")
    services.submit_application(acting_user=member, application_id=waiting.pk)
    context.count("ethics review applications", 2)
    seed_risk(context, member, organisation)


_RISK_ANSWERS = {
    "high": {"reach": "large", "autonomy": "automatic", "rights": "significant", "reversibility": "irreversible",
             "data": ["personal", "sensitive"], "sector": "critical", "generative": "no", "oversight": "yes",
             "measures": ["testing"], "data_assessment": "no"},
    "medium": {"reach": "medium", "autonomy": "overseen", "rights": "minor", "reversibility": "effort",
               "data": ["personal"], "sector": "public", "generative": "yes", "oversight": "yes",
               "measures": ["testing", "monitoring"], "data_assessment": "yes"},
    "low": {"reach": "small", "autonomy": "assist", "rights": "none", "reversibility": "easy", "data": [],
            "sector": "general", "generative": "no", "oversight": "yes",
            "measures": ["testing", "monitoring", "incidents", "complaints", "logs"], "data_assessment": "yes"},
}
_RISK_APPS = [
    ("high", "智能信贷审批助手", "根据申请材料给出个人授信建议，由信贷员最终审批。",
     "不用于经营性贷款；不单独作出拒贷决定。", "申请人提交的收入、征信信息。"),
    ("medium", "政务热线智能问答", "回答市民关于办事流程的咨询。", "不受理投诉，不代替人工办理。",
     "公开的办事指南；对话记录保存30日。"),
    ("low", "工业质检视觉检测", "产线外观缺陷检测，辅助质检员判定。", "仅用于外观缺陷，不判定材料强度。",
     "产线图像，不含个人信息。"),
]


def _seed_self_check(member: Any, item: Any) -> None:
    """The hotline's ethics self-check as a supplier and user of AI: every norm met but two, to show the points to
    improve."""
    from aiplus.governance import risk, risk_services

    to_improve = {"basic.literacy": ("partly", "客服人员完成首轮培训，算法团队培训待安排。"),
                  "supply.emergency_readiness": ("not_met", "")}
    answers = {n.code: {"status": to_improve.get(n.code, ("met", ""))[0],
                        "measures": to_improve.get(n.code, ("", f"{n.name_zh}：已制定制度并落实。"))[1]}
               for n in risk.norms() if n.group in ("basic", "supply", "use")}
    risk_services.check_ethics_norms(acting_user=member, application_id=item.pk, activities=["supply", "use"],
                                     answers=answers)


def seed_risk(context: Any, member: Any, organisation: Any) -> None:
    from aiplus.core.models import Department, RoleAssignment
    from aiplus.governance import risk_services

    department = Department.objects.filter(code="sz_gxj").first()
    if department is None:  # departments not synced: nothing to supervise
        return
    made = {}
    for tier, name, purpose, limits, data_used in _RISK_APPS:
        item = risk_services.register_application(
            acting_user=member, organisation_id=organisation.pk, department_id=department.pk, name=name,
            purpose=purpose, limits=limits, data_used=data_used, contact="ai-compliance@example.com")
        risk_services.assess_application(acting_user=member, application_id=item.pk, answers=_RISK_ANSWERS[tier])
        made[tier] = item
    context.count("AI applications", len(made))
    _seed_self_check(member, made["medium"])
    # The sector's own official plans the inspection (the departments demo places one in the industry bureau; an
    # official placed in another department may not plan for this one).
    sector_staff = RoleAssignment.objects.filter(department=department, role="official").select_related("user")
    official = sector_staff[0].user if sector_staff else context.people["official-suzhou"]
    plan = risk_services.plan_inspections(acting_user=official, department_id=department.pk,
                                          title="高风险人工智能应用抽查（演示）", size=1, tier="high")
    inspection = plan.inspections.get()
    risk_services.record_findings(acting_user=official, inspection_id=inspection.pk,
                                  findings="拒贷理由未向申请人说明；人工复核记录不完整。")
    risk_services.order_rectification(acting_user=official, inspection_id=inspection.pk,
                                      requirement="向申请人说明拒贷理由，补齐人工复核记录。",
                                      due_on=timezone.localdate() + dt.timedelta(days=30))
    context.count("inspection plans")
