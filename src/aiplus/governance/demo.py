"""Demo ethics review: the Suzhou demo company's ethics committee of seven (the demo expert 李教授 as its external
legal member), one application decided by a meeting with its votes and a follow-up review scheduled, and one
submitted and waiting for the committee's check of its materials (see `portal/demo.py`)."""

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
