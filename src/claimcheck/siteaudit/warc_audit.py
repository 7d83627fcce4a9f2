"""`claimcheck audit --warc PATH_OR_GLOB... --out DIR [--engine local|dask]`: check crawled pages at scale.

The per-archive parts are the truth; results.jsonl, sites.csv (one row per host), report.html,
errors.jsonl and crawl.json are rebuilt from them at the end of every run, in input order, so a rerun
after a kill gives exactly what an uninterrupted run gives.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from claimcheck.errors import InputError
from claimcheck.siteaudit.store import ERRORS, LOCK, RESULTS, StoreError, error_line, write_atomic

ENGINES = ("local", "dask")
CRAWL_JSON = "crawl.json"
EXIT_CLEAN, EXIT_FLAGGED, EXIT_USAGE, EXIT_IO, EXIT_INTERRUPTED = 0, 1, 2, 74, 130


def run_warc_cli(
    patterns: list[str],
    out: Path,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    prefilter: bool = False,
    console: Console | None = None,
) -> int:
    """Audit the pages of web archives and return the exit code (1 when a site is flagged)."""
    err = console or Console(stderr=True, highlight=False)
    try:
        sources, options = _usage(patterns, engine, scheduler, prefilter)
    except InputError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        return EXIT_USAGE
    try:
        lock = _lock(out)
    except (StoreError, OSError) as exc:
        err.print(f"[bold red]error:[/] {escape(f'cannot use output directory {out}: {exc.strerror or exc}')}")
        return EXIT_USAGE
    try:
        return _run(sources, out, options, engine=engine, scheduler=scheduler, workers=workers, err=err)
    finally:
        os.close(lock)


def _usage(patterns: list[str], engine: str, scheduler: str | None, prefilter: bool) -> tuple[list[str], Any]:
    from claimcheck.siteaudit.warc import require_crawl_extra

    if engine not in ENGINES:
        raise InputError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if scheduler and engine != "dask":
        raise InputError("--scheduler needs --engine dask")
    require_crawl_extra(*(("dask", "distributed") if engine == "dask" else ()))
    from claimcheck.siteaudit.crawl_engine import WarcOptions
    from claimcheck.siteaudit.warc import expand_sources

    return expand_sources(patterns), WarcOptions(prefilter=prefilter)


def _lock(out: Path) -> int:
    """One audit per output directory (the same lock file as the site audit's store)."""
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:
        pass
    except BlockingIOError:
        os.close(fd)
        raise StoreError(0, f"another audit is already writing to {out}") from None
    return fd


def _run(
    sources: list[str], out: Path, options: Any, *, engine: str, scheduler: str | None, workers: int, err: Console
) -> int:
    from claimcheck.siteaudit import crawl_engine

    manifests: dict[str, dict[str, Any]] = {}
    pending = []
    for source in sources:
        done = crawl_engine.complete_manifest(out, source, options)
        if done is None:
            pending.append(source)
        else:
            manifests[source] = done
    if manifests:
        err.print(
            escape(f"resuming: {len(manifests)} of {len(sources)} archive(s) already done in {out}"), soft_wrap=True
        )

    def on_done(manifest: dict[str, Any]) -> None:
        manifests[manifest["source"]] = manifest
        state = "FAILED " + manifest["failed"] if "failed" in manifest else f"{manifest['checked']} page(s) checked"
        err.print(escape(f"[{len(manifests)}/{len(sources)}] {manifest['file_id']}: {state}"), soft_wrap=True)

    code = None
    try:
        if engine == "dask":
            crawl_engine.run_dask(pending, out, options, on_done, scheduler=scheduler, workers=workers)
        else:
            crawl_engine.run_local(pending, out, options, on_done)
    except KeyboardInterrupt:
        err.print(escape(f"interrupted: finished archives are kept in {out}; run the same command again to resume"))
        code = EXIT_INTERRUPTED
    except InputError as exc:  # an unreachable scheduler
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        return EXIT_USAGE
    try:
        totals, flagged_sites = write_crawl_outputs(out, sources, manifests)
    except OSError as exc:
        err.print("[bold red]error:[/] " + escape(f"cannot write the reports to {out}: {exc.strerror or exc}"))
        return EXIT_IO
    err.print(escape(_summary_line(totals, flagged_sites)), soft_wrap=True)
    if code is not None:
        return code
    return EXIT_FLAGGED if flagged_sites else EXIT_CLEAN


def _summary_line(totals: dict[str, Any], flagged_sites: int) -> str:
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(totals["skipped"].items())) or "none"
    faults = ", ".join(f"{k} {v}" for k, v in sorted(totals["faults"].items())) or "none"
    return (
        f"{totals['archives']} archive(s) ({totals['failed']} failed), {totals['records']} record(s), "
        f"{totals['checked']} page(s) checked, {totals['sites']} site(s), {flagged_sites} flagged; "
        f"skipped: {skipped}; faults: {faults}"
    )


