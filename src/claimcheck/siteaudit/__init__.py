"""Site audits: crawl many sites, check every page, keep an append-only, resumable result store.

`audit` and `audit_async` yield a PageResult as each page finishes; with `out=DIR` they also write
results.jsonl (resumable), errors.jsonl, sites.csv and report.html. `run_cli` is the `claimcheck audit` command.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import queue
import threading
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimcheck.fetch.client import FetchOptions
from claimcheck.fetch.extract import Regions, parse_regions
from claimcheck.siteaudit.engine import AuditConfig, PageResult, crawl_sites, index_done, parse_sites

if TYPE_CHECKING:
    from claimcheck.checker import Checker

__all__ = ["AuditConfig", "PageResult", "audit", "audit_async", "parse_sites", "run_cli"]


def _config(
    max_pages: int,
    depth: int,
    concurrency: int,
    allow_private: bool,
    lang: str | None,
    options: FetchOptions | None,
    regions: Regions = None,
) -> AuditConfig:
    fetch = options or FetchOptions()
    if allow_private:
        fetch = dataclasses.replace(fetch, allow_private=True)
    chosen = parse_regions(regions)
    return AuditConfig(
        max_pages=max_pages, depth=depth, concurrency=concurrency, lang=lang, fetch=fetch, regions=chosen
    )


async def audit_async(
    urls: Iterable[str],
    *,
    checker: Checker,
    out: str | Path | None = None,
    max_pages: int = 20,
    depth: int = 2,
    concurrency: int = 8,
    allow_private: bool = False,
    lang: str | None = None,
    options: FetchOptions | None = None,
    regions: Regions = None,
) -> AsyncIterator[PageResult]:
    """Audit sites, yielding each newly finished page; with `out`, store and resume like the CLI.

    `regions="all"` also checks menus, headers, footers and sidebars (findings say which region).
    """
    from claimcheck.siteaudit.outputs import write_outputs
    from claimcheck.siteaudit.store import ResultStore

    sites = parse_sites(urls)
    config = _config(max_pages, depth, concurrency, allow_private, lang, options, regions)
    store = ResultStore(Path(out)) if out is not None else None
    lines = store.open() if store else []
    try:
        async for result in crawl_sites(sites, checker=checker, config=config, done=index_done(lines)):
            if store:
                line = result.to_dict()
                store.append(line)
                lines.append(line)
            yield result
        if store:
            write_outputs(store, lines, sites)
    finally:
        if store:
            store.close()


def audit(urls: Iterable[str], **options: Any) -> Iterator[PageResult]:
    """Sync form of `audit_async`: the crawl runs on its own event loop in a worker thread."""
    results: queue.Queue[Any] = queue.Queue()
    done = object()
    state: dict[str, Any] = {}

    async def pump() -> None:
        try:
            async for result in audit_async(urls, **options):
                results.put(result)
        except BaseException as exc:  # handed to the consuming thread
            results.put(exc)
        finally:
            results.put(done)

    def run() -> None:
        loop = asyncio.new_event_loop()
        state["loop"] = loop
        state["task"] = loop.create_task(pump())
        try:
            loop.run_until_complete(state["task"])
        finally:
            loop.close()

    thread = threading.Thread(target=run, name="claimcheck-audit", daemon=True)
    thread.start()
    try:
        while (item := results.get()) is not done:
            if isinstance(item, BaseException):
                if isinstance(item, asyncio.CancelledError):
                    break
                raise item
            yield item
    finally:
        loop = state.get("loop")
        if thread.is_alive() and loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed between the check and the call
                loop.call_soon_threadsafe(state["task"].cancel)
        thread.join()


def run_cli(sites_file: Path, out: Path, **kwargs: Any) -> int:
    """The `claimcheck audit` command (see claimcheck.siteaudit.cli)."""
    from claimcheck.siteaudit.cli import run_cli as _run_cli

    return _run_cli(sites_file, out, **kwargs)
