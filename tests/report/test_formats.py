"""Every report format names what was checked, lists each cited fact once, and says when a fact is stale.

Reports are built by hand (pure renderers, no checker), and "today" is pinned so the calendar cannot move them.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from rich.console import Console

from claimcheck.model import Fact, Finding, Report
from claimcheck.report import claimreview, markdown, page_html, terminal
from claimcheck.report import html as audit_html
from claimcheck.report import json as report_json
from claimcheck.report.sites_csv import summarize

BEFORE = dt.date(2026, 9, 1)  # both facts current
BETWEEN = dt.date(2026, 10, 15)  # OLD is past its recheck date, NEW is not
AFTER = dt.date(2028, 1, 1)  # both past

OLD = Fact(
    id="no_stroke_approval",
    topic="approval",
    statement_en="No regulator has approved a stem-cell therapy for stroke.",
    statement_zh="没有监管机构批准干细胞疗法治疗中风。",
    as_of="2026-06-30",
    recheck_by="2026-09-30",
    confidence="verified",
    sources=({"url": "https://www.fda.gov/consumer", "title": "FDA consumer alert", "date": "2021-06-03"},),
)
NEW = Fact(
    id="isscr_red_flags",
    topic="red_flags",
    statement_en="The ISSCR lists testimonials and cure-alls as red flags of unproven stem-cell clinics.",
    statement_zh="ISSCR把患者见证和包治百病列为未经证实的干细胞诊所的警示信号。",
    as_of="2026-06-30",
    recheck_by="2027-06-30",
    confidence="verified",
    sources=({"url": "https://www.isscr.org/patients", "title": "ISSCR patients"},),
)
SOURCE = {
    "kind": "url",
    "url": "http://clinic.example/stroke",
    "final_url": "https://www.clinic.example/stroke-treatment",
    "title": "Stroke Recovery Centre",
    "fetched_at": "2026-10-15T09:30:00+00:00",
    "status": 200,
}


def finding(quote: str, sentence: str, start: int, category: str, facts: tuple[Fact, ...]) -> Finding:
    lo = sentence.index(quote)
    return Finding(
        quote=quote,
        start=start + lo,
        end=start + lo + len(quote),
        sentence=sentence,
        sentence_start=start,
        sentence_end=start + len(sentence),
        category=category,
        severity="high",
        confidence=0.9,
        rule_id="test.rule",
        evidence=(quote,),
        explanation_en=f'"{quote}" is a red flag.',
        explanation_zh=f"“{quote}”是警示信号。",
        facts=facts,
        location={"url": SOURCE["final_url"], "start": start + lo, "end": start + lo + len(quote)},
    )


S1 = "Our stem cells are approved for stroke."
S2 = "They cure stroke in weeks."
REPORT = Report(
    findings=(
        finding("approved for stroke", S1, 0, "approval_claim", (OLD, NEW)),
        finding("cure stroke", S2, len(S1) + 1, "cure_claim", (OLD,)),
    ),
    language="en",
    characters=len(S1) + 1 + len(S2),
    sentences=2,
    facts_as_of="2026-06-30",
    source=SOURCE,
)


def text_report(report: Report = REPORT, **kwargs) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    terminal.render(report, console, **kwargs)
    return console.file.getvalue()


def audit_page(today: dt.date) -> str:
    line = {"url": SOURCE["url"], "site": "clinic.example", "status": "checked"} | report_json.to_dict(
        REPORT, today=today
    )
    return audit_html.render(summarize([line]), today=today)


RENDERERS = {
    "text": lambda today: text_report(today=today),
    "text verbose": lambda today: text_report(verbose=True, today=today),
    "json": lambda today: report_json.render(REPORT, today=today),
    "markdown": lambda today: markdown.render(REPORT, today=today),
    "html": lambda today: page_html.render(REPORT, today=today),
}


@pytest.mark.parametrize("fmt", ["text", "text verbose", "markdown", "html"])
def test_every_format_names_the_url_final_url_title_and_fetch_time(fmt):
    out = RENDERERS[fmt](BEFORE)
    for value in (
        "http://clinic.example/stroke",
        "https://www.clinic.example/stroke-treatment",
        "Stroke Recovery Centre",
        "2026-10-15T09:30:00+00:00",
    ):
        assert value in out, (fmt, value)


def test_json_source_names_what_was_checked():
    data = json.loads(report_json.render(REPORT, today=BEFORE))
    assert {k: data["source"][k] for k in ("url", "final_url", "title", "fetched_at")} == {
        k: SOURCE[k] for k in ("url", "final_url", "title", "fetched_at")
    }


def test_text_report_prints_each_cited_fact_once_and_findings_cite_it_by_number():
    out = text_report(today=BEFORE)
    assert out.count(OLD.statement_en) == 1 and out.count(NEW.statement_en) == 1
    assert "Facts cited" in out
    head1, head2 = (line for line in out.splitlines() if line.startswith(("1. ", "2. ")))
    assert "facts [1] [2]" in head1 and "facts [1]" in head2  # OLD is [1] in both findings
    assert out.index("[1] " + OLD.statement_en[:20]) > out.index(S2)  # the list comes after the findings


def test_verbose_text_report_keeps_the_long_form():
    out = text_report(verbose=True, today=BEFORE)
    assert out.count(OLD.statement_en) == 2  # under each finding that cites it
    assert "Facts cited" not in out


def test_markdown_lists_each_cited_fact_once():
    out = markdown.render(REPORT, today=BEFORE)
    assert out.count(OLD.statement_en) == 1 and "## Facts cited" in out and "- facts: [1], [2]" in out


@pytest.mark.parametrize("fmt", list(RENDERERS))
def test_no_stale_warning_while_facts_are_current(fmt):
    out = RENDERERS[fmt](BEFORE)
    assert "past its recheck date" not in out and "past their recheck date" not in out


@pytest.mark.parametrize("fmt", ["text", "text verbose", "markdown", "html"])
def test_a_stale_fact_is_marked_beside_it_and_counted_in_the_summary(fmt):
    out = RENDERERS[fmt](BETWEEN)
    assert "1 cited fact is past its recheck date" in out, fmt
    assert "past its recheck date (2026-09-30)" in out, fmt  # beside the fact, with its date
    assert "2027-06-30" not in out or "past its recheck date (2027-06-30)" not in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_summary_counts_every_stale_cited_fact(fmt):
    assert "2 cited facts are past their recheck date" in RENDERERS[fmt](AFTER), fmt


def test_json_marks_stale_facts_and_counts_them():
    data = report_json.to_dict(REPORT, today=BETWEEN)
    first = data["findings"][0]["facts"]
    assert [(f["id"], f["stale"]) for f in first] == [("no_stroke_approval", True), ("isscr_red_flags", False)]
    assert data["findings"][1]["facts"][0]["stale"] is True
    assert data["stale_facts"] == 1 and data["schema_version"] == "1.0"
    assert report_json.to_dict(REPORT, today=BEFORE)["stale_facts"] == 0
    assert report_json.to_dict(REPORT, today=AFTER)["stale_facts"] == 2


def test_claimreview_says_when_a_cited_fact_is_stale():
    reviews = claimreview.to_jsonld(REPORT, date=BETWEEN)["@graph"]
    assert "1 cited fact is past its recheck date (no_stroke_approval: 2026-09-30)" in reviews[0]["reviewBody"]
    fresh = claimreview.to_jsonld(REPORT, date=BEFORE)["@graph"]
    assert all("recheck" not in r["reviewBody"] for r in fresh)


def test_audit_report_marks_stale_facts():
    assert "past its recheck date (2026-09-30)" in audit_page(BETWEEN)
    assert "1 cited fact is past its recheck date" in audit_page(BETWEEN)
    assert "recheck date" not in audit_page(BEFORE)


def test_chinese_report_marks_stale_facts_in_chinese():
    zh = Report(
        findings=REPORT.findings,
        language="zh",
        characters=10,
        sentences=2,
        facts_as_of="2026-06-30",
        source=SOURCE,
        script="Hant",
    )
    out = text_report(zh, today=BETWEEN)
    assert "引用的 1 條事實已過複核日期" in out and "已過複核日期（2026-09-30）" in out
    assert "網址" in out and "頁面標題" in out


def test_plain_text_names_its_input_and_html_escapes_page_values():
    text = Report(
        findings=(),
        language="en",
        characters=5,
        sentences=1,
        facts_as_of="2026-06-30",
        source={"kind": "file", "path": "notes/ad.txt"},
    )
    assert "file: notes/ad.txt" in text_report(text, today=BEFORE)
    evil = Report(
        findings=(),
        language="en",
        characters=5,
        sentences=1,
        facts_as_of="x",
        source=SOURCE | {"title": "<script>x</script>"},
    )
    page = page_html.render(evil, today=BEFORE)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_demo_page_report_is_short_and_names_the_page(checker):
    """The demo page (examples/clinic_en.html): each cited fact printed once, far shorter than the long form."""
    from claimcheck.fetch.page import check_html
    from testpaths import EXAMPLES

    path = EXAMPLES / "clinic_en.html"
    report = check_html(path.read_text(encoding="utf-8"), checker=checker, url=path.resolve().as_uri())
    short, long = text_report(report, today=BEFORE), text_report(report, verbose=True, today=BEFORE)
    assert path.resolve().as_uri() in short and report.source["title"] in short
    assert len(short.splitlines()) * 2 < len(long.splitlines())
    flat = " ".join(short.split())  # wrapped lines joined again
    for fact in {fact.id: fact for f in report.findings for fact in f.facts[: terminal.FACTS_SHOWN]}.values():
        assert flat.count(" ".join(fact.statement_en.split())) == 1, fact.id
