"""Report -> Markdown, for pasting into tickets, moderation notes or articles."""

from __future__ import annotations

from claimcheck.model import Report
from claimcheck.report import i18n
from claimcheck.report.terminal import visible


def render(report: Report) -> str:
    zh = i18n.is_zh(report)
    lines = [f"# claimcheck: {i18n.zh('发现可疑宣传', report) if zh else 'red-flag claims found'}" if report.flagged else "# claimcheck: nothing flagged"]
    lines.append("")
    lines.append(f"- language: {report.language}; sentences analysed: {report.sentences}; risk: {report.risk}")
    lines.append(f"- facts as of: {report.facts_as_of}")
    if not report.flagged:
        lines.append(f"- statements not flagged because of context: {len(report.suppressed)}")
        return visible("\n".join(lines)) + "\n"
    for n, f in enumerate(report.findings, 1):
        lines += ["", f"## {n}. {i18n.category(f.category, zh, report)} ({i18n.severity(f.severity, zh, report)}, {f.confidence:.2f})", ""]
        lines.append("> " + f.sentence.replace(f.quote, f"**{f.quote}**", 1).replace("\n", " "))
        lines += ["", i18n.explanation(f, zh), ""]
        for k, fact in enumerate(f.facts):
            src = fact.sources[0]
            lines.append(f"- {i18n.fact_statement(f, k, zh, report)} (as of {fact.as_of}; [{src.get('title') or src['url']}]({src['url']}))")
        lines.append(f"- rule: `{f.rule_id}`")
    return visible("\n".join(lines)) + "\n"  # a page's ESC or OSC sequences are shown, never obeyed
