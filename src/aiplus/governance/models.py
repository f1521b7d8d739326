"""Persistence of science and technology ethics review (科技伦理审查办法（试行）; Suzhou art. 48, Guangdong art. 32).

A unit's ethics committee (科技伦理（审查）委员会) and its members; applications with the materials of Art. 9 and the
one notice of everything missing (Art. 10); meeting reviews with attendance, conflicts and a vote per member
(Arts. 14–20); the expert re-review of listed activities by a panel drawn from the expert pool (Arts. 25–30); and
follow-up reviews. Who sees what: the committee's members and the applying organisation's members; officials of
the jurisdiction only once a listed activity is referred to them (`referred_jurisdiction`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiplus.core.models.base import DomainModel, NewestFirst, actor_field
from aiplus.core.permissions import Scope
from aiplus.governance import ethics_rules as rules


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
    # {expert_id: "agree" | "disagree"} once recorded
    votes = models.JSONField(_("复核意见"), default=dict, blank=True)
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
