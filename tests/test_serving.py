"""Served like production by default: DEBUG off, a strong secret key (generated into data/secret_key unless
AIPLUS_SECRET_KEY is set; weak ones refused), X-Forwarded-Proto believed and HTTPS enforced only behind a TLS
proxy (AIPLUS_BEHIND_TLS_PROXY=1), `check --deploy` clean there, and the static files collect with the storage
`make run` uses. Settings are read in a fresh interpreter, with exactly the environment each test gives."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[1]
SHOWN = ("DEBUG", "SECRET_KEY", "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
         "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS")
STRONG = "k3y-" + "x7Qp9Lm2Zr" * 6  # 64 characters, 13 different ones


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """The machine's environment without any of the platform's own variables, the data folder a temporary one."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AIPLUS_", "DJANGO_")) and name != "DATABASE_URL"}
    env.update(AIPLUS_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT / "src"), **extra)
    return env


def _settings(data_dir: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    script = ("import json, aiplus.settings as s; "
              f"print(json.dumps({{name: getattr(s, name, None) for name in {SHOWN!r}}}))")
    return subprocess.run([sys.executable, "-c", script], env=_environment(data_dir, **extra), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def _read(data_dir: Path, **extra: str) -> dict[str, object]:
    result = _settings(data_dir, **extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_debug_is_off_unless_asked_for(tmp_path):
    assert _read(tmp_path)["DEBUG"] is False
    assert _read(tmp_path, AIPLUS_DEBUG="1")["DEBUG"] is True


def test_a_strong_key_is_generated_once_into_data_secret_key_readable_only_by_its_owner(tmp_path):
    first = _read(tmp_path)["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert isinstance(first, str) and len(first) >= 50 and len(set(first)) >= 5
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _read(tmp_path)["SECRET_KEY"] == first  # the same key on every later start
    assert _read(tmp_path, AIPLUS_SECRET_KEY=STRONG)["SECRET_KEY"] == STRONG  # the environment's wins


@pytest.mark.parametrize("weak", ["short-key", "dev-only-insecure-key-change-me-in-production",
                                  "django-insecure-" + "abcdefghij" * 5, "a" * 60])
def test_a_weak_key_is_refused_with_debug_off(tmp_path, weak):
    result = _settings(tmp_path, AIPLUS_SECRET_KEY=weak)
    assert result.returncode != 0
    assert "AIPLUS_SECRET_KEY is too weak" in result.stderr
    assert _read(tmp_path, AIPLUS_SECRET_KEY=weak, AIPLUS_DEBUG="1")["SECRET_KEY"] == weak  # a developer's own


def test_a_weak_key_file_is_refused(tmp_path):
    (tmp_path / "secret_key").write_text("too-short\n")
    result = _settings(tmp_path)
    assert result.returncode != 0 and "too weak" in result.stderr


def test_https_settings_are_off_on_plain_http_and_on_behind_a_tls_proxy(tmp_path):
    plain = _read(tmp_path)
    assert plain["SECURE_PROXY_SSL_HEADER"] is None
    assert not plain["SESSION_COOKIE_SECURE"] and not plain["CSRF_COOKIE_SECURE"]
    assert not plain["SECURE_SSL_REDIRECT"] and not plain["SECURE_HSTS_SECONDS"]

    proxied = _read(tmp_path, AIPLUS_BEHIND_TLS_PROXY="1")
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert proxied["SESSION_COOKIE_SECURE"] is proxied["CSRF_COOKIE_SECURE"] is proxied["SECURE_SSL_REDIRECT"] is True
    assert proxied["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and proxied["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path):
    """Behind a TLS proxy, with a real mail backend (the default prints mail to the console, which the mail check
    rightly refuses for production), no warning is left: the one silenced in settings (security.W021, the HSTS
    preload list, the operator's decision for the whole domain) is said why there."""
    env = _environment(tmp_path, AIPLUS_BEHIND_TLS_PROXY="1",
                       AIPLUS_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


@pytest.mark.django_db
def test_x_forwarded_proto_is_not_believed_without_the_tls_proxy_setting(client):
    from django.conf import settings

    assert settings.SECURE_PROXY_SSL_HEADER is None
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.wsgi_request.is_secure() is False
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        assert client.get("/", HTTP_X_FORWARDED_PROTO="https").wsgi_request.is_secure() is True


def test_the_static_files_collect_with_the_production_storage(tmp_path):
    """What `make run` does before starting the server: every file referenced from CSS resolves, every page script
    gets a content-hashed name (cached for a year by WhiteNoise) and a compressed copy."""
    env = _environment(tmp_path, AIPLUS_STATIC_ROOT=str(tmp_path / "static"))
    script = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'aiplus.settings'; django.setup(); "
              "from django.conf import settings; from django.test.utils import override_settings; "
              "from django.core.management import call_command; "
              "override_settings(STATIC_ROOT=os.environ['AIPLUS_STATIC_ROOT']).enable(); "
              "call_command('collectstatic', interactive=False, verbosity=0)")
    result = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    for name in ("aiplus/site.css", "aiplus/site.js", "aiplus/charts.js", "aiplus/home.js", "compute/capacity.js",
                 "compute/study.js", "scenarios/dashboard.js", "vendor/htmx/htmx.min.js", "ninja/swagger-ui-init.js"):
        assert name in manifest, name
        assert (tmp_path / "static" / (manifest[name] + ".gz")).exists(), name


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client):
    response = client.get("/")
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
    assert client.get("/api/v1/docs")["Content-Security-Policy"] == response["Content-Security-Policy"]
    # the API docs use ninja's bundled Swagger UI: static files, no CDN, no inline script
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in docs and "<script>" not in docs
