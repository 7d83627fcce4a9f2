"""What `claimcheck audit` prints on stderr: progress (a live bar, or plain lines for logs) and the closing
account of the pages that could not be checked, grouped by reason, with the fix where there is one."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape

PROGRESS_SECONDS = 10.0  # a plain progress line at least this often ...
PROGRESS_PAGES = 10  # ... and after every this many pages, when stderr is not a terminal

_ADDRESS_KIND = re.compile(r"\ba ([a-zA-Z][\w -]*?) address\b")
_LOCAL = "pass --allow-private to audit local servers"
_FIX_LINES = "correct those lines of the site list, named above"
_PRIVATE = "pass --allow-private to audit servers on private networks"
# reason -> (what happened to the pages, worded for "1 page" and "3 pages" alike; the fix or None)
_REASONS: dict[str, tuple[str, str | None]] = {
    "bad_url": ("rejected: not a valid URL", _FIX_LINES),
    "bad_scheme": ("rejected: not http or https (only those are fetched)", _FIX_LINES),
    "dns": ("not found: the host name does not resolve (DNS)", "check the spelling of the host"),
    "connect": ("unreachable: connection refused or failed", "check that the site is up"),
    "timeout": ("timed out", None),
    "tls": ("failed TLS (certificate or handshake)", None),
    "too_large": ("too large: over the size limit", None),
    "too_many_redirects": ("abandoned: too many redirects", None),
    "binary": ("unreadable: the body is not text", None),
    "bad_encoding": ("unreadable: corrupt compressed body", None),
    "unsupported_encoding": ("unreadable: unsupported content encoding", None),
    "network": ("failed: network error", None),
    "input": ("unreadable: not decodable as text", None),
    "internal_error": ("failed: internal error", "please report it, with the lines of errors.jsonl"),
    "robots_disallowed": ("skipped: disallowed by robots.txt", None),
    "unsupported_type": ("skipped: not HTML or text (PDF, images, ...)", None),
}
_HTTP_FIXES = {
    "429": "raise CLAIMCHECK_HOST_DELAY to pause longer between requests to one host",
    "503": "the site may be overloaded: run the audit again later, into a new --out directory",
}


@dataclass(frozen=True, slots=True)
class FailureGroup:
    """Pages that were not checked for one reason."""

    reason: str
    detail: str  # e.g. "loopback" for a refused address, else ""
    count: int
    example: str  # one of the URLs

    @property
    def skipped(self) -> bool:
        return self.reason in ("robots_disallowed", "unsupported_type")

    def describe(self) -> str:
        """One line: '3 pages refused: loopback address; pass --allow-private to audit local servers (e.g. URL)'."""
        pages = "1 page" if self.count == 1 else f"{self.count} pages"
        what, fix = self._what_and_fix()
        return f"{pages} {what}{f'; {fix}' if fix else ''} (e.g. {self.example})"

    def _what_and_fix(self) -> tuple[str, str | None]:
        if self.reason == "blocked_address":
            kind = self.detail or "private"
            return f"refused: {kind} address", _LOCAL if kind == "loopback" else _PRIVATE
        if self.reason.startswith("http_"):
            status = self.reason.removeprefix("http_")
            return f"answered HTTP {status}", _HTTP_FIXES.get(status)
        return _REASONS.get(self.reason, (f"failed: {self.reason}", None))


def failure_groups(lines: Iterable[dict[str, Any]]) -> list[FailureGroup]:
    """The pages of results.jsonl lines that were not checked, grouped by reason, the largest group first."""
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}
    for line in lines:
        if line.get("status") == "checked":
            continue
        error = line.get("error") or {}
        reason = str(error.get("reason") or "error")
        kind = _ADDRESS_KIND.search(str(error.get("message") or "")) if reason == "blocked_address" else None
        key = (reason, kind.group(1) if kind else "")
        counts[key] += 1
        examples.setdefault(key, str(line.get("url")))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [FailureGroup(reason, detail, n, examples[(reason, detail)]) for (reason, detail), n in ranked]


def print_failures(err: Console, groups: list[FailureGroup]) -> None:
    """The closing account: each reason on its own line, failures before deliberate skips."""
    if not groups:
        return
    err.print("not checked, by reason (details in errors.jsonl):", soft_wrap=True)
    for group in sorted(groups, key=lambda g: g.skipped):
        err.print("  " + escape(group.describe()), soft_wrap=True)


class PlainProgress:
    """Progress as plain lines for logs (cron, CI, nohup): every `seconds` and every `pages` new pages."""

    def __init__(
        self,
        err: Console,
        total: int,
        *,
        seconds: float = PROGRESS_SECONDS,
        pages: int = PROGRESS_PAGES,
        done: tuple[int, int, int] = (0, 0, 0),
    ) -> None:
        self.err, self.total, self.seconds, self.every = err, total, seconds, max(1, pages)
        self.sites = 0
        self.pages, self.findings, self.errors = done  # what a resumed run starts from
        self._started = time.monotonic()
        self._printed_at = self._started
        self._printed_pages = self.pages

    def update(self, *, pages: int, findings: int, errors: int) -> None:
        self.pages, self.findings, self.errors = pages, findings, errors
        if self.pages - self._printed_pages >= self.every:
            self.print()

    def site_done(self, _site: str = "") -> None:
        self.sites += 1

    def print(self) -> None:
        elapsed = int(time.monotonic() - self._started)
        self.err.print(
            f"progress: {self.sites}/{self.total} sites done, {self.pages} pages, {self.findings} findings, "
            f"{self.errors} not checked, {elapsed // 60}:{elapsed % 60:02d} elapsed",
            soft_wrap=True,
        )
        self._printed_at, self._printed_pages = time.monotonic(), self.pages

    async def tick(self) -> None:
        """Run beside the crawl: a line whenever `seconds` pass without one (a slow site still shows life)."""
        while True:
            await asyncio.sleep(max(0.05, self._printed_at + self.seconds - time.monotonic()))
            if time.monotonic() - self._printed_at >= self.seconds:
                self.print()
