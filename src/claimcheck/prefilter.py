"""A multi-pattern prefilter: only text units that contain a literal every match needs get full NLP.

Each rule pattern is parsed and reduced to a set of literals of which any match must contain one;
an Aho-Corasick automaton over all of them decides in one pass whether a unit can hold a claim. This is
exact by construction: a unit it rejects cannot produce a hit.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

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
_PREFIX_AS_SET = 64  # most (alternatives x prefix literals) for which the prefix set is also required
_FIND_AT_MOST = 12  # prefix literals of a pattern searched one by one with str.find (more: an automaton)
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
    their literals start. Used on rule items, whose alternation `alternation_finditer` reproduces.
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


class Prefilter:
    """Decides cheaply whether a unit of text can hold a rule hit, and which rules to try.

    Stage 1: one Aho-Corasick pass finds the literals present; a pattern is a candidate when, for one of
    its alternatives, every required literal set has a member among them. Stage 2: only candidate
    patterns run. Both stages are exact: a unit rejected here cannot produce a rule hit in any sentence.
    """

    def __init__(
        self,
        needs: dict[str, set[tuple[int, int, int]]],
        patterns: list,
        owners: list[tuple[str, str, int] | None],
        prefixes: list[set[str] | None] | None = None,
    ) -> None:
        import ahocorasick

        prefixes = prefixes or [None] * len(patterns)
        self.literals = sorted(needs)
        self.patterns = patterns
        self.owners = owners  # (rule id, language, item index) of each pattern (None for topic terms)
        # Each (pattern, alternative) pair owns a field of `width` bits in one big integer, a bit per
        # required set; bits of unused sets are preset. A literal's mask sets the bits of the sets it
        # belongs to, so after OR-ing the masks of the literals present, a pair holds exactly when all
        # bits of its field are set, which a few shifts test for every pair at once. One such integer per
        # language of the patterns (None: topic terms), so a sentence looks only at its own language's.
        literal_id = {lit: n for n, lit in enumerate(self.literals)}
        langs = [owner[1] if owner is not None else None for owner in owners]
        by_lang: dict[str | None, dict[str, set[tuple[int, int, int]]]] = {}
        for lit, found in needs.items():
            for slot in found:
                by_lang.setdefault(langs[slot[0]], {}).setdefault(lit, set()).add(slot)
        self._spaces = {lang: _Space(lang_needs, literal_id) for lang, lang_needs in by_lang.items()}
        self._auto = ahocorasick.Automaton()
        for lit, n in literal_id.items():
            self._auto.add_word(lit, n)
        self._auto.make_automaton()
        # Per pattern, its prefix literals (found with str.find; when there are many, with an automaton of
        # them built on first use).
        self._prefix_words = [tuple(sorted(lits)) if lits else None for lits in prefixes]
        self._prefix_autos: dict[int, object] = {}
        self._anchored = frozenset(i for i, words in enumerate(self._prefix_words) if words is not None)
        self._size = [len(getattr(p, "pattern", "")) for p in patterns]  # a rough cost of trying a pattern
        rank: dict[str, int] = {}
        for owner in owners:
            if owner is not None:
                rank.setdefault(owner[0], len(rank))
        self._order = [(rank[owner[0]] << 16) + owner[2] if owner is not None else -1 for owner in owners]
        self.keep = lru_cache(maxsize=16384)(self._keep)  # pages repeat boilerplate lines

    @classmethod
    def from_rules(cls, rules, topics: tuple[str, ...] = ()) -> Prefilter | None:
        """None when some pattern has no required literal (then everything must be analysed).

        Each alternative of a rule's pattern (one YAML list item) is filtered on its own, so a sentence
        runs only the few items whose literals it holds rather than the rule's whole alternation.
        """
        patterns: list = []
        owners: list[tuple[str, str, int] | None] = []
        reqs: list[Requirement | None] = []
        for rule in rules.rules:
            for lang, group in rule.items.items():
                for k, item in enumerate(group):
                    patterns.append(item)
                    owners.append((rule.id, lang, k))
                    reqs.append(rules.requirements(item.pattern))  # cached analysis; no anchors in rules
        for topic in topics:
            patterns.append(rules.lexicon.pattern(topic))
            owners.append(None)
            reqs.append(requirements(patterns[-1].pattern))
        prefixes = [rules.prefix(p.pattern) if o is not None else None for p, o in zip(patterns, owners, strict=True)]
        # A match starts with a prefix literal, so it contains one: one more required set, which drops the
        # items that could only be tried at no position from the candidates altogether.
        # (Not for items with many alternatives and many prefix literals: every pair would carry them all,
        # a cold-start cost of building the prefilter for little gain.)
        reqs = [
            [conj if prefix in conj else [*conj, prefix] for conj in req] if req and prefix and len(req) * len(prefix) <= _PREFIX_AS_SET else req
            for req, prefix in zip(reqs, prefixes, strict=True)
        ]
        return cls.build(reqs, patterns, owners, prefixes)

    @classmethod
    def build(
        cls,
        reqs: list[Requirement | None],
        patterns: list,
        owners: list[tuple[str, str, int] | None],
        prefixes: list[set[str] | None] | None = None,
    ) -> Prefilter | None:
        needs: dict[str, set[tuple[int, int, int]]] = {}
        for i, req in enumerate(reqs):
            if not req:
                return None
            for a, conj in enumerate(req):
                for k, lits in enumerate(conj):
                    for lit in lits:
                        needs.setdefault(lit, set()).add((i, a, k))
        return cls(needs, patterns, owners, prefixes)

    def scan(self, text: str, langs: tuple[str | None, ...] | None = None) -> tuple[set[int], _Starts]:
        """The candidate patterns (of `langs`, None standing for topic terms; default all), and (computed on
        request, per pattern) for those whose matches all start with a known literal, the ascending
        positions where such a literal starts (the only places a match can begin)."""
        present = {n for _, n in self._auto.iter(text)}
        chosen: set[int] = set()
        if present:
            spaces = self._spaces
            for lang in spaces if langs is None else langs:
                space = spaces.get(lang)
                if space is not None:
                    space.holding(present, chosen)
        return chosen, _Starts(self, text)

    def candidates(self, text: str) -> set[int]:
        """Indexes of the patterns for which one alternative has all its literal sets present in `text`."""
        return self.scan(text)[0]

    def _keep(self, text: str, lang: str | None = None) -> bool:
        """Whether some rule pattern (of language `lang`, if given) matches `text`."""
        chosen, at = self.scan(text, None if lang is None else (lang, None))
        # Anchored patterns first, shortest first: they cost a few `match` calls, so `any` usually stops
        # early and cheaply.
        anchored = sorted(chosen & self._anchored, key=self._size.__getitem__)
        patterns = self.patterns
        return any(search_at(patterns[i], at.get(i), text) is not None for i in (*anchored, *(chosen.difference(anchored))))

    def candidate_rules(self, text: str, lang: str) -> dict[str, list[tuple[int, list[int] | None]]]:
        """Rules whose `lang` patterns could match `text` (a superset of those that do), in rule order, each
        with its candidate items in ascending order: (item index, the positions a match can start at, or None)."""
        chosen, at = self.scan(text, (lang,))
        owners = self.owners
        found: dict[str, list[tuple[int, list[int] | None]]] = {}
        for i in sorted(chosen, key=self._order.__getitem__):
            owner = owners[i]
            items = found.get(owner[0])
            if items is None:
                found[owner[0]] = [(owner[2], at.get(i))]
            else:
                items.append((owner[2], at.get(i)))
        return found


class _Space:
    """The (pattern, alternative) pairs of one language as bit fields of one integer (see Prefilter)."""

    __slots__ = ("width", "fill", "low", "masks", "pattern_at")

    def __init__(self, needs: dict[str, set[tuple[int, int, int]]], literal_id: dict[str, int]) -> None:
        pairs = sorted({slot[:2] for found in needs.values() for slot in found})
        pair_id = {pair: n for n, pair in enumerate(pairs)}
        width = 1 + max((slot[2] for found in needs.values() for slot in found), default=0)
        sets_of: dict[tuple[int, int], set[int]] = {}
        for found in needs.values():
            for i, a, k in found:
                sets_of.setdefault((i, a), set()).add(k)
        self.width = width
        self.fill = sum(1 << (pair_id[pair] * width + k) for pair, ks in sets_of.items() for k in range(width) if k not in ks)
        self.low = sum(1 << (n * width) for n in range(len(pairs)))
        self.pattern_at = {n * width: pair[0] for n, pair in enumerate(pairs)}  # field start -> pattern
        self.masks = [0] * len(literal_id)  # literal number -> the bits of the sets it belongs to
        for lit, found in needs.items():
            self.masks[literal_id[lit]] = sum({1 << (pair_id[(i, a)] * width + k) for i, a, k in found})

    def holding(self, present: set[int], chosen: set[int]) -> None:
        """Add to `chosen` the patterns with a pair all of whose sets have a literal in `present`."""
        found, masks = self.fill, self.masks
        for n in present:
            found |= masks[n]
        held = found
        for k in range(1, self.width):
            held &= found >> k
        held &= self.low
        if held:
            bits = bin(held)[:1:-1]  # bit n at index n
            at, find = self.pattern_at, bits.find
            pos = find("1")
            while pos >= 0:
                chosen.add(at[pos])
                pos = find("1", pos + 1)


class _Starts:
    """Where each anchored pattern's matches may start in one text; `get(i)` is None for other patterns."""

    __slots__ = ("_words", "_autos", "_text", "_done")  # see Prefilter._prefix_words

    def __init__(self, prefilter: Prefilter, text: str) -> None:
        self._words, self._autos, self._text = prefilter._prefix_words, prefilter._prefix_autos, text
        self._done: dict[int, list[int]] = {}

    def __contains__(self, i: int) -> bool:
        return self._words[i] is not None

    def get(self, i: int) -> list[int] | None:
        """Ascending positions where one of pattern i's prefix literals starts. (str.find, in C, beats a
        pass of an automaton over all prefix literals: single digits and letters made that pass costly.)"""
        words = self._words[i]
        if words is None:
            return None
        starts = self._done.get(i)
        if starts is None:
            text = self._text
            if len(words) <= _FIND_AT_MOST:
                starts = []
                for word in words:
                    at = text.find(word)
                    while at >= 0:
                        starts.append(at)
                        at = text.find(word, at + 1)
                if len(words) > 1:
                    starts = sorted(set(starts))
            else:  # many literals: the pattern's own automaton
                auto = self._autos.get(i)
                if auto is None:
                    auto = self._autos.setdefault(i, _automaton(words))
                starts = sorted({end - back for end, back in auto.iter(text)})
            self._done[i] = starts
        return starts


