"""jieba word segmentation with its prefix dictionary loaded quickly.

jieba keeps its dictionary (about 500,000 words and word prefixes with their counts) as a dict, which it
reads from a marshal cache in about 1.5 s here. We keep our own cache (written by us, in the per-user cache
folder) as one sorted block of keys plus an array of counts: it loads in about 0.05 s as a sorted list that
jieba queries by binary search, with the same answers. A long-running process (`Checker.warm()`) then
swaps in a plain dict, which is a few times faster per lookup.
"""

from __future__ import annotations

import logging
import os
import stat
import struct
import tempfile
import threading
from array import array
from bisect import bisect_left
from pathlib import Path
from types import ModuleType

from claimcheck.resources import cache_dir, write_atomic

_lock = threading.Lock()
_MAGIC = b"claimcheck-jieba-1\n"
_HEADER = struct.Struct("<qqq")  # total, number of keys, bytes of the key block


class SortedFreq:
    """A read-only mapping word -> count over sorted keys: the operations jieba uses (in, [], get)."""

    __slots__ = ("keys", "counts")

    def __init__(self, keys: list[str], counts: array) -> None:
        self.keys = keys
        self.counts = counts

    def _find(self, word: str) -> int:
        i = bisect_left(self.keys, word)
        return i if i < len(self.keys) and self.keys[i] == word else -1

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._find(word) >= 0

    def __getitem__(self, word: str) -> int:
        i = self._find(word)
        if i < 0:
            raise KeyError(word)
        return self.counts[i]

    def get(self, word: str, default: int | None = None) -> int | None:
        i = self._find(word)
        return self.counts[i] if i >= 0 else default

    def __len__(self) -> int:
        return len(self.keys)

    def to_dict(self) -> dict[str, int]:
        return dict(zip(self.keys, self.counts, strict=True))


def jieba_ready() -> ModuleType:
    """The jieba module with its default dictionary loaded (once per process, thread-safe)."""
    import jieba

    tok = jieba.dt
    if tok.initialized:
        return jieba
    with _lock:
        if tok.initialized:
            return jieba
        jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict ..." lines on stderr
        folder = private_cache_dir()
        if tok.dictionary != jieba.DEFAULT_DICT:  # someone chose another dictionary: let jieba handle it
            _initialize(tok, folder)
            return jieba
        path = folder / f"jieba-{jieba.__version__}-prefix.sorted" if folder else None
        loaded = _read(path) if path is not None else None
        if loaded is not None:
            tok.FREQ, tok.total = loaded
            tok.initialized = True
            return jieba
        _initialize(tok, folder)
        if path is not None:
            write_atomic(path, _encode(tok.FREQ, tok.total))
    return jieba


def _initialize(tok, folder: Path | None) -> None:
    """jieba's own initialize, with its marshal cache kept in our private folder, never the shared temp folder
    (where anyone could plant one); without a private folder, in a throwaway one removed afterwards."""
    if tok.tmp_dir is not None:  # the caller chose where jieba caches
        tok.initialize()
        return
    if folder is not None:
        tok.tmp_dir = str(folder)
        tok.initialize()
        return
    with tempfile.TemporaryDirectory(prefix="claimcheck-jieba-") as scratch:
        tok.tmp_dir = scratch
        try:
            tok.initialize()
        finally:
            tok.tmp_dir = None


def private_cache_dir() -> Path | None:
    """The per-user cache folder (created 0700) if it is ours and only we can write to it; else None.

    Caches are trusted input: one read from a folder others can write would let them change segmentation."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        info = folder.stat()
    except OSError:
        return None
    if not hasattr(os, "getuid"):  # Windows: no POSIX owner and mode bits to check
        return folder
    if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o022:
        return None
    return folder


def jieba_full() -> ModuleType:
    """jieba with its dictionary as a plain dict (faster lookups; for services and batch runs)."""
    jieba = jieba_ready()
    with _lock:
        if isinstance(jieba.dt.FREQ, SortedFreq):
            jieba.dt.FREQ = jieba.dt.FREQ.to_dict()
    return jieba


def _encode(freq: dict[str, int], total: int) -> bytes:
    keys = sorted(freq)
    if any("\n" in k for k in keys):
        raise ValueError("a dictionary word holds a line break")
    block = "\n".join(keys).encode("utf-8")
    counts = array("q", (freq[k] for k in keys))
    return _MAGIC + _HEADER.pack(total, len(keys), len(block)) + block + counts.tobytes()


def _read(path) -> tuple[SortedFreq, int] | None:
    """Our cache file, or None if it is missing, from another format, or damaged in any way."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + _HEADER.size:
        return None
    total, n, size = _HEADER.unpack_from(data, len(_MAGIC))
    start = len(_MAGIC) + _HEADER.size
    counts = array("q")
    if n <= 0 or total <= 0 or len(data) != start + size + n * counts.itemsize:
        return None
    try:
        keys = data[start : start + size].decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    counts.frombytes(data[start + size :])
    if len(keys) != n or any(keys[i] >= keys[i + 1] for i in (0, n // 2, n - 2)):
        return None
    return SortedFreq(keys, counts), total


def jieba_words(text: str) -> list[str]:
    """jieba's words of `text` (accurate mode, HMM on), exactly as `jieba.lcut(text)`."""
    return jieba_ready().lcut(text)
