"""URL checks in the service: bounded, off the text-check thread pool, and polite to each origin across requests.

A URL check spends most of its time waiting on someone else's server. It waits on the event loop (async
httpx), never in a worker thread, so slow sites cannot take the threads text checks run in; at most
`active` run at once and `waiting` more queue, beyond that the answer is 503 with Retry-After. At most
`per_origin` of them talk to one origin at a time, whoever asked. The CPU part (decode, extract, check)
runs on its own small thread limiter.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import anyio
from starlette.exceptions import HTTPException

from claimcheck.errors import FetchError, InputError
from claimcheck.fetch.client import Fetcher, FetchOptions
from claimcheck.fetch.guard import check_scheme
from claimcheck.fetch.page import check_fetched
from claimcheck.model import Report

if TYPE_CHECKING:
    from claimcheck.checker import Checker


@dataclass(frozen=True, slots=True)
class UrlLimits:
    """How many URL checks run at once, how many may wait, how many share an origin, and CPU threads."""

    active: int = 8
    waiting: int = 32
    per_origin: int = 2
    cpu_threads: int = 2
    retry_after: int = 5  # seconds, in the 503 answer when the queue is full

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> UrlLimits:
        """Defaults, overridden by CLAIMCHECK_URL_ACTIVE, _WAITING, _PER_ORIGIN and _CPU_THREADS (integers >= 1)."""
        env = os.environ if environ is None else environ
        values = {}
        for name in ("active", "waiting", "per_origin", "cpu_threads"):
            raw = env.get(f"CLAIMCHECK_URL_{name.upper()}")
            if raw is not None:
                if not raw.strip().isdigit() or int(raw) < 1:
                    raise InputError(f"CLAIMCHECK_URL_{name.upper()} must be a whole number >= 1, not {raw!r}")
                values[name] = int(raw)
        return cls(**values)


class UrlChecks:
    """The service's one gate for URL checks (create inside the running event loop, e.g. in lifespan)."""

    def __init__(self, limits: UrlLimits | None = None, options: FetchOptions | None = None) -> None:
        self.limits = limits or UrlLimits()
        self.options = options or FetchOptions()
        self._slots = asyncio.Semaphore(self.limits.active)
        self._cpu = anyio.CapacityLimiter(self.limits.cpu_threads)
        self._origins: dict[str, tuple[asyncio.Semaphore, int]] = {}
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """URL checks running or waiting now."""
        return self._admitted

    async def check(self, url: str, *, checker: Checker, lang: str | None, allow_private: bool) -> Report:
        """Fetch and check one page, or 503 at once when `active + waiting` checks are already admitted."""
        check_scheme(url)  # a bad URL is the caller's 400, not a queue place
        if self._admitted >= self.limits.active + self.limits.waiting:
            headers = {"Retry-After": str(self.limits.retry_after)}
            raise HTTPException(503, "too many URL checks in progress; retry later", headers=headers)
        self._admitted += 1
        try:
            try:  # the deadline counts the wait for a place too: nobody waits minutes behind slow sites
                async with asyncio.timeout(self.options.deadline), self._slots:
                    fetched = await self._fetch(url, allow_private)
            except TimeoutError:
                message = f"{url} was not fetched within {self.options.deadline:g} s (waiting and fetching)"
                raise FetchError(message, "timeout") from None
            work = partial(check_fetched, fetched, checker=checker, lang=lang)
            report, _ = await anyio.to_thread.run_sync(work, limiter=self._cpu)
            return report
        finally:
            self._admitted -= 1

    async def _fetch(self, url: str, allow_private: bool):
        options = self.options
        if allow_private and not options.allow_private:
            options = dataclasses.replace(options, allow_private=True)
        async with self._origin(url), Fetcher(options) as fetcher:
            return await fetcher.fetch(url)

    @asynccontextmanager
    async def _origin(self, url: str) -> AsyncIterator[None]:
        """Hold one of the origin's `per_origin` places; the entry goes when its last user leaves."""
        parts = urlsplit(url)
        key = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        gate, users = self._origins.get(key) or (asyncio.Semaphore(self.limits.per_origin), 0)
        self._origins[key] = (gate, users + 1)
        try:
            async with gate:
                yield
        finally:
            gate, users = self._origins[key]
            if users <= 1:
                del self._origins[key]
            else:
                self._origins[key] = (gate, users - 1)
