"""Paths shared by the tests (a plain module: importing `conftest` by name breaks with nested conftests)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples"
REFERENCE = ROOT.parent / "shared" / "reference" / "000_a6ce9696bd472be0.txt"


def corpus_texts() -> list[str]:
    """The text of every labeled corpus sentence (corpora/sentences/*.jsonl)."""
    import json

    return [
        json.loads(line)["text"]
        for path in sorted((ROOT / "corpora" / "sentences").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def example_lines() -> list[str]:
    """Every non-blank line of the example texts (examples/*.txt)."""
    return [line for p in sorted(EXAMPLES.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
