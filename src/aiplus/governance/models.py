"""Persistence of science and technology ethics review (科技伦理审查办法（试行）; Suzhou art. 48, Guangdong art. 32).

A unit's ethics committee (科技伦理（审查）委员会) and its members; applications with the materials of Art. 9 and the
one notice of everything missing (Art. 10); meeting reviews with attendance, conflicts and a vote per member
(Arts. 14–20); the expert re-review of listed activities by a panel drawn from the expert pool (Arts. 25–30); and
follow-up reviews. Who sees what: the committee's members and the applying organisation's members; officials of
the jurisdiction only once a listed activity is referred to them (`referred_jurisdiction`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import count_field, money_field
from aiplus.core.models.base import AppendOnly, DomainModel, NewestFirst, actor_field
from aiplus.core.permissions import Scope
from aiplus.governance import ethics_rules as rules
from aiplus.governance import incident_rules, norms_rules, risk_rules


class Discipline(models.TextChoices):
    SCIENCE = rules.SCIENCE, _("科技（同行）专家")
    ETHICS = rules.ETHICS, _("伦理专家")
    LAW = rules.LAW, _("法律专家")
    OTHER = rules.OTHER, _("其他")


class Gender(models.TextChoices):
    FEMALE = rules.FEMALE, _("女")
    MALE = rules.MALE, _("男")


class MemberRole(models.TextChoices):
    CHAIR = rules.CHAIR, _("主任委员")
    VICE_CHAIR = rules.VICE_CHAIR, _("副主任委员")
    MEMBER = rules.MEMBER, _("委员")


class EthicsCommittee(DomainModel):
    """A unit's science and technology ethics (review) committee."""

    name = models.CharField(_("委员会名称"), max_length=200)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="ethics_committees",
                                     verbose_name=_("设立单位"))
    established_on = models.DateField(_("设立日期"))
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)
    registration_number = models.CharField(_("登记编号"), max_length=64, blank=True)
    # Told once that the registration period (30 days of its establishment, a pack parameter) ran out unregistered.
    registration_reminded_on = models.DateField(_("逾期未登记提醒日期"), null=True, blank=True)
    # The last year whose missing annual report it was told of (once per year, after the pack's due date).
    annual_report_reminded_year = models.PositiveSmallIntegerField(_("年度报告逾期提醒年度"), null=True, blank=True)
    created_by = actor_field(_("设立人"))

    # Its unit's members, and its own members (external ones included).
    scope = Scope(organisation="organisation", owner="members__user")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("科技伦理（审查）委员会")

    def __str__(self) -> str:
        return self.name


