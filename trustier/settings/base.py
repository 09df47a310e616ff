"""Trustier settings. Production differs only through environment variables (README)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from trustier.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env_str("TRUSTIER_DATA_DIR", str(BASE_DIR / ".data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 40:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or too short (at least 40 characters). Set SECRET_KEY, "
            "or DEBUG=true for local development only."
        )
    _key_file = DATA_DIR / "dev-secret-key"
    if not _key_file.exists():
        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "trustier",
    "assessments",
    "surveys",
    "reports",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "trustier.urls"
WSGI_APPLICATION = "trustier.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "assessments.context_processors.memberships",
            ],
        },
    },
]

# --- Database: PostgreSQL via DATABASE_URL; embedded default SQLite (WAL, immediate transactions).
if env_str("DATABASE_URL"):
    # Health checks: a persistent connection that died (database restart) is replaced before the request uses it.
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "trustier.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts
AUTH_USER_MODEL = "trustier.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)

# --- Login throttling and session lifetime (issue 10, T13; tests/trustier/test_auth_security.py)
# django-axes counts failed logins in the database (works with Redis down) per account + client IP:
# AXES_FAILURE_LIMIT failures lock that pair out for AXES_COOLOFF_MINUTES; a successful login or a
# completed password reset clears them. Other accounts and other IPs are unaffected.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ["trustier.login_throttle.ThrottleBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # Django's login forms post the email under this name
AXES_USERNAME_CALLABLE = "trustier.login_throttle.username_from"
AXES_CLIENT_IP_CALLABLE = "trustier.login_throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "trustier.login_throttle.lockout_response"
AXES_VERBOSE = False  # axes prints every login and reset to stdout otherwise
AXES_DISABLE_ACCESS_LOG = True  # no table of every login's IP and browser: the audit log is ours
AXES_VERBOSE = False  # log lines name no email or IP (they are masked either way)
# Behind a reverse proxy: the request.META key holding the client address (e.g. HTTP_X_FORWARDED_FOR)
# and how many trusted proxies append to it. Default: the TCP peer (REMOTE_ADDR).
TRUSTIER_CLIENT_IP_HEADER = env_str("TRUSTIER_CLIENT_IP_HEADER", "REMOTE_ADDR")
TRUSTIER_TRUSTED_PROXY_COUNT = env_int("TRUSTIER_TRUSTED_PROXY_COUNT", 1)
# Idle timeout = SESSION_COOKIE_AGE (above), renewed by every request; absolute ceiling since login.
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # never cache-only: Redis down must not log everyone out
SESSION_SAVE_EVERY_REQUEST = True
TRUSTIER_SESSION_ABSOLUTE_AGE = env_int("TRUSTIER_SESSION_ABSOLUTE_AGE", 24 * 3600)
MIDDLEWARE += ["trustier.session_expiry.AbsoluteSessionExpiryMiddleware", "axes.middleware.AxesMiddleware"]

# --- Languages: Dutch and English are both first-class.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Amsterdam")
USE_TZ = True

# --- Static and media files (WhiteNoise serves static in production).
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email: every message is written to the outbox in the caller's transaction; a Celery task
# delivers it with TRUSTIER_DELIVERY_EMAIL_BACKEND (SMTP when EMAIL_HOST is set, else files).
EMAIL_BACKEND = "trustier.mail.OutboxEmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST))
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Trustier <trustier@localhost>")
TRUSTIER_DELIVERY_EMAIL_BACKEND = env_str(
    "TRUSTIER_DELIVERY_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend",
)

# --- Celery: JSON only, time limits, late acks; broker = Redis, or the filesystem with no server.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Shared cache for rate limits across gunicorn processes; short timeouts, callers fail open.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "trustier", "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    # An unacked task is redelivered after visibility_timeout: keep it above the longest task (time limit
    # below) and any countdown, or a slow task runs twice. The chaos run (chaos/) lowers it to seconds.
    # A worker scans for such tasks every unacked_restore_interval (10 s) × throttle seconds (kombu's defaults).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
                                       "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10)}
else:
    _broker = DATA_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),  # kombu's default is ./control in the working directory
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# The schedule is declared once, here, in code: it is versioned with the tasks it names and
# needs no extra tables or admin screens (django-celery-beat would add both).
CELERY_BEAT_SCHEDULE = {
    "outbox-drain": {"task": "trustier.tasks.outbox_drain", "schedule": 5.0},
    "waves-tick": {"task": "surveys.tasks.waves_tick", "schedule": 60.0},
}
# Trend snapshots nightly (crontab "minute hour day month weekday", default 02:30).
from celery.schedules import crontab  # noqa: E402

_snapshot_cron = env_str("TRUSTIER_SNAPSHOT_CRON", "30 2 * * *").split()
CELERY_BEAT_SCHEDULE["snapshots-build"] = {
    "task": "reports.tasks.snapshots_build",
    "schedule": crontab(*_snapshot_cron),
}
CELERY_BEAT_SCHEDULE["exports-maintain"] = {"task": "reports.tasks.exports_maintain", "schedule": 600.0}
TRUSTIER_EXPORT_KEEP_DAYS = env_int("TRUSTIER_EXPORT_KEEP_DAYS", 14)  # export files are deleted after this
TRUSTIER_SITE_URL = env_str("TRUSTIER_SITE_URL", "http://localhost:8000")  # links in emails sent by Celery
# Respondent link lookups per IP per minute: unknown tokens (enumeration) and all lookups.
TRUSTIER_RESPOND_FAILED_PER_MINUTE = env_int("TRUSTIER_RESPOND_FAILED_PER_MINUTE", 30)
TRUSTIER_RESPOND_LOOKUPS_PER_MINUTE = env_int("TRUSTIER_RESPOND_LOOKUPS_PER_MINUTE", 1000)

# --- Privacy: retention of respondent-level data (issue 10, point 2; reports/privacy.py, T15)
# Daily (crontab, default 03:15): delete responses, answers, drafts and invitations of waves closed longer ago
# than their organisation's `respondent_data_months`; the snapshots (aggregates) are kept.
CELERY_IMPORTS = ["reports.tasks_privacy"]
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "reports.tasks_privacy.retention_apply",
    "schedule": crontab(*env_str("TRUSTIER_RETENTION_CRON", "15 3 * * *").split()),
}

# --- Security (production-like unless DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy and no-store (issue 10, T12; tests/trustier/test_headers.py)
# django-csp 4.0 sends this policy on every response: no inline script, no inline style, no event-handler
# attributes (templates load static/js/*.js and static/css/*.css instead). SVG charts use presentation
# attributes, which CSP does not govern. Emails and the PDF template keep their inline styles: neither is
# served to a browser under this policy.
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Cache-Control: no-store on the respondent's pages, the account pages and every file download
# (any response with Content-Disposition: attachment), so no shared or browser cache keeps them.
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "trustier.headers.NoStoreMiddleware")
TRUSTIER_NO_STORE_URL_NAMES = {
    "respond", "respond_open", "respond_copy",
    "login", "logout", "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete",
}

# --- Two-factor authentication (issue 10; trustier/two_factor.py, tests/trustier/test_two_factor.py)
# django-otp: TOTP apps plus one-time recovery codes. A user with a confirmed device must enter a code after
# the password before any page opens (trustier.two_factor.TwoFactorMiddleware, after OTPMiddleware). Wrong
# codes are throttled per device: after n failures the next try waits 2^(n-1) seconds (django-otp's factor 1).
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "django_otp.middleware.OTPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1, "trustier.two_factor.TwoFactorMiddleware")
OTP_LOGIN_URL = "two_factor_verify"
OTP_TOTP_ISSUER = "Trustier"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TRUSTIER_NO_STORE_URL_NAMES |= {"two_factor", "two_factor_setup", "two_factor_recovery", "two_factor_disable",
                                "two_factor_verify"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO and every refused URL at ERROR; keep its warnings only
    "loggers": {"weasyprint": {"level": "WARNING"}, "weasyprint.progress": {"level": "WARNING"}},
}
