"""The prefilter only saves work: findings are identical with and without it."""

from __future__ import annotations

import pytest

from claimcheck.detect.prefilter import Prefilter
from claimcheck.text.literals import has_anchor, prefix_literals, required_literals, requirements
from claimcheck.text.patterns import search_at
from testpaths import DATA, EXAMPLES, corpus_texts, example_lines


@pytest.fixture(scope="module")
def unfiltered(checker):
    from claimcheck.checker import Checker

    return Checker(rules=checker.rules, kb=checker.kb, prefilter=False)


def _sig(report):
    return [(f.category, f.severity, f.start, f.end, f.rule_id, f.confidence) for f in report.findings]


def test_identical_on_the_labeled_corpus(checker, unfiltered):
    texts = corpus_texts()
    assert len(texts) > 1000
    diffs = [t for t in texts if _sig(checker.check_text(t)) != _sig(unfiltered.check_text(t))]
    assert not diffs, diffs[:5]


def test_identical_on_whole_documents(checker, unfiltered):
    paths = sorted(EXAMPLES.glob("*.txt")) + sorted((DATA / "pages").glob("*.txt"))
    joined = "\n\n".join(p.read_text(encoding="utf-8") for p in paths)
    for text in [p.read_text(encoding="utf-8") for p in paths] + [joined]:
        assert _sig(checker.check_text(text)) == _sig(unfiltered.check_text(text))


def test_prefilter_is_active_and_rejects_ordinary_text(checker):
    assert checker.prefilter is not None, "some rule pattern has no required literal"
    assert not checker.prefilter.keep("the cafeteria opens at nine and parking is free")
    assert checker.prefilter.keep("our stem cells cure stroke")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("fda approved", {"fda approved"}),
        ("(?:cure|heal)s?", {"cure", "heal"}),
        ("(?:cure|heal)s? stroke", {" stroke"}),
        ("a?b", {"b"}),
        ("x*", None),
        ("[ab]c", {"c"}),
    ],
)
def test_required_literals(pattern, expected):
    assert required_literals(pattern) == expected


def test_anchors_are_detected():
    assert has_anchor("^our") and has_anchor("x$") and not has_anchor("[^a]b")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("fda approved", [[{"fda approved"}]]),
        ("stem cells? (?:cure|heal)", [[{"stem cell"}, {"cure", "heal"}]]),
        ("(?:stem cells?|mesenchymal) .{0,20}(?:cure|heal)|approved in (?:japan|korea)", [[{"stem cell", "mesenchymal"}, {"cure", "heal"}], [{"approved in "}, {"japan", "korea"}]]),
        ("a?b", [[{"b"}]]),
        ("x*|cure", None),
    ],
)
def test_requirements_per_alternative(pattern, expected):
    def canonical(req):
        return None if req is None else [sorted(sorted(lits) for lits in conj) for conj in req]

    assert canonical(requirements(pattern)) == canonical(expected)


def test_prefilter_class_keeps_only_matching_units():
    import re

    pf = Prefilter.build([[[{"fda"}]]], [re.compile("fda approved")], [("r1", "en", 0)])
    assert pf.keep("fda approved") and not pf.keep("fda said") and not pf.keep("nothing")
    assert pf.candidate_rules("fda said", "en") == {"r1": [(0, None)]} and pf.candidate_rules("nothing", "en") == {}
    assert pf.candidate_rules("fda said", "zh") == {}


def test_a_pattern_is_a_candidate_only_when_one_alternative_has_all_its_literals():
    import re

    pattern = "stem cells? .{0,20}(?:cure|heal)|approved in japan"
    pf = Prefilter.build([requirements(pattern)], [re.compile(pattern)], [("r1", "en", 0)])
    assert pf.candidates("stem cells cure stroke") == {0}
    assert pf.candidates("stem cells are studied") == set()  # the topic word alone is not enough
    assert pf.candidates("a cure for stroke") == set()
    assert pf.candidates("approved in japan") == {0}


