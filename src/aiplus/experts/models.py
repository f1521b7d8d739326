"""Persistence of the experts module: the expert pool, conflict declarations, random draws and consultations.

Suzhou art. 8 (专家咨询机制). A draw records everything needed to re-check it: the public inputs its seed is
derived from (`seed_inputs`, see aiplus.experts.draws), the seed, the candidate list it sampled from, the
exclusions with their reasons and the selection. Nobody chooses a seed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core.domains import count_field
from aiplus.core.models.base import DomainModel, NewestFirst, actor_field
from aiplus.core.permissions import Scope


class Relationship(models.TextChoices):
    EMPLOYMENT = "employment", _("任职或雇佣")
    SHAREHOLDING = "shareholding", _("持股")
    FAMILY = "family", _("亲属关系")
    COLLABORATION = "collaboration", _("合作关系")
    OTHER = "other", _("其他")


class ExpertProfile(DomainModel):
    """A member of the expert pool (专家库)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile",
                                verbose_name=_("用户"))
    organisation = models.ForeignKey("core.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="experts", verbose_name=_("所在单位"))
    # Codes of the scenario taxonomy (packs/suzhou/taxonomies/scenario_domains.yaml): a domain or a sub-scenario.
    fields = models.JSONField(_("专业领域"), default=list)
    # ",industry,industry.manufacturing," — the same codes, for filtering on SQLite and PostgreSQL alike.
    fields_index = models.CharField(max_length=1000, blank=True, editable=False, db_index=True)
    technologies = models.JSONField(_("技术方向"), default=list, blank=True)
    # The technologies as plain text (JSON text escapes Chinese on SQLite), for search.
    technologies_index = models.CharField(max_length=2000, blank=True, editable=False)
    title = models.CharField(_("职称"), max_length=100, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("所属辖区"))
    available = models.BooleanField(_("可参加评审"), default=True)
    unavailable_until = models.DateField(_("暂不可用至"), null=True, blank=True)
    is_active = models.BooleanField(_("在库"), default=True)

    # Officials of the expert's jurisdiction (and above) manage the pool; an expert sees their own profile.
    scope = Scope(jurisdiction="jurisdiction", owner="user")

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("专家")

    def __str__(self) -> str:
        return str(self.user)

    def save(self, *args: object, **kwargs: object) -> None:
        self.fields_index = "," + ",".join(self.fields) + "," if self.fields else ""
        self.technologies_index = " | ".join(self.technologies)[:2000]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_available_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.is_active and self.available and (self.unavailable_until is None or self.unavailable_until < day)


class ConflictDeclaration(DomainModel):
    """An expert's declared relationship with an organisation (利益冲突申报)."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="conflicts",
                               verbose_name=_("专家"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("关联组织"))
    relationship = models.CharField(_("关系类型"), max_length=16, choices=Relationship.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    declared_at = models.DateTimeField(_("申报时间"), default=timezone.now)

    scope = Scope(jurisdiction="expert__jurisdiction", owner="expert__user")

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = verbose_name_plural = _("利益冲突申报")
        constraints = [models.UniqueConstraint(fields=["expert", "organisation", "relationship"],
                                               name="experts_conflict_unique")]

    def __str__(self) -> str:
        return f"{self.expert} · {self.organisation} · {self.get_relationship_display()}"


DRAW_SIZE_MAX = 1000  # experts in one draw: a panel, never the whole register


class Draw(DomainModel):
    """A seeded random draw of an expert panel (随机抽取), recorded so anyone may re-check it.

    `seed` is derived from `seed_inputs` (`draws.derive_seed`), never given by a person; `seed_inputs` is exactly the
    dict that was hashed (candidates, exclusions, time of the draw and the server's nonce included).
    """

    purpose = models.CharField(_("用途"), max_length=300)
    subject_type = models.CharField(_("事项类型"), max_length=80, blank=True)
    subject_id = models.CharField(_("事项编号"), max_length=64, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    fields = models.JSONField(_("所需领域"), default=list)
    size = count_field(_("抽取人数"), minimum=1, maximum=DRAW_SIZE_MAX)
    seed = models.BigIntegerField(_("随机种子"))
    # Exactly the dict the seed was derived from (draws.seed_inputs); {} for draws recorded before seeds were derived.
    seed_inputs = models.JSONField(_("种子输入"), default=dict, blank=True)
    conflicted_organisation_ids = models.JSONField(_("回避单位"), default=list, blank=True)
    # [{"expert_id", "name", "organisation_id", "jurisdiction", "fields"}], sorted by expert_id.
    candidates = models.JSONField(_("候选名单"), default=list, blank=True)
    # [{"expert_id", "name", "reasons": [{"code", "organisation_id", "detail"}]}]
    excluded = models.JSONField(_("回避名单"), default=list, blank=True)
    selected = models.JSONField(_("抽取结果"), default=list)
    created_by = actor_field(_("抽取人"))

    scope = Scope(jurisdiction="jurisdiction")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("专家抽取")

    def __str__(self) -> str:
        return f"#{self.pk} {self.purpose}"

    def candidate_ids(self) -> list[int]:
        return [int(c["expert_id"]) for c in self.candidates]


class DrawMember(DomainModel):
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="members", verbose_name=_("抽取"))
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="draw_memberships",
                               verbose_name=_("专家"))
    position = models.PositiveSmallIntegerField(_("顺序"))

    scope = Scope(jurisdiction="draw__jurisdiction", owner="expert__user")

    class Meta:
        ordering = ["draw", "position"]
        verbose_name = verbose_name_plural = _("抽取成员")
        constraints = [models.UniqueConstraint(fields=["draw", "expert"], name="experts_draw_member_unique"),
                       models.UniqueConstraint(fields=["draw", "position"], name="experts_draw_position_unique")]

    def __str__(self) -> str:
        return f"{self.draw_id}:{self.position} {self.expert}"


class Consultation(DomainModel):
    """A question put to a panel (专家咨询): a drawn panel or hand-picked experts."""

    title = models.CharField(_("标题"), max_length=200)
    question = models.TextField(_("咨询问题"))
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("辖区"))
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.PROTECT, related_name="consultations",
                             verbose_name=_("抽取的专家组"))
    experts = models.ManyToManyField(ExpertProfile, blank=True, related_name="+", verbose_name=_("指定专家"))
    deadline = models.DateField(_("截止日期"))
    created_by = actor_field(_("发起人"))

    scope = Scope(jurisdiction="jurisdiction")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("专家咨询")


class Opinion(DomainModel):
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="opinions",
                               verbose_name=_("专家"))
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="opinions",
                                     verbose_name=_("咨询"))
    text = models.TextField(_("意见"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    scope = Scope(jurisdiction="consultation__jurisdiction", owner="expert__user")

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = verbose_name_plural = _("专家意见")
        constraints = [models.UniqueConstraint(fields=["consultation", "expert"], name="experts_opinion_unique")]

    def __str__(self) -> str:
        return f"{self.expert} · {self.consultation}"
