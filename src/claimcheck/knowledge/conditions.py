"""Conditions clinics sell regenerative treatments for: per condition a lexicon, a name in both Chinese
scripts, an approval status and the facts a claim about it contradicts (rules/conditions.yaml).

A finding names its condition: the one its sentence mentions, else the page's most mentioned one, else
`general`. Stroke stays the deepest pack (its facts live in rules/facts.yaml).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from claimcheck.errors import RuleError
from claimcheck.resources import DataFileError, load_yaml, rules_dir

GENERAL = "general"
STATUSES = ("unapproved", "some_approved", "approved")


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition: names for people, how to recognise it, what is approved and which facts apply."""

    id: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    status: str
    facts: tuple[str, ...]
    approved_uses: tuple[str, ...]
    pattern_en: re.Pattern[str] | None
    pattern_zh: re.Pattern[str] | None

    def name(self, lang: str, script: str = "") -> str:
        if lang == "zh":
            return self.name_zh_hant if script == "Hant" else self.name_zh_hans
        return self.name_en

    def mentioned(self, norm: str, lang: str) -> bool:
        pattern = self.pattern_zh if lang == "zh" else self.pattern_en
        return pattern is not None and pattern.search(norm) is not None


class _Finder:
    """The conditions a text mentions, for one language (see PatternSet: most text names none)."""

    def __init__(self, conditions: tuple[Condition, ...], lang: str) -> None:
        from claimcheck.text.patterns import PatternSet

        own = [(c.id, c.pattern_zh if lang == "zh" else c.pattern_en) for c in conditions]
        own = [(cid, p) for cid, p in own if p is not None]
        self.ids = [cid for cid, _ in own]
        self.patterns = PatternSet([p for _, p in own], kind=f"conditions-{lang}")

    def __call__(self, norm: str) -> tuple[str, ...]:
        ids = self.ids
        return tuple(ids[i] for i in self.patterns.matching(norm))


class Conditions:
    """All conditions, in file order (the more specific first); `of_text` finds what a text is about."""

    def __init__(self, conditions: Iterable[Condition], facts: list[dict] | None = None) -> None:
        self.all = tuple(conditions)
        self.by_id = {c.id: c for c in self.all}
        self.fact_entries = list(facts or [])
        self._finders = {lang: _Finder(self.all, lang) for lang in ("en", "zh")}
        self._of_text = lru_cache(maxsize=4096)(self._of_text_uncached)

    @classmethod
    def load(cls, path: Path | None = None) -> Conditions:
        path = path or rules_dir() / "conditions.yaml"
        try:
            data = load_yaml(path)
        except (OSError, DataFileError) as exc:
            raise RuleError(f"cannot read conditions file {path}: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("conditions"), list):
            raise RuleError(f"{path}: expected a mapping with a 'conditions' list")
        conditions = [_parse(entry, path) for entry in data["conditions"]]
        ids = [c.id for c in conditions]
        if len(ids) != len(set(ids)):
            raise RuleError(f"{path}: duplicate condition ids")
        return cls(conditions, data.get("facts") or [])

    def get(self, cid: str) -> Condition | None:
        return self.by_id.get(cid)

    def of_text(self, norm: str, lang: str) -> tuple[str, ...]:
        """Ids of the conditions a normalized text mentions, in file order."""
        return self._of_text(norm, lang)

    def _of_text_uncached(self, norm: str, lang: str) -> tuple[str, ...]:
        return self._finders["zh" if lang == "zh" else "en"](norm)

    def of_page(self, units: Iterable[tuple[str, str]]) -> str | None:
        """The condition a page mentions most (over its units), or None."""
        counts: Counter[str] = Counter()
        for norm, lang in units:
            counts.update(self.of_text(norm, lang))
        counts.pop(GENERAL, None)
        return counts.most_common(1)[0][0] if counts else None


def _parse(entry: object, path: Path) -> Condition:
    if not isinstance(entry, dict) or "id" not in entry:
        raise RuleError(f"{path}: every condition must be a mapping with an id")
    cid = str(entry["id"])
    try:
        name = entry["name"]
        terms = entry.get("terms") or {}
        status = entry.get("status", "unapproved")
        if status not in STATUSES:
            raise RuleError(f"{path}: condition {cid} has status {status!r}, not one of {STATUSES}")
        return Condition(
            id=cid,
            name_en=str(name["en"]),
            name_zh_hans=str(name["zh_hans"]),
            name_zh_hant=str(name.get("zh_hant") or name["zh_hans"]),
            status=status,
            facts=tuple(entry.get("facts") or ()),
            approved_uses=tuple(entry.get("approved_uses") or ()),
            pattern_en=_compile(terms.get("en"), cid, path),
            pattern_zh=_compile(terms.get("zh"), cid, path),
        )
    except (KeyError, TypeError) as exc:
        raise RuleError(f"{path}: condition {cid} is malformed: {exc}") from exc


def _compile(terms: list[str] | None, cid: str, path: Path) -> re.Pattern[str] | None:
    if not terms:
        return None
    try:
        return re.compile("|".join(f"(?:{t})" for t in terms))
    except re.error as exc:
        raise RuleError(f"{path}: condition {cid} has a bad term pattern: {exc}") from exc
