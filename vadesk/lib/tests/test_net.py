"""The address check on its own: which addresses are public, what the allow-list permits, what resolving keeps."""

import ipaddress
import socket

import pytest

from vadesk.lib.net import AddressRefused, address_is_public, allowed_parse, resolve_checked

NOBODY = allowed_parse("")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",  # CGNAT, RFC 6598
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "2002:a00:1::",  # 6to4 carrying 10.0.0.1
    ],
)
def test_it_refuses_addresses_inside(address):
    assert not address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8"])
def test_it_lets_public_addresses_through(address):
    assert address_is_public(ipaddress.ip_address(address))


def test_the_allow_list_takes_host_names_and_networks():
    allowed = allowed_parse(" caldav.lan , 10.0.5.0/24,,fd00::/8")
    assert allowed.permits("CalDAV.lan.", ipaddress.ip_address("192.168.1.1"))
    assert allowed.permits("other", ipaddress.ip_address("10.0.5.9"))
    assert allowed.permits("other", ipaddress.ip_address("fd00::5"))
    assert not allowed.permits("other", ipaddress.ip_address("10.0.6.1"))
    with pytest.raises(ValueError):
        allowed_parse("10.0.0.0/33")


def _answers(*addresses):
    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    return getaddrinfo


def test_a_name_resolving_inside_is_refused(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", _answers("10.0.0.7"))
    with pytest.raises(AddressRefused) as refused:
        resolve_checked("calendar.example.com", 443, allowed=NOBODY)
    assert (refused.value.host, refused.value.address) == ("calendar.example.com", "10.0.0.7")


def test_only_the_checked_addresses_are_kept(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", _answers("127.0.0.1", "93.184.215.14", "fe80::1%eth0"))
    kept = resolve_checked("mixed.example.com", 443, allowed=NOBODY)
    assert [info[4][0] for info in kept] == ["93.184.215.14"]


def test_an_allowed_host_may_resolve_inside(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", _answers("10.0.0.7"))
    assert resolve_checked("caldav.lan", 443, allowed=allowed_parse("caldav.lan"))[0][4][0] == "10.0.0.7"
