"""Weigh context and turn raw Hits into explained Findings (or recorded suppressions).

A hit is suppressed when its sentence negates, warns about, asks about, reports or hypothesises the claim,
or when it is about another treatment; it is down-graded when the evidence is weaker (hedges, reports on a
selling page). Every decision is recorded as a ContextNote so the report can say why.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from claimcheck.decide.context import Cues, PageContext, clause_of, last_match, load_cues, scope_of
from claimcheck.detect.rules import Rule, RuleSet
from claimcheck.errors import RuleError
from claimcheck.knowledge.conditions import GENERAL, Conditions
from claimcheck.knowledge.facts import KnowledgeBase
from claimcheck.knowledge.jurisdictions import MAINLAND, Jurisdictions
from claimcheck.model import SEVERITIES, SEVERITY_RANK, ContextNote, Document, Finding, Hit, Sentence, Suppressed
from claimcheck.resources import DataFileError, load_yaml, rules_dir
from claimcheck.text.normalize import to_traditional
from claimcheck.text.patterns import PatternSet

if TYPE_CHECKING:
    from claimcheck.score.classify import SentenceScore

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
    why_en: str = ""  # why it is a red flag, for any {condition}
    why_zh: str = ""
    vetoes: dict[str, re.Pattern[str]] | None = None  # per language: words that undo a classifier-only finding of it


@dataclass(frozen=True, slots=True)
class Combination:
    """How classifier probabilities combine with rule hits (tuned on the dev split)."""

    flag: float = 0.85  # classifier-only finding at or above this p_claim
    flag_strict: float = 0.95  # ... for a sentence with no topic, condition or claim words on an off-topic page
    flag_cautionary_page: float = 0.9  # ... on a page that warns more than it sells
    flag_hedged: float = 0.9  # ... for a sentence with a cue of `hedged_cues` ("may one day", "not")
    hedged_cues: tuple[str, ...] = ("negation", "hypothetical")
    min_words: int = 4  # ... and only for a sentence of at least this many words (Chinese: 2 characters a word)
    model_vetoes: tuple[str, ...] = ("caution", "negation", "hypothetical", "question", "research")
    medium: float = 0.95  # ... and medium (not low) severity at or above this
    cautionary: float = 0.15  # a rule hit in a sentence scored below this is down-graded
    veto: float = 0.03  # ... and below this it is suppressed
    category_min: float = 0.5  # a classifier-only finding also needs this confidence in its category


def load_categories(path: Path | None = None) -> tuple[dict[str, CategoryInfo], Combination]:
    path = path or rules_dir() / "categories.yaml"
    try:
        d = load_yaml(path)
        cats = {
            name: CategoryInfo(
                c["label"]["en"], c["label"]["zh"], c["message"]["en"], c["message"]["zh"], tuple(c["facts"]),
                c.get("why", {}).get("en", ""), c.get("why", {}).get("zh", ""),
                {lang: re.compile("|".join(f"(?:{v})" for v in vs)) for lang, vs in (c.get("veto") or {}).items() if vs},
            )
            for name, c in d["categories"].items()
        }
        raw = dict(d.get("combination") or {})
        for key in ("model_vetoes", "hedged_cues"):
            if key in raw:
                raw[key] = tuple(raw[key])
        combo = Combination(**raw)
    except (OSError, DataFileError, KeyError, TypeError, re.error) as exc:
        raise RuleError(f"invalid categories file {path}: {exc}") from exc
    return cats, combo


@dataclass(frozen=True, slots=True)
class Decision:
    """What the decision stage hands on: findings, what context ruled out, and the page context it used
    (computed from every unit on the first window of a text, then passed back for the next)."""

    findings: list[Finding]
    suppressed: list[Suppressed]
    page: PageContext


class Decider:
    """Applies context to hits; pure given its cues, rules and knowledge base."""

    def __init__(
        self,
        rules: RuleSet,
        kb: KnowledgeBase,
        cues: dict[str, Cues] | None = None,
        conditions: Conditions | None = None,
        jurisdictions: Jurisdictions | None = None,
    ) -> None:
        self.rules = rules
        self.kb = kb
        self.cues = cues or load_cues()
        self.categories, self.combination = load_categories()
        if conditions is None:
            path = rules_dir() / "conditions.yaml"
            conditions = Conditions.load(path) if path.is_file() else Conditions(())
        self.conditions = conditions
        if jurisdictions is None:
            path = rules_dir() / "jurisdictions.yaml"
            jurisdictions = Jurisdictions.load(path) if path.is_file() else Jurisdictions(())
        self.jurisdictions = jurisdictions
        self._shared: dict[object, object] = {}
        self._page_sets: dict[str, tuple[PatternSet, tuple[str, ...]]] = {}

    def _share(self, value):
        """One object for equal context tuples and explanation texts across findings (a claim-dense text
        holds hundreds of thousands of findings); bounded, and only ever a memory saving."""
        found = self._shared.get(value)
        if found is None:
            if len(self._shared) < SHARED_MAX:
                self._shared[value] = value
            return value
        return found

    def page_context(self, doc: Document) -> PageContext:
        """What the whole page says, from every unit: its topics, whether it sells or warns, its condition
        and its jurisdiction."""
        topics: set[str] = set()
        stance: Counter[str] = Counter()
        for norm, lang in doc.units:
            patterns, names = self._page_set(lang)
            said = {names[i] for i in patterns.matching(norm)}
            topics |= said & _TOPICS
            stance.update(said - _TOPICS)
            stance["warn"] += "caution" in said or "research" in said
        promo, caution, warn = stance["promotion"], stance["caution"], stance["warn"]
        return PageContext(
            frozenset(t.lower() for t in topics), promo >= 2 and promo >= caution, self.conditions.of_page(doc.units),
            warn >= 2 and warn > promo, len(doc.units), self.jurisdictions.of_page(doc.units),
        )

    def _page_set(self, lang: str) -> tuple[PatternSet, tuple[str, ...]]:
        """The page-level patterns of a language (stance cues, where it has them, and the two topic lists)
        as one PatternSet: one scan per paragraph instead of five (built on first use)."""
        key = lang if lang in self.cues else "other"
        found = self._page_sets.get(key)
        if found is None:
            lex, cues = self.rules.lexicon, self.cues.get(key)
            named = {t: lex.pattern(t).regex for t in sorted(_TOPICS)}
            if cues is not None:
                named |= {kind: getattr(cues, kind).regex for kind in ("promotion", "caution", "research")}
            found = (PatternSet(list(named.values()), kind=f"page-{key}"), tuple(named))
            self._page_sets[key] = found
        return found

    def decide(
        self,
        doc: Document,
        hits: list[Hit],
        scores: dict[int, SentenceScore] | None = None,
        *,
        model_name: str = "",
        page: PageContext | None = None,
    ) -> Decision:
        """Weigh context for every hit; with classifier `scores` (every sentence the classifier read), combine
        both kinds of evidence. `page` (default: this document's) is the context of the whole page."""
        page = page if page is not None else self.page_context(doc)
        scores = scores or {}
        by_sentence: dict[int, list[Hit]] = defaultdict(list)
        for h in hits:
            by_sentence[h.sentence].append(h)
        findings: list[Finding] = []
        suppressed: list[Suppressed] = []
        for sent in doc.sentences:
            score = scores.get(sent.index)
            kept: list[tuple[Hit, str, float, tuple[ContextNote, ...]]] = []
            ruled_out = False  # context (not a missing topic) ruled out a rule hit: the classifier may not overrule it
            for h in by_sentence.get(sent.index, ()):
                rule = self.rules.by_id.get(h.rule_id)
                severity, conf, notes = self._judge(sent, h, rule, page)
                if severity is not None and score is not None:
                    severity, conf, notes = self._weigh_model(severity, conf, notes, score, model_name)
                    if severity is not None and not _on_topic(page) and score.p_claim < self.combination.flag:
                        # "100% guaranteed delicious": a page about no treatment and no condition, and the
                        # classifier does not read a claim either.
                        severity, notes = None, (*notes, ContextNote("topic", "no regenerative treatment or condition", "suppressed"))
                    elif severity is not None and page.cautionary:
                        severity, notes = _warner_page(severity, notes, score.p_claim >= self.combination.flag)
                if severity is None:
                    suppressed.append(Suppressed(doc.text[h.span.start : h.span.end], h.span.start, h.span.end, h.rule_id, h.category, notes))
                    ruled_out = ruled_out or any(n.kind != "topic" for n in notes)
                else:
                    kept.append((h, severity, conf, notes))
            if kept:
                findings.extend(self._merge(doc, sent, kept, page))
            elif score is not None and not ruled_out:
                extra = self._model_finding(sent, score, page, model_name)
                if extra is not None:
                    findings.append(extra)
        findings.sort(key=lambda f: (f.start, f.category))
        return Decision(findings, dedupe_suppressed(suppressed), page)

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
        if severity == "high":  # high needs both kinds of evidence: the words and the classifier's reading
            return "medium", conf - 0.05, (*notes, ContextNote("model", cue, "downgraded"))
        return severity, conf, notes

    def _model_finding(self, s: Sentence, score: SentenceScore, page: PageContext, name: str) -> Finding | None:
        """A sentence the classifier scores high with no rule hit: a finding of at most medium severity."""
        combo = self.combination
        if score.p_claim < combo.flag or score.p_category < combo.category_min or score.category not in self.categories:
            return None
        lex = self.rules.lexicon
        # Model-first: a sentence about a regenerative treatment or a condition (by its own words or, for
        # pronouns and headings, its page's), or with claim words, needs `flag`; any other sentence (a lone
        # "90% of our patients improved") needs the stricter `flag_strict`.
        on_topic = (
            "stemcell" in page.topics
            or lex.has("STEMCELL", s.norm)
            or lex.has("STROKE", s.norm)
            or lex.has("CLAIM_HINT", s.norm)
            or bool(self.conditions.of_text(s.norm, s.lang))
        )
        if not on_topic and score.p_claim < combo.flag_strict:
            return None
        if page.cautionary and score.p_claim < combo.flag_cautionary_page:  # a warner's page quotes and reports
            return None
        cues = self.cues[s.lang]
        if page.cautionary and (cues.reported.search(s.norm) or cues.quoted.search(s.norm)):
            return None  # ... and what it reports or puts in quotation marks is the sellers' voice, not its own
        if page.units >= 3 and "stemcell" not in page.topics and score.p_claim < combo.flag_cautionary_page:
            return None  # a whole page that never names a regenerative treatment: rehabilitation, drugs, surgery
        if _words(s.norm, s.lang) < combo.min_words:  # a phone number, a button, a bare heading
            return None
        hedges = [getattr(cues, kind) for kind in combo.hedged_cues]
        if score.p_claim < combo.flag_hedged and any(h.search(s.norm) for h in hedges):
            return None  # the classifier reads most hedges; a weak score beside one is not enough
        if not lex.has("STEMCELL", s.norm) and "stemcell" not in page.topics and cues.other_subject.search(s.norm):
            return None  # tPA, rehabilitation, surgery: about another treatment
        veto = (self.categories[score.category].vetoes or {}).get(s.lang)
        if veto is not None and veto.search(s.norm):
            return None  # "the study is free of charge" is no pay-to-participate claim
        if self._sentence_context(s, page) is not None:
            return None
        info = self.categories[score.category]
        p = f"{score.p_claim:.2f}"
        condition = self.condition_of(s, page)
        en, zh = info.message_en, info.message_zh
        if condition != "stroke" and info.why_en:
            en, zh = self._why(info, condition, s)
            en = f"The classifier {{model}} rates this sentence as a likely {info.label_en.lower()} (p={{p}}); no rule matched it. " + en
            zh = f"分类模型{{model}}判断此句很可能属于“{info.label_zh}”（概率{{p}}），但没有规则命中。" + zh
        zh, fact_ids = self._localise(zh, self._facts_for(condition, info.facts), page)
        zh = to_traditional(zh) if s.script == "Hant" else zh
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
            evidence=self._share((f"model {name}: p_claim={p}, {score.category} p={score.p_category:.2f}",)),
            explanation_en=self._share(en.replace("{model}", name).replace("{p}", p)),
            explanation_zh=self._share(zh.replace("{model}", name).replace("{p}", p)),
            facts=self.kb.many(fact_ids),
            context=self._share((ContextNote("model", f"{name} p_claim={p}", "raised"),)),
            condition=condition,
        )

    # -- conditions ------------------------------------------------------------------------------

    def condition_of(self, s: Sentence, page: PageContext) -> str:
        """The condition a sentence is about: its own mention, else its page's, else `general`."""
        named = [c for c in self.conditions.of_text(s.norm, s.lang) if c != GENERAL]
        if not named and self.rules.lexicon.has("STROKE", s.norm):
            return "stroke"
        return named[0] if named else page.condition or GENERAL

    def _why(self, info: CategoryInfo, condition: str, s: Sentence) -> tuple[str, str]:
        """The category's reason, worded for the condition (in the text's script for Chinese)."""
        cond = self.conditions.get(condition)
        en_name = cond.name_en if cond else "this condition"
        zh_name = cond.name_zh_hans if cond else "该疾病"
        if condition == GENERAL or cond is None:
            en_name, zh_name = "the conditions it names", "其所宣称的疾病"
        return info.why_en.replace("{condition}", en_name), info.why_zh.replace("{condition}", zh_name)

    def _localise(self, zh: str, fact_ids: list[str], page: PageContext) -> tuple[str, list[str]]:
        """Cite the advertising law of the page's own jurisdiction: mainland China's only on a mainland page;
        elsewhere that jurisdiction's law note and facts; with no evidence, no law at all (neutral wording)."""
        where = page.jurisdiction
        if where == MAINLAND:
            return zh, fact_ids
        mainland = self.jurisdictions.mainland_law_facts()
        kept = [part for part in re.split(r"(?<=[。；])", zh) if part and not self.jurisdictions.cites_mainland_law(part)]
        zh = "".join(kept)
        if zh and zh[-1] == "；":
            zh = zh[:-1] + "。"
        facts = [f for f in fact_ids if f not in mainland]
        local = self.jurisdictions.by_id.get(where) if where else None
        if local is not None:
            zh = f"{zh}{local.note_zh}"
            facts = list(dict.fromkeys(facts[:1] + [f for f in local.law_facts[:2] if f in self.kb] + facts[1:]))
        return zh, facts

    def _facts_for(self, condition: str, category_facts: Iterable[str]) -> list[str]:
        """The condition's own facts first; stroke-only facts stay with stroke claims."""
        cond = self.conditions.get(condition)
        own = list(cond.facts[:2]) if cond and condition != "stroke" else []
        rest = [f for f in category_facts if condition == "stroke" or "stroke" not in f]
        return [f for f in dict.fromkeys(own + rest) if f in self.kb]

    def _sentence_context(self, s: Sentence, page: PageContext) -> ContextNote | None:
        """Sentence-wide context that rules out a classifier-only finding. The classifier has learnt most
        negation and hedging from real text; `model_vetoes` (categories.yaml) names the cues that still veto."""
        cues = self.cues[s.lang]
        vetoes = self.combination.model_vetoes
        for kind, pattern in (
            ("caution", cues.caution),
            ("negation", cues.negation),
            ("hypothetical", cues.hypothetical),
        ):
            if kind not in vetoes:
                continue
            m = pattern.search(s.norm)
            if m:
                return ContextNote(kind, m.group(0), "suppressed")
        if "question" in vetoes and cues.question.search(s.norm) and not cues.not_question.search(s.norm):
            return ContextNote("question", s.norm[-12:], "suppressed")
        if "research" in vetoes and not page.promotional and not cues.promotion.search(s.norm):
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
            # A rule written for stroke reads any condition clinics sell cells for (a cure claim is one
            # whether it names stroke or autism); the finding then names the condition.
            in_sentence = lex.has(topic.upper(), s.norm) or (topic == "stroke" and bool(self.conditions.of_text(s.norm, s.lang)))
            on_page = topic.lower() in page.topics or (topic == "stroke" and page.condition is not None)
            if not in_sentence and not on_page:
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

    def _merge(self, doc: Document, s: Sentence, kept: list, page: PageContext) -> list[Finding]:
        by_cat: dict[str, list] = defaultdict(list)
        for item in kept:
            by_cat[item[0].category].append(item)
        out: list[Finding] = []
        for category, items in by_cat.items():
            items.sort(key=lambda it: (-SEVERITY_RANK[it[1]], -it[2], -(it[0].span.end - it[0].span.start)))
            hit, severity, conf, notes = items[0]
            rule = self.rules.by_id[hit.rule_id]
            fact_ids = list(dict.fromkeys(fid for it in items for fid in it[0].facts if fid in self.kb))
            quote = self._share(doc.text[hit.span.start : hit.span.end])
            evidence = self._share(tuple(dict.fromkeys(f"{it[0].rule_id}: {doc.text[it[0].span.start : it[0].span.end]}" for it in items)))
            condition = self.condition_of(s, page)
            en, zh = rule.message_en.replace("{quote}", quote), rule.message_zh
            info = self.categories.get(category)
            if condition != "stroke" and info is not None and info.why_en and "stroke" in rule.message_en.lower():
                why_en, why_zh = self._why(info, condition, s)
                en = f'"{quote}": {info.label_en.lower()}. {why_en}'
                zh = f"“{{quote}}”：{info.label_zh}。{why_zh}"
            if condition != "stroke":
                fact_ids = self._facts_for(condition, fact_ids)
            zh, fact_ids = self._localise(zh, fact_ids, page)
            zh = (to_traditional(zh) if s.script == "Hant" else zh).replace("{quote}", quote)
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
                    explanation_en=self._share(en),
                    explanation_zh=self._share(zh),
                    facts=self.kb.many(fact_ids),
                    context=self._share(notes),
                    condition=condition,
                )
            )
        return out