def iter_lines(out: Path, sources: list[str]) -> Iterator[dict[str, Any]]:
    """Every result line of the finished archives, in input order (read back from their parts)."""
    from claimcheck.siteaudit.crawl_engine import parts_paths

    for source in sources:
        lines_path, _ = parts_paths(out, source)
        with contextlib.suppress(FileNotFoundError), lines_path.open("rb") as fh:
            for raw in fh:
                yield json.loads(raw)


def write_crawl_outputs(
    out: Path, sources: list[str], manifests: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], int]:
    """Rebuild results.jsonl, errors.jsonl, sites.csv, report.html and crawl.json from the finished parts."""
    from claimcheck.fetch.client import now_iso
    from claimcheck.report import html as html_report
    from claimcheck.report.sites_csv import render_csv, summarize
    from claimcheck.siteaudit.outputs import REPORT_HTML, SITES_CSV

    finished = [s for s in sources if "failed" not in manifests.get(s, {"failed": "not run"})]
    _concat_parts(out, finished)
    errors = b"".join(
        (json.dumps(error_line(line), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        for line in iter_lines(out, finished)
        if line.get("status") != "checked"
    )
    write_atomic(out / ERRORS, errors)
    summaries = summarize(iter_lines(out, finished))
    write_atomic(out / SITES_CSV, render_csv(summaries).encode("utf-8"))
    write_atomic(out / REPORT_HTML, html_report.render(summaries, generated_at=now_iso()).encode("utf-8"))
    totals = _totals([manifests.get(s, {"failed": "not run", "source": s}) for s in sources])
    totals["sites"] = len(summaries)
    crawl = {"totals": totals, "archives": [manifests.get(s, {"source": s, "failed": "not run"}) for s in sources]}
    write_atomic(out / CRAWL_JSON, json.dumps(crawl, ensure_ascii=False, indent=1).encode("utf-8"))
    return totals, sum(1 for s in summaries if s.flagged)


def _concat_parts(out: Path, sources: list[str]) -> None:
    """results.jsonl = the parts one after another, streamed (never held in memory whole)."""
    from claimcheck.siteaudit.crawl_engine import parts_paths

    target = out / RESULTS
    tmp = target.with_name(f".{target.name}.tmp")
    with tmp.open("wb") as dst:
        for source in sources:
            with contextlib.suppress(FileNotFoundError), parts_paths(out, source)[0].open("rb") as src:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    tmp.replace(target)


def _totals(manifests: list[dict[str, Any]]) -> dict[str, Any]:
    skipped: Counter[str] = Counter()
    faults: Counter[str] = Counter()
    totals = {"archives": len(manifests), "failed": 0, "records": 0, "bytes": 0, "pages": 0, "checked": 0}
    for m in manifests:
        if "failed" in m:
            totals["failed"] += 1
            continue
        for key in ("records", "bytes", "pages", "checked"):
            totals[key] += m.get(key, 0)
        skipped.update(m.get("skipped") or {})
        faults.update(m.get("faults") or {})
    return totals | {"skipped": dict(sorted(skipped.items())), "faults": dict(sorted(faults.items()))}
