"""Tokonomix settings: every value comes from the environment (django-environ).

Only values differ between a laptop and production; there is no production-only
code path. Required production values have no default, and a malformed value
stops start-up with ImproperlyConfigured naming the variable.
"""

import datetime as dt
import ipaddress
import os
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's .env (`make env` writes one from .env.example); the environment wins over
# it, and the test suite ignores it (DJANGO_READ_DOT_ENV=false in pyproject.toml), so a
# laptop's debug settings never change what the tests see.
if (BASE_DIR / ".env").is_file() and os.environ.get("DJANGO_READ_DOT_ENV", "true") != "false":
    env.read_env(BASE_DIR / ".env")


def _parsed(name: str, parse: Any, default: Any) -> Any:
    """Read one variable, naming it when its value cannot be parsed; empty means unset."""
    if env.str(name, default="") == "":
        return default
    try:
        return parse(name, default=default)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # environ raises ValueError and friends
        raise ImproperlyConfigured(f"{name} has an invalid value: {exc}") from exc


def _strict_bool(name: str, *, default: bool) -> bool:
    """Like env.bool, but an unknown word is an error instead of False."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on", "y", "t"}:
        return True
    if value in {"0", "false", "no", "off", "n", "f"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _cron(name: str, *, default: str) -> crontab:
    """A five-field cron expression (minute hour day-of-month month day-of-week), in UTC."""
    raw = env.str(name, default=default)
    fields = raw.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(f"{name} must have five cron fields, not {raw!r}")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        schedule = crontab(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
        )
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is not a valid cron expression: {raw!r}") from exc
    return schedule


# --- Core ---------------------------------------------------------------------

DEBUG = _strict_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
# The example files' placeholders and Django's own insecure prefix: never a real key.
PLACEHOLDER_SECRET_KEYS = ("change-me", "django-insecure")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key-never-used-with-debug-off"  # noqa: S105
elif not DEBUG and SECRET_KEY.startswith(PLACEHOLDER_SECRET_KEYS):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is still the example's placeholder: set 50 random characters, "
        "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS: list[str] = _parsed(
    "DJANGO_ALLOWED_HOSTS", env.list, ["localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS: list[str] = _parsed("DJANGO_CSRF_TRUSTED_ORIGINS", env.list, [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"DJANGO_CSRF_TRUSTED_ORIGINS entries need a scheme, not {_origin!r}"
        )

INSTALLED_APPS = [
    # Django's admin on the site's own AdminSite: a second factor for staff.
    "tokonomix.core.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for the project's template engine
    "ninja",  # the API docs page serves Swagger UI from our static files, not a CDN
    "axes",  # lockout after repeated failed sign-ins
    "django_otp",
    "django_otp.plugins.otp_totp",  # staff's second factor
    # From the bottom layer up (DESIGN: core <- catalogue <- pricing <- benchmarks <-
    # editorial <- site); `make lint` holds the imports to this order.
    "tokonomix.core",
    "tokonomix.core.workflow",
    "models_catalog",
    "pricing",
    "benchmarks",
    "tokonomix.editorial",
    "tokonomix.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tokonomix.core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Widgets render with the project's templates (and Django's, through django.forms).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "tokonomix.urls"
WSGI_APPLICATION = "tokonomix.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # The project's templates without their indentation; apps' (the admin's) as is.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "tokonomix.core.template_loaders.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.media",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------

_database_url = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": environ.Env.db_url_config(_database_url)}
except Exception as exc:
    raise ImproperlyConfigured(f"DATABASE_URL has an invalid value: {exc}") from exc
if DATABASES["default"].get("ENGINE") not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    raise ImproperlyConfigured(
        f"DATABASE_URL must be a postgres:// or sqlite:/// URL, not {_database_url!r}"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and WAL let the dev server and in-process tasks
    # write without "database is locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # Tests get a file too, not Django's in-memory shared-cache database, whose table
    # locks make a reader and the testbench's writer thread fail instead of waiting.
    # One file per test process, so two test runs side by side never share it.
    DATABASES["default"].setdefault(
        "TEST", {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = _parsed("DJANGO_CONN_MAX_AGE", env.int, 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # QuerySet.iterator() (form choice fields on every filter page) would otherwise open a
    # server-side cursor: DECLARE, FETCH and CLOSE, three round trips where one does.
    # Nothing here iterates a result set too large to hold in memory.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# --- Cache, broker, tasks -----------------------------------------------------------

REDIS_URL: str = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must be a redis:// URL, not {REDIS_URL!r}")

if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis: as fast as a hand-kept client per pool on a page-cache hit
            # (tests/bench/bench_cache_backends.py), with timeouts so a Redis that stops
            # answering costs a request one second, not a hung worker.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tokonomix",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis, tasks run eagerly in the calling process (the embedded default).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = _strict_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = "UTC"
# The longest any task may run (a sync of three price maps takes well under a minute, a
# speed-test run of 6 samples seconds): past the soft limit a task records why it stopped.
CELERY_TASK_TIME_LIMIT: int = _parsed("CELERY_TASK_TIME_LIMIT", env.int, 10 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 60)
# A task whose worker died is handed to another once this many seconds passed without its
# acknowledgement: just above the hard time limit, so a task still running is never given
# twice, and a dead worker's task waits minutes, not Redis's default hour.
CELERY_VISIBILITY_TIMEOUT: int = _parsed(
    "CELERY_VISIBILITY_TIMEOUT", env.int, CELERY_TASK_TIME_LIMIT + 60
)
if CELERY_TASK_TIME_LIMIT < 2 or CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT (at least 2 s), "
        "or a task still running would be handed to a second worker"
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Workers look for such tasks this often (kombu's default, 10 s x every 10th look,
    # would add well over a minute to the timeout).
    "unacked_restore_interval": max(1, min(30, CELERY_VISIBILITY_TIMEOUT // 2)),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
# A POST that queues work answers within a few seconds when the broker is away (503).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# A task is acknowledged after it ran, so a worker killed mid-task hands it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One beat, however many are started: with Redis, RedBeat keeps the schedule there and
# only the beat holding its lock sends tasks (a second one waits, and takes over within
# CELERY_REDBEAT_LOCK_TIMEOUT if the first dies); scheduled tasks also claim their slot
# (tokonomix.core.schedule), so even a duplicate send runs once.
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_KEY_PREFIX: str = env.str(
        "CELERY_REDBEAT_KEY_PREFIX", default="tokonomix:redbeat:"
    )
    CELERY_BEAT_MAX_LOOP_INTERVAL = 15
    CELERY_REDBEAT_LOCK_TIMEOUT = 90

# The whole beat schedule, in one place (Celery's own scheduler; all times UTC).
# Scheduled tasks get `scheduled=True`: they then claim their slot (a minute) once, so a
# second beat, or a redelivered send, runs nothing twice (tokonomix.core.schedule).
SCHEDULED = {"scheduled": True}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Scheduled publishing of reviewed content: every five minutes (PUBLISH_DUE_CRON).
    "publish-due": {
        "task": "tokonomix.core.workflow.tasks.publish_due",
        "schedule": _cron("PUBLISH_DUE_CRON", default="*/5 * * * *"),
        "kwargs": SCHEDULED,
    },
    # Weekly price-map sync: Monday 03:00 unless PRICE_SYNC_CRON says otherwise.
    "sync-prices": {
        "task": "pricing.tasks.sync_prices",
        "schedule": _cron("PRICE_SYNC_CRON", default="0 3 * * 1"),
        "kwargs": SCHEDULED,
    },
    # Every five minutes: queue the speed tests that fell due since the last look (each
    # target SPEEDTEST_RUNS_PER_DAY times a day, at jittered times; benchmarks.speed.cadence).
    "speed-tests": {
        "task": "benchmarks.tasks.speedtests_fan_out",
        "schedule": crontab(minute="*/5"),
        "kwargs": SCHEDULED,
    },
    # Every five minutes: fail the sync runs and speed-test runs whose worker died, so no
    # record says "running" after its worker is gone.
    "sync-runs-sweep": {
        "task": "pricing.tasks.sync_runs_sweep",
        "schedule": crontab(minute="*/5"),
        "kwargs": SCHEDULED,
    },
    "speed-runs-sweep": {
        "task": "benchmarks.tasks.speed_runs_sweep",
        "schedule": crontab(minute="*/5"),
        "kwargs": SCHEDULED,
    },
}

# --- Security -----------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _strict_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe these over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = _parsed("DJANGO_SECURE_HSTS_SECONDS", env.int, 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _strict_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = _strict_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = _strict_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g.
# 10.0.0.0/8); a request from anywhere else is its own client (tokonomix.core.ratelimit).
TRUSTED_PROXIES: list[str] = _parsed("DJANGO_TRUSTED_PROXIES", env.list, [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES entries must be addresses or networks, not {_proxy!r}"
        ) from _error
if env.str("DJANGO_NUM_PROXIES", default="") not in {"", "0"}:
    raise ImproperlyConfigured(
        "DJANGO_NUM_PROXIES is gone: a count trusts whoever reaches the site directly. "
        "List the proxies' addresses or networks in DJANGO_TRUSTED_PROXIES instead."
    )

# Every page: scripts only from the site's files (inline JSON carries the request's nonce);
# no inline or evaluated script anywhere. Styles may be inline: plotly.js and the admin set
# style attributes, and a style cannot run script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features no page uses, switched off (tokonomix.core.headers).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# --- Accounts --------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: this many failed sign-ins (site or admin) from one address for one username
# lock that pair out for DJANGO_LOGIN_LOCKOUT_MINUTES. Addresses as the rate limits read them.
AXES_FAILURE_LIMIT: int = _parsed("DJANGO_LOGIN_FAILURE_LIMIT", env.int, 5)
_lockout_minutes: int = _parsed("DJANGO_LOGIN_LOCKOUT_MINUTES", env.int, 60)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_lockout_minutes)
if AXES_FAILURE_LIMIT < 1 or _lockout_minutes < 1:
    raise ImproperlyConfigured(
        "DJANGO_LOGIN_FAILURE_LIMIT and DJANGO_LOGIN_LOCKOUT_MINUTES must be at least 1"
    )
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tokonomix.core.signin.axes_client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False  # no banner at every start; lockouts are still logged
# Sign-in attempts (site and admin) one address may make per hour, whatever the usernames.
SIGNIN_ATTEMPTS_PER_HOUR: int = _parsed("DJANGO_SIGNIN_ATTEMPTS_PER_HOUR", env.int, 30)
if SIGNIN_ATTEMPTS_PER_HOUR < 1:
    raise ImproperlyConfigured("DJANGO_SIGNIN_ATTEMPTS_PER_HOUR must be at least 1")
# Staff need a TOTP code (django-otp) to use the admin; off only for development.
STAFF_TWO_FACTOR = _strict_bool("DJANGO_STAFF_TWO_FACTOR", default=not DEBUG)
OTP_TOTP_ISSUER = "Tokonomix"
# Who hears of changes to the Editors and Reviewers groups (and Django's error mails).
ADMINS: list[str] = _parsed("DJANGO_ADMINS", env.list, [])


def _mailer(name: str) -> dict[str, Any]:
    """An email URL (smtp+tls://user:password@host:587, consolemail://) as Django's mailer;
    unset, an SMTP server on localhost:25, as Django has always assumed."""
    raw = env.str(name, default="")
    if not raw:
        return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
    try:
        config = environ.Env.email_url_config(raw)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} has an invalid value: {exc}") from exc
    options = {
        "host": config.get("EMAIL_HOST"),
        "port": config.get("EMAIL_PORT"),
        "username": config.get("EMAIL_HOST_USER"),
        "password": config.get("EMAIL_HOST_PASSWORD"),
        "use_tls": config.get("EMAIL_USE_TLS"),
        "use_ssl": config.get("EMAIL_USE_SSL"),
    }
    backend = config["EMAIL_BACKEND"]
    if not backend.endswith("smtp.EmailBackend"):
        return {"BACKEND": backend}
    return {"BACKEND": backend, "OPTIONS": {k: v for k, v in options.items() if v}}


MAILERS = {"default": _mailer("DJANGO_EMAIL_URL")}
SERVER_EMAIL: str = env.str("DJANGO_SERVER_EMAIL", default="tokonomix@localhost")

# --- Internationalisation -----------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names let browsers cache static files for a year; `make run`,
        # `make test` and the Docker build run collectstatic to write the manifest.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
# Django serves MEDIA_URL itself, with the headers that keep uploads inert
# (tokonomix.core.media); in production the proxy does (README, "Operations").
SERVE_MEDIA = _strict_bool("DJANGO_SERVE_MEDIA", default=DEBUG)

# --- Logging --------------------------------------------------------------------------

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL must be a logging level, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # One line per HTTP request of the SDKs would drown the speed-test logs.
    # (axes: a line per failed sign-in at INFO; its lockouts are warnings.)
    "loggers": {
        name: {"level": "WARNING"} for name in ("httpx", "httpx2", "httpcore", "openai", "axes")
    },
}

# --- Site ----------------------------------------------------------------------------

SITE_NAME = "Tokonomix"
CATALOGUE_PAGE_SIZE = 24

# --- Prices ---------------------------------------------------------------------------

# Empty: the source's own published URL (litellm's model price map on GitHub).
PRICE_MAP_URL: str = env.str("PRICE_MAP_URL", default="")
# The sources the weekly sync reads, each from its published URL, one task each.
PRICE_SYNC_SOURCES: list[str] = _parsed(
    "PRICE_SYNC_SOURCES", env.list, ["litellm", "genai-prices", "models.dev"]
)
PRICE_MAP_CONNECT_TIMEOUT: float = _parsed("PRICE_MAP_CONNECT_TIMEOUT", env.float, 10.0)
PRICE_MAP_DEADLINE: float = _parsed("PRICE_MAP_DEADLINE", env.float, 120.0)
PRICE_MAP_MAX_BYTES = 20 * 1024 * 1024
# Hosts a price map's download may be redirected to (https only, public addresses only),
# besides the host of the URL it was sent to.
PRICE_MAP_REDIRECT_HOSTS: list[str] = _parsed(
    "PRICE_MAP_REDIRECT_HOSTS", env.list, ["raw.githubusercontent.com"]
)
# The "typical conversation" every page prices: this many input and output tokens.
TYPICAL_INPUT_TOKENS: int = _parsed("TYPICAL_INPUT_TOKENS", env.int, 600)
TYPICAL_OUTPUT_TOKENS: int = _parsed("TYPICAL_OUTPUT_TOKENS", env.int, 200)

# --- Speed tests -------------------------------------------------------------------

# Per request: the whole answer must arrive within SPEEDTEST_TIMEOUT seconds, and the
# stream may fall silent for at most SPEEDTEST_STALL_TIMEOUT (hidden reasoning is slow).
SPEEDTEST_TIMEOUT: float = _parsed("SPEEDTEST_TIMEOUT", env.float, 60.0)
SPEEDTEST_STALL_TIMEOUT: float = _parsed("SPEEDTEST_STALL_TIMEOUT", env.float, 30.0)
if SPEEDTEST_TIMEOUT <= 0 or SPEEDTEST_STALL_TIMEOUT <= 0:
    raise ImproperlyConfigured("SPEEDTEST_TIMEOUT and SPEEDTEST_STALL_TIMEOUT must be positive")
if env.str("SPEEDTEST_CRON", default=""):
    raise ImproperlyConfigured(
        "SPEEDTEST_CRON is gone: each target is now tested SPEEDTEST_RUNS_PER_DAY times a day "
        "(default 4) at jittered times, so no hour dominates. Remove SPEEDTEST_CRON."
    )
# Tests of each target, region and workload a day, at times spread over the day (beat looks
# for the ones due every five minutes).
SPEEDTEST_RUNS_PER_DAY: int = _parsed("SPEEDTEST_RUNS_PER_DAY", env.int, 4)
if not 1 <= SPEEDTEST_RUNS_PER_DAY <= 48:
    raise ImproperlyConfigured("SPEEDTEST_RUNS_PER_DAY must be between 1 and 48")

# Region codes name queues (speedtests.<code>) and appear in URLs: lower case, digits, dashes.
_REGION_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")


def _region_code(name: str, value: str) -> str:
    if not _REGION_CODE.match(value) or len(value) > 40 or value == "all":
        raise ImproperlyConfigured(
            f"{name}: {value!r} is not a region code (lower-case letters, digits and dashes, "
            'at most 40 characters, not "all"), e.g. eu-central'
        )
    return value


def _regions(name: str) -> dict[str, str]:
    """`code=where it is;code=where it is` in order, e.g. `eu-central=Frankfurt, Germany`."""
    regions: dict[str, str] = {}
    for entry in env.str(name, default="").split(";"):
        if not entry.strip():
            continue
        code, equals, where = entry.partition("=")
        code = _region_code(name, code.strip())
        if not equals or not where.strip():
            raise ImproperlyConfigured(
                f"{name}: say where region {code!r} is, e.g. {code}=Frankfurt, Germany"
            )
        if code in regions:
            raise ImproperlyConfigured(f"{name} lists region {code!r} twice")
        regions[code] = where.strip()
    return regions


# The region this process measures from (set per worker: a worker consuming the queue
# speedtests.eu-central runs with SPEEDTEST_PROBER_REGION=eu-central). Every run records it.
SPEEDTEST_PROBER_REGION: str = _region_code(
    "SPEEDTEST_PROBER_REGION", env.str("SPEEDTEST_PROBER_REGION", default="") or "default"
)
# The regions the fan-out sends every test to, one queue each (speedtests.<code>), with where
# each prober stands, for the methodology page. Empty: one prober, the default queue, and each
# run records the region of the worker that took it.
SPEEDTEST_REGIONS: dict[str, str] = _regions("SPEEDTEST_REGIONS")


def _budgets(name: str) -> dict[str, Decimal]:
    """`KEY_VARIABLE=dollars,...`; `*` is every key variable not named."""
    budgets: dict[str, Decimal] = {}
    for entry in env.str(name, default="").split(","):
        if not entry.strip():
            continue
        key, equals, amount = entry.partition("=")
        key = key.strip()
        if not re.match(r"^([A-Z_][A-Z0-9_]*|\*)\Z", key) or not equals:
            raise ImproperlyConfigured(
                f"{name} entries are KEY_VARIABLE=dollars (or *=dollars), not {entry.strip()!r}"
            )
        try:
            budgets[key] = Decimal(amount.strip())
        except InvalidOperation as exc:
            raise ImproperlyConfigured(f"{name}: {amount.strip()!r} is not an amount") from exc
        if not budgets[key].is_finite() or budgets[key] < 0:
            raise ImproperlyConfigured(f"{name}: the budget of {key} must be a finite amount >= 0")
    return budgets


# Dollars the scheduled and manual speed tests of each API key variable may spend per UTC
# month, e.g. OPENAI_API_KEY=50,*=10. A run that could pass its key's budget is skipped, with
# the reason. Unset: no limit. Targets that need no key are never limited.
SPEEDTEST_MONTHLY_BUDGETS_USD: dict[str, Decimal] = _budgets("SPEEDTEST_MONTHLY_BUDGETS_USD")

# --- Live testbench ------------------------------------------------------------------

# Runs a signed-in reader may start per hour, counted per account and per client address.
TESTBENCH_RUNS_PER_HOUR: int = _parsed("TESTBENCH_RUNS_PER_HOUR", env.int, 20)
if TESTBENCH_RUNS_PER_HOUR < 1:
    raise ImproperlyConfigured("TESTBENCH_RUNS_PER_HOUR must be at least 1")
# Dollars all testbench runs may spend per UTC day (each run reserves its worst case).
try:
    TESTBENCH_DAILY_BUDGET_USD: Decimal = Decimal(
        env.str("TESTBENCH_DAILY_BUDGET_USD", default="") or "5.00"
    )
except InvalidOperation as exc:
    raise ImproperlyConfigured(
        "TESTBENCH_DAILY_BUDGET_USD must be an amount in dollars, e.g. 5.00"
    ) from exc
if not TESTBENCH_DAILY_BUDGET_USD.is_finite() or TESTBENCH_DAILY_BUDGET_USD < 0:
    raise ImproperlyConfigured("TESTBENCH_DAILY_BUDGET_USD must be a finite amount >= 0")

# --- API ---------------------------------------------------------------------------

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 100
# Offsets past this are refused (422) rather than handed to the database.
NINJA_PAGINATION_CLASS = "tokonomix.core.pagination.LimitOffsetPagination"


def _rate(name: str, *, default: str) -> str:
    """A request rate such as "600/m": a positive count per s, m, h or d (django-ninja's form)."""
    raw = env.str(name, default="") or default
    count, _slash, period = raw.strip().partition("/")
    if not (count.isdigit() and int(count) > 0 and period.strip() in {"s", "m", "h", "d"}):
        raise ImproperlyConfigured(
            f'{name} must be a count per second, minute, hour or day, e.g. "600/m", not {raw!r}'
        )
    return f"{int(count)}/{period.strip()}"


# Requests one client may make to /api/v1/ (counted per address in the shared cache).
API_RATE_LIMIT: str = _rate("API_RATE_LIMIT", default="600/m")

# --- Page cache ----------------------------------------------------------------------

# Seconds an anonymous reader's page stays in the shared cache; 0 (the default) turns the
# cache off. Pages are also dropped whenever their data changes (tokonomix.core.pagecache).
PAGE_CACHE_SECONDS: int = _parsed("PAGE_CACHE_SECONDS", env.int, 0)
if PAGE_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("PAGE_CACHE_SECONDS must be 0 (off) or a number of seconds")
