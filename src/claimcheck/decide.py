"""Weigh context and turn raw Hits into explained Findings (or recorded suppressions).

A hit is suppressed when its sentence negates, warns about, asks about, reports or hypothesises the claim,
or when it is about another treatment; it is down-graded when the evidence is weaker (hedges, reports on a
selling page). Every decision is recorded as a ContextNote so the report can say why.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from claimcheck.context import Cues, PageContext, clause_of, last_match, load_cues, scope_of
from claimcheck.errors import RuleError
from claimcheck.knowledge import KnowledgeBase
from claimcheck.model import SEVERITIES, SEVERITY_RANK, ContextNote, Document, Finding, Hit, Sentence, Suppressed
from claimcheck.resources import DataFileError, load_yaml, rules_dir
from claimcheck.rules import Rule, RuleSet
from claimcheck.text.normalize import to_traditional

if TYPE_CHECKING:
    from claimcheck.classify import SentenceScore

# Categories whose hits are about the product's status or effect (so "another treatment" matters).
_SUBJECT_BOUND = {"approval_claim", "trial_as_approval", "safety_absolute", "success_rate", "cure_claim", "efficacy_guarantee"}
_APPROVAL = {"approval_claim", "trial_as_approval"}
_RESULT = {"success_rate", "cure_claim", "efficacy_guarantee", "testimonial", "safety_absolute"}


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """Per-category defaults used for classifier-only findings."""

    label_en: str
    label_zh: str
    message_en: str
    message_zh: str
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Combination:
    """How classifier probabilities combine with rule hits (tuned on the dev split)."""

    flag: float = 0.85  # classifier-only finding at or above this p_claim
    medium: float = 0.95  # ... and medium (not low) severity at or above this
    cautionary: float = 0.15  # a rule hit in a sentence scored below this is down-graded
    veto: float = 0.03  # ... and below this it is suppressed
    category_min: float = 0.5  # a classifier-only finding also needs this confidence in its category
    unit_gate: float = 0.5  # a unit (line or paragraph) scored below this gets no classifier-only finding


def load_categories(path: Path | None = None) -> tuple[dict[str, CategoryInfo], Combination]:
    path = path or rules_dir() / "categories.yaml"
    try:
        d = load_yaml(path)
        cats = {
            name: CategoryInfo(c["label"]["en"], c["label"]["zh"], c["message"]["en"], c["message"]["zh"], tuple(c["facts"]))
            for name, c in d["categories"].items()
        }
        combo = Combination(**(d.get("combination") or {}))
    except (OSError, DataFileError, KeyError, TypeError) as exc:
        raise RuleError(f"invalid categories file {path}: {exc}") from exc
    return cats, combo


class Decider:
    """Applies context to hits; pure given its cues, rules and knowledge base."""

    def __init__(self, rules: RuleSet, kb: KnowledgeBase, cues: dict[str, Cues] | None = None) -> None:
        self.rules = rules
        self.kb = kb
        self.cues = cues or load_cues()
        self.categories, self.combination = load_categories()

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
                is_promo, is_caution = _stance(cues, norm)
                promo += is_promo
                caution += is_caution
        return PageContext(frozenset(topics), promo >= 2 and promo >= caution)

    def decide(
        self,
        doc: Document,
        hits: list[Hit],
        scores: dict[int, SentenceScore] | None = None,
        *,
        model_name: str = "",
        model_units: frozenset[int] = frozenset(),
    ) -> tuple[list[Finding], list[Suppressed]]:
        """Weigh context for every hit; with classifier `scores`, combine both kinds of evidence.

        Classifier-only findings come only from `model_units`, the units the classifier itself let through.
        """
        page = self.page_context(doc)
        scores = scores or {}
        by_sentence: dict[int, list[Hit]] = defaultdict(list)
        for h in hits:
            by_sentence[h.sentence].append(h)
        findings: list[Finding] = []
        suppressed: list[Suppressed] = []
        for sent in doc.sentences:
            score = scores.get(sent.index)
            kept: list[tuple[Hit, str, float, tuple[ContextNote, ...]]] = []
            for h in by_sentence.get(sent.index, ()):
                rule = self.rules.by_id.get(h.rule_id)
                severity, conf, notes = self._judge(sent, h, rule, page)
                if severity is not None and score is not None:
                    severity, conf, notes = self._weigh_model(severity, conf, notes, score, model_name)
                if severity is None:
                    suppressed.append(Suppressed(doc.text[h.span.start : h.span.end], h.span.start, h.span.end, h.rule_id, h.category, notes))
                else:
                    kept.append((h, severity, conf, notes))
            if kept:
                findings.extend(self._merge(doc, sent, kept))
            elif score is not None and sent.unit in model_units and sent.index not in by_sentence:
                extra = self._model_finding(sent, score, page, model_name)
                if extra is not None:
                    findings.append(extra)
        findings.sort(key=lambda f: (f.start, f.category))
        return findings, _dedupe_suppressed(suppressed)

    def _weigh_model(self, severity: str, conf: float, notes: tuple[ContextNote, ...], score: SentenceScore, name: str):
        """A rule hit in a sentence the classifier judges cautionary is down-graded (or suppressed)."""
        combo, p = self.combination, score.p_claim
        cue = f"{name} p_claim={p:.2f}"
        if p < combo.veto:
            return None, 0.0, (*notes, ContextNote("model", cue, "suppressed"))
        if p < combo.cautionary:
            lowered = _lower(severity)
            effect = "downgraded" if lowered else "suppressed"
            return lowered, conf - 0.2, (*notes, ContextNote("model", cue, effect))
        if p >= combo.flag:
            return severity, min(conf + 0.05, 0.99), (*notes, ContextNote("model", cue, "raised"))
        return severity, conf, notes

    def _model_finding(self, s: Sentence, score: SentenceScore, page: PageContext, name: str) -> Finding | None:
        """A sentence the classifier scores high with no rule hit: a finding of at most medium severity."""
        combo = self.combination
        if score.p_claim < combo.flag or score.p_category < combo.category_min or score.category not in self.categories:
            return None
        lex = self.rules.lexicon
        # Only sentences with topic or claim words (the prefilter keeps every unit that has them, so results
        # are the same with and without it), on the topic by themselves or by their page.
        on_topic = lex.has("STEMCELL", s.norm) or lex.has("STROKE", s.norm)
        if not (on_topic or ("stemcell" in page.topics and lex.has("CLAIM_HINT", s.norm))):
            return None
        if self._sentence_context(s, page) is not None:
            return None
        info = self.categories[score.category]
        p = f"{score.p_claim:.2f}"
        zh = to_traditional(info.message_zh) if s.script == "Hant" else info.message_zh
        return Finding(
            quote=s.text,
            start=s.start,
            end=s.end,
            sentence=s.text,
            sentence_start=s.start,
            sentence_end=s.end,
            category=score.category,
            severity="medium" if score.p_claim >= combo.medium else "low",
            confidence=round(min(score.p_claim, 0.95) * 0.9, 3),
            rule_id=f"model:{name}",
            evidence=(f"model {name}: p_claim={p}, {score.category} p={score.p_category:.2f}",),
            explanation_en=info.message_en.replace("{model}", name).replace("{p}", p),
            explanation_zh=zh.replace("{model}", name).replace("{p}", p),
            facts=self.kb.many(f for f in info.facts if f in self.kb),
            context=(ContextNote("model", f"{name} p_claim={p}", "raised"),),
        )

    def _sentence_context(self, s: Sentence, page: PageContext) -> ContextNote | None:
        """Sentence-wide context that rules out a classifier-only finding."""
        cues = self.cues[s.lang]
        for kind, pattern in (
            ("caution", cues.caution),
            ("negation", cues.negation),  # a paraphrase the model alone flags must not hedge or deny
            ("hypothetical", cues.hypothetical),
        ):
            m = pattern.search(s.norm)
            if m:
                return ContextNote(kind, m.group(0), "suppressed")
        if cues.question.search(s.norm) and not cues.not_question.search(s.norm):
            return ContextNote("question", s.norm[-12:], "suppressed")
        if not page.promotional and not cues.promotion.search(s.norm):
            m = cues.research.search(s.norm) or cues.reported.search(s.norm)
            if m:
                return ContextNote("research", m.group(0), "suppressed")
        return None

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
            m = next((m for m in cues.other_subject.finditer(s.norm) if not cues.comparison.search(s.norm[: m.start()])), None)
            if m:
                return None, 0.0, (ContextNote("other_subject", m.group(0), "suppressed"),)
        if h.category in _APPROVAL:
            m = cues.indication.search(s.norm)
            c_lo, c_hi = clause_of(s.norm, lo, hi, 0, len(s.norm))
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

        scope_lo, scope_hi = scope_of(s.norm, lo, hi, cues.breaks)
        clause_lo, clause_hi = clause_of(s.norm, lo, hi, scope_lo, scope_hi)
        before = s.norm[clause_lo:lo]
        after = s.norm[hi:clause_hi]
        scope_before = s.norm[scope_lo:lo]
        scope_text = s.norm[scope_lo:lo] + " " + s.norm[hi:scope_hi]

        # A trigger that is itself a negative claim ("no side effects", "won't reject") is not negated by
        # the negators around it: lists like "no surgery, no pain, no side effects" stay claims.
        negative_claim = cues.negation.match(s.norm, lo) is not None
        negations = (("negation", cues.denial.search(scope_before)),) if negative_claim else (
            ("negation", last_match(cues.negation, before)),
            ("negation", cues.negation_after.search(after[:24])),
            ("negation", cues.subject_negation.search(scope_before)),
        )
        for kind, m in (*negations, ("caution", cues.caution.search(scope_text))):
            if m:
                return None, 0.0, (*notes, ContextNote(kind, m.group(0).strip(), "suppressed"))
        if cues.question.search(s.norm) and not cues.not_question.search(s.norm):
            return None, 0.0, (*notes, ContextNote("question", s.norm[-12:].strip(), "suppressed"))
        m = cues.hypothetical.search(scope_before + " " + after)  # a later clause ("if not, refund") is not
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
            ("reported", cues.reported, h.category != "testimonial"),  # testimonials are reported speech
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
    """Positions of the hit inside the sentence's normalized text (offsets are non-decreasing)."""
    lo = bisect_left(s.offsets, h.span.start)
    return lo, max(lo, bisect_left(s.offsets, h.span.end, lo))


@lru_cache(maxsize=16384)
def _stance(cues: Cues, norm: str) -> tuple[bool, bool]:
    """Whether a unit sells and whether it warns (cached: boilerplate repeats across pages)."""
    return cues.promotion.search(norm) is not None, cues.caution.search(norm) is not None


def _lower(severity: str | None) -> str | None:
    if severity is None:
        return None
    rank = SEVERITY_RANK[severity] - 1
    return SEVERITIES[rank] if rank >= 0 else None


def _explain(rule: Rule, quote: str, script: str) -> tuple[str, str]:
    """Fill the rule's message; Chinese comes out in the script of the checked text."""
    zh = to_traditional(rule.message_zh) if script == "Hant" else rule.message_zh
    return rule.message_en.replace("{quote}", quote), zh.replace("{quote}", quote)


def _dedupe_suppressed(items: list[Suppressed]) -> list[Suppressed]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for s in items:
        key = (s.start, s.end, s.category)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out
