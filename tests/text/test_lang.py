"""Language identification counts letters without per-character regex substitutions; the counts must
equal the plain regex definitions they replace."""

from __future__ import annotations

import re

from claimcheck.text.lang import _decide, _letter_counts, detect_language
from claimcheck.text.normalize import fold
from testpaths import corpus_texts, example_lines

_ALPHA = re.compile(r"[^\W\d_]")
_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff]")


def reference_counts(text: str) -> tuple[int, int, int, int, int]:
    """The definition: letters, a-z, Han, kana and Hangul counted by one-character regex classes."""
    return tuple(len(p.findall(text)) for p in (_ALPHA, re.compile("[a-z]"), _HAN, _KANA, _HANGUL))  # type: ignore[return-value]


def reference(text: str) -> str:
    return _decide(text, *reference_counts(text))


TRICKY = [
    "〇〇 二〇二五年 stem cells",  # 〇 is a number (Nl) yet matches [^\W\d_]
    "٣٤٥ ١٢ 治疗 ½ ² ³",  # Arabic-Indic digits are decimal: not letters
    "Ⅻ Ⅳ 中风 the and of our",
    "стволовые клетки лечат инсульт with our and the",
    "幹細胞治療は日本で承認されています",
    "줄기세포 치료 뇌졸중 승인",
    "ΑΒΓ αβγ the stem cell 治",
    "ｆｕｌｌ ｗｉｄｔｈ 全角 ａｎｄ",
    "ǅ ǈ ǋ the and our stem",  # titlecase letters
    "_ _ __ 123",
    "\u0301\u0301 combining 中",
    "😀 emoji 中风 and the",
]


def test_detect_language_equals_the_regex_definition():
    texts = corpus_texts() + example_lines()
    lines = [fold(line).text for text in texts for line in text.splitlines() if line.strip()]
    lines += TRICKY + [fold(t).text for t in TRICKY]
    assert len(lines) > 2000
    assert sum(not line.isascii() for line in lines) > 800  # the non-ASCII path is what changed
    assert [_letter_counts(x) for x in lines] == [reference_counts(x) for x in lines]
    assert [detect_language(x) for x in lines] == [reference(x) for x in lines]
