"""Who may read /readyz and /metrics: a bearer token, or a client address in the allowed networks. Nobody else."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare


def ops_allowed(request: HttpRequest) -> bool:
    token = settings.OPS_TOKEN
    offered = request.headers.get("Authorization", "")
    if token and offered.startswith("Bearer ") and constant_time_compare(offered.removeprefix("Bearer "), token):
        return True
    try:
        # REMOTE_ADDR is the peer gunicorn saw: behind a proxy on the same machine that is the proxy (see the docs).
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.OPS_ALLOWED_ADDRESSES)
