"""Plain, frozen data objects passed between the stages (layer 0: imports nothing from the package)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any

SCHEMA_VERSION = "1.0"

CATEGORIES: tuple[str, ...] = (
    "approval_claim",
    "trial_as_approval",
    "cure_claim",
    "efficacy_guarantee",
    "success_rate",
    "safety_absolute",
    "testimonial",
    "panacea",
    "paid_trial",
    "price_tourism",
    "urgency",
)
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
NO_LOCATION: Mapping[str, Any] = MappingProxyType({})  # every finding without a page location shares it


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) into the ORIGINAL input text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its place in the original text and the normalized form used for matching."""

    index: int
    start: int
    end: int
    text: str  # exact slice of the original input
    norm: str  # NFKC, casefolded, Simplified, evasion-folded form used by the detectors
    offsets: Sequence[int]  # offsets[i] = original index of norm[i]; len == len(norm) (a range when 1:1)
    lang: str  # "en" | "zh" | "other"
    script: str = ""  # "Hans" | "Hant" | "" (Chinese only)
    unit: int = 0  # index of the unit (line or paragraph) it comes from

    def span_of(self, start: int, end: int) -> Span:
        """Map a [start, end) range in `norm` back to the original text."""
        if end <= start or not self.offsets:
            first = self.offsets[start] if start < len(self.offsets) else self.end
            return Span(first, first)
        return Span(self.offsets[start], self.offsets[end - 1] + 1)


@dataclass(frozen=True, slots=True)
class Document:
    """Prepared input: the original text and its sentences."""

    text: str
    sentences: tuple[Sentence, ...]
    language: str  # dominant language: "en" | "zh" | "other" | "none"
    script: str = ""
    units: tuple[tuple[str, str], ...] = ()  # (normalized text, language) of every unit, analysed or not


@dataclass(frozen=True, slots=True)
class Hit:
    """A detector's raw evidence in one sentence, before context is weighed."""

    sentence: int
    rule_id: str
    category: str
    severity: str
    span: Span  # original-text span of the trigger
    trigger: str  # the trigger text in normalized form
    source: str = "rule"  # "rule" | "model"
    score: float = 1.0
    facts: tuple[str, ...] = ()


def past_recheck(recheck_by: str, today: dt.date) -> bool:
    """Whether a `recheck_by` date (ISO) is before `today`; an unreadable date is not called stale."""
    try:
        return dt.date.fromisoformat(str(recheck_by)[:10]) < today
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Fact:
    """A dated, sourced statement from the knowledge base."""

    id: str
    topic: str
    statement_en: str
    statement_zh: str
    as_of: str
    recheck_by: str
    confidence: str
    sources: tuple[dict[str, Any], ...]
    jurisdictions: tuple[str, ...] = ()
    note: str = ""
    condition: str = ""  # the condition a per-condition fact is about ("" for general facts)

    def stale_on(self, today: dt.date) -> bool:
        """Past its recheck date on `today`: the one rule `facts --stale` and every report apply."""
        return past_recheck(self.recheck_by, today)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "statement": {"en": self.statement_en, "zh": self.statement_zh},
            "as_of": self.as_of,
            "recheck_by": self.recheck_by,
            "confidence": self.confidence,
            "sources": [dict(s) for s in self.sources],
        }


@dataclass(frozen=True, slots=True)
class ContextNote:
    """A context cue that lowered, raised or suppressed a hit (kept so the report can say why)."""

    kind: str  # negation | caution | question | reported | hypothetical | research | topic | model | other_subject
    cue: str  # the words that triggered it
    effect: str  # "suppressed" | "downgraded" | "raised"


@dataclass(frozen=True, slots=True)
class Finding:
    """One explained red-flag claim: the currency that leaves the checker."""

    quote: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    category: str
    severity: str
    confidence: float
    rule_id: str
    evidence: tuple[str, ...]
    explanation_en: str
    explanation_zh: str
    facts: tuple[Fact, ...] = ()
    context: tuple[ContextNote, ...] = ()
    location: Mapping[str, Any] = field(default_factory=lambda: NO_LOCATION)  # shared, read-only when empty
    condition: str = "general"  # what the claim is about (a condition id of rules/conditions.yaml)

    def to_dict(self) -> dict[str, Any]:
        return {
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "sentence_start": self.sentence_start,
            "sentence_end": self.sentence_end,
            "category": self.category,
            "condition": self.condition,
            "severity": self.severity,
            "confidence": round(self.confidence, 3),
            "rule_id": self.rule_id,
            "evidence": list(self.evidence),
            "explanation": {"en": self.explanation_en, "zh": self.explanation_zh},
            "facts": [f.to_dict() for f in self.facts],
            "context": [asdict(c) for c in self.context],
            "location": dict(self.location),
        }


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A hit that context suppressed: reported so a moderator sees why a warning was not flagged."""

    quote: str
    start: int
    end: int
    rule_id: str
    category: str
    reasons: tuple[ContextNote, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "rule_id": self.rule_id,
            "category": self.category,
            "reasons": [asdict(r) for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class Report:
    """Findings for one checked text, plus what was checked."""

    findings: tuple[Finding, ...]
    language: str
    characters: int
    sentences: int
    facts_as_of: str
    suppressed: tuple[Suppressed, ...] = ()
    source: dict[str, Any] = field(default_factory=dict)
    script: str = ""  # "Hans" | "Hant" for Chinese text: the script explanations are shown in

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    @property
    def categories(self) -> list[str]:
        return sorted({f.category for f in self.findings}, key=CATEGORIES.index)

    @property
    def risk(self) -> float:
        """A [0, 1] score: the strongest finding, nudged up by how many distinct categories fired."""
        if not self.findings:
            return 0.0
        weight = {"low": 0.35, "medium": 0.65, "high": 0.9}
        top = max(weight[f.severity] * (0.5 + 0.5 * f.confidence) for f in self.findings)
        spread = min(len(self.categories), 5) * 0.02
        return round(min(1.0, top + spread), 3)

    @property
    def max_severity(self) -> str | None:
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=SEVERITY_RANK.__getitem__)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "flagged": self.flagged,
            "risk": self.risk,
            "max_severity": self.max_severity,
            "categories": self.categories,
            "language": self.language,
            "script": self.script,
            "characters": self.characters,
            "sentences": self.sentences,
            "facts_as_of": self.facts_as_of,
            "findings": [f.to_dict() for f in self.findings],
            "suppressed": [s.to_dict() for s in self.suppressed],
            "source": dict(self.source),
        }
