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


class Prefilter:
    """Decides cheaply whether a unit of text can hold a rule hit or is about our topic.

    Stage 1: one Aho-Corasick pass finds the literals present; each literal points at the patterns
    that need it. Stage 2: only those candidate patterns run. Both stages are exact: a unit rejected
    here cannot produce a rule hit in any of its sentences.
    """

    def __init__(self, needs: dict[str, set[int]], patterns: list, owners: list[str | None]) -> None:
        import ahocorasick

        self.literals = sorted(needs)
        self.patterns = patterns
        self.owners = owners  # rule id owning each pattern (None for topic terms)
        self._auto = ahocorasick.Automaton()
        for lit, ids in needs.items():
            self._auto.add_word(lit, frozenset(ids))
        self._auto.make_automaton()
        self.keep = lru_cache(maxsize=16384)(self._keep)  # pages repeat boilerplate lines

    @classmethod
    def from_rules(cls, rules, topics: tuple[str, ...] = ()) -> Prefilter | None:
        """None when some pattern has no required literal (then everything must be analysed)."""
        patterns: list = []
        owners: list[str | None] = []
        for rule in rules.rules:
            for pattern in rule.patterns.values():
                patterns.append(pattern)
                owners.append(rule.id)
        for topic in topics:
            patterns.append(rules.lexicon.pattern(topic))
            owners.append(None)
        needs: dict[str, set[int]] = {}
        for i, pattern in enumerate(patterns):
            req = rules.required_literals(pattern.pattern)  # cached analysis; rule patterns have no anchors
            if not req:
                return None
            for lit in req:
                needs.setdefault(lit, set()).add(i)
        return cls(needs, patterns, owners)

    def candidates(self, text: str) -> set[int]:
        """Indexes of the patterns whose required literals occur in `text`."""
        found: set[int] = set()
        for _, ids in self._auto.iter(text):
            found |= ids
        return found

    def _keep(self, text: str) -> bool:
        """Whether some rule pattern matches `text`."""
        return any(self.patterns[i].search(text) for i in self.candidates(text))

    def candidate_rules(self, text: str) -> set[str]:
        """Ids of the rules that could match `text` (a superset of those that do)."""
        return {owner for i in self.candidates(text) if (owner := self.owners[i]) is not None}


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
    return [r.id for r in rules.rules if any(not rules.required_literals(p.pattern) for p in r.patterns.values())]
