"""Per-paragraph language identification: English, Chinese or other, from character classes and stopwords."""

from __future__ import annotations

import re

from claimcheck.text.normalize import HAN_RANGES

_EN_STOPWORDS = frozenset(
    "the a an and or of to in on for is are was were be been it this that with by as at from our your we you"
    " they he she his her their can will not no has have had do does did than but if so all any my i me after"
    " could now its within just only more most per up out about into over also who what when how why get see".split()
)
# Function words of the other Latin-script languages clinic pages come in (es, pt, fr, it, de, nl): an ad
# line with no English stopword ("COPD Stem Cell Program - 2 IV treatments, $7,500") is English unless these
# outnumber English ones.
_OTHER_STOPWORDS = frozenset(
    "de la que el los del las por con para una un es se su al lo como mas pero sus le les des du et est pour dans"
    " ce qui sur au aux pas der die und das ist mit den dem nicht ein eine zu auf het een van voor niet da do os"
    " nao uma com il di che per della sono".split()
)
_WORD = re.compile(r"[a-z]+")


_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))
_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
# The only regex over Han characters here: each character class that spans them costs milliseconds to
# compile, at every start.
_ASCII_OR_HAN_RUN = re.compile(f"[\\x00-\\x7f{HAN_RANGES}]+")


def _ascii_letters(data: bytes, letters: bytes) -> int:
    """How many bytes of `data` are in `letters` (bytes.translate deletes them in C)."""
    return len(data) - len(data.translate(None, letters))


def detect_language(text: str) -> str:
    """Return 'en', 'zh', 'other' or 'none' for a normalized (folded) paragraph."""
    return _decide(text, *_letter_counts(text))


def _letter_counts(text: str) -> tuple[int, int, int, int, int]:
    """(letters, a-z, Han, kana, Hangul), letters as Python's re counts [^\\W\\d_]: characters that are
    isalnum() but not isdecimal() (the underscore is ASCII)."""
    if text.isascii():  # most lines of most pages: count letters without any regex
        data = text.encode("ascii")
        latin = _ascii_letters(data, _ASCII_LOWER)
        return latin + _ascii_letters(data, _ASCII_UPPER), latin, 0, 0, 0
    data = text.encode("utf-8")  # multi-byte UTF-8 never uses ASCII bytes
    latin = _ascii_letters(data, _ASCII_LOWER)
    rest = _ASCII_OR_HAN_RUN.sub("", text)  # usually a few punctuation marks: look at them one by one
    han = len(text) - len(text.encode("ascii", "ignore")) - len(rest)
    other = kana = hangul = 0
    for c in rest:
        if c.isalnum() and not c.isdecimal():
            other += 1
        if "\u3040" <= c <= "\u30ff":
            kana += 1
        elif "\uac00" <= c <= "\ud7af" or "\u1100" <= c <= "\u11ff":
            hangul += 1
    return latin + _ascii_letters(data, _ASCII_UPPER) + han + other, latin, han, kana, hangul


def _decide(text: str, alpha: int, latin: int, han: int, kana: int, hangul: int) -> str:
    """The language from the letter counts (and English stopwords when Latin letters dominate)."""
    if alpha == 0:
        return "none"
    other_alpha = alpha - han - kana - hangul - latin
    if kana > max(2, han // 10) or hangul > han:
        return "other"
    if han and han * 3 >= latin:
        return "zh"
    if latin >= other_alpha:
        words = _WORD.findall(text)
        if len(words) <= 4:
            return "en" if latin > other_alpha else "other"
        hits = sum(map(_EN_STOPWORDS.__contains__, words))
        foreign = sum(map(_OTHER_STOPWORDS.__contains__, words))
        if han or (hits / len(words) >= 0.08 and hits >= foreign):
            return "en"
        return "en" if foreign == 0 else "other"
    return "zh" if han >= other_alpha else "other"
