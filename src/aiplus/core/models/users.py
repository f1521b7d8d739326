from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core.models.base import NamedByTitle, RestrictedQuerySet
from aiplus.core.permissions import Scope


class Role(models.TextChoices):
    OFFICIAL = permissions.OFFICIAL, _("政府工作人员")
    ENTERPRISE_MEMBER = permissions.ENTERPRISE_MEMBER, _("企业成员")
    EXPERT = permissions.EXPERT, _("专家")
    PROVIDER = permissions.PROVIDER, _("服务商")
    AUDITOR = permissions.AUDITOR, _("审计人员")
    PUBLIC = permissions.PUBLIC, _("公众")


class AiplusUserManager(UserManager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    """Django's user manager, plus `restrict()`."""


class User(AbstractUser):
    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    language = models.CharField(_("界面语言"), max_length=10, default="zh-hans",
                                choices=[("zh-hans", "简体中文"), ("en", "English")])
    is_demo = models.BooleanField(default=False, editable=False)

    objects: ClassVar[AiplusUserManager] = AiplusUserManager()  # type: ignore[assignment]
    scope = Scope(owner="id")

    class Meta:
        verbose_name = verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A user acting in a role, for a jurisdiction (officials, auditors) or an organisation (members)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    jurisdiction = models.ForeignKey("core.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT,
                                     verbose_name=_("辖区"))
    organisation = models.ForeignKey("core.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     verbose_name=_("组织"))
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   verbose_name=_("部门"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("角色分配")
        constraints = [
            models.CheckConstraint(
                name="role_assignment_has_its_anchor",
                condition=(
                    Q(role__in=[permissions.OFFICIAL, permissions.AUDITOR], jurisdiction__isnull=False)
                    | Q(role__in=[permissions.ENTERPRISE_MEMBER, permissions.PROVIDER], organisation__isnull=False)
                    | Q(role__in=[permissions.EXPERT, permissions.PUBLIC])
                ),
            )
        ]

    def __str__(self) -> str:
        anchor = self.jurisdiction or self.organisation or ""
        return f"{self.user} · {self.get_role_display()} · {anchor}"


class ObjectPermission(NamedByTitle):
    """An explicit grant: actions on object types, narrowed by a constraints dict (a queryset filter)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    enabled = models.BooleanField(default=True)
    object_types = models.ManyToManyField(ContentType, related_name="+")
    actions = models.JSONField(_("操作"), default=list)
    constraints = models.JSONField(_("约束条件"), null=True, blank=True,
                                   help_text=_("查询条件，例如 {\"jurisdiction__code\": \"suzhou\"}；为空表示全部。"))
    users = models.ManyToManyField(User, blank=True, related_name="object_permissions")
    groups = models.ManyToManyField(Group, blank=True, related_name="object_permissions")

    class Meta:
        verbose_name = verbose_name_plural = _("对象权限")

    def as_q(self) -> Q:
        if not self.constraints:
            return Q()
        constraint_sets = self.constraints if isinstance(self.constraints, list) else [self.constraints]
        combined = Q(pk__in=[])
        for constraints in constraint_sets:
            combined |= Q(**constraints)
        return combined


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the token is shown once, when it is created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "aip_" + secrets.token_urlsafe(32)
