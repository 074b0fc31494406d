"""gunicorn's configuration under `vadesk serve`: every value from config/settings.py (so from the environment).

Loaded by the gunicorn master (`--config python:vadesk.ops.gunicorn_conf`); SIGHUP re-reads it and replaces the
workers one by one, each finishing its requests first (graceful reload).
"""

import os
from typing import Any

from django.conf import settings
from prometheus_client import multiprocess

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

wsgi_app = "config.wsgi:application"
bind = [address.strip() for address in settings.SERVE_BIND.split(",") if address.strip()]
worker_class = "gthread"
workers = settings.SERVE_WORKERS
threads = settings.SERVE_THREADS
timeout = settings.SERVE_TIMEOUT
graceful_timeout = settings.SERVE_GRACEFUL_TIMEOUT
max_requests = settings.SERVE_MAX_REQUESTS
max_requests_jitter = settings.SERVE_MAX_REQUESTS // 10
preload_app = False  # each worker imports Django itself: no database connection is shared across a fork
control_socket_disable = True  # gunicorn 24+'s control socket has one path per user: two servers would clash
accesslog = None  # vadesk logs each request itself, with its request id (VADESK_REQUEST_LOG)
proc_name = "vadesk-web"

if settings.LOG_FORMAT == "json":
    # gunicorn's own lines (start, worker boot, timeouts) in the same one-JSON-object-per-line form as vadesk's.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "vadesk.ops.logs.JsonFormatter"}},
        # gunicorn merges this over its defaults: the names it uses (root's "console") must exist.
        "handlers": {
            name: {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
            for name in ("console", "error_console")
        },
        "root": {"handlers": ["console"], "level": "INFO"},
        "loggers": {"gunicorn.error": {"handlers": ["error_console"], "level": "INFO", "propagate": False}},
    }


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended (reload, timeout, max_requests): its live gauges leave the multi-process metrics."""
    if settings.METRICS_MULTIPROC_DIR:
        multiprocess.mark_process_dead(worker.pid, settings.METRICS_MULTIPROC_DIR)


def post_worker_init(worker: Any) -> None:
    """Import every URL pattern (and so every view module) before taking requests: the first one is not slow."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
