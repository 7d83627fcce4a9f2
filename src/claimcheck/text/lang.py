"""Per-paragraph language identification: English, Chinese or other, from character classes and stopwords."""

from __future__ import annotations

import re

_EN_STOPWORDS = frozenset(
    "the a an and or of to in on for is are was were be been it this that with by as at from our your we you"
    " they he she his her their can will not no has have had do does did than but if so all any my i me after"
    " could now its within just only more most per up out about into over also who what when how why get see".split()
)
_WORD = re.compile(r"[a-z]+")


_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff]")
_LATIN = re.compile("[a-z]")
_ALPHA = re.compile(r"[^\W\d_]")


def _count(pattern: re.Pattern[str], text: str) -> int:
    """How many characters match a one-character class (a C-level substitution, no match objects)."""
    return len(text) - len(pattern.sub("", text))


_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))
_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_HAN_RUN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]+")
_ASCII_OR_HAN_RUN = re.compile("[\x00-\x7f\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]+")
_KANA_OR_HANGUL = re.compile("[\u3040-\u30ff\uac00-\ud7af\u1100-\u11ff]")


def _ascii_letters(data: bytes, letters: bytes) -> int:
    """How many bytes of `data` are in `letters` (bytes.translate deletes them in C)."""
    return len(data) - len(data.translate(None, letters))


def detect_language(text: str) -> str:
    """Return 'en', 'zh', 'other' or 'none' for a normalized (folded) paragraph."""
    if text.isascii():  # most lines of most pages: count letters without any regex
        data = text.encode("ascii")
        latin = _ascii_letters(data, _ASCII_LOWER)
        alpha = latin + _ascii_letters(data, _ASCII_UPPER)
        if alpha == 0:
            return "none"
        han = kana = hangul = 0
    else:
        data = text.encode("utf-8")  # multi-byte UTF-8 never uses ASCII bytes
        latin = _ascii_letters(data, _ASCII_LOWER)
        han = len(text) - len(_HAN_RUN.sub("", text))
        rest = _ASCII_OR_HAN_RUN.sub("", text)  # usually a few punctuation marks: look at them one by one
        # [^\W\d_] in Python's re: a character that isalnum() but not isdecimal() (the underscore is ASCII).
        alpha = latin + _ascii_letters(data, _ASCII_UPPER) + han + sum(1 for c in rest if c.isalnum() and not c.isdecimal())
        if alpha == 0:
            return "none"
        kana, hangul = (_count(p, rest) for p in (_KANA, _HANGUL)) if _KANA_OR_HANGUL.search(rest) else (0, 0)
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
        return "en" if hits / len(words) >= 0.08 or han else "other"
    return "zh" if han >= other_alpha else "other"
