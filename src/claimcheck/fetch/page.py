"""One page -> one located Report: fetch, decode, extract, check the extracted text, locate every finding."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from claimcheck.fetch.client import Fetched, Fetcher, FetchOptions
from claimcheck.fetch.decode import decode_page
from claimcheck.fetch.extract import Extracted, Regions, extract_html, extract_plain
from claimcheck.model import Report

if TYPE_CHECKING:
    from claimcheck.checker import Checker

T = TypeVar("T")


def extract_fetched(fetched: Fetched, regions: Regions = None) -> tuple[Extracted, dict[str, Any]]:
    """Decode and extract a fetched body (the main region unless `regions` says more); the dict says how."""
    decoded = decode_page(fetched.body, header_charset=fetched.charset, is_html=fetched.is_html)
    if fetched.is_html:
        extracted = extract_html(decoded.text, fetched.final_url, regions=regions)
    else:
        extracted = extract_plain(decoded.text)
    return extracted, {"encoding": decoded.encoding, "encoding_source": decoded.source}


def locate(report: Report, extracted: Extracted, url: str | None) -> Report:
    """Give every finding its place on the page: URL, offsets in the extracted text, heading, DOM path, region."""
    located = []
    for f in report.findings:
        block = extracted.locate(f.start)
        where: dict[str, Any] = {"url": url, "start": f.start, "end": f.end}
        if block is not None:
            where |= {"heading": block.heading, "block": block.kind, "path": block.path, "region": block.region}
        else:
            where |= {"heading": None, "block": None, "path": None, "region": None}
        located.append(dataclasses.replace(f, location=where))
    return dataclasses.replace(report, findings=tuple(located))


def check_extracted(extracted: Extracted, *, checker: Checker, lang: str | None, source: dict[str, Any]) -> Report:
    """Run the checker on the extracted text and locate what it found."""
    source = {
        **source,
        "title": extracted.title,
        "html_lang": extracted.lang,
        "blocks": len(extracted.blocks),
        "characters": len(extracted.text),
        "regions": list(extracted.regions),
        "outside_characters": dict(extracted.outside),
    }
    report = checker.check_text(extracted.text, lang=lang, source=source)
    return locate(report, extracted, source.get("final_url") or source.get("url"))


def check_fetched(
    fetched: Fetched, *, checker: Checker, lang: str | None = None, regions: Regions = None
) -> tuple[Report, Extracted]:
    """Check an already fetched page (CPU work only: safe to run in a worker thread)."""
    extracted, how = extract_fetched(fetched, regions)
    source = {
        "kind": "url",
        "url": fetched.url,
        "final_url": fetched.final_url,
        "status": fetched.status,
        "content_type": fetched.content_type,
        "redirects": list(fetched.redirects),
        "fetched_at": fetched.fetched_at,
        **how,
    }
    return check_extracted(extracted, checker=checker, lang=lang, source=source), extracted


def check_html(
    html: str, *, checker: Checker, lang: str | None = None, url: str | None = None, regions: Regions = None
) -> Report:
    """Check an HTML document already in hand (a saved file, say); `url` is where it came from."""
    extracted = extract_html(html, url, regions=regions)
    return check_extracted(extracted, checker=checker, lang=lang, source={"kind": "html", "url": url})


async def check_url_async(
    url: str,
    *,
    checker: Checker,
    lang: str | None = None,
    allow_private: bool = False,
    options: FetchOptions | None = None,
    regions: Regions = None,
) -> Report:
    """Fetch one page safely and check it (async); `regions` beyond 'main' also checks boilerplate."""
    options = options or FetchOptions(allow_private=allow_private)
    if allow_private and not options.allow_private:
        options = dataclasses.replace(options, allow_private=True)
    async with Fetcher(options) as fetcher:
        fetched = await fetcher.fetch(url)
    report, _ = await asyncio.to_thread(check_fetched, fetched, checker=checker, lang=lang, regions=regions)
    return report


def check_url(
    url: str,
    *,
    checker: Checker,
    lang: str | None = None,
    allow_private: bool = False,
    options: FetchOptions | None = None,
    regions: Regions = None,
) -> Report:
    """Fetch one page safely and check it; FetchError (with a reason) when it cannot be fetched."""
    return run_sync(
        lambda: check_url_async(
            url, checker=checker, lang=lang, allow_private=allow_private, options=options, regions=regions
        )
    )


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from sync code, even when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_await(make))
    box: dict[str, Any] = {}

    def worker() -> None:
        try:
            box["value"] = asyncio.run(_await(make))
        except BaseException as exc:  # handed back to the caller's thread below
            box["error"] = exc

    thread = threading.Thread(target=worker, name="claimcheck-fetch")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


async def _await(make: Callable[[], Awaitable[T]]) -> T:
    return await make()
