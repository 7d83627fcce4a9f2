"""Report -> Markdown, for pasting into tickets, moderation notes or articles."""

from __future__ import annotations

import datetime as dt

from claimcheck.model import Fact, Report
from claimcheck.report import i18n, staleness
from claimcheck.report.checked import checked_lines
from claimcheck.report.terminal import visible


def render(report: Report, *, today: dt.date | None = None) -> str:
    """Findings cite the facts they contradict by number; each cited fact is listed once at the end, and a
    fact past its recheck date says so there and in the summary."""
    zh = i18n.is_zh(report)
    day = today or dt.date.today()
    lines = [
        f"# claimcheck: {i18n.zh('发现可疑宣传', report) if zh else 'red-flag claims found'}"
        if report.flagged
        else "# claimcheck: nothing flagged"
    ]
    lines.append("")
    lines += [f"- {key}: {val}" for key, val in checked_lines(report, zh)]
    lines.append(f"- language: {report.language}; sentences analysed: {report.sentences}; risk: {report.risk}")
    lines.append(f"- facts as of: {report.facts_as_of}")
    stale = len(staleness.stale_facts(report, day))
    if stale:
        lines.append(f"- **⚠ {i18n.zh(staleness.summary_zh(stale), report) if zh else staleness.summary_en(stale)}**")
    if not report.flagged:
        lines.append(f"- statements not flagged because of context: {len(report.suppressed)}")
        return visible("\n".join(lines)) + "\n"
    cited = staleness.cited_facts(report)
    numbers = {fact.id: n for n, fact in enumerate(cited, 1)}
    for n, f in enumerate(report.findings, 1):
        lines += [
            "",
            f"## {n}. {i18n.category(f.category, zh, report)} ({i18n.severity(f.severity, zh, report)}, {f.confidence:.2f})",
            "",
        ]
        lines.append("> " + f.sentence.replace(f.quote, f"**{f.quote}**", 1).replace("\n", " "))
        lines += ["", i18n.explanation(f, zh), ""]
        if f.facts:
            refs = ", ".join(
                f"[{numbers[fact.id]}]" + (" ⚠" if staleness.is_stale(fact, day) else "") for fact in f.facts
            )
            lines.append(f"- {i18n.zh('相关事实', report) if zh else 'facts'}: {refs}")
        lines.append(f"- rule: `{f.rule_id}`")
    if cited:
        lines += ["", f"## {i18n.zh('引用的事实', report) if zh else 'Facts cited'}", ""]
        lines += [_fact(report, fact, numbers[fact.id], zh, day) for fact in cited]
    return visible("\n".join(lines)) + "\n"  # a page's ESC or OSC sequences are shown, never obeyed


def _fact(report: Report, fact: Fact, n: int, zh: bool, day: dt.date) -> str:
    src = fact.sources[0]
    statement = i18n.zh(fact.statement_zh, report) if zh else fact.statement_en
    stale = ""
    if staleness.is_stale(fact, day):
        note = i18n.zh(staleness.marker_zh(fact.recheck_by), report) if zh else staleness.marker_en(fact.recheck_by)
        stale = f" **⚠ {note}**"
    return f"{n}. {statement} (as of {fact.as_of}; [{src.get('title') or src['url']}]({src['url']})){stale}"
