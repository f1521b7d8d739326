"""Signing in (password, then a TOTP code when the user has an authenticator) and setting up two-factor sign-in.

The session holds two keys of its own:
- `PENDING`: after a right password, for a user with an authenticator: who, through which backend, since when and
  where to go next. Nobody is signed in until the code is accepted (within `PENDING_SECONDS`).
- `VERIFIED`: the signed-in user's id once this session has passed the two-factor requirement (a code accepted at
  sign-in or at setup), so that the middleware does not look the authenticator up on every request.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from aiplus.core import selectors, signin, totp
from aiplus.core.errors import ServiceError
from aiplus.core.forms import SignInForm, TotpCodeForm, TwoFactorStepForm
from aiplus.core.views import route

PENDING = "aiplus_2fa_pending"
VERIFIED = "aiplus_2fa_verified"
PENDING_SECONDS = 300


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class SignInView(LoginView):
    template_name = "core/login.html"
    authentication_form = SignInForm

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if totp.confirmed_device(user) is not None:
            # The password was right; the session is not signed in until the code is.
            self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(),
                                             "next": self.get_redirect_url()}
            return redirect("core:login_code")
        response = super().form_valid(form)
        signin.clear(user.get_username())
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response


sign_in = route("login/", "login")(SignInView.as_view())


@route("login/code/", "login_code")
@sensitive_post_parameters()
@csrf_protect
@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the user's authenticator."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.info(request, _("请重新输入用户名和密码。"))
        return redirect("core:login")
    user = selectors.active_user(pk=pending["user"])
    if user is None:
        request.session.pop(PENDING, None)
        return redirect("core:login")
    form = TotpCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        ip = signin.client_ip(request)
        lock = signin.lock(user.get_username(), ip)
        if lock is not None:
            form.add_error(None, lock.message)
            status = 429
        else:
            problem = totp.verify(user=user, code=form.cleaned_data["code"])
            if problem is None:
                request.session.pop(PENDING, None)
                auth_login(request, user, backend=pending["backend"])
                request.session[VERIFIED] = user.pk
                signin.clear(user.get_username())
                return redirect(_safe_next(request, pending.get("next")))
            started = signin.record_failure(user.get_username(), ip, reason=f"totp_{problem}")
            form.add_error("code", str(totp.FAILURE_MESSAGES[problem]))
            if started is not None:
                form.add_error(None, started.message)
                status = 429
            else:
                status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "core/login_code.html", {"form": form}, status=status)


@route("account/two-factor/", "two_factor")
@login_required
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """The account's two-factor page: start a setup (a new secret), confirm it with a code, or see that it is on."""
    user: Any = request.user
    posted = TwoFactorStepForm(request.POST if request.method == "POST" else None)
    step = posted.step()
    next_url = posted.next_url() or TwoFactorStepForm(request.GET).next_url()
    form = TotpCodeForm(request.POST if step == "confirm" else None)
    status = 200
    if request.method == "POST":
        try:
            if step == "start":
                totp.start_setup(acting_user=user)
                return redirect(f"{request.path}?{urlencode({'next': next_url})}" if next_url else request.path)
            if form.is_valid():
                totp.confirm_setup(acting_user=user, code=form.cleaned_data["code"])
                request.session[VERIFIED] = user.pk
                messages.success(request, _("两步验证已启用。今后登录时，输入密码后还需输入验证器显示的验证码。"))
                return redirect(_safe_next(request, next_url) if next_url else request.path)
            status = 400
        except ServiceError as error:
            error.add_to_form(form)
            status = 400
    device = totp.confirmed_device(user)
    pending = None if device else totp.pending_device(user)
    context: dict[str, Any] = {"device": device, "pending": pending, "form": form, "next": next_url,
                               "required": totp.required_for(user)}
    if pending is not None:
        uri = totp.provisioning_uri(pending)
        context.update(uri=uri, secret=" ".join(pending.secret[i:i + 4] for i in range(0, len(pending.secret), 4)),
                       qr=segno.make(uri, error="m").svg_inline(scale=4, title="otpauth"))
    return render(request, "core/two_factor.html", context, status=status)
