"""The Checker: loads rules, facts and model once, then runs prepare -> detect -> decide on any text."""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

from claimcheck.decide.findings import Decider, dedupe_suppressed
from claimcheck.detect.prefilter import Prefilter
from claimcheck.detect.rules import RuleSet
from claimcheck.errors import InputError
from claimcheck.knowledge.facts import KnowledgeBase
from claimcheck.model import Document, Finding, Hit, Report, Suppressed
from claimcheck.text.segment import WINDOW, prepare, prepare_windows

if TYPE_CHECKING:
    from claimcheck.score.classify import SentenceScore

MAX_CHARS = 25_000_000
# A str holds a surrogate code point only unpaired (a pair is one code point): it cannot be encoded, so a
# report quoting it could not be written as JSON or UTF-8. Each becomes U+FFFD, the replacement character.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_UNLOADED = object()


class Checker:
    """Build once (the slow part), then call `check_text` from any number of threads."""

    window = WINDOW  # sentences detected and decided at a time (a long text takes several windows)

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
        self.prefilter = Prefilter.from_rules(self.rules) if prefilter else None  # which rules a sentence could match
        self.facts_as_of = self.kb.as_of()
        self._model = model if model is not True else _UNLOADED
        self._model_lock = threading.Lock()

    def warm(self) -> Checker:
        """Do now what first use would do later: compile every rule pattern and load the classifier (with
        what its features need). For services and audits; a one-off check skips it."""
        for rule in self.rules.rules:
            whole = list(rule.patterns.values()) if self.prefilter is None else []  # else items run, not wholes
            for pattern in [*whole, *rule.exclude.values(), *(p for group in rule.items.values() for p in group)]:
                pattern.compiled  # noqa: B018 - compiles on access
        self.check_text("Warm up: stem cells. 预热：干细胞。")
        return self

    def check_text(self, text: str, *, lang: str | None = None, source: dict | None = None) -> Report:
        """Check one text; `lang` ('en', 'zh' or None/'auto') forces the language of every paragraph.

        One pass: prepare (fold, language, sentences) -> detect (rules, then the classifier over the same
        sentences) -> decide -> Report. A long text goes through detect and decide window by window (see
        prepare_windows), with one page context for all, so memory does not grow with sentences x hits.
        """
        text = _valid(text, lang)
        findings: list[Finding] = []
        suppressed: list[Suppressed] = []
        page, sentences = None, 0
        for doc in prepare_windows(text, None if lang == "auto" else lang, self.window):  # one unless the text is long
            hits = self._rule_hits(doc)
            model = self.model if doc.sentences else None  # nothing to score: the model is never loaded
            scores = self._scores(doc, model) if model is not None else None
            name = model.name if model is not None else ""
            decision = self.decider.decide(doc, hits, scores, model_name=name, page=page)
            findings += decision.findings
            suppressed += decision.suppressed
            page, sentences = decision.page, sentences + len(doc.sentences)
        return Report(
            findings=tuple(findings),
            language=doc.language,
            characters=len(text),
            sentences=sentences,
            facts_as_of=self.facts_as_of,
            suppressed=tuple(dedupe_suppressed(suppressed)),
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
        doc = prepare(_valid(text, lang), None if lang == "auto" else lang)
        return doc, self._rule_hits(doc)

    def _rule_hits(self, doc: Document) -> list[Hit]:
        """Every rule over every sentence; the prefilter names the rules a sentence could match, so the
        others are skipped (it never decides which sentences are read)."""
        pf = self.prefilter
        return [h for s in doc.sentences for h in self.rules.match(s, pf.candidate_rules(s.norm, s.lang) if pf is not None else None)]

    @staticmethod
    def _scores(doc: Document, model) -> dict[int, SentenceScore]:
        """The classifier's reading of every sentence, in one batch."""
        sents = doc.sentences
        return dict(zip((s.index for s in sents), model.score([s.norm for s in sents], [s.lang for s in sents]), strict=True))


_default: Checker | None = None
_default_lock = threading.Lock()


def default_checker() -> Checker:
    """The process-wide Checker, built on first use (the CLI, the service and audits share it)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Checker()
    return _default


def _valid(text: object, lang: str | None) -> str:
    """The text to check, or InputError; lone surrogates become U+FFFD."""
    if not isinstance(text, str):
        raise InputError("text must be a string")
    if len(text) > MAX_CHARS:
        raise InputError(f"text is too long ({len(text):,} characters; the limit is {MAX_CHARS:,})")
    if lang not in (None, "auto", "en", "zh"):
        raise InputError(f"unknown language {lang!r}: use auto, en or zh")
    return _LONE_SURROGATE.sub("\ufffd", text)  # one for one, so every offset still points where it did


def _load_model():
    """The shipped classifier, or None while none has been trained."""
    try:
        from claimcheck.score.classify import ClaimModel
    except ImportError:
        return None
    return ClaimModel.load_default()
