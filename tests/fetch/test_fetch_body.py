"""Bounded decompression: gzip (also multi-member), zlib and raw deflate; unknown encodings refused."""

from __future__ import annotations

import gzip
import zlib

import pytest

from claimcheck.errors import FetchError
from claimcheck.fetch.body import _Inflater

TEXT = "<p>干细胞 stem cells</p>".encode() * 2000


def inflate(encoding: str, data: bytes, chunk: int = 1000) -> bytes:
    inflater = _Inflater(encoding)
    return b"".join(piece for i in range(0, len(data), chunk) for piece in inflater.feed(data[i : i + chunk]))


def test_gzip_and_multi_member_gzip():
    assert inflate("gzip", gzip.compress(TEXT)) == TEXT
    assert inflate("x-gzip", gzip.compress(TEXT[:100]) + gzip.compress(TEXT[100:])) == TEXT


def test_deflate_with_and_without_zlib_header():
    assert inflate("deflate", zlib.compress(TEXT)) == TEXT
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert inflate("deflate", raw.compress(TEXT) + raw.flush()) == TEXT


def test_identity_passes_through():
    assert inflate("", TEXT) == TEXT and inflate("identity", TEXT) == TEXT


def test_pieces_stay_small_whatever_the_ratio():
    bomb = gzip.compress(b"\0" * 20_000_000)
    inflater = _Inflater("gzip")
    assert max(len(p) for p in inflater.feed(bomb)) <= _Inflater.PIECE


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, br", "compress"])
def test_unsupported_encodings_are_refused(encoding):
    with pytest.raises(FetchError) as err:
        _Inflater(encoding)
    assert err.value.reason == "unsupported_encoding"


def test_corrupt_gzip():
    with pytest.raises(FetchError) as err:
        inflate("gzip", b"\x1f\x8b\x08\x00garbage-garbage-garbage")
    assert err.value.reason == "bad_encoding"
