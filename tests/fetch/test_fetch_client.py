"""Safe fetching against real loopback servers: redirects, caps, timeouts, types, robots.txt, pacing, retries."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest
from siteserver import bomb, endless, flaky, gzipped, slow

from claimcheck.errors import FetchError
from claimcheck.fetch.client import USER_AGENT, Fetcher, FetchOptions, _retry_after

pytest_plugins = ["siteserver"]  # the server and fast fixtures


def fetch(url: str, options: FetchOptions):
    async def go():
        async with Fetcher(options) as f:
            return await f.fetch(url)

    return asyncio.run(go())


def reason_of(url: str, options: FetchOptions) -> str:
    with pytest.raises(FetchError) as err:
        fetch(url, options)
    return err.value.reason


def test_redirect_chain_is_followed_and_recorded(server, fast):
    server.redirect("/a", "/b", 301)
    server.redirect("/b", server.url("/c"), 302)
    server.redirect("/c", "d", 307)
    server.page("/d", "<h1>Stem cells</h1>")
    got = fetch(server.url("/a"), fast)
    assert got.final_url == server.url("/d")
    assert got.redirects == (server.url("/b"), server.url("/c"), server.url("/d"))
    assert got.status == 200 and b"Stem cells" in got.body


def test_at_most_five_redirects(server, fast):
    for i in range(7):
        server.redirect(f"/r{i}", f"/r{i + 1}")
    server.page("/r7", "<p>end</p>")
    server.page("/r5", "<p>five hops</p>")
    assert fetch(server.url("/r0"), fast).final_url == server.url("/r5")  # exactly 5 redirects is fine
    server.redirect("/r5", "/r6")
    assert reason_of(server.url("/r0"), fast) == "too_many_redirects"
    assert server.hits["/r6"] == 0


def test_redirect_to_another_scheme_is_refused(server, fast):
    server.redirect("/ftp", "ftp://example.com/file")
    assert reason_of(server.url("/ftp"), fast) == "bad_scheme"


def test_404_and_500(server, fast):
    assert reason_of(server.url("/missing"), fast) == "http_404"
    server.page("/boom", "oops", status=500)
    assert reason_of(server.url("/boom"), fast) == "http_500"


@pytest.mark.parametrize("ctype", ["image/png", "application/pdf", "application/octet-stream", "application/json"])
def test_other_content_types_are_skipped_without_reading_the_body(server, fast, ctype):
    server.page("/file", b"\x89PNG\r\n\x1a\n" + b"\0" * 1000, content_type=ctype)
    assert reason_of(server.url("/file"), fast) == "unsupported_type"


@pytest.mark.parametrize("ctype", ["text/html", "application/xhtml+xml; charset=utf-8", "text/plain; charset=utf-8"])
def test_html_xhtml_and_text_are_fetched(server, fast, ctype):
    server.page("/ok", "<p>hello</p>", content_type=ctype)
    assert fetch(server.url("/ok"), fast).content_type == ctype.split(";")[0]


def test_slow_endpoint_times_out(server, fast):
    server.route("/slow", slow(3.0))
    started = time.monotonic()
    assert reason_of(server.url("/slow"), dataclasses.replace(fast, read_timeout=0.5)) == "timeout"
    assert time.monotonic() - started < 2.5


def test_total_timeout_bounds_a_trickling_body(server, fast):
    server.route("/endless", endless)
    options = dataclasses.replace(fast, total_timeout=0.5, max_bytes=10**12)
    started = time.monotonic()
    assert reason_of(server.url("/endless"), options) == "timeout"
    assert time.monotonic() - started < 2.5


def test_endless_body_is_cut_at_the_cap(server, fast):
    server.route("/endless", endless)
    options = dataclasses.replace(fast, max_bytes=1_000_000, total_timeout=20)
    started = time.monotonic()
    assert reason_of(server.url("/endless"), options) == "too_large"
    assert time.monotonic() - started < 5


def test_gzip_bomb_is_cut_after_decompression(server, fast):
    """64 MB of spaces in ~70 KB of gzip: the 5 MB default cap counts decompressed bytes."""
    server.route("/bomb", bomb)
    assert reason_of(server.url("/bomb"), dataclasses.replace(fast, max_bytes=FetchOptions().max_bytes)) == "too_large"


def test_gzip_page_is_decompressed(server, fast):
    server.route("/gz", gzipped("<p>干细胞</p>".encode()))
    assert "干细胞".encode() in fetch(server.url("/gz"), fast).body


def test_declared_length_over_the_cap_fails_fast(server, fast):
    server.page("/big", b"x" * 200_000)
    assert reason_of(server.url("/big"), dataclasses.replace(fast, max_bytes=100_000)) == "too_large"


def test_robots_txt_disallow_is_obeyed_with_identifying_agent(server, fast):
    server.page("/robots.txt", "User-agent: claimcheck\nDisallow: /private/\n", content_type="text/plain")
    server.page("/private/page", "<p>secret</p>")
    server.page("/public", "<p>ok</p>")
    agents = []
    original = server.routes["/robots.txt"]
    server.route("/robots.txt", lambda h: (agents.append(h.headers["User-Agent"]), original(h)))

    async def go():
        async with Fetcher(fast) as f:
            with pytest.raises(FetchError) as err:
                await f.fetch(server.url("/private/page"))
            return err.value.reason, (await f.fetch(server.url("/public"))).status

    assert asyncio.run(go()) == ("robots_disallowed", 200)
    assert server.hits["/private/page"] == 0
    assert server.hits["/robots.txt"] == 1  # read once per origin
    assert agents == [USER_AGENT] and USER_AGENT.startswith("claimcheck/")


def test_robots_disallow_applies_after_a_redirect(server, fast):
    server.page("/robots.txt", "User-agent: *\nDisallow: /hidden\n", content_type="text/plain")
    server.redirect("/open", "/hidden")
    assert reason_of(server.url("/open"), fast) == "robots_disallowed"


def test_robots_5xx_means_disallow_all_and_404_allow_all(server, fast):
    server.page("/robots.txt", "down", status=500)
    server.page("/p", "<p>x</p>")
    assert reason_of(server.url("/p"), fast) == "robots_disallowed"
    server.page("/robots.txt", "nope", status=404)
    assert fetch(server.url("/p"), fast).status == 200  # a fresh Fetcher reads robots.txt again


def test_robots_can_be_ignored_when_asked(server, fast):
    server.page("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    server.page("/p", "<p>x</p>")
    assert fetch(server.url("/p"), dataclasses.replace(fast, obey_robots=False)).status == 200


@pytest.mark.parametrize("status", [429, 503])
def test_429_and_503_are_retried(server, fast, status):
    server.route("/busy", flaky(status, failures=2))
    assert fetch(server.url("/busy"), fast).body == b"<p>ok now</p>"
    assert server.hits["/busy"] == 3


def test_retry_after_is_honoured(server, fast):
    server.route("/busy", flaky(429, failures=1, retry_after="1"))
    started = time.monotonic()
    fetch(server.url("/busy"), fast)
    assert time.monotonic() - started >= 0.9


def test_gives_up_after_retries_or_a_long_retry_after(server, fast):
    server.route("/down", flaky(503, failures=100))
    assert reason_of(server.url("/down"), fast) == "http_503"
    assert server.hits["/down"] == fast.retries + 1
    server.route("/later", flaky(429, failures=100, retry_after="3600"))
    assert reason_of(server.url("/later"), fast) == "http_429"
    assert server.hits["/later"] == 1


def test_retry_after_http_date():
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert _retry_after("120") == 120.0
    assert _retry_after("soon") is None


def test_one_request_at_a_time_per_host_with_a_minimum_delay(server, fast):
    for i in range(4):
        server.route(f"/p{i}", slow(0.1))
    options = dataclasses.replace(fast, host_delay=0.2, obey_robots=False)

    async def go():
        async with Fetcher(options) as f:
            await asyncio.gather(*(f.fetch(server.url(f"/p{i}")) for i in range(4)))

    asyncio.run(go())
    assert server.max_active == 1
    spans = sorted((start, end) for start, end, path in server.log if path.startswith("/p"))
    gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:], strict=False)]
    assert len(spans) == 4 and min(gaps) >= 0.18


def test_crawl_delay_from_robots_slows_the_host(server, fast):
    server.page("/robots.txt", "User-agent: *\nCrawl-delay: 0.3\n", content_type="text/plain")
    server.page("/a", "<p>a</p>")
    server.page("/b", "<p>b</p>")

    async def go():
        async with Fetcher(fast) as f:
            await f.fetch(server.url("/a"))
            t = time.monotonic()
            await f.fetch(server.url("/b"))
            return time.monotonic() - t

    assert asyncio.run(go()) >= 0.25


def test_connection_refused_is_a_connect_error(fast):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    assert reason_of(f"http://127.0.0.1:{port}/", fast) == "connect"
