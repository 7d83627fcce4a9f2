"""Compile YAML rule packs into matchers and run them over sentences, yielding Hits.

A pack is data a moderator can read: each rule has an id, a category, a severity, patterns per language
(regular expressions over the normalized text, with {LEXICON} macros), optional exclusions, the facts it
contradicts, an explanation in English and Chinese, and examples that must and must not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from claimcheck.errors import RuleError
from claimcheck.model import CATEGORIES, SEVERITIES, Hit, Sentence
from claimcheck.resources import load_yaml, rules_dir

LANGS = ("en", "zh")
_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_MARK = re.compile(r"<m>(.*?)</m>", re.S)
# Patterns compile with re.ASCII: \b and \w then treat Chinese characters as non-word, so "fda批准" has
# a boundary after "fda". The text is already NFKC-folded, so full-width letters and digits are ASCII.
RESERVED_FILES = ("facts.yaml", "lexicon.yaml", "context.yaml", "categories.yaml")


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
    patterns: dict[str, re.Pattern[str]]
    exclude: dict[str, re.Pattern[str]]
    requires: tuple[str, ...]
    facts: tuple[str, ...]
    message_en: str
    message_zh: str
    confidence: float
    must_match: tuple[Example, ...]
    must_not_match: tuple[Example, ...]
    context_free: bool = False  # when true, negation/caution context does not apply (e.g. urgency)

    def finditer(self, sentence: Sentence) -> Iterator[re.Match[str]]:
        pattern = self.patterns.get(sentence.lang)
        if pattern is None:
            return
        excluded = self.exclude.get(sentence.lang)
        if excluded is not None and excluded.search(sentence.norm):
            return
        yield from pattern.finditer(sentence.norm)


class Lexicon:
    """Named term lists used as {NAME} macros in patterns and for page topics."""

    def __init__(self, terms: dict[str, list[str]]) -> None:
        self.terms = terms
        self._compiled: dict[str, re.Pattern[str]] = {}

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

    def pattern(self, name: str) -> re.Pattern[str]:
        compiled = self._compiled.get(name)
        if compiled is None:
            compiled = re.compile(self.expand("{" + name + "}", "lexicon"), re.ASCII)
            self._compiled[name] = compiled
        return compiled

    def has(self, name: str, text: str) -> bool:
        return _has_cached(self.pattern(name), text)


class RuleSet:
    """All rule packs, compiled once; `match` is pure and thread-safe."""

    def __init__(self, rules: list[Rule], lexicon: Lexicon) -> None:
        self.rules = rules
        self.lexicon = lexicon
        self.by_id = {r.id: r for r in rules}
        self._by_lang = {lang: [r for r in rules if lang in r.patterns] for lang in LANGS}

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
        return cls(rules, lexicon)

    @property
    def packs(self) -> list[str]:
        return sorted({r.pack for r in self.rules})

    def match(self, sentence: Sentence, candidates: set[str] | None = None) -> list[Hit]:
        """Hits of every rule (or only of the `candidates` a prefilter allows) in one sentence."""
        hits: list[Hit] = []
        for rule in self._by_lang.get(sentence.lang, ()):
            if candidates is not None and rule.id not in candidates:
                continue
            for m in rule.finditer(sentence):
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

    def literal_patterns(self) -> list[re.Pattern[str]]:
        """Every compiled pattern (used to build the prefilter)."""
        return [p for r in self.rules for p in r.patterns.values()]


def _read_yaml(path: Path) -> dict:
    try:
        data = load_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
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
    patterns = _compile_by_lang(entry.get("patterns"), lexicon, where, required=True)
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
    )


def _compile_by_lang(spec: object, lexicon: Lexicon, where: str, *, required: bool) -> dict[str, re.Pattern[str]]:
    if spec is None:
        if required:
            raise RuleError(f"{where}: patterns are required")
        return {}
    if not isinstance(spec, dict) or not set(spec) <= set(LANGS):
        raise RuleError(f"{where}: patterns/exclude must map languages {LANGS} to lists of regexes")
    out: dict[str, re.Pattern[str]] = {}
    for lang, items in spec.items():
        if not items:
            continue
        expanded = [lexicon.expand(str(p), where) for p in items]
        if any(_anchored(p) for p in expanded):
            raise RuleError(f"{where}: {lang} patterns may not use ^, $, \\A or \\Z (they are matched inside sentences)")
        try:
            out[lang] = re.compile("|".join(f"(?:{p})" for p in expanded), re.ASCII)
        except re.error as exc:
            raise RuleError(f"{where}: bad {lang} pattern: {exc}") from exc
    if required and not out:
        raise RuleError(f"{where}: at least one language needs patterns")
    return out


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


def _anchored(pattern: str) -> bool:
    from claimcheck.prefilter import has_anchor

    try:
        return has_anchor(pattern)
    except re.error:
        return False


@lru_cache(maxsize=65536)
def _has_cached(pattern: re.Pattern[str], text: str) -> bool:
    return pattern.search(text) is not None
