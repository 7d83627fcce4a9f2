"""Read user input (files, stdin bytes) into text: decode UTF-8, UTF-16, GB18030 or Big5, refuse binary."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.text.charset import common_han_share, looks_binary

MAX_BYTES = 32 * 1024 * 1024
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_HOST_LIKE = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?:[:/?]|$)")


def source_kind(source: str) -> str:
    """What a `claimcheck check` argument names: "stdin", "url", "html" or "file".

    InputError for a URL of another scheme (ftp://, file://, ...), unless a file of that name exists."""
    if source == "-":
        return "stdin"
    scheme = _SCHEME.match(source)
    if scheme and scheme.group(1).lower() in ("http", "https"):
        return "url"
    if scheme and not Path(source).exists():
        raise InputError(f"only http and https URLs are fetched, not {scheme.group(1)!r}: {source}")
    return "html" if source.lower().endswith(HTML_SUFFIXES) else "file"


def require_text(text: str, name: str) -> str:
    """`text` unchanged, or InputError when it has nothing to check (empty, or only spaces and invisibles)."""
    if not text:
        raise InputError(f"{name} is empty: there is nothing to check")
    if all(c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp") for c in text):
        raise InputError(f"{name} has only whitespace or invisible characters: there is nothing to check")
    return text


def read_file(path: str | Path) -> str:
    """Read and decode a text file; InputError with a one-line reason when that is impossible."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{p} is too large ({size / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MiB)")
        data = p.read_bytes()
    except FileNotFoundError:
        hint = f" (to check a web page, give its URL: https://{path})" if _HOST_LIKE.match(str(path)) else ""
        raise InputError(f"no such file: {p}{hint}") from None
    except IsADirectoryError:
        raise InputError(f"{p} is a directory, not a text file") from None
    except PermissionError:
        raise InputError(f"permission denied reading {p}") from None
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
    return decode_bytes(data, name=str(p))


def decode_bytes(data: bytes, *, name: str = "input") -> str:
    """UTF-8 (or a BOM's encoding) first, then GB18030 and Big5, picking the one that reads as Chinese."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{name} is too large ({len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MiB)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(
                    f"{name} starts with a {encoding} byte-order mark but is not valid {encoding}"
                ) from None
    if looks_binary(data):
        raise InputError(f"{name} looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            candidates.append((common_han_share(text := data.decode(encoding)), encoding, text))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise InputError(f"{name} is not valid UTF-8, GB18030 or Big5 text")
    return max(candidates)[2]
