"""Units and sentences keep exact offsets into the original input."""

from __future__ import annotations

from claimcheck.text.lang import detect_language
from claimcheck.text.segment import prepare, split_units


def test_sentences_slice_the_original():
    text = "Stem cells cure stroke! Is it FDA approved? No.\n\n幹細胞治療中風。真的嗎？"
    doc = prepare(text)
    assert [s.text for s in doc.sentences] == ["Stem cells cure stroke!", "Is it FDA approved?", "No.", "幹細胞治療中風。", "真的嗎？"]
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text
    assert [s.lang for s in doc.sentences] == ["en"] * 3 + ["zh"] * 2
    assert doc.script == "Hant"


def test_hard_wrapped_english_is_rejoined():
    text = "Our stem cell therapy has been approved by the health ministry for\nstroke patients in many countries.\nCall us."
    assert len(split_units(text)) == 2


def test_language_per_paragraph():
    assert detect_language("our stem cell therapy is approved in japan and is safe") == "en"
    assert detect_language("干细胞治疗中风已获fda批准") == "zh"
    assert detect_language("la terapia con células madre está aprobada en méxico para el ictus") == "other"
    assert detect_language("幹細胞治療は日本で承認されています") == "other"
    assert detect_language("12345 !!!") == "none"


def test_every_english_and_chinese_unit_is_split_and_others_are_not():
    text = "Stem cells cure stroke. Book now!\nLa terapia con células madre cura el ictus.\n干细胞治愈中风。立即预约！"
    doc = prepare(text)
    assert [s.text for s in doc.sentences] == ["Stem cells cure stroke.", "Book now!", "干细胞治愈中风。", "立即预约！"]
    assert [lang for _, lang in doc.units] == ["en", "other", "zh"]


def test_a_unit_of_millions_of_characters_is_split_into_bounded_sentences():
    """Issue 17 row 2: one line over 1,000,000 characters after NFKC (U+FDFA expands 18x)."""
    text = "\ufdfa" * 60_000 + " stem cells cure stroke. " + "word " * 250_000
    doc = prepare(text)
    assert doc.sentences and max(len(s.norm) for s in doc.sentences) <= 600
    assert any(s.norm == "stem cells cure stroke." for s in doc.sentences) or any("stem cells cure stroke." in s.norm for s in doc.sentences)
    for s in doc.sentences[:50]:
        assert text[s.start : s.end] == s.text
