"""Every write of the kernel. Each function is one transaction that writes its audit event inside it.

Conventions (shared by every app's services.py): keyword-only arguments, `acting_user` first, permission checked
before anything is written, bad input raised as ServiceError naming the field and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aiplus.core import audit, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError, from_validation_error
from aiplus.core.models import (
    ApiToken,
    Jurisdiction,
    Notification,
    Organisation,
    RoleAssignment,
    User,
)
from aiplus.core.models.notifications import render_message

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ORGANISATION_FIELDS = ("name", "name_en", "kind", "credit_code", "chain_layer", "address",
                       "is_independent_legal_person")


def _full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise from_validation_error(error) from error


def validate_password(password: str, user: User | None = None) -> None:
    """The platform's password rules (settings.AUTH_PASSWORD_VALIDATORS: not like the user's name or e-mail, at least
    10 characters, not a common password, not only digits), every problem in one ServiceError naming `password`."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        codes = [e.code for e in error.error_list if e.code]
        raise ServiceError(codes[0] if codes else "invalid_password", " ".join(error.messages), "password") from None


def _jurisdiction(code_or_id: str | int, field: str = "jurisdiction") -> Jurisdiction:
    lookup = {"pk": code_or_id} if isinstance(code_or_id, int) else {"code": code_or_id}
    try:
        return Jurisdiction.objects.get(**lookup)
    except Jurisdiction.DoesNotExist:
        raise ServiceError("unknown_jurisdiction", _("辖区不存在：%(v)s") % {"v": code_or_id}, field) from None


