"""Run every rule's embedded examples through the full checker; used by `claimcheck rules test` and pytest."""

from __future__ import annotations

from dataclasses import dataclass

from claimcheck.checker import Checker
from claimcheck.detect.rules import Example, Rule


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule_id: str
    kind: str  # "match" | "no_match"
    text: str
    ok: bool
    detail: str


def check_example(checker: Checker, rule: Rule, example: Example, kind: str) -> ExampleResult:
    """A match example: this rule hits exactly the marked words, and after context the report has a
    finding of the rule's category covering them. A no_match example: no rule-made finding of that category
    (the classifier's own findings are judged on the corpus, not on a rule's examples)."""
    prefix = example.page + "\n\n" if example.page else ""
    text = prefix + example.text
    report = checker.check_text(text)
    shift = len(prefix)
    found = [f for f in report.findings if f.category == rule.category and f.end > shift]
    if kind == "no_match":
        bad = [f"{f.rule_id} quoted {f.quote!r}" for f in found if not f.rule_id.startswith("model:")]
        return ExampleResult(rule.id, kind, example.text, not bad, "; ".join(bad) or "ok")
    assert example.marked is not None
    lo, hi = example.marked[0] + shift, example.marked[1] + shift
    _, hits = checker.detect(text)
    mine = [h for h in hits if h.rule_id == rule.id]
    if not any((h.span.start, h.span.end) == (lo, hi) for h in mine):
        got = ", ".join(repr(text[h.span.start : h.span.end]) for h in mine) or "no hit"
        return ExampleResult(rule.id, kind, example.text, False, f"wanted {example.quote!r}; the rule hit {got}")
    if any(f.start < hi and f.end > lo for f in found):
        return ExampleResult(rule.id, kind, example.text, True, "ok")
    why = "; ".join(f"{s.rule_id} {s.quote!r} suppressed by {[(r.kind, r.cue) for r in s.reasons]}" for s in report.suppressed)
    return ExampleResult(rule.id, kind, example.text, False, f"{example.quote!r} hit but no finding: {why}")


def run_examples(checker: Checker, packs: list[str] | None = None) -> list[ExampleResult]:
    results = []
    for rule in checker.rules.rules:
        if packs and rule.pack not in packs:
            continue
        results += [check_example(checker, rule, e, "match") for e in rule.must_match]
        results += [check_example(checker, rule, e, "no_match") for e in rule.must_not_match]
    return results
