"""Explanations cite the advertising law of the place the page's own evidence points to, never its script."""

from __future__ import annotations

import pytest

from claimcheck.knowledge.facts import KnowledgeBase
from claimcheck.knowledge.jurisdictions import Jurisdictions

MAINLAND_LAW = ("广告法", "廣告法", "医疗广告管理办法", "醫療廣告管理辦法", "我国", "我國")


def _law(report) -> tuple[str, set[str]]:
    text = " ".join(f.explanation_zh for f in report.findings)
    return text, {fact.id for f in report.findings for fact in f.facts}


def test_every_jurisdiction_cites_facts_that_exist():
    kb = KnowledgeBase.load()
    js = Jurisdictions.load()
    assert {j.id for j in js.all} == {"CN", "TW", "HK", "US"}
    assert all(f in kb for j in js.all for f in j.law_facts)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("本診所位於台北市，幹細胞療法保證有效，無效退費，歡迎加LINE好友。", "TW"),
        ("本院位于广州市天河区，干细胞疗法保证有效，无效退款，咨询电话+86 20 8888 8888。", "CN"),
        ("香港中環診所：幹細胞療程保證有效，無效退款，WhatsApp查詢。", "HK"),
        ("Our Beverly Hills, California clinic guarantees results with stem cells. Prices in USD.", "US"),
        ("干细胞疗法保证有效，无效退款。", None),
        ("幹細胞療法保證有效，無效退款。", None),  # Traditional script alone is no evidence of Taiwan
    ],
)
def test_the_page_decides_the_law(checker, text, where):
    report = checker.check_text(text)
    assert report.flagged
    explanation, facts = _law(report)
    cites_mainland = any(m in explanation for m in MAINLAND_LAW) or any(f.startswith("cn_") for f in facts)
    assert cites_mainland == (where == "CN"), (explanation, facts)
    if where == "TW":
        assert "醫療法" in explanation and "tw_medical_care_act_ads" in facts
    if where == "HK":
        assert "第231章" in explanation and "hk_umao_cap231" in facts
    if where == "US":
        assert "ftc_health_claims_guidance_2022" in facts


def test_example_pages_get_their_own_law(checker):
    from testpaths import EXAMPLES

    mainland = checker.check_text((EXAMPLES / "clinic_zh_hans.txt").read_text(encoding="utf-8"))  # Guangzhou
    taiwan = checker.check_text((EXAMPLES / "clinic_zh_hant.txt").read_text(encoding="utf-8"))  # Taipei agency
    m_text, m_facts = _law(mainland)
    t_text, t_facts = _law(taiwan)
    assert "广告法" in m_text and any(f.startswith("cn_") for f in m_facts)
    assert not any(m in t_text for m in MAINLAND_LAW) and not any(f.startswith("cn_") for f in t_facts)
    assert "醫療法" in t_text and "tw_medical_care_act_ads" in t_facts


def test_evidence_found_through_the_literal_index_equals_searching_every_pattern():
    from claimcheck.knowledge.jurisdictions import Jurisdictions
    from test_conditions import _corpus_units

    jurisdictions = Jurisdictions.load()
    hits = 0
    for norm, _ in _corpus_units():
        expected = tuple((j.id, n) for j in jurisdictions.all if (n := sum(1 for e in j.evidence if e.search(norm))))
        assert jurisdictions._of_text_uncached(norm) == expected, norm
        hits += bool(expected)
    assert hits > 100
