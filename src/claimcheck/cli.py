"""The `claimcheck` command. Errors map to exit codes here, in one place: 0 clean, 1 flagged, 2 bad input."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from claimcheck.errors import (
    EXIT_CLEAN,
    EXIT_FLAGGED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_USAGE,
    ClaimcheckError,
    InputError,
)

# Plain click help: typer's rich help shows a "<bool>" type on every flag, and help text is never markup.
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Flag and explain false claims about stem-cell and other regenerative treatments.",
)
rules_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="List rule packs or run their embedded examples."
)
app.add_typer(rules_app, name="rules")

# Listed under each command's --help ("\b" keeps click from re-wrapping the lines); README has the same table.
CHECK_CODES = """\b
Exit codes:
  0    nothing flagged
  1    flagged
  2    bad input or usage (a one-line message, never a traceback)
  3    the URL could not be fetched
  4    broken rule, fact or model files
  70   internal error (a bug; one line, please report it)
  130  interrupted"""
AUDIT_CODES = """\b
Exit codes:
  0    every page checked, no site flagged
  1    a site is flagged
  2    bad input or usage (no usable URL in the sites file, ...)
  4    broken rule, fact or model files
  5    site list: nothing flagged, but some pages could not be checked
  6    site list: no page could be checked at all
  70   internal error (a bug; one line, please report it)
  74   the output cannot be written (--out is a file, no permission, disk full)
  130  interrupted (run the same command again to resume)

The reasons pages were not checked are listed at the end, with the fix."""
FACTS_CODES = """\b
Exit codes:
  0    listed; with --stale: no fact is past its recheck date
  1    with --stale: some fact is past its recheck date
  2    bad usage (e.g. --today not a YYYY-MM-DD date)
  4    broken fact files"""


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    claimreview = "claimreview"


class FactsFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class EvalFormat(StrEnum):
    text = "text"
    json = "json"


class Lang(StrEnum):
    auto = "auto"
    en = "en"
    zh = "zh"


def _out() -> Console:
    return Console(soft_wrap=False, highlight=False)


def _plain(message: object) -> str:
    """A user- or page-derived string made safe for rich: markup escaped, control characters shown."""
    from rich.markup import escape

    from claimcheck.report.terminal import visible

    return escape(visible(str(message)))


def _fail(message: str, code: int) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {_plain(message)}", markup=True, soft_wrap=True)
    return typer.Exit(code)


TODAY_ENV = "CLAIMCHECK_TODAY"
TODAY_HELP = "The day facts are judged stale by (default: today)."
REGIONS_HELP = "Page regions to check: main (default), all, or a list such as main,sidebar (navigation, header, footer, sidebar, other)."


def _regions(value: str) -> tuple[str, ...]:
    from claimcheck.fetch.extract import parse_regions

    try:
        return parse_regions(value)
    except InputError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None


@app.command(epilog=CHECK_CODES)
def check(
    source: str = typer.Argument(None, help="A file, '-' for stdin, or an http(s) URL."),
    text: str = typer.Option(None, "--text", "-t", help="Check this text instead of a file."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    lang: Lang = typer.Option(Lang.auto, "--lang", help="Language of the text (auto detects per paragraph)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow URLs on private or loopback addresses."),
    show_suppressed: bool = typer.Option(
        False, "--show-suppressed", help="List statements context kept from flagging."
    ),
    regions: str = typer.Option("main", "--regions", help=REGIONS_HELP),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Text format: print each finding's facts in full."),
    today: str = typer.Option(None, "--today", envvar=TODAY_ENV, metavar="YYYY-MM-DD", help=TODAY_HELP),
) -> None:
    """Check a text, a file or a web page."""
    import gc

    # One check, then the process ends: the cyclic collector would only rescan the heap of freshly loaded
    # rules, model and tables. Checking makes no reference cycles of its own (tested).
    gc.disable()
    if (source is None) == (text is None):
        raise _fail("give exactly one of FILE, '-', URL or --text", EXIT_USAGE)
    chosen = _regions(regions)
    day = _date(today, "--today")
    language = None if lang is Lang.auto else lang.value
    kind, body = _read_input(source, text)  # input errors first, before the slow load
    from claimcheck import default_checker

    checker = default_checker()
    if kind == "url":
        from claimcheck.fetch.page import check_url

        report = check_url(source, checker=checker, lang=language, allow_private=allow_private, regions=chosen)
    elif kind == "html":
        from claimcheck.fetch.page import check_html

        url = Path(source).resolve().as_uri()
        report = check_html(body, checker=checker, lang=language, url=url, regions=chosen)
    else:
        where = {"text": {"kind": "text"}, "stdin": {"kind": "stdin"}}.get(kind, {"kind": "file", "path": source})
        report = checker.check_text(body, lang=language, source=where)
    _emit(report, fmt, show_suppressed, verbose, day)
    raise typer.Exit(EXIT_FLAGGED if report.flagged else EXIT_CLEAN)


def _read_input(source: str | None, text: str | None) -> tuple[str, str]:
    """(kind, text to check): kind is text, stdin, file, html or url (whose text is fetched later, so "")."""
    from claimcheck.inputs import decode_bytes, read_file, require_text, source_kind

    if text is not None:
        return "text", require_text(text, "the text given with --text")
    kind = source_kind(str(source))
    if kind == "stdin":
        return kind, require_text(decode_bytes(sys.stdin.buffer.read(), name="stdin"), "stdin")
    if kind == "url":
        return kind, ""
    body = read_file(str(source))
    return kind, body if kind == "html" else require_text(body, str(source))


def _emit(report, fmt: Format, show_suppressed: bool, verbose: bool, today) -> None:
    """Render in the chosen format; `today` (when given) is the day cited facts are judged stale by."""
    pinned = {"today": today} if today is not None else {}
    if fmt is Format.json:
        from claimcheck.report.json import render

        print(render(report, **pinned))
    elif fmt is Format.markdown:
        from claimcheck.report.markdown import render

        print(render(report, **pinned), end="")
    elif fmt is Format.html:
        from claimcheck.report.page_html import render

        print(render(report, **pinned), end="")
    elif fmt is Format.claimreview:
        from claimcheck.report.claimreview import render

        print(render(report, **pinned))
    else:
        from claimcheck.report.terminal import render

        long_form = {"verbose": True} if verbose else {}
        render(report, _out(), show_suppressed=show_suppressed, **long_form, **pinned)


@rules_app.command("list")
def rules_list(pack: str = typer.Argument(None, help="Only this pack.")) -> None:
    """List rules: id, category, severity, languages, examples."""
    from rich.table import Table

    from claimcheck.detect.rules import RuleSet

    ruleset = RuleSet.load(packs=[pack] if pack else None)
    table = Table("rule", "category", "severity", "languages", "examples (match/no-match)")
    for r in ruleset.rules:
        table.add_row(
            _plain(r.id), r.category, r.severity, ",".join(r.languages), f"{len(r.must_match)}/{len(r.must_not_match)}"
        )
    out = _out()
    if not out.is_terminal:
        out.width = 160  # piped: keep ids whole
    out.print(table)


@rules_app.command("test")
def rules_test(pack: str = typer.Argument(None, help="Only this pack.")) -> None:
    """Run every rule's embedded examples through the checker; exit 1 if any fails."""
    from claimcheck import default_checker
    from claimcheck.training.ruletest import run_examples

    results = run_examples(default_checker(), [pack] if pack else None)
    if pack and not results:
        raise _fail(f"no rule pack named {pack!r}", EXIT_USAGE)
    out = _out()
    failed = [r for r in results if not r.ok]
    for r in failed:
        out.print(f"[red]FAIL[/] {_plain(r.rule_id)} ({r.kind}): {_plain(repr(r.text))}\n      {_plain(r.detail)}")
    out.print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    raise typer.Exit(1 if failed else 0)


