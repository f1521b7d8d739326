"""Signing in: throttling of failed sign-ins (per username and per address, in the database, with an audit event for
every lockout), TOTP two-factor sign-in (setup, a real code, a wrong one, a reused one) and the requirement that
officials and auditors set it up before they reach a page."""

from __future__ import annotations

import datetime as dt
import json
import time
from unittest import mock

import pyotp
import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from aiplus.core import services, signin
from aiplus.core.models import AuditEvent, SignInFailure, TotpDevice

pytestmark = pytest.mark.django_db
PASSWORD = "Lakeside-garden-2026"


@pytest.fixture
def person(db):
    return services.create_user(acting_user=None, username="zhang-san", password=PASSWORD)


def sign_in(client, username, password, ip="10.0.0.1", next_url="/dashboard/"):
    return client.post("/login/", {"username": username, "password": password, "next": next_url}, REMOTE_ADDR=ip)


def signed_in(client):
    return "_auth_user_id" in client.session


def after_the_window(settings):
    return mock.patch("django.utils.timezone.now",
                      return_value=timezone.now() + dt.timedelta(seconds=settings.AIPLUS_SIGNIN_WINDOW_SECONDS + 1))


# --- throttling -------------------------------------------------------------------------------------------------

def test_five_failures_for_a_username_lock_it_until_the_window_passes(client, person, settings):
    assert settings.AIPLUS_SIGNIN_MAX_FAILURES == 5 and settings.AIPLUS_SIGNIN_WINDOW_SECONDS == 15 * 60
    for _ in range(4):
        response = sign_in(client, "zhang-san", "wrong-password-1")
        assert response.status_code == 200 and not signed_in(client)
    assert not AuditEvent.objects.filter(action="core.account.locked_out").exists()

    fifth = sign_in(client, "zhang-san", "wrong-password-1")
    assert fifth.status_code == 429
    assert "登录失败次数过多" in fifth.content.decode()

    # the right password, from another address, is refused too: the username is locked, no password is checked
    refused = sign_in(client, "zhang-san", PASSWORD, ip="10.0.0.2")
    assert refused.status_code == 429 and not signed_in(client)
    assert "登录失败次数过多" in refused.content.decode()
    assert SignInFailure.objects.filter(username="zhang-san").count() == 5  # refusals count as nothing

    events = AuditEvent.objects.filter(action="core.account.locked_out")
    assert events.count() == 1
    assert events[0].after["scopes"] == ["username"] and events[0].after["username"] == "zhang-san"
    assert events[0].object_id == str(person.pk)

    with after_the_window(settings):
        response = sign_in(client, "zhang-san", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert signed_in(client)
    assert not SignInFailure.objects.filter(username="zhang-san").exists()


def test_the_lock_covers_the_username_in_any_case(client, person):
    for _ in range(5):
        sign_in(client, "Zhang-San", "wrong-password-1")
    assert sign_in(client, "zhang-san", PASSWORD).status_code == 429


def test_a_successful_sign_in_clears_the_usernames_counter(client, person):
    for _ in range(4):
        sign_in(client, "zhang-san", "wrong-password-1")
    assert sign_in(client, "zhang-san", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "zhang-san", "wrong-password-1").status_code == 200
    assert sign_in(client, "zhang-san", PASSWORD).status_code == 302


def test_failures_from_one_address_lock_the_address(client, person, settings):
    settings.AIPLUS_SIGNIN_MAX_FAILURES_PER_IP = 3
    for name in ("li-si", "wang-wu", "zhao-liu"):
        sign_in(client, name, "wrong-password-1", ip="10.0.0.9")
    events = AuditEvent.objects.filter(action="core.account.locked_out")
    assert events.count() == 1 and events[0].after["scopes"] == ["ip"] and events[0].after["ip"] == "10.0.0.9"

    refused = sign_in(client, "zhang-san", PASSWORD, ip="10.0.0.9")
    assert refused.status_code == 429 and not signed_in(client)
    assert sign_in(client, "zhang-san", PASSWORD, ip="10.0.0.10").status_code == 302  # another address
    client.logout()
    with after_the_window(settings):
        assert sign_in(client, "zhang-san", PASSWORD, ip="10.0.0.9").status_code == 302


def test_the_lock_message_is_in_the_visitors_language(english, person):
    for _ in range(5):
        sign_in(english, "zhang-san", "wrong-password-1")
    response = sign_in(english, "zhang-san", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_the_client_address_is_read_behind_trusted_proxies_only(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="192.168.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert signin.client_ip(request) == "192.168.0.2"
    settings.AIPLUS_TRUSTED_PROXY_COUNT = 1
    assert signin.client_ip(request) == "203.0.113.7"  # the address the proxy saw, not the one the client wrote


def test_the_admin_login_page_sends_to_the_throttled_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/admin/")


# --- TOTP -------------------------------------------------------------------------------------------------------

def code_for(secret, offset_steps=0):
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def wrong_code(secret):
    valid = {code_for(secret, k) for k in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in valid)


def set_up_totp(client, user):
    """Through the account page: start, read the secret off the page, confirm with the current code."""
    client.force_login(user)
    assert client.post("/account/two-factor/", {"action": "start"}).status_code == 302
    page = client.get("/account/two-factor/").content.decode()
    device = TotpDevice.objects.get(user=user)
    assert "otpauth://totp/" in page and f"secret={device.secret}" in page
    assert "<svg" in page  # the QR code
    response = client.post("/account/two-factor/", {"action": "confirm", "code": code_for(device.secret)})
    assert response.status_code == 302
    client.logout()
    device.refresh_from_db()
    return device


def test_an_official_sets_up_totp_and_signs_in_with_a_real_code(client, world):
    official = world.user("official")
    client.force_login(official)
    client.post("/account/two-factor/", {"action": "start"})
    device = TotpDevice.objects.get(user=official)
    refused = client.post("/account/two-factor/", {"action": "confirm", "code": wrong_code(device.secret)})
    assert refused.status_code == 400 and "验证码不正确" in refused.content.decode()
    assert AuditEvent.objects.filter(action="core.totp.setup_failed", actor=official).count() == 1
    client.logout()

    device = set_up_totp(client, official)
    assert device.confirmed and device.last_used_step is not None
    enabled = AuditEvent.objects.get(action="core.totp.enabled", actor=official)
    assert AuditEvent.objects.filter(action="core.totp.setup_started", actor=official).count() == 2
    logged = json.dumps([list(AuditEvent.objects.filter(actor=official).values("before", "after"))], default=str)
    assert device.secret not in logged and enabled.after["user"] == official.username

    # the password alone signs nobody in
    response = sign_in(client, official.username, "x-password-123")
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    assert not signed_in(client)
    assert client.get("/dashboard/").status_code == 302

    # the next step's code (the current one was spent on the setup) is within the ±1 window
    response = client.post("/login/code/", {"code": code_for(device.secret, 1)})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert signed_in(client) and int(client.session["_auth_user_id"]) == official.pk
    assert client.get("/dashboard/").status_code == 200


def test_a_wrong_code_is_refused_counted_and_audited(client, world):
    official = world.user("official")
    device = set_up_totp(client, official)
    sign_in(client, official.username, "x-password-123")
    response = client.post("/login/code/", {"code": wrong_code(device.secret)})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert not signed_in(client)
    event = AuditEvent.objects.get(action="core.totp.failed", actor=official)
    assert event.after["reason"] == "invalid"
    assert SignInFailure.objects.filter(username=official.username, reason="totp_invalid").count() == 1


def test_a_code_is_never_accepted_twice(client, world):
    official = world.user("official")
    device = set_up_totp(client, official)
    code = code_for(device.secret, 1)
    sign_in(client, official.username, "x-password-123")
    assert client.post("/login/code/", {"code": code}).status_code == 302
    client.logout()

    sign_in(client, official.username, "x-password-123")
    response = client.post("/login/code/", {"code": code})
    assert response.status_code == 400 and "已经用过" in response.content.decode()
    assert not signed_in(client)
    assert AuditEvent.objects.get(action="core.totp.failed", actor=official).after["reason"] == "reused"
    # the setup code cannot sign in either
    assert client.post("/login/code/", {"code": code_for(device.secret)}).status_code == 400


def test_wrong_codes_count_towards_the_lock(client, world, settings):
    settings.AIPLUS_SIGNIN_MAX_FAILURES = 2
    official = world.user("official")
    device = set_up_totp(client, official)
    sign_in(client, official.username, "x-password-123")
    assert client.post("/login/code/", {"code": wrong_code(device.secret)}).status_code == 400
    locked = client.post("/login/code/", {"code": wrong_code(device.secret)})
    assert locked.status_code == 429 and "登录失败次数过多" in locked.content.decode()
    assert client.post("/login/code/", {"code": code_for(device.secret, 1)}).status_code == 429
    assert not signed_in(client)
    assert AuditEvent.objects.filter(action="core.account.locked_out").count() == 1


def test_the_code_step_expires(client, world):
    official = world.user("official")
    device = set_up_totp(client, official)
    sign_in(client, official.username, "x-password-123")
    with mock.patch("aiplus.core.account.time.time", return_value=time.time() + 301):
        response = client.post("/login/code/", {"code": code_for(device.secret, 1)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not signed_in(client)


def test_an_official_without_totp_is_sent_to_set_it_up_when_required(client, world, settings):
    settings.AIPLUS_REQUIRE_2FA = True
    official = world.user("official")
    client.force_login(official)
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/?next=%2Fdashboard%2F"
    assert client.get("/organisations/").status_code == 302
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    htmx = client.get("/organisations/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"].startswith("/account/two-factor/")
    page = client.get("/account/two-factor/?next=/dashboard/")
    assert page.status_code == 200 and 'data-testid="two-factor-required"' in page.content.decode()

    client.post("/account/two-factor/", {"action": "start", "next": "/dashboard/"})
    secret = TotpDevice.objects.get(user=official).secret
    done = client.post("/account/two-factor/", {"action": "confirm", "code": code_for(secret), "next": "/dashboard/"})
    assert done.status_code == 302 and done["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_an_auditor_with_totp_signs_in_with_a_code_and_reaches_the_pages_when_required(client, world, settings):
    settings.AIPLUS_REQUIRE_2FA = True
    auditor = world.user("auditor")
    device = set_up_totp(client, auditor)
    sign_in(client, auditor.username, "x-password-123")
    assert client.post("/login/code/", {"code": code_for(device.secret, 1)}).status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_other_roles_are_not_required_to_set_it_up(client, world, settings):
    settings.AIPLUS_REQUIRE_2FA = True
    client.force_login(world.user("enterprise_member"))
    assert client.get("/dashboard/").status_code == 200


def test_nobody_is_sent_to_set_it_up_when_the_requirement_is_off(client, world, settings):
    settings.AIPLUS_REQUIRE_2FA = False
    client.force_login(world.user("official"))
    assert client.get("/dashboard/").status_code == 200


def test_a_lost_authenticator_is_reset_by_command(client, world):
    official = world.user("official")
    set_up_totp(client, official)
    call_command("reset_two_factor", official.username, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not TotpDevice.objects.filter(user=official).exists()
    assert AuditEvent.objects.filter(action="core.totp.reset").count() == 1
    response = sign_in(client, official.username, "x-password-123")
    assert response.status_code == 302 and response["Location"] == "/dashboard/" and signed_in(client)
