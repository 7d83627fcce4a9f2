"""Compile YAML rule packs into matchers and run them over sentences, yielding Hits.

A pack is data a moderator can read: each rule has an id, a category, a severity, patterns per language
(regular expressions over the normalized text, with {LEXICON} macros), optional exclusions, the facts it
contradicts, an explanation in English and Chinese, and examples that must and must not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from claimcheck.errors import RuleError
from claimcheck.model import CATEGORIES, SEVERITIES, Hit, Sentence
from claimcheck.resources import DataFileError, cached_json, load_yaml, rules_dir
from claimcheck.text import literals

LANGS = ("en", "zh")
_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_MARK = re.compile(r"<m>(.*?)</m>", re.S)
# Patterns compile with re.ASCII: \b and \w then treat Chinese characters as non-word, so "fda批准" has
# a boundary after "fda". The text is already NFKC-folded, so full-width letters and digits are ASCII.
RESERVED_FILES = ("facts.yaml", "lexicon.yaml", "context.yaml", "categories.yaml", "conditions.yaml", "jurisdictions.yaml")
FLAGS = re.ASCII


class LazyPattern:
    """A rule pattern compiled on first use. The prefilter means most patterns never run on a given text,
    and compiling all of them (about 77,000 characters of regex) is most of a cold start's rule cost."""

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str, compiled: re.Pattern[str] | None = None) -> None:
        self.pattern = pattern
        self._compiled = compiled

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, FLAGS)  # checked when the pack was loaded
        return self._compiled

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        return self.compiled.search(text, *args)

    def finditer(self, text: str, *args: int) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, *args)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern[:60]!r}...)"


@dataclass(frozen=True, slots=True)
class Example:
    """An embedded example: `text` without markers, the marked span, and optional page context."""

    text: str
    marked: tuple[int, int] | None
    page: str = ""
    note: str = ""

    @property
    def quote(self) -> str | None:
        return self.text[self.marked[0] : self.marked[1]] if self.marked else None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    pack: str
    category: str
    severity: str
    languages: tuple[str, ...]
    patterns: dict[str, LazyPattern]  # per language, all of the rule's patterns as one alternation
    exclude: dict[str, LazyPattern]
    requires: tuple[str, ...]
    facts: tuple[str, ...]
    message_en: str
    message_zh: str
    confidence: float
    must_match: tuple[Example, ...]
    must_not_match: tuple[Example, ...]
    context_free: bool = False  # when true, negation/caution context does not apply (e.g. urgency)
    # The alternatives, one by one (a YAML item, or the parts the prefilter analysis split it into).
    items: dict[str, tuple[LazyPattern, ...]] = field(default_factory=dict)

    def matches(self, sentence: Sentence, alternatives: Sequence[tuple[int, list[int] | None]] | None = None) -> list[re.Match[str]]:
        """Matches in a sentence; with `alternatives` (ascending (item index, possible match starts or None)
        pairs a prefilter found), only those items run, with exactly the matches the whole alternation gives.
        A list, not a generator: this is the hot path, one call per candidate rule and sentence."""
        lang, norm = sentence.lang, sentence.norm
        if alternatives is None:
            pattern = self.patterns.get(lang)
            found = list(pattern.finditer(norm)) if pattern is not None else []
        else:
            items = self.items[lang]
            found = alternation_matches([items[k] for k, _ in alternatives], norm, [at for _, at in alternatives])
        if found:
            excluded = self.exclude.get(lang)  # checked only once the rule matches: most never do
            if excluded is not None and excluded.search(norm):
                return []
        return found


def alternation_matches(
    patterns: Sequence[LazyPattern], text: str, starts: Sequence[list[int] | None] | None = None
) -> list[re.Match[str]]:
    """The matches `re.finditer` of `(?:p0)|(?:p1)|...` gives, computed from the parts: at each step the
    leftmost match wins, the earliest part on a tie (as the regex engine tries alternatives in order). Parts
    never match empty (each needs a literal), so the scan simply resumes at the end of the previous match.
    `starts` gives, per part, the only positions its matches can begin at (None: anywhere)."""
    from claimcheck.text.patterns import search_at

    starts = starts or [None] * len(patterns)
    if len(patterns) == 1:  # one part: its own matches (the common case, kept cheap)
        regex, at = patterns[0].compiled, starts[0]
        if at is None:
            return list(regex.finditer(text))
        found, end, match = [], 0, regex.match
        for start in at:
            if start >= end and (m := match(text, start)) is not None:
                found.append(m)
                end = m.end()
        return found
    out: list[re.Match[str]] = []
    found = [search_at(p, at, text) for p, at in zip(patterns, starts, strict=True)]
    while True:
        best = None
        for m in found:
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        if best is None:
            return out
        out.append(best)
        pos = best.end()
        for k, m in enumerate(found):
            if m is not None and m.start() < pos:
                found[k] = search_at(patterns[k], starts[k], text, pos)


