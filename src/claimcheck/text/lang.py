"""Per-paragraph language identification: English, Chinese or other, from character classes and stopwords."""

from __future__ import annotations

import re

_EN_STOPWORDS = frozenset(
    "the a an and or of to in on for is are was were be been it this that with by as at from our your we you"
    " they he she his her their can will not no has have had do does did than but if so all any".split()
)
_WORD = re.compile(r"[a-z]+")


def detect_language(text: str) -> str:
    """Return 'en', 'zh', 'other' or 'none' for a normalized (folded) paragraph."""
    han = kana = hangul = latin = other_alpha = 0
    for c in text:
        o = ord(c)
        if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
            han += 1
        elif 0x3040 <= o <= 0x30FF:
            kana += 1
        elif 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF:
            hangul += 1
        elif "a" <= c <= "z":
            latin += 1
        elif c.isalpha():
            other_alpha += 1
    if han + kana + hangul + latin + other_alpha == 0:
        return "none"
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
