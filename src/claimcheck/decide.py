"""Weigh context and turn raw Hits into explained Findings (or recorded suppressions).

A hit is suppressed when its sentence negates, warns about, asks about, reports or hypothesises the claim,
or when it is about another treatment; it is down-graded when the evidence is weaker (hedges, reports on a
selling page). Every decision is recorded as a ContextNote so the report can say why.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from claimcheck.errors import RuleError
from claimcheck.knowledge import KnowledgeBase
from claimcheck.model import SEVERITIES, SEVERITY_RANK, ContextNote, Document, Finding, Hit, Sentence, Suppressed
from claimcheck.resources import rules_dir
from claimcheck.rules import Rule, RuleSet

# Categories whose hits are about the product's status or effect (so "another treatment" matters).
_SUBJECT_BOUND = {"approval_claim", "trial_as_approval", "safety_absolute", "success_rate", "cure_claim", "efficacy_guarantee"}
_APPROVAL = {"approval_claim", "trial_as_approval"}
_RESULT = {"success_rate", "cure_claim", "efficacy_guarantee", "testimonial", "safety_absolute"}
_CLAUSE_SPLIT = re.compile(r"[,，、:：()（）\[\]【】\"“”]")


@dataclass(frozen=True, slots=True)
class Cues:
    """Compiled context cues for one language."""

    breaks: re.Pattern[str]
    negation: re.Pattern[str]
    negation_after: re.Pattern[str]
    subject_negation: re.Pattern[str]
    caution: re.Pattern[str]
    question: re.Pattern[str]
    not_question: re.Pattern[str]
    reported: re.Pattern[str]
    hypothetical: re.Pattern[str]
    hedge: re.Pattern[str]
    research: re.Pattern[str]
    promotion: re.Pattern[str]
    other_subject: re.Pattern[str]
    indication: re.Pattern[str]
    quoted: re.Pattern[str]


def _alt(items: list[str] | None) -> re.Pattern[str]:
    items = items or [r"(?!x)x"]
    return re.compile("|".join(f"(?:{i})" for i in items), re.ASCII)


def load_cues(path: Path | None = None) -> dict[str, Cues]:
    path = path or rules_dir() / "context.yaml"
    try:
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {
            lang: Cues(
                breaks=_alt(d["breaks"][lang]),
                negation=_alt(d["negation"][lang]),
                negation_after=_alt(d["negation"][f"after_{lang}"]),
                subject_negation=_alt(d["subject_negation"][lang]),
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
            )
            for lang in ("en", "zh")
        }
    except (OSError, yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        raise RuleError(f"invalid context file {path}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class PageContext:
    """What the whole page says: its topics and whether it sells."""

    topics: frozenset[str]
    promotional: bool


class Decider:
    """Applies context to hits; pure given its cues, rules and knowledge base."""

    def __init__(self, rules: RuleSet, kb: KnowledgeBase, cues: dict[str, Cues] | None = None) -> None:
        self.rules = rules
        self.kb = kb
        self.cues = cues or load_cues()

    def page_context(self, doc: Document) -> PageContext:
        topics: set[str] = set()
        promo = caution = 0
        lex = self.rules.lexicon
        for norm, lang in doc.units:
            for name in ("STEMCELL", "STROKE"):
                if name.lower() not in topics and lex.has(name, norm):
                    topics.add(name.lower())
            cues = self.cues.get(lang)
            if cues is not None:
                promo += bool(cues.promotion.search(norm))
                caution += bool(cues.caution.search(norm))
        return PageContext(frozenset(topics), promo >= 2 and promo >= caution)

    def decide(self, doc: Document, hits: list[Hit]) -> tuple[list[Finding], list[Suppressed]]:
        page = self.page_context(doc)
        by_sentence: dict[int, list[Hit]] = defaultdict(list)
        for h in hits:
            by_sentence[h.sentence].append(h)
        findings: list[Finding] = []
        suppressed: list[Suppressed] = []
        sentences = {s.index: s for s in doc.sentences}
        for idx in sorted(by_sentence):
            sent = sentences[idx]
            kept: list[tuple[Hit, str, float, tuple[ContextNote, ...]]] = []
            for h in by_sentence[idx]:
                rule = self.rules.by_id.get(h.rule_id)
                outcome = self._judge(sent, h, rule, page)
                if outcome[0] is None:
                    suppressed.append(
                        Suppressed(doc.text[h.span.start : h.span.end], h.span.start, h.span.end, h.rule_id, h.category, outcome[2])
                    )
                else:
                    kept.append((h, outcome[0], outcome[1], outcome[2]))
            findings.extend(self._merge(doc, sent, kept))
        findings.sort(key=lambda f: (f.start, f.category))
        return findings, _dedupe_suppressed(suppressed)

    # -- one hit ---------------------------------------------------------------------------------

    def _judge(self, s: Sentence, h: Hit, rule: Rule | None, page: PageContext) -> tuple[str | None, float, tuple[ContextNote, ...]]:
        cues = self.cues[s.lang]
        notes: list[ContextNote] = []
        severity, conf = h.severity, h.score
        lo, hi = _norm_span(s, h)
        lex = self.rules.lexicon
        has_stem = lex.has("STEMCELL", s.norm)
        has_stroke = lex.has("STROKE", s.norm)

        if h.category in _SUBJECT_BOUND and not has_stem:
            m = cues.other_subject.search(s.norm)
            if m:
                return None, 0.0, (ContextNote("other_subject", m.group(0), "suppressed"),)
        if h.category in _APPROVAL:
            m = cues.indication.search(s.norm)
            c_lo, c_hi = _clause(s.norm, lo, hi, 0, len(s.norm))
            if m and not lex.has("STROKE", s.norm[c_lo:c_hi]):
                return None, 0.0, (ContextNote("other_subject", m.group(0), "suppressed"),)
        for topic in rule.requires if rule else ():
            in_sentence = lex.has(topic.upper(), s.norm)
            if not in_sentence and topic.lower() not in page.topics:
                return None, 0.0, (ContextNote("topic", f"no {topic} mention", "suppressed"),)
            if not in_sentence:
                conf -= 0.1
                notes.append(ContextNote("topic", f"{topic} from page topic", "downgraded"))
        if rule is not None and rule.context_free:
            return severity, conf, tuple(notes)

        scope_lo, scope_hi = _scope(s.norm, lo, hi, cues.breaks)
        clause_lo, clause_hi = _clause(s.norm, lo, hi, scope_lo, scope_hi)
        before = s.norm[clause_lo:lo]
        after = s.norm[hi:clause_hi]
        scope_before = s.norm[scope_lo:lo]
        scope_text = s.norm[scope_lo:lo] + " " + s.norm[hi:scope_hi]

        for kind, m in (
            ("negation", _last(cues.negation, before)),
            ("negation", cues.negation_after.search(after[:24])),
            ("negation", cues.subject_negation.search(scope_before)),
            ("caution", cues.caution.search(scope_text)),
        ):
            if m:
                return None, 0.0, (*notes, ContextNote(kind, m.group(0).strip(), "suppressed"))
        if cues.question.search(s.norm) and not cues.not_question.search(s.norm):
            return None, 0.0, (*notes, ContextNote("question", s.norm[-12:].strip(), "suppressed"))
        m = cues.hypothetical.search(scope_text)
        if m:
            return None, 0.0, (*notes, ContextNote("hypothetical", m.group(0), "suppressed"))

        promo_here = cues.promotion.search(s.norm) is not None
        quote = next((m for m in cues.quoted.finditer(s.norm) if m.start() <= lo and hi <= m.end()), None)
        if quote is not None and not promo_here:
            if not page.promotional:
                return None, 0.0, (*notes, ContextNote("quoted", quote.group(0)[:40], "suppressed"))
            severity, conf = _lower(severity), conf - 0.1
            notes.append(ContextNote("quoted", quote.group(0)[:40], "downgraded"))
        for kind, pattern, applies in (
            ("research", cues.research, h.category in _RESULT),
            ("reported", cues.reported, True),
        ):
            m = pattern.search(scope_text) if applies else None
            if m and not promo_here:
                if not page.promotional:
                    return None, 0.0, (*notes, ContextNote(kind, m.group(0), "suppressed"))
                severity, conf = _lower(severity), conf - 0.15
                notes.append(ContextNote(kind, m.group(0), "downgraded"))
        m = cues.hedge.search(scope_text)
        if m:
            severity, conf = _lower(severity), conf - 0.15
            notes.append(ContextNote("hypothetical", m.group(0), "downgraded"))
        if severity is None:
            return None, 0.0, tuple(notes)
        if promo_here or page.promotional:
            conf += 0.05
        if has_stem and has_stroke:
            conf += 0.05
        return severity, max(0.05, min(conf, 0.99)), tuple(notes)

    # -- merging hits into findings --------------------------------------------------------------

    def _merge(self, doc: Document, s: Sentence, kept: list) -> list[Finding]:
        by_cat: dict[str, list] = defaultdict(list)
        for item in kept:
            by_cat[item[0].category].append(item)
        out: list[Finding] = []
        for category, items in by_cat.items():
            items.sort(key=lambda it: (-SEVERITY_RANK[it[1]], -it[2], -(it[0].span.end - it[0].span.start)))
            hit, severity, conf, notes = items[0]
            rule = self.rules.by_id[hit.rule_id]
            fact_ids = list(dict.fromkeys(fid for it in items for fid in it[0].facts if fid in self.kb))
            quote = doc.text[hit.span.start : hit.span.end]
            evidence = tuple(dict.fromkeys(f"{it[0].rule_id}: {doc.text[it[0].span.start : it[0].span.end]}" for it in items))
            en, zh = _explain(rule, quote, s.script)
            out.append(
                Finding(
                    quote=quote,
                    start=hit.span.start,
                    end=hit.span.end,
                    sentence=s.text,
                    sentence_start=s.start,
                    sentence_end=s.end,
                    category=category,
                    severity=severity,
                    confidence=round(conf, 3),
                    rule_id=hit.rule_id,
                    evidence=evidence,
                    explanation_en=en,
                    explanation_zh=zh,
                    facts=self.kb.many(fact_ids),
                    context=notes,
                )
            )
        return out


def _norm_span(s: Sentence, h: Hit) -> tuple[int, int]:
    """Positions of the hit inside the sentence's normalized text."""
    offs = s.offsets
    lo = next((i for i, o in enumerate(offs) if o >= h.span.start), len(offs))
    hi = next((i for i in range(lo, len(offs)) if offs[i] >= h.span.end), len(offs))
    return lo, hi