class Lexicon:
    """Named term lists used as {NAME} macros in patterns and for page topics."""

    def __init__(self, terms: dict[str, list[str]]) -> None:
        self.terms = terms
        self._compiled: dict = {}
        # Keyed by (name, text): hashing a compiled pattern hashes its whole program, on every call.
        self._has = lru_cache(maxsize=4096)(self._has_uncached)

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        data = _read_yaml(path)
        terms = data.get("terms")
        if not isinstance(terms, dict):
            raise RuleError(f"{path}: expected a 'terms' mapping")
        return cls({str(k): [str(t) for t in v] for k, v in terms.items()})

    def expand(self, pattern: str, where: str) -> str:
        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in self.terms:
                raise RuleError(f"{where}: unknown lexicon macro {{{name}}}")
            return "(?:" + "|".join(self.terms[name]) + ")"

        return _MACRO.sub(sub, pattern)

    def pattern(self, name: str):
        """The term list `name` as one pattern (behind literal filters: see text/patterns.py, GatedPattern)."""
        compiled = self._compiled.get(name)
        if compiled is None:
            from claimcheck.text.patterns import GatedPattern

            compiled = GatedPattern(re.compile(self.expand("{" + name + "}", "lexicon"), re.ASCII))
            self._compiled[name] = compiled
        return compiled

    def has(self, name: str, text: str) -> bool:
        """Whether `text` holds a term of list `name` (cached, bounded: the page context and the decision ask
        about the same paragraphs and sentences)."""
        return self._has(name, text)

    def _has_uncached(self, name: str, text: str) -> bool:
        return self.pattern(name).search(text) is not None


class RuleSet:
    """All rule packs, compiled once; `match` is pure and thread-safe."""

    def __init__(self, rules: list[Rule], lexicon: Lexicon, analysis: dict[str, list | None] | None = None) -> None:
        self.rules = rules
        self.lexicon = lexicon
        self.by_id = {r.id: r for r in rules}
        self._rank = {r.id: n for n, r in enumerate(rules)}
        self._by_lang = {lang: [r for r in rules if lang in r.patterns] for lang in LANGS}
        self._literals = analysis if analysis is not None else _analyse(rules)
        for rule in rules:  # items split by the analysis (see literals.anchored_parts) become their parts
            for lang, group in rule.items.items():
                if any(self._literals.get("|" + item.pattern) for item in group):
                    rule.items[lang] = tuple(
                        part for item in group for part in ([LazyPattern(p) for p in self._literals.get("|" + item.pattern) or ()] or [item])
                    )

    def prefix(self, pattern: str) -> set[str] | None:
        """Literals every match of a rule pattern item starts with (see literals.prefix_literals)."""
        key = "^" + pattern
        if key not in self._literals:
            self._literals[key] = _prefix_of(pattern)
        found = self._literals[key]
        return set(found) if found else None

    def requirements(self, pattern: str):
        """The literal sets a match of a rule pattern needs, per alternative (see literals.requirements)."""
        if pattern not in self._literals:
            self._literals[pattern] = _requirements_of(pattern)
        found = self._literals[pattern]
        return [[set(lits) for lits in conj] for conj in found] if found is not None else None

    @classmethod
    def load(cls, folder: Path | None = None, packs: Iterable[str] | None = None) -> RuleSet:
        folder = folder or rules_dir()
        lexicon = Lexicon.load(folder / "lexicon.yaml")
        wanted = set(packs) if packs else None
        rules: list[Rule] = []
        for path in sorted(folder.glob("*.yaml")):
            if path.name in RESERVED_FILES or (wanted and path.stem not in wanted):
                continue
            rules.extend(_load_pack(path, lexicon))
        if wanted and not rules:
            raise RuleError(f"no rule pack named {sorted(wanted)} in {folder}")
        ids = [r.id for r in rules]
        if len(ids) != len(set(ids)):
            raise RuleError(f"duplicate rule ids: {sorted({i for i in ids if ids.count(i) > 1})}")
        return cls(rules, lexicon, _analyse(rules))

    @property
    def packs(self) -> list[str]:
        return sorted({r.pack for r in self.rules})

    def match(self, sentence: Sentence, candidates: dict[str, Sequence[tuple[int, list[int] | None]]] | None = None) -> list[Hit]:
        """Hits of every rule in one sentence, or only of the `candidates` a prefilter allows (rule id ->
        the alternatives of its pattern that can match)."""
        hits: list[Hit] = []
        if candidates is None:
            todo = [(rule, None) for rule in self._by_lang.get(sentence.lang, ())]
        else:  # in rule order, as without them
            rank, by_id = self._rank, self.by_id
            todo = [(by_id[rid], candidates[rid]) for rid in sorted(candidates, key=rank.__getitem__)]
        for rule, alternatives in todo:
            for m in rule.matches(sentence, alternatives):
                start, end = m.span()
                if end <= start:
                    continue
                hits.append(
                    Hit(
                        sentence=sentence.index,
                        rule_id=rule.id,
                        category=rule.category,
                        severity=rule.severity,
                        span=sentence.span_of(start, end),
                        trigger=m.group(0),
                        facts=rule.facts,
                        score=rule.confidence,
                    )
                )
        return hits



