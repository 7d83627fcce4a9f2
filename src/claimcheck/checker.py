"""The Checker: loads rules, facts and model once, then runs prepare -> detect -> decide on any text."""

from __future__ import annotations

import re
import threading

from claimcheck.decide import Decider
from claimcheck.errors import InputError
from claimcheck.knowledge import KnowledgeBase
from claimcheck.model import Document, Hit, Report
from claimcheck.prefilter import Prefilter
from claimcheck.rules import RuleSet
from claimcheck.text.segment import Segmenter, Unit, fold_units, prepare
from claimcheck.text.words import jieba_full

MAX_CHARS = 25_000_000
# A str holds a surrogate code point only unpaired (a pair is one code point): it cannot be encoded, so a
# report quoting it could not be written as JSON or UTF-8. Each becomes U+FFFD, the replacement character.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_LONG_TEXT = 100_000
_UNLOADED = object()


class Checker:
    """Build once (the slow part), then call `check_text` from any number of threads."""

    def __init__(
        self,
        *,
        rules: RuleSet | None = None,
        kb: KnowledgeBase | None = None,
        prefilter: bool = True,
        model: object | None | bool = True,
    ) -> None:
        """`model=True` loads the shipped classifier if present; `False`/None runs the rules alone."""
        self.kb = kb if kb is not None else KnowledgeBase.load()
        self.rules = rules if rules is not None else RuleSet.load()
        self.decider = Decider(self.rules, self.kb)
        self.segmenter = Segmenter()
        self._rules_filter = Prefilter.from_rules(self.rules)  # which units a rule can match (always exact)
        self.prefilter = self._rules_filter if prefilter else None  # ... and whether to skip the others
        self.facts_as_of = self.kb.as_of()
        self._model = model if model is not True else _UNLOADED
        self._model_lock = threading.Lock()

    def warm(self) -> Checker:
        """Do now what first use would do later: compile every rule pattern, build both spaCy pipelines,
        load the classifier and jieba's dictionary. For services and audits; a one-off check skips it."""
        for rule in self.rules.rules:
            whole = list(rule.patterns.values()) if self.prefilter is None else []  # else items run, not wholes
            for pattern in [*whole, *rule.exclude.values(), *(p for group in rule.items.values() for p in group)]:
                pattern.compiled  # noqa: B018 - compiles on access
        self.segmenter.sentences("warm up.", "en")
        self.segmenter.sentences("预热。", "zh")
        jieba_full()
        if self.model is not None:
            self.model.score(["warm up", "预热"], ["en", "zh"])
        return self

    def check_text(self, text: str, *, lang: str | None = None, source: dict | None = None) -> Report:
        """Check one text; `lang` ('en', 'zh' or None/'auto') forces the language of every paragraph."""
        if not isinstance(text, str):
            raise InputError("text must be a string")
        if len(text) > MAX_CHARS:
            raise InputError(f"text is too long ({len(text):,} characters; the limit is {MAX_CHARS:,})")
        if lang not in (None, "auto", "en", "zh"):
            raise InputError(f"unknown language {lang!r}: use auto, en or zh")
        text = _LONE_SURROGATE.sub("\ufffd", text)  # one for one, so every offset still points where it did
        doc, hits, model_units = self._analyse(text, lang)
        scores, name = None, ""
        if doc.sentences and self.model is not None:  # nothing to score: the model is never loaded
            sents, name = doc.sentences, self.model.name
            scores = dict(zip((s.index for s in sents), self.model.score([s.norm for s in sents], [s.lang for s in sents]), strict=True))
        findings, suppressed = self.decider.decide(doc, hits, scores, model_name=name, model_units=model_units)
        return Report(
            findings=tuple(findings),
            language=doc.language,
            characters=len(text),
            sentences=len(doc.sentences),
            facts_as_of=self.facts_as_of,
            suppressed=tuple(suppressed),
            source=dict(source or {}),
            script=doc.script,
        )

    @property
    def model(self):
        """The classifier, loaded on first use (so text with nothing to score never pays for it)."""
        if self._model is _UNLOADED:
            with self._model_lock:
                if self._model is _UNLOADED:
                    self._model = _load_model()
        return self._model or None

    def detect(self, text: str, *, lang: str | None = None) -> tuple[Document, list[Hit]]:
        """Prepare the text and run the rules: the raw evidence, before context is weighed."""
        doc, hits, _ = self._analyse(text, lang)
        return doc, hits

    def _analyse(self, text: str, lang: str | None) -> tuple[Document, list[Hit], frozenset[int]]:
        """Fold all units; segment those the classifier reads (every en/zh unit) or, without it, those a rule
        could match."""
        units = fold_units(text, None if lang == "auto" else lang)
        if len(text) > _LONG_TEXT and any(u.lang == "zh" for u in units):
            jieba_full()  # worth 0.15 s once: dict lookups are faster than the sorted list's
        pf = self._rules_filter
        rule_kept = frozenset(u.index for u in units if pf is None or pf.keep(u.folded.text, u.lang))  # a rule of its language
        # Model-first: every unit of a language the model reads is segmented and its sentences scored (the
        # decision stage gates by topic and probability); without a model, only units a rule can match.
        if self.model is not None:
            model_units = frozenset(u.index for u in units if u.lang in ("en", "zh"))
        else:
            model_units = rule_kept
        segment_all = self.prefilter is None

        def keep(us: list[Unit]) -> list[bool]:
            return [segment_all or u.index in model_units for u in us]

        doc = prepare(text, segmenter=self.segmenter, keep=keep, units=units)
        filtering = self.prefilter is not None  # without it, every rule runs on every sentence
        hits = [h for s in doc.sentences for h in self.rules.match(s, pf.candidate_rules(s.norm, s.lang) if filtering else None)]
        return doc, hits, model_units


def _load_model():
    """The shipped classifier, or None while none has been trained."""
    try:
        from claimcheck.classify import ClaimModel
    except ImportError:
        return None
    return ClaimModel.load_default()
