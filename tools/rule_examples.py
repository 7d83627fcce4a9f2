"""Run the embedded examples of some rule packs and print failures (a rule author's quick loop).

Usage: .venv/bin/python tools/rule_examples.py [PACK ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from claimcheck.checker import Checker  # noqa: E402
from claimcheck.knowledge.facts import KnowledgeBase  # noqa: E402
from claimcheck.training.ruletest import run_examples  # noqa: E402


def main() -> None:
    facts = Path(__file__).resolve().parents[1] / "rules" / "facts.yaml"
    checker = Checker(kb=KnowledgeBase.load() if facts.exists() else KnowledgeBase([]))
    results = run_examples(checker, sys.argv[1:] or None)
    for r in results:
        if not r.ok:
            print("FAIL", r.rule_id, r.kind, r.text, "->", r.detail)
    print(sum(r.ok for r in results), "/", len(results))


if __name__ == "__main__":
    main()
