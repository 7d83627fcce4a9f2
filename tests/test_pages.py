"""Whole fixture pages (HTML through the extractor, or text), against their hand-written labels."""

from __future__ import annotations

import json

import pytest

from testpaths import DATA

LABELS = json.loads((DATA / "pages" / "labels.json").read_text(encoding="utf-8"))


def _report(checker, name: str):
    path = DATA / "pages" / name
    text = path.read_text(encoding="utf-8")
    if name.endswith(".html"):
        from claimcheck.fetch.page import check_html

        return check_html(text, checker=checker, url=path.as_uri())
    return checker.check_text(text)


@pytest.mark.parametrize("label", LABELS, ids=[x["file"] for x in LABELS])
def test_fixture_page(checker, label):
    report = _report(checker, label["file"])
    quotes = [f.sentence for f in report.findings] + [f.quote for f in report.findings]
    if label["expect"] == "clean":
        assert not report.flagged, [(f.category, f.quote) for f in report.findings]
    elif label["expect"] == "no_high":
        assert not [f for f in report.findings if f.severity == "high"], [(f.category, f.quote) for f in report.findings]
    else:
        assert report.flagged
        caught = [q for q in label.get("must_quote", []) if any(q in s or s in q for s in quotes)]
        assert len(caught) >= 0.75 * len(label["must_quote"]), set(label["must_quote"]) - set(caught)
    for bad in label.get("must_not_quote", []):
        assert not any(bad in f.sentence for f in report.findings), bad
