"""Paths shared by the tests (a plain module: importing `conftest` by name breaks with nested conftests)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples"
REFERENCE = ROOT.parent / "shared" / "reference" / "000_a6ce9696bd472be0.txt"
