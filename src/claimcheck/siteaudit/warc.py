"""Web archives -> HTML pages: the `response` records of WARC/ARC files that hold HTML, with counts of the rest.

Reads with warcio (pure Python, reads ARC too, the writer the tests use); a truncated or corrupt tail is
counted, never raised. Needs the `crawl` extra; `require_crawl_extra` says so in one line when it is missing.
"""

from __future__ import annotations

import dataclasses
import glob
import gzip
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from claimcheck.errors import InputError
from claimcheck.fetch.decode import split_content_type

MAX_RECORD_BYTES = 5 * 1024 * 1024  # the fetcher's cap: a bigger page is skipped, not read whole
SNIFF_BYTES = 1024
TRAILING_BLANK = 4  # an uncompressed WARC's record length leaves out the closing CRLF CRLF
HTML_TYPES = ("text/html", "application/xhtml+xml")
CRAWL_MODULES = ("warcio", "pyarrow")
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<title|<!--|<div|<p[\s>])", re.I)
_SNIFFABLE = ("", "text/plain", "application/octet-stream", "unk", "unknown", "no-type")


class CrawlExtraMissing(InputError):
    """The `crawl` extra (warcio, pyarrow; dask for --engine dask) is not installed."""


def require_crawl_extra(*extra: str) -> None:
    """Fail with one clear line when a module of the `crawl` extra is missing."""
    import importlib.util

    missing = [m for m in (*CRAWL_MODULES, *extra) if importlib.util.find_spec(m) is None]
    if missing:
        raise CrawlExtraMissing(
            f"WARC audits need the 'crawl' extra: pip install 'claimcheck[crawl]' (missing: {', '.join(missing)})"
        )


@dataclass(frozen=True, slots=True)
class WarcPage:
    """One HTML response: where it was captured, what it declared, and its (possibly capped) HTTP body."""

    url: str
    date: str
    offset: int
    status: int
    content_type: str
    charset: str | None
    body: bytes
    too_large: bool = False


@dataclass(slots=True)
class ReadStats:
    """What a pass over one archive saw besides the pages it yielded."""

    records: int = 0
    bytes: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # not_response, not_html, http_status
    faults: Counter[str] = field(default_factory=Counter)  # truncated, corrupt


def expand_sources(patterns: list[str]) -> list[str]:
    """Paths, globs or fsspec URLs -> a sorted, de-duplicated list of archives; InputError when one matches nothing."""
    found: dict[str, None] = {}
    for pattern in patterns:
        if "://" in pattern:
            matches = _remote_glob(pattern)
        elif glob.has_magic(pattern):
            matches = sorted(p for p in glob.glob(pattern) if Path(p).is_file())  # noqa: PTH207 (str patterns, any depth)
        else:
            if not Path(pattern).is_file():
                raise InputError(f"no such WARC file: {pattern}")
            matches = [pattern]
        if not matches:
            raise InputError(f"no WARC file matches {pattern}")
        for match in matches:
            found.setdefault(match if "://" in match else str(Path(match).resolve()), None)
    return list(found)


def _remote_glob(pattern: str) -> list[str]:
    try:
        import fsspec
    except ImportError:
        raise InputError(f"reading {pattern} needs fsspec (and its backend, e.g. s3fs)") from None
    fs, _, paths = fsspec.get_fs_token_paths(pattern)
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return sorted(p if "://" in p else f"{protocol}://{p}" for p in paths)


def file_id(source: str) -> str:
    """A stable, path-safe name for one archive: its base name plus a hash of the full path."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", source.rstrip("/").rsplit("/", 1)[-1])[:80]
    return f"{base}-{hashlib.sha1(source.encode('utf-8')).hexdigest()[:10]}"  # noqa: S324 (a name, not security)


def open_source(source: str) -> tuple[IO[bytes], int | None]:
    """A binary stream of an archive and its size when known (local files, or any fsspec URL)."""
    if "://" in source:
        import fsspec

        opened = fsspec.open(source, "rb").open()
        return opened, getattr(opened, "size", None)
    fh = Path(source).open("rb")
    return fh, Path(source).stat().st_size


def html_type(content_type: str, body_head: bytes) -> bool:
    """HTML by its header, or by sniffing when the header is missing or generic (never for images, PDF, ...)."""
    if content_type in HTML_TYPES:
        return True
    if content_type in _SNIFFABLE:
        return bool(_HTML_START.match(body_head.lstrip(b"\xef\xbb\xbf")))
    return False


def iter_pages(
    stream: IO[bytes], stats: ReadStats, *, size: int | None = None, cap: int = MAX_RECORD_BYTES
) -> Iterator[WarcPage]:
    """Yield the HTML responses of one archive, counting every other record and any damage in `stats`."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = ArchiveIterator(stream, arc2warc=True)
    try:
        for record in records:
            stats.records += 1
            page = _page(record, stats, cap)
            records.read_to_end(record)
            offset = records.get_record_offset()
            stats.bytes = offset + records.get_record_length()
            if getattr(record.raw_stream, "limit", 0) > 0:  # the file ended inside this record
                stats.faults["truncated"] += 1
                return
            if page is not None:
                yield dataclasses.replace(page, offset=offset)
    except EOFError:
        stats.faults["truncated"] += 1
        return
    except gzip.BadGzipFile:
        stats.faults["corrupt"] += 1
        return
    except OSError:  # the stream failed (disk, network), not the archive: the task fails and a rerun redoes it
        raise
    except (ArchiveLoadFailed, Exception):  # zlib, struct, header errors deep in the reader: damage, not a crash
        stats.faults["corrupt"] += 1
        return
    torn_member = size is not None and size - stats.bytes > TRAILING_BLANK  # gzip: warcio drops a torn last member
    if torn_member:
        stats.faults["truncated"] += 1


def _page(record: Any, stats: ReadStats, cap: int) -> WarcPage | None:
    if record.rec_type != "response" or record.http_headers is None:
        stats.skipped["not_response"] += 1
        return None
    status = _status(record.http_headers.get_statuscode())
    mime, charset = split_content_type(record.http_headers.get_header("Content-Type"))
    stream = record.content_stream()
    head = stream.read(SNIFF_BYTES)
    if not html_type(mime, head):
        stats.skipped["not_html"] += 1
        return None
    if not 200 <= status < 300:
        stats.skipped["http_status"] += 1
        return None
    body = head + _read_upto(stream, cap + 1 - len(head))
    too_large = len(body) > cap
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    date = record.rec_headers.get_header("WARC-Date") or ""
    return WarcPage(url, date, 0, status, mime or "text/html", charset, b"" if too_large else body, too_large)


def _read_upto(stream: IO[bytes], limit: int) -> bytes:
    """Up to `limit` bytes: a decompressing stream may return short reads before its end."""
    parts, left = [], limit
    while left > 0 and (chunk := stream.read(min(left, 1 << 16))):
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _status(code: str | None) -> int:
    try:
        return int(code or 0)
    except ValueError:
        return 0
