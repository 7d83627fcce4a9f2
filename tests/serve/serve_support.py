"""Paths and markers shared by the service tests (a plain module: `conftest` names are ambiguous to import)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FETCH_READY = importlib.util.find_spec("claimcheck.fetch") is not None and (
    importlib.util.find_spec("claimcheck.fetch.page") is not None
)
needs_fetch = pytest.mark.skipif(
    not FETCH_READY, reason="claimcheck.fetch.page (the safe fetcher) is not in this checkout yet"
)


def read_example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")
