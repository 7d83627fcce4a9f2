"""Byte- and character-level tests shared by file input and page decoding: binary data, mojibake."""

from __future__ import annotations


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or more than 5% control bytes, in the first 8 KiB."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def common_han_share(text: str, *, min_han: int = 1) -> float:
    """Share of Han characters that are common ones (in GB2312 once made Simplified): mojibake scores low."""
    from claimcheck.text.normalize import t2s

    han = "".join(c for c in text[:20000] if "\u4e00" <= c <= "\u9fff")
    if len(han) < min_han:
        return 0.0
    good = 0
    for c in t2s(han):
        try:
            c.encode("gb2312")
            good += 1
        except UnicodeEncodeError:
            pass
    return good / len(han)
