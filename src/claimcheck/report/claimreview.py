"""Report -> schema.org ClaimReview JSON-LD: one ClaimReview per finding, the markup fact-checkers publish."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from claimcheck.model import Finding, Report
from claimcheck.report import i18n, staleness

AUTHOR = {"@type": "Organization", "name": "claimcheck"}
# ratingValue on a 1-5 scale (1 = False): a claim the facts contradict outright is "False"; a claim that
# is unsupported or sells through pressure rather than asserting an untruth is "Misleading".
FALSE_CATEGORIES = frozenset(
    {"approval_claim", "trial_as_approval", "cure_claim", "efficacy_guarantee", "safety_absolute", "panacea"}
)
RATINGS = {"False": 1, "Misleading": 2}


def rating_name(category: str) -> str:
    """The ClaimReview verdict for a finding category."""
    return "False" if category in FALSE_CATEGORIES else "Misleading"


def to_jsonld(report: Report, *, date: dt.date | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """The JSON-LD document: a @graph of ClaimReview objects (empty when nothing was flagged).

    `date` is the publication date; a review whose cited facts are past their recheck date on `today`
    (default: `date`, else the real today) says so at the end of its reviewBody."""
    day = date or dt.datetime.now(dt.UTC).date()
    zh = i18n.is_zh(report)
    return {
        "@context": "https://schema.org",
        "@graph": [_claim_review(f, report, day.isoformat(), zh, today or day) for f in report.findings],
    }


def render(report: Report, *, date: dt.date | None = None, today: dt.date | None = None) -> str:
    """The JSON-LD document as text, ready for a <script type="application/ld+json"> block."""
    return json.dumps(to_jsonld(report, date=date, today=today), ensure_ascii=False, indent=2)


def _stale_note(f: Finding, zh: bool, report: Report, today: dt.date) -> str:
    """' Note: 1 cited fact is past its recheck date (id: 2026-12-31).' or ''."""
    stale = [fact for fact in f.facts if staleness.is_stale(fact, today)]
    if not stale:
        return ""
    which = ", ".join(f"{fact.id}: {fact.recheck_by}" for fact in stale)
    if zh:
        return i18n.zh(f"注意：{staleness.summary_zh(len(stale))}（{which}）。", report)
    return f" Note: {staleness.summary_en(len(stale))} ({which})."


def _claim_review(f: Finding, report: Report, published: str, zh: bool, today: dt.date) -> dict[str, Any]:
    name = rating_name(f.category)
    explanation = i18n.explanation(f, zh) + _stale_note(f, zh, report, today)
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "claimReviewed": f.quote,
        "reviewBody": explanation,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS[name],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": name,
            "ratingExplanation": explanation,
        },
        "itemReviewed": _claim(f, report),
        "author": dict(AUTHOR),
        "datePublished": published,
        "keywords": [f.category, i18n.category(f.category, zh)],
        "identifier": f.rule_id,
    }
    if report.language in ("en", "zh"):
        review["inLanguage"] = report.language
    citations = _citations(f)
    if citations:
        review["citation"] = citations
    return review


def _claim(f: Finding, report: Report) -> dict[str, Any]:
    """The reviewed Claim: its sentence and, when the text came from a page, where it appeared."""
    claim: dict[str, Any] = {"@type": "Claim", "text": f.sentence}
    url = report.source.get("url") or f.location.get("url")
    if url:
        claim["appearance"] = [{"@type": "CreativeWork", "url": str(url)}]
    return claim


def _citations(f: Finding) -> list[dict[str, Any]]:
    """The sources of every contradicted fact, once each, in order."""
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for fact in f.facts:
        for src in fact.sources:
            url = str(src.get("url", ""))
            if not url or url in seen:
                continue
            seen.add(url)
            work: dict[str, Any] = {"@type": "CreativeWork", "url": url}
            if src.get("title"):
                work["name"] = str(src["title"])
            if src.get("date"):
                work["datePublished"] = str(src["date"])
            out.append(work)
    return out
