"""The append-only result store: results.jsonl is the truth, one line per finished page; resume reads it back."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

RESULTS = "results.jsonl"
ERRORS = "errors.jsonl"
LOCK = ".claimcheck-audit.lock"


class StoreError(OSError):
    """The output directory cannot be used (missing permissions, not a directory, locked, disk full)."""


class ResultStore:
    """Appends one JSON line per page with a single write() and reads finished pages back on start."""

    def __init__(self, out_dir: Path) -> None:
        self.dir = Path(out_dir)
        self.results_path = self.dir / RESULTS
        self.errors_path = self.dir / ERRORS
        self._fd: int | None = None
        self._err_fd: int | None = None
        self._lock_fd: int | None = None

    def open(self) -> list[dict[str, Any]]:
        """Create the directory, take the lock, repair a torn last line and return the lines already written."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._lock()
            lines = self._load()
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
            self._fd = os.open(self.results_path, flags, 0o644)
            self._err_fd = os.open(self.errors_path, flags, 0o644)
        except StoreError:
            raise
        except OSError as exc:
            raise StoreError(exc.errno, f"cannot use output directory {self.dir}: {exc.strerror or exc}") from None
        return lines

    def append(self, line: dict[str, Any]) -> None:
        """Write one finished page (and, if it failed, its error) durably enough to survive kill -9."""
        assert self._fd is not None and self._err_fd is not None, "open() the store first"
        _write_all(self._fd, _encode(line))
        if line.get("status") != "checked":
            _write_all(self._err_fd, _encode(error_line(line)))

    def rewrite_errors(self, lines: list[dict[str, Any]]) -> None:
        """Regenerate errors.jsonl from the results, so reruns never duplicate an error."""
        data = b"".join(_encode(error_line(line)) for line in lines if line.get("status") != "checked")
        write_atomic(self.errors_path, data)
        if self._err_fd is not None:
            os.close(self._err_fd)
            self._err_fd = os.open(self.errors_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def close(self) -> None:
        for fd in (self._fd, self._err_fd, self._lock_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._fd = self._err_fd = self._lock_fd = None

    def _lock(self) -> None:
        """One writer per directory: a second concurrent audit would duplicate lines."""
        self._lock_fd = os.open(self.dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, the user must not run two audits into one directory
            return
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(0, f"another audit is already writing to {self.dir}") from None

    def _load(self) -> list[dict[str, Any]]:
        """Lines already written; a torn last line (kill -9 mid-write) is cut off the file."""
        if not self.results_path.exists():
            return []
        data = self.results_path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            with self.results_path.open("r+b") as fh:
                fh.truncate(end)
        lines, seen = [], set()
        for raw in data[:end].splitlines():
            try:
                line = json.loads(raw)
            except ValueError:
                continue  # cannot happen with whole-line writes; never let one bad line stop a resume
            if not isinstance(line, dict):
                continue
            key = (line.get("site"), line.get("url"))
            if key not in seen:
                seen.add(key)
                lines.append(line)
        return lines


def error_line(line: dict[str, Any]) -> dict[str, Any]:
    """The errors.jsonl record of a page that was not checked."""
    error = line.get("error") or {}
    return {
        "site": line.get("site"),
        "url": line.get("url"),
        "status": line.get("status"),
        "reason": error.get("reason"),
        "message": error.get("message"),
        "fetched_at": line.get("fetched_at"),
    }


def write_atomic(path: Path, data: bytes) -> None:
    """Replace a file whole (temp file + rename), so a crash never leaves half a report."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def _encode(line: dict[str, Any]) -> bytes:
    return (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