class CommitteeMember(DomainModel):
    committee = models.ForeignKey(EthicsCommittee, on_delete=models.CASCADE, related_name="members",
                                  verbose_name=_("委员会"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ethics_memberships",
                             verbose_name=_("委员"))
    role = models.CharField(_("职务"), max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    discipline = models.CharField(_("专业类别"), max_length=16, choices=Discipline.choices)
    field_of_work = models.CharField(_("专业方向"), max_length=100, blank=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    external = models.BooleanField(_("单位外委员"), default=False)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"))
    trained_on = models.DateField(_("伦理培训日期"), null=True, blank=True)
    training = models.CharField(_("培训记录"), max_length=300, blank=True)

    scope = Scope(organisation="committee__organisation", owner="committee__members__user")

    class Meta:
        ordering = ["committee", "id"]
        verbose_name = verbose_name_plural = _("伦理委员会委员")
        constraints = [models.UniqueConstraint(fields=["committee", "user"], name="governance_member_unique")]

    def __str__(self) -> str:
        return str(self.user)

    def as_rule(self) -> rules.Member:
        return rules.Member(id=self.pk, name=str(self.user), discipline=self.discipline, gender=self.gender,
                            external=self.external, role=self.role, term_start=self.term_start,
                            term_end=self.term_end, trained=self.trained_on is not None)


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    INCOMPLETE = "incomplete", _("待补正")
    ACCEPTED = "accepted", _("已受理，审查中")
    APPROVED = "approved", _("批准")
    APPROVED_WITH_CHANGES = "approved_with_changes", _("修改后批准")
    REVISE = "revise_and_resubmit", _("修改后再审")
    REJECTED = "rejected", _("不予批准")
    RE_REVIEW = "re_review", _("初审同意，待专家复核")


FINAL = (ApplicationStatus.APPROVED, ApplicationStatus.APPROVED_WITH_CHANGES, ApplicationStatus.REJECTED)


class Procedure(models.TextChoices):
    GENERAL = "general", _("一般程序（会议审查）")
    SIMPLIFIED = "simplified", _("简易程序")
    EMERGENCY = "emergency", _("应急程序")


class ListedItem(models.TextChoices):
    """The AI items of the expert re-review list (需要开展伦理审查复核的科技活动清单)."""

    NONE = "", _("不在清单内")
    OPINION_ALGORITHMS = "opinion_algorithms", _(
        "具有舆论社会动员能力和社会意识引导能力的算法模型、应用程序及系统的研发")
    AUTONOMOUS_DECISIONS = "autonomous_decisions", _(
        "面向存在安全、人身健康风险等场景的具有高度自主能力的自动化决策系统的研发")
    HUMAN_MACHINE = "human_machine", _("对人类主观行为、心理情绪和生命健康等具有较强影响的人机融合系统的研发")
    BRAIN_COMPUTER = "brain_computer", _("侵入式脑机接口用于神经、精神类疾病治疗的临床研究")


# The kinds of material of Art. 9 (the sixth, "other material the committee asks for", is `requested_other`).
MATERIALS = ("overview", "plan", "qualifications", "consent", "commitment")


class EthicsApplication(DomainModel):
    """An application for ethics review of a science and technology activity."""

    title = models.CharField(_("活动名称"), max_length=200)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("申请单位"))
    committee = models.ForeignKey(EthicsCommittee, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("审查委员会"))
    listed_item = models.CharField(_("专家复核清单事项"), max_length=32, choices=ListedItem.choices, blank=True)
    overview = models.TextField(_("活动概况（名称、目的、意义、必要性、既往审查情况）"), max_length=5000, blank=True)
    plan = models.TextField(_("实施方案（伦理风险及防控、应急预案、成果发布方式）"), max_length=5000, blank=True)
    qualifications = models.TextField(_("资质、人员经历与伦理培训、经费来源、利益冲突声明"), max_length=5000,
                                      blank=True)
    consent = models.TextField(_("知情同意书及样本、数据或实验动物来源说明"), max_length=5000, blank=True)
    commitment = models.TextField(_("遵守科技伦理和科研诚信的承诺书"), max_length=5000, blank=True)
    requested_other = models.CharField(_("委员会要求的其他材料"), max_length=500, blank=True)
    other = models.TextField(_("其他材料"), max_length=5000, blank=True)
    status = models.CharField(_("状态"), max_length=24, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    procedure = models.CharField(_("审查程序"), max_length=16, choices=Procedure.choices, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = actor_field(_("提交人"))
    # Art. 10: the notice of everything missing, [{"kind", "label_zh", "label_en"}], and when it was given.
    missing_notice = models.JSONField(_("补正告知"), default=list, blank=True)
    notice_given_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    decision_due = models.DateTimeField(_("决定期限"), null=True, blank=True)
    decision_due_basis = models.JSONField(_("期限依据"), default=dict, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    # Set when a listed activity is referred for expert re-review: officials of it then see the file.
    referred_jurisdiction = models.ForeignKey("core.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="+", verbose_name=_("复核主管辖区"))
    re_review_due = models.DateField(_("复核期限"), null=True, blank=True)
    # Red lines touched (Guangdong art. 33), flagged on submission: [{"code", "harms", "keywords"}].
    red_lines = models.JSONField(_("触及的安全底线"), default=list, blank=True)
    # A listed activity, once approved, is registered by its unit within the pack's days
    # (`ethics.activity.registration_days`): the date and number it got, and the one reminder when it ran late.
    activity_registered_on = models.DateField(_("清单内活动登记日期"), null=True, blank=True)
    activity_registration_number = models.CharField(_("清单内活动登记编号"), max_length=64, blank=True)
    activity_registration_reminded_on = models.DateField(_("逾期未登记提醒日期"), null=True, blank=True)

    scope = Scope(jurisdiction="referred_jurisdiction", organisation="organisation",
                  owner="committee__members__user")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("伦理审查申请")

    @property
    def listed(self) -> bool:
        return bool(self.listed_item)

    def materials(self) -> dict[str, str]:
        given = {kind: getattr(self, kind) for kind in MATERIALS}
        if self.requested_other:
            given["other"] = self.other
        return given


class Review(DomainModel):
    """A review of an application by its committee: a meeting (general or emergency procedure) or the designated
    members of the simplified procedure. Written once, with its attendance and votes, when the quorum holds."""

    application = models.ForeignKey(EthicsApplication, on_delete=models.CASCADE, related_name="reviews",
                                    verbose_name=_("申请"))
    procedure = models.CharField(_("审查程序"), max_length=16, choices=Procedure.choices)
    held_on = models.DateField(_("审查日期"))
    outcome = models.CharField(_("审查决定"), max_length=24, choices=ApplicationStatus.choices, blank=True)
    # [{"code", "ok", "text_zh", "text_en", "required"}]: the quorum and majority checks as they were applied.
    checks = models.JSONField(_("核验结果"), default=list)
    opinion = models.TextField(_("审查意见"), max_length=5000, blank=True)
    recorded_by = actor_field(_("记录人"))

    scope = Scope(jurisdiction="application__referred_jurisdiction", organisation="application__organisation",
                  owner="application__committee__members__user")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("伦理审查会议")


class Vote(models.TextChoices):
    APPROVE = rules.APPROVE, _("批准")
    APPROVE_WITH_CHANGES = rules.APPROVE_WITH_CHANGES, _("修改后批准")
    REVISE = rules.REVISE_AND_RESUBMIT, _("修改后再审")
    REJECT = rules.REJECT, _("不予批准")
    ABSTAIN = rules.ABSTAIN, _("弃权")


class Attendance(DomainModel):
    """One member at one review: present or not, excluded for a declared conflict, and the vote cast."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="attendance",
                               verbose_name=_("审查"))
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("委员"))
    present = models.BooleanField(_("到会"), default=False)
    conflict = models.BooleanField(_("利益冲突回避"), default=False)
    vote = models.CharField(_("表决意见"), max_length=24, choices=Vote.choices, blank=True)

    scope = Scope(jurisdiction="review__application__referred_jurisdiction",
                  organisation="review__application__organisation",
                  owner="review__application__committee__members__user")

    class Meta:
        ordering = ["review", "member"]
        verbose_name = verbose_name_plural = _("到会与表决")
        constraints = [models.UniqueConstraint(fields=["review", "member"], name="governance_attendance_unique")]


class PanelVote(models.TextChoices):
    AGREE = rules.AGREE, _("同意")
    DISAGREE = rules.DISAGREE, _("不同意")


class ReReview(DomainModel):
    """The expert re-review of a listed activity (专家复核): the drawn panel, the experts' opinions, the outcome."""

    application = models.OneToOneField(EthicsApplication, on_delete=models.CASCADE, related_name="re_review",
                                       verbose_name=_("申请"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("主管辖区"))
    draw = models.ForeignKey("experts.Draw", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("复核专家组抽取"))
    # The drawn experts' users: they read the file and submit their own opinions (Art. 28), nobody for them.
    panel_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                         verbose_name=_("复核专家"))
    # {expert_id: "agree" | "disagree"} as each expert submits it, and {expert_id: their written opinion}
    votes = models.JSONField(_("复核意见"), default=dict, blank=True)
    opinions = models.JSONField(_("专家书面意见"), default=dict, blank=True)
    outcome = models.CharField(_("复核结论"), max_length=16, choices=PanelVote.choices, blank=True)
    checks = models.JSONField(_("核验结果"), default=list, blank=True)
    decided_on = models.DateField(_("复核日期"), null=True, blank=True)
    created_by = actor_field(_("组织人"))

    scope = Scope(jurisdiction="jurisdiction", organisation="application__organisation",
                  owner="application__committee__members__user")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("专家复核")


class FollowUp(DomainModel):
    """A follow-up review (跟踪审查) due by a day; done when the committee records it."""

    application = models.ForeignKey(EthicsApplication, on_delete=models.CASCADE, related_name="follow_ups",
                                    verbose_name=_("申请"))
    due_on = models.DateField(_("应审查日期"))
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    done_on = models.DateField(_("审查日期"), null=True, blank=True)
    conclusion = models.TextField(_("跟踪审查意见"), max_length=5000, blank=True)
    recorded_by = actor_field(_("记录人"))

    scope = Scope(jurisdiction="application__referred_jurisdiction", organisation="application__organisation",
                  owner="application__committee__members__user")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = _("跟踪审查")


class AnnualReport(DomainModel):
    """A committee's annual work report (年度报告) for a year: the figures the platform counted from its own records
    when it was filed, the committee's remarks, and who filed it. Filed once per committee and year; the supervising
    department (officials of the unit's jurisdiction and above) sees it once filed."""

    committee = models.ForeignKey(EthicsCommittee, on_delete=models.PROTECT, related_name="annual_reports",
                                  verbose_name=_("委员会"))
    year = models.PositiveSmallIntegerField(_("报告年度"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("主管辖区"))
    # {"reviews": n, "outcomes": {status: n}, "follow_ups_done": n, "follow_ups_overdue": n, "re_reviews": n,
    #  "re_review_outcomes": {...}, "members_serving": n, "members_joined": n, "members_left": n,
    #  "members_trained": n, "applications_received": n}
    figures = models.JSONField(_("平台统计数据"), default=dict)
    remarks = models.TextField(_("委员会说明"), max_length=5000, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = actor_field(_("报送人"))

    scope = Scope(jurisdiction="jurisdiction", organisation="committee__organisation",
                  owner="committee__members__user")

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = verbose_name_plural = _("伦理委员会年度报告")
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="governance_annual_report_unique")]

    def __str__(self) -> str:
        return f"{self.committee} {self.year}"


class Entrustment(DomainModel):
    """A written entrustment (委托审查): a unit without a committee of its own entrusts a registered committee of
    another unit with reviewing its applications, for a scope and a term."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("委托单位"))
    committee = models.ForeignKey(EthicsCommittee, on_delete=models.PROTECT, related_name="entrustments",
                                  verbose_name=_("受托委员会"))
    agreed_on = models.DateField(_("委托书签订日期"))
    scope_text = models.CharField(_("委托范围"), max_length=500)
    term_start = models.DateField(_("委托期限开始"))
    term_end = models.DateField(_("委托期限结束"))
    created_by = actor_field(_("登记人"))

    scope = Scope(organisation="organisation", owner="committee__members__user")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("委托审查")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.committee}"


class Advice(DomainModel):
    """An independent adviser (独立顾问) invited by a committee to give a written opinion on one application: they
    read only that application's materials, declare they have no conflict, and have no vote (Art. 14)."""

    application = models.ForeignKey(EthicsApplication, on_delete=models.CASCADE, related_name="advice",
                                    verbose_name=_("申请"))
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("独立顾问"))
    question = models.TextField(_("咨询事项"), max_length=2000)
    invited_by = actor_field(_("邀请人"))
    no_conflict = models.BooleanField(_("声明无利益冲突"), default=False)
    opinion = models.TextField(_("咨询意见"), max_length=5000, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    # The committee's members; the adviser reaches their own invitation through `selectors.advice_for`.
    scope = Scope(owner="application__committee__members__user")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("独立顾问意见")
        constraints = [models.UniqueConstraint(fields=["application", "adviser"], name="governance_advice_unique")]

    def __str__(self) -> str:
        return str(self.adviser)


# -- incidents (Guangdong art. 31 监测预警与应急响应, art. 33 安全底线; Suzhou art. 46) -------------------------

class IncidentSource(models.TextChoices):
    COMPANY = "company", _("企业报告")
    PUBLIC = "public", _("公众举报")
    PLATFORM = "platform", _("平台信号")


class Signal(models.TextChoices):
    """The platform's own signals that open an incident (other apps call `incident_services.report_signal`)."""

    NONE = "", _("无")
    LABEL_TAMPER = "label_tamper", _("生成合成内容标识被篡改")
    EVALUATION_FAILED = "evaluation_failed", _("测评未通过")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("整改逾期")
    OTHER = "other", _("其他平台信号")


class Severity(models.TextChoices):
    ESPECIALLY_MAJOR = incident_rules.ESPECIALLY_MAJOR, _("特别重大")
    MAJOR = incident_rules.MAJOR, _("重大")
    LARGE = incident_rules.LARGE, _("较大")
    GENERAL = incident_rules.GENERAL, _("一般")


class OperatorKind(models.TextChoices):
    CII = incident_rules.CII, _("关键信息基础设施运营者")
    STATE_ORGAN = incident_rules.STATE_ORGAN, _("中央和国家机关各部门及其直属单位")
    OTHER = incident_rules.OTHER, _("其他网络运营者")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("待研判")
    TRIAGED = "triaged", _("已研判，待分派")
    RESPONDING = "responding", _("处置中")
    HANDLED = "handled", _("处置结束，待复盘")
    CLOSED = "closed", _("已结案")
    DISMISSED = "dismissed", _("不予立案")


OPEN_STATUSES = (IncidentStatus.REPORTED, IncidentStatus.TRIAGED, IncidentStatus.RESPONDING, IncidentStatus.HANDLED)


class Incident(DomainModel):
    """An AI or network security incident reported by a company, by the public or by the platform's own signals.

    Who sees it: officials and auditors of its jurisdiction, and the members of the organisation it concerns. Who
    reported it is not here (`IncidentReporter`), so no reader of the incident learns it. Its public record is the
    redacted `public_title` and `public_summary` with the harms, once `is_published`, read through its own selector;
    the incident itself is never public."""

    title = models.CharField(_("事件标题"), max_length=200)
    description = models.TextField(_("事件经过"), max_length=5000)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("发生地"))
    organisation = models.ForeignKey("core.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("涉事单位"))
    organisation_named = models.CharField(_("涉事单位名称（举报人填写）"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=IncidentSource.choices)
    signal = models.CharField(_("平台信号"), max_length=32, choices=Signal.choices, blank=True)
    signal_reference = models.CharField(_("信号来源记录"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    discovered_at = models.DateTimeField(_("发现时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接报时间"))
    harms = models.JSONField(_("危害类型"), default=list, blank=True)
    pi_persons = count_field(_("涉及个人信息人数"), maximum=2_000_000_000, null=True, blank=True)  # more than anyone
    loss_cny = money_field(_("直接经济损失（元）"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=IncidentStatus.choices,
                              default=IncidentStatus.REPORTED)
    severity = models.CharField(_("事件级别"), max_length=20, choices=Severity.choices, blank=True)
    operator_kind = models.CharField(_("运营者类型"), max_length=16, choices=OperatorKind.choices, blank=True)
    # [{"code", "ok", "text_zh", "text_en"}]: the quantitative triggers as applied at triage.
    grading = models.JSONField(_("定级依据"), default=list, blank=True)
    triage_note = models.TextField(_("研判意见"), max_length=2000, blank=True)
    triaged_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    triaged_by = actor_field(_("研判人"))
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("责任部门"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("承办人"))
    operator_reported_at = models.DateTimeField(_("运营者向网信部门报告时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("处置结束时间"), null=True, blank=True)
    # The post-incident review (事件处置总结): causes, measures, harm, responsibility, rectification, lessons.
    review_causes = models.TextField(_("事件原因"), max_length=5000, blank=True)
    review_measures = models.TextField(_("应急处置措施与整改情况"), max_length=5000, blank=True)
    review_lessons = models.TextField(_("教训与改进"), max_length=5000, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = actor_field(_("结案人"))
    # Red lines touched (Guangdong art. 33): [{"code", "harms", "keywords"}], flagged for an official to confirm.
    red_lines = models.JSONField(_("触及的安全底线"), default=list, blank=True)
    # The public record: redacted on publication, never the description itself.
    public_title = models.CharField(_("公开标题"), max_length=200, blank=True)
    public_summary = models.TextField(_("公开摘要"), max_length=2000, blank=True)
    is_published = models.BooleanField(_("已公开"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")
    # The description never changes after intake, and may name the reporter: the audit events of later writes,
    # which the organisation's members read, leave it out (the intake event keeps it, redacted).
    audit_exclude = (*DomainModel.audit_exclude, "description")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("人工智能安全事件")


class IncidentReporter(DomainModel):
    """Who reported an incident. Seen only by the officials who handle it (`change` on its jurisdiction) and by the
    reporter themself; never by the public, the reported organisation or auditors. `source_key` is a keyed hash of
    the network address of a public report (for abuse limits), never the address."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="reporter",
                                    verbose_name=_("事件"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("报告用户"))
    name = models.CharField(_("报告人姓名"), max_length=100, blank=True)
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    source_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    scope = Scope(jurisdiction="incident__jurisdiction", owner="user")
    audit_exclude = (*DomainModel.audit_exclude, "source_key")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("事件报告人")

    def __str__(self) -> str:
        return str(_("报告人"))


class ClockName(models.TextChoices):
    TRIAGE = incident_rules.TRIAGE, _("平台研判")
    OPERATOR_REPORT = incident_rules.OPERATOR_REPORT, _("运营者向网信部门报告")
    ESCALATION = incident_rules.ESCALATION, _("重大以上事件向上级部门报告")
    FOLLOW_UP = incident_rules.FOLLOW_UP, _("续报")
    RESPONSE = incident_rules.RESPONSE, _("责任部门处置")
    FINAL_REPORT = incident_rules.FINAL_REPORT, _("事件处置总结报告")


class ClockUnit(models.TextChoices):
    MINUTES = incident_rules.MINUTES, _("分钟")
    HOURS = incident_rules.HOURS, _("小时")
    DAYS = incident_rules.DAYS, _("日（自然日）")
    WORKING_DAYS = incident_rules.WORKING_DAYS, _("个工作日")


class IncidentClock(DomainModel):
    """One clock of an incident: started at, due at (from the pack parameter, with its citation), stopped at;
    reported once when it runs out while still running."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="clocks", verbose_name=_("事件"))
    name = models.CharField(_("时限"), max_length=20, choices=ClockName.choices)
    amount = count_field(_("时长"), maximum=10_000)
    unit = models.CharField(_("单位"), max_length=16, choices=ClockUnit.choices)
    parameter = models.CharField(_("规则参数"), max_length=120)
    citation = models.JSONField(_("依据"), default=dict)
    parameter_status = models.CharField(_("依据状态"), max_length=16, default="official")
    started_at = models.DateTimeField(_("起算时间"))
    due_at = models.DateTimeField(_("届满时间"), db_index=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    scope = Scope(jurisdiction="incident__jurisdiction", organisation="incident__organisation")

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = verbose_name_plural = _("事件时限")
        constraints = [models.UniqueConstraint(fields=["incident", "name"], name="governance_clock_unique")]

    def __str__(self) -> str:
        return str(self.get_name_display())

    def state(self, now: Any) -> str:
        return incident_rules.state(self.due_at, self.met_at, now)

    @property
    def basis(self) -> dict[str, Any]:
        """The parameter's citation and status, as `{{ clock.basis|cite }}` and the API read them."""
        return {"parameter": self.parameter, "value": self.amount, "unit": self.unit, "citation": self.citation,
                "status": self.parameter_status}


class ActionKind(models.TextChoices):
    CONTAINMENT = "containment", _("控制与止损")
    INVESTIGATION = "investigation", _("调查取证")
    NOTIFICATION = "notification", _("通知利害关系人")
    # The receiving department's reports up the chain of a major incident (they stop the escalation clocks).
    ESCALATION = incident_rules.ESCALATION, _("向上级部门报告")
    FOLLOW_UP = incident_rules.FOLLOW_UP, _("续报")
    REMEDIATION = "remediation", _("整改")
    OTHER = "other", _("其他")


class IncidentAction(DomainModel):
    """A response action recorded on an incident (append-only, shown in order)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions", verbose_name=_("事件"))
    kind = models.CharField(_("措施类型"), max_length=16, choices=ActionKind.choices)
    text = models.TextField(_("措施内容"), max_length=2000)
    taken_at = models.DateTimeField(_("采取时间"))
    recorded_by = actor_field(_("记录人"))

    scope = Scope(jurisdiction="incident__jurisdiction", organisation="incident__organisation")

    class Meta:
        ordering = ["taken_at", "id"]
        verbose_name = verbose_name_plural = _("应急处置措施")



# -- violations and penalties (Suzhou art. 49 法律责任) ------------------------------------------------------------

class ViolationStatus(models.TextChoices):
    OPEN = "open", _("立案调查中")
    DECIDED = "decided", _("已作出处罚决定")
    APPEALED = "appealed", _("复议中")
    CLOSED = "closed", _("已办结")


class PenaltyOutcome(models.TextChoices):
    FINE = "fine", _("罚款")
    WARNING = "warning", _("警告")
    NO_PENALTY = "no_penalty", _("不予处罚")


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("维持")
    VARIED = "varied", _("变更")
    REVOKED = "revoked", _("撤销")


class Violation(DomainModel):
    """A violation case: the organisation, the provision broken (a pack penalty parameter: its fine range and
    citation), the red line and the incident, AI application or ethics review application it came from if any; the
    decision with the amount within the range and the parameter values used; the appeal and its outcome."""

    title = models.CharField(_("案由"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("管辖地"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("当事单位"))
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="violations", verbose_name=_("关联事件"))
    # The AI application or ethics review application whose red-line flag the case was opened from, if any.
    ai_application = models.ForeignKey("governance.AIApplication", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="violations", verbose_name=_("关联人工智能应用"))
    ethics_application = models.ForeignKey(EthicsApplication, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="violations", verbose_name=_("关联伦理审查申请"))
    provision = models.CharField(_("违反的规定（处罚幅度参数）"), max_length=120)
    red_line = models.CharField(_("触及的安全底线"), max_length=80, blank=True)
    facts = models.TextField(_("违法事实"), max_length=5000)
    status = models.CharField(_("状态"), max_length=12, choices=ViolationStatus.choices,
                              default=ViolationStatus.OPEN)
    opened_by = actor_field(_("立案人"))
    outcome = models.CharField(_("处罚决定"), max_length=12, choices=PenaltyOutcome.choices, blank=True)
    amount_cny = money_field(_("罚款金额（元）"), null=True, blank=True)
    # {"parameter", "value": [min, max], "citation", "status", "checks": [...]}: the range as applied.
    basis = models.JSONField(_("处罚依据"), default=dict, blank=True)
    reasons = models.TextField(_("决定理由"), max_length=5000, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = actor_field(_("决定人"))
    appeal_due = models.DateField(_("复议申请期限"), null=True, blank=True)
    appeal_grounds = models.TextField(_("复议理由"), max_length=5000, blank=True)
    appealed_on = models.DateField(_("申请复议日期"), null=True, blank=True)
    appeal_outcome = models.CharField(_("复议结果"), max_length=12, choices=AppealOutcome.choices, blank=True)
    appeal_amount_cny = money_field(_("变更后罚款金额（元）"), null=True, blank=True)
    appeal_reasons = models.TextField(_("复议决定理由"), max_length=5000, blank=True)
    appeal_decided_on = models.DateField(_("复议决定日期"), null=True, blank=True)
    appeal_decided_by = actor_field(_("复议决定人"))

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("违法行为与处罚")


# -- AI applications, risk tiers and sector supervision (Suzhou art. 47 行业监管; Guangdong art. 6 包容审慎监管) -----

class RiskTier(models.TextChoices):
    """The codes of the `risk_tiers` taxonomy (the tiers and their regimes are platform settings)."""

    HIGH = risk_rules.HIGH, _("高风险")
    MEDIUM = risk_rules.MEDIUM, _("中风险")
    LOW = risk_rules.LOW, _("低风险")


class AIApplicationStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记，待评估")
    ASSESSED = "assessed", _("已评估")
    DUE = "due", _("待重新评估")
    WITHDRAWN = "withdrawn", _("已停用")


class AssessmentTrigger(models.TextChoices):
    INITIAL = "initial", _("首次评估")
    SCHEDULED = "scheduled", _("定期重新评估")
    EVENT = "event", _("触发事件后重新评估")


class AIApplication(DomainModel):
    """An AI application deployed in the region: the organisation that runs it, the models and algorithms of the
    registers it uses, the scenario it serves, the sector department that supervises it, its tier and regime, and
    its public disclosure (purpose, limits, data, contact), published only while the tier is medium or low.

    Who sees it: the organisation's members; officials and auditors of its jurisdiction, officials of a sector
    department only the applications of their department (`risk_selectors.applications`). The public reads only
    the disclosure fields of a disclosed application, through its own selector."""

    name = models.CharField(_("应用名称"), max_length=200)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("运营单位"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("所在地区"))
    department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("行业主管部门"))
    scenario = models.ForeignKey("scenarios.Need", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("服务的场景"))
    models_used = models.ManyToManyField("algorithms.AIModel", blank=True, related_name="+",
                                         verbose_name=_("使用的模型"))
    algorithms_used = models.ManyToManyField("algorithms.Algorithm", blank=True, related_name="+",
                                             verbose_name=_("使用的算法"))
    purpose = models.TextField(_("用途"), max_length=2000)
    limits = models.TextField(_("能力边界与使用限制"), max_length=2000)
    data_used = models.TextField(_("使用的数据"), max_length=2000)
    contact = models.CharField(_("联系方式"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=AIApplicationStatus.choices,
                              default=AIApplicationStatus.REGISTERED)
    tier = models.CharField(_("风险等级"), max_length=8, choices=RiskTier.choices, blank=True)
    assessed_on = models.DateField(_("评估日期"), null=True, blank=True)
    reassess_on = models.DateField(_("下次评估日期"), null=True, blank=True, db_index=True)
    due_reason = models.CharField(_("重新评估原因"), max_length=300, blank=True)
    due_notified_on = models.DateField(_("重新评估提醒日期"), null=True, blank=True)
    # Red lines touched (Guangdong art. 33): [{"code", "harms", "keywords"}], flagged for an official to confirm.
    red_lines = models.JSONField(_("触及的安全底线"), default=list, blank=True)
    is_disclosed = models.BooleanField(_("已公开披露"), default=False, db_index=True)
    registered_by = actor_field(_("登记人"))

    scope = Scope(jurisdiction="jurisdiction", organisation="organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("人工智能应用")

    def __str__(self) -> str:
        return self.name


class RiskAssessment(DomainModel):
    """One answer to the risk questionnaire: the answers, the scores, the tier and the reasons, and the pack values
    used (questionnaire version, thresholds, with their citation). Never changed once written."""

    application = models.ForeignKey(AIApplication, on_delete=models.CASCADE, related_name="assessments",
                                    verbose_name=_("应用"))
    trigger = models.CharField(_("评估原因"), max_length=12, choices=AssessmentTrigger.choices)
    answers = models.JSONField(_("问卷答案"), default=dict)
    raw_score = count_field(_("原始影响分"), maximum=10_000)
    max_raw_score = count_field(_("最高原始影响分"), maximum=10_000)
    mitigation_score = count_field(_("缓解分"), maximum=10_000)
    max_mitigation_score = count_field(_("最高缓解分"), maximum=10_000)
    final_score = count_field(_("最终得分"), maximum=10_000)
    tier = models.CharField(_("风险等级"), max_length=8, choices=RiskTier.choices)
    # [{"code", "text_zh", "text_en", "question", "points"}]
    reasons = models.JSONField(_("定级理由"), default=list)
    # [{"parameter", "value", "citation", "status"}]: the platform settings as applied.
    basis = models.JSONField(_("所用参数"), default=list)
    assessed_by = actor_field(_("评估人"))

    scope = Scope(jurisdiction="application__jurisdiction", organisation="application__organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("风险评估")

    def __str__(self) -> str:
        return f"{self.application} · {self.get_tier_display()}"


class NormStatus(models.TextChoices):
    """How far the organisation says a norm is met (the codes of `norms_rules`)."""

    MET = norms_rules.MET, _("已落实")
    PARTLY = norms_rules.PARTLY, _("部分落实")
    NOT_MET = norms_rules.NOT_MET, _("未落实")


class EthicsSelfCheck(AppendOnly, DomainModel):
    """The organisation's self-check of an application against 《新一代人工智能伦理规范》 (the pack's
    `ai_ethics_norms`): the kinds of activity it carries out, a status and the measures for each norm that applies,
    the norms not fully met, and the taxonomy it used (with its citation). Its own statement, never a finding of
    compliance; never changed once written."""

    application = models.ForeignKey(AIApplication, on_delete=models.CASCADE, related_name="ethics_self_checks",
                                    verbose_name=_("应用"))
    # Kinds of activity (codes of the taxonomy's groups), e.g. ["research", "supply"].
    activities = models.JSONField(_("从事的活动"), default=list)
    # [{"code", "group", "status", "measures"}], in the taxonomy's order.
    answers = models.JSONField(_("自查结果"), default=list)
    met = count_field(_("已落实"), maximum=100)
    partly = count_field(_("部分落实"), maximum=100)
    not_met = count_field(_("未落实"), maximum=100)
    # The taxonomy as applied: {"taxonomy", "pack", "citation"}.
    basis = models.JSONField(_("所用规范"), default=dict)
    checked_by = actor_field(_("填写人"))

    scope = Scope(jurisdiction="application__jurisdiction", organisation="application__organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("伦理规范自查")

    def __str__(self) -> str:
        return f"{self.application} · {self.created_at:%Y-%m-%d}"


class InspectionPlan(DomainModel):
    """A sector department's inspection plan: the applications in its care (optionally of one tier) and the ones
    drawn at random, reproducibly (the experts app's seeded draw over recorded public inputs)."""

    title = models.CharField(_("计划名称"), max_length=200)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("行业主管部门"))
    tier = models.CharField(_("抽查范围（风险等级）"), max_length=8, choices=RiskTier.choices, blank=True)
    size = count_field(_("抽取数量"), minimum=1, maximum=50)  # a plan beyond fifty is several plans
    seed_inputs = models.JSONField(_("抽取输入"), default=dict)
    seed = models.BigIntegerField(_("随机种子"))
    selected_ids = models.JSONField(_("抽中的应用"), default=list)
    planned_by = actor_field(_("制定人"))

    scope = Scope(jurisdiction="jurisdiction")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("检查计划")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("待检查")
    DONE = "done", _("已检查")


class Inspection(DomainModel):
    """The inspection of one application under a plan: the findings recorded by an official."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="inspections",
                             verbose_name=_("检查计划"))
    application = models.ForeignKey(AIApplication, on_delete=models.PROTECT, related_name="inspections",
                                    verbose_name=_("应用"))
    status = models.CharField(_("状态"), max_length=12, choices=InspectionStatus.choices,
                              default=InspectionStatus.PLANNED)
    findings = models.TextField(_("检查发现"), max_length=5000, blank=True)
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    inspected_by = actor_field(_("检查人"))

    scope = Scope(jurisdiction="application__jurisdiction", organisation="application__organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("检查")

    def __str__(self) -> str:
        return f"{self.plan} · {self.application}"


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    REPORTED = "reported", _("已报告整改，待核验")
    CLOSED = "closed", _("已销号")


class RectificationOrder(DomainModel):
    """A rectification order from an inspection, with its deadline; the company reports what it did, an official
    who is not one of its members verifies and closes it. Once overdue while open, it opens a platform-signal
    incident (once)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="orders",
                                   verbose_name=_("检查"))
    application = models.ForeignKey(AIApplication, on_delete=models.PROTECT, related_name="orders",
                                    verbose_name=_("应用"))
    requirement = models.TextField(_("整改要求"), max_length=5000)
    due_on = models.DateField(_("整改期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=RectificationStatus.choices,
                              default=RectificationStatus.OPEN)
    ordered_by = actor_field(_("下达人"))
    response = models.TextField(_("整改情况"), max_length=5000, blank=True)
    reported_on = models.DateField(_("报告日期"), null=True, blank=True)
    reported_by = actor_field(_("报告人"))
    closing_note = models.TextField(_("核验意见"), max_length=2000, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    closed_by = actor_field(_("核验人"))
    overdue_signalled_on = models.DateField(_("逾期上报日期"), null=True, blank=True)

    scope = Scope(jurisdiction="application__jurisdiction", organisation="application__organisation")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("整改通知")

    def __str__(self) -> str:
        return f"{self.application} · {self.due_on}"
