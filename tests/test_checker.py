"""End-to-end behaviour of the checker on whole documents and on the context cases the issue names."""

from __future__ import annotations

import json
import threading

import pytest

from testpaths import EXAMPLES, REFERENCE


def test_reference_article_is_cautionary(checker):
    """The source article warns against the scams: no high-severity finding and no approval claim."""
    if not REFERENCE.exists():
        pytest.skip("shared/reference is not beside the checkout")
    report = checker.check_text(REFERENCE.read_text(encoding="utf-8"))
    assert report.language == "zh"
    assert not [f for f in report.findings if f.severity == "high"], [f.quote for f in report.findings]
    assert not [f for f in report.findings if f.category == "approval_claim"]


@pytest.mark.parametrize(
    "text",
    [
        "No stem-cell therapy has been approved for stroke.",
        "Beware of clinics claiming FDA approval for stem cell stroke treatments.",
        "Is it FDA approved? No.",
        "目前尚無幹細胞療法獲批。",
        "宣稱已獲國外批准的機構通常屬於誤導。",
        "If a clinic promises that stem cells will cure your stroke, walk away.",
        "tPA is an approved stroke treatment.",
        "干细胞疗法在中风治疗领域有望取得突破，但目前仍处于临床研究阶段。",
        "A 2024 review found that 80% of clinic websites listed no risks at all.",
        "The FDA has warned consumers that stem cell clinics often claim their products can treat stroke.",
    ],
)
def test_context_is_not_a_claim(checker, text):
    report = checker.check_text(text)
    assert not report.flagged, [(f.category, f.quote) for f in report.findings]


def test_page_topic_makes_a_bare_approval_claim(checker):
    page = "Stem cell therapy for stroke recovery\n\nOur treatment is approved in Japan."
    report = checker.check_text(page)
    approval = [f for f in report.findings if f.category == "approval_claim"]
    assert [(f.quote, f.severity, f.rule_id) for f in approval] == [("approved in Japan", "high", "approval.approved_in_country")]
    assert approval[0].condition == "stroke"
    # Alone, the rule has no topic to go on: at most the classifier's own (never high) finding remains.
    alone = checker.check_text("Our treatment is approved in Japan.")
    assert all(f.rule_id.startswith("model:") and f.severity != "high" for f in alone.findings)


def test_suppression_says_why(checker):
    report = checker.check_text("Beware of clinics that say their stem cell stroke therapy is FDA approved.")
    assert not report.flagged
    kinds = {r.kind for s in report.suppressed for r in s.reasons}
    assert "caution" in kinds


@pytest.mark.parametrize("name", ["clinic_en.txt", "clinic_zh_hans.txt", "clinic_zh_hant.txt"])
def test_example_clinic_pages_are_flagged_with_explanations(checker, name):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    report = checker.check_text(text)
    cats = set(report.categories)
    assert {"approval_claim", "success_rate", "safety_absolute", "cure_claim"} <= cats, cats
    for f in report.findings:
        assert text[f.start : f.end] == f.quote
        assert f.explanation_en and f.explanation_zh
    approvals = [f for f in report.findings if f.category == "approval_claim"]
    assert any(fact.id == "no_stroke_approval" for f in approvals for fact in f.facts)


@pytest.mark.parametrize("name", ["caution_en.txt", "caution_zh_hans.txt", "caution_zh_hant.txt"])
def test_example_cautionary_texts_have_no_high_findings(checker, name):
    report = checker.check_text((EXAMPLES / name).read_text(encoding="utf-8"))
    assert not [f for f in report.findings if f.severity == "high"], [(f.category, f.quote) for f in report.findings]


def test_traditional_text_gets_traditional_explanations(checker):
    report = checker.check_text("本院幹細胞療法已獲日本厚生勞動省核准，專治中風。")
    assert report.flagged
    assert "幹細胞" in report.findings[0].explanation_zh


def test_report_json_shape(checker):
    report = checker.check_text("Our stem cells cure stroke and are FDA approved, with no side effects.")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["schema_version"] and data["flagged"] is True
    assert {"findings", "facts_as_of", "language", "risk", "categories"} <= set(data)
    f = data["findings"][0]
    for key in ("quote", "start", "end", "sentence", "category", "severity", "confidence", "rule_id", "evidence", "explanation", "facts"):
        assert key in f
    assert f["facts"][0]["as_of"] and f["facts"][0]["sources"][0]["url"].startswith("http")


def test_checker_is_safe_across_threads(checker):
    texts = [(EXAMPLES / n).read_text(encoding="utf-8") for n in ("clinic_en.txt", "clinic_zh_hans.txt", "caution_en.txt")]
    expected = [checker.check_text(t).to_dict() for t in texts]
    results: list = [None] * 12

    def work(i: int) -> None:
        results[i] = checker.check_text(texts[i % 3]).to_dict()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[i] == expected[i % 3] for i in range(12))


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\x00\x01\x02", "Терапия стволовыми клетками одобрена", "😀" * 1000])
def test_odd_text_gives_a_clean_report(checker, text):
    report = checker.check_text(text)
    assert not report.flagged


def test_checking_makes_no_reference_cycles(checker):
    """`claimcheck check` runs with the cyclic garbage collector off (a start-up saving): that is only
    safe while checking leaves nothing that needs it. Every example page, checked twice, leaves no cycle."""
    import gc

    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    for text in texts:
        checker.check_text(text)  # first use: pipelines, model, lazy imports
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        for text in texts * 2:
            report = checker.check_text(text)
            report.to_dict()
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


def test_lone_surrogates_are_replaced_with_offsets_kept(checker):
    """Issue 17, row 10: a lone surrogate can never reach a report (JSON and UTF-8 could not encode it)."""
    import json

    text = "Our stem cells cure stroke \ud800 and have no side effects at all!\udfff"
    report = checker.check_text(text)
    assert report.flagged
    payload = json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")  # raised before the fix
    assert b"\xef\xbf\xbd" in payload  # the sentence quoted in the report holds the replacement
    clean = text.replace("\ud800", "\ufffd").replace("\udfff", "\ufffd")
    for f in report.findings:
        assert clean[f.start : f.end] == f.quote  # offsets point where they did in the text given


def test_a_long_text_checked_window_by_window_gives_the_findings_of_one_pass(monkeypatch):
    """Long texts go through detect and decide in windows of sentences (bounded memory) with one page
    context: the report equals the one-window report."""
    from claimcheck.text import segment

    text = "\n".join(
        [
            "Our clinic offers stem cell therapy for stroke.",
            "It is approved in Japan and has a 95% success rate with no side effects.",
            "本院干细胞治疗中风已获国家批准，有效率高达95%。",
            "Some patients walk again within weeks. Book now: only 3 places left!",
            "幹細胞療法無任何副作用，保證有效。",
        ]
        * 7
    )
    from claimcheck.checker import Checker

    checker = Checker()
    whole = checker.check_text(text)
    monkeypatch.setattr(checker, "window", 4)
    windowed = checker.check_text(text)
    assert whole.findings and windowed.to_dict() == whole.to_dict()
    assert len(list(segment.prepare_windows(text, window=4))) == -(-whole.sentences // 4)