@app.command(epilog=FACTS_CODES)
def facts(
    stale: bool = typer.Option(False, "--stale", help="Only facts past their recheck date; exit 1 if there is any."),
    fmt: FactsFormat = typer.Option(FactsFormat.text, "--format", "-f", help="Output format."),
    today: str = typer.Option(None, "--today", envvar=TODAY_ENV, metavar="YYYY-MM-DD", help=TODAY_HELP),
) -> None:
    """Show the knowledge base (or the facts that need rechecking)."""
    import json

    from claimcheck.knowledge.facts import KnowledgeBase

    day = _date(today, "--today")
    kb = KnowledgeBase.load()
    chosen = kb.stale(day) if stale else list(kb)
    if fmt is FactsFormat.json:
        print(
            json.dumps([f.to_dict() | {"topic": f.topic, "note": f.note} for f in chosen], ensure_ascii=False, indent=2)
        )
    elif fmt is FactsFormat.markdown:
        print(_facts_markdown(chosen), end="")
    else:
        _facts_table(chosen, stale)
    raise typer.Exit(EXIT_FLAGGED if stale and chosen else EXIT_CLEAN)


def _date(value: str | None, option: str):
    """A YYYY-MM-DD option value as a date (None: today); a bad one is a usage error."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise _fail(f"{option} (or {TODAY_ENV}) must be a date such as 2026-12-31, not {value!r}", EXIT_USAGE) from None


def _facts_table(chosen: list, stale: bool) -> None:
    from rich.table import Table

    out = _out()
    if chosen:
        table = Table("id", "as of", "recheck by", "confidence", "statement", show_lines=True)
        for f in chosen:
            table.add_row(_plain(f.id), str(f.as_of), str(f.recheck_by), _plain(f.confidence), _plain(f.statement_en))
        out.print(table)
    out.print(f"{len(chosen)} fact(s){' past their recheck date' if stale else ''}")


def _facts_markdown(chosen: list) -> str:
    """A Markdown table of the facts, each with its first source linked."""

    def cell(value: object) -> str:
        return " ".join(str(value).split()).replace("|", "\\|")

    rows = ["| id | as of | recheck by | confidence | statement | source |", "|---|---|---|---|---|---|"]
    for f in chosen:
        source = f.sources[0] if f.sources else {}
        link = f"[{cell(source.get('title') or source.get('url'))}]({cell(source.get('url'))})" if source else ""
        rows.append(
            f"| `{cell(f.id)}` | {f.as_of} | {f.recheck_by} | {cell(f.confidence)} | {cell(f.statement_en)} | {link} |"
        )
    return "\n".join(rows) + "\n"


@app.command(epilog=AUDIT_CODES)
def audit(
    targets: list[str] = typer.Argument(
        None, help="The sites file (one URL per line); with --warc, more archives.", show_default=False
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Output directory (results.jsonl, sites.csv, report.html, errors.jsonl)."
    ),
    max_pages: int = typer.Option(20, "--max-pages", min=1, help="Pages per site at most."),
    depth: int = typer.Option(2, "--depth", min=0, help="Link depth from the start page."),
    concurrency: int = typer.Option(8, "--concurrency", min=1, help="Sites fetched at once."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow private and loopback addresses."),
    warc: list[str] = typer.Option(
        None,
        "--warc",
        help="Audit web archives instead: WARC/ARC paths, globs or fsspec URLs (needs the 'crawl' extra).",
        show_default=False,
    ),
    engine: str = typer.Option(
        "local", "--engine", help="With --warc: local (this process) or dask (one task per archive)."
    ),
    scheduler: str = typer.Option(
        None, "--scheduler", help="With --engine dask: a scheduler address (default: a LocalCluster)."
    ),
    workers: int = typer.Option(
        2, "--workers", min=1, help="With --engine dask and no --scheduler: LocalCluster worker processes."
    ),
    prefilter: bool = typer.Option(
        False, "--prefilter", help="With --warc: skip pages that name no regenerative treatment (counted)."
    ),
    regions: str = typer.Option("main", "--regions", help=REGIONS_HELP),
) -> None:
    """Audit a list of sites, or web archives (--warc); resumable."""
    if out.exists() and not out.is_dir():
        raise _fail(f"cannot use output directory {out}: it is an existing file", EXIT_IO)
    if warc:
        from claimcheck.siteaudit.warc_audit import run_warc_cli

        patterns = [*warc, *(targets or [])]
        raise typer.Exit(
            run_warc_cli(patterns, out, engine=engine, scheduler=scheduler, workers=workers, prefilter=prefilter)
        )
    if len(targets or []) != 1:
        raise _fail("give one sites file (or --warc with web archives)", EXIT_USAGE)
    from claimcheck.siteaudit import run_cli

    chosen = _regions(regions)
    code = run_cli(
        Path(targets[0]),
        out,
        max_pages=max_pages,
        depth=depth,
        concurrency=concurrency,
        allow_private=allow_private,
        regions=chosen,
    )
    raise typer.Exit(code)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="Port."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Let URL checks reach private addresses."),
) -> None:
    """Run the HTTP API and web page (needs the 'serve' extra)."""
    try:
        from claimcheck.serve.app import run
    except ImportError as exc:
        raise _fail(
            f"the service needs the 'serve' extra: pip install 'claimcheck[serve]' ({exc})", EXIT_USAGE
        ) from None
    run(host=host, port=port, allow_private=allow_private)


@app.command()
def train(
    corpus: Path = typer.Option(None, "--corpus", help="Corpus folder (default: the bundled corpora/)."),
    out: Path = typer.Option(None, "--out", help="Where to write the model (default: the package's models/)."),
    compare: bool = typer.Option(
        True, "--compare/--no-compare", help="Also compare feature sets (into the model card)."
    ),
) -> None:
    """Rebuild the classifier from the labeled corpus, reproducibly (fixed seeds)."""
    from claimcheck.training.train import train_cli

    raise typer.Exit(train_cli(corpus, out, _out(), compare=compare))


@app.command("eval")
def evaluate(
    corpus: Path = typer.Argument(None, help="Corpus folder or .jsonl file (default: the bundled test split)."),
    split: str = typer.Option("test", "--split", help="train, dev, test or all."),
    fmt: EvalFormat = typer.Option(EvalFormat.text, "--format", "-f", help="Output format."),
    subset: str = typer.Option("real", "--set", help="real (v2, modelled on real pages), authored (v1) or all."),
    pages: bool = typer.Option(True, "--pages/--no-pages", help="Also score the page set (corpora/v2/pages)."),
) -> None:
    """Precision, recall and F1 of the rules, the classifier and their combination; page-set span recall."""
    from claimcheck.training.evaluate import eval_cli

    raise typer.Exit(eval_cli(corpus, split, fmt.value, _out(), subset=subset, pages=pages))


def main() -> None:
    """Console entry point: click reports usage errors (exit 2); our errors become one line and a code."""
    try:
        app()  # standalone: exits with the command's code
    except ClaimcheckError as exc:
        Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {_plain(exc)}", markup=True, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        Console(stderr=True).print("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # anything unexpected: one line, no traceback
        Console(stderr=True, highlight=False).print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {_plain(exc)}", markup=True, soft_wrap=True
        )
        sys.exit(EXIT_INTERNAL)