def _read_yaml(path: Path) -> dict:
    try:
        data = load_yaml(path)
    except (OSError, DataFileError) as exc:
        raise RuleError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleError(f"{path}: expected a mapping at the top level")
    return data


def _load_pack(path: Path, lexicon: Lexicon) -> list[Rule]:
    data = _read_yaml(path)
    entries = data.get("rules")
    if not isinstance(entries, list):
        raise RuleError(f"{path}: expected a 'rules' list")
    return [_compile_rule(entry, path.stem, lexicon, path) for entry in entries]


def _compile_rule(entry: dict, pack: str, lexicon: Lexicon, path: Path) -> Rule:
    rid = entry.get("id")
    where = f"{path.name}:{rid}"
    if not rid or not isinstance(entry, dict):
        raise RuleError(f"{path}: a rule lacks an id")
    category, severity = entry.get("category"), entry.get("severity")
    if category not in CATEGORIES:
        raise RuleError(f"{where}: category must be one of {CATEGORIES}")
    if severity not in SEVERITIES:
        raise RuleError(f"{where}: severity must be one of {SEVERITIES}")
    message = entry.get("message") or {}
    if not message.get("en") or not message.get("zh"):
        raise RuleError(f"{where}: message.en and message.zh are required")
    items: dict[str, tuple[LazyPattern, ...]] = {}
    patterns = _compile_by_lang(entry.get("patterns"), lexicon, where, required=True, parts=items)
    examples = entry.get("examples") or {}
    must = tuple(_example(e, where) for e in examples.get("match", []))
    must_not = tuple(_example(e, where) for e in examples.get("no_match", []))
    if not must or not must_not:
        raise RuleError(f"{where}: every rule needs at least one match and one no_match example")
    if any(e.marked is None for e in must):
        raise RuleError(f"{where}: every match example must mark the quoted words with <m>...</m>")
    return Rule(
        id=str(rid),
        pack=pack,
        category=category,
        severity=severity,
        languages=tuple(patterns),
        patterns=patterns,
        exclude=_compile_by_lang(entry.get("exclude"), lexicon, where, required=False),
        requires=tuple(entry.get("requires") or ()),
        facts=tuple(entry.get("facts") or ()),
        message_en=str(message["en"]).strip(),
        message_zh=str(message["zh"]).strip(),
        confidence=float(entry.get("confidence", 0.85)),
        must_match=must,
        must_not_match=must_not,
        context_free=bool(entry.get("context_free", False)),
        items=items,
    )


def _compile_by_lang(
    spec: object, lexicon: Lexicon, where: str, *, required: bool, parts: dict[str, tuple[LazyPattern, ...]] | None = None
) -> dict[str, LazyPattern]:
    """One alternation per language; checked (anchors, syntax) by `_analyse` once the pack is loaded."""
    if spec is None:
        if required:
            raise RuleError(f"{where}: patterns are required")
        return {}
    if not isinstance(spec, dict) or not set(spec) <= set(LANGS):
        raise RuleError(f"{where}: patterns/exclude must map languages {LANGS} to lists of regexes")
    out: dict[str, LazyPattern] = {}
    for lang, items in spec.items():
        if not items:
            continue
        expanded = [lexicon.expand(str(p), where) for p in items]
        out[lang] = LazyPattern("|".join(f"(?:{p})" for p in expanded))
        _WHERE.setdefault(out[lang].pattern, f"{where}: {lang}")
        if parts is not None:
            parts[lang] = tuple(LazyPattern(p) for p in expanded)
            for p in expanded:
                _WHERE.setdefault(p, f"{where}: {lang}")
    if required and not out:
        raise RuleError(f"{where}: at least one language needs patterns")
    return out


