"""Main-text extraction, side by side: precision, recall, F1 and pages/s, the way trafilatura's evaluation scores.

PATH is a local copy of trafilatura's `tests/` folder (its evaldata.json with eval/ and cache/: 990 pages,
each with a few chunks that belong to the main content and a few boilerplate chunks that do not); fetch it
yourself from the trafilatura repository, it is never copied into this one. Our own labelled fixtures
(tests/data/pages/main_text.json) are scored the same way. A chunk counts as found when its
whitespace-normalised form is a substring of the whitespace-normalised output.

Run: .venv/bin/python benchmarks/extraction.py /tmp/trafeval/tests [--only claimcheck,trafilatura] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimcheck.fetch.decode import decode_page  # noqa: E402
from claimcheck.fetch.extract import extract_html  # noqa: E402

FIXTURES = ROOT / "tests" / "data" / "pages" / "main_text.json"
Extractor = Callable[[bytes], str]


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def run_claimcheck(data: bytes) -> str:
    """What the checker reads by default: the main region (title and description included)."""
    return extract_html(decode_page(data).text, "https://example.test/").text


def run_claimcheck_body(data: bytes) -> str:
    """The main region without the page title and meta description (trafilatura's output has neither)."""
    e = extract_html(decode_page(data).text, "https://example.test/")
    return "\n".join(e.text[b.start : b.end] for b in e.blocks if b.kind not in ("title", "description"))


def run_claimcheck_all(data: bytes) -> str:
    """Every region: what `--regions all` checks."""
    return extract_html(decode_page(data).text, "https://example.test/", regions="all").text


def run_trafilatura(data: bytes) -> str:
    import trafilatura

    opts = {"include_comments": False, "include_tables": True, "include_formatting": False}
    return trafilatura.extract(data, **opts) or ""


def run_trafilatura_fast(data: bytes) -> str:
    import trafilatura

    opts = {"include_comments": False, "include_tables": True, "include_formatting": False}
    return trafilatura.extract(data, fast=True, **opts) or ""


def run_readability(data: bytes) -> str:
    import lxml.html
    from readability import Document

    summary = Document(decode_page(data).text).summary()
    return " ".join(lxml.html.fromstring(summary).itertext()) if summary.strip() else ""


def run_resiliparse(data: bytes) -> str:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    return extract_plain_text(HTMLTree.parse(decode_page(data).text), main_content=True)


def run_bs4(data: bytes) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(decode_page(data).text, "lxml").get_text(" ", strip=True)


EXTRACTORS: dict[str, Extractor] = {
    "claimcheck": run_claimcheck,
    "claimcheck-body": run_claimcheck_body,
    "claimcheck-all": run_claimcheck_all,
    "trafilatura": run_trafilatura,
    "trafilatura-fast": run_trafilatura_fast,
    "readability-lxml": run_readability,
    "resiliparse": run_resiliparse,
    "bs4-get_text": run_bs4,
}


def load_trafilatura_set(path: Path) -> list[tuple[bytes, list[str], list[str]]]:
    data = json.loads((path / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(data):
        item = data[url]
        for sub in ("cache", "eval"):
            file = path / sub / item["file"]
            if file.is_file():
                pages.append((file.read_bytes(), item["with"], item["without"]))
                break
    return pages


def load_fixtures() -> list[tuple[bytes, list[str], list[str]]]:
    if not FIXTURES.exists():
        return []
    entries = json.loads(FIXTURES.read_text(encoding="utf-8"))
    return [((FIXTURES.parent / e["file"]).read_bytes(), e["with"], e["without"]) for e in entries]


def score(fn: Extractor, pages: list[tuple[bytes, list[str], list[str]]]) -> dict[str, float]:
    tp = fp = fn_ = 0
    seconds = 0.0
    errors = 0
    for data, with_, without in pages:
        start = time.perf_counter()
        try:
            text = fn(data)
        except Exception:
            text, errors = "", errors + 1
        seconds += time.perf_counter() - start
        flat = norm(text)
        found = sum(norm(w) in flat for w in with_)
        tp += found
        fn_ += len(with_) - found
        fp += sum(norm(w) in flat for w in without)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn_) if tp + fn_ else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pages_s": len(pages) / seconds, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path", type=Path, nargs="?", help="trafilatura's tests/ folder (evaldata.json, eval/, cache/)")
    parser.add_argument("--only", default=",".join(EXTRACTORS), help="comma-separated extractors")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N pages of the 990")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n]
    sets = []
    if args.path:
        pages = load_trafilatura_set(args.path)
        sets.append(
            (f"trafilatura evaluation set ({len(pages[: args.limit or None])} pages)", pages[: args.limit or None])
        )
    fixtures = load_fixtures()
    if fixtures:
        sets.append((f"claimcheck labelled fixtures ({len(fixtures)} pages)", fixtures))
    for title, pages in sets:
        print(title)
        print(f"  {'extractor':<18} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8} {'errors':>6}")
        for name in names:
            try:
                EXTRACTORS[name](b"<html><body><p>probe</p></body></html>")
            except ImportError as exc:  # an alternative that is not installed is skipped, and says so
                print(f"  {name:<18} not installed ({exc.name})")
                continue
            r = score(EXTRACTORS[name], pages)
            print(
                f"  {name:<18} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>6.3f} "
                f"{r['pages_s']:>8.1f} {r['errors']:>6}"
            )


if __name__ == "__main__":
    main()
