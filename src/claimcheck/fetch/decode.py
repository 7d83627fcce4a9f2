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
    header = normalize_label(header_charset)
    if header in _WIDE:  # UTF-16/32 text is full of NUL bytes: the header, not the bytes, says it is text
        wide = _decode_wide(data, header)
        if wide is not None:
            return wide
    if looks_binary(data):
        raise FetchError("the body looks binary, not text", "binary")
    declared = [(header, "header")]
    if is_html:
        declared.append((normalize_label(sniff_meta_charset(data)), "meta"))
        if declared[0][0] == "cp1252":  # a server default "ISO-8859-1" must not hide the page's own declaration
            declared.reverse()
    for encoding, source in declared:
        if encoding and encoding not in _WIDE:
            text = _strict(data, encoding)
            if text is not None:
                return _unless_mojibake(data, Decoded(text, encoding, source))
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "utf-8")
    return _detect(data, declared=[e for e, _ in declared if e and e not in _WIDE])


_WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")
_CJK = ("gb18030", "big5hkscs")
_MAX_BAD_SHARE = 0.05  # a reading with more replacement or private-use characters than this is not trusted


def _decode_wide(data: bytes, encoding: str) -> Decoded | None:
    """UTF-16/32 without a BOM: the header names the width, the NUL bytes of ASCII markup name the byte order."""
    if encoding in ("utf-16", "utf-32"):
        unit = 2 if encoding == "utf-16" else 4
        head = data[:PRESCAN_BYTES]
        big = sum(1 for i in range(0, len(head) - unit + 1, unit) if head[i] == 0)
        little = sum(1 for i in range(unit - 1, len(head), unit) if head[i] == 0)
        encoding += "-be" if big > little else "-le"
    text = _strict(data, encoding)
    return Decoded(text, encoding, "header") if text is not None else None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _bad(text: str) -> int:
    """Replacement and private-use characters: what a wrong codec leaves behind."""
    return sum(1 for c in text if c == "\ufffd" or "\ue000" <= c <= "\uf8ff")


def _unless_mojibake(data: bytes, decoded: Decoded) -> Decoded:
    """A declared Chinese codec whose reading is mojibake loses to the other one if that reads cleanly.

    Big5 bytes served as GBK (or the reverse) decode without an error, but into rare and private-use characters."""
    if decoded.encoding not in _CJK:
        return decoded
    share = common_han_share(decoded.text, min_han=4)
    if share > 0.9 and not _bad(decoded.text):
        return decoded
    other = _CJK[1 - _CJK.index(decoded.encoding)]
    text = _strict(data, other)
    if text is not None and not _bad(text) and common_han_share(text, min_han=4) > max(0.9, share):
        return Decoded(text, other, "detected")
    return decoded


def _detect(data: bytes, *, declared: list[str]) -> Decoded:
    """No strict reading: the candidate with the fewest replacement characters, as long as it reads as text
    (Chinese codecs: mostly common characters); otherwise charset-normalizer."""
    scored = []
    for encoding in dict.fromkeys([*declared, "utf-8", *_CJK]):
        text = data.decode(encoding, errors="replace")
        bad = _bad(text)
        share = common_han_share(text, min_han=4)
        if bad > _MAX_BAD_SHARE * max(1, len(text)) or (encoding in _CJK and share <= 0.8):
            continue
        scored.append((bad, -share, encoding, text))
    if scored:
        _, _, encoding, text = min(scored, key=lambda s: s[:2])
        return Decoded(text, encoding, "detected")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = (normalize_label(best.encoding) if best else None) or next(iter(declared), None) or "utf-8"
    return Decoded(data.decode(encoding, errors="replace"), encoding, "detected")


def split_content_type(raw: str | None) -> tuple[str, str | None]:
    """`text/html; charset=GBK` -> ('text/html', 'GBK')."""
    raw = raw or ""
    mime = raw.split(";", 1)[0].strip().lower()
    charset = None
    for param in raw.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return mime, charset