_WHERE: dict[str, str] = {}  # pattern -> "file:rule: lang", for error messages of the analysis step


def _analyse(rules: list[Rule]) -> dict[str, list | None]:
    """Check every pattern (syntax, no anchors) and find the literals the prefilter needs; split the rule
    items it could otherwise only search everywhere (key "|" + item: its parts, or None).

    Parsing 77,000 characters of regex takes about a second, so the result is cached per user, keyed by
    the exact pattern texts and the Python version (whose regex parser it depends on). Only patterns that
    compiled and passed the checks are ever cached.
    """
    item_patterns = sorted({p.pattern for r in rules for group in r.items.values() for p in group})
    patterns = sorted({p.pattern for r in rules for table in (r.patterns, r.exclude) for p in table.values()} | set(item_patterns))
    compiled: dict[str, re.Pattern[str]] = {}

    def compute() -> dict[str, list]:
        """Stored by position in `patterns` (the texts are the cache key already: not repeated as keys)."""
        reqs, prefixes, splits = [], [], []
        for pattern in patterns:
            where = _WHERE.get(pattern, "a rule")
            try:
                compiled[pattern] = re.compile(pattern, FLAGS)
                anchored = literals.has_anchor(pattern)
            except re.error as exc:
                raise RuleError(f"{where}: bad pattern: {exc}") from exc
            if anchored:
                raise RuleError(f"{where} patterns may not use ^, $, \\A or \\Z (they are matched inside sentences)")
            reqs.append(_requirements_of(pattern))
            prefixes.append(_prefix_of(pattern))
        for n, pattern in enumerate(patterns):
            parts = literals.anchored_parts(pattern, ascii=FLAGS == re.ASCII) if pattern in items else None
            for part in parts or ():
                compiled[part] = re.compile(part, FLAGS)
            if parts:
                splits.append([n, [[part, _requirements_of(part), _prefix_of(part)] for part in parts]])
        return {"requirements": reqs, "prefixes": prefixes, "parts": splits}

    items = set(item_patterns)
    data = cached_json(
        "rules", [str(literals.ANALYSIS_VERSION), *patterns], compute, lambda d: isinstance(d, dict) and len(d.get("prefixes", ())) == len(patterns)
    )
    found: dict[str, list | None] = {}
    for pattern, req, prefix in zip(patterns, data["requirements"], data["prefixes"], strict=True):
        found[pattern], found["^" + pattern] = req, prefix
    for pattern in item_patterns:
        found["|" + pattern] = None
    for n, parts in data["parts"]:
        found["|" + patterns[n]] = [part for part, _, _ in parts]
        for part, req, prefix in parts:
            found[part], found["^" + part] = req, prefix
    if compiled:  # a fresh analysis: keep the compiled forms we already paid for
        for r in rules:
            for p in [*r.patterns.values(), *r.exclude.values(), *(q for group in r.items.values() for q in group)]:
                p._compiled = compiled[p.pattern]
    return found


def _requirements_of(pattern: str) -> list | None:
    return _as_lists(literals.requirements(pattern))


def _prefix_of(pattern: str) -> list[str] | None:
    prefix = literals.prefix_literals(pattern, ascii=FLAGS == re.ASCII)
    return sorted(prefix) if prefix else None


def _as_lists(req) -> list | None:
    return [[sorted(lits) for lits in conj] for conj in req] if req else None


def _example(raw: object, where: str) -> Example:
    if isinstance(raw, str):
        raw = {"text": raw}
    if not isinstance(raw, dict) or "text" not in raw:
        raise RuleError(f"{where}: an example must be a string or a mapping with 'text'")
    text = str(raw["text"])
    m = _MARK.search(text)
    marked = None
    if m:
        plain = text[: m.start()] + m.group(1) + _MARK.sub(r"\1", text[m.end() :])
        marked = (m.start(), m.start() + len(m.group(1)))
        text = plain
    return Example(text=text, marked=marked, page=str(raw.get("page", "")), note=str(raw.get("note", "")))
