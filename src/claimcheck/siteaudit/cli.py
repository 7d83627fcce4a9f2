"""`claimcheck audit SITES_FILE --out DIR`: progress on stderr, resumable, one-line errors, exit codes.

Exit codes: 0 every page checked and no site flagged, 1 a site flagged, 2 bad usage (unreadable sites file,
no usable URL in it), 5 nothing flagged but some pages could not be checked, 6 no page could be checked,
74 the output directory cannot be used or written (an existing file, no permission, disk full),
130 interrupted (rerun to resume).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from claimcheck.errors import (
    EXIT_CLEAN,
    EXIT_FLAGGED,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_NONE_CHECKED,
    EXIT_SOME_UNCHECKED,
    EXIT_USAGE,
    InputError,
)
from claimcheck.fetch.client import FetchOptions
from claimcheck.report.sites_csv import SiteSummary
from claimcheck.siteaudit.console import (
    PROGRESS_PAGES,
    PROGRESS_SECONDS,
    PlainProgress,
    failure_groups,
    print_failures,
)
from claimcheck.siteaudit.engine import AuditConfig, SiteLine, crawl_sites, index_done, read_site_lines
from claimcheck.siteaudit.outputs import REPORT_HTML, SITES_CSV, write_outputs
from claimcheck.siteaudit.store import ResultStore, StoreError

HOST_DELAY_ENV = "CLAIMCHECK_HOST_DELAY"  # seconds between requests to one host (default 1)
LISTED = 20  # site-list lines named one by one; the rest are counted


def run_cli(
    sites_file: Path,
    out: Path,
    *,
    max_pages: int = 20,
    depth: int = 2,
    concurrency: int = 8,
    allow_private: bool = False,
    console: Console | None = None,
    regions: tuple[str, ...] = ("main",),
    progress_seconds: float = PROGRESS_SECONDS,
    progress_pages: int = PROGRESS_PAGES,
) -> int:
    """Run an audit to completion (or interruption) and return the exit code."""
    err = console or Console(stderr=True, highlight=False)
    try:
        sites, options = _usage(sites_file, allow_private, err)
    except InputError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        return EXIT_USAGE
    store = ResultStore(out)
    try:
        lines = store.open()
    except StoreError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc.strerror or exc))}", soft_wrap=True)
        return EXIT_IO
    from claimcheck.checker import default_checker

    config = AuditConfig(max_pages=max_pages, depth=depth, concurrency=concurrency, fetch=options, regions=regions)
    progress = (progress_seconds, progress_pages)
    code = None
    try:
        asyncio.run(_run(sites, lines, store, config, default_checker().warm(), err, progress))  # pay once
    except KeyboardInterrupt:
        err.print(
            escape(f"interrupted: {len(lines)} page(s) saved in {out}; run the same command again to resume"),
            soft_wrap=True,
        )
        code = EXIT_INTERRUPTED
    except OSError as exc:
        err.print(
            "[bold red]error:[/] " + escape(f"cannot write results to {out}: {exc.strerror or exc}"), soft_wrap=True
        )
        store.close()
        return EXIT_IO
    try:
        summaries = write_outputs(store, lines, sites)
    except OSError as exc:
        err.print(
            "[bold red]error:[/] " + escape(f"cannot write the reports to {out}: {exc.strerror or exc}"), soft_wrap=True
        )
        return EXIT_IO
    finally:
        store.close()
    _print_summary(err, summaries, lines, sites, out, regions)
    return code if code is not None else exit_code(summaries)


def exit_code(summaries: list[SiteSummary]) -> int:
    """6 when no page could be checked, else 1 when a site is flagged, else 5 when a page failed, else 0.

    Pages skipped on purpose (robots.txt, not HTML) are no failure."""
    if not any(s.pages_checked for s in summaries):
        return EXIT_NONE_CHECKED
    if any(s.flagged for s in summaries):
        return EXIT_FLAGGED
    return EXIT_SOME_UNCHECKED if any(s.pages_failed for s in summaries) else EXIT_CLEAN


def _print_summary(
    err: Console,
    summaries: list[SiteSummary],
    lines: list[dict[str, Any]],
    sites: list[str],
    out: Path,
    regions: tuple[str, ...],
) -> None:
    flagged = [s for s in summaries if s.flagged]
    failed = sum(s.pages_failed + s.pages_skipped for s in summaries)
    err.print(
        f"{len(summaries)} site(s), {sum(s.pages_checked for s in summaries)} page(s) checked, "
        f"{len(flagged)} site(s) flagged, {failed} page(s) not checked",
        soft_wrap=True,
    )
    if regions != ("main",):
        outside = sum(s.outside_main for s in summaries)
        err.print(f"{outside} finding(s) outside the main content (menus, headers, footers, sidebars)", soft_wrap=True)
    listed = set(sites)
    print_failures(err, failure_groups(line for line in lines if line.get("site") in listed))
    err.print(escape(f"written to {out}: results.jsonl, {SITES_CSV}, {REPORT_HTML}, errors.jsonl"), soft_wrap=True)


def _usage(sites_file: Path, allow_private: bool, err: Console) -> tuple[list[str], FetchOptions]:
    """Read and validate the site list up front: every bad line by number and reason, every guessed scheme."""
    from claimcheck.inputs import read_file

    entries = read_site_lines(read_file(sites_file).splitlines())
    if not entries:
        raise InputError(f"{sites_file} lists no URLs (one per line; blank lines and # comments are ignored)")
    bad = [e for e in entries if e.problem]
    _list_lines(err, sites_file, bad, "warning", _bad_line)
    guessed = [e for e in entries if e.assumed_https]
    _list_lines(err, sites_file, guessed, "note", lambda e: f"no scheme given; auditing {e.site}")
    if len(bad) == len(entries):
        raise InputError(f"no line of {sites_file} is a usable http(s) URL (see above)")
    raw_delay = os.environ.get(HOST_DELAY_ENV, "1")
    try:
        delay = max(0.0, float(raw_delay))
    except ValueError:
        raise InputError(f"{HOST_DELAY_ENV} must be a number of seconds, not {raw_delay!r}") from None
    return list(dict.fromkeys(e.site for e in entries)), FetchOptions(allow_private=allow_private, host_delay=delay)


def _bad_line(entry: SiteLine) -> str:
    problem = str(entry.problem)
    return problem if repr(entry.written) in problem else f"{problem}; the line is {entry.written!r}"


def _list_lines(
    err: Console, sites_file: Path, entries: list[SiteLine], level: str, say: Callable[[SiteLine], str]
) -> None:
    style = "yellow" if level == "warning" else "cyan"
    for entry in entries[:LISTED]:
        err.print(f"[{style}]{level}:[/] " + escape(f"{sites_file}:{entry.number}: {say(entry)}"), soft_wrap=True)
    if len(entries) > LISTED:
        err.print(f"[{style}]{level}:[/] " + escape(f"... and {len(entries) - LISTED} more such lines"), soft_wrap=True)


async def _run(
    sites: list[str],
    lines: list[dict[str, Any]],
    store: ResultStore,
    config: AuditConfig,
    checker: Any,
    err: Console,
    every: tuple[float, int],
) -> None:
    """Crawl, appending each finished page to the store as it arrives, showing progress as it goes."""
    pages = len(lines)
    findings = sum(len(line.get("findings") or []) for line in lines)
    errors = sum(1 for line in lines if line.get("status") != "checked")
    if pages:
        err.print(escape(f"resuming: {pages} page(s) already done in {store.dir}"), soft_wrap=True)
    with _progress(err, len(sites), every, pages, findings, errors) as progress:
        async for result in crawl_sites(
            sites, checker=checker, config=config, done=index_done(lines), site_done=progress.site_done
        ):
            line = result.to_dict()
            store.append(line)
            lines.append(line)
            findings += len(line.get("findings") or [])
            errors += result.status != "checked"
            progress.update(pages=len(lines), findings=findings, errors=errors)


@contextlib.contextmanager
def _progress(
    err: Console, total: int, every: tuple[float, int], pages: int, findings: int, errors: int
) -> Iterator[Any]:
    """A live bar on a terminal; plain lines every few seconds or pages when stderr is a file or a pipe."""
    if not err.is_terminal:
        plain = PlainProgress(err, total, seconds=every[0], pages=every[1], done=(pages, findings, errors))
        ticker = asyncio.get_running_loop().create_task(plain.tick())
        try:
            yield plain
        finally:
            ticker.cancel()
        return
    columns = (
        SpinnerColumn(),
        TextColumn("sites"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages {task.fields[pages]} · findings {task.fields[findings]} · errors {task.fields[errors]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task("audit", total=total, pages=pages, findings=findings, errors=errors)
        yield _Bar(bar, task)


class _Bar:
    """The rich progress bar behind the same two calls as PlainProgress."""

    def __init__(self, bar: Progress, task: Any) -> None:
        self.bar, self.task = bar, task

    def site_done(self, _site: str = "") -> None:
        self.bar.advance(self.task)

    def update(self, *, pages: int, findings: int, errors: int) -> None:
        self.bar.update(self.task, pages=pages, findings=findings, errors=errors)
