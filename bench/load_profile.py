"""A WSGI wrapper for `bench/load.py --profile`, never for production: cProfile around every request, per view.

gunicorn loads `load_profile:application` (bench/ on the path) with the settings of `vadesk serve`, one thread per
worker: Python 3.12+'s cProfile records every thread of the process, so a per-request profile needs the process to
serve one request at a time. Each view's profile is written to LOAD_PROFILE_DIR/<view>.<pid>.prof when the worker
exits; load.py merges them and prints where the slowest page spends its time.
"""

from __future__ import annotations

import atexit
import cProfile
import os
from pathlib import Path

from django.urls import Resolver404, resolve

from config.wsgi import application as vadesk

OUT = Path(os.environ["LOAD_PROFILE_DIR"])
profiles: dict[str, cProfile.Profile] = {}


def application(environ, start_response):
    try:
        view = resolve(environ.get("PATH_INFO", "/")).view_name or "unnamed"
    except Resolver404:
        view = "not found"
    profile = profiles.setdefault(view, cProfile.Profile())
    profile.enable()
    try:
        return list(vadesk(environ, start_response))  # the body too: a template may render while it is read
    finally:
        profile.disable()


@atexit.register
def dump() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for view, profile in profiles.items():
        profile.dump_stats(OUT / f"{view.replace(':', '-')}.{os.getpid()}.prof")
