"""Address guard: only http(s), and never a private, loopback, link-local, multicast or reserved address.

The check runs where the socket is opened (GuardedBackend), so every redirect hop and every new
connection is checked, and the socket goes to the very address that was checked (no DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore

from claimcheck.errors import FetchError

ALLOWED_SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def check_scheme(url: str) -> None:
    """Refuse anything but an absolute http or https URL with a host."""
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        raise FetchError(f"not a valid URL (control characters): {url[:200]!r}", "bad_url")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises on a port out of range
    except ValueError as exc:
        raise FetchError(f"not a valid URL: {url[:200]!r} ({exc})", "bad_url") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise FetchError(
            f"only http and https URLs are fetched, not {parts.scheme or 'no scheme'!r}: {url}", "bad_scheme"
        )
    if not host:
        raise FetchError(f"the URL has no host: {url}", "bad_url")


# IANA special-purpose blocks Python's ipaddress still counts as global (or does not know yet).
EXTRA_DENIED: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(net), name)
    for net, name in (
        ("192.0.0.0/24", "IETF protocol assignment"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("fec0::/10", "site-local"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "SRv6 SID"),
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(ip: IPAddress) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 address wraps (mapped, 6to4, Teredo client, NAT64), with the form's name."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", ip.ipv4_mapped
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour
    if ip.teredo is not None:
        return "Teredo", ip.teredo[1]
    if ip in _NAT64:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def blocked_reason(ip: IPAddress) -> str | None:
    """Why this address must not be contacted, or None when it is a public unicast address.

    An IPv6 form that wraps an IPv4 address is judged by the address it wraps (6to4 of 127.0.0.1 is loopback)."""
    wrapped = embedded_ipv4(ip)
    if wrapped is not None:
        form, inner = wrapped
        reason = blocked_reason(inner)
        if reason:
            return reason if form == "IPv4-mapped" else f"{reason} ({form} form of {inner})"
        if form in ("IPv4-mapped", "6to4", "NAT64"):
            return None  # a public IPv4 address behind a translating prefix
    special = next((name for net, name in EXTRA_DENIED if ip.version == net.version and ip in net), None)
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        (special or "", special is not None),
        ("not globally routable", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def check_addresses(
    host: str, addresses: Iterable[str], *, allow_private: bool, allowed: tuple[IPNetwork, ...] = ()
) -> list[str]:
    """Return the addresses if every one is allowed; one blocked address refuses the host.

    `allowed` lists networks trusted even though private (an intranet mirror, a test server)."""
    checked = list(dict.fromkeys(addresses))
    if not checked:
        raise FetchError(f"{host} did not resolve to any address", "dns")
    if allow_private:
        return checked
    for text in checked:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
        if any(ip in net for net in allowed):
            continue
        reason = blocked_reason(ip)
        if reason:
            raise FetchError(
                f"refused {host}: it resolves to {text}, a {reason} address (use --allow-private to allow)",
                "blocked_address",
            )
    return checked


async def resolve(host: str, port: int, *, timeout: float | None = None) -> list[str]:
    """All addresses of `host` (an IP literal resolves to itself); FetchError('dns') when it does not resolve."""
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}", "dns") from None
    except TimeoutError:
        raise FetchError(f"resolving {host} timed out", "timeout") from None
    return [str(info[4][0]) for info in infos]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves, checks every address, then connects to a checked IP."""

    def __init__(
        self, inner: httpcore.AsyncNetworkBackend, *, allow_private: bool, allowed: tuple[IPNetwork, ...] = ()
    ) -> None:
        self._inner = inner
        self._allow_private = allow_private
        self._allowed = allowed

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first reachable checked address (TLS still verifies the original host name)."""
        resolved = await resolve(host, port, timeout=timeout)
        addresses = check_addresses(host, resolved, allow_private=self._allow_private, allowed=self._allowed)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None):
        """Unix sockets are never used for fetching."""
        raise FetchError("unix sockets are not allowed", "blocked_address")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def parse_networks(networks: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Trusted networks from strings such as '10.0.0.0/8' or '192.168.1.20'."""
    return tuple(ipaddress.ip_network(n, strict=False) for n in networks)


def install(transport: Any, *, allow_private: bool, allowed: Iterable[str] = ()) -> None:
    """Put the guard in front of an httpx.AsyncHTTPTransport's connection pool (fails loudly if httpx changes)."""
    pool = transport._pool
    if not hasattr(pool, "_network_backend"):
        raise RuntimeError("this httpx/httpcore version has no pluggable network backend; cannot guard addresses")
    backend = GuardedBackend(pool._network_backend, allow_private=allow_private, allowed=parse_networks(allowed))
    pool._network_backend = backend
