"""`claimcheck audit SITES_FILE --out DIR`: progress on stderr, resumable, one-line errors, exit codes.

Exit codes: 0 no site flagged, 1 a site flagged, 2 bad usage (unreadable sites file, unusable output
directory), 74 the output could not be written mid-run (disk full), 130 interrupted (rerun to resume).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from claimcheck.errors import InputError
from claimcheck.fetch.client import FetchOptions
from claimcheck.siteaudit.engine import AuditConfig, bad_site_lines, crawl_sites, index_done, parse_sites
from claimcheck.siteaudit.outputs import REPORT_HTML, SITES_CSV, write_outputs
from claimcheck.siteaudit.store import ResultStore, StoreError

EXIT_CLEAN, EXIT_FLAGGED, EXIT_USAGE, EXIT_IO, EXIT_INTERRUPTED = 0, 1, 2, 74, 130
HOST_DELAY_ENV = "CLAIMCHECK_HOST_DELAY"  # seconds between requests to one host (default 1)


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
) -> int:
    """Run an audit to completion (or interruption) and return the exit code."""
    err = console or Console(stderr=True, highlight=False)
    try:
        sites, options = _usage(sites_file, allow_private)
    except InputError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        return EXIT_USAGE
    for number, line, problem in _bad_lines(sites_file):
        err.print(
            f"[yellow]warning:[/] {escape(f'{sites_file}:{number}: {problem}; the line is {line!r}')}", soft_wrap=True
        )
    store = ResultStore(out)
    try:
        lines = store.open()
    except StoreError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc.strerror or exc))}", soft_wrap=True)
        return EXIT_USAGE
    from claimcheck import default_checker

    config = AuditConfig(max_pages=max_pages, depth=depth, concurrency=concurrency, fetch=options, regions=regions)
    code = None
    try:
        asyncio.run(_run(sites, lines, store, config, default_checker().warm(), err))  # many pages: pay once
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
    flagged = [s for s in summaries if s.flagged]
    failed = sum(s.pages_failed + s.pages_skipped for s in summaries)
    err.print(
        f"{len(summaries)} site(s), {sum(s.pages_checked for s in summaries)} page(s) checked, "
        f"{len(flagged)} site(s) flagged, {failed} page(s) not checked",
        soft_wrap=True,
    )
    outside = sum(s.outside_main for s in summaries)
    if regions != ("main",):
        err.print(f"{outside} finding(s) outside the main content (menus, headers, footers, sidebars)", soft_wrap=True)
    err.print(escape(f"written to {out}: results.jsonl, {SITES_CSV}, {REPORT_HTML}, errors.jsonl"), soft_wrap=True)
    if code is not None:
        return code
    return EXIT_FLAGGED if flagged else EXIT_CLEAN


def _bad_lines(sites_file: Path) -> list[tuple[int, str, str]]:
    """The site-list lines that are no URL (each becomes a bad_url error row; the audit goes on)."""
    from claimcheck.inputs import read_file

    return bad_site_lines(read_file(sites_file).splitlines())


def _usage(sites_file: Path, allow_private: bool) -> tuple[list[str], FetchOptions]:
    from claimcheck.inputs import read_file

    sites = parse_sites(read_file(sites_file).splitlines())
    if not sites:
        raise InputError(f"{sites_file} lists no URLs (one per line; blank lines and # comments are ignored)")
    raw_delay = os.environ.get(HOST_DELAY_ENV, "1")
    try:
        delay = max(0.0, float(raw_delay))
    except ValueError:
        raise InputError(f"{HOST_DELAY_ENV} must be a number of seconds, not {raw_delay!r}") from None
    return sites, FetchOptions(allow_private=allow_private, host_delay=delay)


async def _run(
    sites: list[str], lines: list[dict[str, Any]], store: ResultStore, config: AuditConfig, checker: Any, err: Console
) -> None:
    """Crawl, appending each finished page to the store as it arrives, with a live progress bar."""
    resumed = len(lines)
    findings = sum(len(line.get("findings") or []) for line in lines)
    errors = sum(1 for line in lines if line.get("status") != "checked")
    columns = (
        SpinnerColumn(),
        TextColumn("sites"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages {task.fields[pages]} · findings {task.fields[findings]} · errors {task.fields[errors]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("audit", total=len(sites), pages=resumed, findings=findings, errors=errors)
        if resumed:
            progress.console.print(escape(f"resuming: {resumed} page(s) already done in {store.dir}"), soft_wrap=True)

        def site_done(_site: str) -> None:
            progress.advance(task)

        async for result in crawl_sites(
            sites, checker=checker, config=config, done=index_done(lines), site_done=site_done
        ):
            line = result.to_dict()
            store.append(line)
            lines.append(line)
            findings += len(line.get("findings") or [])
            errors += result.status != "checked"
            progress.update(task, pages=len(lines), findings=findings, errors=errors)
