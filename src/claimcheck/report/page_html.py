"""One Report -> one self-contained HTML page (inline CSS, no script, no network): what was checked, each
flagged claim in its sentence, and the facts it contradicts, listed once, stale ones marked."""

from __future__ import annotations

import datetime as dt
from html import escape

from claimcheck.model import Fact, Finding, Report
from claimcheck.report import i18n, staleness
from claimcheck.report.checked import checked_items, label, value
from claimcheck.report.html import _SEV_COLOUR, _STYLE, _link

_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def render(report: Report, *, today: dt.date | None = None) -> str:
    """The page as one HTML string; every value from the checked text or page is escaped."""
    zh = i18n.is_zh(report)
    day = today or dt.date.today()
    cited = staleness.cited_facts(report)
    numbers = {fact.id: n for n, fact in enumerate(cited, 1)}
    head = f"{len(report.findings)} red-flag claim(s) found" if report.flagged else "No red-flag claims found"
    if zh:
        head = i18n.zh(f"发现 {len(report.findings)} 处可疑宣传" if report.flagged else "未发现可疑宣传", report)
    checked = "".join(
        f"<dt>{escape(label(k, zh, report))}</dt><dd>{_link(v) if k in ('url', 'final_url') else escape(value(k, v, zh, report))}</dd>"
        for k, v in checked_items(report.source)
    )
    meta = f"language {escape(report.language)} · risk {report.risk:.2f} · facts as of {escape(report.facts_as_of)}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh" if zh else "en"}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>claimcheck: {escape(head)}</title><style>{_STYLE}dl{{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}}dt{{color:#667}}dd{{margin:0}}</style></head><body><main>",
        f'<h1 class="{"bad" if report.flagged else "ok"}">{escape(head)}</h1>',
        f'<dl class="checked">{checked}</dl><p class="meta">{meta}</p>',
    ]
    stale = len(staleness.stale_facts(report, day))
    if stale:
        note = i18n.zh(staleness.summary_zh(stale), report) if zh else staleness.summary_en(stale)
        parts.append(f'<p class="stale">⚠ {escape(note)}</p>')
    parts += [_finding(report, f, numbers, zh, day) for f in report.findings]
    if cited:
        parts.append(f'<h2>{escape(i18n.zh("引用的事实", report) if zh else "Facts cited")}</h2><ol class="facts">')
        parts += [_fact(report, fact, numbers[fact.id], zh, day) for fact in cited]
        parts.append("</ol>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _finding(report: Report, f: Finding, numbers: dict[str, int], zh: bool, day: dt.date) -> str:
    lo, hi = f.start - f.sentence_start, f.end - f.sentence_start
    s = f.sentence
    quoted = (
        f"{escape(s[:lo])}<mark>{escape(s[lo:hi])}</mark>{escape(s[hi:])}"
        if 0 <= lo <= hi <= len(s)
        else escape(f.quote)
    )
    refs = " ".join(
        f'<a href="#fact-{numbers[x.id]}">[{numbers[x.id]}]</a>' + ("⚠" if staleness.is_stale(x, day) else "")
        for x in f.facts
    )
    colour = _SEV_COLOUR[f.severity]
    title = f"{i18n.category(f.category, zh, report)} · {i18n.severity(f.severity, zh, report)}"
    return (
        f'<div class="finding" style="border-left-color:{colour}"><div><b>{escape(title)}</b>'
        f" · confidence {f.confidence:.2f} · rule {escape(f.rule_id)}</div>"
        f"<blockquote>{quoted}</blockquote><div>{escape(i18n.explanation(f, zh))}</div>"
        + (f'<div class="where">{"事实" if zh else "facts"} {refs}</div>' if refs else "")
        + "</div>"
    )


def _fact(report: Report, fact: Fact, n: int, zh: bool, day: dt.date) -> str:
    statement = i18n.zh(fact.statement_zh, report) if zh else fact.statement_en
    sources = " ".join(_link(str(src.get("url", "")), str(src.get("title") or "source")) for src in fact.sources[:2])
    stale = ""
    if staleness.is_stale(fact, day):
        note = i18n.zh(staleness.marker_zh(fact.recheck_by), report) if zh else staleness.marker_en(fact.recheck_by)
        stale = f' <span class="stale">⚠ {escape(note)}</span>'
    as_of = f"{i18n.zh('截至', report) if zh else 'as of'} {fact.as_of}"
    return f'<li id="fact-{n}">{escape(statement)} <span class="meta">[{escape(as_of)}]</span>{stale} {sources}</li>'