def search_at(pattern, starts: list[int] | None, text: str, pos: int = 0):
    """`pattern.search(text, pos)`, trying only `starts` (ascending) when every match begins at one."""
    regex = getattr(pattern, "compiled", pattern)  # a rule's LazyPattern, or any compiled pattern
    if starts is None:
        return regex.search(text, pos)
    match = regex.match
    for start in starts[bisect_left(starts, pos) :]:
        m = match(text, start)
        if m is not None:
            return m
    return None


class GatedPattern:
    """A regex behind exact literal filters, for long alternations of cue or lexicon terms that each start
    with \\b: the regex engine can only try those position by position (up to 0.1 ms per search).

    When every match starts with one of a set of literals, one Aho-Corasick pass finds where those occur
    and the regex is tried there only; otherwise, when every match contains one of a set of literals, a
    text without any of them is rejected at once. Results equal the plain regex's (tested). The regex and
    the automata are built on first use.
    """

    __slots__ = ("pattern", "_flags", "_regex", "_literals", "_starts", "_gate", "_anchor")

    def __init__(
        self, pattern: str | re.Pattern[str], flags: int = re.ASCII, literals: tuple | None = None, *, anchor: bool = True
    ) -> None:
        """`anchor=False` uses only the reject-if-absent gate (better for short texts with common words)."""
        self._anchor = anchor
        if isinstance(pattern, re.Pattern):
            self._regex: re.Pattern[str] | None = pattern
            self.pattern, self._flags = pattern.pattern, pattern.flags
        else:
            self._regex, self.pattern, self._flags = None, pattern, flags
        self._literals = literals  # (prefix literals, required literals), each a list or None
        self._starts = self._gate = None

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(self.pattern, self._flags)
        return self._regex

    def _filters(self) -> None:
        if self._literals is None:
            self._literals = analyse_literals(self.pattern, ascii=bool(self._flags & re.ASCII))
        prefix, required = self._literals
        if self._flags & re.IGNORECASE:  # literals are exact: no filter for a case-blind pattern
            prefix = required = None
        if not self._anchor:
            prefix = None
        self._starts = _automaton(prefix) if prefix else False
        self._gate = _automaton(required) if required and not prefix else False

    def _positions(self, text: str, pos: int, end: int) -> list[int]:
        """Ascending positions in [pos, end) where a match may start."""
        return sorted({stop - back for stop, back in self._starts.iter(text, pos, end)})

    def _open(self, text: str, pos: int, end: int) -> bool:
        """Whether [pos, end) holds a required literal (always, without a gate)."""
        if self._gate:
            for _ in self._gate.iter(text, pos, end):
                return True
            return False
        return True

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        if self._starts is None:
            self._filters()
        regex = self._regex or self.regex
        end = len(text) if endpos is None else endpos
        if self._starts:
            for start in self._positions(text, pos, end):
                m = regex.match(text, start, end)
                if m is not None:
                    return m
            return None
        return regex.search(text, pos, end) if self._open(text, pos, end) else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        if self._starts is None:
            self._filters()
        regex = self._regex or self.regex
        end = len(text) if endpos is None else endpos
        if self._starts:
            return self._from(self._positions(text, pos, end), text, end)
        return regex.finditer(text, pos, end) if self._open(text, pos, end) else iter(())

    def _from(self, starts: list[int], text: str, end: int) -> Iterator[re.Match[str]]:
        last = -1
        for start in starts:
            if start < last:
                continue
            m = self.regex.match(text, start, end)
            if m is not None:
                yield m
                last = m.end()

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.regex.match(text, pos)


