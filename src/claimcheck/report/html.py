"""Site summaries -> one self-contained HTML audit report (inline CSS, SVG and a hashed inline script; no network)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import urlsplit

from claimcheck.model import CATEGORIES
from claimcheck.model import past_recheck as is_past
from claimcheck.report.i18n import CATEGORY_LABELS
from claimcheck.report.sites_csv import SiteSummary
from claimcheck.report.staleness import summary_en

_SEV_COLOUR = {"high": "#b00020", "medium": "#b26a00", "low": "#2266aa"}
_SCRIPT = """
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0], asc = th.getAttribute('data-dir') !== 'asc';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-dir'); });
      th.setAttribute('data-dir', asc ? 'asc' : 'desc');
      Array.from(body.rows).sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-v') || a.cells[col].textContent;
        var y = b.cells[col].getAttribute('data-v') || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return asc ? c : -c;
      }).forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""
_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2a30;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin-top:36px;border-bottom:2px solid #ddd}h3{margin:28px 0 8px}
.meta{color:#667}.totals span{display:inline-block;margin-right:18px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f3;cursor:pointer;user-select:none}th[data-dir=asc]::after{content:" ▲"}th[data-dir=desc]::after{content:" ▼"}
.num{text-align:right;font-variant-numeric:tabular-nums}.sev{font-weight:600}
.finding{background:#fff;border:1px solid #ddd;border-left:5px solid #999;padding:10px 14px;margin:10px 0}
mark{background:#ffe08a}.facts{margin:6px 0 0;padding-left:18px;color:#334}.where{color:#667;font-size:13px}
.ok{color:#1b7f3b}.bad{color:#b00020}.stale{color:#8a4b00;font-weight:600}
"""


def render(
    summaries: Iterable[SiteSummary],
    *,
    generated_at: str = "",
    title: str = "claimcheck audit",
    today: dt.date | None = None,
) -> str:
    """The whole report as one HTML string; every value from a page is escaped, links are http(s) only.
    A cited fact past its recheck date on `today` (default: the real today) is marked, and counted on top."""
    sites = list(summaries)
    day = today or dt.date.today()
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
        _totals(sites, generated_at, day),
        "<h2>Findings by category</h2>",
        _chart(sites),
        "<h2>Sites by risk</h2>",
        _table(sites),
    ]
    flagged = [s for s in sites if s.flagged]
    if flagged:
        parts.append("<h2>Worst findings per site</h2>")
        parts += [_site_details(n, s, day) for n, s in enumerate(sites) if s.flagged]
    failed = [s for s in sites if s.error_pages]
    if failed:
        parts.append("<h2>Pages that could not be checked</h2>")
        parts.append(_errors(failed))
    parts.append(f"<script>{_SCRIPT}</script></main></body></html>")
    return "\n".join(parts)


def _stale_cited(sites: list[SiteSummary], day: dt.date) -> int:
    """Distinct facts shown in the report (each worst finding's first three) past their recheck date."""
    ids = {
        str(fact.get("id"))
        for s in sites
        for f in s.worst
        for fact in (f.get("facts") or [])[:3]
        if is_past(str(fact.get("recheck_by", "")), day)
    }
    return len(ids)


def _totals(sites: list[SiteSummary], generated_at: str, day: dt.date) -> str:
    pages = sum(s.pages_checked for s in sites)
    failed = sum(s.pages_failed + s.pages_skipped for s in sites)
    flagged = sum(1 for s in sites if s.flagged)
    as_of = max((s.facts_as_of for s in sites), default="")
    items = [
        f"<span><b>{len(sites)}</b> sites</span>",
        f'<span class="{"bad" if flagged else "ok"}"><b>{flagged}</b> flagged</span>',
        f"<span><b>{pages}</b> pages checked</span>",
        f"<span><b>{failed}</b> pages not checked</span>",
    ]
    outside = sum(s.outside_main for s in sites)
    if outside:
        items.append(f"<span><b>{outside}</b> findings outside the main content</span>")
    meta = []
    if generated_at:
        meta.append(f"generated {escape(generated_at)}")
    if as_of:
        meta.append(f"facts as of {escape(as_of)}")
    stale = _stale_cited(sites, day)
    note = f'<p class="stale">⚠ {escape(summary_en(stale))}</p>' if stale else ""
    return f'<p class="totals">{"".join(items)}</p><p class="meta">{" · ".join(meta)}</p>{note}'


def _chart(sites: list[SiteSummary]) -> str:
    """A horizontal bar chart in inline SVG: distinct findings per category over all sites."""
    counts: Counter[str] = Counter()
    for s in sites:
        counts.update(s.categories)
    rows = [(c, counts.get(c, 0)) for c in CATEGORIES]
    top = max((n for _, n in rows), default=0) or 1
    bar_h, label_w, width = 22, 430, 900
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{bar_h * len(rows) + 10}" role="img" aria-label="Findings by category">'
    ]
    for i, (cat, n) in enumerate(rows):
        y = i * bar_h + 5
        w = round((width - label_w - 60) * n / top)
        label = escape(f"{CATEGORY_LABELS.get(cat, (cat, cat))[0]} / {CATEGORY_LABELS.get(cat, (cat, cat))[1]}")
        out.append(f'<text x="0" y="{y + 15}" font-size="13">{label}</text>')
        out.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{bar_h - 6}" fill="#0f7c7a"><title>{n}</title></rect>'
        )
        out.append(f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="13">{n}</text>')
    out.append("</svg>")
    return "".join(out)


def _table(sites: list[SiteSummary]) -> str:
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "Site",
            "Risk",
            "Highest severity",
            "Flagged pages",
            "Pages checked",
            "Findings",
            "Categories",
            "Errors",
        )
    )
    rows = []
    sev_rank = {"high": 3, "medium": 2, "low": 1}
    for n, s in enumerate(sites):
        cats = ", ".join(CATEGORY_LABELS.get(c, (c, c))[0] for c, _ in s.categories.most_common(4))
        site = f'<a href="#site-{n}">{escape(s.site)}</a>' if s.flagged else escape(s.site)
        sev = s.max_severity or ""
        rows.append(
            "<tr>"
            f"<td>{site}</td>"
            f'<td class="num">{s.risk:.2f}</td>'
            f'<td class="sev" data-v="{sev_rank.get(sev, 0)}" style="color:{_SEV_COLOUR.get(sev, "#1b7f3b")}">{escape(sev or "none")}</td>'
            f'<td class="num">{s.flagged_pages}</td><td class="num">{s.pages_checked}</td>'
            f'<td class="num">{s.findings}</td><td>{escape(cats)}</td><td>{escape(s.error_text())}</td>'
            "</tr>"
        )
    return f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _site_details(n: int, s: SiteSummary, day: dt.date) -> str:
    out = [f'<h3 id="site-{n}">{_link(s.site)} <span class="meta">risk {s.risk:.2f}</span></h3>']
    out += [_finding(f, day) for f in s.worst]
    return "\n".join(out)


def _finding(f: dict[str, Any], day: dt.date) -> str:
    zh = f.get("page_language") == "zh"
    sentence = str(f.get("sentence", ""))
    lo = int(f.get("start", 0)) - int(f.get("sentence_start", 0))
    hi = lo + int(f.get("end", 0)) - int(f.get("start", 0))
    if 0 <= lo <= hi <= len(sentence):
        quoted = f"{escape(sentence[:lo])}<mark>{escape(sentence[lo:hi])}</mark>{escape(sentence[hi:])}"
    else:
        quoted = escape(sentence or str(f.get("quote", "")))
    cat = CATEGORY_LABELS.get(str(f.get("category")), (f.get("category"), f.get("category")))
    explanation = (f.get("explanation") or {}).get("zh" if zh else "en", "")
    facts = []
    for fact in (f.get("facts") or [])[:3]:
        statement = (fact.get("statement") or {}).get("zh" if zh else "en", "")
        sources = " ".join(
            _link(src.get("url", ""), src.get("title") or "source") for src in (fact.get("sources") or [])[:2]
        )
        recheck = str(fact.get("recheck_by", ""))
        stale = (
            f' <span class="stale">⚠ {"已过复核日期" if zh else "past its recheck date"} ({escape(recheck)})</span>'
            if is_past(recheck, day)
            else ""
        )
        facts.append(
            f'<li>{escape(statement)} <span class="meta">[{"截至" if zh else "as of"} {escape(str(fact.get("as_of", "")))}]</span>{stale} {sources}</li>'
        )
    where = f.get("location") or {}
    heading = f" · under “{escape(str(where['heading']))}”" if where.get("heading") else ""
    colour = _SEV_COLOUR.get(str(f.get("severity")), "#999")
    return (
        f'<div class="finding" style="border-left-color:{colour}">'
        f'<div><b>{escape(str(cat[1] if zh else cat[0]))}</b> · <span class="sev" style="color:{colour}">{escape(str(f.get("severity")))}</span>'
        f" · confidence {float(f.get('confidence') or 0):.2f}</div>"
        f"<blockquote>{quoted}</blockquote><div>{escape(str(explanation))}</div>"
        + (f'<ul class="facts">{"".join(facts)}</ul>' if facts else "")
        + f'<div class="where">{_link(str(f.get("page_url") or ""))}{heading} · rule {escape(str(f.get("rule_id", "")))}</div></div>'
    )


def _errors(sites: list[SiteSummary]) -> str:
    rows = []
    for s in sites:
        for e in s.error_pages:
            rows.append(
                f"<tr><td>{escape(s.site)}</td><td>{_link(str(e.get('url') or ''))}</td><td>{escape(str(e.get('reason', '')))}</td><td>{escape(str(e.get('message', '')))}</td></tr>"
            )
    head = "".join(f"<th>{h}</th>" for h in ("Site", "Page", "Reason", "Message"))
    return f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _link(url: str, text: str | None = None) -> str:
    """An <a> only for http(s) URLs (never javascript: or data:), always escaped."""
    label = escape(text if text is not None else url)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # an unparseable site-list line ("http://[::1") is shown, not linked
        return label
    if scheme in ("http", "https"):
        return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer nofollow">{label}</a>'
    return label
