"""vadesk settings: every value comes from the environment, with a default that works locally."""

import ipaddress
import os
import secrets
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
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


def secret_key_file(path: Path) -> str:
    """The key kept in the data folder: made on first start (mode 0600), read afterwards."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key) < 50:
            raise ImproperlyConfigured(
                f"{path} holds no usable secret key: delete it or set VADESK_SECRET_KEY"
            ) from None
        return key
    key = secrets.token_urlsafe(50)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


# --- Security (docs/security.md). Debug is off unless asked for: `vadesk run` (the demo) asks (vadesk/cli.py).
DEBUG = envbool("VADESK_DEBUG", "false")
# An explicit key, or the one generated into the data folder on first start; never a key printed in the source.
# (`vadesk check --deploy` warns about a key shorter than 50 characters.)
SECRET_KEY = os.environ.get("VADESK_SECRET_KEY", "").strip() or secret_key_file(DATA_DIR / "secret_key")
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
    "vadesk.webhooks",
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
    "vadesk.web.middleware.RequestSizeLimitMiddleware",  # after the membership: its 413 page has the person's layout
]
# No request body larger than this is read (vadesk/web/middleware.py); uploads have their own, smaller limits.
MAX_REQUEST_BYTES = envint("VADESK_MAX_REQUEST_MB", "30", minimum=1, maximum=1024) * 1024 * 1024

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
    # No JIT: a page's queries run in milliseconds, and PostgreSQL compiling one that its planner guesses is dear
    # (a hundred invoices with two sums each) took 60-80 ms of a 100 ms query (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Person"
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
SMTP_HOST_GIVEN = "VADESK_SMTP_HOST" in os.environ  # `vadesk run` prints mail to the terminal unless a relay is named
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
# Hashed names need the manifest that collectstatic writes (`vadesk serve` runs it before its workers start); until
# it exists (a fresh checkout, the test suite) the files are found in the apps, which always works.
_COLLECTED = (DATA_DIR / "static" / "staticfiles.json").exists()
STATIC_HASHED_WANTED = envbool("VADESK_STATIC_HASHED", "false" if DEBUG else "true")  # what `vadesk serve` collects
STATIC_HASHED = STATIC_HASHED_WANTED and _COLLECTED
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
# WhiteNoise reads STATIC_ROOT at start and warns when it is missing (a fresh clone before its first collectstatic).
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)

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
    "loggers": {
        "vadesk.requests": {"level": "INFO" if REQUEST_LOG else "WARNING"},
        # Django's own console handler on "django" printed each line a second time, unformatted, beside the
        # root's (with debug on: every job's start and end under `vadesk run`); mail_admins has no ADMINS here.
        "django": {"handlers": [], "level": "INFO"},
        # A job's start and end (INFO): a line per job only with `-v 2` (vadesk.jobs.worker.job_logs_at). Set here
        # too because `vadesk run` configures logging again when its development server loads config.wsgi.
        "django.tasks": {"level": "WARNING"},
    },
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

# Backups (`vadesk backup`, `vadesk restore --verify`): archives go here unless --output says otherwise.
BACKUP_DIR = Path(os.environ.get("VADESK_BACKUP_DIR", DATA_DIR / "backups"))
PG_DUMP = os.environ.get("VADESK_PG_DUMP", "pg_dump")
PG_RESTORE = os.environ.get("VADESK_PG_RESTORE", "pg_restore")
# Retention of the bookkeeping the daily prune job (vadesk/ops/prune.py) deletes, in days.
PRUNE_JOBS_DAYS = envint("VADESK_PRUNE_JOBS_DAYS", "14", minimum=1)  # jobs that succeeded
PRUNE_FAILED_JOBS_DAYS = envint("VADESK_PRUNE_FAILED_JOBS_DAYS", "90", minimum=1)  # failed jobs (listed for a retry)
PRUNE_SCHEDULE_SLOTS_DAYS = envint(
    "VADESK_PRUNE_SCHEDULE_SLOTS_DAYS", "30", minimum=3
)  # fired slots (ticks look 2 back)
PRUNE_OUTBOX_DAYS = envint("VADESK_PRUNE_OUTBOX_DAYS", "365", minimum=1)  # delivered mail, by its sent time
# Webhook deliveries delivered or failed, by their last attempt (the endpoint's page lists the newest 50).
PRUNE_WEBHOOK_DELIVERIES_DAYS = envint("VADESK_PRUNE_WEBHOOK_DELIVERIES_DAYS", "30", minimum=1)
# Finished runs (invoice runs, exports, imports) with their uploaded and result files, by their finish.
PRUNE_JOB_RUNS_DAYS = envint("VADESK_PRUNE_JOB_RUNS_DAYS", "30", minimum=1)
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
# --- Security (docs/security.md): HTTPS, proxies, headers, CSP, sign-in throttling and password hashing.
# Production sets VADESK_HTTPS=true (TLS at vadesk or at a proxy in front): SSL redirect, secure cookies and HSTS follow.
HTTPS = envbool("VADESK_HTTPS", "false")
SECURE_SSL_REDIRECT = envbool("VADESK_SSL_REDIRECT", str(HTTPS))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("VADESK_SECURE_COOKIES", str(HTTPS))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("VADESK_HSTS_SECONDS", "31536000" if HTTPS else "0", minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("VADESK_HSTS_INCLUDE_SUBDOMAINS", "false")
SECURE_HSTS_PRELOAD = envbool("VADESK_HSTS_PRELOAD", "false")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = envchoice(
    "VADESK_REFERRER_POLICY",
    "same-origin",
    {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"},
)
X_FRAME_OPTIONS = "DENY"
# Health checks and metrics are answered over plain HTTP too (load balancers probe them without TLS).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Features no vadesk page uses are switched off for every page (vadesk/accounts/middleware.py).
PERMISSIONS_POLICY = os.environ.get(
    "VADESK_PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
)
# A proxy in front (nginx, Caddy, a load balancer) is trusted only when named: VADESK_TRUSTED_PROXIES is how many
# proxies add themselves to X-Forwarded-For. Then X-Forwarded-Proto says whether the request came over HTTPS, the
# client address is read from X-Forwarded-For (for the sign-in throttle), and, when VADESK_USE_FORWARDED_HOST is
# on, X-Forwarded-Host names the host. Without it these headers are ignored: anyone could send them.
TRUSTED_PROXIES = envint("VADESK_TRUSTED_PROXIES", "0", minimum=0, maximum=5)
USE_X_FORWARDED_HOST = envbool("VADESK_USE_FORWARDED_HOST", "false")
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
elif USE_X_FORWARDED_HOST:
    raise ImproperlyConfigured("VADESK_USE_FORWARDED_HOST needs VADESK_TRUSTED_PROXIES (the proxies that set it)")

# Content Security Policy (Django's own): scripts and styles from vadesk itself, inline only with the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
if envbool("VADESK_CSP_REPORT_ONLY", "false"):  # to try a change of policy on a live site first
    SECURE_CSP_REPORT_ONLY, SECURE_CSP = SECURE_CSP, {}
# ninja as an app: its docs page uses the Swagger UI files it ships, not a CDN script the policy would refuse.
INSTALLED_APPS += ["ninja"]
MIDDLEWARE += [
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "vadesk.accounts.middleware.PermissionsPolicyMiddleware",
]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.template.context_processors.csp")  # type: ignore[index]

# Sign-in and API token use are throttled per account and per client address (vadesk/accounts/throttle.py); the
# counters live in the database, so every web process sees the same ones.
SIGNIN_WINDOW_SECONDS = envint("VADESK_SIGNIN_WINDOW_SECONDS", "900", minimum=1)
SIGNIN_ACCOUNT_FAILURES = envint("VADESK_SIGNIN_ACCOUNT_FAILURES", "5", minimum=1)
SIGNIN_ADDRESS_FAILURES = envint("VADESK_SIGNIN_ADDRESS_FAILURES", "20", minimum=1)
AUTHENTICATION_BACKENDS = ["vadesk.accounts.backends.ThrottledModelBackend"]
# A client user may ask for a one-time sign-in link by e-mail (vadesk/accounts/signin_links.py): valid this many
# minutes, and at most so many requests per address typed and per client address within the window.
SIGNIN_LINK_MINUTES = envint("VADESK_SIGNIN_LINK_MINUTES", "15", minimum=1, maximum=60)
SIGNIN_LINK_WINDOW_SECONDS = envint("VADESK_SIGNIN_LINK_WINDOW_SECONDS", "3600", minimum=60)
SIGNIN_LINK_ACCOUNT_REQUESTS = envint("VADESK_SIGNIN_LINK_ACCOUNT_REQUESTS", "3", minimum=1)
SIGNIN_LINK_ADDRESS_REQUESTS = envint("VADESK_SIGNIN_LINK_ADDRESS_REQUESTS", "10", minimum=1)

# Argon2id with parameters measured on a 2-core machine (bench/signin.py, docs/security.md); OWASP's floor is
# m=19 MiB, t=2, p=1. A process hashes at most PASSWORD_HASH_CONCURRENCY passwords at once, so a storm of sign-ins
# waits for its turn instead of taking the CPU (and memory) from every page; one that waits longer is refused.
PASSWORD_HASHERS = [
    "vadesk.accounts.hashers.Argon2PasswordHasher",  # also verifies (and upgrades) hashes of Django's own
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
ARGON2_MEMORY_KIB = envint("VADESK_ARGON2_MEMORY_KIB", "19456", minimum=19456)
ARGON2_TIME_COST = envint("VADESK_ARGON2_TIME_COST", "2", minimum=2)
ARGON2_PARALLELISM = envint("VADESK_ARGON2_PARALLELISM", "1", minimum=1)
PASSWORD_HASH_CONCURRENCY = envint("VADESK_PASSWORD_HASH_CONCURRENCY", "1", minimum=1)
PASSWORD_HASH_WAIT_SECONDS = envint("VADESK_PASSWORD_HASH_WAIT_SECONDS", "10", minimum=1)

# Mail reply tokens are signed with a key of their own, derived from SECRET_KEY under this salt unless set.
REPLY_TOKEN_KEY = os.environ.get("VADESK_REPLY_TOKEN_KEY", "")

# The interactive API docs (/api/v1/docs and the OpenAPI document) need a signed-in person unless made public.
API_DOCS_PUBLIC = envbool("VADESK_API_DOCS_PUBLIC", "false")
