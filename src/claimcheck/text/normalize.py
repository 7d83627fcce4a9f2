"""Fold text into the form the detectors match against, keeping a map back to the original offsets.

Every step works on (character, original index) pairs, so removing, expanding or replacing characters
never loses track of where a character came from: a finding always quotes the user's exact text.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Sequence
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
_DASH_RE = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63]")  # str.translate is slow on non-ASCII text: test first

HAN_RANGES = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # for character classes (each costs ms to compile)
_HAN = re.compile(f"[{HAN_RANGES}]+")  # runs: for finding Han text and collecting it (see script_of)
_ASCII_DROP = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Characters that need the careful per-character path: controls, invisibles, surrogates, private use.
_SLOW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u034f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\ue000-\uf8ff]")
_COMPOSING = re.compile("[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0900-\u0dff\u1100-\u11ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u302a-\u302f\u3099\u309a\ufe20-\ufe2f]")
_CONFUSABLE_RE = re.compile("[" + "".join(sorted(map(chr, _HOMOGLYPHS))) + "]")
_MIXED_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile("[a-z]")
_CURLY_APOSTROPHE = re.compile("(?<=[a-z])[’ʼ](?=[a-z])")
# Separators inserted inside Chinese keywords: "治 愈", "治-愈", "干·细·胞".
_CJK_SPLIT = re.compile(rf"(?<=[{HAN_RANGES}])[\s\-_.·•*~|/\\]+(?=[{HAN_RANGES}])")
# Single Latin letters spelled apart: "f.d.a", "f d a", "f-d-a", "c.v.a."
_SPACED_LETTERS = re.compile(r"(?<![a-z0-9])[a-z](?:(?:[.\-_*·]\s?|\s)[a-z](?![a-z0-9]))+\.?")
# Collapse runs of spaces to one: delete every space that follows another space.
_SPACES_KEEP_ONE = re.compile(r"(?<=[ \t\u3000])[ \t\u3000]+")


@dataclass(frozen=True, slots=True)
class Folded:
    """Normalized text plus, for each of its characters, the index of the original character."""

    text: str
    offsets: Sequence[int]  # a range when the mapping is 1:1 (no memory per character), else an array


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


def _fast_fold(text: str, base: int) -> tuple[str, Sequence[int]] | None:
    """The common case in one pass of C code: text that NFKC and casefold map one-to-one."""
    if text.isascii():
        if _ASCII_DROP.search(text):
            return None
        return text.lower(), range(base, base + len(text))
    if _SLOW.search(text):
        return None
    if not unicodedata.is_normalized("NFKC", text):
        # Without combining marks nothing composes, so every character maps to at least one; if the
        # length is unchanged, each maps to exactly one ("ＦＤＡ" -> "FDA") and offsets stay 1:1.
        if _COMPOSING.search(text):
            return None
        normalized = unicodedata.normalize("NFKC", text)
        if len(normalized) != len(text):
            return None
        text = normalized
    folded = text.casefold()
    if len(folded) != len(text):
        return None
    if _DASH_RE.search(folded):
        folded = folded.translate(_DASHES)
    return folded, range(base, base + len(text))


def _fix_homoglyphs(text: str) -> str:
    """Map look-alike letters to Latin inside words that mix them with Latin letters."""
    return _MIXED_WORD.sub(lambda m: m.group(0).translate(_HOMOGLYPHS) if _LATIN.search(m.group(0)) else m.group(0), text)


def _fix_apostrophes(text: str) -> str:
    """A curly apostrophe between Latin letters ("don’t") becomes ASCII, so English cues match."""
    return _CURLY_APOSTROPHE.sub("'", text)


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF


def _to_simplified(text: str) -> str:
    """OpenCC t2s; phrase conversion when it keeps the length, else character by character."""
    if not _HAN.search(text):
        return text
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    conv = _t2s().convert
    return "".join(conv(c) if _is_cjk(c) and len(conv(c)) == 1 else c for c in text)


def _delete(text: str, offs: Sequence[int], pattern: re.Pattern[str], keep_letters: bool = False) -> tuple[str, Sequence[int]]:
    """Remove pattern matches (with keep_letters, only the non-letters inside matches)."""
    drop: set[int] = set()
    for m in pattern.finditer(text):
        drop.update(k for k in range(m.start(), m.end()) if not (keep_letters and text[k].isalpha()))
    if not drop:
        return text, offs
    kept = [k for k in range(len(text)) if k not in drop]
    return "".join(text[k] for k in kept), array("l", (offs[k] for k in kept))


def fold(text: str, base: int = 0) -> Folded:
    """Normalize `text` for matching; offsets are `base` + index into `text`."""
    fast = _fast_fold(text, base)
    if fast is not None:
        folded, offs = fast
    else:
        chars, offs_list = _fold_chars(text, base)
        folded, offs = "".join(chars), array("l", offs_list)
    if _CONFUSABLE_RE.search(folded):
        folded = _fix_homoglyphs(folded)
    if "’" in folded or "ʼ" in folded:
        folded = _fix_apostrophes(folded)
    folded = _to_simplified(folded)
    for pattern, keep_letters in ((_CJK_SPLIT, False), (_SPACED_LETTERS, True), (_SPACES_KEEP_ONE, False)):
        if pattern.search(folded):
            folded, offs = _delete(folded, offs, pattern, keep_letters)
    return Folded(folded, offs)


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2tw")


# OpenCC maps 干 to 干 (dry) where our texts mean 幹 (stem): fix the domain's own words after converting.
_HANT_FIXES = (("干細胞", "幹細胞"), ("干细胞", "幹細胞"))


@lru_cache(maxsize=2048)
def to_traditional(text: str) -> str:
    """Simplified to Traditional (Taiwan forms) for explanations shown beside Traditional text (cached: they
    are converted from a few hundred templates)."""
    out = _s2t().convert(text)
    for wrong, right in _HANT_FIXES:
        out = out.replace(wrong, right)
    return out


def t2s(text: str) -> str:
    """Traditional to Simplified (for features and lookups that need no offsets)."""
    return _t2s().convert(text)


def script_of(text: str) -> str:
    """'Hant' when OpenCC changes a noticeable share of the Han characters, else 'Hans'."""
    sample = "".join(_HAN.findall(text))[:4000]
    if not sample:
        return ""
    changed = sum(map(str.__ne__, sample, _t2s().convert(sample)))  # map stops at the shorter string
    return "Hant" if changed >= max(1, len(sample) // 60) else "Hans"
