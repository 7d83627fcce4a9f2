"""Safe, polite HTTP fetching: guarded addresses, capped bodies, timeouts, robots.txt, per-host pacing, retries."""

from __future__ import annotations

import asyncio
import email.utils
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from claimcheck import __version__
from claimcheck.errors import FetchError
from claimcheck.fetch import guard
from claimcheck.fetch.body import read_capped
from claimcheck.fetch.decode import split_content_type
from claimcheck.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache

ROBOTS_AGENT = "claimcheck"
USER_AGENT = f"{ROBOTS_AGENT}/{__version__} (stem-cell claim audit; +https://github.com/claimcheck/claimcheck)"
CHECKED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
REDIRECTS = (301, 302, 303, 307, 308)
RETRY_STATUSES = (429, 503)


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits and manners; the defaults suit real sites, tests shrink the delays."""

    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()  # trusted even though private, e.g. ("10.20.0.0/16",)
    max_bytes: int = 5 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # one request (one hop) from connect to the end of its body
    deadline: float = 60.0  # the whole fetch: robots.txt, every redirect hop, retries, pauses and the body
    max_redirects: int = 5
    obey_robots: bool = True
    host_delay: float = 1.0
    max_crawl_delay: float = 30.0
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 30.0
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page: where it ended up, what it said it was, and its (decompressed) body."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    redirects: tuple[str, ...] = ()
    fetched_at: str = field(default_factory=lambda: now_iso())

    @property
    def is_html(self) -> bool:
        return self.content_type != "text/plain"


def now_iso() -> str:
    """The current UTC time, to the second, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Fetcher:
    """One shared httpx client; use as `async with Fetcher(options) as f: await f.fetch(url)`."""

    def __init__(self, options: FetchOptions | None = None) -> None:
        self.options = options or FetchOptions()
        self._client: httpx.AsyncClient | None = None
        self._gates: dict[str, _HostGate] = {}
        self.robots = RobotsCache(ROBOTS_AGENT, self._get_robots)

    async def __aenter__(self) -> Fetcher:
        o = self.options
        transport = httpx.AsyncHTTPTransport(trust_env=False, limits=httpx.Limits(max_connections=200))
        guard.install(transport, allow_private=o.allow_private, allowed=o.allowed_networks)
        self._client = httpx.AsyncClient(
            transport=transport,
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(o.read_timeout, connect=o.connect_timeout),
            headers={
                "User-Agent": o.user_agent,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
                "Accept-Language": "en,zh-CN;q=0.9,zh-TW;q=0.9,zh;q=0.8",
                "Accept-Encoding": "gzip, deflate",
            },
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(self, url: str) -> Fetched:
        """GET a page, following at most `max_redirects` redirects, every hop guarded and robots-checked.

        All of it (robots.txt, hops, retries, host pauses, bodies) must end within `deadline` seconds: a server
        that drips each response just under the per-request limit cannot stretch one check to minutes."""
        try:
            async with asyncio.timeout(self.options.deadline):
                return await self._fetch(url)
        except TimeoutError:
            message = f"{url} took longer than {self.options.deadline:g} s (robots.txt, redirects and body together)"
            raise FetchError(message, "timeout") from None

    async def _fetch(self, url: str) -> Fetched:
        chain: list[str] = []
        current = url
        for _hop in range(self.options.max_redirects + 1):
            guard.check_scheme(current)
            if self.options.obey_robots and not await self.robots.allowed(current):
                raise FetchError(f"robots.txt disallows {current} for {ROBOTS_AGENT}", "robots_disallowed")
            if self.options.obey_robots:
                await self._apply_crawl_delay(current)
            status, headers, body = await self._get(current, checked_types=True, max_bytes=self.options.max_bytes)
            location = headers.get("location")
            if status in REDIRECTS and location:
                current = urljoin(current, location.strip())
                chain.append(current)
                continue
            mime, charset = _content_type(headers)
            return Fetched(url, current, status, mime or "text/html", charset, body, tuple(chain))
        raise FetchError(f"more than {self.options.max_redirects} redirects from {url}", "too_many_redirects")

    async def _get_robots(self, url: str) -> tuple[int, bytes]:
        current = url
        for _hop in range(self.options.max_redirects + 1):
            guard.check_scheme(current)
            status, headers, body = await self._get(current, checked_types=False, max_bytes=ROBOTS_MAX_BYTES)
            if status in REDIRECTS and headers.get("location"):
                current = urljoin(current, headers["location"].strip())
                continue
            return status, body
        return 404, b""

    async def _get(self, url: str, *, checked_types: bool, max_bytes: int) -> tuple[int, httpx.Headers, bytes]:
        """One hop, retried on 429/503 (honouring Retry-After) with exponential backoff."""
        o = self.options
        gate = self._gate_for(url)
        for attempt in range(o.retries + 1):
            async with gate.turn():
                status, headers, body = await self._once(url, checked_types=checked_types, max_bytes=max_bytes)
            if status not in RETRY_STATUSES:
                if status >= 400:
                    raise FetchError(f"HTTP {status} from {url}", f"http_{status}")
                return status, headers, body
            wait = _retry_after(headers.get("retry-after"))
            wait = o.backoff * 2**attempt if wait is None else wait
            if attempt == o.retries or wait > o.max_retry_after:
                raise FetchError(f"HTTP {status} from {url} (gave up after {attempt + 1} attempt(s))", f"http_{status}")
            gate.hold_off(wait)
        raise AssertionError("unreachable")

    async def _once(self, url: str, *, checked_types: bool, max_bytes: int) -> tuple[int, httpx.Headers, bytes]:
        assert self._client is not None, "use Fetcher as an async context manager"
        try:
            async with asyncio.timeout(self.options.total_timeout):
                async with self._client.stream("GET", url) as resp:
                    if resp.status_code in REDIRECTS or resp.status_code >= 400:
                        return resp.status_code, resp.headers, b""
                    mime, _ = _content_type(resp.headers)
                    if checked_types and mime and mime not in CHECKED_TYPES:
                        raise FetchError(f"{url} is {mime}, not HTML or text; skipped", "unsupported_type")
                    return resp.status_code, resp.headers, await read_capped(resp, max_bytes)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(f"{url} took longer than {self.options.total_timeout:g} s", "timeout") from None
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out fetching {url} ({type(exc).__name__})", "timeout") from None
        except httpx.HTTPError as exc:
            raise _map_error(url, exc) from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"not a fetchable URL: {url[:200]!r} ({exc})", "bad_url") from None
        except (OSError, ValueError, ExceptionGroup) as exc:  # anything the transport lets through
            raise FetchError(f"fetching {url} failed: {type(exc).__name__}: {exc}", "network") from None

    def _gate_for(self, url: str) -> _HostGate:
        key = urlsplit(url).netloc.lower()
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = _HostGate(self.options.host_delay)
        return gate

    async def _apply_crawl_delay(self, url: str) -> None:
        """Slow down to the host's robots.txt Crawl-delay (capped), once per host."""
        gate = self._gate_for(url)
        if not gate.crawl_delay_applied:
            gate.crawl_delay_applied = True
            delay = await self.robots.crawl_delay(url)
            if delay:
                gate.delay = max(gate.delay, min(delay, self.options.max_crawl_delay))


class _HostGate:
    """One request at a time per host, and at least `delay` seconds between the end of one and the next."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.crawl_delay_applied = False
        self._lock = asyncio.Lock()
        self._next = 0.0

    def hold_off(self, seconds: float) -> None:
        self._next = max(self._next, time.monotonic() + seconds)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        async with self._lock:
            wait = self._next - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self.hold_off(self.delay)


def _content_type(headers: httpx.Headers) -> tuple[str, str | None]:
    return split_content_type(headers.get("content-type", ""))


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _map_error(url: str, exc: httpx.HTTPError) -> FetchError:
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, ssl.SSLError) or "SSL" in str(exc) or "CERTIFICATE" in str(exc).upper():
        return FetchError(f"TLS failed for {url}: {exc}", "tls")
    if isinstance(exc, httpx.ConnectError):
        return FetchError(f"cannot connect to {url}: {exc}", "connect")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FetchError(f"not a fetchable URL: {url}", "bad_url")
    return FetchError(f"fetching {url} failed: {type(exc).__name__}: {exc}", "network")