def _scope(text: str, lo: int, hi: int, breaks: re.Pattern[str]) -> tuple[int, int]:
    """The stretch between the contrastive breaks around [lo, hi)."""
    start, end = 0, len(text)
    for m in breaks.finditer(text):
        if m.end() <= lo:
            start = m.end()
        elif m.start() >= hi:
            end = m.start()
            break
    return start, end


def _clause(text: str, lo: int, hi: int, scope_lo: int, scope_hi: int) -> tuple[int, int]:
    start, end = scope_lo, scope_hi
    for m in _CLAUSE_SPLIT.finditer(text, scope_lo, scope_hi):
        if m.end() <= lo:
            start = m.end()
        elif m.start() >= hi:
            end = m.start()
            break
    return start, end


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    last = None
    for last in pattern.finditer(text):  # noqa: B007 - we want the final match
        pass
    return last


def _lower(severity: str | None) -> str | None:
    if severity is None:
        return None
    rank = SEVERITY_RANK[severity] - 1
    return SEVERITIES[rank] if rank >= 0 else None


def _explain(rule: Rule, quote: str, script: str) -> tuple[str, str]:
    """Fill the rule's message; Chinese comes out in the script of the checked text."""
    zh = _s2t().convert(rule.message_zh) if script == "Hant" else rule.message_zh
    return rule.message_en.replace("{quote}", quote), zh.replace("{quote}", quote)


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2tw")


def _dedupe_suppressed(items: list[Suppressed]) -> list[Suppressed]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for s in items:
        key = (s.start, s.end, s.category)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out
