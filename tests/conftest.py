"""Shared fixtures: one real Checker for the session (real rules, facts and model)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples"
REFERENCE = ROOT.parent / "shared" / "reference" / "000_a6ce9696bd472be0.txt"


@pytest.fixture(scope="session")
def checker():
    from claimcheck import default_checker

    return default_checker()
