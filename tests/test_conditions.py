"""Every condition as data: lexicons, dated facts, and findings that name their condition and its facts."""

from __future__ import annotations

import datetime as dt

import pytest

from claimcheck.knowledge.conditions import STATUSES, Conditions
from claimcheck.knowledge.facts import KnowledgeBase
from claimcheck.training.corpus import CONDITIONS


@pytest.fixture(scope="module")
def conditions():
    return Conditions.load()


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.load()


def test_every_corpus_condition_is_in_the_knowledge_base(conditions, kb):
    assert set(CONDITIONS) - {"none"} == {c.id for c in conditions.all}
    for c in conditions.all:
        assert c.status in STATUSES and c.name_en and c.name_zh_hans and c.name_zh_hant
        assert c.facts, c.id  # a flagged claim about it can say what it contradicts
        assert all(f in kb for f in (*c.facts, *c.approved_uses)), c.id


def test_condition_facts_are_dated_and_sourced(kb):
    own = [f for f in kb if f.condition]
    assert len(own) >= 30
    for f in own:
        assert dt.date.fromisoformat(f.recheck_by) > dt.date.fromisoformat(f.as_of)
        assert f.sources and all(s["url"].startswith("http") for s in f.sources)
        assert f.statement_en and f.statement_zh


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("stem cells for autism and cerebral palsy", "en", {"autism", "cerebral_palsy"}),
        ("knee osteoarthritis injections", "en", {"orthopedic"}),
        ("干细胞治疗膝关节炎", "zh", {"orthopedic"}),
        ("渐冻症", "zh", {"als"}),
        ("帕金森病", "zh", {"parkinsons"}),
        ("anti-aging iv drip", "en", {"anti_aging"}),
        ("the clinic opens at nine", "en", set()),
    ],
)
def test_lexicons_find_the_condition(conditions, text, lang, expected):
    assert set(conditions.of_text(text, lang)) - {"general"} == expected


def test_a_claim_about_another_condition_names_it_and_its_facts(checker):
    report = checker.check_text("Our stem cell therapy can reverse autism in most children.")
    assert report.flagged
    f = report.findings[0]
    assert f.condition == "autism"
    assert "autism" in f.explanation_en and "stroke" not in f.explanation_en
    assert f.facts[0].id == "no_approval_autism"
    assert not any("stroke" in fact.id for fact in f.facts)


def test_explanations_follow_the_script_of_the_text(checker):
    hant = checker.check_text("幹細胞療程可以從根本修復膝關節軟骨，免開刀，零排斥。")
    hans = checker.check_text("干细胞疗程可以从根本修复膝关节软骨，免开刀，零排斥。")
    assert hant.flagged and hans.flagged
    assert {f.condition for f in hant.findings} == {"orthopedic"}
    from claimcheck.text.normalize import script_of

    assert all(script_of(f.explanation_zh) == "Hant" for f in hant.findings)
    assert all(script_of(f.explanation_zh) == "Hans" for f in hans.findings)


def test_stroke_keeps_its_own_deep_facts(checker):
    report = checker.check_text("Our stem cell stroke treatment is approved in Japan.")
    f = [f for f in report.findings if f.category == "approval_claim"][0]
    assert f.condition == "stroke" and any(x.id.startswith("no_stroke_approval") for x in f.facts)


@pytest.mark.parametrize(
    "text",
    [
        "Blood-forming stem cell transplants from bone marrow or cord blood are a standard, approved treatment for leukaemia.",
        "Ryoncil (remestemcel-L) was approved by the FDA in December 2024 for children with steroid-refractory acute GVHD.",
        "Holoclar is authorised in the EU for adults with limbal stem-cell deficiency caused by eye burns.",
        "No stem-cell therapy is approved for autism; beware clinics that promise a cure.",
        "There is no approved stem cell treatment for multiple sclerosis outside clinical trials.",
        "衛福部提醒，特管辦法核准的是醫院執行技術，並非藥品上市許可。",
        "目前没有任何干细胞疗法获批治疗自闭症，家长应警惕所谓的“根治”宣传。",
    ],
)
def test_accurate_statements_and_warnings_are_not_flagged(checker, text):
    assert not checker.check_text(text).flagged


@pytest.mark.parametrize(
    "text",
    [
        "Over 90% of our MS patients see improvement within three months of their infusion.",
        "Stem cells repair damaged heart muscle after a heart attack, so you can skip bypass surgery.",
        "干细胞抗衰疗程一次回输，年轻十岁，名额有限，立即预约！",
        "Our exosome IV reverses ageing at the cellular level, with zero side effects.",
    ],
)
def test_real_style_claims_about_other_conditions_are_flagged(checker, text):
    assert checker.check_text(text).flagged


def _corpus_units() -> list[tuple[str, str]]:
    import json

    from claimcheck.text.normalize import fold
    from testpaths import ROOT

    units = []
    for f in sorted((ROOT / "corpora" / "v2" / "sentences").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                units.append((fold(row["text"]).text, "zh" if row["lang"].startswith("zh") else "en"))
    return units


def test_the_literal_indexed_finder_names_exactly_the_conditions_each_pattern_finds():
    """One Aho-Corasick pass then only the candidate patterns: the same answer as searching all 28."""
    from claimcheck.knowledge.conditions import Conditions

    conditions = Conditions.load()
    units = _corpus_units()
    assert len(units) > 5000
    found = 0
    for norm, lang in units:
        expected = tuple(c.id for c in conditions.all if c.mentioned(norm, lang))
        assert conditions._of_text_uncached(norm, lang) == expected, norm
        found += bool(expected)
    assert found > 1000  # the comparison covers many mentions, not only texts without any
