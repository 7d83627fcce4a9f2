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


def detect_language(text: str) -> str:
    """Return 'en', 'zh', 'other' or 'none' for a normalized (folded) paragraph."""
    alpha = _count(_ALPHA, text)
    if alpha == 0:
        return "none"
    han, kana, hangul, latin = (_count(p, text) for p in (_HAN, _KANA, _HANGUL, _LATIN))
    other_alpha = alpha - han - kana - hangul - latin
    if kana > max(2, han // 10) or hangul > han:
        return "other"
    if han and han * 3 >= latin:
        return "zh"
    if latin >= other_alpha:
        words = _WORD.findall(text)
        if len(words) <= 4:
            return "en" if latin > other_alpha else "other"
        hits = sum(1 for w in words if w in _EN_STOPWORDS)
        return "en" if hits / len(words) >= 0.08 or han else "other"
    return "zh" if han >= other_alpha else "other"
