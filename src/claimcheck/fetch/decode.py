"""Bytes of a fetched page -> text: BOM, then the HTTP header, then a meta tag, then UTF-8, then detection."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from claimcheck.errors import FetchError
from claimcheck.text.charset import common_han_share, looks_binary

PRESCAN_BYTES = 8192
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Labels browsers treat as a wider encoding: decode with the superset so no character is lost.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "big5-tw": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "unicode": "utf-8",
    "utf8": "utf-8",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)["']""", re.I)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text and how its encoding was chosen: 'bom', 'header', 'meta', 'utf-8' or 'detected'."""

    text: str
    encoding: str
    source: str


def normalize_label(label: str | None) -> str | None:
    """A Python codec name for a charset label, widened to its superset; None when unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def sniff_meta_charset(data: bytes) -> str | None:
    """The charset a <meta> tag or XML declaration in the first bytes declares (comments ignored)."""
    head = _COMMENT.sub(b"", data[:PRESCAN_BYTES])
    m = _XML_DECL.match(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii") if m else None


def decode_page(data: bytes, *, header_charset: str | None = None, is_html: bool = True) -> Decoded:
    """Decode a page the way a browser would, trusting a declaration only if the bytes agree with it."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace"), encoding.removesuffix("-sig"), "bom")
    if looks_binary(data):
        raise FetchError("the body looks binary, not text", "binary")
    declared = [(normalize_label(header_charset), "header")]
    if is_html:
        declared.append((normalize_label(sniff_meta_charset(data)), "meta"))
        if declared[0][0] == "cp1252":  # a server default "ISO-8859-1" must not hide the page's own declaration
            declared.reverse()
    for encoding, source in declared:
        if encoding and encoding not in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
            text = _strict(data, encoding)
            if text is not None:
                return Decoded(text, encoding, source)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "utf-8")
    return _detect(data, fallback=next((e for e, _ in declared if e), None))


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes, *, fallback: str | None) -> Decoded:
    """Undeclared Chinese: the codec whose reading is mostly common characters; else charset-normalizer."""
    scored = []
    for encoding in ("gb18030", "big5hkscs"):
        text = _strict(data, encoding)
        if text is not None:
            scored.append((common_han_share(text, min_han=4), encoding, text))
    if scored and max(scored)[0] > 0.8:
        _, encoding, text = max(scored)
        return Decoded(text, encoding, "detected")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = (normalize_label(best.encoding) if best else None) or fallback or "utf-8"
    return Decoded(data.decode(encoding, errors="replace"), encoding, "detected")
