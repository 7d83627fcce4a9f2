"""ClaimReview JSON-LD: one review per finding, with the quote, a rating, the appearance URL and the sources."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from claimcheck.model import Fact, Finding, Report
from claimcheck.report import claimreview

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DAY = dt.date(2026, 7, 1)
FACT = Fact(
    id="no_stroke_approval",
    topic="approval",
    statement_en="No stem-cell product is approved for stroke.",
    statement_zh="没有干细胞产品获批治疗中风。",
    as_of="2026-06-30",
    recheck_by="2026-09-30",
    confidence="verified",
    sources=(
        {"url": "https://www.fda.gov/x", "title": "FDA notice", "date": "2021-06-03"},
        {"url": "https://www.fda.gov/x"},
    ),
)


def finding(category: str, quote: str = "cures stroke", facts: tuple[Fact, ...] = (FACT,)) -> Finding:
    return Finding(
        quote=quote,
        start=4,
        end=4 + len(quote),
        sentence=f"Our {quote}.",
        sentence_start=0,
        sentence_end=5 + len(quote),
        category=category,
        severity="high",
        confidence=0.9,
        rule_id=f"test.{category}",
        evidence=(),
        explanation_en="English explanation.",
        explanation_zh="中文解释。",
        facts=facts,
    )


def report(*findings: Finding, language: str = "en", source: dict | None = None) -> Report:
    return Report(
        findings=findings, language=language, characters=40, sentences=1, facts_as_of="2026-06-30", source=source or {}
    )


def test_one_claimreview_per_finding_with_the_quote():
    doc = claimreview.to_jsonld(report(finding("cure_claim"), finding("success_rate", "94% success")), date=DAY)
    assert doc["@context"] == "https://schema.org"
    assert [r["claimReviewed"] for r in doc["@graph"]] == ["cures stroke", "94% success"]
    first = doc["@graph"][0]
    assert first["@type"] == "ClaimReview"
    assert first["author"] == {"@type": "Organization", "name": "claimcheck"}
    assert first["datePublished"] == "2026-07-01"
    assert first["reviewBody"] == "English explanation." and first["inLanguage"] == "en"
    assert first["itemReviewed"] == {"@type": "Claim", "text": "Our cures stroke."}


@pytest.mark.parametrize(
    ("category", "name", "value"),
    [
        ("approval_claim", "False", 1),
        ("cure_claim", "False", 1),
        ("success_rate", "Misleading", 2),
        ("urgency", "Misleading", 2),
    ],
)
def test_rating_by_category_on_a_1_to_5_scale(category, name, value):
    rating = claimreview.to_jsonld(report(finding(category)), date=DAY)["@graph"][0]["reviewRating"]
    assert rating["alternateName"] == name and rating["ratingValue"] == value
    assert (rating["worstRating"], rating["bestRating"]) == (1, 5) and rating["@type"] == "Rating"


def test_every_category_has_a_rating():
    from claimcheck.model import CATEGORIES

    assert {claimreview.rating_name(c) for c in CATEGORIES} == {"False", "Misleading"}


def test_appearance_is_the_page_url_when_known():
    doc = claimreview.to_jsonld(
        report(finding("cure_claim"), source={"kind": "url", "url": "https://clinic.example/stroke"})
    )
    assert doc["@graph"][0]["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "url": "https://clinic.example/stroke"}
    ]


def test_citations_are_the_contradicted_facts_sources_once_each():
    cited = claimreview.to_jsonld(report(finding("approval_claim")), date=DAY)["@graph"][0]["citation"]
    assert cited == [
        {"@type": "CreativeWork", "url": "https://www.fda.gov/x", "name": "FDA notice", "datePublished": "2021-06-03"}
    ]
    assert "citation" not in claimreview.to_jsonld(report(finding("urgency", facts=())))["@graph"][0]


def test_chinese_report_reviews_in_chinese():
    review = claimreview.to_jsonld(report(finding("cure_claim"), language="zh"), date=DAY)["@graph"][0]
    assert review["reviewBody"] == "中文解释。" and review["inLanguage"] == "zh"


def test_nothing_flagged_is_an_empty_graph_and_render_is_json():
    assert json.loads(claimreview.render(report(), date=DAY)) == {"@context": "https://schema.org", "@graph": []}


def test_real_clinic_page(checker):
    rep = checker.check_text((EXAMPLES / "clinic_en.txt").read_text(encoding="utf-8"))
    doc = json.loads(claimreview.render(rep))
    assert len(doc["@graph"]) == len(rep.findings) > 0
    assert any(r.get("citation") for r in doc["@graph"])
    assert all(r["claimReviewed"] == f.quote for r, f in zip(doc["@graph"], rep.findings, strict=True))
