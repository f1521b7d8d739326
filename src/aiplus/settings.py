"""Django settings for aiplus.

Everything an operator changes comes from the environment (12-factor), so the same code runs on a laptop with the
embedded SQLite default and in production on PostgreSQL behind a load balancer:

- DATABASE_URL     database (default: SQLite file in the project's data/ folder)
- AIPLUS_SECRET_KEY, AIPLUS_DEBUG, AIPLUS_ALLOWED_HOSTS
- AIPLUS_PACKS     comma-separated active packs (default: national,suzhou,guangdong,gba)
- AIPLUS_PACKS_DIR where the packs live (default: the repository's packs/)
- AIPLUS_DEMO      "1" labels the site as a demo (set by `make run`)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent  # src/aiplus
PROJECT_DIR = BASE_DIR.parents[1]
DATA_DIR = Path(os.environ.get("AIPLUS_DATA_DIR", PROJECT_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = _env_flag("AIPLUS_DEBUG", default=True)
SECRET_KEY = os.environ.get("AIPLUS_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
if not DEBUG:
    # Production refuses to start on the development key, and keeps cookies on HTTPS only.
    if SECRET_KEY.startswith("dev-only"):
        raise RuntimeError("set AIPLUS_SECRET_KEY when AIPLUS_DEBUG is off")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
ALLOWED_HOSTS = os.environ.get("AIPLUS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [f"http://{h}:8000" for h in ALLOWED_HOSTS if h and h != "*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "aiplus.core",
    "aiplus.regulation",
    "aiplus.experts",
    "aiplus.scenarios",
    "aiplus.compute",
    "aiplus.datahub",
    "aiplus.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aiplus.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "aiplus.urls"
WSGI_APPLICATION = "aiplus.wsgi.application"
ASGI_APPLICATION = "aiplus.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aiplus.portal.context.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'aiplus.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web process read while the worker writes; the busy timeout makes writers queue instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # A file (not :memory:) so that background workers in other processes see the test database.
    # One file per test process, so that two test runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-aiplus-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

MAILERS = {
    "default": {"BACKEND": os.environ.get("AIPLUS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
}
DEFAULT_FROM_EMAIL = os.environ.get("AIPLUS_FROM_EMAIL", "aiplus@localhost")

AIPLUS_PACKS = [p for p in os.environ.get("AIPLUS_PACKS", "national,suzhou,guangdong,gba").split(",") if p]
AIPLUS_PACKS_DIR = Path(os.environ.get("AIPLUS_PACKS_DIR", PROJECT_DIR / "packs"))
AIPLUS_DEMO = _env_flag("AIPLUS_DEMO")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AIPLUS_LOG_LEVEL", "WARNING")},
}
