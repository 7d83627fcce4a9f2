"""Audit throughput: serve generated clinic sites from a local server process, audit them, and compare with a
plain httpx fetch-only loop over the same pages.

Run: .venv/bin/python benchmarks/bench_audit.py [--sites 10] [--pages 100] [--concurrency 10]
Prints pages/s for the audit (fetch + decode + extract + check + store + reports) and for the fetch-only loops.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CLAIMS_EN = [line for line in (ROOT / "examples" / "clinic_en.txt").read_text().splitlines() if len(line) > 40]
CLAIMS_ZH = [line for line in (ROOT / "examples" / "clinic_zh_hans.txt").read_text().splitlines() if len(line) > 12]
NEUTRAL = [
    "Our clinic is open Monday to Saturday from 8 a.m. to 6 p.m.",
    "Free parking is available behind the main building.",
    "Please bring your medical records and a list of current medicines to the first visit.",
    "Physiotherapy remains the foundation of recovery after a stroke.",
    "门诊时间：周一至周六 8:30—17:30。",
    "请携带近期病历和影像资料。",
]


def page_html(site: int, n: int) -> bytes:
    """A clinic-like page (~3 KB): nav, headings, a dozen paragraphs mixing claims and neutral text, script."""
    rng = random.Random(site * 100_003 + n)
    zh = (site + n) % 3 == 0
    pool = CLAIMS_ZH if zh else CLAIMS_EN
    paragraphs = [rng.choice(pool if rng.random() < 0.5 else NEUTRAL) for _ in range(12)]
    body = (
        "".join(f"<p>{p}</p>" for p in paragraphs[:6])
        + "<h2>Results</h2>"
        + "".join(f"<p>{p}</p>" for p in paragraphs[6:])
    )
    title = f"干细胞治疗中风 {n}" if zh else f"Stem cell stroke treatment {n}"
    return (
        f'<!DOCTYPE html><html lang="{"zh" if zh else "en"}"><head><meta charset="utf-8"><title>{title}</title>'
        '<script>var t = "FDA approved 100% cure";</script></head><body>'
        '<nav><a href="/">Home</a> <a href="/about">About</a></nav>'
        f"<h1>{title}</h1>{body}<footer>&copy; 2026 Clinic {site}</footer></body></html>"
    ).encode()


def hub_html(site: int, pages: int) -> bytes:
    links = "".join(f'<li><a href="/treatment/{n}">Stem cell stroke treatment {n}</a></li>' for n in range(pages))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Clinic {site}</title></head><body>'
        f"<h1>Clinic {site}</h1><p>Stem cell therapy for stroke.</p><ul>{links}</ul></body></html>"
    ).encode()


def respond(site: int, pages: int, path: str) -> tuple[int, bytes]:
    if path == "/":
        return 200, hub_html(site, pages)
    if path.startswith("/treatment/"):
        return 200, page_html(site, int(path.rsplit("/", 1)[1]))
    return 404, b"not found"


def serve(sites: int, pages: int, ports: mp.Queue) -> None:
    """The server process: a single-threaded asyncio HTTP/1.1 keep-alive server per site, each on its own port
    (threads would make the server, not the client, the bottleneck)."""

    async def main() -> None:
        servers = []
        for site in range(sites):

            async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, site: int = site) -> None:
                try:
                    while True:
                        head = await reader.readuntil(b"\r\n\r\n")
                        path = head.split(b" ", 2)[1].decode()
                        status, data = respond(site, pages, path)
                        writer.write(
                            f"HTTP/1.1 {status} OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                            f"Content-Length: {len(data)}\r\n\r\n".encode()
                            + data
                        )
                        await writer.drain()
                except (asyncio.IncompleteReadError, ConnectionError):
                    pass
                finally:
                    writer.close()

            servers.append(await asyncio.start_server(handle, "127.0.0.1", 0))
        ports.put([srv.sockets[0].getsockname()[1] for srv in servers])
        await asyncio.sleep(3600)

    asyncio.run(main())


def fetch_only_sequential(urls: list[str]) -> float:
    import httpx

    start = time.perf_counter()
    with httpx.Client() as client:
        for url in urls:
            client.get(url).raise_for_status()
    return time.perf_counter() - start


def fetch_only_concurrent(urls: list[str], concurrency: int) -> float:
    import httpx

    async def go() -> None:
        sem = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient() as client:

            async def one(url: str) -> None:
                async with sem:
                    (await client.get(url)).raise_for_status()

            await asyncio.gather(*(one(u) for u in urls))

    start = time.perf_counter()
    asyncio.run(go())
    return time.perf_counter() - start


def run_audit(starts: list[str], pages: int, concurrency: int, out: Path) -> tuple[float, int, int]:
    from claimcheck import default_checker
    from claimcheck.fetch.client import FetchOptions
    from claimcheck.siteaudit import audit

    checker = default_checker()
    checker.check_text("warm up the pipelines: 干细胞治疗中风. Stem cells cure stroke.")
    options = FetchOptions(allow_private=True, host_delay=0.0)
    start = time.perf_counter()
    results = list(
        audit(starts, checker=checker, out=out, max_pages=pages + 1, depth=1, concurrency=concurrency, options=options)
    )
    elapsed = time.perf_counter() - start
    return elapsed, len(results), sum(r.status == "checked" for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--pages", type=int, default=100, help="treatment pages per site (plus one start page)")
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()

    ports_q: mp.Queue = mp.Queue()
    server = mp.Process(target=serve, args=(args.sites, args.pages, ports_q), daemon=True)
    server.start()
    ports = ports_q.get(timeout=30)
    starts = [f"http://127.0.0.1:{p}/" for p in ports]
    urls = [s for s in starts] + [f"{s}treatment/{n}" for s in starts for n in range(args.pages)]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            audit_s, done, checked = run_audit(starts, args.pages, args.concurrency, Path(tmp))
        seq_s = fetch_only_sequential(urls)
        conc_s = fetch_only_concurrent(urls, args.concurrency)
    finally:
        server.terminate()
    n = len(urls)
    audit_rate, seq_rate, conc_rate = done / audit_s, n / seq_s, n / conc_s
    print(f"pages served: {n} on {args.sites} sites; audited {done} ({checked} checked)")
    print(f"audit (fetch+decode+extract+check+store+reports): {audit_s:6.2f} s  {audit_rate:7.1f} pages/s")
    print(f"fetch-only, plain httpx loop (sequential):        {seq_s:6.2f} s  {seq_rate:7.1f} pages/s")
    print(
        f"fetch-only, httpx async, concurrency {args.concurrency:<3}:        {conc_s:6.2f} s  {conc_rate:7.1f} pages/s"
    )
    print(
        f"ratio audit / fetch-only loop: {audit_rate / seq_rate:.3f}  (vs concurrent fetch-only: {audit_rate / conc_rate:.3f})"
    )


if __name__ == "__main__":
    main()
