"""Longer fuzzing of the HTML decoder and extractor (the suite runs a bounded version).

Usage: .venv/bin/python benchmarks/fuzz_extract.py [SECONDS]
Random and structured byte strings go through decode_page -> extract_html; any exception other than a
ClaimcheckError (a deliberate refusal) is printed with its input and ends the run with exit 1.
"""

from __future__ import annotations

import random
import sys
import time
import traceback

from claimcheck.errors import ClaimcheckError
from claimcheck.fetch.decode import decode_page
from claimcheck.fetch.extract import extract_html

PIECES = [
    b"<p>", b"</p>", b"<script>", b"</script>", b"<meta charset=gbk>", b"<meta charset=big5>", b"<div hidden>",
    b"<style>.x{display:none}</style>", b"<table><tr><td>", b"<!--", b"-->", b"<![CDATA[", b"&#x0;", b"&amp",
    "幹細胞治療中風".encode(), "干细胞".encode("gbk"), "中風".encode("big5"), b"\x00", b"\xff\xfe", b"\xef\xbb\xbf",
    b"<a href='javascript:x'>", b"<img alt='FDA approved'>", b"<h1>", b"<template>", b"<noscript>", b"<svg><text>",
]


def one(rng: random.Random) -> bytes:
    if rng.random() < 0.3:
        return rng.randbytes(rng.randint(0, 4000))
    return b"".join(rng.choice(PIECES) + rng.randbytes(rng.randint(0, 8)) for _ in range(rng.randint(0, 60)))


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    rng = random.Random(1234)
    end = time.monotonic() + seconds
    runs = refused = 0
    while time.monotonic() < end:
        data = one(rng)
        charset = rng.choice([None, "utf-8", "gbk", "big5", "latin-1", "bogus"])
        runs += 1
        try:
            extract_html(decode_page(data, header_charset=charset).text, "https://clinic.test/")
        except ClaimcheckError:
            refused += 1
        except Exception:
            traceback.print_exc()
            print(f"crash after {runs} runs on input {data[:200]!r} (charset {charset})")
            return 1
    print(f"fuzz: {runs} inputs in {seconds:.0f} s ({runs / seconds:.0f}/s), {refused} refused cleanly, 0 crashes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
