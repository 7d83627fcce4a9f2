"""Report -> a readable terminal report (rich): each claim quoted with its trigger highlighted."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from claimcheck.model import Report
from claimcheck.report import i18n

_COLOURS = {"high": "bold red", "medium": "yellow", "low": "cyan"}
# C0 controls become their visible symbols (ESC -> U+241B), DEL and C1 controls a replacement character:
# one character for one, so highlight offsets still line up with the checked text.
_VISIBLE = {c: 0x2400 + c for c in range(32) if c not in (9, 10)} | {127: 0x2421} | dict.fromkeys(range(128, 160), 0xFFFD)


def visible(text: str) -> str:
    """`text` with every terminal control character (ESC, OSC, BEL, CSI, ...) shown instead of obeyed."""
    return text.translate(_VISIBLE)


def render(report: Report, console: Console, *, show_suppressed: bool = False) -> None:
    zh = i18n.is_zh(report)
    if not report.flagged:
        console.print(Text("✓ " + (i18n.zh("未发现可疑宣传", report) if zh else "No red-flag claims found."), style="bold green"))
    else:
        head = i18n.zh(f"发现 {len(report.findings)} 处可疑宣传", report) if zh else f"{len(report.findings)} red-flag claim(s) found"
        console.print(Text(f"⚠ {head} (risk {report.risk:.2f})", style="bold red"))
    for n, f in enumerate(report.findings, 1):
        sentence = Text(visible(f.sentence.replace("\n", " ")))
        lo = f.start - f.sentence_start
        sentence.stylize(f"reverse {_COLOURS[f.severity]}", lo, lo + (f.end - f.start))
        body = [sentence, Text(""), Text(visible(i18n.explanation(f, zh)))]
        for k, fact in enumerate(f.facts[:3]):
            src = fact.sources[0]
            line = Text("• ", style="dim")
            line.append(visible(i18n.fact_statement(f, k, zh, report)))
            line.append(f"  [{i18n.zh('截至', report) if zh else 'as of'} {fact.as_of}] ", style="dim")
            line.append(src["url"], style=f"link {src['url']} underline blue")
            body.append(line)
        body.append(Text(f"rule {f.rule_id} · confidence {f.confidence:.2f}", style="dim"))
        title = f"{n}. {i18n.category(f.category, zh, report)} · {i18n.severity(f.severity, zh, report)}"
        console.print(Panel(Group(*body), title=title, title_align="left", border_style=_COLOURS[f.severity]))
    if report.suppressed:
        note = (
            i18n.zh(f"{len(report.suppressed)} 处语句因上下文（否定、警示、提问、转述）未被标记", report)
            if zh
            else f"{len(report.suppressed)} statement(s) not flagged because context shows a negation, warning, question or report"
        )
        console.print(Text(note, style="dim"))
        if show_suppressed:
            for s in report.suppressed:
                reasons = ", ".join(f"{r.kind}: {r.cue!r}" for r in s.reasons)
                console.print(Text(visible(f"  – {s.quote!r} ({s.category}) ← {reasons}"), style="dim"))
    console.print(Text(f"{i18n.zh('事实截至', report) if zh else 'Facts as of'} {report.facts_as_of}", style="dim"))
