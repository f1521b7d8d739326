"""Django settings for aiplus.

Everything an operator changes comes from the environment (12-factor), so the same code runs on a laptop with the
embedded SQLite default and in production on PostgreSQL behind a load balancer:

- DATABASE_URL     database (default: SQLite file in the project's data/ folder)
- AIPLUS_SECRET_KEY (default: a strong key generated on first use, kept in data/secret_key), AIPLUS_DEBUG (off
  unless "1"), AIPLUS_ALLOWED_HOSTS
- AIPLUS_BEHIND_TLS_PROXY "1" behind a reverse proxy that terminates HTTPS: trust its X-Forwarded-Proto, HTTPS-only
  cookies, HSTS, redirect to HTTPS (AIPLUS_HSTS_SECONDS, AIPLUS_HSTS_INCLUDE_SUBDOMAINS)
- AIPLUS_PACKS     comma-separated active packs (default: national,suzhou,guangdong,gba)
- AIPLUS_PACKS_DIR where the packs live (default: the repository's packs/)
- AIPLUS_DEMO      "1" labels the site as a demo (set by `make run`)
- AIPLUS_IMPORT_MAX_BYTES (10 MiB), AIPLUS_IMPORT_MAX_ROWS (50000), AIPLUS_IMPORT_BATCH_ROWS (500 rows per
  transaction), AIPLUS_IMPORT_BACKGROUND_BYTES (files above 512 KiB are imported by the worker): the file imports'
  limits (aiplus.core.imports, which also has the CSV field and xlsx zip limits)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent  # src/aiplus
PROJECT_DIR = BASE_DIR.parents[1]
DATA_DIR = Path(os.environ.get("AIPLUS_DATA_DIR", PROJECT_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


# Production by default: DEBUG shows settings, URL patterns and tracebacks, so only `make dev` (AIPLUS_DEBUG=1) has it.
DEBUG = _env_flag("AIPLUS_DEBUG")


def _weak_secret_key(key: str) -> bool:
    # Django's own test (check security.W009) and the development default of earlier versions.
    return len(key) < 50 or len(set(key)) < 5 or key.startswith(("django-insecure", "dev-only"))


def _generated_secret_key(path: Path) -> str:
    """The key in `path`, made the first time any process needs it: 86 random URL-safe characters, mode 0600.
    Written to a private temporary file and linked into place, so that two processes starting together (the web
    server and the worker) both end up with the one that got there first."""
    if not path.exists():
        import secrets

        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(64) + "\n")
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
            finally:
                temporary.unlink()
        except OSError as error:
            raise ImproperlyConfigured(
                f"cannot create the secret key file {path} ({error}): set AIPLUS_SECRET_KEY") from error
    key = path.read_text().strip()
    if _weak_secret_key(key):
        raise ImproperlyConfigured(f"the secret key in {path} is too weak: delete the file to have a new one made")
    return key


SECRET_KEY = os.environ.get("AIPLUS_SECRET_KEY", "")
if not SECRET_KEY:
    SECRET_KEY = _generated_secret_key(DATA_DIR / "secret_key")
elif not DEBUG and _weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "AIPLUS_SECRET_KEY is too weak (fewer than 50 characters, fewer than 5 different ones, or a development "
        "default): set a long random one, or unset it to use the generated data/secret_key")

# Plain http://127.0.0.1 works out of the box. An operator who puts the platform behind a reverse proxy that
# terminates HTTPS sets AIPLUS_BEHIND_TLS_PROXY=1: only then is the proxy's X-Forwarded-Proto believed (a client
# could send it itself otherwise), cookies are sent over HTTPS only, plain HTTP is redirected, and browsers are told
# to use HTTPS from then on (HSTS; a year by default). The proxy must set X-Forwarded-Proto and drop a client's own.
if _env_flag("AIPLUS_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("AIPLUS_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("AIPLUS_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Joining the browsers' HSTS preload list is an operator's decision for the whole domain, made outside the platform
# (and hard to undo), so SECURE_HSTS_PRELOAD stays off and its deployment check is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
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
    "django_filters",  # the one filter definition of each list, shared by its page and its API (core.lists)
    "django_tables2",  # tables with sortable columns, paging and export (core.lists)
    "ninja",  # the API docs page then uses ninja's bundled Swagger UI (static files, no inline script), not a CDN
    "aiplus.core",
    "aiplus.regulation",
    "aiplus.departments",  # before the domain apps: its demo places the staff whose queues their demos fill
    "aiplus.experts",
    "aiplus.scenarios",
    "aiplus.compute",
    "aiplus.datahub",
    "aiplus.algorithms",
    "aiplus.governance",
    "aiplus.support",
    "aiplus.sandbox",
    "aiplus.opc",
    "aiplus.insights",
    "aiplus.evaluation",
    "aiplus.participation",
    "aiplus.measures",
    "aiplus.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # SECURE_CSP below
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, before anything that reads a session
    "aiplus.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aiplus.core.middleware.TwoFactorRequiredMiddleware",  # officials and auditors: TOTP set up first
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
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (aiplus.core.signin): after MAX_FAILURES failed sign-ins for one username, or
# MAX_FAILURES_PER_IP from one address, within WINDOW_SECONDS, further attempts are refused until the window has
# passed. Counters live in the database, so every web process shares them. Behind N reverse proxies, set
# AIPLUS_TRUSTED_PROXY_COUNT=N so that the client address is read from X-Forwarded-For (the N-th from the right).
AIPLUS_SIGNIN_MAX_FAILURES = int(os.environ.get("AIPLUS_SIGNIN_MAX_FAILURES", "5"))
AIPLUS_SIGNIN_MAX_FAILURES_PER_IP = int(os.environ.get("AIPLUS_SIGNIN_MAX_FAILURES_PER_IP", "20"))
AIPLUS_SIGNIN_WINDOW_SECONDS = int(os.environ.get("AIPLUS_SIGNIN_WINDOW_SECONDS", str(15 * 60)))
AIPLUS_TRUSTED_PROXY_COUNT = int(os.environ.get("AIPLUS_TRUSTED_PROXY_COUNT", "0"))

# Two-factor sign-in (TOTP, aiplus.core.totp): holders of these roles must set up an authenticator before they
# reach any page. On by default; off by default for the demo (AIPLUS_DEMO=1), and AIPLUS_REQUIRE_2FA=0/1 decides
# either way. Users who have set one up are always asked for a code, required or not.
AIPLUS_REQUIRE_2FA = _env_flag("AIPLUS_REQUIRE_2FA", default=not _env_flag("AIPLUS_DEMO"))
AIPLUS_REQUIRE_2FA_ROLES = {"official", "auditor"}
AIPLUS_TOTP_ISSUER = os.environ.get("AIPLUS_TOTP_ISSUER", "aiplus")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# `make run` collects the static files here (gitignored) and WhiteNoise serves them from the web server itself:
# compressed, with content-hashed names cached for a year. With DEBUG on (`make dev`) they come from the apps.
STATIC_ROOT = PROJECT_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Content security policy (django.middleware.csp): scripts and styles only from the platform's own static files,
# never inline (templates pass data to scripts with json_script or data- attributes; CONTRIBUTING.md), nothing
# embeds the platform in a frame, and forms post only to it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# File imports (usage CSV, DCAT catalogue, needs workbook): see aiplus.core.imports. A JSON body of the API is
# bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB); bigger files go as a multipart upload.
# An uploaded file over the import limit is skipped as it arrives (never spooled to disk) and answered with 413.
FILE_UPLOAD_HANDLERS = ["aiplus.core.imports.BoundedUploadHandler",
                        "django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
AIPLUS_IMPORT_MAX_BYTES = int(os.environ.get("AIPLUS_IMPORT_MAX_BYTES", str(10 * 2**20)))
AIPLUS_IMPORT_MAX_ROWS = int(os.environ.get("AIPLUS_IMPORT_MAX_ROWS", "50000"))
AIPLUS_IMPORT_BATCH_ROWS = int(os.environ.get("AIPLUS_IMPORT_BATCH_ROWS", "500"))
AIPLUS_IMPORT_BACKGROUND_BYTES = int(os.environ.get("AIPLUS_IMPORT_BACKGROUND_BYTES", str(512 * 2**10)))

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Worker leases (`manage.py aiplus_worker`, aiplus.core.workers): each worker renews a heartbeat every
# HEARTBEAT seconds; a task still running under a worker silent for LEASE seconds was lost with it (killed, machine
# gone) and is queued again, until it has been started MAX_ATTEMPTS times, then it fails with "worker_lost".
AIPLUS_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("AIPLUS_WORKER_HEARTBEAT_SECONDS", "5"))
AIPLUS_WORKER_LEASE_SECONDS = float(os.environ.get("AIPLUS_WORKER_LEASE_SECONDS", "30"))
AIPLUS_JOB_MAX_ATTEMPTS = int(os.environ.get("AIPLUS_JOB_MAX_ATTEMPTS", "3"))
# Whether a system under test (aiplus.evaluation) may be on a private, loopback or link-local address: allowed by
# default (a testing body runs models on its own network); production facing the internet sets 0 against SSRF.
AIPLUS_EVALUATION_PRIVATE_ENDPOINTS = _env_flag("AIPLUS_EVALUATION_PRIVATE_ENDPOINTS", True)

# Mail: printed to the console unless an operator names an SMTP server (AIPLUS_SMTP_HOST), then sent through it;
# the port, account and TLS mode come from the environment too, never from the repository.
_SMTP_HOST = os.environ.get("AIPLUS_SMTP_HOST", "")
if _SMTP_HOST:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": _SMTP_HOST,
        "port": int(os.environ.get("AIPLUS_SMTP_PORT", "587")),
        "username": os.environ.get("AIPLUS_SMTP_USER", ""),
        "password": os.environ.get("AIPLUS_SMTP_PASSWORD", ""),
        "use_tls": os.environ.get("AIPLUS_SMTP_SECURITY", "starttls") == "starttls",
        "use_ssl": os.environ.get("AIPLUS_SMTP_SECURITY", "starttls") == "ssl",
        "timeout": 10,
    }}}
else:
    MAILERS = {"default": {
        "BACKEND": os.environ.get("AIPLUS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
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