@pytest.mark.parametrize(
    "text",
    [
        "stem cells cure stroke and heal paralysis; stem cells cure it",
        "heal stroke, cure stroke",
        "cure, cure stroke, stroke cure",
        "nothing at all",
        "cured strokes cure stroke",
    ],
)
def test_alternation_from_parts_equals_the_regex(text):
    import re

    from claimcheck.detect.rules import LazyPattern, alternation_matches

    parts = ["cure stroke", r"(?<!stem )cells? cure", r"stem cells? (?:cure|heal)\w*", r"\bcure\b", "heal stroke", "cured? strokes?"]
    joined = re.compile("|".join(f"(?:{p})" for p in parts), re.ASCII)
    expected = [m.span() for m in joined.finditer(text)]
    got = [m.span() for m in alternation_matches([LazyPattern(p) for p in parts], text)]
    assert got == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b(?:fda|u\.s\. fda)[- ]?approved", {"fda", "u.s. fda"}),
        (r"(?<!not )(?:approved|licensed) by", {"approved", "licensed"}),
        (r"(?:cure|heal)s? stroke", {"cure", "heal"}),
        (r"a?b", {"a", "b"}),  # an optional part: it or what follows it starts the match
        (r"(?:south )?korea(?:n)? approved", {"south ", "korea"}),
        (r"a*b*c", {"a", "b", "c"}),
        (r"(a?)b", None),  # a group that can match empty is not looked through
        (r"(?:ab)?", None),
        (r"(?:x|)y", None),
        (r"[ab]c", {"a", "b"}),
        (r"[0-9]+%", set("0123456789")),
        (r"[a-z]+ cured", None),  # too many first characters to be worth it
        (r"[^a]b", None),
        (r"\d+%", None),  # without re.ASCII, \d also matches other scripts' digits
        (r"\w+ cured", None),
    ],
)
def test_prefix_literals(pattern, expected):
    assert prefix_literals(pattern) == expected


def test_prefix_literals_with_ascii_digits():
    assert prefix_literals(r"(?:us\$|\$)?\d+ ?(?:usd|dollars)", ascii=True) == {"us$", "$"} | set("0123456789")


PREFIXED = [
    r"(?:south )?korea(?:n)?[- ](?:government[- ])?approved",
    r"(?:\bno [a-z\-]+(?: [a-z\-]+){0,3}, (?:and )?)*\b(?:no|zero|0) side[- ]?effects?\b",
    r"(?:(?:\$|us\$|usd ?|¥)\d+(?:,\d{3})*|\b\d+ ?(?:usd|dollars|yuan)\b)(?: usd)? ?(?:per|a) (?:session|course)",
    r"(?<!not )\b(?:cure|heal)s? (?:a |the )?stroke",
    r"\b(?:an? )?\d{2}[- ]year[- ]old",
]
PREFIX_TEXTS = [
    "south korea approved and korean-government-approved, korea approved",
    "no pain, no surgery, and no side effects; zero side-effects. 0 sideeffects",
    "$5,000 per session or us$300 a course, 2000 usd per course, ¥8000 a session, 12 yuan a course",
    "it cures stroke; not heals the stroke; heals a stroke",
    "a 65-year-old man, an 80 year old, 7 year-old",
]


@pytest.mark.parametrize("pattern", PREFIXED)
def test_searching_from_new_prefix_positions_equals_search(pattern):
    """Optional leading parts and \\d: every start position tried, the same match as `search`."""
    import re

    regex = re.compile(pattern, re.ASCII)
    lits = prefix_literals(pattern, ascii=True)
    assert lits
    for text in PREFIX_TEXTS:
        starts = sorted({m.start() for lit in lits for m in re.finditer(re.escape(lit), text)})
        for pos in range(len(text) + 1):
            a, b = regex.search(text, pos), search_at(regex, starts, text, pos)
            assert (a and a.span()) == (b and b.span())
    assert any(regex.search(text) for text in PREFIX_TEXTS)


@pytest.mark.parametrize(
    "text",
    ["fda approved and the u.s. fda-approved", "no approval here", "ffda approved fda approved", "fda approvedfda approved"],
)
def test_searching_from_prefix_positions_equals_search(text):
    import re

    pattern = re.compile(r"\b(?:fda|u\.s\. fda)[- ]?approved\b", re.ASCII)
    lits = prefix_literals(pattern.pattern)
    starts = sorted({m.start() for lit in lits for m in re.finditer(re.escape(lit), text)})
    for pos in range(len(text) + 1):
        a, b = pattern.search(text, pos), search_at(pattern, starts, text, pos)
        assert (a and a.span()) == (b and b.span())


