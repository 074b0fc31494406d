"""Outbound connections that cannot reach inside: only public addresses, checked where the socket is opened.

A URL a user types (a calendar subscription, a CalDAV server) must not become a way into the server's own
network (OWASP SSRF prevention): loopback, private, link-local (with the 169.254.169.254 metadata service),
CGNAT, multicast, reserved and unspecified addresses are refused, also when they hide inside IPv6
(IPv4-mapped, 6to4, Teredo). The host is resolved once, every address is checked, and the connection goes
to a checked address, so a DNS answer that changes between check and connect (rebinding) cannot swap it;
a redirect opens a new connection and is checked the same way. Self-hosters allow named internal hosts
or networks with VADESK_FETCH_ALLOWED_HOSTS.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from urllib3.contrib.resolver.system import SystemResolver

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# RFC 6598 shared address space (CGNAT); ipaddress calls it neither private nor global, named here for clarity.
CGNAT = ipaddress.ip_network("100.64.0.0/10")


@dataclass(frozen=True)
class Allowed:
    """Exceptions to the public-only rule: host names (matched exactly, case-insensitive) and networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    def permits(self, host: str, address: Address) -> bool:
        return host.lower().rstrip(".") in self.hosts or any(address in net for net in self.networks)


class AddressRefused(Exception):
    """The host resolves to no address vadesk may connect to."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} resolves to {address}, which is not a public address")
        self.host, self.address = host, address


def allowed_parse(value: str) -> Allowed:
    """`"caldav.lan, 10.0.5.0/24"` → Allowed; raises ValueError on a malformed network (fails the start)."""
    hosts, networks = set(), []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        if item[0].isdigit() or ":" in item:
            networks.append(ipaddress.ip_network(item, strict=False))
        else:
            hosts.add(item.lower().rstrip("."))
    return Allowed(frozenset(hosts), tuple(networks))


def address_is_public(address: Address) -> bool:
    """True only for a globally routable unicast address, looking through IPv6 forms that carry an IPv4 one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None:
            return address_is_public(embedded)
    return (
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_unspecified
        and address not in CGNAT
    )


def resolve_checked(host: str, port: int, *, allowed: Allowed, family: int = 0) -> list[Any]:
    """1. Resolve host once (an IP literal resolves to itself).
    2. Keep the getaddrinfo entries whose address is public or allowed.
    3. None left: raise AddressRefused naming the first address found.
    """
    infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
    kept, refused = [], ""
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])  # drop an IPv6 zone (fe80::1%eth0)
        if address_is_public(address) or allowed.permits(host, address):
            kept.append(info)
        else:
            refused = refused or str(address)
    if not kept:
        raise AddressRefused(host, refused or "no address")
    return kept


def connect_checked(
    host: str, port: int, *, allowed: Allowed, timeout: float | None, source_address: Any = None
) -> socket.socket:
    """A socket to a checked address of host: what is connected to is what was checked."""
    error: OSError | None = None
    for family, kind, proto, _name, sockaddr in resolve_checked(host, port, allowed=allowed):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or OSError(f"cannot connect to {host}")


# --- urllib: an opener whose every connection (redirects included) is checked, with no proxy and no ftp/file ---


def _checked_connection(base: type[http.client.HTTPConnection], allowed: Allowed) -> type[http.client.HTTPConnection]:
    def create_connection(address, timeout=None, source_address=None):
        return connect_checked(address[0], address[1], allowed=allowed, timeout=timeout, source_address=source_address)

    class Checked(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._create_connection = create_connection  # http.client's hook, set per instance in its __init__

    return Checked


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise urllib.error.HTTPError(newurl, code, "redirect to a scheme that is not http(s)", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def opener_checked(
    *, allowed: Allowed, follow_redirects: bool = True, context: ssl.SSLContext | None = None
) -> urllib.request.OpenerDirector:
    """Without follow_redirects a 3xx answer raises HTTPError like any other non-2xx (webhook deliveries).
    `context`: a TLS context to reuse; a new default one loads the system's CA certificates (some 10-300 ms)."""
    http_conn = _checked_connection(http.client.HTTPConnection, allowed)
    https_conn = _checked_connection(http.client.HTTPSConnection, allowed)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(http_conn, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(https_conn, req, context=self._context)  # type: ignore[attr-defined]

    opener = urllib.request.OpenerDirector()  # not build_opener: that adds the proxy, ftp and file handlers
    for handler in (
        HTTPHandler(),
        HTTPSHandler(context=context),
        urllib.request.HTTPDefaultErrorHandler(),
        *([_RedirectHandler()] if follow_redirects else []),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.UnknownHandler(),
    ):
        opener.add_handler(handler)
    return opener


# --- niquests (used by the caldav library): a resolver that answers only checked addresses ---


class CheckedResolver(SystemResolver):
    """niquests/urllib3-future connect to what the resolver answers: answer only public or allowed addresses."""

    def __init__(self, *, allowed: Allowed):
        super().__init__()
        self.allowed = allowed

    def recycle(self) -> CheckedResolver:
        return self

    def getaddrinfo(self, host, port, family, type, proto=0, flags=0, *, quic_upgrade_via_dns_rr=False):
        host = host.decode("ascii") if isinstance(host, bytes) else str(host)
        return resolve_checked(host, int(port or 0), allowed=self.allowed, family=family)
