"""The one settings file. Everything that differs between machines comes from the environment;
`.env.example` documents every variable."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from friendlygov.core.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(env_str("FRIENDLYGOV_SHARED_DIR", str(BASE_DIR.parent / "shared")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not env_bool("FRIENDLYGOV_ALLOW_INSECURE_KEY", False):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example); "
            "`make run` and the tests set a development key for you."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105  # nosec B105

# Keys that signed sessions, password-reset links and signed values before the last rotation:
# still accepted for checking, never used to sign (docs/ops/secret-rotation.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

# The audit chain's key (friendlygov/audit/keys.py, docs/ops/audit.md): outside the database, so
# that someone who can write the database cannot forge an event or rebuild the chain. Not the
# SECRET_KEY: the two rotate for different reasons. Old keys stay for checking old events.
AUDIT_KEY = env_str("AUDIT_KEY")
if not AUDIT_KEY:
    if not DEBUG and not env_bool("FRIENDLYGOV_ALLOW_INSECURE_KEY", False):
        raise ImproperlyConfigured("AUDIT_KEY is not set. Set it in the environment (see .env.example).")
    AUDIT_KEY = "insecure-development-audit-key-never-use-in-production"  # nosec B105
AUDIT_OLD_KEYS = env_list("AUDIT_OLD_KEYS", [])
# Events are chained after their commit, at most once per interval per process (a chaining pass
# takes the chain lock; under load one pass chains the events of many saves); `seal_audit` (cron,
# every minute) chains what is left and writes the signed head checkpoints.
AUDIT_SEAL_INTERVAL_MS = env_int("AUDIT_SEAL_INTERVAL_MS", 1000)
# Signed head checkpoints (`seal_audit --checkpoint`) go to this folder, outside the database;
# `verify_audit` compares the chain with the newest one. Empty: no checkpoints.
AUDIT_CHECKPOINT_DIR = env_str("AUDIT_CHECKPOINT_DIR")
# `verify_audit` fails on an event left unchained longer than this, and on a recorded time that
# goes back along the chain by more than the skew.
AUDIT_SEAL_GRACE_SECONDS = env_int("AUDIT_SEAL_GRACE_SECONDS", 300)
AUDIT_CLOCK_SKEW_SECONDS = env_int("AUDIT_CLOCK_SKEW_SECONDS", 60)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "friendlygov.core",
    "friendlygov.accounts",
    "friendlygov.audit",
    "friendlygov.units",
    "friendlygov.frameworks",
    "friendlygov.programs",
    "friendlygov.assessments",
    "friendlygov.reports",
    "friendlygov.feedback",
    "friendlygov.api",
    "friendlygov.jobs",
    "friendlygov.notifications",
    "friendlygov.reviews",
    "friendlygov.administration",
    "friendlygov.signing",
    "friendlygov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "friendlygov.core.request_id.RequestIdMiddleware",
    "friendlygov.core.request_log.RequestLogMiddleware",
    "friendlygov.api.middleware.ApiErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "friendlygov.core.middleware.PrivateCacheMiddleware",
    "friendlygov.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "friendlygov.api.idempotency.IdempotencyMiddleware",
    "friendlygov.api.sync.ApiConditionalGetMiddleware",
    "friendlygov.core.middleware.LoginRequiredExceptApiMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# --- Database: SQLite out of the box, PostgreSQL through DATABASE_URL -----------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")),
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
                # the start of a transaction so two writers queue instead of failing mid-way.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 5,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# === Security =====================================================================================
# Everything about logins, sessions, two-factor, headers and cookies is in this one block; the
# production values are documented in .env.example and checked by tests/test_deploy_check.py.
# "ninja" as an app makes the API docs page use django-ninja's bundled Swagger UI (static files,
# no inline script) instead of one from a CDN, which the CSP below refuses.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "csp", "ninja"]
# OTPMiddleware after authentication (it reads request.user); the two-factor gate after the login
# gate; axes last, as its documentation asks, so it can replace the response of a locked-out login.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("friendlygov.core.middleware.LoginRequiredExceptApiMiddleware") + 1,
    "friendlygov.accounts.middleware.TwoFactorMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("friendlygov.accounts.middleware.TwoFactorMiddleware") + 1,
    "friendlygov.accounts.middleware.SessionIdleMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT failures for one user name from one
# address, that pair is refused for LOGIN_LOCKOUT_MINUTES after the last failure. Locking the pair,
# not the name alone, keeps a stranger from locking an official out of their own account.
# One address trying many user names is limited too: LOGIN_ADDRESS_FAILURE_LIMIT failures from it,
# whatever the names, refuse every login from it for LOGIN_LOCKOUT_MINUTES after the last one
# (friendlygov.accounts.lockout, counted in the shared cache).
AUTHENTICATION_BACKENDS = [
    "friendlygov.accounts.backends.LockoutBackend",
    # Django's ModelBackend with a cheaper read of the signed-in user. Sessions remember the
    # backend's path, so sessions opened under django.contrib.auth.backends.ModelBackend before
    # this change sign in again once.
    "friendlygov.accounts.backends.UserBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "friendlygov.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Behind a reverse proxy the client's address is the last one the proxy appends to
# X-Forwarded-For; set TRUSTED_PROXY_COUNT to the number of proxies in front of the app.
# The one switch for the lockout, the audit trail and the survey limits (friendlygov.core.client).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT}: use 0 or more.")
AXES_CLIENT_IP_CALLABLE = "friendlygov.core.client.client_address"

# Two-factor (django-otp, TOTP): anyone may turn it on; with TWO_FACTOR_REQUIRED=1 appraisers and
# administrators must enrol before they can use anything else.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "FriendlyGov")

# Passwords: at least PASSWORD_MIN_LENGTH characters, not like the user's name, not a common or
# all-digit password. Django's validators come with Vietnamese messages.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after SESSION_IDLE_MINUTES without a request (SessionIdleMiddleware renews the
# expiry at most once a minute) and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# Database sessions, read without the ORM on every request (friendlygov/core/sessions.py).
SESSION_ENGINE = "friendlygov.core.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS: the reverse proxy ends TLS and says so in X-Forwarded-Proto (TRUST_X_FORWARDED_PROTO=1
# only when the proxy always sets or overwrites that header). /healthz stays reachable over plain
# HTTP for a local health probe.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", bool(SECURE_HSTS_SECONDS))
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): only this site's own scripts, styles and fonts; no
# inline script or style anywhere (templates keep none; htmx's own indicator style is turned
# off in base.html and lives in app.css). Pico's icons are data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# === end of the security block ====================================================================

# --- Language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- API limits (friendlygov/api/middleware.py), counted in the shared cache -----------------
# Requests a minute per token (or per address without one), and requests with a bad token a
# minute per address; beyond them the API answers 429 with Retry-After. 0: no limit.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 1200)
API_BAD_TOKENS_PER_MINUTE = env_int("API_BAD_TOKENS_PER_MINUTE", 30)
# A POST's first answer is replayed for a repeat with the same Idempotency-Key this many hours.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24)
# Webhooks (api/webhooks.py): seconds to wait for a receiver, and the waits before each retry of a
# failed delivery (then it is given up and marked failed in the delivery log).
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_RETRY_SECONDS = [30, 120, 600, 3600, 6 * 3600]

# --- Uploads ---------------------------------------------------------------------------------
# Evidence files: at most this many bytes each (default 20 MB). Served only through a permission check.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Quotas on what evidence may keep on disk, withdrawn files included until they are purged:
# per assessment and per uploader (MB), and uploads one person may send in an hour.
EVIDENCE_ASSESSMENT_QUOTA_BYTES = env_int("EVIDENCE_ASSESSMENT_QUOTA_MB", 300) * 1024 * 1024
EVIDENCE_USER_QUOTA_BYTES = env_int("EVIDENCE_USER_QUOTA_MB", 1000) * 1024 * 1024
EVIDENCE_UPLOADS_PER_HOUR = env_int("EVIDENCE_UPLOADS_PER_HOUR", 60)
# A withdrawn file is kept this many days, and never before its cycle's last decision day has
# passed (the review period); then `manage.py purge_evidence` deletes it (the audit keeps its name
# and hash). Identical files are stored once, and a file still used by another upload stays.
EVIDENCE_RETENTION_DAYS = env_int("EVIDENCE_RETENTION_DAYS", 90)
if EVIDENCE_RETENTION_DAYS < 1:
    raise ImproperlyConfigured(f"EVIDENCE_RETENTION_DAYS={EVIDENCE_RETENTION_DAYS}: use 1 or more.")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Review requests (kiến nghị về kết quả, friendlygov.reviews) ---------------------------------
# The commune chair may file a request within this many days of the appraisal result being approved
# or of the decision in force being issued; the appraising body answers within the next setting.
REVIEW_FILING_DAYS = env_int("REVIEW_FILING_DAYS", 15)
REVIEW_ANSWER_DAYS = env_int("REVIEW_ANSWER_DAYS", 30)
if REVIEW_FILING_DAYS < 1 or REVIEW_ANSWER_DAYS < 1:
    raise ImproperlyConfigured("REVIEW_FILING_DAYS and REVIEW_ANSWER_DAYS: use 1 or more.")

# --- Cache: per-process memory by default; several server processes need a shared one ----------
# The limits (survey answers, imports, evidence uploads, failed logins per address) count in the
# cache (friendlygov.core.counters): with more than one process set CACHE_URL=redis://host:6379/0
# so every process sees one count and a restart keeps it. `check --deploy` and gunicorn's start
# refuse several workers without it (friendlygov.core.server).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: use redis://… or rediss://…, or leave it empty.")

# --- Citizen feedback (friendlygov.feedback) ----------------------------------------------------
# Accepted answers per unit and day from one device (a random cookie) and one network address.
FEEDBACK_DEVICE_DAILY_LIMIT = env_int("FEEDBACK_DEVICE_DAILY_LIMIT", 2)
FEEDBACK_NETWORK_DAILY_LIMIT = env_int("FEEDBACK_NETWORK_DAILY_LIMIT", 30)
# Longest comment kept (characters, after removing markup).
FEEDBACK_COMMENT_MAX = env_int("FEEDBACK_COMMENT_MAX", 500)
# Absolute address printed in QR codes (e.g. https://danhgia.example.gov.vn); empty: this request's host.
FEEDBACK_PUBLIC_BASE_URL = env_str("FEEDBACK_PUBLIC_BASE_URL")

# --- Background work and e-mail ---------------------------------------------------------------
# Long jobs (bulk decision documents, exports) and reminders go through django-tasks
# (docs/adr/0012-background-work-with-django-tasks.md). TASKS_BACKEND=immediate (the default)
# runs a task in the request that starts it: nothing else to run, right for the demo and the tests.
# TASKS_BACKEND=database stores tasks in the database; `manage.py db_worker` runs them.
TASKS_BACKEND = env_str("TASKS_BACKEND") or "immediate"
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r}: use one of {', '.join(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
# Finished job files (zip, xlsx) are kept this many days, then `manage.py prune_jobs` removes them.
JOB_RETENTION_DAYS = env_int("JOB_RETENTION_DAYS", 7)
# A running job that reports no progress for this long lost its worker: it is ended as failed.
JOB_STALE_MINUTES = env_int("JOB_STALE_MINUTES", 15)
# A cycle export of more units than this is prepared as a background job instead of in the request
# (a province's few hundred units take well under a second; a nation's 10,595 several seconds).
EXPORT_IN_REQUEST_MAX_UNITS = env_int("EXPORT_IN_REQUEST_MAX_UNITS", 2000)

# E-mail: printed to the console unless EMAIL_BACKEND says otherwise; SMTP from the environment.
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS, 587) or EMAIL_USE_SSL (465), not both.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "FriendlyGov <no-reply@localhost>")
# The address people open the site at, for links in e-mails (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# === Deployment ================================================================================
# How the app meets a server: hosts and proxy, static files, uploaded files, logs. docs/ops/ tells
# how to set these on a Debian server; .ci/deploy-check proves that it works.

# --- Hosts and the reverse proxy ---
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The proxy's X-Forwarded-Proto is trusted only with TRUST_X_FORWARDED_PROTO=1 (security block).

# --- Static files: served by the app itself through whitenoise (docs/adr/0011) ---
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# 1 (production default): serve what `collectstatic` wrote to STATIC_ROOT, under names that carry
# a content hash, compressed, cached for a year. 0 (`make run`, the tests): serve the files straight
# from the static/ folders, no collectstatic needed; slower, for development only.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
if STATIC_MANIFEST:
    _static_backend = "whitenoise.storage.CompressedManifestStaticFilesStorage"
else:
    _static_backend = "django.contrib.staticfiles.storage.StaticFilesStorage"
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# --- Uploaded files (evidence): on disk, or in an S3-compatible bucket ---
# Either way they are never given a public URL: the views stream them after the permission check.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", ["disk", "s3"], "disk")
if MEDIA_STORAGE == "s3":
    if not env_str("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (see .env.example).")
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            # Empty: boto3 finds credentials itself (instance role, ~/.aws); set for MinIO and the like.
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "location": env_str("AWS_LOCATION", "media"),
            "addressing_style": env_choice("AWS_S3_ADDRESSING_STYLE", ["auto", "path", "virtual"], "auto"),
            # Private objects, signed short-lived links if a URL were ever made, never overwrite.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {"default": _media_storage, "staticfiles": {"BACKEND": _static_backend}}

# --- Logs: one line per request (friendlygov.core.request_log), JSON for machines or plain text ---
LOG_FORMAT = env_choice("LOG_FORMAT", ["json", "text"], "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "friendlygov.core.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{levelname}{name}{message}{request_id}",
            "style": "{",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # ISO 8601 in UTC under "time", whatever TIME_ZONE says.
            "timestamp": "time",
        },
        "text": {"format": "{asctime} {levelname} {name} [{request_id}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # fontTools reports every glyph it keeps when pyHanko embeds a font subset (signing/fonts.py).
    "loggers": {"fontTools": {"level": "WARNING"}},
}

# --- Signed decisions (docs/adr/0031-signed-decisions-trust-model.md) -------------------------------
# Without a token the product issues unsigned documents, as before, and says so. Each token is a
# PKCS#11 module (the token's driver), the token's label, its PIN and the label of the key (with
# its certificate) on it. Trust roots: a PEM file of the CA certificates the deployment trusts
# (the national root and the licensed CAs); CRLs: DER files from those CAs, refreshed by the
# operator (no network fetch from a request).
SIGNING_PKCS11_MODULE = env_str("SIGNING_PKCS11_MODULE")
SIGNING_AGENCY_TOKEN = env_str("SIGNING_AGENCY_TOKEN")
SIGNING_AGENCY_PIN = env_str("SIGNING_AGENCY_PIN")
SIGNING_AGENCY_KEY = env_str("SIGNING_AGENCY_KEY")
SIGNING_PERSON_TOKEN = env_str("SIGNING_PERSON_TOKEN")
SIGNING_PERSON_PIN = env_str("SIGNING_PERSON_PIN")
SIGNING_PERSON_KEY = env_str("SIGNING_PERSON_KEY")
SIGNING_TRUST_ROOTS = env_str("SIGNING_TRUST_ROOTS")
SIGNING_CRLS = env_list("SIGNING_CRLS")
# The public verification page: the largest file it reads, how long it may parse one, and how
# many files one network address may check per hour.
VERIFY_MAX_BYTES = env_int("VERIFY_MAX_BYTES", 15 * 1024 * 1024)
VERIFY_SECONDS = env_int("VERIFY_SECONDS", 20)
VERIFY_PER_HOUR = env_int("VERIFY_PER_HOUR", 30)
