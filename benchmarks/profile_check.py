"""Where a check's time goes: pyinstrument profiles of the throughput and latency workloads of bench_check.

Usage: .venv/bin/python benchmarks/profile_check.py [--mb 1] [--runs 500]   (needs the `bench` extra)
Prints two call trees (time per function, children nested); no assertions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import SHORT  # noqa: E402
from corpus_gen import pages  # noqa: E402


def main() -> None:
    from pyinstrument import Profiler

    from claimcheck.checker import Checker

    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=1)
    ap.add_argument("--runs", type=int, default=500)
    args = ap.parse_args()
    checker = Checker().warm()
    docs = pages(int(args.mb * 1_000_000))
    texts = [SHORT[:300].replace("95%", f"{50 + i % 50}%").replace("3 places", f"{i} places") for i in range(args.runs)]
    checker.check_text(docs[0])
    for title, work in (
        (f"throughput: {len(docs)} pages, {sum(map(len, docs)) / 1e6:.2f} M characters", lambda: [checker.check_text(d) for d in docs]),
        (f"latency: {args.runs} distinct 300-character texts", lambda: [checker.check_text(t) for t in texts]),
    ):
        profiler = Profiler(interval=0.001)
        profiler.start()
        work()
        profiler.stop()
        print(f"=== {title}")
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
