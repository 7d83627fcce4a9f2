"""Crawl audits: one task per WARC file, run in this process (`local`) or on Dask (`dask`), same code either way.

A task checks every HTML page of one archive with the process's one Checker, writes the file's results
(JSON lines and a Parquet partition) under temporary names, renames them into place and writes its manifest
last: a manifest means the file is complete, so a rerun skips it; anything else is redone from the start.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from claimcheck.errors import ClaimcheckError, FetchError, InputError
from claimcheck.fetch.crawl import site_key
from claimcheck.fetch.decode import decode_page
from claimcheck.fetch.extract import extract_html
from claimcheck.fetch.page import check_extracted
from claimcheck.siteaudit.warc import MAX_RECORD_BYTES, ReadStats, WarcPage, file_id, iter_pages, open_source

PARTS_DIR = "warc"  # <id>.jsonl (the file's results.jsonl lines) and <id>.done.json (its manifest)
# Regenerative-treatment words in English, Simplified and Traditional Chinese: a page with none of them is
# not checked when the pre-filter is on (the rules that matter all require the stem-cell topic).
TOPIC_WORDS = (
    r"stem[\s_-]*cells?|mesenchymal|regenerative|exosomes?|umbilical|cord[\s_-]*blood|\bi?pscs?\b|\bmscs?\b"
    r"|progenitor|stromal[\s_-]*vascular|\bsvf\b|wharton|placenta|cell[\s_-]*(?:therap|treatment|transplant)"
    r"|干细胞|幹細胞|间充质|間充質|脐带|臍帶|外泌体|外泌體|再生医|再生醫|祖细胞|祖細胞|胎盘|胎盤|前体细胞|前體細胞"
    r"|细胞(?:治疗|疗法|移植|注射|回输)|細胞(?:治療|療法|移植|注射|回輸)|免疫细胞|免疫細胞"
)
_TOPIC = re.compile(TOPIC_WORDS, re.I)
_checker: Any = None
checker_builds = 0  # per process: proves a worker builds its Checker once, not once per record or file


@dataclass(frozen=True, slots=True)
class WarcOptions:
    """What a task does with each archive; part of the manifest, so changing it redoes the files."""

    prefilter: bool = False
    max_record_bytes: int = MAX_RECORD_BYTES
    lang: str | None = None


def worker_checker() -> Any:
    """This process's Checker, built and warmed on first use (once per Dask worker)."""
    global _checker, checker_builds
    if _checker is None:
        from claimcheck.checker import default_checker

        _checker = default_checker().warm()
        checker_builds += 1
    return _checker


def on_topic(text: str) -> bool:
    """The fast pre-filter: does the page mention a regenerative treatment at all?"""
    return _TOPIC.search(text) is not None


def parts_paths(out: Path, source: str) -> tuple[Path, Path]:
    """Where one archive's result lines and manifest go."""
    fid = file_id(source)
    return out / PARTS_DIR / f"{fid}.jsonl", out / PARTS_DIR / f"{fid}.done.json"


def parquet_path(out: Path, source: str) -> Path:
    """One Hive-style partition per archive: pages/warc_file=<id>/part-0.parquet."""
    return out / "pages" / f"warc_file={file_id(source)}" / "part-0.parquet"


def source_size(source: str) -> int | None:
    if "://" in source:
        return None
    return Path(source).stat().st_size


