"""Context cues (negation, caution, questions, reports, hedges, quotes, other subjects) and page context.

The cue lists are data (rules/context.yaml); this module compiles them and finds the stretch of a sentence
a cue may reach: the clause (between commas) or the scope (between contrastive breaks such as "but").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from claimcheck.errors import RuleError
from claimcheck.resources import DataFileError, load_yaml, rules_dir
from claimcheck.text.literals import cached_literal_analysis
from claimcheck.text.patterns import GatedPattern

CLAUSE_SPLIT = re.compile(r"[,，、:：()（）\[\]【】\"“”]")


@dataclass(frozen=True, slots=True, eq=False)
class Cues:
    """Compiled context cues for one language (hashed by identity: it keys per-unit caches)."""

    breaks: GatedPattern
    negation: GatedPattern
    negation_after: GatedPattern
    subject_negation: GatedPattern
    denial: GatedPattern
    denied_status: GatedPattern
    caution: GatedPattern
    question: GatedPattern
    not_question: GatedPattern
    reported: GatedPattern
    hypothetical: GatedPattern
    hedge: GatedPattern
    research: GatedPattern
    promotion: GatedPattern
    other_subject: GatedPattern
    indication: GatedPattern
    quoted: GatedPattern
    comparison: GatedPattern


def _alt(items: list[str] | None) -> str:
    items = items or [r"(?!x)x"]
    return "|".join(f"(?:{i})" for i in items)


def load_cues(path: Path | None = None) -> dict[str, Cues]:
    path = path or rules_dir() / "context.yaml"
    try:
        d = load_yaml(path)
        raw = {
            lang: dict(
                breaks=_alt(d["breaks"][lang]),
                negation=_alt(d["negation"][lang]),
                negation_after=_alt(d["negation"][f"after_{lang}"]),
                subject_negation=_alt(d["subject_negation"][lang]),
                denial=_alt(d["denial"][lang]),
                denied_status=_alt(d["denied_status"][lang]),
                caution=_alt(d["caution"][lang]),
                question=_alt(d["question"][lang]),
                not_question=_alt(d["question"]["not_question"][lang]),
                reported=_alt(d["reported"][lang]),
                hypothetical=_alt(d["hypothetical"][f"strong_{lang}"]),
                hedge=_alt(d["hypothetical"][f"weak_{lang}"]),
                research=_alt(d["research"][lang]),
                promotion=_alt(d["promotion"][lang]),
                other_subject=_alt(d["other_subject"][lang]),
                indication=_alt(d["other_subject"][f"indication_{lang}"]),
                quoted=_alt(d["quoted"]),
                comparison=_alt(d["other_subject"][f"comparison_{lang}"]),
            )
            for lang in ("en", "zh")
        }
        analysis = cached_literal_analysis(sorted({p for c in raw.values() for p in c.values()}), "cues")
        # Scope texts are short and cue words common: the reject-if-absent gate alone is fastest there.
        return {lang: Cues(**{k: GatedPattern(p, re.ASCII, analysis[p], anchor=False) for k, p in c.items()}) for lang, c in raw.items()}
    except (OSError, DataFileError, KeyError, TypeError, re.error) as exc:
        raise RuleError(f"invalid context file {path}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class PageContext:
    """What the whole page says: its topics and whether it sells."""

    topics: frozenset[str]
    promotional: bool
    condition: str | None = None  # the condition the page mentions most
    cautionary: bool = False  # the page warns or reports research more than it sells (a warner's voice)
    units: int = 1  # lines or paragraphs on the page
    jurisdiction: str | None = None  # where the page's own evidence says it is from (rules/jurisdictions.yaml)


def scope_of(text: str, lo: int, hi: int, breaks: GatedPattern) -> tuple[int, int]:
    """The stretch between the contrastive breaks around [lo, hi)."""
    return _between(text, lo, hi, breaks, 0, len(text))


def clause_of(text: str, lo: int, hi: int, scope_lo: int, scope_hi: int) -> tuple[int, int]:
    """The comma-delimited clause around [lo, hi), inside its scope."""
    return _between(text, lo, hi, CLAUSE_SPLIT, scope_lo, scope_hi)


def _between(text: str, lo: int, hi: int, separators: GatedPattern | re.Pattern[str], start: int, end: int) -> tuple[int, int]:
    """[start, end) narrowed to the separators nearest before lo and after hi."""
    for m in separators.finditer(text, start, end):
        if m.end() <= lo:
            start = m.end()
        elif m.start() >= hi:
            end = m.start()
            break
    return start, end


def last_match(pattern: GatedPattern, text: str) -> re.Match[str] | None:
    last = None
    for last in pattern.finditer(text):  # noqa: B007 - we want the final match
        pass
    return last
