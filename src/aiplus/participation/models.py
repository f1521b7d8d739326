"""Participation and the public face of the regulation (Suzhou arts. 9–10, Guangdong arts. 5 and 30): notices and
policy documents with their files and effective dates, events with registration, capacity and check-in, public
consultations with moderated comments and a published response per group, and industry associations with their
members, group standards and self-regulation pledges.

Officials of a jurisdiction publish; the public reads what is published. Every text here is shown as text: nothing
a user wrote becomes markup (templates auto-escape, feeds escape once more for readers that render HTML)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import count_field
from aiplus.core.models.base import DomainModel, SearchIndexed, actor_field
from aiplus.core.permissions import Scope

BODY_MAX_CHARS = 20000  # a notice's or a draft's text; longer documents are attached as files
COMMENT_MAX_CHARS = 5000


def bounded_text(verbose_name: Any, limit: int = BODY_MAX_CHARS, *, blank: bool = False) -> models.TextField:
    """A text whose bound model validation enforces (a TextField's max_length alone is only the form's)."""
    return models.TextField(verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], blank=blank)


# -- notices and policy documents --------------------------------------------------------------------------------

class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("通知公告")
    POLICY = "policy", _("政策文件")


class Notice(SearchIndexed):
    """A notice (通知公告) or a policy document (政策文件) of a jurisdiction, with its document number, issuer and the
    dates it is in force; its files are `Attachment` rows."""

    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, verbose_name=_("辖区"))
    kind = models.CharField(_("类别"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(_("英文标题"), max_length=200, blank=True)
    body = bounded_text(_("正文"), blank=True)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    is_published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = actor_field(_("发布人"), blank=True)

    scope = Scope(jurisdiction="jurisdiction", public="is_published")

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = verbose_name_plural = _("通知公告")

    @property
    def in_force(self) -> bool | None:
        """Whether a policy document is in force today (None when it gives no dates)."""
        if self.effective_on is None and self.expires_on is None:
            return None
        today = timezone.localdate()
        return (self.effective_on is None or self.effective_on <= today) and (
            self.expires_on is None or today < self.expires_on)


class Attachment(DomainModel):
    """A file of a notice or policy document (PDF, or an image), kept in the database so that every web process
    behind the load balancer serves it; its type is read from its bytes, never from its name."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("通知公告"))
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size_bytes = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    data = models.BinaryField(_("内容"), editable=False)
    added_by = actor_field(_("上传人"), blank=True)

    scope = Scope(jurisdiction="notice__jurisdiction", public="notice__is_published")
    audit_exclude: ClassVar[tuple[str, ...]] = (*DomainModel.audit_exclude, "data")

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("附件")


# -- events ---------------------------------------------------------------------------------------------------------

class Event(SearchIndexed):
    """An event (活动): a forum, a matchmaking day, a training, with a capacity and a registration deadline."""

    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, verbose_name=_("辖区"))
    title = models.CharField(_("活动名称"), max_length=200)
    title_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    description = bounded_text(_("活动介绍"), blank=True)
    venue = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    # seats of one venue or one online room; 100 000 is far above any hall
    capacity = count_field(_("名额"), minimum=1, maximum=100000)
    registration_closes_at = models.DateTimeField(_("报名截止时间"))
    is_published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = actor_field(_("发布人"), blank=True)

    scope = Scope(jurisdiction="jurisdiction", public="is_published")

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = verbose_name_plural = _("活动")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("已报名")
    CANCELLED = "cancelled", _("已取消")


class Registration(DomainModel):
    """One person's registration for an event; checked in at the door by an official of the event's jurisdiction."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations",
                              verbose_name=_("活动"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("报名用户"))
    name = models.CharField(_("姓名"), max_length=100)
    organisation_name = models.CharField(_("单位"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.REGISTERED)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_by = actor_field(_("签到登记人"), blank=True)

    scope = Scope(jurisdiction="event__jurisdiction", owner="user")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = _("活动报名")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="participation_one_registration")]

    def __str__(self) -> str:
        return f"{self.name} · {self.event.title}"


# -- public consultation ------------------------------------------------------------------------------------------

class SubjectKind(models.TextChoices):
    PROGRAMME = "programme", _("扶持计划")
    SCENARIO_LIST = "scenario_list", _("场景清单")
    POLICY = "policy", _("政策文件")
    OTHER = "other", _("其他")


class Consultation(SearchIndexed):
    """A draft (a programme, a scenario list, a policy) open for public comment for the period the pack sets
    (`participation.consultation.comment_days`, recorded with the consultation when it opens)."""

    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, verbose_name=_("辖区"))
    subject_kind = models.CharField(_("征求意见对象"), max_length=16, choices=SubjectKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(_("英文标题"), max_length=200, blank=True)
    draft = bounded_text(_("征求意见稿"))
    comment_days = count_field(_("征求意见期限（日）"), minimum=1, maximum=365)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    is_published = models.BooleanField(_("已发布"), default=True)
    published_by = actor_field(_("发布人"), blank=True)

    scope = Scope(jurisdiction="jurisdiction", public="is_published")

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = verbose_name_plural = _("公开征求意见")

    @property
    def is_open(self) -> bool:
        return self.is_published and self.opens_at <= timezone.now() < self.closes_at


class CommentGroup(DomainModel):
    """Comments on one point, answered together: the response is published once for the group."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="groups",
                                     verbose_name=_("公开征求意见"))
    title = models.CharField(_("意见归类"), max_length=200)
    response = bounded_text(_("采纳情况与理由"), blank=True)
    is_published = models.BooleanField(_("答复已公布"), default=False)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    responded_by = actor_field(_("答复人"), blank=True)

    scope = Scope(jurisdiction="consultation__jurisdiction", public="is_published")

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("意见归类")


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已公开")
    REJECTED = "rejected", _("未予公开")