def complete_manifest(out: Path, source: str, options: WarcOptions) -> dict[str, Any] | None:
    """The manifest of an archive already done with the same options and size, else None (redo it)."""
    lines_path, done_path = parts_paths(out, source)
    try:
        manifest = json.loads(done_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = manifest.get("source") == source and manifest.get("options") == asdict(options)
    if not same or manifest.get("size") != source_size(source) or not lines_path.exists():
        return None
    return manifest


def process_file(source: str, out: str, options: WarcOptions) -> dict[str, Any]:
    """The task: check every HTML page of one archive, write its parts, return its manifest (never raises
    for damaged input: damage is counted)."""
    from claimcheck.siteaudit.parquet import PartWriter

    out_dir = Path(out)
    lines_path, done_path = parts_paths(out_dir, source)
    lines_path.parent.mkdir(parents=True, exist_ok=True)
    checker = worker_checker()
    stats, counts, seconds = ReadStats(), Counter[str](), Counter[str]()
    started, cpu_started = time.perf_counter(), time.process_time()
    tmp_lines = lines_path.with_name(f".{lines_path.name}.tmp")
    parquet = PartWriter(parquet_path(out_dir, source))
    stream, size = open_source(source)  # an I/O error (here or mid-read) fails the task: the next run redoes it
    with stream, tmp_lines.open("wb") as fh, parquet:
        for page in _timed(iter_pages(stream, stats, size=size, cap=options.max_record_bytes), seconds):
            line = check_record(page, source, checker=checker, options=options, counts=counts, seconds=seconds)
            if line is not None:
                fh.write((json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
                parquet.add(line)
        fh.flush()
        os.fsync(fh.fileno())
    parquet.commit()
    tmp_lines.replace(lines_path)
    manifest = {
        "source": source,
        "file_id": file_id(source),
        "size": source_size(source),
        "options": asdict(options),
        "records": stats.records,
        "bytes": stats.bytes,
        "pages": counts["pages"],
        "checked": counts["checked"],
        "flagged": counts["flagged"],
        "skipped": dict(sorted((stats.skipped + _prefixed(counts, "skip:")).items())),
        "faults": dict(sorted((stats.faults + _prefixed(counts, "fault:")).items())),
        "seconds": {k: round(v, 4) for k, v in seconds.items()}
        | {
            "total": round(time.perf_counter() - started, 4),
            "cpu": round(time.process_time() - cpu_started, 4),
        },
        "worker": {"pid": os.getpid(), "checker_builds": checker_builds},
    }
    _write_json_atomic(done_path, manifest)
    return manifest


def _prefixed(counts: Counter[str], prefix: str) -> Counter[str]:
    return Counter({k.removeprefix(prefix): v for k, v in counts.items() if k.startswith(prefix)})


def _timed(pages: Iterator[WarcPage], seconds: Counter[str]) -> Iterator[WarcPage]:
    """Charge the time spent inside the reader to `read`."""
    while True:
        t0 = time.perf_counter()
        page = next(pages, None)
        seconds["read"] += time.perf_counter() - t0
        if page is None:
            return
        yield page


def check_record(
    page: WarcPage, source: str, *, checker: Any, options: WarcOptions, counts: Counter[str], seconds: Counter[str]
) -> dict[str, Any] | None:
    """One HTML response -> its results.jsonl line, or None when the pre-filter skips it (counted)."""
    counts["pages"] += 1
    base = {"url": page.url, "site": site_key(page.url), "fetched_at": page.date}
    where = {"warc": {"file": source, "offset": page.offset}}
    if page.too_large:
        counts["skip:too_large"] += 1
        error = {"reason": "too_large", "message": f"record body over {options.max_record_bytes} bytes"}
        return {"flagged": False, "findings": []} | base | {"status": "skipped", "error": error} | where
    try:
        t0 = time.perf_counter()
        decoded = decode_page(page.body, header_charset=page.charset, is_html=True)
        t1 = time.perf_counter()
        seconds["decode"] += t1 - t0
        if options.prefilter and not on_topic(decoded.text):
            counts["skip:off_topic"] += 1
            return None
        extracted = extract_html(decoded.text, page.url)
        t2 = time.perf_counter()
        seconds["extract"] += t2 - t1
        source_info = {"kind": "warc", "url": page.url, "final_url": page.url, "status": page.status}
        source_info |= {"content_type": page.content_type, "fetched_at": page.date, "warc_file": source}
        source_info |= {"warc_offset": page.offset, "encoding": decoded.encoding, "encoding_source": decoded.source}
        report = check_extracted(extracted, checker=checker, lang=options.lang, source=source_info)
        seconds["check"] += time.perf_counter() - t2
    except FetchError as exc:  # binary bodies sent as text/html
        counts[f"fault:{exc.reason}"] += 1
        return _error_line(base, where, exc.reason, str(exc))
    except ClaimcheckError as exc:
        counts["fault:input"] += 1
        return _error_line(base, where, "input", str(exc))
    except Exception as exc:  # one odd record must never stop the file
        counts["fault:internal_error"] += 1
        return _error_line(base, where, "internal_error", f"{type(exc).__name__}: {exc}")
    counts["checked"] += 1
    counts["flagged"] += report.flagged
    return report.to_dict() | base | {"status": "checked", "error": None} | where


def _error_line(base: dict[str, Any], where: dict[str, Any], reason: str, message: str) -> dict[str, Any]:
    return (
        {"flagged": False, "findings": []}
        | base
        | {"status": "error", "error": {"reason": reason, "message": message}}
        | where
    )


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    from claimcheck.siteaudit.store import write_atomic

    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def failed_manifest(source: str, exc: BaseException) -> dict[str, Any]:
    """What the driver records for a task that died (a killed worker, say): counted; a rerun redoes the file."""
    return {"source": source, "file_id": file_id(source), "failed": f"{type(exc).__name__}: {exc}"}


def run_local(sources: list[str], out: Path, options: WarcOptions, on_done: Callable[[dict[str, Any]], None]) -> None:
    """Run the tasks one after another in this process."""
    for source in sources:
        try:
            manifest = process_file(source, str(out), options)
        except Exception as exc:  # as on Dask: a failed archive is reported and redone by the next run
            manifest = failed_manifest(source, exc)
        on_done(manifest)


def run_dask(
    sources: list[str],
    out: Path,
    options: WarcOptions,
    on_done: Callable[[dict[str, Any]], None],
    *,
    scheduler: str | None = None,
    workers: int = 2,
) -> None:
    """One task per archive on a Dask cluster (a LocalCluster of `workers` processes unless `scheduler` is
    given; the workers must see `out`, e.g. a shared file system)."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
        client = Client(cluster)
    try:
        futures = client.map(process_file, sources, out=str(out.resolve()), options=options, pure=False, retries=1)
        by_key = {f.key: s for f, s in zip(futures, sources, strict=True)}
        for future in as_completed(futures):
            try:
                manifest = future.result()
            except Exception as exc:  # KilledWorker and the like: count it, keep going
                manifest = failed_manifest(by_key[future.key], exc)
            on_done(manifest)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
