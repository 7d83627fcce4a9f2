"""A multi-pattern prefilter: which rules (and which of their items) can match a sentence.

Each rule pattern is parsed and reduced to sets of literals that any match must contain; an Aho-Corasick
automaton over all of them decides in one pass which items can match, and from where. This is exact by
construction: an item it skips cannot produce a hit. It decides which rules run, never which sentences the
classifier reads.
"""

from __future__ import annotations

from claimcheck.text.literals import Requirement, requirements
from claimcheck.text.patterns import _automaton, search_at

_PREFIX_AS_SET = 64  # most (alternatives x prefix literals) for which the prefix set is also required
_FIND_AT_MOST = 12  # prefix literals of a pattern searched one by one with str.find (more: an automaton)


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
        rank: dict[str, int] = {}
        for owner in owners:
            if owner is not None:
                rank.setdefault(owner[0], len(rank))
        self._order = [(rank[owner[0]] << 16) + owner[2] if owner is not None else -1 for owner in owners]

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

    def keep(self, text: str, lang: str | None = None) -> bool:
        """Whether some rule pattern (of language `lang`, if given) matches `text`."""
        chosen, at = self.scan(text, None if lang is None else (lang, None))
        # Anchored patterns first: they cost a few `match` calls, so `any` usually stops early and cheaply.
        anchored = chosen & self._anchored
        patterns = self.patterns
        return any(search_at(patterns[i], at.get(i), text) is not None for i in (*anchored, *(chosen - anchored)))

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