@transaction.atomic
def create_organisation(*, acting_user: User, jurisdiction: str | int, **fields: Any) -> Organisation:
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ServiceError("unknown_field", _("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))},
                           sorted(unknown)[0])
    place = _jurisdiction(jurisdiction)
    if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
        raise PermissionDeniedError(_("您不能在该辖区登记组织。"))
    if "credit_code" in fields and isinstance(fields["credit_code"], str):
        fields["credit_code"] = fields["credit_code"].strip().upper()
    organisation = Organisation(jurisdiction=place, **fields)
    _full_clean(organisation)
    organisation.save()
    audit.record(actor=acting_user, action="core.organisation.created", instance=organisation)
    return organisation


@transaction.atomic
def update_organisation(*, acting_user: User, organisation_id: int, **changes: Any) -> Organisation:
    unknown = set(changes) - set(ORGANISATION_FIELDS) - {"jurisdiction"}
    if unknown:
        raise ServiceError("unknown_field", _("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))},
                           sorted(unknown)[0])
    organisation = (Organisation.objects.restrict(acting_user, "change").select_for_update()
                    .filter(pk=organisation_id).first())
    if organisation is None:
        if Organisation.objects.restrict(acting_user, "view").filter(pk=organisation_id).exists():
            raise PermissionDeniedError()
        raise NotFoundError()
    before = audit.snapshot(organisation)
    if "jurisdiction" in changes:
        place = _jurisdiction(changes.pop("jurisdiction"))
        if not permissions.can_create_in(acting_user, jurisdiction_id=place.pk):
            raise PermissionDeniedError(_("您不能把组织移到该辖区。"))
        organisation.jurisdiction = place
    for name, value in changes.items():
        setattr(organisation, name, value.strip().upper() if name == "credit_code" else value)
    _full_clean(organisation)
    organisation.save()
    audit.record(actor=acting_user, action="core.organisation.updated", instance=organisation, before=before)
    return organisation


@transaction.atomic
def assign_role(
    *,
    acting_user: User,
    user: User,
    role: str,
    jurisdiction: str | int | None = None,
    organisation_id: int | None = None,
) -> RoleAssignment:
    place = _jurisdiction(jurisdiction) if jurisdiction is not None else None
    if role in permissions.JURISDICTION_ROLES:
        if place is None:
            raise ServiceError("jurisdiction_required", _("该角色必须指定辖区。"), "jurisdiction")
        if not acting_user.is_superuser and place.pk not in permissions.user_jurisdiction_ids(acting_user, "add"):
            raise PermissionDeniedError(_("您只能在本辖区内授予该角色。"))
    elif role in (permissions.ENTERPRISE_MEMBER, permissions.PROVIDER):
        if organisation_id is None:
            raise ServiceError("organisation_required", _("该角色必须指定组织。"), "organisation")
        organisation = Organisation.objects.restrict(acting_user, "change").filter(pk=organisation_id).first()
        if organisation is None:
            raise PermissionDeniedError(_("您不能为该组织授予角色。"))
    elif role not in (permissions.EXPERT, permissions.PUBLIC):
        raise ServiceError("unknown_role", _("未知角色：%(r)s") % {"r": role}, "role")
    assignment = RoleAssignment.objects.create(
        user=user, role=role, jurisdiction=place, organisation_id=organisation_id,
    )
    permissions.forget(user)
    audit.record(actor=acting_user, action="core.role.assigned", instance=assignment,
                 jurisdiction_id=place.pk if place else None, organisation_id=organisation_id)
    return assignment


def in_each_language(render: Callable[[], Any]) -> dict[str, str]:
    """A notification parameter that reads differently per language (a citation, a place, reasons): `render` run
    once in each platform language, so the notification can be shown in whichever its recipient reads."""
    values = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values[code] = str(render())
    return values


def _message_id(message: StrPromise) -> str:
    # With no language active, gettext returns the msgid itself: the untranslated Chinese that the catalogue keys on.
    with translation.override(None):
        return str(message)


def _param(value: Any) -> Any:
    if isinstance(value, Promise):
        return in_each_language(lambda: value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def notify(*, recipient: User, verb: str, title: StrPromise, body: StrPromise | str = "",
           params: Mapping[str, Any] | None = None, link: str = "", target: Model | None = None,
           email: bool = False) -> Notification:
    """Queue a notification, shown in the recipient's language. Part of the caller's transaction, not audited alone.

    `title` (and `body`, unless it is the sender's own words such as a comment) is a lazy translatable string
    (`gettext_lazy`) with `%(name)s` placeholders filled from `params`; the msgid and the parameters are stored and
    translated when shown. A lazy parameter, or one from `in_each_language`, reads in the recipient's language too.
    An unread notification of the same recipient, verb, link and `target` is brought up to date and to the top
    instead of repeated. The e-mail, if any, is sent only after the caller's transaction commits.
    """
    if not isinstance(title, Promise):
        raise TypeError("notify() takes a lazy translatable title (gettext_lazy) and its params, not formatted text")
    stored_params = {name: _param(value) for name, value in (params or {}).items()}
    title_msgid = _message_id(title)
    body_msgid = _message_id(body) if isinstance(body, Promise) else ""
    language = recipient.language or settings.LANGUAGE_CODE
    fields = {
        "title_msgid": title_msgid, "body_msgid": body_msgid, "params": stored_params,
        "title": render_message(title_msgid, stored_params, language),
        "body": render_message(body_msgid, stored_params, language) if body_msgid else str(body),
    }
    same = {"recipient": recipient, "verb": verb, "link": link,
            "object_type": target._meta.label_lower if target is not None else "",
            "object_id": str(target.pk) if target is not None else ""}
    notification = None
    if link or target is not None:
        notification = Notification.objects.select_for_update().filter(read_at__isnull=True, **same).first()
    if notification is None:
        notification = Notification.objects.create(**same, **fields, emailed=email)
    else:
        for name, value in fields.items():
            setattr(notification, name, value)
        notification.created_at = timezone.now()
        notification.emailed = notification.emailed or email
        notification.save()
    if email and recipient.email:
        subject, message, address = notification.title, notification.body, recipient.email
        transaction.on_commit(lambda: send_mail(subject, message, None, [address], fail_silently=True))
    return notification


@transaction.atomic
def mark_notifications_read(*, acting_user: User, ids: list[int] | None = None) -> int:
    queryset = Notification.objects.restrict(acting_user, "view").filter(read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    count = queryset.update(read_at=timezone.now())
    if count:
        audit.record(actor=acting_user, action="core.notifications.read", after={"count": count},
                     object_type="core.notification", object_repr=f"{count}")
    return count


@transaction.atomic
def create_api_token(*, acting_user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for the acting user; the clear key is returned once and never stored."""
    if not name.strip():
        raise ServiceError("required", _("请填写令牌名称。"), "name")
    key = ApiToken.generate()
    token = ApiToken.objects.create(user=acting_user, name=name.strip()[:100], key_hash=ApiToken.hash(key),
                                    prefix=key[4:12])
    audit.record(actor=acting_user, action="core.api_token.created", instance=token,
                 after={"name": token.name, "prefix": token.prefix})
    return token, key


@transaction.atomic
def create_user(*, acting_user: User | None, username: str, password: str, display_name: str = "", email: str = "",
                language: str = "zh-hans", is_superuser: bool = False, is_demo: bool = False) -> User:
    if not username.strip():
        raise ServiceError("required", _("请填写用户名。"), "username")
    if User.objects.filter(username=username).exists():
        raise ServiceError("duplicate", _("用户名已存在。"), "username")
    if is_superuser and acting_user is not None and not getattr(acting_user, "is_superuser", False):
        raise PermissionDeniedError()
    user = User(username=username, display_name=display_name, email=email, language=language,
                is_superuser=is_superuser, is_staff=is_superuser, is_demo=is_demo)
    validate_password(password, user)
    user.set_password(password)
    _full_clean(user, exclude=["password"])
    user.save()
    audit.record(actor=acting_user, action="core.user.created", instance=user,
                 after={"username": username, "is_superuser": is_superuser})
    return user


@transaction.atomic
def revoke_api_token(*, acting_user: User, token_id: int) -> None:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=acting_user).first()
    if token is None:
        raise NotFoundError()
    before = {"name": token.name, "prefix": token.prefix}
    token.delete()
    audit.record(actor=acting_user, action="core.api_token.revoked", object_type="core.apitoken",
                 object_id=str(token_id), object_repr=before["name"], before=before, after=None)
