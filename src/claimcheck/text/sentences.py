"""Sentence boundaries in folded text by regular expression: no tokenizer, no pipeline, no vocabulary.

The rules are those of spaCy's sentencizer over its tokens, restated on characters: a sentence ends after
a terminal mark ("." "!" "?" and their full-width and CJK forms) and whatever closing quotes, brackets or
further marks follow it. A "." ends a sentence only where spaCy's tokenizer would split it off a word:
before whitespace or the end, not inside "3.5", "e.g." or "u.s.", and not after a known abbreviation.
In Chinese text a full stop, "!" or "?" ends a sentence wherever it stands. An ellipsis ("...", "……" folds
to it) never ends one. tests/text/test_sentences.py measures agreement with spaCy on the whole corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_SENTENCE = 600  # characters of normalized text; longer runs are cut at commas or spaces

# spaCy's lowercase tokenizer exceptions that end in "." (the text is case-folded before this runs), and the
# abbreviations claimcheck adds: a "." that is part of one of these is not a sentence end.
ABBREVIATIONS = frozenset(
    (
        "mr. mrs. ms. dr. prof. st. no. vs. e.g. i.e. etc. approx. inc. ltd. jr. sr. co. dept. fig. u.s. u.k. "
        "a.m. p.m. a.d. b.c. ph.d. m.d. mt. messrs. rev. gov. sen. rep. gen. col. lt. sgt. capt. corp. bros. "
        "jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec. ala. ariz. ark. calif. colo. conn. del. "
        "fla. ga. ill. ind. kan. ky. la. md. mich. minn. miss. mo. mont. neb. nev. okla. ore. pa. tenn. va. "
        "wash. wis. d.c. n.y. n.c. s.c. n.h. n.j. n.m. n.d. s.d. r.i. w.va. vs. v. viz. cf. ca. al."
    ).split()
)
# A terminal mark, then closers and further marks. CJK marks end a sentence anywhere; "!" "?" before space,
# the end or a CJK character; "." only before space or the end (checked against abbreviations below).
_CLOSERS = "\"'”’)\\]）】」』》"
_CJK_END = "[。！？｡﹒﹗﹖‼⁇⁈⁉‽]"
_DOT = rf"(?<![.])\.(?![.])(?=[\s{_CLOSERS}]|$)"
_TAIL = rf"[!?.。！？{_CLOSERS}]*"
_END = {
    "en": re.compile(rf"(?:{_CJK_END}|(?<!\.)[!?](?=[!?\s{_CLOSERS}\u3000]|$|[\u3400-\u9fff])|{_DOT}){_TAIL}"),
    # jieba makes "!" and "?" tokens of their own, and a "." before a Han character ("．" folds to ".")
    "zh": re.compile(rf"(?:{_CJK_END}|[!?]|{_DOT}|(?<![.\d])\.(?=[\u3400-\u9fff])){_TAIL}"),
}
_WORD_BEFORE = re.compile(r"\S*$")
_OPENERS = frozenset("“‘「『《（([【")
_SOFT_BREAK = re.compile(r"[,，、;；:：]\s*|\s+")


def sentence_ranges(norm: str, lang: str = "en") -> list[tuple[int, int]]:
    """Sentence ranges [start, end) in folded text, whitespace-trimmed, over-long ones cut."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for m in _END["zh" if lang == "zh" else "en"].finditer(norm):
        if m.group()[0] == "." and _abbreviation(norm, m.start()):
            continue
        start = _add(norm, start, m.end(), ranges)
    _add(norm, start, len(norm), ranges)
    return ranges


def _abbreviation(norm: str, dot: int) -> bool:
    """Whether the "." at `dot` belongs to the word before it (an abbreviation, a single initial)."""
    word = _WORD_BEFORE.search(norm, max(0, dot - 12), dot).group() + "."
    word = word.lstrip("\"'“‘(「『《（[【")
    return word in ABBREVIATIONS or (len(word) == 2 and word[0].isascii() and word[0].isalpha())


def _add(norm: str, start: int, end: int, ranges: list[tuple[int, int]]) -> int:
    """Add the trimmed, capped sentence [start, end); return where the next one starts (at an opening quote
    or bracket that ended this one, which belongs to the next)."""
    nxt = end
    while end > start and norm[end - 1] in _OPENERS:
        end -= 1
        nxt = end
    while start < end and norm[start].isspace():
        start += 1
    while end > start and norm[end - 1].isspace():
        end -= 1
    if end > start:
        ranges.extend(_cap(norm, start, end))
    return nxt


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
