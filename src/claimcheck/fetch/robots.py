"""robots.txt (RFC 9309) per origin, parsed with protego and cached for the life of a Fetcher."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from protego import Protego

from claimcheck.errors import FetchError

ROBOTS_MAX_BYTES = 512 * 1024
RobotsGetter = Callable[[str], Awaitable[tuple[int, bytes]]]


class RobotsCache:
    """Answers 'may this agent fetch this URL?' fetching each origin's robots.txt once."""

    def __init__(self, agent: str, get: RobotsGetter) -> None:
        self._agent = agent
        self._get = get
        self._rules: dict[str, Protego | bool] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, url: str) -> bool:
        """True when robots.txt allows `url` (a missing or unreachable robots.txt allows everything)."""
        rules = await self._rules_for(_origin(url))
        if isinstance(rules, bool):
            return rules
        return bool(rules.can_fetch(url, self._agent))

    async def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay robots.txt asks of this agent, if any."""
        rules = await self._rules_for(_origin(url))
        if isinstance(rules, bool):
            return None
        delay = rules.crawl_delay(self._agent)
        return float(delay) if delay is not None else None

    async def _rules_for(self, origin: str) -> Protego | bool:
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._rules:
                self._rules[origin] = await self._load(origin)
            return self._rules[origin]

    async def _load(self, origin: str) -> Protego | bool:
        """RFC 9309: 4xx means allow all, 5xx means disallow all; a network failure lets the page fail itself."""
        try:
            status, body = await self._get(origin + "/robots.txt")
        except FetchError as exc:
            if exc.reason.startswith("http_4"):
                return True
            if exc.reason.startswith("http_5"):
                return False
            return True
        if status >= 400:
            return status < 500
        try:
            return Protego.parse(body.decode("utf-8", errors="replace"))
        except Exception:  # a robots.txt protego cannot parse is treated as absent
            return True


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
