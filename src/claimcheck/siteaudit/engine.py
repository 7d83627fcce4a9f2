"""Crawl and check many sites at once: per site, the start page then its most relevant same-site links.

The crawl order is a pure function of what the pages contain, so a resumed run replays finished pages
from results.jsonl (their stored links) and fetches exactly the pages an uninterrupted run would have.
"""

from __future__ import annotations

import asyncio
import heapq
import re
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from claimcheck.errors import ClaimcheckError, FetchError
from claimcheck.fetch.client import Fetcher, FetchOptions, now_iso
from claimcheck.fetch.crawl import normalize_url, select_links, site_key, url_problem
from claimcheck.fetch.page import check_fetched
from claimcheck.model import Report

if TYPE_CHECKING:
    from claimcheck.checker import Checker

SKIP_REASONS = frozenset({"unsupported_type", "robots_disallowed"})
MAX_LINKS_KEPT = 200
_DONE = object()
_SITE_DONE = "site_done"


@dataclass(frozen=True, slots=True)
class AuditConfig:
    """How far to go per site and how many sites at once."""

    max_pages: int = 20
    depth: int = 2
    concurrency: int = 8
    lang: str | None = None
    fetch: FetchOptions = field(default_factory=FetchOptions)
    regions: tuple[str, ...] = ("main",)  # page regions checked; ("main",) leaves menus, footers, sidebars out


@dataclass(frozen=True, slots=True)
class PageResult:
    """One finished page: its Report when it was checked, else why not."""

    site: str
    url: str
    depth: int
    status: str  # "checked" | "error" | "skipped"
    fetched_at: str
    report: Report | None = None
    final_url: str | None = None
    error: dict[str, str] | None = None
    links: tuple[tuple[str, float], ...] = ()

    @property
    def flagged(self) -> bool:
        return self.report is not None and self.report.flagged

    def to_dict(self) -> dict[str, Any]:
        """The results.jsonl line: the Report JSON plus where and when (and, on failure, why)."""
        base: dict[str, Any] = self.report.to_dict() if self.report else {"flagged": False, "findings": []}
        return base | {
            "url": self.url,
            "site": self.site,
            "fetched_at": self.fetched_at,
            "status": self.status,
            "depth": self.depth,
            "final_url": self.final_url,
            "error": self.error,
            "links": [[u, s] for u, s in self.links],
        }


@dataclass(frozen=True, slots=True)
class SiteLine:
    """One non-blank, non-comment line of a site list, validated before anything is fetched."""

    number: int
    written: str  # the line as written (stripped)
    site: str  # the normalized URL, or the line itself when it is no fetchable URL
    problem: str | None = None  # why it can never be fetched
    assumed_https: bool = False  # a bare host ("example.org") that https:// was put in front of


def parse_sites(lines: Iterable[str]) -> list[str]:
    """Site URLs from text lines: blanks and # comments ignored, a bare host gets https://, duplicates merged.

    A line that is no fetchable URL is kept exactly as written: its crawl records why (see `bad_site_lines`)."""
    return list(dict.fromkeys(line.site for line in read_site_lines(lines)))


def bad_site_lines(lines: Iterable[str]) -> list[tuple[int, str, str]]:
    """(line number, the line as written, why it cannot be fetched) for every unusable line of a site list."""
    return [(line.number, line.site, line.problem) for line in read_site_lines(lines) if line.problem]


def read_site_lines(lines: Iterable[str]) -> list[SiteLine]:
    """Every URL line of a site list with its number, its normalized form and, if it has one, its problem."""
    found = []
    for number, raw in enumerate(lines, 1):
        line = raw.strip().lstrip("\ufeff").strip()
        if line and not line.startswith("#"):
            found.append(_site_line(number, line))
    return found


def site_problem(site: str) -> FetchError | None:
    """Why a site-list entry (a URL, or a bare host that gets https://) can never be fetched, or None."""
    scheme = _SCHEME.match(site)
    if "://" not in site and scheme:  # "mailto:x@y.org", "javascript:...", "http:/x.org" (but not "host:8080")
        name = scheme.group(1).lower()
        if name in ("http", "https"):
            return FetchError(f"malformed URL (write {name}://host/...): {site[:200]!r}", "bad_url")
        return FetchError(f"only http and https URLs are fetched, not {name!r}: {site[:200]!r}", "bad_scheme")
    problem = url_problem(site if "://" in site else "https://" + site)
    if problem is not None and "://" not in site and problem.reason == "bad_url":
        return FetchError(f"neither a URL nor a host name: {site[:200]!r}", "bad_url")
    return problem


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?!\d)")


def _site_line(number: int, line: str) -> SiteLine:
    problem = site_problem(line)
    bare = "://" not in line
    if problem is None:
        return SiteLine(number, line, normalize_url("https://" + line if bare else line), None, bare)
    # normalized only when that keeps it recognisable ("garbage" must not become "https:///")
    normal = None if bare else _normalized_or_none(line)
    return SiteLine(number, line, normal or line, str(problem))


