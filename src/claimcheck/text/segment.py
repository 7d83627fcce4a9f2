"""Split input into units (lines, re-joined where English prose was hard-wrapped) and sentences (spaCy).

Sentences carry offsets into the ORIGINAL text; spaCy pipelines are built lazily, once per language.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator

from claimcheck.model import Document, Sentence
from claimcheck.text.lang import detect_language
from claimcheck.text.normalize import Folded, fold, script_of

MAX_SENTENCE = 600  # characters of normalized text; longer runs are cut at commas or spaces
_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
_END_PUNCT = tuple(".!?。！？；;:：")
_OPENERS = frozenset("“‘「『《（([【")
_SOFT_BREAK = re.compile(r"[,，、;；:：]\s*|\s+")


class Segmenter:
    """Holds one spaCy pipeline per language; thread-safe lazy construction."""

    def __init__(self) -> None:
        self._nlp: dict[str, object] = {}
        self._lock = threading.Lock()

    def _pipeline(self, lang: str):
        nlp = self._nlp.get(lang)
        if nlp is None:
            with self._lock:
                nlp = self._nlp.get(lang)
                if nlp is None:
                    nlp = _build(lang)
                    self._nlp[lang] = nlp
        return nlp

    def sentences(self, norm: str, lang: str) -> list[tuple[int, int]]:
        """Sentence ranges [start, end) in `norm`, whitespace-trimmed, long ones capped."""
        nlp = self._pipeline("zh" if lang == "zh" else "en")
        doc = nlp(norm)  # type: ignore[operator]
        ranges: list[tuple[int, int]] = []
        carry = None
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            if carry is not None:
                start, carry = carry, None
            while end > start and norm[end - 1] in _OPENERS:  # an opening quote belongs to the next sentence
                end -= 1
                carry = end
            while start < end and norm[start].isspace():
                start += 1
            while end > start and norm[end - 1].isspace():
                end -= 1
            if end > start:
                ranges.extend(_cap(norm, start, end))
        return ranges


def _build(lang: str):
    import spacy

    if lang == "zh":
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    else:
        nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _cap(norm: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut over-long sentences at a soft break so work per sentence stays bounded."""
    while end - start > MAX_SENTENCE:
        window = norm[start + MAX_SENTENCE // 2 : start + MAX_SENTENCE]
        cut = None
        for m in _SOFT_BREAK.finditer(window):
            cut = start + MAX_SENTENCE // 2 + m.end()
        cut = cut or start + MAX_SENTENCE
        yield start, cut
        start = cut
    yield start, end


def split_units(text: str) -> list[tuple[int, int]]:
    """Lines of the original text, joining hard-wrapped English prose back into one unit."""
    units: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        start, end = m.start(), m.end()
        line = text[start:end]
        if not line.strip():
            continue
        if units and _continues(text[units[-1][0] : units[-1][1]], line):
            units[-1] = (units[-1][0], end)
        else:
            units.append((start, end))
    return units


def _continues(prev: str, line: str) -> bool:
    """A wrapped line: the previous one is long prose without end punctuation, this one starts lowercase."""
    prev_s, line_s = prev.rstrip(), line.lstrip()
    return len(prev_s) >= 50 and not prev_s.endswith(_END_PUNCT) and line_s[:1].islower()


def prepare(
    text: str,
    *,
    lang: str | None = None,
    segmenter: Segmenter,
    keep: Callable[[str], bool] | None = None,
) -> Document:
    """Fold, identify the language of, and (where `keep` allows) sentence-split every unit of `text`."""
    sentences: list[Sentence] = []
    weight: Counter[str] = Counter()
    zh_sample: list[str] = []
    units: list[tuple[str, str]] = []
    for ustart, uend in split_units(text):
        folded = fold(text[ustart:uend], base=ustart)
        ulang = detect_language(folded.text)
        if ulang == "none":
            continue
        if lang in ("en", "zh"):
            ulang = lang
        weight[ulang] += len(folded.text)
        units.append((folded.text, ulang))
        if ulang == "zh" and sum(map(len, zh_sample)) < 4000:
            zh_sample.append(text[ustart:uend])
        if ulang == "other" or (keep is not None and not keep(folded.text)):
            continue
        sentences.extend(_sentences_of(text, folded, ulang, segmenter, len(sentences)))
    language = weight.most_common(1)[0][0] if weight else "none"
    script = script_of("".join(zh_sample)) if zh_sample else ""
    if script:
        sentences = [_with_script(s, script) for s in sentences]
    return Document(text=text, sentences=tuple(sentences), language=language, script=script, units=tuple(units))


def _sentences_of(text: str, folded: Folded, lang: str, segmenter: Segmenter, first: int) -> Iterator[Sentence]:
    for k, (s, e) in enumerate(segmenter.sentences(folded.text, lang)):
        offs = folded.offsets[s:e]
        ostart, oend = offs[0], offs[-1] + 1
        yield Sentence(
            index=first + k,
            start=ostart,
            end=oend,
            text=text[ostart:oend],
            norm=folded.text[s:e],
            offsets=offs,
            lang=lang,
        )


def _with_script(s: Sentence, script: str) -> Sentence:
    if s.lang != "zh":
        return s
    return Sentence(s.index, s.start, s.end, s.text, s.norm, s.offsets, s.lang, script)
