"""Demo participation (fictional, labelled 【演示】): an event open for registration with one registration, a
consultation open for comment with a comment moderated into a group and the published response, and an industry
association with a member, a group standard and a signed self-regulation pledge (see `portal/demo.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from aiplus.core.models import Jurisdiction, RoleAssignment
from aiplus.participation import services


def seed(context: Any) -> None:
    suzhou = Jurisdiction.objects.get(code="suzhou")
    official = context.people["official-suzhou"]
    company_member = context.people["enterprise-suzhou"]
    now = timezone.now()

    event = services.create_event(
        acting_user=official, jurisdiction_id=suzhou.pk, title="【演示】人工智能应用场景对接会",
        title_en="[Demo] AI application scenario matchmaking", venue="苏州国际博览中心 B1 馆",
        starts_at=now + dt.timedelta(days=21), ends_at=now + dt.timedelta(days=21, hours=3), capacity=120,
        description="场景发布方与解决方案提供方现场对接（演示数据）。", is_published=True)
    services.register_for_event(acting_user=company_member, event_id=event.pk, name="孙悦",
                                organisation_name="演示企业")
    context.count("events")

    consultation = services.open_consultation(
        acting_user=official, jurisdiction_id=suzhou.pk, subject_kind="programme",
        title="【演示】苏州市开源项目与开源社区支持办法（征求意见稿）",
        title_en="[Demo] Suzhou measures for supporting open-source projects and communities (draft for comment)",
        draft="第一条 为支持开源社区发展，对维护公开登记开源项目的单位给予支持……（演示数据）")
    comment = services.submit_comment(acting_user=company_member, consultation_id=consultation.pk,
                                      text="建议把社区贡献者数量也纳入支持条件。", display_name="孙悦")
    group = services.create_comment_group(acting_user=official, consultation_id=consultation.pk,
                                          title="关于支持条件")
    services.moderate_comment(acting_user=official, comment_id=comment.pk, decision="approve", group_id=group.pk)
    services.respond_to_group(acting_user=official, group_id=group.pk,
                              response="部分采纳：贡献者数量作为评审参考，不作为申请门槛。")
    context.count("consultations")

    associations = [o for o in context.organisations.get("industry_association", [])
                    if o.jurisdiction_id == suzhou.pk or (o.jurisdiction.parent_id == suzhou.pk)]
    if not associations:
        return
    body = associations[0]
    association = services.register_association(acting_user=official, organisation_id=body.pk,
                                                description="本地人工智能企业的行业自律组织（演示数据）。")
    member_org = RoleAssignment.objects.filter(user=company_member, active=True).values_list(
        "organisation_id", flat=True).first()
    if member_org is not None:
        services.add_association_member(acting_user=official, association_id=association.pk,
                                        organisation_id=member_org, joined_on=dt.date.today())
    services.publish_standard(acting_user=official, association_id=association.pk, code="T/SZAI 001-2026",
                              title="【演示】生成式人工智能服务数据标注规范", published_on=dt.date.today())
    pledge = services.publish_pledge(acting_user=official, association_id=association.pk,
                                     title="【演示】人工智能企业自律公约",
                                     text="我们承诺依法标识生成合成内容，保护个人信息……（演示数据）")
    if member_org is not None:
        services.sign_pledge(acting_user=company_member, pledge_id=pledge.pk, organisation_id=member_org)
    context.count("industry associations")