SHARED_MAX = 20_000
_TOPICS = frozenset({"STEMCELL", "STROKE"})  # lexicon lists that make a page's topic
_HAN_CHAR = re.compile("[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z]{2,}")


_URL = re.compile(r"(?:https?://|www\.)\S+")


def _words(norm: str, lang: str) -> int:
    """Roughly how many words a sentence has, URLs aside: Latin words, plus Han characters two to a word."""
    norm = _URL.sub(" ", norm)
    return len(_LATIN_WORD.findall(norm)) + len(_HAN_CHAR.findall(norm)) // 2


def _norm_span(s: Sentence, h: Hit) -> tuple[int, int]:
    """Positions of the hit inside the sentence's normalized text (offsets are non-decreasing)."""
    lo = bisect_left(s.offsets, h.span.start)
    return lo, max(lo, bisect_left(s.offsets, h.span.end, lo))


def _warner_page(severity: str, notes: tuple[ContextNote, ...], model_agrees: bool) -> tuple[str | None, tuple[ContextNote, ...]]:
    """On a page that warns more than it sells, a rule hit the classifier does not read as a claim is a
    quotation or an example: suppressed."""
    if model_agrees:
        return severity, notes
    return None, (*notes, ContextNote("caution", "the page warns more than it sells", "suppressed"))


def _on_topic(page: PageContext) -> bool:
    """Whether a page is about a regenerative treatment or a condition clinics sell one for."""
    return bool(page.topics) or page.condition is not None


def _lower(severity: str | None) -> str | None:
    if severity is None:
        return None
    rank = SEVERITY_RANK[severity] - 1
    return SEVERITIES[rank] if rank >= 0 else None


def dedupe_suppressed(items: list[Suppressed]) -> list[Suppressed]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for s in items:
        key = (s.start, s.end, s.category)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out
