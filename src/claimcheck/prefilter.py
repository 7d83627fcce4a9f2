"""A multi-pattern prefilter: only text units that contain a literal every match needs get full NLP.

Each rule pattern is parsed and reduced to a set of literals of which any match must contain one;
an Aho-Corasick automaton over all of them decides in one pass whether a unit can hold a claim. This is
exact by construction: a unit it rejects cannot produce a hit.
"""

from __future__ import annotations

from functools import lru_cache

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_MAX_CLASS = 12


def required_literals(pattern: str) -> set[str] | None:
    """Literals of which every match of `pattern` contains at least one; None if there is no such set."""
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
    return _dnf(sre_parse.parse(pattern))


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


def _best(sets: list[set[str]]) -> list[set[str]]:
    """The most selective distinct sets; one-character sets only when nothing better is required."""
    unique: list[set[str]] = []
    for candidate in sorted(sets, key=_quality, reverse=True):
        if candidate not in unique and (not unique or _quality(candidate)[0] > 1):
            unique.append(candidate)
    return unique[:_MAX_SETS]


class Prefilter:
    """Decides cheaply whether a unit of text can hold a rule hit, and which rules to try.

    Stage 1: one Aho-Corasick pass finds the literals present; a pattern is a candidate when, for one of
    its alternatives, every required literal set has a member among them. Stage 2: only candidate
    patterns run. Both stages are exact: a unit rejected here cannot produce a rule hit in any sentence.
    """

    def __init__(self, needs: dict[str, set[tuple[int, int, int]]], patterns: list, owners: list[tuple[str, str, int] | None]) -> None:
        import ahocorasick

        self.literals = sorted(needs)
        self.patterns = patterns
        self.owners = owners  # (rule id, language, item index) of each pattern (None for topic terms)
        # Number every required set (pattern, alternative, set) and every (pattern, alternative) pair.
        slots = sorted({slot for found in needs.values() for slot in found})
        slot_id = {slot: n for n, slot in enumerate(slots)}
        pairs = sorted({slot[:2] for slot in slots})
        pair_id = {pair: n for n, pair in enumerate(pairs)}
        self._pair_of = [pair_id[slot[:2]] for slot in slots]
        self._pattern_of = [pair[0] for pair in pairs]
        need: list[set[int]] = [set() for _ in pairs]
        for slot, n in slot_id.items():
            need[pair_id[slot[:2]]].add(n)
        self._need = [frozenset(x) for x in need]
        self._auto = ahocorasick.Automaton()
        for lit, found in needs.items():
            self._auto.add_word(lit, frozenset(slot_id[slot] for slot in found))
        self._auto.make_automaton()
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
        return cls.build(reqs, patterns, owners)

    @classmethod
    def build(cls, reqs: list[Requirement | None], patterns: list, owners: list[tuple[str, str, int] | None]) -> Prefilter | None:
        needs: dict[str, set[tuple[int, int, int]]] = {}
        for i, req in enumerate(reqs):
            if not req:
                return None
            for a, conj in enumerate(req):
                for k, lits in enumerate(conj):
                    for lit in lits:
                        needs.setdefault(lit, set()).add((i, a, k))
        return cls(needs, patterns, owners)

    def candidates(self, text: str) -> set[int]:
        """Indexes of the patterns for which one alternative has all its literal sets present in `text`."""
        values = [ids for _, ids in self._auto.iter(text)]
        if not values:
            return set()
        found = frozenset().union(*values)
        need, pattern_of, pair_of = self._need, self._pattern_of, self._pair_of
        return {pattern_of[p] for p in {pair_of[x] for x in found} if need[p] <= found}

    def _keep(self, text: str) -> bool:
        """Whether some rule pattern matches `text`."""
        return any(self.patterns[i].search(text) for i in self.candidates(text))

    def candidate_rules(self, text: str, lang: str) -> dict[str, tuple[int, ...]]:
        """Rules whose `lang` patterns could match `text` (a superset of those that do), each with the
        ascending indexes of the pattern items that could."""
        found: dict[str, list[int]] = {}
        for i in self.candidates(text):
            owner = self.owners[i]
            if owner is not None and owner[1] == lang:
                found.setdefault(owner[0], []).append(owner[2])
        return {rule: tuple(sorted(items)) for rule, items in found.items()}


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
