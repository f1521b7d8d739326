"""Every audit action of the platform, in one registry: a code `app.noun.verb` with a Chinese and an English label
(the audit page shows an event as a sentence from them). `aiplus.core.audit.record` refuses a code that is not here.

The codes of every app are listed here as plain strings, so core imports no domain app. A workflow's transitions
are `<action prefix>.<transition name>` (`Workflow(action_prefix=…)`, by default its name).

Events written before the codes were unified keep their old code: audit rows are hash-chained and the database
refuses to change them (core 0007–0009), so `LEGACY` maps an old code to the current one for display and filtering.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import get_language

CODE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class AuditAction:
    code: str
    label_zh: str
    label_en: str

    @property
    def label(self) -> str:
        """The label in the active language (Chinese unless English is active)."""
        return self.label_en if (get_language() or "").startswith("en") else self.label_zh


REGISTRY: dict[str, AuditAction] = {}


def register(code: str, label_zh: str, label_en: str) -> AuditAction:
    if not CODE.match(code):
        raise ValueError(f"audit action {code!r} is not app.noun.verb")
    action = AuditAction(code, label_zh, label_en)
    if REGISTRY.get(code, action) != action:
        raise ValueError(f"audit action {code!r} is registered twice with different labels")
    REGISTRY[code] = action
    return action


def is_registered(code: str) -> bool:
    return code in REGISTRY


def current(code: str) -> str:
    """The code an event's action has today (an old event's code mapped to its new name)."""
    return LEGACY.get(code, code)


def get(code: str) -> AuditAction | None:
    return REGISTRY.get(current(code))


def stored_codes(prefix: str) -> list[str]:
    """The old codes whose current code starts with `prefix`, so that filtering by a new code finds old events."""
    return sorted(old for old, new in LEGACY.items() if new.startswith(prefix))


def _register_all(actions: Iterable[tuple[str, str, str]]) -> None:
    for code, label_zh, label_en in actions:
        register(code, label_zh, label_en)


_register_all([
    # core: organisations, people, sign-in, reference data, jobs, deadlines, notifications
    ("core.organisation.created", "登记组织", "registered an organisation"),
    ("core.holiday_notice.entered", "录入国务院节假日安排", "entered the State Council's holiday arrangement"),
    ("core.organisation.updated", "修改组织信息", "updated an organisation"),
    ("core.role.assigned", "授予角色", "assigned a role"),
    ("core.user.created", "创建用户", "created a user"),
    ("core.api_token.created", "创建 API 令牌", "created an API token"),
    ("core.api_token.revoked", "撤销 API 令牌", "revoked an API token"),
    ("core.account.locked_out", "多次登录失败，账号暂时锁定", "locked an account after failed sign-ins"),
    ("core.totp.setup_started", "开始设置双因素认证", "started setting up two-factor authentication"),
    ("core.totp.setup_failed", "双因素认证设置验证码错误", "entered a wrong code while setting up two-factor "
                                                          "authentication"),
    ("core.totp.enabled", "启用双因素认证", "enabled two-factor authentication"),
    ("core.totp.failed", "双因素认证验证码错误", "entered a wrong two-factor code"),
    ("core.totp.reset", "重置双因素认证", "reset two-factor authentication"),
    ("core.jurisdictions.synced", "同步辖区参考数据", "synchronised the jurisdictions"),
    ("core.departments.synced", "同步部门参考数据", "synchronised the departments"),
    ("core.job.started", "启动后台任务", "started a background job"),
    ("core.job.recovered", "工作进程中断后将后台任务重新排队",
     "queued a background job again after its worker was lost"),
    ("core.job.lost", "工作进程多次中断，后台任务失败", "failed a background job whose workers were lost too often"),
    ("core.overdue_timers.reported", "通报已过期的流程时限", "reported overdue workflow deadlines"),
    ("core.notifications.read", "将通知标为已读", "marked notifications as read"),
    # portal
    # compute
    ("compute.programme.created", "创建算力券项目", "created a voucher programme"),
    ("compute.centre.registered", "登记算力中心", "registered a computing centre"),
    ("compute.pool.added", "添加算力资源池", "added a resource pool"),
    ("compute.pool.availability_reported", "报告资源池可用卡数", "reported a pool's available cards"),
    ("compute.latency.set", "设置网络时延", "set a network latency"),
    ("compute.affiliation.declared", "声明关联关系", "declared an affiliation"),
    ("compute.quota.issued", "发放算力券额度", "issued a voucher quota"),
    ("compute.request.submitted", "提交算力需求", "submitted a compute request"),
    ("compute.request.placed", "分配算力需求", "placed a compute request"),
    ("compute.request.failed", "算力需求分配失败", "failed to place a compute request"),
    ("compute.usage.recorded", "记录算力用量", "recorded compute usage"),
    ("compute.usage.imported", "导入算力用量", "imported compute usage"),
    ("compute.voucher.redeemed", "兑付算力券", "redeemed a voucher"),
    ("compute.voucher.clawed_back", "追回算力券", "clawed back a voucher"),
    ("compute.vouchers.post_audited", "算力券事后核查", "post-audited vouchers"),
    ("compute.savings.started", "开始计算节约成本", "started computing savings"),
    ("compute.savings.finished", "完成计算节约成本", "finished computing savings"),
    # datahub
    ("datahub.dataset.created", "登记数据集", "registered a dataset"),
    ("datahub.dataset.updated", "修改数据集", "updated a dataset"),
    ("datahub.catalogue.imported", "导入数据目录", "imported a data catalogue"),
    ("datahub.harvest_source.registered", "登记数据目录采集源", "registered a catalogue harvest source"),
    ("datahub.harvest.queued", "安排数据目录采集", "queued a catalogue harvest"),
    ("datahub.harvest.completed", "完成数据目录采集", "harvested a remote catalogue"),
    ("datahub.service.created", "登记数据服务", "registered a data service"),
    ("datahub.service.updated", "修改数据服务", "updated a data service"),
    ("datahub.access.requested", "申请使用数据", "requested data access"),
    ("datahub.access.approve", "批准数据使用申请", "approved a data access request"),
    ("datahub.access.reject", "驳回数据使用申请", "rejected a data access request"),
    ("datahub.access.revoke", "撤销数据使用协议", "revoked a data use agreement"),
    ("datahub.expiry_notices.sent", "发送数据使用协议到期提醒", "sent agreement expiry reminders"),
    ("datahub.asset.registered", "登记数据资产", "registered a data asset"),
    ("datahub.security_profile.updated", "修改数据安全档案", "updated a data security profile"),
    ("datahub.important_data.declared", "申报重要数据", "declared important data"),
    ("datahub.processor.registered", "登记数据处理者", "registered a data processor"),
    ("datahub.incident.recorded", "记录数据安全事件", "recorded a data security incident"),
    ("datahub.incident.reported", "报告数据安全事件", "reported a data security incident"),
    ("datahub.transfer.recorded", "记录数据出境", "recorded a cross-border transfer"),
    ("datahub.gba_filing.created", "创建大湾区数据合同备案", "created a Greater Bay Area contract filing"),
    ("datahub.gba_filing.file", "提交大湾区数据合同备案", "filed a Greater Bay Area contract"),
    ("datahub.gba_filing.withdraw", "撤回大湾区数据合同备案", "withdrew a Greater Bay Area contract filing"),
    # experts
    ("experts.profile.registered", "登记专家", "registered an expert"),
    ("experts.profile.updated", "修改专家信息", "updated an expert"),
    ("experts.conflict.declared", "申报利益冲突", "declared a conflict of interest"),
    ("experts.panel.drawn", "抽取专家", "drew an expert panel"),
    ("experts.consultation.asked", "发起专家咨询", "asked for an expert consultation"),
    ("experts.opinion.submitted", "提交专家意见", "submitted an expert opinion"),
    # scenarios: needs (workflow `scenarios.need`), lists, calls (workflow `scenarios.call`), pilots, cases
    ("scenarios.need.created", "创建场景需求", "created a scenario need"),
    ("scenarios.need.replicated", "复制场景需求", "replicated a scenario need"),
    ("scenarios.need.updated", "修改场景需求", "updated a scenario need"),
    ("scenarios.need.co_published", "联合发布场景需求", "co-published a scenario need"),
    ("scenarios.need.submit", "提交场景需求审核", "submitted a scenario need for review"),
    ("scenarios.need.review", "审核通过场景需求", "approved a scenario need"),
    ("scenarios.need.return", "退回场景需求", "returned a scenario need"),
    ("scenarios.need.publish", "发布场景需求", "published a scenario need"),
    ("scenarios.need.close", "关闭场景需求", "closed a scenario need"),
    ("scenarios.need.withdraw", "撤回场景需求", "withdrew a scenario need"),
    ("scenarios.needs.imported", "导入场景需求", "imported scenario needs"),
    ("scenarios.list.published", "发布场景清单", "published a scenario list"),
    ("scenarios.profile.saved", "保存能力档案", "saved a capability profile"),
    ("scenarios.pool.applied", "申请入库", "applied to the supplier pool"),
    ("scenarios.pool.decided", "决定入库申请", "decided on a supplier pool application"),
    ("scenarios.call.created", "创建揭榜挂帅榜单", "created an open call"),
    ("scenarios.call.updated", "修改揭榜挂帅榜单", "updated an open call"),
    ("scenarios.call.open", "发布榜单", "opened a call"),
    ("scenarios.call.close_applications", "截止申报并评审", "closed a call's applications"),
    ("scenarios.call.start_notice", "公示评审结果", "published a call's review results"),
    ("scenarios.call.award", "确认揭榜", "awarded a call"),
    ("scenarios.application.submitted", "提交揭榜申报", "applied to a call"),
    ("scenarios.application.scored", "评审打分", "scored an application"),
    ("scenarios.reviewers.drawn", "抽取评审专家", "drew the reviewers"),
    ("scenarios.objection.filed", "提出异议", "filed an objection"),
    ("scenarios.objection.answered", "答复异议", "answered an objection"),
    ("scenarios.milestone.added", "添加试点里程碑", "added a pilot milestone"),
    ("scenarios.kpi.measured", "记录指标实测值", "measured a KPI"),
    ("scenarios.pilot.owner_decided", "需求方作出验收决定", "recorded the owner's acceptance decision"),
    ("scenarios.pilot.department_decided", "主管部门作出验收决定", "recorded the department's acceptance decision"),
    ("scenarios.case.published", "发布典型案例", "published a case"),
    # algorithms: the registers of models, algorithms, hardware and open-source projects
    ("algorithms.model.created", "登记模型", "registered a model"),
    ("algorithms.model.updated", "修改模型", "updated a model"),
    ("algorithms.model.published", "公开或撤回模型", "published or withdrew a model"),
    ("algorithms.algorithm.created", "登记算法", "registered an algorithm"),
    ("algorithms.algorithm.updated", "修改算法", "updated an algorithm"),
    ("algorithms.algorithm.published", "公开或撤回算法", "published or withdrew an algorithm"),
    ("algorithms.hardware.created", "登记硬件", "registered hardware"),
    ("algorithms.hardware.updated", "修改硬件", "updated hardware"),
    ("algorithms.hardware.published", "公开或撤回硬件", "published or withdrew hardware"),
    ("algorithms.project.created", "登记开源项目", "registered an open-source project"),
    ("algorithms.project.updated", "修改开源项目", "updated an open-source project"),
    ("algorithms.project.published", "公开或撤回开源项目", "published or withdrew an open-source project"),
    ("algorithms.filing.created", "建立备案材料", "started a filing dossier"),
    ("algorithms.filing.updated", "修改备案材料", "updated a filing dossier"),
    ("algorithms.filing.submitted", "提交备案", "submitted a filing"),
    ("algorithms.filing.number_recorded", "登记备案编号", "recorded a filing number"),
    ("algorithms.filing.change_reported", "报告备案变更", "reported a change to a filed algorithm or service"),
    ("algorithms.upload.checked", "核验上传内容的生成合成标识", "checked an upload's AI-generated content label"),
    ("algorithms.upload.reviewed", "复核上传内容", "reviewed an upload"),
    ("algorithms.export.logged", "记录提供无显式标识的生成合成内容",
     "logged content supplied without its explicit label"),
    ("algorithms.filing.findings_recorded", "记录条款符合性结论", "recorded clause conformity findings"),
    ("algorithms.filing.deregistered", "报告备案注销", "reported the deregistration of a filing"),
    # governance: science and technology ethics review
    ("governance.committee.created", "设立科技伦理委员会", "set up an ethics committee"),
    ("governance.committee.member_added", "添加伦理委员会委员", "added an ethics committee member"),
    ("governance.committee.registered", "登记科技伦理委员会", "recorded an ethics committee's registration"),
    ("governance.application.created", "创建伦理审查申请", "created an ethics review application"),
    ("governance.application.updated", "修改伦理审查申请材料", "updated an ethics review application"),
    ("governance.application.submitted", "提交伦理审查申请", "submitted an ethics review application"),
    ("governance.application.notice_given", "一次性告知伦理审查申请需补正的材料",
     "gave the one notice of everything missing from an ethics review application"),
    ("governance.application.accepted", "受理伦理审查申请", "accepted an ethics review application"),
    ("governance.review.recorded", "记录伦理审查会议与表决", "recorded an ethics review with its votes"),
    ("governance.committee.registration_overdue", "提醒伦理委员会逾期未登记",
     "reminded committees overdue for registration"),
    ("governance.re_review.drawn", "抽取伦理专家复核专家组", "drew an ethics re-review panel"),
    ("governance.re_review.decided", "形成伦理专家复核结论", "concluded an ethics re-review"),
    ("governance.re_review.opinion_submitted", "提交伦理专家复核意见", "submitted an ethics re-review opinion"),
    ("governance.follow_up.recorded", "记录伦理跟踪审查", "recorded an ethics follow-up review"),
    ("governance.follow_up.reminded", "提醒伦理跟踪审查到期", "reminded of ethics follow-up reviews due"),
    ("governance.application.activity_registered", "登记清单内科技活动", "recorded a listed activity's registration"),
    ("governance.application.registration_overdue", "提醒清单内活动逾期未登记",
     "reminded units of listed activities overdue for registration"),
    ("governance.annual_report.filed", "报送伦理委员会年度报告", "filed an ethics committee's annual report"),
    ("governance.annual_report.overdue", "提醒伦理委员会年度报告逾期", "reminded committees of annual reports overdue"),
    ("governance.entrustment.created", "登记委托伦理审查", "recorded an entrustment of ethics review"),
    ("governance.advice.invited", "邀请独立顾问", "invited an independent adviser"),
    ("governance.advice.submitted", "提交独立顾问意见", "submitted an independent adviser's opinion"),
    # support: support programmes, applications and disbursement
    ("support.budget.opened", "开立扶持项目年度预算", "opened a support programme's budget for a year"),
    ("support.application.created", "创建扶持申请", "created a support application"),
    ("support.document.added", "提交扶持申请材料", "gave a document of a support application"),
    ("support.document.uploaded", "上传扶持申请材料文件", "uploaded a document file of a support application"),
    ("support.application.submitted", "提交扶持申请", "submitted a support application"),
    ("support.application.notice_given", "一次性告知扶持申请需补正的内容",
     "gave the one notice of everything missing from a support application"),
    ("support.application.accepted", "受理扶持申请", "accepted a support application"),
    ("support.application.approved", "批准扶持申请并承诺预算", "approved a support application and committed budget"),
    ("support.award.imported", "导入获奖名单并承诺预算", "imported an award of a list and committed budget"),
    ("support.application.rejected", "不予支持扶持申请", "rejected a support application"),
    ("support.tranche.paid", "拨付扶持资金", "paid a tranche of support"),
    ("support.review.drawn", "抽取扶持申请评审专家组", "drew the expert panel of a support application"),
    ("support.review.scored", "专家评分扶持申请", "scored a support application as a panel expert"),
    ("support.objection.raised", "对拟支持项目提出公示异议", "objected to a support award under public notice"),
    ("support.objection.answered", "答复公示异议", "answered an objection to a support award"),
    ("support.application.finalised", "公示期满确定支持", "made a support award final after its public notice"),
    ("support.tranche.accepted", "验收扶持项目拨付节点", "accepted the milestone of a support tranche"),
    # insights: targets and indicators
    ("insights.observation.entered", "录入统计数据", "entered a statistic"),
    ("insights.observation.corrected", "更正统计数据", "corrected a statistic"),
    ("insights.observations.imported", "导入统计数据", "imported statistics"),
    # governance: incidents, monitoring and emergency response
    ("governance.incident.reported", "企业报告人工智能安全事件", "reported an AI incident of its organisation"),
    ("governance.incident.reported_publicly", "公众举报人工智能安全事件",
     "reported an AI incident through the public form"),
    ("governance.incident.signalled", "平台信号生成事件", "opened an incident from a platform signal"),
    ("governance.incident.triaged", "研判定级事件", "triaged and graded an incident"),
    ("governance.incident.dismissed", "事件不予立案", "dismissed an incident report"),
    ("governance.incident.assigned", "分派事件", "assigned an incident"),
    ("governance.incident.operator_reported", "记录运营者报告时间", "recorded the operator's report of an incident"),
    ("governance.incident.action_recorded", "记录事件处置措施", "recorded an incident response action"),
    ("governance.incident.escalated", "记录重大事件向上级部门报告", "recorded a major incident's report up the chain"),
    ("governance.incident.follow_up_reported", "记录重大事件续报", "recorded a follow-up report of a major incident"),
    ("governance.incident.handled", "事件处置结束", "ended the handling of an incident"),
    ("governance.incident.closed", "事件结案并复盘", "closed an incident with its post-incident review"),
    ("governance.incident.clocks_overdue", "提醒事件时限逾期", "reported overdue incident clocks"),
    # departments: duties, handovers and the work they bring
    ("departments.duties.synced", "载入部门职责分工", "loaded the duties of the departments"),
    ("departments.duty.handed_over", "移交部门职责", "handed a duty over to another department"),
    ("departments.member.added", "编入部门工作人员", "placed an official in a department"),
    ("departments.head.appointed", "指定部门负责人", "appointed the head of a department"),
    ("departments.member.removed", "将工作人员移出部门", "removed an official from a department"),
    ("departments.handover.scheduled", "预约部门职责移交", "scheduled a duty's handover for a later date"),
    ("departments.handover.cancelled", "取消预约的职责移交", "cancelled a scheduled handover"),
    ("departments.work.escalated", "逾期待办提醒部门负责人", "escalated overdue work to department heads"),
    # evaluation: question banks of the testing platform
    ("evaluation.evaluator.designated", "指定评估人员", "designated an evaluator"),
    ("evaluation.bank.created", "创建题库", "created a question bank"),
    ("evaluation.bank.imported", "导入题库题目", "imported items into a question bank"),
    ("evaluation.import.recorded", "记录题库导入报告", "recorded a question bank import report"),
    ("evaluation.item.reviewed", "审核题库题目", "reviewed question bank items"),
    ("evaluation.version.published", "发布题库版本", "published a question bank version"),
    ("evaluation.version.created", "创建题库新版本", "started a new question bank version"),
    ("evaluation.endpoint.registered", "登记被测接口", "registered a system under test"),
    ("evaluation.run.started", "发起测试运行", "started a test run"),
    ("evaluation.run.completed", "测试运行完成", "completed a test run"),
    ("evaluation.run.resumed", "续跑测试运行", "resumed a test run"),
    ("evaluation.run.lost", "测试运行因工作进程中断而终止", "stopped a test run after its worker was lost"),
    ("evaluation.run_item.reviewed", "人工复核测试题目", "reviewed a test run item"),
    ("evaluation.report.issued", "签发测试报告", "issued a signed test report"),
    ("support.application.clawed_back", "追回扶持资金", "clawed support back"),
    # measures: talent, IP and standards registers, financing matching, organisation indicators
    ("measures.record.submitted", "登记人才、知识产权或标准记录", "submitted a talent, IP or standards record"),
    ("measures.record.verified", "核验登记记录", "verified a register record"),
    ("measures.record.rejected", "核验登记记录未通过", "rejected a register record"),
    ("measures.offer.published", "发布金融产品", "published a financing offer"),
    ("measures.request.created", "提出融资需求", "made a financing request"),
    ("measures.request.financed", "登记获得的融资", "recorded the financing obtained for a request"),
    ("measures.indicators.recorded", "录入单位指标", "recorded an organisation's indicators"),
    # opc: the OPC register, communities and residencies
    ("opc.profile.registered", "登记一人公司", "registered a one-person company"),
    ("opc.profile.updated", "更新一人公司登记信息", "updated a one-person company's profile"),
    ("opc.community.created", "认定OPC社区", "recognised an OPC community"),
    ("opc.residency.applied", "申请入驻OPC社区", "applied for a place in an OPC community"),
    ("opc.residency.admitted", "准予入驻OPC社区", "admitted a one-person company to an OPC community"),
    ("opc.residency.refused", "不予入驻OPC社区", "refused a place in an OPC community"),
    # participation: notices, policy documents, events, consultations, industry associations
    ("participation.notice.created", "保存通知公告草稿", "saved a draft notice"),
    ("participation.notice.updated", "修改通知公告", "corrected a notice"),
    ("participation.notice.published", "发布通知公告", "published a notice"),
    ("participation.notice.withdrawn", "撤回通知公告", "withdrew a notice"),
    ("participation.attachment.added", "上传通知公告附件", "attached a file to a notice"),
    ("participation.event.created", "保存活动草稿", "saved a draft event"),
    ("participation.event.published", "发布活动", "published an event"),
    ("participation.event.withdrawn", "撤回活动", "withdrew an event"),
    ("participation.registration.created", "报名参加活动", "registered for an event"),
    ("participation.registration.cancelled", "取消活动报名", "cancelled an event registration"),
    ("participation.registration.checked_in", "活动签到", "checked an attendee in"),
    ("participation.consultation.opened", "发布公开征求意见", "opened a public consultation"),
    ("participation.comment.submitted", "提交征求意见反馈", "submitted a consultation comment"),
    ("participation.comment.moderated", "审核征求意见反馈", "moderated a consultation comment"),
    ("participation.comment_group.created", "建立意见归类", "grouped consultation comments"),
    ("participation.comment_group.responded", "公布意见采纳情况", "published the response to a comment group"),
    ("governance.violation.opened", "违法行为立案", "opened a violation case"),
    ("governance.violation.decided", "作出处罚决定", "decided a penalty"),
    ("governance.violation.appealed", "申请复议", "appealed a penalty decision"),
    ("governance.violation.appeal_decided", "作出复议决定", "decided an appeal"),
    ("governance.red_line.confirmed", "确认触及安全底线", "confirmed a red-line flag"),
    ("governance.red_line.dismissed", "排除安全底线标记", "dismissed a red-line flag"),
    ("governance.ai_application.registered", "登记人工智能应用", "registered an AI application"),
    ("governance.ai_application.changed", "变更人工智能应用", "changed an AI application"),
    ("governance.ai_application.assessed", "完成风险评估", "assessed an AI application's risk"),
    ("governance.ai_application.ethics_checked", "提交伦理规范自查", "filed an ethics self-check of an AI application"),
    ("governance.ai_application.reassessment_due", "标记待重新评估", "marked an AI application due for re-assessment"),
    ("governance.inspection_plan.drawn", "随机抽取检查对象", "drew the applications of an inspection plan"),
    ("governance.inspection.recorded", "记录检查发现", "recorded an inspection's findings"),
    ("governance.rectification.ordered", "下达整改通知", "ordered a rectification"),
    ("governance.rectification.reported", "报告整改情况", "reported a rectification"),
    ("governance.rectification.closed", "整改核验销号", "verified and closed a rectification"),
    ("governance.rectification.overdue", "整改逾期上报", "reported an overdue rectification"),
    ("participation.association.registered", "登记行业协会", "registered an industry association"),
    ("participation.association.member_added", "添加协会会员", "added an association member"),
    ("participation.standard.published", "发布团体标准", "published a group standard"),
    ("participation.pledge.published", "发布自律公约", "published a self-regulation pledge"),
    ("participation.pledge.signed", "签署自律公约", "signed a self-regulation pledge"),
    # sandbox: sandbox supervision and innovation fault tolerance
    ("sandbox.application.submitted", "提交沙盒监管申请", "applied to the regulatory sandbox"),
    ("sandbox.panel.drawn", "抽取入盒评审专家组", "drew a sandbox admission panel"),
    ("sandbox.panel.voted", "提交入盒评审表决", "voted on a sandbox admission"),
    ("sandbox.application.decided", "作出入盒决定", "decided a sandbox admission"),
    ("sandbox.report.filed", "提交沙盒定期报告", "filed a sandbox periodic report"),
    ("sandbox.reports.overdue", "提醒沙盒定期报告逾期", "reported overdue sandbox reports"),
    ("sandbox.incident.linked", "报告沙盒测试事件", "reported an incident during a sandbox test"),
    ("sandbox.exit.decided", "作出出盒、延期或终止决定", "decided a sandbox exit, extension or termination"),
    ("sandbox.tolerance.decided", "作出容错免责认定", "decided a fault-tolerance case"),
])

# Codes of events written before this registry (rows keep them: the hash chain and the triggers forbid rewriting).
LEGACY: dict[str, str] = {
    "organisation.created": "core.organisation.created",
    "organisation.updated": "core.organisation.updated",
    "role.assigned": "core.role.assigned",
    "user.created": "core.user.created",
    "api_token.created": "core.api_token.created",
    "api_token.revoked": "core.api_token.revoked",
    "auth.locked_out": "core.account.locked_out",
    "auth.totp_setup_started": "core.totp.setup_started",
    "auth.totp_setup_failed": "core.totp.setup_failed",
    "auth.totp_enabled": "core.totp.enabled",
    "auth.totp_failed": "core.totp.failed",
    "auth.totp_reset": "core.totp.reset",
    "reference.jurisdictions_synced": "core.jurisdictions.synced",
    "reference.departments_synced": "core.departments.synced",
    "job.started": "core.job.started",
    "deadlines.overdue_reported": "core.overdue_timers.reported",
    "notifications.read": "core.notifications.read",
    "notice.published": "participation.notice.published",
    "portal.notice.published": "participation.notice.published",
    "compute.pool.availability": "compute.pool.availability_reported",
    "compute.vouchers.post_audit": "compute.vouchers.post_audited",
    "datahub.dataset_created": "datahub.dataset.created",
    "datahub.dataset_updated": "datahub.dataset.updated",
    "datahub.catalogue_imported": "datahub.catalogue.imported",
    "datahub.service_created": "datahub.service.created",
    "datahub.service_updated": "datahub.service.updated",
    "datahub.access_requested": "datahub.access.requested",
    "datahub.expiry_notices_sent": "datahub.expiry_notices.sent",
    "datahub.asset_registered": "datahub.asset.registered",
    "datahub.security_profile_updated": "datahub.security_profile.updated",
    "datahub.important_data_declared": "datahub.important_data.declared",
    "datahub.processor_registered": "datahub.processor.registered",
    "datahub.incident_recorded": "datahub.incident.recorded",
    "datahub.incident_reported": "datahub.incident.reported",
    "datahub.transfer_recorded": "datahub.transfer.recorded",
    "datahub.gba_filing_created": "datahub.gba_filing.created",
    "experts.registered": "experts.profile.registered",
    "experts.updated": "experts.profile.updated",
    "experts.conflict_declared": "experts.conflict.declared",
    "experts.panel_drawn": "experts.panel.drawn",
    "experts.consultation_asked": "experts.consultation.asked",
    "experts.opinion_submitted": "experts.opinion.submitted",
    "scenarios.need_created": "scenarios.need.created",
    "scenarios.need_replicated": "scenarios.need.replicated",
    "scenarios.need_updated": "scenarios.need.updated",
    "scenarios.need_co_published": "scenarios.need.co_published",
    "scenarios.needs_imported": "scenarios.needs.imported",
    "scenarios.list_published": "scenarios.list.published",
    "scenarios.profile_saved": "scenarios.profile.saved",
    "scenarios.pool_applied": "scenarios.pool.applied",
    "scenarios.pool_decided": "scenarios.pool.decided",
    "scenarios.call_created": "scenarios.call.created",
    "scenarios.call_updated": "scenarios.call.updated",
    "scenarios.applied": "scenarios.application.submitted",
    "scenarios.scored": "scenarios.application.scored",
    "scenarios.reviewers_drawn": "scenarios.reviewers.drawn",
    "scenarios.objection_filed": "scenarios.objection.filed",
    "scenarios.objection_answered": "scenarios.objection.answered",
    "scenarios.milestone_added": "scenarios.milestone.added",
    "scenarios.kpi_measured": "scenarios.kpi.measured",
    "scenarios.acceptance_owner": "scenarios.pilot.owner_decided",
    "scenarios.acceptance_department": "scenarios.pilot.department_decided",
    "scenarios.case_published": "scenarios.case.published",
    # workflows renamed through their action prefix (the workflow names in transition records are unchanged)
    **{f"scenario_need.{t}": f"scenarios.need.{t}"
       for t in ("submit", "review", "return", "publish", "close", "withdraw")},
    **{f"open_call.{t}": f"scenarios.call.{t}" for t in ("open", "close_applications", "start_notice", "award")},
}
