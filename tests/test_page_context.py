"""The page context (topics, sells or warns, condition, jurisdiction) read with one literal-indexed scan per
paragraph equals asking every pattern on its own."""

from __future__ import annotations

import json

from claimcheck.checker import Checker
from claimcheck.decide.context import PageContext
from claimcheck.text.segment import prepare
from testpaths import ROOT, corpus_texts, example_lines


def _one_pattern_at_a_time(decider, lexicon, doc) -> PageContext:
    topics: set[str] = set()
    promo = caution = warn = 0
    for norm, lang in doc.units:
        topics |= {name.lower() for name in ("STEMCELL", "STROKE") if lexicon.pattern(name).regex.search(norm)}
        cues = decider.cues.get(lang)
        if cues is not None:
            sells = cues.promotion.regex.search(norm) is not None
            warns = cues.caution.regex.search(norm) is not None
            reports = cues.research.regex.search(norm) is not None
            promo, caution, warn = promo + sells, caution + warns, warn + (warns or reports)
    conditions, jurisdictions = decider.conditions, decider.jurisdictions
    return PageContext(
        frozenset(topics),
        promo >= 2 and promo >= caution,
        conditions.of_page(doc.units),
        warn >= 2 and warn > promo,
        len(doc.units),
        jurisdictions.of_page(doc.units),
    )


def test_page_context_equals_every_pattern_asked_on_its_own():
    checker = Checker(model=False)
    pages = [
        json.loads(line)["text"]
        for f in sorted((ROOT / "corpora" / "v2" / "pages").glob("*.jsonl"))
        for line in f.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts = corpus_texts() + pages + ["\n".join(example_lines())]
    assert len(texts) > 1000
    kinds = set()
    for text in texts:
        doc = prepare(text)
        page = checker.decider.page_context(doc)
        assert page == _one_pattern_at_a_time(checker.decider, checker.rules.lexicon, doc), text[:200]
        kinds.add((bool(page.topics), page.promotional, page.cautionary))
    assert len(kinds) >= 4  # pages that sell, warn, and neither, with and without topics
