"""Service speed: requests/s and p50/p99 latency of POST /v1/check on a 300-character text, 4 concurrent clients.

Usage: .venv/bin/python benchmarks/bench_serve.py [--clients 4] [--requests 800] [--url http://127.0.0.1:8000]
Without --url it starts `claimcheck serve` on a free port in a subprocess (a real uvicorn), waits for /healthz,
measures, and stops it. Prints figures; no assertions.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CHARS = 300


def sample_text(chars: int = CHARS) -> str:
    """A fixed window of the English clinic example, starting at its first claim."""
    text = (ROOT / "examples" / "clinic_en.txt").read_text(encoding="utf-8")
    start = text.index("Our stem cell stroke treatment")
    return text[start : start + chars]


@contextmanager
def served(url: str | None) -> Iterator[str]:
    """Use the given server, or start `claimcheck serve` on a free port for the duration."""
    if url:
        yield url.rstrip("/")
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "claimcheck", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"claimcheck serve exited with {proc.returncode}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not become healthy in 180 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def hammer(base: str, text: str, clients: int, total: int) -> tuple[list[float], float]:
    """`clients` threads, each with its own connection, share `total` requests; returns latencies and wall time."""
    latencies: list[float] = []
    lock = threading.Lock()
    remaining = [total]

    def client() -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                r = http.post("/v1/check", json={"text": text})
                elapsed = time.perf_counter() - started
                if r.status_code != 200:
                    raise SystemExit(f"HTTP {r.status_code}: {r.text[:200]}")
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - wall


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="An already running server (default: start one).")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--warmup", type=int, default=40)
    args = parser.parse_args()
    text = sample_text()
    with served(args.url) as base:
        hammer(base, text, args.clients, args.warmup)
        latencies, wall = hammer(base, text, args.clients, args.requests)
    ms = [x * 1000 for x in latencies]
    print(f"POST /v1/check, {len(text)}-character English text, {args.clients} concurrent clients, {len(ms)} requests")
    print(f"  throughput: {len(ms) / wall:.1f} requests/s over {wall:.2f} s")
    print(
        f"  latency ms: p50 {percentile(ms, 50):.1f}  p90 {percentile(ms, 90):.1f}  p99 {percentile(ms, 99):.1f}  "
        f"mean {statistics.fmean(ms):.1f}  max {max(ms):.1f}"
    )


if __name__ == "__main__":
    main()