def analyse_literals(pattern: str, *, ascii: bool = True) -> tuple[list[str] | None, list[str] | None]:
    """(prefix literals, required literals) of a pattern, as sorted lists (None where there are none)."""
    prefix, required = prefix_literals(pattern, ascii=ascii), required_literals(pattern)
    return (sorted(prefix) if prefix else None, sorted(required) if required else None)


def cached_literal_analysis(patterns: list[str], kind: str) -> dict[str, tuple]:
    """`analyse_literals` for many patterns, cached per user like the rule analysis (every pattern is
    compiled on a miss, so a bad one fails at load time; only valid patterns are ever cached)."""
    from claimcheck.resources import cached_json

    def compute() -> dict[str, tuple]:
        found = {}
        for pattern in patterns:
            re.compile(pattern, re.ASCII)  # raises re.error for the caller to report
            found[pattern] = analyse_literals(pattern)
        return found

    data = cached_json(f"literals-{kind}", [str(ANALYSIS_VERSION), *patterns], compute, lambda d: isinstance(d, dict) and set(d) == set(patterns))
    return {p: tuple(v) for p, v in data.items()}


def _automaton(literals) -> object | None:
    """An Aho-Corasick automaton whose values are each literal's length less one (None without literals)."""
    if not literals:
        return None
    import ahocorasick

    auto = ahocorasick.Automaton()
    for lit in literals:
        auto.add_word(lit, len(lit) - 1)
    auto.make_automaton()
    return auto


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
