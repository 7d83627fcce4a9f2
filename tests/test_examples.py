"""The expectations written in examples/README.md, checked: every listed claim sentence of the three clinic
pages (HTML and pasted text) is flagged, the listed neutral lines are not, and the caution texts get no
high-severity finding."""

from __future__ import annotations

import re

import pytest

from testpaths import EXAMPLES

README = (EXAMPLES / "README.md").read_text(encoding="utf-8")
_ITEM = re.compile(r"^- `(?P<file>[^`]+)`: (?P<body>.*)$", re.MULTILINE)


def _expectations() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for m in _ITEM.finditer(README):
        body = m.group("body")
        flag, _, keep = body.partition("must not flag:")
        out[m.group("file")] = {
            "flag": re.findall(r"`([^`]+)`", flag.split("flag these", 1)[1]) if "flag these" in flag else [],
            "keep": re.findall(r"`([^`]+)`", keep),
            "no_high": "nothing of high severity" in body,
        }
    html = {f: e for f, e in out.items() if f.startswith("clinic_") and f.endswith(".html")}
    for f, e in html.items():  # the pasted-text versions name "the same sentences"
        out[f.replace(".html", ".txt")] |= {"flag": e["flag"], "keep": e["keep"]}
    return out


EXPECT = _expectations()
CLINIC = sorted(f for f in EXPECT if f.startswith("clinic_"))
CAUTION = sorted(f for f in EXPECT if f.startswith("caution_"))


def _report(checker, name: str):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    if name.endswith(".html"):
        from claimcheck.fetch.page import check_html

        return check_html(text, checker=checker, url=(EXAMPLES / name).as_uri())
    return checker.check_text(text)


def test_the_readme_lists_what_it_promises():
    assert len(CLINIC) == 6 and len(CAUTION) == 3
    assert [len(EXPECT[f"clinic_{x}.html"]["flag"]) for x in ("en", "zh_hans", "zh_hant")] == [17, 15, 16]


@pytest.mark.parametrize("name", CLINIC)
def test_every_listed_claim_is_flagged_and_nothing_listed_as_neutral(checker, name):
    report = _report(checker, name)
    sentences = [f.sentence for f in report.findings]
    missed = [s for s in EXPECT[name]["flag"] if not any(s in f or f in s for f in sentences)]
    assert not missed, missed
    wrongly = [s for s in EXPECT[name]["keep"] if any(s in f for f in sentences)]
    assert not wrongly, wrongly


@pytest.mark.parametrize("name", CAUTION)
def test_caution_texts_get_no_high_finding(checker, name):
    report = _report(checker, name)
    assert EXPECT[name]["no_high"]
    assert not [f.quote for f in report.findings if f.severity == "high"]
