"""Which advertising law an explanation may cite: the jurisdiction a page's own evidence points to
(rules/jurisdictions.yaml), never its script. Without evidence, explanations stay regulator-neutral."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from claimcheck.errors import RuleError
from claimcheck.resources import DataFileError, load_yaml, rules_dir
from claimcheck.text.patterns import PatternSet

MAINLAND = "CN"


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    id: str
    name_en: str
    name_zh: str
    evidence: tuple[re.Pattern[str], ...]  # kinds of evidence (places, regulators, laws, currency, phones)
    law_facts: tuple[str, ...]
    note_en: str
    note_zh: str


class Jurisdictions:
    """The jurisdictions, their evidence and law facts, and the markers of a mainland-law sentence."""

    def __init__(self, items: Iterable[Jurisdiction], cn_law_markers: Iterable[str] = (), min_evidence: int = 2) -> None:
        self.all = tuple(items)
        self.by_id = {j.id: j for j in self.all}
        self.min_evidence = min_evidence
        markers = [m for m in cn_law_markers if m]
        self._cn_law = re.compile("|".join(re.escape(m) for m in markers)) if markers else None
        self._of_text = lru_cache(maxsize=4096)(self._of_text_uncached)
        self._evidence: PatternSet | None = None  # built on first use (its literal analysis takes a moment)
        self._owner = [j.id for j in self.all for _ in j.evidence]

    @classmethod
    def load(cls, path: Path | None = None) -> Jurisdictions:
        path = path or rules_dir() / "jurisdictions.yaml"
        try:
            data = load_yaml(path)
            items = [
                Jurisdiction(
                    id=str(j["id"]),
                    name_en=str(j["name"]["en"]),
                    name_zh=str(j["name"]["zh"]),
                    evidence=tuple(re.compile(e, re.ASCII) for e in j["evidence"]),  # as rule patterns: \b is ASCII-only
                    law_facts=tuple(j.get("law_facts") or ()),
                    note_en=str(j["law_note"]["en"]),
                    note_zh=str(j["law_note"]["zh"]),
                )
                for j in data["jurisdictions"]
            ]
            return cls(items, data.get("cn_law_markers") or (), int(data.get("min_evidence", 2)))
        except (OSError, DataFileError, KeyError, TypeError, ValueError, re.error) as exc:
            raise RuleError(f"invalid jurisdictions file {path}: {exc}") from exc

    def _of_text_uncached(self, norm: str) -> tuple[tuple[str, int], ...]:
        """(jurisdiction, kinds of its evidence in `norm`) for each jurisdiction with some, in file order."""
        if self._evidence is None:
            self._evidence = PatternSet([e for j in self.all for e in j.evidence], kind="jurisdictions")
        counts = Counter(self._owner[i] for i in self._evidence.matching(norm))
        return tuple((j.id, counts[j.id]) for j in self.all if counts[j.id])

    def of_page(self, units: Iterable[tuple[str, str]]) -> str | None:
        """The jurisdiction with the most pieces of evidence (kinds of evidence, counted once per unit), if
        it has at least `min_evidence` and no other ties it."""
        counts: Counter[str] = Counter()
        for norm, _lang in units:
            for jid, n in self._of_text(norm):
                counts[jid] += n
        ranked = counts.most_common(2)
        if not ranked or ranked[0][1] < self.min_evidence or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        return ranked[0][0]

    def cites_mainland_law(self, sentence: str) -> bool:
        """Whether an explanation sentence (Simplified Chinese) cites mainland China's law."""
        return self._cn_law is not None and self._cn_law.search(sentence) is not None

    def mainland_law_facts(self) -> frozenset[str]:
        j = self.by_id.get(MAINLAND)
        return frozenset(j.law_facts) if j else frozenset()
