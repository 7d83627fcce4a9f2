"""Regular expressions behind literal filters: one pattern (GatedPattern) or many at once (PatternSet).

Both are exact: a filter only skips text or positions where, by the literal analysis of the pattern
(text/literals.py), no match can be. The rule prefilter (detect/prefilter.py), the context cues, the lexicon,
the conditions and the jurisdictions all use them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from claimcheck.text.literals import analyse_literals, cached_literal_analysis


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

    def anchored(self) -> GatedPattern:
        """The same pattern with the start-position filter on (for long texts); equal results."""
        return GatedPattern(self.regex, literals=self._literals, anchor=True)

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


class PatternSet:
    """Which of many patterns match a text, found with one scan of the text instead of one per pattern.

    One Aho-Corasick pass over every pattern's literals finds, for a pattern whose matches all start with
    one of its literals, the only places a match can start (the regex is then tried there alone), and for
    a pattern whose matches all hold one of its literals, whether any is present (then one regex search).
    Alternations of terms that start with \\b are slow for the regex engine to scan, and most text matches
    none of them. Results equal searching every pattern (tested).
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]], kind: str | None = None) -> None:
        """`kind` names a per-user cache of the literal analysis (a cold start saving), else none is used."""
        ascii = all(p.flags & re.ASCII for p in patterns)
        if kind is not None and all(bool(p.flags & re.ASCII) == ascii for p in patterns):
            analysis = cached_literal_analysis([p.pattern for p in patterns], kind, ascii=ascii)
        else:
            analysis = {p.pattern: analyse_literals(p.pattern, ascii=bool(p.flags & re.ASCII)) for p in patterns}
        self.patterns = list(patterns)
        self.always: list[int] = []  # patterns without literals: always searched
        entries: dict[str, list[tuple[int, int]]] = {}  # literal -> (pattern, its length less one, or -1)
        for i, p in enumerate(patterns):
            prefix, required = analysis[p.pattern]
            if p.flags & re.IGNORECASE:  # literals are exact: no filter for a case-blind pattern
                prefix = required = None
            if prefix:
                for lit in prefix:
                    entries.setdefault(lit, []).append((i, len(lit) - 1))
            elif required:
                for lit in required:
                    entries.setdefault(lit, []).append((i, -1))
            else:
                self.always.append(i)
        self._auto = None
        if entries:
            import ahocorasick

            self._auto = ahocorasick.Automaton()
            for lit, found in entries.items():
                self._auto.add_word(lit, tuple(found))
            self._auto.make_automaton()

    def matching(self, text: str) -> list[int]:
        """Indexes of the patterns with a match in `text`, ascending."""
        starts: dict[int, set[int]] = {}  # pattern -> where a match may start (None: search anywhere)
        present: set[int] = set(self.always)
        if self._auto is not None:
            for end, found in self._auto.iter(text):
                for i, back in found:
                    if back < 0:
                        present.add(i)
                    else:
                        starts.setdefault(i, set()).add(end - back)
        patterns, hits = self.patterns, []
        for i in sorted(present | starts.keys()):
            regex = patterns[i]
            if i in present:
                if regex.search(text) is not None:
                    hits.append(i)
            elif any(regex.match(text, at) is not None for at in sorted(starts[i])):
                hits.append(i)
        return hits


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
