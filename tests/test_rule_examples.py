"""Every rule's embedded examples run as tests, through the real checker (rules as data, proven by data)."""

from __future__ import annotations

import pytest

from claimcheck.detect.rules import RuleSet
from claimcheck.training.ruletest import check_example

_RULES = RuleSet.load()
_CASES = [
    pytest.param(rule.id, kind, i, id=f"{rule.id}-{kind}-{i}")
    for rule in _RULES.rules
    for kind, examples in (("match", rule.must_match), ("no_match", rule.must_not_match))
    for i in range(len(examples))
]


@pytest.mark.parametrize(("rule_id", "kind", "index"), _CASES)
def test_rule_example(checker, rule_id, kind, index):
    rule = checker.rules.by_id[rule_id]
    example = (rule.must_match if kind == "match" else rule.must_not_match)[index]
    result = check_example(checker, rule, example, kind)
    assert result.ok, result.detail


def test_example_counts_meet_the_bar():
    """At least 150 examples, a third Chinese (both scripts present), a third must-not-match."""
    examples = [(e, k) for r in _RULES.rules for k, es in (("m", r.must_match), ("n", r.must_not_match)) for e in es]
    zh = [e for e, _ in examples if any("\u4e00" <= c <= "\u9fff" for c in e.text)]
    from claimcheck.text.normalize import script_of

    scripts = {script_of(e.text) for e in zh}
    assert len(examples) >= 150
    assert len(zh) * 3 >= len(examples)
    assert {"Hans", "Hant"} <= scripts
    assert sum(1 for _, k in examples if k == "n") * 3 >= len(examples)


def test_every_category_has_a_rule():
    from claimcheck.model import CATEGORIES

    assert {r.category for r in _RULES.rules} == set(CATEGORIES)


def test_rules_cite_known_facts():
    from claimcheck.knowledge.facts import KnowledgeBase

    kb = KnowledgeBase.load()
    missing = sorted({(r.id, f) for r in _RULES.rules for f in r.facts if f not in kb})
    assert not missing
    assert all(r.facts for r in _RULES.rules)
