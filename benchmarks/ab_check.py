"""A/B of the Checker across commits, in steady state on unique text: warm up on other text, then check each
document of the page set (and the reference article) once, and distinct 300-character windows of them once.

Usage: .venv/bin/python benchmarks/ab_check.py SRC [SRC ...]   (each SRC a checkout, e.g. from
`git worktree add /tmp/old e898b7d`; `.` is this one). Runs each SRC in its own process, twice, interleaved.
Prints figures; no assertions.

Times are the process's CPU time (time.process_time), so that other load on a shared virtual machine counts
less than in wall time; pairs run back to back are what to compare.

Why a separate script: bench_check.py times repeated passes over the same documents, which is fair to code
without text caches (this code) but flatters older commits that kept per-line and per-sentence caches. Here
the warm-up text (the sentence corpus, as pseudo-pages) never reappears, so no commit is helped by repeats,
while every commit's lazily compiled patterns and loaded models are ready.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_RUN = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(sys.argv[1]).resolve() / "src"))
root = Path(sys.argv[2])
sys.path.append(str(root / "benchmarks"))
from bench_check import real_documents
from claimcheck.checker import Checker
docs = real_documents()
lines = [json.loads(l)["text"] for f in sorted((root / "corpora/v2/sentences").glob("*.jsonl")) for l in f.read_text("utf-8").splitlines() if l.strip()]
checker = Checker().warm()
for i in range(0, len(lines), 12):
    checker.check_text("\n".join(lines[i : i + 12]))
chars = sum(map(len, docs))
t = time.process_time()
found = sum(len(checker.check_text(d).findings) for d in docs)
dt = time.process_time() - t
windows = [d[i : i + 300] for d in docs for i in range(150, max(151, len(d) - 300), 700)]
lat = []
for w in windows:
    t0 = time.process_time()
    checker.check_text(w)
    lat.append((time.process_time() - t0) * 1000)
lat.sort()
print(f"{sys.argv[1]}: {chars / dt / 1e3:.0f} K chars/s ({found} findings); {len(lat)} distinct 300-char windows: "
      f"p50 {lat[len(lat) // 2]:.2f} ms, p99 {lat[int(len(lat) * 0.99)]:.2f} ms", flush=True)
"""


def main() -> None:
    sources = sys.argv[1:] or ["."]
    for _ in range(2):
        for src in sources:
            subprocess.run([sys.executable, "-c", _RUN, src, str(ROOT)], check=False)


if __name__ == "__main__":
    main()
