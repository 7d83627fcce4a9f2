"""Prepare a text once: units (lines, re-joined where English prose was hard-wrapped), folded, with their
language, and the sentences of every English or Chinese unit, with offsets into the ORIGINAL text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from claimcheck.model import Document, Sentence
from claimcheck.text.lang import detect_language
from claimcheck.text.normalize import Folded, fold, script_of
from claimcheck.text.sentences import sentence_ranges

_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
_END_PUNCT = tuple(".!?。！？；;:：")


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


def _fold_line(line: str, base: int) -> tuple[Folded, str]:
    """Fold one unit and identify its language."""
    folded = fold(line, base=base)
    return folded, detect_language(folded.text)


WINDOW = 2000  # sentences per Document when a long text is prepared window by window


def prepare(text: str, lang: str | None = None) -> Document:
    """The whole text as one Document (see prepare_windows)."""
    return next(prepare_windows(text, lang, window=None))


def prepare_windows(text: str, lang: str | None = None, window: int | None = WINDOW) -> Iterator[Document]:
    """Fold every unit, identify its language and split each English or Chinese unit into sentences: the
    one pass every later stage reads (all units still inform the page context).

    Yields Documents of at most `window` consecutive sentences (one with all of them when None); they share
    the units and the page-level facts, and sentence indexes run over the whole text, so a long text is
    checked window by window with one window's sentences, hits and scores in memory at a time. Yields at
    least one Document."""
    units = fold_units(text, lang)
    weight: Counter[str] = Counter()
    for unit in units:
        weight[unit.lang] += len(unit.folded.text)
    language = weight.most_common(1)[0][0] if weight else "none"
    script = _script_of_units(text, units) if weight["zh"] else ""
    view = tuple((u.folded.text, u.lang) for u in units)
    batch: list[Sentence] = []
    count, yielded = 0, False
    for unit in units:
        if unit.lang == "other":
            continue
        for sentence in _sentences_of(text, unit, count, script):
            batch.append(sentence)
            count += 1
            if window is not None and len(batch) >= window:
                yield Document(text=text, sentences=tuple(batch), language=language, script=script, units=view)
                batch, yielded = [], True
    if batch or not yielded:
        yield Document(text=text, sentences=tuple(batch), language=language, script=script, units=view)


def _script_of_units(text: str, units: list[Unit]) -> str:
    sample, size = [], 0
    for u in units:
        if u.lang == "zh" and size < 4000:
            piece = text[u.folded.offsets[0] : u.folded.offsets[-1] + 1] if u.folded.offsets else ""
            sample.append(piece)
            size += len(piece)
    return script_of("".join(sample))


def _sentences_of(text: str, unit: Unit, first: int, script: str) -> Iterator[Sentence]:
    folded = unit.folded
    script = script if unit.lang == "zh" else ""
    for k, (s, e) in enumerate(sentence_ranges(folded.text, unit.lang)):
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
            script=script,
            unit=unit.index,
        )
