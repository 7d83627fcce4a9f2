"""Which blocks of a page are its main content: trafilatura decides, we map its answer back onto our blocks.

trafilatura (F1 0.93 on its 990-page benchmark, see benchmarks/extraction.py) returns plain text and no
offsets, so its text is only used as a vote: each of our blocks is main content when its text is found in
trafilatura's, in reading order. Offsets, DOM paths and the hidden-content rules stay ours.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence

from lxml.html import HtmlElement

_KEY = re.compile(r"[\s|\-*•·\u00ad\u200b-\u200d\u2060\ufeff]+")
_SLACK = 48  # characters of trafilatura's text a short block may skip (its bullets, captions, ...)
_LONG = 40  # a block this long is its own evidence, wherever it is found
_PIECE = 30  # a long block trafilatura shortened (a dropped link, a footnote mark) counts by its pieces
_MAX_CHECKED = 20_000  # blocks per page checked against trafilatura; the rest keep their structural region
_SCAN_BUDGET = 50_000_000  # characters scanned for out-of-order long blocks, so no page costs more than ~0.1 s

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def main_content_text(root: HtmlElement, url: str | None = None) -> str | None:
    """trafilatura's main text for the tree (it works on a copy), or None when it finds none or fails."""
    try:
        import trafilatura

        text = trafilatura.extract(
            root,
            url=url,
            include_comments=False,
            include_tables=True,
            include_formatting=False,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception:  # a third-party heuristic must never lose the page: the caller falls back
        return None
    return text or None


def key(text: str) -> str:
    """The comparison form of a text: no whitespace, bullets or table bars (their rendering differs)."""
    return _KEY.sub("", text)


def mark_main(blocks: Sequence[str], main_text: str) -> list[bool]:
    """For each block text (in reading order), whether trafilatura's `main_text` holds it.

    A block is found near where the previous one ended; a short block elsewhere only as a whole line not
    matched yet (a menu item that repeats a heading stays out); a long one anywhere, or by most of its pieces.
    """
    lines = main_text.splitlines()
    whole = key("\n".join(lines))
    unmatched = Counter(key(line) for line in lines)
    marks: list[bool] = []
    pos = 0
    budget = _SCAN_BUDGET
    for i, block in enumerate(blocks):
        k = key(block)
        found = -1
        if k and i < _MAX_CHECKED:
            found = whole.find(k, pos, pos + _SLACK + len(k))
            if found < 0 and len(k) >= _LONG and budget > 0:
                budget -= len(whole)
                found = whole.find(k)
        if found >= 0:
            pos = max(pos, found + len(k))
        if found >= 0 or unmatched[k] > 0:
            unmatched[k] -= 1
            marks.append(True)
        elif len(k) >= _LONG and budget > 0:
            budget -= len(whole) * (len(k) // _PIECE)
            marks.append(_mostly_in(k, whole))
        else:
            marks.append(False)
    return marks


def _mostly_in(k: str, whole: str) -> bool:
    pieces = [k[j : j + _PIECE] for j in range(0, len(k) - _PIECE + 1, _PIECE)]
    return sum(piece in whole for piece in pieces) * 2 > len(pieces)
