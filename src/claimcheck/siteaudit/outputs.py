"""Regenerate sites.csv, report.html and errors.jsonl from the results.jsonl lines (never from memory)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from claimcheck.fetch.client import now_iso
from claimcheck.report import html as html_report
from claimcheck.report.sites_csv import SiteSummary, render_csv, summarize
from claimcheck.siteaudit.store import ResultStore, write_atomic

SITES_CSV = "sites.csv"
REPORT_HTML = "report.html"


def write_outputs(store: ResultStore, lines: list[dict[str, Any]], sites: Iterable[str]) -> list[SiteSummary]:
    """Write the three derived files atomically and return the per-site summaries."""
    summaries = summarize(lines, sites)
    out = Path(store.dir)
    write_atomic(out / SITES_CSV, render_csv(summaries).encode("utf-8"))
    write_atomic(out / REPORT_HTML, html_report.render(summaries, generated_at=now_iso()).encode("utf-8"))
    store.rewrite_errors([line for line in lines if line.get("site") in set(s.site for s in summaries)])
    return summaries