def _normalized_or_none(url: str) -> str | None:
    try:
        normal = normalize_url(url)
        return normal if urlsplit(normal).hostname else None
    except ValueError:
        return None


def index_done(lines: Iterable[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """site -> url -> finished line, for replaying a crawl without fetching again."""
    done: dict[str, dict[str, dict[str, Any]]] = {}
    for line in lines:
        done.setdefault(str(line.get("site")), {}).setdefault(str(line.get("url")), line)
    return done


async def crawl_sites(
    sites: list[str],
    *,
    checker: Checker,
    config: AuditConfig,
    done: dict[str, dict[str, dict[str, Any]]] | None = None,
    site_done: Callable[[str], None] | None = None,
) -> AsyncIterator[PageResult]:
    """Yield each newly checked page as it finishes; `concurrency` sites are crawled at once."""
    done = done or {}
    queue: asyncio.Queue[Any] = asyncio.Queue()
    pending = list(sites)
    async with Fetcher(config.fetch) as fetcher:

        async def worker() -> None:
            while pending:
                site = pending.pop(0)
                await crawl_site(
                    site,
                    fetcher=fetcher,
                    checker=checker,
                    config=config,
                    done=done.get(site, {}),
                    emit=queue.put_nowait,
                )
                if site_done is not None:
                    queue.put_nowait((_SITE_DONE, site))

        async def run_all() -> None:
            try:
                await asyncio.gather(*(worker() for _ in range(max(1, min(config.concurrency, len(sites))))))
            finally:
                queue.put_nowait(_DONE)

        runner = asyncio.create_task(run_all())
        try:
            while (item := await queue.get()) is not _DONE:
                if isinstance(item, tuple):
                    if site_done is not None:
                        site_done(item[1])
                    continue
                yield item
            await runner
        finally:
            if not runner.done():
                runner.cancel()
                await asyncio.gather(runner, return_exceptions=True)


async def crawl_site(
    site: str,
    *,
    fetcher: Fetcher,
    checker: Checker,
    config: AuditConfig,
    done: dict[str, dict[str, Any]],
    emit: Callable[[PageResult], None],
) -> None:
    """Best-first crawl of one site up to `depth` and `max_pages`; finished pages are replayed, not fetched."""
    problem = site_problem(site)
    if problem:  # a site-list line that is no URL: one error result, and the other sites go on
        if site not in done:
            error = {"reason": problem.reason, "message": str(problem)}
            status = "skipped" if problem.reason in SKIP_REASONS else "error"
            emit(PageResult(site, site, 0, status, now_iso(), error=error))
        return
    hosts = {site_key(site)}
    heap: list[tuple[float, int, str]] = [(float("-inf"), 0, site)]
    visited: set[str] = set()
    while heap and len(visited) < config.max_pages:
        _, depth, url = heapq.heappop(heap)
        if url in visited:
            continue
        visited.add(url)
        line = done.get(url)
        if line is not None:
            final, links = line.get("final_url"), [(str(u), float(s)) for u, s in line.get("links") or []]
        else:
            result = await check_page(
                site,
                url,
                depth,
                fetcher=fetcher,
                checker=checker,
                hosts=hosts,
                lang=config.lang,
                regions=config.regions,
            )
            emit(result)
            final, links = result.final_url, list(result.links)
        if depth == 0 and final:
            hosts.add(site_key(final))
        if depth < config.depth:
            for link, score in links:
                if link not in visited:
                    heapq.heappush(heap, (-score, depth + 1, link))


async def check_page(
    site: str,
    url: str,
    depth: int,
    *,
    fetcher: Fetcher,
    checker: Checker,
    hosts: set[str],
    lang: str | None,
    regions: tuple[str, ...] = ("main",),
) -> PageResult:
    """Fetch and check one page; every failure becomes a result with a reason, never an exception."""
    started = now_iso()
    try:
        fetched = await fetcher.fetch(url)
        report, extracted = await asyncio.to_thread(check_fetched, fetched, checker=checker, lang=lang, regions=regions)
        page_hosts = hosts | {site_key(fetched.final_url)} if depth == 0 else hosts
        links = tuple(select_links(extracted.links, page_hosts)[:MAX_LINKS_KEPT])
        return PageResult(site, url, depth, "checked", fetched.fetched_at, report, fetched.final_url, None, links)
    except FetchError as exc:
        status = "skipped" if exc.reason in SKIP_REASONS else "error"
        return PageResult(site, url, depth, status, started, error={"reason": exc.reason, "message": str(exc)})
    except ClaimcheckError as exc:
        return PageResult(site, url, depth, "error", started, error={"reason": "input", "message": str(exc)})
    except Exception as exc:  # one odd page must never stop the batch
        message = f"{type(exc).__name__}: {exc}"
        return PageResult(site, url, depth, "error", started, error={"reason": "internal_error", "message": message})
