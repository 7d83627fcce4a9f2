"""WARC audit throughput: warcio vs FastWARC reading, then records/s and MB/s for the local engine and for Dask
with 1 and 2 workers, where the time goes (read, decode, extract, check), and the per-page check cost
against the plain audit's path (check_fetched on the same bodies).

Run: .venv/bin/python benchmarks/bench_warc.py [--files 6] [--pages 150] [--skip-dask]
Generated archives: gzip per record; per page a request record and an HTML response (clinic-like pages,
a third of them off-topic, a fifth of the Chinese ones GBK without a declared charset), plus an image.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

OFF_TOPIC = [
    "Our bakery opens at seven; fresh bread every morning.",
    "The city library extends its opening hours during exam weeks.",
    "本店新到一批茶叶，欢迎品尝。",
    "Physiotherapy and speech therapy help many people after a stroke.",
]


def make_page(rng: random.Random, i: int) -> tuple[bytes, str]:
    from bench_audit import page_html

    if i % 3 == 2:
        body = "".join(f"<p>{rng.choice(OFF_TOPIC)}</p>" for _ in range(14))
        return (
            f"<!DOCTYPE html><html><head><title>News {i}</title></head><body>{body}</body></html>".encode(),
            "text/html; charset=utf-8",
        )
    html = page_html(i % 40, i)
    if b'lang="zh"' in html and i % 5 == 0:
        text = html.decode("utf-8").replace('<meta charset="utf-8">', "")
        return text.encode("gb18030"), "text/html"
    return html, "text/html; charset=utf-8"


def write_archive(path: Path, seed: int, pages: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(pages):
            url = f"https://clinic{seed * 1000 + i % 25}.example/page/{i}"
            body, ctype = make_page(rng, seed * 100_000 + i)
            writer.write_record(
                writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            )
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
            if i % 10 == 0:
                img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                payload = io.BytesIO(b"\x89PNG" + os.urandom(4000))
                writer.write_record(
                    writer.create_warc_record(url + ".png", "response", payload=payload, http_headers=img)
                )


def read_warcio(paths: list[Path]) -> tuple[int, int]:
    from warcio.archiveiterator import ArchiveIterator

    records = payload = 0
    for path in paths:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                records += 1
                if record.rec_type == "response":
                    payload += len(record.content_stream().read())
    return records, payload


def read_fastwarc(paths: list[Path]) -> tuple[int, int]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    records = payload = 0
    for path in paths:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh, parse_http=True):
                records += 1
                if record.record_type == WarcRecordType.response:
                    payload += len(record.reader.read())
    return records, payload


def compare_readers(paths: list[Path], megabytes: float) -> None:
    readers = {"warcio": read_warcio}
    try:
        import fastwarc  # noqa: F401

        readers["fastwarc"] = read_fastwarc
    except ImportError:
        print("fastwarc not installed: reader comparison skipped")
    for name, read in readers.items():
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            records, payload = read(paths)
            best = min(best, time.perf_counter() - t0)
        print(
            f"read only   {name:9s} {records / best:9.0f} records/s {megabytes / best:7.1f} MB/s  ({records} records)"
        )


def run_engine(paths: list[Path], label: str, run) -> dict:
    from claimcheck.siteaudit.crawl_engine import WarcOptions

    out = Path(tempfile.mkdtemp(prefix="bench-warc-"))
    manifests: list[dict] = []
    t0 = time.perf_counter()
    run([str(p) for p in paths], out, WarcOptions(), manifests.append)
    wall = time.perf_counter() - t0
    records = sum(m["records"] for m in manifests)
    megabytes = sum(m["bytes"] for m in manifests) / 1e6
    pages = sum(m["checked"] for m in manifests)
    cpu = sum(m["seconds"]["cpu"] for m in manifests)
    print(
        f"{label:24s} {records / wall:7.1f} records/s {megabytes / wall:6.2f} MB/s {pages / wall:6.1f} pages/s  "
        f"({wall:.1f} s; the tasks used {cpu:.1f} CPU-s, {1000 * cpu / records:.2f} ms/record)"
    )
    return {"wall": wall, "records": records, "manifests": manifests, "out": out}


def dask_run(workers: int):
    from dask.distributed import Client, LocalCluster

    from claimcheck.siteaudit.crawl_engine import run_dask

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None, silence_logs=40)
    client = Client(cluster)
    t0 = time.perf_counter()
    client.run(
        lambda: __import__("claimcheck.siteaudit.crawl_engine").siteaudit.crawl_engine.worker_checker() is not None
    )
    print(
        f"dask {workers} worker(s): cluster up and Checkers built in {time.perf_counter() - t0:.1f} s (not counted below)"
    )

    def run(sources, out, options, on_done):
        run_dask(sources, out, options, on_done, scheduler=cluster.scheduler_address)

    return run, lambda: (client.close(), cluster.close())


def where_time_goes(manifests: list[dict]) -> None:
    seconds = Counter()
    for m in manifests:
        seconds.update({k: v for k, v in m["seconds"].items() if k not in ("total", "cpu")})
    total = sum(seconds.values())
    pages = sum(m["checked"] for m in manifests)
    parts = ", ".join(
        f"{k} {v / total:5.1%} ({1000 * v / max(pages, 1):.2f} ms/page)" for k, v in seconds.most_common()
    )
    print(f"where time goes (local): {parts}")


def plain_audit_cost(paths: list[Path], local: dict | None) -> None:
    """The plain audit's CPU path (decode + extract + check + locate) on the same bodies, per page."""
    from claimcheck import default_checker
    from claimcheck.fetch.client import Fetched
    from claimcheck.fetch.page import check_fetched
    from claimcheck.siteaudit.warc import ReadStats, iter_pages

    checker = default_checker()
    pages = []
    for path in paths:
        with path.open("rb") as fh:
            pages.extend(iter_pages(fh, ReadStats()))
    t0 = time.perf_counter()
    for p in pages:
        check_fetched(Fetched(p.url, p.url, p.status, p.content_type, p.charset, p.body), checker=checker)
    plain = (time.perf_counter() - t0) / len(pages)
    if local is None:
        return
    s = Counter()
    for m in local["manifests"]:
        s.update(m["seconds"])
    warc = (s["decode"] + s["extract"] + s["check"]) / sum(m["checked"] for m in local["manifests"])
    print(
        f"per page, decode+extract+check: warc task {1000 * warc:.2f} ms, plain audit path {1000 * plain:.2f} ms (ratio {warc / plain:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=6)
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-warc-in-"))
    paths = [folder / f"bench-{i}.warc.gz" for i in range(args.files)]
    for i, path in enumerate(paths):
        write_archive(path, i + 1, args.pages)
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    print(
        f"{args.files} archives, {megabytes:.1f} MB, {args.pages} HTML pages each; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    compare_readers(paths, megabytes)

    from claimcheck import default_checker
    from claimcheck.siteaudit.crawl_engine import run_local

    default_checker().warm()
    plain_audit_cost(paths, None)  # warm-up: the first pass over new pages pays for one-off caches
    local = run_engine(paths, "local (this process)", run_local)
    where_time_goes(local["manifests"])
    plain_audit_cost(paths, local)
    if args.skip_dask:
        return
    results = {}
    for workers in (1, 2):
        run, close = dask_run(workers)
        try:
            results[workers] = run_engine(paths, f"dask, {workers} worker(s)", run)
        finally:
            close()
    ratio = results[1]["wall"] / results[2]["wall"]
    print(
        f"2 workers / 1 worker: {ratio:.2f}x the records/s (load average now {os.getloadavg()[0]:.1f}: other work shares the cores)"
    )
    print(json.dumps({"speedup_2_vs_1": round(ratio, 2)}))


if __name__ == "__main__":
    main()
