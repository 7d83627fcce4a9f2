"""The address guard: only http(s); private, loopback, link-local, multicast and reserved addresses refused,
on the first hop and after every redirect, unless allow_private."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress

import pytest
from siteserver import SiteServer

from claimcheck.errors import FetchError
from claimcheck.fetch.client import Fetcher, FetchOptions
from claimcheck.fetch.guard import blocked_reason, check_addresses, check_scheme

pytest_plugins = ["siteserver"]  # the server and fast fixtures


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata endpoint
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6 must not sneak past
        ("::ffff:10.0.0.1", "private"),
    ],
)
def test_blocked_addresses(address, reason):
    assert blocked_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert blocked_reason(ipaddress.ip_address(address)) is None


def test_one_private_address_among_public_ones_refuses_the_host():
    with pytest.raises(FetchError) as err:
        check_addresses("mixed.example", ["93.184.216.34", "10.0.0.5"], allow_private=False)
    assert err.value.reason == "blocked_address"
    assert check_addresses("mixed.example", ["93.184.216.34", "10.0.0.5"], allow_private=True)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/x", "bad_scheme"),
        ("file:///etc/passwd", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("gopher://example.com/", "bad_scheme"),
        ("http:///nohost", "bad_url"),
        ("http://127.0.0.1:99999/", "bad_url"),
        ("http://a.test/\r\nX-Injected: 1", "bad_url"),
        ("http://a\x00b.test/", "bad_url"),
    ],
)
def test_only_http_and_https(url, reason):
    with pytest.raises(FetchError) as err:
        check_scheme(url)
    assert err.value.reason == reason


def _fetch(url: str, options: FetchOptions):
    async def go():
        async with Fetcher(options) as f:
            return await f.fetch(url)

    return asyncio.run(go())


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_refused_without_allow_private(server, fast, host):
    server.page("/", "<p>hi</p>")
    with pytest.raises(FetchError) as err:
        _fetch(f"http://{host}:{server.port}/", dataclasses.replace(fast, allow_private=False))
    assert err.value.reason == "blocked_address"
    assert "--allow-private" in str(err.value)
    assert server.hits["/"] == 0


def test_allowed_with_allow_private(server, fast):
    server.page("/", "<p>hi</p>")
    assert _fetch(server.url("/"), fast).status == 200


def test_redirect_to_private_address_is_refused_on_the_hop():
    """The first host passes the guard, its redirect points at a loopback address: refused, never contacted."""
    public_ish = SiteServer("127.0.0.2")
    private = SiteServer("127.0.0.1")
    try:
        private.page("/secret", "<p>internal admin</p>")
        public_ish.redirect("/go", private.url("/secret"))
        options = FetchOptions(allow_private=False, host_delay=0, obey_robots=False, allowed_networks=("127.0.0.2/32",))
        with pytest.raises(FetchError) as err:
            _fetch(public_ish.url("/go"), options)
        assert err.value.reason == "blocked_address"
        assert public_ish.hits["/go"] == 1 and private.hits["/secret"] == 0
        # the same chain is followed when private addresses are allowed
        allowed = dataclasses.replace(options, allow_private=True)
        fetched = _fetch(public_ish.url("/go"), allowed)
        assert fetched.final_url == private.url("/secret") and b"internal admin" in fetched.body
    finally:
        public_ish.close()
        private.close()
