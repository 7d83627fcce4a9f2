"""What literals every match of a regex must contain or start with, read from its parse tree.

The prefilter (prefilter.py) runs a rule pattern only on text that holds such literals, and only from the
places where its leading literals occur; these analyses are exact by construction, so it never drops a
match. They are cached per user (see detect/rules.py, _analyse), under ANALYSIS_VERSION.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_MAX_CLASS = 12
ANALYSIS_VERSION = 9  # of the literal analyses below; cached per user, so a change must bump it


_CASELESS = re.compile(r"\(\?[aLmsux]*i")  # an inline (?i): literals would no longer be exact


def required_literals(pattern: str) -> set[str] | None:
    """Literals of which every match of `pattern` contains at least one; None if there is no such set."""
    if _CASELESS.search(pattern):
        return None
    return _seq(sre_parse.parse(pattern))


def _seq(items) -> set[str] | None:
    best: set[str] | None = None
    run: list[str] = []

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or _quality(candidate) > _quality(best)):
            best = candidate

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider({"".join(run)})
            run = []
        consider(_item(op, av))
    if run:
        consider({"".join(run)})
    return best


def _item(op, av) -> set[str] | None:
    if op is C.SUBPATTERN:
        return _seq(av[-1])
    if op is C.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            sub = _seq(alt)
            if not sub:
                return None
            out |= sub
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        return _seq(sub) if low >= 1 else None
    if op is C.IN:
        chars = [chr(v) for o, v in av if o is C.LITERAL]
        if len(chars) == len(av) and 0 < len(chars) <= _MAX_CLASS:
            return set(chars)
        return None
    return None


def _quality(lits: set[str]) -> tuple[int, int]:
    return (min(len(s) for s in lits), -len(lits))


# A pattern's requirements in disjunctive form: it can match only if, for some alternative, every one of
# that alternative's literal sets has a member in the text. One set per alternative is what
# `required_literals` gives; several cut the candidates about tenfold, because rule patterns combine a
# topic word with a claim word and either alone is common.
Requirement = list[list[set[str]]]
_MAX_SETS = 3  # per alternative: the most selective ones
_MAX_ALTERNATIVES = 64  # beyond this an alternation is kept as one set (the union), as required_literals does


def requirements(pattern: str) -> Requirement | None:
    """For each alternative of `pattern`, literal sets that a match of it must all hit (None: no such)."""
    if _CASELESS.search(pattern):
        return None
    return _dnf(sre_parse.parse(pattern))


def prefix_literals(pattern: str, *, ascii: bool = False) -> set[str] | None:
    """Literals one of which every match of `pattern` starts with (after zero-width assertions), or None.

    With them a search need only try the positions where such a literal occurs: a long alternation of
    regulator names or drug words is then a few `match` calls instead of a regex try at every position.
    With `ascii` (the pattern is compiled with re.ASCII), \\d counts as the ten digits.
    """
    if _CASELESS.search(pattern):
        return None
    return _prefix(list(sre_parse.parse(pattern)), ascii)


_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)
_LONG_ENOUGH = 4  # a leading literal this long is selective enough
_MAX_TAILS = 16
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))


def _class_chars(av, ascii: bool) -> set[str] | None:
    """The characters a small, positive character class matches (None: negated, large or unknown)."""
    chars: set[str] = set()
    for op, value in av:
        if op is C.LITERAL:
            chars.add(chr(value))
        elif op is C.RANGE and value[1] - value[0] < _MAX_CLASS:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        elif op is C.CATEGORY and value is C.CATEGORY_DIGIT and ascii:
            chars.update("0123456789")
        else:
            return None
    return chars if 0 < len(chars) <= _MAX_CLASS else None


def _prefix(items, ascii: bool = False) -> set[str] | None:
    for n, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op is C.LITERAL:
            run = []
            for op2, av2 in items[n:]:
                if op2 is not C.LITERAL:
                    break
                run.append(chr(av2))
            lead = "".join(run)
            # Longer literals occur at fewer places: "n" + ("ot " | "ever ") -> "not ", "never ".
            tail = _prefix(items[n + len(run) :], ascii) if len(lead) < _LONG_ENOUGH else None
            return {lead + t for t in tail} if tail and len(tail) <= _MAX_TAILS else {lead}
        if op is C.SUBPATTERN:
            return _prefix(list(av[-1]), ascii)
        if op is C.BRANCH:
            out: set[str] = set()
            for alt in av[1]:
                sub = _prefix(list(alt), ascii)
                if not sub:
                    return None
                out |= sub
            return out
        if op is C.IN:
            return _class_chars(av, ascii)
        if op in _REPEATS:
            taken = _prefix(list(av[2]), ascii)  # None if the repeated part can itself match empty
            if av[0] >= 1 or not taken:
                return taken
            skipped = _prefix(items[n + 1 :], ascii)  # an optional part: or else what follows it
            return taken | skipped if skipped else None
        return None
    return None


def anchored_parts(pattern: str, *, ascii: bool = False) -> list[str] | None:
    """Split a pattern without prefix literals into parts whose alternation equals it, so that most parts
    have prefix literals; None when that is not possible (or brings nothing).

    `(?:A|B|C)R` matches exactly as `(?:A)R|(?:B)R|(?:C)R` in a backtracking engine (same tries, same
    order), so a leading group's alternatives can be split off, provided the group is not quantified.
    Runs of consecutive alternatives that all have (or all lack) prefix literals stay together:
    `(?:\\bfda\\b|...|(?:\\w+ )?government|...)R` becomes three parts, two of them searched only where
    their literals start. Used on rule items, whose alternation `alternation_matches` reproduces.
    """
    if prefix_literals(pattern, ascii=ascii) is not None or _GROUP_REFERENCE.search(pattern):
        return None  # (group numbers would change in the parts)
    split = _leading_alternatives(pattern)
    if split is None:
        return None
    alternatives, rest = split
    runs: list[tuple[bool, list[str]]] = []
    for alt in alternatives:
        anchored = prefix_literals(f"(?:{alt}){rest}", ascii=ascii) is not None
        if runs and runs[-1][0] == anchored:
            runs[-1][1].append(alt)
        else:
            runs.append((anchored, [alt]))
    if len(runs) < 2:
        return None
    parts = [f"(?:{'|'.join(alts)}){rest}" for _, alts in runs]
    try:
        for part in parts:
            re.compile(part, re.ASCII if ascii else 0)
    except re.error:
        return None
    return parts


_QUANTIFIERS = ("*", "+", "?", "{")
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")  # backreferences and conditionals


def _leading_alternatives(pattern: str) -> tuple[list[str], str] | None:
    """(alternatives, rest) of a pattern `(?:a|b|...)rest` whose group is not quantified, unwrapping
    groups that hold a single group; None for any other shape."""
    while pattern.startswith("(?:"):
        found = _group_end(pattern)
        if found is None:
            return None
        end, bars = found
        rest = pattern[end + 1 :]
        if rest.startswith(_QUANTIFIERS):
            return None
        if bars:
            cuts = [3, *(b + 1 for b in bars)]
            ends = [*bars, end]
            return [pattern[a:b] for a, b in zip(cuts, ends, strict=True)], rest
        inner = pattern[3:end]
        if not inner.startswith("(?:") or (_group_end(inner) or (0,))[0] != len(inner) - 1:
            return None
        pattern = inner + rest  # (?:(?:a|b))rest -> (?:a|b)rest
    return None


def _group_end(pattern: str) -> tuple[int, list[int]] | None:
    """For a pattern starting with a group: the index of its closing parenthesis and of the `|` at its top
    level (escapes and character classes skipped)."""
    depth, bars, j, n = 0, [], 0, len(pattern)
    while j < n:
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            j += 1
            if pattern[j : j + 1] == "^":
                j += 1
            if pattern[j : j + 1] == "]":  # a leading ] is literal
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            j += 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return j, bars
        elif ch == "|" and depth == 1:
            bars.append(j)
        j += 1
    return None


def _dnf(items) -> Requirement | None:
    outer: list[set[str]] = []
    branch = None
    run: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            outer.append({"".join(run)})
            run = []
        alternatives = _alternatives(op, av)
        if branch is None and alternatives is not None and _worth_expanding(alternatives):
            branch = alternatives
            continue
        found = _item(op, av)
        if found:
            outer.append(found)
    if run:
        outer.append({"".join(run)})
    if branch is None:
        return [_best(outer)] if outer else None
    out: Requirement = []
    for alt in branch:
        sub = _dnf(alt)
        if sub is None:
            if not outer:
                return None
            out.append(_best(outer))
        else:
            out.extend(_best(conj + outer) for conj in sub)
    if len(out) > _MAX_ALTERNATIVES:
        union = _item(C.BRANCH, (None, branch))
        merged = [union, *outer] if union else outer
        return [_best(merged)] if merged else None
    return out


def _alternatives(op, av):
    """The alternatives of a branch, also when wrapped in a group."""
    if op is C.BRANCH:
        return av[1]
    if op is C.SUBPATTERN and len(av[-1]) == 1 and av[-1][0][0] is C.BRANCH:
        return av[-1][0][1][1]
    return None


def _worth_expanding(alternatives) -> bool:
    """Expand an alternation only if some alternative needs two or more sets (else one union set is as good)."""
    subs = [_dnf(alt) for alt in alternatives]
    return any(sub is not None and any(len(conj) > 1 for conj in sub) for sub in subs)


_MIN_EXTRA = 4  # a second or third set must be selective: "in", "our" or "the" cost more than they save


def _best(sets: list[set[str]]) -> list[set[str]]:
    """The most selective distinct sets; short-literal sets only when nothing better is required."""
    unique: list[set[str]] = []
    for candidate in sorted(sets, key=_quality, reverse=True):
        if candidate not in unique and (not unique or _quality(candidate)[0] >= _MIN_EXTRA):
            unique.append(candidate)
    return unique[:_MAX_SETS]


def analyse_literals(pattern: str, *, ascii: bool = True) -> tuple[list[str] | None, list[str] | None]:
    """(prefix literals, required literals) of a pattern, as sorted lists (None where there are none)."""
    prefix, required = prefix_literals(pattern, ascii=ascii), required_literals(pattern)
    return (sorted(prefix) if prefix else None, sorted(required) if required else None)


def cached_literal_analysis(patterns: list[str], kind: str, *, ascii: bool = True) -> dict[str, tuple]:
    """`analyse_literals` for many patterns, cached per user like the rule analysis (every pattern is
    compiled on a miss, so a bad one fails at load time; only valid patterns are ever cached)."""
    from claimcheck.resources import cached_json

    def compute() -> dict[str, tuple]:
        found = {}
        for pattern in patterns:
            re.compile(pattern, re.ASCII if ascii else 0)  # raises re.error for the caller to report
            found[pattern] = analyse_literals(pattern, ascii=ascii)
        return found

    key = [str(ANALYSIS_VERSION), "ascii" if ascii else "unicode", *patterns]
    data = cached_json(f"literals-{kind}", key, compute, lambda d: isinstance(d, dict) and set(d) == set(patterns))
    return {p: tuple(v) for p, v in data.items()}


_EDGES = {C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_END, C.AT_END_STRING}


def has_anchor(pattern: str) -> bool:
    """Start/end anchors would make a match in a sentence differ from a match in its unit."""
    return _has_anchor(sre_parse.parse(pattern))


def _has_anchor(items) -> bool:
    for op, av in items:
        if op is C.AT and av in _EDGES:
            return True
        if op is C.SUBPATTERN and _has_anchor(av[-1]):
            return True
        if op is C.BRANCH and any(_has_anchor(alt) for alt in av[1]):
            return True
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and _has_anchor(av[2]):
            return True
        if op in (C.ASSERT, C.ASSERT_NOT) and _has_anchor(av[1]):
            return True
    return False


def unanchored(rules) -> list[str]:
    """Rule ids whose patterns yield no required literal (for rule authors)."""
    return [r.id for r in rules.rules if any(not rules.requirements(p.pattern) for p in r.patterns.values())]