class Comment(DomainModel):
    """One comment, anonymous or signed; shown publicly only once an official (never its author) approved it."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments",
                                     verbose_name=_("公开征求意见"))
    author = actor_field(_("提交人"), blank=True)
    display_name = models.CharField(_("署名"), max_length=50, blank=True)
    text = bounded_text(_("意见"), COMMENT_MAX_CHARS)
    status = models.CharField(_("状态"), max_length=16, choices=CommentStatus.choices,
                              default=CommentStatus.PENDING)
    is_public = models.BooleanField(_("已公开"), default=False)
    group = models.ForeignKey(CommentGroup, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="comments", verbose_name=_("意见归类"))
    moderated_by = actor_field(_("审核人"), blank=True)
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    moderation_note = models.CharField(_("审核说明"), max_length=200, blank=True)
    # a keyed hash of the sender's address: enough to count a source's comments, never the address itself
    source_key = models.CharField(_("来源标识"), max_length=64, blank=True, db_index=True)

    scope = Scope(jurisdiction="consultation__jurisdiction", owner="author", public="is_public")
    audit_exclude: ClassVar[tuple[str, ...]] = (*DomainModel.audit_exclude, "source_key")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = _("意见")

    def __str__(self) -> str:
        return f"{self.consultation.title} #{self.pk}"


# -- industry associations -----------------------------------------------------------------------------------------

def _association_scope(prefix: str = "") -> Scope:
    return Scope(jurisdiction=f"{prefix}jurisdiction", organisation=f"{prefix}organisation",
                 public=f"{prefix}is_published")


class Association(SearchIndexed):
    """An industry association (行业协会, Suzhou art. 9) on the platform's register: an organisation of that kind,
    registered by an official of its jurisdiction; its own members run its page."""

    organisation = models.OneToOneField("core.Organisation", on_delete=models.PROTECT, related_name="association",
                                        verbose_name=_("协会"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, verbose_name=_("辖区"))
    description = bounded_text(_("简介"), blank=True)
    is_published = models.BooleanField(_("已公开"), default=True)
    registered_by = actor_field(_("登记人"), blank=True)

    scope = _association_scope()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("行业协会")

    def __str__(self) -> str:
        return self.organisation.name


class AssociationMember(DomainModel):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="members",
                                    verbose_name=_("行业协会"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("会员单位"))
    joined_on = models.DateField(_("入会日期"))

    scope = _association_scope("association__")

    class Meta:
        ordering = ["joined_on", "id"]
        verbose_name = verbose_name_plural = _("协会会员")
        constraints = [models.UniqueConstraint(fields=["association", "organisation"],
                                               name="participation_one_membership")]

    def __str__(self) -> str:
        return self.organisation.name


class GroupStandard(DomainModel):
    """A group standard (团体标准) the association publishes."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="standards",
                                    verbose_name=_("行业协会"))
    code = models.CharField(_("标准编号"), max_length=64)
    title = models.CharField(_("标准名称"), max_length=200)
    summary = bounded_text(_("主要内容"), blank=True)
    published_on = models.DateField(_("发布日期"))
    effective_on = models.DateField(_("实施日期"), null=True, blank=True)

    scope = _association_scope("association__")

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = verbose_name_plural = _("团体标准")
        constraints = [models.UniqueConstraint(fields=["association", "code"], name="participation_standard_code")]


class Pledge(DomainModel):
    """A self-regulation pledge (自律公约) the association publishes for its member companies to sign."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="pledges",
                                    verbose_name=_("行业协会"))
    title = models.CharField(_("公约名称"), max_length=200)
    text = bounded_text(_("公约内容"))
    published_on = models.DateField(_("发布日期"))

    scope = _association_scope("association__")

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = verbose_name_plural = _("自律公约")


class PledgeSignature(DomainModel):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="signatures",
                               verbose_name=_("自律公约"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("签署单位"))
    signed_by = actor_field(_("签署人"), blank=True)

    scope = Scope(jurisdiction="pledge__association__jurisdiction", organisation="organisation",
                  public="pledge__association__is_published")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = _("公约签署")
        constraints = [models.UniqueConstraint(fields=["pledge", "organisation"], name="participation_one_signature")]

    def __str__(self) -> str:
        return self.organisation.name
