"""claimcheck: flag and explain false marketing claims about stem-cell therapy for stroke.

Importing the package does no work; the first call builds a shared Checker (rules, facts, model).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from claimcheck.errors import ClaimcheckError, FetchError, InputError, ModelError, RuleError
from claimcheck.model import Finding, Report

if TYPE_CHECKING:
    from claimcheck.checker import Checker
    from claimcheck.fetch.client import FetchOptions
    from claimcheck.fetch.extract import Extracted, Regions
    from claimcheck.siteaudit.engine import PageResult

__all__ = [
    "Checker",
    "ClaimcheckError",
    "FetchError",
    "Finding",
    "InputError",
    "ModelError",
    "Report",
    "RuleError",
    "audit",
    "audit_async",
    "check_text",
    "check_url",
    "default_checker",
    "extract",
]
__version__ = "0.1.0"


def default_checker() -> Checker:
    """The process-wide Checker, built on first use (see claimcheck.checker.default_checker)."""
    from claimcheck.checker import default_checker as shared

    return shared()


def check_text(text: str, *, lang: str | None = None) -> Report:
    """Check one text and return its Report."""
    return default_checker().check_text(text, lang=lang)


def _fetch_options(
    options: FetchOptions | None,
    *,
    allow_private: bool,
    timeout: float | None,
    max_bytes: int | None,
    user_agent: str | None,
) -> FetchOptions:
    """`options` (or the defaults) with every keyword the caller gave laid over it."""
    import dataclasses

    from claimcheck.fetch.client import FetchOptions

    base = options or FetchOptions()
    given = {"deadline": timeout, "max_bytes": max_bytes, "user_agent": user_agent}
    changes: dict[str, object] = {k: v for k, v in given.items() if v is not None}
    if allow_private:
        changes["allow_private"] = True
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def check_url(
    url: str,
    *,
    lang: str | None = None,
    allow_private: bool = False,
    timeout: float | None = None,
    max_bytes: int | None = None,
    user_agent: str | None = None,
    regions: Regions = None,
    options: FetchOptions | None = None,
) -> Report:
    """Fetch one http(s) page safely and check its main text; FetchError (with `.reason`) when it cannot.

    - `lang`: "en" or "zh" to force the language (default: detected per paragraph).
    - `allow_private`: also fetch hosts on private, loopback or link-local addresses (refused by default).
    - `timeout`: seconds for the whole fetch: robots.txt, every redirect, retries and the body (default 60).
    - `max_bytes`: largest body read, after decompression (default 5 MB; larger is FetchError "too_large").
    - `user_agent`: the User-Agent header sent (default: claimcheck's own, which robots.txt rules name).
    - `regions`: "main" (default), "all", or a list such as "main,sidebar": which parts of the page are checked.
    - `options`: a `claimcheck.fetch.client.FetchOptions` for the finer limits (retries, delays, redirects);
      the keywords above override it.
    """
    from claimcheck.fetch.page import check_url as _check_url

    fetch = _fetch_options(
        options, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent
    )
    return _check_url(url, checker=default_checker(), lang=lang, options=fetch, regions=regions)


def extract(html: str | bytes, url: str | None = None, *, regions: Regions = None) -> Extracted:
    """What the checker reads on a page: its main text (or `regions="all"`) as located blocks, and its links.

    Bytes are decoded as a fetched page would be (BOM, meta charset, GBK, Big5, UTF-16). Every block has
    its offsets in `.text`, its DOM path, nearest heading and region; hidden text is never included.
    """
    from claimcheck.fetch.extract import extract as _extract

    return _extract(html, url, regions=regions)


def audit(
    urls: Iterable[str],
    *,
    out: str | Path | None = None,
    max_pages: int = 20,
    depth: int = 2,
    concurrency: int = 8,
    allow_private: bool = False,
    timeout: float | None = None,
    max_bytes: int | None = None,
    user_agent: str | None = None,
    lang: str | None = None,
    regions: Regions = None,
    options: FetchOptions | None = None,
) -> Iterator[PageResult]:
    """Audit many sites: check each start page and its most relevant same-site links, yielding one
    `PageResult` (url, site, status, report or error) as each page completes.

    - `out`: a directory to write results.jsonl (and resume from it), sites.csv, report.html, errors.jsonl.
    - `max_pages`, `depth`: pages checked per site (default 20) and link depth from the start page (default 2).
    - `concurrency`: pages fetched at once over all sites (default 8; still one at a time per host).
    - `allow_private`, `timeout`, `max_bytes`, `user_agent`, `lang`, `regions`, `options`: as for `check_url`,
      per page.
    """
    from claimcheck.siteaudit import audit as _audit

    return _run_audit(
        _audit, urls, out=out, max_pages=max_pages, depth=depth, concurrency=concurrency, lang=lang, regions=regions,
        options=options, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent,
    )


def audit_async(
    urls: Iterable[str],
    *,
    out: str | Path | None = None,
    max_pages: int = 20,
    depth: int = 2,
    concurrency: int = 8,
    allow_private: bool = False,
    timeout: float | None = None,
    max_bytes: int | None = None,
    user_agent: str | None = None,
    lang: str | None = None,
    regions: Regions = None,
    options: FetchOptions | None = None,
) -> AsyncIterator[PageResult]:
    """Async form of `audit` (same keywords): an async iterator of `PageResult`s, for use inside an event loop."""
    from claimcheck.siteaudit import audit_async as _audit_async

    return _run_audit(
        _audit_async, urls, out=out, max_pages=max_pages, depth=depth, concurrency=concurrency, lang=lang,
        regions=regions, options=options, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes,
        user_agent=user_agent,
    )


def _run_audit(run, urls, *, options, allow_private, timeout, max_bytes, user_agent, **settings):
    """`audit` and `audit_async` alike: the fetch keywords laid over `options`, the process-wide checker."""
    fetch = _fetch_options(options, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent)
    return run(urls, checker=default_checker(), options=fetch, **settings)


def __getattr__(name: str):
    if name == "Checker":
        from claimcheck.checker import Checker

        return Checker
    raise AttributeError(name)