def test_gated_cue_and_lexicon_patterns_equal_their_plain_regexes(checker):
    """Every cue and lexicon pattern, on every corpus sentence and slices of it: same matches."""
    from claimcheck.text.patterns import GatedPattern

    texts = [t.lower() for t in corpus_texts()]
    gated = [getattr(cues, name) for cues in checker.decider.cues.values() for name in cues.__dataclass_fields__]
    gated += [checker.rules.lexicon.pattern(name) for name in checker.rules.lexicon.terms]
    assert all(isinstance(g, GatedPattern) for g in gated)
    for g in gated:
        g._filters()
    assert sum(bool(g._starts) for g in gated) >= 3  # lexicon lists run from literal positions only
    assert sum(bool(g._gate) for g in gated) > 10  # cue lists reject texts without their literals
    for g in gated:
        for text in texts[::3]:
            for pos, end in ((0, None), (3, None), (2, len(text) - 4)):
                if end is not None and end < pos:
                    continue
                plain = [m.span() for m in (g.regex.finditer(text, pos) if end is None else g.regex.finditer(text, pos, end))]
                assert [m.span() for m in g.finditer(text, pos, end)] == plain, (g.pattern[:60], text)
                first = g.regex.search(text, pos) if end is None else g.regex.search(text, pos, end)
                got = g.search(text, pos, end)
                assert (got and got.span()) == (first and first.span())



@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?:\bfda\b|[a-z]+ government|\bema\b|regulators?) approved", [r"(?:\bfda\b) approved", r"(?:[a-z]+ government) approved", r"(?:\bema\b|regulators?) approved"]),
        (r"(?:(?:fda|\w+ agency))x", [r"(?:fda)x", r"(?:\w+ agency)x"]),  # a group holding one group is unwrapped
        (r"(?:fda|\w+ agency)+x", None),  # a quantified group cannot be distributed over what follows
        (r"(?:fda|\w+ agency)?x", None),
        (r"(?:fda|ema) approved", None),  # already anchored
        (r"(?:\w+ fda|\w+ ema) approved", None),  # no part would be anchored
        (r"(?:[^|)(]+x|fda|a\|b\w)y", [r"(?:[^|)(]+x)y", r"(?:fda|a\|b\w)y"]),  # bars in classes and escapes are not splits
        (r"(?:(\w+) x|(fda))\1", None),  # group numbers would change in the parts
        (r"(?:(?P<a>\w+) x|fda)(?P=a)", None),
    ],
)
def test_anchored_parts(pattern, expected):
    from claimcheck.text.literals import anchored_parts

    assert anchored_parts(pattern) == expected


def test_split_rule_items_match_exactly_as_the_items_they_replace(checker):
    """Items the analysis split into parts: `alternation_matches` of the parts equals `finditer` of the
    original item, on every corpus sentence and example line."""
    import re

    from claimcheck.detect.rules import FLAGS, LazyPattern, alternation_matches
    from claimcheck.text.normalize import fold

    rules = checker.rules
    split = {}
    for key, parts in rules._literals.items():
        if key.startswith("|") and parts:
            split[key[1:]] = [LazyPattern(p) for p in parts]
    assert len(split) >= 4  # the regulator lists, price and patient-story items
    assert any(len(parts) >= 3 for parts in split.values())
    texts = [fold(t).text for t in corpus_texts()]
    texts += [fold(line).text for line in example_lines()]
    hits = 0
    for item, parts in split.items():
        regex = re.compile(item, FLAGS)
        for text in texts:
            expected = [m.span() for m in regex.finditer(text)]
            assert [m.span() for m in alternation_matches(parts, text)] == expected, (item[:60], text)
            hits += bool(expected)
    assert hits > 50


def test_a_case_blind_gated_pattern_is_not_filtered_by_exact_literals():
    import re

    from claimcheck.text.patterns import GatedPattern

    for anchor in (True, False):
        gated = GatedPattern(r"\bfda approved\b", re.ASCII | re.IGNORECASE, anchor=anchor)
        assert gated.search("it is FDA Approved") is not None
        assert [m.span() for m in gated.finditer("FDA approved, fda APPROVED")] == [(0, 12), (14, 26)]
