"""Report -> a readable terminal report (rich): what was checked, each claim quoted with its trigger
highlighted, and the facts it contradicts, listed once and cited by number (`verbose` repeats them in full)."""

from __future__ import annotations

import datetime as dt

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimcheck.model import Fact, Finding, Report
from claimcheck.report import i18n, staleness
from claimcheck.report.checked import checked_lines

_COLOURS = {"high": "bold red", "medium": "yellow", "low": "cyan"}
FACTS_SHOWN = 3  # facts shown per finding; the JSON report carries them all
# C0 controls become their visible symbols (ESC -> U+241B), DEL and C1 controls a replacement character:
# one character for one, so highlight offsets still line up with the checked text.
_VISIBLE = (
    {c: 0x2400 + c for c in range(32) if c not in (9, 10)} | {127: 0x2421} | dict.fromkeys(range(128, 160), 0xFFFD)
)


def visible(text: str) -> str:
    """`text` with every terminal control character (ESC, OSC, BEL, CSI, ...) shown instead of obeyed."""
    return text.translate(_VISIBLE)


def render(
    report: Report,
    console: Console,
    *,
    show_suppressed: bool = False,
    verbose: bool = False,
    today: dt.date | None = None,
) -> None:
    """Print the report. By default each cited fact is printed once, in a numbered "facts cited" list the
    findings refer to; `verbose` prints every finding's facts in full inside it (the long form)."""
    zh = i18n.is_zh(report)
    day = today or dt.date.today()
    for key, val in checked_lines(report, zh):
        console.print(Text(f"{key}: ", style="dim") + Text(visible(val)))
    _verdict(report, console, zh, day)
    cited = staleness.cited_facts(_shown(report))
    numbers = {fact.id: n for n, fact in enumerate(cited, 1)}
    for n, f in enumerate(report.findings, 1):
        if verbose:
            _finding_long(report, f, n, console, zh, day)
        else:
            _finding_short(report, f, n, console, zh, day, numbers)
    if cited and not verbose:
        console.print(Text(i18n.zh("引用的事实", report) if zh else "Facts cited", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for fact in cited:
            grid.add_row(Text(f"[{numbers[fact.id]}]", style="bold"), _fact_line(report, fact, zh, day))
        console.print(grid)
    _suppressed(report, console, zh, show_suppressed)
    console.print(Text(f"{i18n.zh('事实截至', report) if zh else 'Facts as of'} {report.facts_as_of}", style="dim"))


def _shown(report: Report) -> Report:
    """The report with each finding's facts cut to those shown, so the numbered list holds only cited ones."""
    import dataclasses

    return dataclasses.replace(
        report, findings=tuple(dataclasses.replace(f, facts=f.facts[:FACTS_SHOWN]) for f in report.findings)
    )


def _verdict(report: Report, console: Console, zh: bool, day: dt.date) -> None:
    if not report.flagged:
        console.print(
            Text("✓ " + (i18n.zh("未发现可疑宣传", report) if zh else "No red-flag claims found."), style="bold green")
        )
    else:
        head = (
            i18n.zh(f"发现 {len(report.findings)} 处可疑宣传", report)
            if zh
            else f"{len(report.findings)} red-flag claim(s) found"
        )
        console.print(Text(f"⚠ {head} (risk {report.risk:.2f})", style="bold red"))
    stale = len(staleness.stale_facts(report, day))
    if stale:
        note = i18n.zh(staleness.summary_zh(stale), report) if zh else staleness.summary_en(stale)
        console.print(Text(f"⚠ {note}", style="bold yellow"))


def _sentence(f: Finding) -> Text:
    sentence = Text(visible(f.sentence.replace("\n", " ")))
    lo = f.start - f.sentence_start
    sentence.stylize(f"reverse {_COLOURS[f.severity]}", lo, lo + (f.end - f.start))
    return sentence


def _stale_note(report: Report, fact: Fact, zh: bool) -> str:
    return i18n.zh(staleness.marker_zh(fact.recheck_by), report) if zh else staleness.marker_en(fact.recheck_by)


def _fact_line(report: Report, fact: Fact, zh: bool, day: dt.date) -> Text:
    src = fact.sources[0]
    statement = i18n.zh(fact.statement_zh, report) if zh else fact.statement_en
    line = Text(visible(statement))
    line.append(f"  [{i18n.zh('截至', report) if zh else 'as of'} {fact.as_of}] ", style="dim")
    if staleness.is_stale(fact, day):
        line.append(f"⚠ {_stale_note(report, fact, zh)} ", style="bold yellow")
    line.append(src["url"], style=f"link {src['url']} underline blue")
    return line


def _finding_short(
    report: Report, f: Finding, n: int, console: Console, zh: bool, day: dt.date, numbers: dict[str, int]
) -> None:
    head = Text(
        f"{n}. {i18n.category(f.category, zh, report)} · {i18n.severity(f.severity, zh, report)}",
        style=_COLOURS[f.severity],
    )
    head.append(f"  rule {f.rule_id} · confidence {f.confidence:.2f}", style="dim")
    refs = []
    for fact in f.facts[:FACTS_SHOWN]:
        refs.append(f"[{numbers[fact.id]}]" + ("⚠" if staleness.is_stale(fact, day) else ""))
    if refs:
        head.append(f"  {i18n.zh('事实', report) if zh else 'facts'} {' '.join(refs)}", style="dim")
    console.print(head)
    console.print(Padding(_sentence(f), (0, 0, 0, 3), expand=False))
    console.print(Padding(Text(visible(i18n.explanation(f, zh))), (0, 0, 0, 3), expand=False))
    console.print()


def _finding_long(report: Report, f: Finding, n: int, console: Console, zh: bool, day: dt.date) -> None:
    body = [_sentence(f), Text(""), Text(visible(i18n.explanation(f, zh)))]
    for fact in f.facts[:FACTS_SHOWN]:
        body.append(Text("• ", style="dim") + _fact_line(report, fact, zh, day))
    body.append(Text(f"rule {f.rule_id} · confidence {f.confidence:.2f}", style="dim"))
    title = f"{n}. {i18n.category(f.category, zh, report)} · {i18n.severity(f.severity, zh, report)}"
    console.print(Panel(Group(*body), title=title, title_align="left", border_style=_COLOURS[f.severity]))


def _suppressed(report: Report, console: Console, zh: bool, show: bool) -> None:
    if not report.suppressed:
        return
    note = (
        i18n.zh(f"{len(report.suppressed)} 处语句因上下文（否定、警示、提问、转述）未被标记", report)
        if zh
        else f"{len(report.suppressed)} statement(s) not flagged because context shows a negation, warning, question or report"
    )
    console.print(Text(note, style="dim"))
    if show:
        for s in report.suppressed:
            reasons = ", ".join(f"{r.kind}: {r.cue!r}" for r in s.reasons)
            console.print(Text(visible(f"  – {s.quote!r} ({s.category}) ← {reasons}"), style="dim"))
