"""`vadesk serve`: the production web server, gunicorn on config.wsgi with static files by WhiteNoise."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.test.utils import override_settings


def multiproc_dir_fresh() -> Path:
    """The folder the workers' metric files go to, emptied: files of a previous run would count twice."""
    path = Path(settings.METRICS_MULTIPROC_DIR or settings.DATA_DIR / "prometheus")
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


HASHED = "whitenoise.storage.CompressedManifestStaticFilesStorage"
PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"


class Command(BaseCommand):
    help = (
        "Serve vadesk with gunicorn (threaded workers; VADESK_SERVE_BIND, _WORKERS, _THREADS, _TIMEOUT, "
        "_GRACEFUL_TIMEOUT). Collects the static files first. SIGHUP reloads the workers gracefully, SIGTERM stops "
        "after the running requests. Logs are JSON lines unless VADESK_LOG_FORMAT says text. Run `vadesk worker` "
        "for the background jobs and `vadesk migrate` before a new version."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="Address(es) to listen on, comma-separated (default VADESK_SERVE_BIND).")
        parser.add_argument("--workers", type=int, help="Worker processes (default VADESK_SERVE_WORKERS).")
        parser.add_argument("--threads", type=int, help="Threads per worker (default VADESK_SERVE_THREADS).")
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="Skip collectstatic (the files were collected already)."
        )

    def handle(self, *args, bind, workers, threads, no_collectstatic, **options) -> None:
        if not no_collectstatic:
            backend = HASHED if settings.STATIC_HASHED_WANTED else PLAIN
            storages = {**settings.STORAGES, "staticfiles": {"BACKEND": backend}}
            # Collected with the storage the web processes will use: with hashed names this writes the manifest,
            # whose presence makes the settings that gunicorn loads (a new process) serve the hashed files.
            with override_settings(STORAGES=storages):
                call_command("collectstatic", interactive=False, verbosity=0)
        env = dict(os.environ)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(multiproc_dir_fresh())
        env.setdefault("VADESK_LOG_FORMAT", "json")
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        for name, value in (("VADESK_SERVE_BIND", bind), ("VADESK_SERVE_WORKERS", workers)):
            if value is not None:
                env[name] = str(value)
        if threads is not None:
            env["VADESK_SERVE_THREADS"] = str(threads)
        connections.close_all()
        sys.stdout.flush()
        # exec: the gunicorn master takes this process's place, so a supervisor's HUP and TERM reach it directly.
        argv = [sys.executable, "-m", "gunicorn", "--config", "python:vadesk.ops.gunicorn_conf"]
        os.execve(sys.executable, argv, env)
