"""vadesk settings: every value comes from the environment, with a default that works locally."""

import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("VADESK_DATA_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).lower()
    if value not in {"1", "0", "true", "false", "yes", "no"}:
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")
    return value in {"1", "true", "yes"}


def envint(name: str, default: str) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number") from exc


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
                "vadesk.accounts.context_processors.membership",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Any command may open the embedded database (system checks do, for JSON fields): its folder must exist.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
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
TASKS = {"default": {"BACKEND": os.environ.get("VADESK_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
JOBS_MAX_ATTEMPTS = envint("VADESK_JOBS_MAX_ATTEMPTS", "5")  # a job that raises runs at most this often in all
JOBS_BACKOFF_SECONDS = envint("VADESK_JOBS_BACKOFF_SECONDS", "30")  # doubles per attempt, at most an hour
JOBS_LEASE_SECONDS = envint(
    "VADESK_JOBS_LEASE_SECONDS", "300"
)  # a running job without a heartbeat this long runs again
JOBS_POLL_SECONDS = envint("VADESK_JOBS_POLL_MILLISECONDS", "500") / 1000  # an idle worker looks this often
JOBS_TIME_ZONE = os.environ.get("VADESK_JOBS_TIME_ZONE", TIME_ZONE)  # the schedule's zone for jobs of no organisation
if JOBS_TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(
        f"VADESK_JOBS_TIME_ZONE must be a time zone name such as Europe/Amsterdam, not {JOBS_TIME_ZONE!r}"
    )
if JOBS_MAX_ATTEMPTS < 1 or JOBS_LEASE_SECONDS < 3 or JOBS_POLL_SECONDS <= 0:
    raise ImproperlyConfigured(
        "VADESK_JOBS_MAX_ATTEMPTS must be at least 1, VADESK_JOBS_LEASE_SECONDS at least 3, "
        "VADESK_JOBS_POLL_MILLISECONDS above 0"
    )

MAILERS = {
    "default": {"BACKEND": os.environ.get("VADESK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
}
DEFAULT_FROM_EMAIL = os.environ.get("VADESK_FROM_EMAIL", "vadesk@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VADESK_LOG_LEVEL", "WARNING")},
}
