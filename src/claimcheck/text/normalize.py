"""Fold text into the form the detectors match against, keeping a map back to the original offsets.

Every step works on (character, original index) pairs, so removing, expanding or replacing characters
never loses track of where a character came from: a finding always quotes the user's exact text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Zero-width and invisible formatting characters used to split keywords ("F\u200bDA").
_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f")

# Cyrillic and Greek letters that look like Latin ones; applied only inside words that also hold Latin
# letters, so genuine Russian or Greek text is left alone.
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "ӏ": "l", "һ": "h", "ԛ": "q", "ԝ": "w", "к": "k", "м": "m", "т": "t",
        "в": "b", "н": "h", "ɡ": "g",
        "α": "a", "ο": "o", "ρ": "p", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u",
        "χ": "x", "β": "b", "η": "n", "μ": "u",
    }
)
_CONFUSABLE = frozenset(k for k in map(chr, _HOMOGLYPHS.keys()))
# Dash look-alikes that NFKC leaves alone ("FDA‑approved" with a non-breaking hyphen).
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"))

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Separators inserted inside Chinese keywords: "治 愈", "治-愈", "干·细·胞".
_CJK_SPLIT = re.compile(rf"(?<=[{_CJK}])[\s\-_.·•*~|/\\]+(?=[{_CJK}])")
# Single Latin letters spelled apart: "f.d.a", "f d a", "f-d-a", "c.v.a."
_SPACED_LETTERS = re.compile(r"(?<![a-z0-9])[a-z](?:(?:[.\-_*·]\s?|\s)[a-z](?![a-z0-9]))+\.?")
# Collapse runs of spaces to one: delete every space that follows another space.
_SPACES_KEEP_ONE = re.compile(r"(?<=[ \t\u3000])[ \t\u3000]+")


@dataclass(frozen=True, slots=True)
class Folded:
    """Normalized text plus, for each of its characters, the index of the original character."""

    text: str
    offsets: tuple[int, ...]


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # imported lazily: importing claimcheck does no work

    return opencc.OpenCC("t2s")


def _fold_chars(text: str, base: int) -> tuple[list[str], list[int]]:
    """NFKC + casefold per character, dropping invisible and control characters."""
    chars: list[str] = []
    offs: list[int] = []
    for i, ch in enumerate(text):
        if ch < "\x80":
            if ch.isprintable() or ch in "\n\t":
                chars.append(ch.lower())
                offs.append(base + i)
            continue
        if ch in _INVISIBLE:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"):
            continue
        folded = unicodedata.normalize("NFKC", ch).casefold().translate(_DASHES)
        for out in folded:
            if unicodedata.category(out) in ("Mn", "Me"):
                continue
            chars.append(out)
            offs.append(base + i)
    return chars, offs


def _fix_homoglyphs(chars: list[str]) -> None:
    """Map look-alike letters to Latin inside words that mix them with Latin letters."""
    n = len(chars)
    i = 0
    while i < n:
        if not chars[i].isalpha():
            i += 1
            continue
        j = i
        has_latin = has_conf = False
        while j < n and chars[j].isalpha() and not _is_cjk(chars[j]):
            c = chars[j]
            if "a" <= c <= "z":
                has_latin = True
            elif c in _CONFUSABLE:
                has_conf = True
            j += 1
        if has_latin and has_conf:
            for k in range(i, j):
                chars[k] = chars[k].translate(_HOMOGLYPHS)
        i = max(j, i + 1)


def _fix_apostrophes(chars: list[str]) -> None:
    """A curly apostrophe between Latin letters ("don’t") becomes ASCII, so English cues match."""
    for i in range(1, len(chars) - 1):
        if chars[i] in "’ʼ" and "a" <= chars[i - 1] <= "z" and "a" <= chars[i + 1] <= "z":
            chars[i] = "'"


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF


def _to_simplified(chars: list[str]) -> list[str]:
    """OpenCC t2s; phrase conversion when it keeps the length, else character by character."""
    if not any(_is_cjk(c) for c in chars):
        return chars
    joined = "".join(chars)
    converted = _t2s().convert(joined)
    if len(converted) == len(joined):
        return list(converted)
    conv = _t2s().convert
    return [conv(c) if _is_cjk(c) and len(conv(c)) == 1 else c for c in chars]


def _delete(chars: list[str], offs: list[int], pattern: re.Pattern[str], keep: str = "") -> tuple[list[str], list[int]]:
    """Remove pattern matches (or, with keep='letters', remove only non-letters inside matches)."""
    text = "".join(chars)
    drop: set[int] = set()
    for m in pattern.finditer(text):
        for k in range(m.start(), m.end()):
            if keep == "letters" and chars[k].isalpha():
                continue
            drop.add(k)
    if not drop:
        return chars, offs
    return [c for k, c in enumerate(chars) if k not in drop], [o for k, o in enumerate(offs) if k not in drop]


def fold(text: str, base: int = 0) -> Folded:
    """Normalize `text` for matching; offsets are `base` + index into `text`."""
    chars, offs = _fold_chars(text, base)
    if any(c in _CONFUSABLE for c in chars):
        _fix_homoglyphs(chars)
    _fix_apostrophes(chars)
    chars = _to_simplified(chars)
    chars, offs = _delete(chars, offs, _CJK_SPLIT)
    chars, offs = _delete(chars, offs, _SPACED_LETTERS, keep="letters")
    chars, offs = _delete(chars, offs, _SPACES_KEEP_ONE)
    return Folded("".join(chars), tuple(offs))


def t2s(text: str) -> str:
    """Traditional to Simplified (for features and lookups that need no offsets)."""
    return _t2s().convert(text)


def script_of(text: str) -> str:
    """'Hant' when OpenCC changes a noticeable share of the Han characters, else 'Hans'."""
    han = [c for c in text if _is_cjk(c)]
    if not han:
        return ""
    sample = "".join(han[:4000])
    changed = sum(1 for a, b in zip(sample, _t2s().convert(sample), strict=False) if a != b)
    return "Hant" if changed >= max(1, len(sample) // 60) else "Hans"
