"""vadesk settings: every value comes from the environment, with a default that works locally."""

import ipaddress
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from vadesk.lib.net import allowed_parse

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("VADESK_DATA_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).lower()
    if value not in {"1", "0", "true", "false", "yes", "no"}:
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")
    return value in {"1", "true", "yes"}


def envint(name: str, default: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}")
    return value


def envchoice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


DEBUG = envbool("VADESK_DEBUG", "true")
SECRET_KEY = os.environ.get("VADESK_SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("VADESK_SECRET_KEY must be set when VADESK_DEBUG is false")
ALLOWED_HOSTS = os.environ.get("VADESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("VADESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "vadesk.accounts",
    "vadesk.clients",
    "vadesk.engagements",
    "vadesk.tasks",
    "vadesk.timesheets",
    "vadesk.invoicing",
    "vadesk.comms",
    "vadesk.demo",
    "vadesk.web",
    "vadesk.portal",
    "vadesk.api",
    "vadesk.agenda",
    "vadesk.reports",
    "vadesk.team",
    "vadesk.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vadesk.accounts.middleware.CurrentMembershipMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vadesk.web.context_processors.membership",
                "vadesk.notifications.context_processors.unread",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL switches to PostgreSQL in production and CI.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{DATA_DIR / 'vadesk.sqlite3'}",
        conn_max_age=envint("VADESK_DB_CONN_MAX_AGE", "0"),
    )
}
# IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing mid-transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Any command may open the embedded database (system checks do, for JSON fields): its folder must exist.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    # Lets several test runs share one PostgreSQL server without clobbering each other's test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("VADESK_TEST_DB_NAME", "test_vadesk")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Person"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "vadesk" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"
LANGUAGE_COOKIE_NAME = "vadesk_language"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("VADESK_SECURE_COOKIES", "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Background jobs (vadesk/jobs): Django's task framework on the django-tasks-db backend, on the same database.
# `vadesk worker` (or the thread `vadesk run` starts) runs them and fires the schedule in vadesk/jobs/schedule.py.
INSTALLED_APPS += ["django_tasks_db", "vadesk.jobs"]
INSTALLED_APPS += ["vadesk.ops"]  # health, metrics, backups, `vadesk serve` (operations block below)
TASKS = {"default": {"BACKEND": os.environ.get("VADESK_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
JOBS_MAX_ATTEMPTS = envint("VADESK_JOBS_MAX_ATTEMPTS", "5", minimum=1)  # a job that raises runs at most this often
JOBS_BACKOFF_SECONDS = envint("VADESK_JOBS_BACKOFF_SECONDS", "30", minimum=0)  # doubles per attempt, at most an hour
JOBS_LEASE_SECONDS = envint("VADESK_JOBS_LEASE_SECONDS", "300", minimum=3)  # no heartbeat this long: it runs again
JOBS_POLL_SECONDS = envint("VADESK_JOBS_POLL_MILLISECONDS", "500", minimum=1) / 1000  # an idle worker looks this often
JOBS_TIME_ZONE = os.environ.get("VADESK_JOBS_TIME_ZONE", TIME_ZONE)  # the schedule's zone for jobs of no organisation
if JOBS_TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(
        f"VADESK_JOBS_TIME_ZONE must be a time zone name such as Europe/Amsterdam, not {JOBS_TIME_ZONE!r}"
    )

# One mail configuration: everything that leaves vadesk goes through the comms outbox, which delivers over
# the SMTP relay in VADESK_SMTP_* below. Django's own mail API (password resets, send_mail) only queues into that
# outbox; the values are checked here, so a bad one stops start-up, not the night's worker.
MAILERS = {"default": {"BACKEND": "vadesk.comms.mailbackend.OutboxBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("VADESK_FROM_EMAIL", "vadesk@localhost")

# Outgoing mail: the SMTP relay the outbox delivers e-mail to (vadesk/comms/conf.py: smtp_config).
SMTP_HOST = os.environ.get("VADESK_SMTP_HOST", "127.0.0.1").strip()
if not SMTP_HOST:
    raise ImproperlyConfigured("VADESK_SMTP_HOST must name the SMTP relay the outbox delivers through")
SMTP_PORT = envint("VADESK_SMTP_PORT", "25", minimum=1, maximum=65535)
SMTP_SECURITY = envchoice("VADESK_SMTP_SECURITY", "none", {"none", "starttls", "tls"})
SMTP_USERNAME = os.environ.get("VADESK_SMTP_USERNAME", "")
SMTP_PASSWORD = os.environ.get("VADESK_SMTP_PASSWORD", "")
SMTP_TIMEOUT = envint("VADESK_SMTP_TIMEOUT", "30", minimum=1)
SMTP_CA_FILE = os.environ.get("VADESK_SMTP_CA_FILE", "")  # a CA (PEM) to trust besides the system's

# The outbox: retries with exponential backoff, the lease of a claimed row, what to do with an uncertain send.
OUTBOX_MAX_ATTEMPTS = envint("VADESK_OUTBOX_MAX_ATTEMPTS", "8", minimum=1)
OUTBOX_BACKOFF_SECONDS = envint("VADESK_OUTBOX_BACKOFF_SECONDS", "30", minimum=0)
OUTBOX_BACKOFF_CAP_SECONDS = envint("VADESK_OUTBOX_BACKOFF_CAP_SECONDS", "21600", minimum=0)
OUTBOX_LEASE_SECONDS = envint("VADESK_OUTBOX_LEASE_SECONDS", "300", minimum=1)
OUTBOX_UNCERTAIN = envchoice("VADESK_OUTBOX_UNCERTAIN", "hold", {"hold", "resend"})

# Inbound mail: the practice's address (replies go to its +tag variants), limits, and the IMAP mailbox to poll.
INBOUND_ADDRESS = os.environ.get("VADESK_INBOUND_ADDRESS", "desk@vadesk.localhost")
MESSAGE_ID_DOMAIN = os.environ.get("VADESK_MESSAGE_ID_DOMAIN", INBOUND_ADDRESS.rpartition("@")[2] or "vadesk.localhost")
INBOUND_MAX_ATTACHMENT_BYTES = envint("VADESK_INBOUND_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024), minimum=0)
INBOUND_MAX_MESSAGE_BYTES = envint("VADESK_INBOUND_MAX_MESSAGE_BYTES", str(25 * 1024 * 1024), minimum=1)
INBOUND_KEEP_RAW = envchoice("VADESK_INBOUND_KEEP_RAW", "triage", {"triage", "all"})
IMAP_HOST = os.environ.get("VADESK_IMAP_HOST", "")  # empty: no mailbox to poll
IMAP_SECURITY = envchoice("VADESK_IMAP_SECURITY", "tls", {"tls", "starttls", "none"})
IMAP_PORT = envint("VADESK_IMAP_PORT", "993" if IMAP_SECURITY == "tls" else "143", minimum=1, maximum=65535)
IMAP_USERNAME = os.environ.get("VADESK_IMAP_USERNAME", "")
IMAP_PASSWORD = os.environ.get("VADESK_IMAP_PASSWORD", "")
IMAP_MAILBOX = os.environ.get("VADESK_IMAP_MAILBOX", "INBOX")

# WhatsApp (the practice's own Business account; off unless both id and token are set), SMS and phone numbers.
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("VADESK_WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_TOKEN = os.environ.get("VADESK_WHATSAPP_TOKEN", "")
WHATSAPP_BASE_URL = os.environ.get("VADESK_WHATSAPP_BASE_URL", "https://graph.facebook.com").rstrip("/")
WHATSAPP_API_VERSION = os.environ.get("VADESK_WHATSAPP_API_VERSION", "v21.0")
WHATSAPP_TIMEOUT = envint("VADESK_WHATSAPP_TIMEOUT", "20", minimum=1)
SMS_ADAPTER = os.environ.get("VADESK_SMS_ADAPTER", "")  # a dotted path to an adapter class
PHONE_DEFAULT_REGION = os.environ.get("VADESK_PHONE_DEFAULT_REGION", "NL").upper()  # ISO 3166 alpha-2
if len(PHONE_DEFAULT_REGION) != 2 or not PHONE_DEFAULT_REGION.isalpha():
    raise ImproperlyConfigured("VADESK_PHONE_DEFAULT_REGION must be a two-letter country code, e.g. NL")

# --- Operations (vadesk/ops, deploy/, docs/operations.md): server, static files, logs, health, metrics, backups ---
# `vadesk serve` runs gunicorn (gthread) on config.wsgi with these; SIGHUP to its master reloads the workers gracefully.
SERVE_BIND = os.environ.get("VADESK_SERVE_BIND", "127.0.0.1:8000")
SERVE_WORKERS = envint("VADESK_SERVE_WORKERS", "2", minimum=1, maximum=64)
SERVE_THREADS = envint("VADESK_SERVE_THREADS", "4", minimum=1, maximum=256)
SERVE_TIMEOUT = envint("VADESK_SERVE_TIMEOUT", "60", minimum=1)  # a worker silent this long is killed and replaced
SERVE_GRACEFUL_TIMEOUT = envint("VADESK_SERVE_GRACEFUL_TIMEOUT", "30", minimum=1)  # to finish requests on reload/stop
SERVE_MAX_REQUESTS = envint("VADESK_SERVE_MAX_REQUESTS", "0", minimum=0)  # recycle a worker after this many; 0: never

# Static files: WhiteNoise serves them from STATIC_ROOT (filled by collectstatic, which `vadesk serve` runs at start).
# With VADESK_DEBUG off, names carry a content hash (cached for a year) and come compressed (gzip, Brotli if present).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)
MEDIA_ROOT = Path(os.environ.get("VADESK_MEDIA_ROOT", DATA_DIR / "media"))  # the file storage, in every backup
STATIC_HASHED = envbool("VADESK_STATIC_HASHED", "false" if DEBUG else "true")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_HASHED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Unhashed (development, tests): WhiteNoise finds the files in the apps at each request, no collectstatic needed.
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = not STATIC_HASHED

# Logs: one line per event on stderr; "json" for machines (the default of `vadesk serve`), "text" for people.
# The request id (X-Request-ID, honoured when a proxy sends a sane one, else made) is in every line of a request.
LOG_FORMAT = envchoice("VADESK_LOG_FORMAT", "text", {"text", "json"})
LOG_LEVEL = envchoice("VADESK_LOG_LEVEL", "warning", {"debug", "info", "warning", "error", "critical"}).upper()
REQUEST_LOG = envbool("VADESK_REQUEST_LOG", "false")  # one line per request (method, path, status, duration)
MIDDLEWARE.insert(0, "vadesk.ops.middleware.RequestIdMiddleware")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "vadesk.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "vadesk.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"vadesk.requests": {"level": "INFO" if REQUEST_LOG else "WARNING"}},
}

# Health and metrics: /healthz is open; /readyz and /metrics answer only a bearer token or an allowed address.
OPS_TOKEN = os.environ.get("VADESK_OPS_TOKEN", "")  # `Authorization: Bearer <token>` for /readyz and /metrics
try:  # client addresses or networks, comma-separated ("127.0.0.1, 10.0.0.0/8"): REMOTE_ADDR as the server sees it
    OPS_ALLOWED_ADDRESSES = tuple(
        ipaddress.ip_network(item.strip(), strict=False)
        for item in os.environ.get("VADESK_OPS_ALLOWED_ADDRESSES", "").split(",")
        if item.strip()
    )
except ValueError as exc:
    raise ImproperlyConfigured(f"VADESK_OPS_ALLOWED_ADDRESSES must list IP addresses or networks: {exc}") from exc
READY_JOB_AGE_SECONDS = envint("VADESK_READY_JOB_AGE_SECONDS", "600", minimum=1)  # oldest due job older: not ready
# Prometheus multi-process mode: every gunicorn worker writes its counters here; `vadesk serve` sets and empties it.
METRICS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

# Backups (`vadesk backup`, `vadesk restore --verify`): archives go here unless --to says otherwise.
BACKUP_DIR = Path(os.environ.get("VADESK_BACKUP_DIR", DATA_DIR / "backups"))
PG_DUMP = os.environ.get("VADESK_PG_DUMP", "pg_dump")
PG_RESTORE = os.environ.get("VADESK_PG_RESTORE", "pg_restore")
# --- end of operations ---

# Outbound fetches (calendar subscriptions, CalDAV servers) reach public addresses only (vadesk/lib/net.py).
# Self-hosters name the internal hosts or networks that may be fetched, comma-separated:
# VADESK_FETCH_ALLOWED_HOSTS="caldav.lan,10.0.5.0/24". Empty by default: nothing inside is reachable.
try:
    FETCH_ALLOWED = allowed_parse(os.environ.get("VADESK_FETCH_ALLOWED_HOSTS", ""))
except ValueError as exc:
    raise ImproperlyConfigured(f"VADESK_FETCH_ALLOWED_HOSTS: {exc}") from exc

# Notifications: the address in front of the links in their mails (where people open vadesk).
SITE_URL = os.environ.get("VADESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"VADESK_SITE_URL must start with http:// or https://, not {SITE_URL!r}")
