"""Units and sentences keep exact offsets into the original input."""

from __future__ import annotations

from claimcheck.text.lang import detect_language
from claimcheck.text.segment import Segmenter, prepare, split_units


def test_sentences_slice_the_original():
    text = "Stem cells cure stroke! Is it FDA approved? No.\n\n幹細胞治療中風。真的嗎？"
    doc = prepare(text, segmenter=Segmenter())
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


def test_lowercase_english_pipeline_splits_exactly_like_spacy_blank_en():
    """Dropping capitalised tokenizer exceptions (a cold start saving) cannot change case-folded text."""

    import spacy

    from claimcheck.text import segment
    from claimcheck.text.normalize import fold
    from testpaths import corpus_texts, example_lines

    full = spacy.blank("en")
    for abbr in segment._LOWER_ABBREVIATIONS:
        full.tokenizer.add_special_case(abbr, [{"ORTH": abbr}])
    full.add_pipe("sentencizer")
    reference = segment.Segmenter()
    reference._nlp["en"] = full
    ours = segment.Segmenter()
    texts = corpus_texts() + example_lines()
    texts += ["I'm sure. :) Great! Mr. Smith vs. Dr. Who? E.g. this.", "U.S. FDA-approved! No... really?! 'Quoted.' (Aside.) Next"]
    lines = [fold(line).text for text in texts for line in text.splitlines() if line.strip()]
    assert len(lines) > 2000
    assert [ours.sentences(x, "en") for x in lines] == [reference.sentences(x, "en") for x in lines]


def test_a_pipeline_whose_vocabulary_grew_too_large_is_replaced_and_splits_the_same():
    """spaCy never forgets a token: novel prices and codes would grow a service's memory without end."""
    seg = Segmenter(max_strings=1_000)
    reference = Segmenter()
    texts = [f"the price is {n} usd. call code x{n * 7}y now! ok" for n in range(800)]
    texts += [f"价格{n}元。编号{n * 7}号！好" for n in range(800)]
    seen_en, seen_zh = set(), set()
    for text in texts:
        lang = "zh" if "价" in text else "en"
        assert seg.sentences(text, lang) == reference.sentences(text, lang)
        nlp = seg._nlp[lang]
        assert len(nlp.vocab.strings) <= 1_000 + 50  # bounded (one text's worth of new strings over)
        (seen_zh if lang == "zh" else seen_en).add(id(nlp))
    assert len(seen_en) > 1 and len(seen_zh) > 1  # replaced along the way
