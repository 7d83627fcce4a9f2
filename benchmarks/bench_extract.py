"""Measure main-text extraction on the labelled pages: claimcheck's BeautifulSoup extractor vs trafilatura.

For every labelled page (examples/clinic_*.html and tests/data/pages/*.html) it reports:
  claims kept   - must-flag sentences present in the extracted text
  boilerplate   - nav / footer / cookie-banner lines that survived (fewer is better)
  leaks         - hidden or <script> strings that got in (must be 0)
  flagged       - must-flag sentences the checker flags on the extracted text
  false flags   - must-not-flag sentences the checker flags
Run: .venv/bin/python benchmarks/bench_extract.py
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimcheck import default_checker  # noqa: E402
from claimcheck.fetch.extract import extract_html  # noqa: E402


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def labelled_pages() -> list[tuple[Path, list[str], list[str]]]:
    """(page, must-flag quotes, must-not-flag quotes) from examples/README.md and tests/data/pages/labels.json."""
    pages = []
    readme = (ROOT / "examples" / "README.md").read_text()
    for m in re.finditer(r"- `(clinic_\w+\.html)`:(.*)", readme):
        body = m.group(2)
        flag_part, _, not_part = body.partition("must not flag:")
        pages.append(
            (ROOT / "examples" / m.group(1), re.findall(r"`([^`]+)`", flag_part), re.findall(r"`([^`]+)`", not_part))
        )
    labels = ROOT / "tests" / "data" / "pages" / "labels.json"
    if labels.exists():
        for entry in json.loads(labels.read_text()):
            if entry["file"].endswith(".html"):
                pages.append((labels.parent / entry["file"], entry["must_quote"], entry["must_not_quote"]))
    return pages


def boilerplate_lines(html: str) -> list[str]:
    """Text lines of nav, page footer and cookie banners: what a main-text extractor should drop."""
    soup = BeautifulSoup(html, "lxml")
    found = soup.find_all(["nav", "footer"]) + soup.select("[id*=cookie], [class*=cookie]")
    lines = []
    for el in found:
        if el.name == "footer" and el.find_parent("blockquote"):
            continue
        lines += [norm(s) for s in el.stripped_strings if len(norm(s)) > 3]
        el.extract()
    elsewhere = {norm(s) for s in soup.stripped_strings}  # a menu item that is also a real heading is not boilerplate
    return [line for line in lines if line not in elsewhere]


def extract_bs4(html: str) -> str:
    return extract_html(html, "https://example.test/").text


def extract_trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_tables=True, include_comments=False, favor_recall=True) or ""


def measure(name: str, extract, checker) -> dict[str, float]:
    totals = dict.fromkeys(("claims", "kept", "boiler", "boiler_kept", "leaks", "flagged", "not", "false", "ms"), 0.0)
    for page, must, must_not in labelled_pages():
        html = page.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        text = extract(html)
        totals["ms"] += (time.perf_counter() - t0) * 1000
        flat = norm(text)
        totals["claims"] += len(must)
        totals["kept"] += sum(norm(q) in flat for q in must)
        boiler = boilerplate_lines(html)
        totals["boiler"] += len(boiler)
        lines = {norm(line) for line in text.splitlines()}
        totals["boiler_kept"] += sum(b in lines for b in boiler)
        hidden = [q for q in must_not if q not in BeautifulSoup(html, "lxml").get_text(" ") or _in_hidden(html, q)]
        totals["leaks"] += sum(norm(q) in flat for q in hidden)
        findings = checker.check_text(text).findings
        sentences = [norm(f.sentence) for f in findings]

        def hit(q: str, sentences: list[str] = sentences) -> bool:
            return any(norm(q)[:40] in s or s in norm(q) for s in sentences)

        totals["flagged"] += sum(hit(q) for q in must)
        totals["not"] += len(must_not)
        totals["false"] += sum(hit(q) for q in must_not)
    return totals


def _in_hidden(html: str, quote: str) -> bool:
    soup = BeautifulSoup(html, "lxml")
    for el in soup.select("script, style, template, [style*='display:none'], [hidden]"):
        if quote in el.get_text():
            return True
    return False


def main() -> None:
    checker = default_checker()
    print(f"{len(labelled_pages())} labelled pages")
    header = f"{'extractor':<12} {'claims kept':>12} {'boilerplate kept':>17} {'leaks':>6} {'flagged':>10} {'false flags':>12} {'ms/page':>8}"
    print(header)
    for name, fn in (("bs4 (ours)", extract_bs4), ("trafilatura", extract_trafilatura)):
        t = measure(name, fn, checker)
        n = len(labelled_pages())
        print(
            f"{name:<12} {int(t['kept']):>5}/{int(t['claims']):<6} {int(t['boiler_kept']):>8}/{int(t['boiler']):<8} "
            f"{int(t['leaks']):>6} {int(t['flagged']):>4}/{int(t['claims']):<5} {int(t['false']):>5}/{int(t['not']):<6} {t['ms'] / n:>8.1f}"
        )


if __name__ == "__main__":
    main()
