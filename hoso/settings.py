"""HoSo settings. Everything that differs between machines comes from the environment.

HOSO_DEBUG, HOSO_SECRET_KEY, HOSO_ALLOWED_HOSTS, DATABASE_URL (default: SQLite under var/),
HOSO_EMAIL_HOST (reminders by e-mail when set), HOSO_SESSION_IDLE_MINUTES, HOSO_S3_BUCKET and
HOSO_S3_* (S3-compatible file storage), HOSO_RECORDS_MAX_UPLOAD_MB, HOSO_RECORD_REMINDER_DAYS /
_MISSED_DAYS, HOSO_PUBLIC_URL, HOSO_VERIFY_RATE, HOSO_TRUSTED_PROXIES, HOSO_PASSWORD_HISTORY,
HOSO_PASSWORD_RESET_MINUTES, HOSO_REDIS_URL, HOSO_TSA_URL, HOSO_SIGNING_STORE_KEY,
HOSO_PKCS11_LIBRARIES, HOSO_SIGNING_TRUST_ROOTS, HOSO_WEB_WORKERS / _THREADS, HOSO_DB_POOL_MAX /
_TIMEOUT, HOSO_TASK_WORKERS, HOSO_DB_RESERVED, HOSO_AUDIT_KEYS, HOSO_AUDIT_ANCHOR_DIR,
HOSO_JOB_* (deploy/hoso.env.example lists them all).

Production mode, HOSO_PRODUCTION=1 (behind an HTTPS reverse proxy that sets X-Forwarded-Proto):
requires HOSO_PUBLIC_URL (https, not local), HOSO_SECRET_KEY (50+ random characters) and
HOSO_SIGNING_STORE_KEY (32+, not the secret key), or nothing starts (hoso/core/checks.py); turns
on HSTS (HOSO_HSTS_SECONDS, default one year; HOSO_HSTS_INCLUDE_SUBDOMAINS, HOSO_HSTS_PRELOAD,
default on), the https redirect (HOSO_SSL_REDIRECT, default on) and secure cookies; takes
ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS from HOSO_PUBLIC_URL. HOSO_ALLOW_LOCAL_PUBLIC_URL: may a
transcript's QR code point at localhost or a private address (default: on with HOSO_DEBUG or
local host names only; never in production mode).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HOSO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for (HOSO_DEBUG=1 on a developer's machine): a traceback or the list of every
# URL is never shown to a user; errors get the Vietnamese pages of hoso/templates/.
DEBUG = env_bool("HOSO_DEBUG", False)
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = os.environ.get("HOSO_SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = os.environ.get("HOSO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

# --- Production mode (HOSO_PRODUCTION=1): behind an HTTPS reverse proxy at HOSO_PUBLIC_URL ------
# `manage.py check --deploy` is clean. The start-up checks of hoso/core/checks.py refuse to start
# (Errors) without an https public address, a strong HOSO_SECRET_KEY and HOSO_SIGNING_STORE_KEY;
# outside production mode they are Warnings. docs/ARCHITECTURE.md "Production mode".
HOSO_PRODUCTION = env_bool("HOSO_PRODUCTION", False)
if HOSO_PRODUCTION:
    _public = urlsplit(os.environ.get("HOSO_PUBLIC_URL", "").strip())
    if _public.hostname and not os.environ.get("HOSO_ALLOWED_HOSTS"):
        ALLOWED_HOSTS = [_public.hostname]
    if _public.hostname:
        CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]
    SECURE_SSL_REDIRECT = env_bool("HOSO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HOSO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HOSO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HOSO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# How many reverse proxies in front of HoSo add to X-Forwarded-For (0: use REMOTE_ADDR; the client
# address of the audit trail and the rate limits, core/context.py). Behind one (deploy/nginx/
# hoso.conf), or in production mode, the proxy terminates TLS and says so in X-Forwarded-Proto
# (it must overwrite the header).
HOSO_TRUSTED_PROXIES = int(os.environ.get("HOSO_TRUSTED_PROXIES", "0"))
if HOSO_PRODUCTION or HOSO_TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A transcript's QR code may point at localhost or a private address only on a machine that is
# nobody's server (DEBUG, or answering to local host names only: `make run`, the tests); never
# in production mode. HOSO_ALLOW_LOCAL_PUBLIC_URL=1/0 decides explicitly (transcripts/engines.py).
# Such a machine is not warned about development keys either (hoso/core/checks.py).
HOSO_LOCAL_MACHINE = not HOSO_PRODUCTION and (
    DEBUG
    or all(
        h.strip() in {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"} for h in ALLOWED_HOSTS
    )
)
HOSO_ALLOW_LOCAL_PUBLIC_URL = not HOSO_PRODUCTION and env_bool(
    "HOSO_ALLOW_LOCAL_PUBLIC_URL", HOSO_LOCAL_MACHINE
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "hoso.core",
    "hoso.audit",
    "hoso.accounts",
    "hoso.organisation",
    "hoso.imports",
    "hoso.students",
    "hoso.attendance",
    "hoso.gradebook",
    "hoso.notifications",
    "hoso.privacy",
    "hoso.records",
    "hoso.archive",
    "hoso.printing",
    "hoso.signing",
    "hoso.transcripts",
    "hoso.correspondence",
    "hoso.rollover",
    "hoso.graduation",
    "hoso.transfers",
    "hoso.parents",
    "hoso.home",
    "hoso.api",
    "hoso.backup",
    "hoso.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every answer (core/security.py).
    "hoso.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle time-out: the session's expiry pushed back at most once a minute.
    "hoso.accounts.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hoso.core.middleware.RequestContextMiddleware",
    "hoso.accounts.middleware.AccountMiddleware",
    # Oversized bodies (413) and control characters in any text input (400/422): core/guard.py.
    "hoso.core.guard.InputGuardMiddleware",
    # Domain errors and refusals raised by a page become responses here (accounts/boundary.py).
    "hoso.accounts.boundary.DomainErrorMiddleware",
]

ROOT_URLCONF = "hoso.urls"
WSGI_APPLICATION = "hoso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hoso" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoso.accounts.context_processors.actor",
                "hoso.home.navigation.nav_items",
                "hoso.notifications.context_processors.unread_notifications",
            ],
            "builtins": ["hoso.core.templatetags.wording"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "hoso.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writer takes the lock at BEGIN, so two writers never deadlock on upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_hoso.sqlite3")}

# --- Serving and the database connection budget (docs/DEPLOY.md, docs/adr/0008) ----------------
# gunicorn.conf.py runs HOSO_WEB_WORKERS processes of HOSO_WEB_THREADS threads. On PostgreSQL each
# process borrows from its own pool of at most HOSO_DB_POOL_MAX connections (0: no pool, one
# persistent connection per thread instead), so the server never holds more than
#   HOSO_WEB_WORKERS × HOSO_DB_POOL_MAX + HOSO_TASK_WORKERS + HOSO_DB_RESERVED
# connections; `manage.py check --database default` warns when that exceeds what PostgreSQL
# allows (max_connections − superuser_reserved_connections): hoso/core/budget.py.
HOSO_WEB_WORKERS = int(os.environ.get("HOSO_WEB_WORKERS", "2"))
HOSO_WEB_THREADS = int(os.environ.get("HOSO_WEB_THREADS", "4"))
HOSO_TASK_WORKERS = int(os.environ.get("HOSO_TASK_WORKERS", "1"))
HOSO_DB_POOL_MAX = int(os.environ.get("HOSO_DB_POOL_MAX", str(HOSO_WEB_THREADS)))
HOSO_DB_POOL_TIMEOUT = float(os.environ.get("HOSO_DB_POOL_TIMEOUT", "10"))
# Scheduled commands, a shell, pg_dump: connections outside the server's processes.
HOSO_DB_RESERVED = int(os.environ.get("HOSO_DB_RESERVED", "5"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and HOSO_DB_POOL_MAX > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": HOSO_DB_POOL_MAX,
        "timeout": HOSO_DB_POOL_TIMEOUT,  # a request waits this long for a free connection
        "max_idle": 300,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Accounts -------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    # Argon2id, m = 46 MiB, t = 1, p = 1: docs/adr/0010-login-argon2-parameters.md.
    "hoso.accounts.hashers.HosoArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "hoso.accounts.passwords.LengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "hoso.accounts.passwords.LettersAndDigitsValidator"},
    {"NAME": "hoso.accounts.passwords.NotPersonalValidator"},
    {"NAME": "hoso.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "hoso.accounts.passwords.ReuseValidator"},
]
AUTHENTICATION_BACKENDS = ["hoso.accounts.backends.LockoutBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "accounts:login"
# Failed sign-ins: free tries per user name and address (and per known browser), then a delay
# doubling from 2 s up to HOSO_LOCKOUT_MINUTES; never a lock a stranger can cause (docs/STAFF.md).
HOSO_LOCKOUT_FAILURES = int(os.environ.get("HOSO_LOCKOUT_FAILURES", "5"))
HOSO_LOCKOUT_MINUTES = int(os.environ.get("HOSO_LOCKOUT_MINUTES", "15"))
# A new password differs from the current one and from this many before it.
HOSO_PASSWORD_HISTORY = int(os.environ.get("HOSO_PASSWORD_HISTORY", "5"))
# A parent's invitation or reset code (printed on a slip) works once, for this many days; after
# HOSO_INVITE_CODE_FAILURES wrong codes from one address, that address waits HOSO_LOCKOUT_MINUTES.
HOSO_PARENT_INVITE_DAYS = int(os.environ.get("HOSO_PARENT_INVITE_DAYS", "14"))
HOSO_INVITE_CODE_FAILURES = int(os.environ.get("HOSO_INVITE_CODE_FAILURES", "5"))
# "Quên mật khẩu": the e-mailed link works once, for this many seconds.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("HOSO_PASSWORD_RESET_MINUTES", "30")) * 60
# Sessions expire after this much inactivity: the expiry is pushed back at most once a minute
# (HOSO_SESSION_REFRESH_SECONDS; accounts.middleware.SessionIdleMiddleware), not on every request.
SESSION_COOKIE_AGE = int(os.environ.get("HOSO_SESSION_IDLE_MINUTES", "60")) * 60
SESSION_SAVE_EVERY_REQUEST = False
HOSO_SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "hoso" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static files (built by `make install` from npm, served by WhiteNoise) -------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "hoso" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# --- File storage: local disk by default, S3-compatible when HOSO_S3_BUCKET is set -----------
# (pip install '.[s3]'). Files are always served through permission-checked views, never by URL.
if os.environ.get("HOSO_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["HOSO_S3_BUCKET"],
            "endpoint_url": os.environ.get("HOSO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("HOSO_S3_REGION") or None,
            "access_key": os.environ.get("HOSO_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("HOSO_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("HOSO_S3_PREFIX", "hoso"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": os.environ.get("HOSO_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
        },
    }

# --- Records (hồ sơ): upload limit, reminders before a deadline and after a miss -------------
HOSO_RECORDS_MAX_UPLOAD_MB = int(os.environ.get("HOSO_RECORDS_MAX_UPLOAD_MB", "25"))
HOSO_RECORD_REMINDER_DAYS = int(os.environ.get("HOSO_RECORD_REMINDER_DAYS", "2"))
HOSO_RECORD_REMINDER_MISSED_DAYS = int(os.environ.get("HOSO_RECORD_REMINDER_MISSED_DAYS", "14"))

# --- Graduation --------------------------------------------------------------------------------
# Lower-secondary graduation (TT 31/2023 Điều 4, 6; WAVE2 §2.4): age limits in calendar years,
# rounds a year for the general programme, the dossier checklist (code, label, only for students
# claiming a priority) — the Điều 6 list is UNCONFIRMED, so it is a setting.
HOSO_GRADUATION_MAX_AGE = int(os.environ.get("HOSO_GRADUATION_MAX_AGE", "21"))
HOSO_GRADUATION_MIN_AGE_CONTINUING = int(os.environ.get("HOSO_GRADUATION_MIN_AGE_CONTINUING", "15"))
HOSO_GRADUATION_MAX_ROUNDS = 2
HOSO_GRADUATION_DOSSIER = [
    ("hoc_ba", "Học bạ", False),
    ("birth_certificate", "Bản sao giấy khai sinh", False),
    ("priority_papers", "Giấy tờ chứng nhận chế độ ưu tiên, khuyến khích", True),
]

# --- Transcripts (học bạ số): the address printed in the QR code, public verification rate -----
HOSO_PUBLIC_URL = os.environ.get("HOSO_PUBLIC_URL", "")
HOSO_VERIFY_RATE = int(os.environ.get("HOSO_VERIFY_RATE", "30"))  # per minute and IP

# --- Cache: per process by default; Redis when HOSO_REDIS_URL is set (share it between server
# processes so that limits such as the verification rate count across them) --------------------
if os.environ.get("HOSO_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["HOSO_REDIS_URL"],
        }
    }

# --- Digital signatures (hoso/signing, docs/SIGNING.md) ---------------------------------------
# A timestamp service (PAdES B-T) when set; the key that wraps stored PKCS#12 files (default:
# derived from SECRET_KEY — changing it makes stored credentials unreadable: re-upload them);
# the PKCS#11 libraries people may use (allow-list); extra trusted root certificates (PEM paths).
HOSO_TSA_URL = os.environ.get("HOSO_TSA_URL", "")
HOSO_SIGNING_STORE_KEY = os.environ.get("HOSO_SIGNING_STORE_KEY", "")
HOSO_PKCS11_LIBRARIES = [
    p
    for p in os.environ.get("HOSO_PKCS11_LIBRARIES", "/usr/lib/softhsm/libsofthsm2.so").split(",")
    if p
]
HOSO_SIGNING_TRUST_ROOTS = [
    p for p in os.environ.get("HOSO_SIGNING_TRUST_ROOTS", "").split(",") if p
]

# --- Audit trail (docs/SECURITY.md, ADR 0009): HMAC keys "id:secret,..." (the first marks new
# events; unset = derived from SECRET_KEY, development only) and the append-only anchors folder.
HOSO_AUDIT_KEYS = os.environ.get("HOSO_AUDIT_KEYS", "")
HOSO_AUDIT_ANCHOR_DIR = os.environ.get("HOSO_AUDIT_ANCHOR_DIR") or str(VAR_DIR / "audit-anchors")

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("HOSO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Worker leases (hoso/core/jobs.py, docs/JOBS.md): a task whose worker sent no heartbeat for
# HOSO_JOB_LEASE_SECONDS is lost; it is requeued up to HOSO_JOB_MAX_ATTEMPTS lost runs in a row.
HOSO_JOB_LEASE_SECONDS = int(os.environ.get("HOSO_JOB_LEASE_SECONDS", "180"))
HOSO_JOB_HEARTBEAT_SECONDS = float(
    os.environ.get("HOSO_JOB_HEARTBEAT_SECONDS", str(max(1, HOSO_JOB_LEASE_SECONDS // 6)))
)
HOSO_JOB_RECOVER_SECONDS = float(os.environ.get("HOSO_JOB_RECOVER_SECONDS", "60"))
HOSO_JOB_MAX_ATTEMPTS = int(os.environ.get("HOSO_JOB_MAX_ATTEMPTS", "3"))

# --- Mail (reminders) -----------------------------------------------------------------------
if os.environ.get("HOSO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["HOSO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("HOSO_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("HOSO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("HOSO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("HOSO_EMAIL_USE_TLS", False)  # STARTTLS (port 587)
    EMAIL_USE_SSL = env_bool("HOSO_EMAIL_USE_SSL", False)  # TLS from the start (port 465)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The sender of reminders and password-reset links.
DEFAULT_FROM_EMAIL = os.environ.get("HOSO_EMAIL_FROM", "HoSo <hoso@localhost>")

# --- The outbox: channels behind one outbox (docs/NOTIFICATIONS.md) ---------------------------
# A channel is used only when its provider is configured. Rates are messages per second per
# worker process (token bucket); quiet hours are the default of every school's setting.
HOSO_QUIET_HOURS = os.environ.get("HOSO_QUIET_HOURS", "21:00-07:00")
HOSO_OUTBOX_THREADS = int(os.environ.get("HOSO_OUTBOX_THREADS", "4"))
HOSO_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("HOSO_OUTBOX_MAX_ATTEMPTS", "8"))
HOSO_OUTBOX_BACKOFF_SECONDS = float(os.environ.get("HOSO_OUTBOX_BACKOFF_SECONDS", "30"))
HOSO_PROVIDER_TIMEOUT = float(os.environ.get("HOSO_PROVIDER_TIMEOUT", "10"))
HOSO_EMAIL_RATE = float(os.environ.get("HOSO_EMAIL_RATE", "10"))
HOSO_SMS_URL = os.environ.get("HOSO_SMS_URL", "")
HOSO_SMS_API_KEY = os.environ.get("HOSO_SMS_API_KEY", "")
HOSO_SMS_SENDER = os.environ.get("HOSO_SMS_SENDER", "")
HOSO_SMS_RATE = float(os.environ.get("HOSO_SMS_RATE", "20"))
HOSO_ZALO_URL = os.environ.get("HOSO_ZALO_URL", "https://business.openapi.zalo.me/message/template")
HOSO_ZALO_ACCESS_TOKEN = os.environ.get("HOSO_ZALO_ACCESS_TOKEN", "")
HOSO_ZALO_TEMPLATES = json.loads(os.environ.get("HOSO_ZALO_TEMPLATES", "{}") or "{}")
HOSO_ZALO_RATE = float(os.environ.get("HOSO_ZALO_RATE", "10"))
HOSO_VAPID_PRIVATE_KEY = os.environ.get("HOSO_VAPID_PRIVATE_KEY", "")
HOSO_VAPID_SUBJECT = os.environ.get("HOSO_VAPID_SUBJECT", "mailto:hoso@localhost")
HOSO_PUSH_RATE = float(os.environ.get("HOSO_PUSH_RATE", "50"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "hoso": {"handlers": ["console"], "level": os.environ.get("HOSO_LOG_LEVEL", "INFO")},
    },
}

NINJA_PAGINATION_PER_PAGE = 100
