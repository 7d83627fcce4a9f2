"""Split input into units (lines, re-joined where English prose was hard-wrapped) and sentences (spaCy).

Sentences carry offsets into the ORIGINAL text; spaCy pipelines are built lazily, once per language.
"""

from __future__ import annotations

import re
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from claimcheck.model import Document, Sentence
from claimcheck.text.lang import detect_language
from claimcheck.text.normalize import Folded, fold, script_of

MAX_SENTENCE = 600  # characters of normalized text; longer runs are cut at commas or spaces
_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
_END_PUNCT = tuple(".!?。！？；;:：")
_LOWER_ABBREVIATIONS = ("mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "no.", "vs.", "e.g.", "i.e.", "etc.", "approx.", "inc.", "ltd.", "jr.", "sr.", "co.", "dept.", "fig.", "u.s.", "u.k.")
_OPENERS = frozenset("“‘「『《（([【")
_SOFT_BREAK = re.compile(r"[,，、;；:：]\s*|\s+")


MAX_STRINGS = 250_000  # spaCy strings per pipeline before it is rebuilt (about 30 MB)


class Segmenter:
    """Holds one spaCy pipeline per language; thread-safe lazy construction.

    spaCy adds every token it has not seen to its vocabulary and never forgets it: prices, phone numbers,
    codes and URLs would grow a long-running service's memory without end. A pipeline whose string store
    passes `max_strings` is replaced by a fresh one (about 0.15 s, once per some 100,000 new tokens).
    """

    def __init__(self, max_strings: int = MAX_STRINGS) -> None:
        self._nlp: dict[str, object] = {}
        self._lock = threading.Lock()
        self.max_strings = max_strings

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
        key = "zh" if lang == "zh" else "en"
        nlp = self._pipeline(key)
        doc = nlp(norm)  # type: ignore[operator]
        if len(nlp.vocab.strings) > self.max_strings:  # type: ignore[attr-defined]
            self._renew(key, nlp)
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

    def _renew(self, lang: str, old: object) -> None:
        """Replace a pipeline whose vocabulary grew too large (unless another thread already did)."""
        fresh = _build(lang)
        with self._lock:
            if self._nlp.get(lang) is old:
                self._nlp[lang] = fresh


def _build(lang: str):
    import spacy

    if lang == "zh":
        from claimcheck.text.words import jieba_ready

        jieba_ready()  # spaCy's jieba segmenter then finds the dictionary loaded (the fast way)
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    else:
        nlp = _lowercase_english()
        # The text is lowercased before segmentation, and spaCy's abbreviation exceptions are cased.
        for abbr in _LOWER_ABBREVIATIONS:
            nlp.tokenizer.add_special_case(abbr, [{"ORTH": abbr}])
    nlp.add_pipe("sentencizer")
    return nlp


def _lowercase_english():
    """spacy.blank("en") without the tokenizer exceptions that hold capitals: our text is case-folded, so
    they can never fire, and adding them is a third of the pipeline's build time (a cold start cost)."""
    from spacy.lang.en import English

    class LowercaseDefaults(English.Defaults):
        tokenizer_exceptions = {k: v for k, v in English.Defaults.tokenizer_exceptions.items() if k == k.lower()}

    class LowercaseEnglish(English):
        Defaults = LowercaseDefaults

    return LowercaseEnglish()


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


@dataclass(frozen=True, slots=True)
class Unit:
    """A folded unit of the input (a line or a re-joined paragraph) with its language."""

    index: int
    folded: Folded
    lang: str


def fold_units(text: str, lang: str | None = None) -> list[Unit]:
    """Fold every unit and identify its language (cheap: no NLP). Units without letters are dropped."""
    units: list[Unit] = []
    for ustart, uend in split_units(text):
        folded, ulang = _fold_line(text[ustart:uend], ustart)
        if ulang == "none":
            continue
        units.append(Unit(len(units), folded, lang if lang in ("en", "zh") else ulang))
    return units


_CACHED_LINE = 2000  # longer units are rarely repeated verbatim


def _fold_line(line: str, base: int) -> tuple[Folded, str]:
    """Fold one unit and identify its language; repeated lines (menus, footers, contact details on every
    page of a site) are folded once per process and their offsets shifted."""
    if len(line) > _CACHED_LINE:
        folded = fold(line, base=base)
        return folded, detect_language(folded.text)
    folded, lang = _fold_cached(line)
    offs = folded.offsets
    if base:
        offs = range(offs.start + base, offs.stop + base) if isinstance(offs, range) else array("l", [o + base for o in offs])
    return Folded(folded.text, offs), lang


@lru_cache(maxsize=32768)
def _fold_cached(line: str) -> tuple[Folded, str]:
    folded = fold(line)
    return folded, detect_language(folded.text)


def prepare(
    text: str,
    *,
    lang: str | None = None,
    segmenter: Segmenter,
    keep: Callable[[list[Unit]], list[bool]] | None = None,
    units: list[Unit] | None = None,
) -> Document:
    """Sentence-split the units `keep` selects (all by default); every unit still informs the page context."""
    units = units if units is not None else fold_units(text, lang)
    chosen = keep(units) if keep is not None else [True] * len(units)
    weight: Counter[str] = Counter()
    zh_sample: list[str] = []
    sentences: list[Sentence] = []
    for unit, wanted in zip(units, chosen, strict=True):
        weight[unit.lang] += len(unit.folded.text)
        if unit.lang == "zh" and sum(map(len, zh_sample)) < 4000:
            zh_sample.append(unit.folded.text)
        if wanted and unit.lang != "other":
            sentences.extend(_sentences_of(text, unit, segmenter, len(sentences)))
    language = weight.most_common(1)[0][0] if weight else "none"
    script = _script_of_units(text, units) if weight["zh"] else ""
    if script:
        sentences = [_with_script(s, script) for s in sentences]
    return Document(
        text=text,
        sentences=tuple(sentences),
        language=language,
        script=script,
        units=tuple((u.folded.text, u.lang) for u in units),
    )


def _script_of_units(text: str, units: list[Unit]) -> str:
    sample, size = [], 0
    for u in units:
        if u.lang == "zh" and size < 4000:
            piece = text[u.folded.offsets[0] : u.folded.offsets[-1] + 1] if u.folded.offsets else ""
            sample.append(piece)
            size += len(piece)
    return script_of("".join(sample))


def _sentences_of(text: str, unit: Unit, segmenter: Segmenter, first: int) -> Iterator[Sentence]:
    folded = unit.folded
    for k, (s, e) in enumerate(segmenter.sentences(folded.text, unit.lang)):
        offs = folded.offsets[s:e]
        ostart, oend = offs[0], offs[-1] + 1
        yield Sentence(
            index=first + k,
            start=ostart,
            end=oend,
            text=text[ostart:oend],
            norm=folded.text[s:e],
            offsets=offs,
            lang=unit.lang,
            unit=unit.index,
        )


def _with_script(s: Sentence, script: str) -> Sentence:
    if s.lang != "zh":
        return s
    return Sentence(s.index, s.start, s.end, s.text, s.norm, s.offsets, s.lang, script, s.unit)
