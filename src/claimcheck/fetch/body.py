"""Read a response body while it streams: decompress in bounded pieces and stop as soon as it is too large."""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import httpx

from claimcheck.errors import FetchError


async def read_capped(resp: httpx.Response, max_bytes: int) -> bytes:
    """Read the body, decompressing as it streams, and stop as soon as it passes `max_bytes`."""
    length = resp.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes and not resp.headers.get("content-encoding"):
        raise FetchError(f"{resp.url} is {int(length):,} bytes; the limit is {max_bytes:,}", "too_large")
    inflater = _Inflater(resp.headers.get("content-encoding", ""))
    parts: list[bytes] = []
    total = 0
    async for chunk in resp.aiter_raw():
        for piece in inflater.feed(chunk):
            total += len(piece)
            if total > max_bytes:
                raise FetchError(f"{resp.url} is larger than {max_bytes:,} bytes (after decompression)", "too_large")
            parts.append(piece)
    return b"".join(parts)


class _Inflater:
    """gzip/deflate decompression in bounded pieces, so a small bomb never becomes a huge buffer."""

    PIECE = 64 * 1024

    def __init__(self, encoding: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"unsupported content encoding {encoding!r}", "unsupported_encoding")
        self.coding = codings[0] if codings else ""
        wbits = 16 + zlib.MAX_WBITS if self.coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._d = zlib.decompressobj(wbits) if self.coding else None
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._d is None:
            if data:
                yield data
            return
        while data:
            try:
                out = self._d.decompress(data, self.PIECE)
            except zlib.error:
                if self.coding == "deflate" and not self._started:  # raw deflate without the zlib header
                    self._d, self._started = zlib.decompressobj(-zlib.MAX_WBITS), True
                    continue
                raise FetchError("the compressed body is corrupt", "bad_encoding") from None
            self._started = True
            data = self._d.unconsumed_tail
            if self._d.eof and self._d.unused_data:  # concatenated gzip members
                data = self._d.unused_data
                self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            if out:
                yield out
            elif not data:
                return
