"""Passwords: Django's four validators (similarity, at least 10 characters, common, numeric) for every account the
platform creates; a weak one is refused naming the field `password`, in the request's language, and creates nobody."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from aiplus.core import services
from aiplus.core.errors import ServiceError
from aiplus.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def test_the_four_validators_are_on_with_a_minimum_of_ten_characters():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == ["UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
                     "NumericPasswordValidator"]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"]["min_length"] == 10


WEAK = [
    # (username, password, code, Chinese, English)
    ("li-na", "short-1", "password_too_short", "此密码太短", "This password is too short"),
    ("li-na", "password123", "password_too_common", "这个密码太常见了", "This password is too common"),
    ("li-na", "20260101202602", "password_entirely_numeric", "密码只包含数字", "entirely numeric"),
    ("wangxiaoming", "wangxiaoming1", "password_too_similar", "太相似", "too similar"),
]


@pytest.mark.parametrize(("username", "password", "code", "zh", "en"), WEAK)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_create_user_refuses_a_weak_password_naming_the_field(username, password, code, zh, en, language):
    with translation.override(language), pytest.raises(ServiceError) as caught:
        services.create_user(acting_user=None, username=username, password=password)
    error = caught.value
    assert error.field == "password"
    assert error.code == code
    assert (zh if language == "zh-hans" else en) in str(error.message)
    assert not User.objects.filter(username=username).exists()
    assert not AuditEvent.objects.filter(action="core.user.created").exists()


def test_every_problem_is_said_at_once():
    with translation.override("en"), pytest.raises(ServiceError) as caught:
        services.create_user(acting_user=None, username="li-na", password="123456")
    message = str(caught.value.message)
    assert "too short" in message and "too common" in message and "entirely numeric" in message


def test_a_strong_password_is_accepted_and_only_its_hash_stored():
    user = services.create_user(acting_user=None, username="li-na", password="Qing-he-river-2026")
    assert user.check_password("Qing-he-river-2026")
    assert "Qing-he-river-2026" not in user.password
    assert AuditEvent.objects.filter(action="core.user.created", object_id=str(user.pk)).count() == 1
