"""claimcheck: flag and explain false marketing claims about stem-cell therapy for stroke.

Importing the package does no work; the first call builds a shared Checker (rules, facts, model).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from claimcheck.errors import ClaimcheckError, FetchError, InputError, ModelError, RuleError
from claimcheck.model import Finding, Report

if TYPE_CHECKING:
    from claimcheck.checker import Checker
    from claimcheck.fetch.extract import Extracted, Regions

__all__ = [
    "Checker",
    "ClaimcheckError",
    "FetchError",
    "Finding",
    "InputError",
    "ModelError",
    "Report",
    "RuleError",
    "audit",
    "audit_async",
    "check_text",
    "check_url",
    "default_checker",
    "extract",
]
__version__ = "0.1.0"

_default: Checker | None = None
_lock = threading.Lock()


def default_checker() -> Checker:
    """The process-wide Checker, built on first use."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                from claimcheck.checker import Checker

                _default = Checker()
    return _default


def check_text(text: str, *, lang: str | None = None) -> Report:
    """Check one text and return its Report."""
    return default_checker().check_text(text, lang=lang)


def check_url(url: str, **options: Any) -> Report:
    """Fetch one page safely and check its main text (see claimcheck.fetch for the options)."""
    from claimcheck.fetch.page import check_url as _check_url

    return _check_url(url, checker=default_checker(), **options)


def extract(html: str | bytes, url: str | None = None, *, regions: Regions = None) -> Extracted:
    """What the checker reads on a page: its main text (or `regions="all"`) as located blocks, and its links.

    Bytes are decoded as a fetched page would be (BOM, meta charset, GBK, Big5, UTF-16). Every block has
    its offsets in `.text`, its DOM path, nearest heading and region; hidden text is never included.
    """
    from claimcheck.fetch.extract import extract as _extract

    return _extract(html, url, regions=regions)


def audit(urls, **options: Any):
    """Audit many sites; yields one page result as each page completes (see claimcheck.siteaudit)."""
    from claimcheck.siteaudit import audit as _audit

    return _audit(urls, checker=default_checker(), **options)


def audit_async(urls, **options: Any):
    """Async form of `audit`: an async iterator of page results."""
    from claimcheck.siteaudit import audit_async as _audit_async

    return _audit_async(urls, checker=default_checker(), **options)


def __getattr__(name: str):
    if name == "Checker":
        from claimcheck.checker import Checker

        return Checker
    raise AttributeError(name)
