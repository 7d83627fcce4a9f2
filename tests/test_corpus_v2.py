"""The real-style corpus (v2): the issue's counts, its schema, a split by source domain, and the hold-out guard."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict

import pytest

from claimcheck.model import CATEGORIES
from claimcheck.training import corpus, evaluate
from testpaths import ROOT

GUARD = ROOT.parent / "shared" / "holdout-guard" / "guard.py"


@pytest.fixture(scope="module")
def real():
    return [e for e in corpus.load() if e.real_style]


@pytest.fixture(scope="module")
def pages():
    return evaluate.load_pages()


def test_counts_the_issue_asks_for(real):
    langs = Counter(e.lang for e in real)
    assert langs["en"] >= 1500 and langs["zh-Hans"] >= 1250 and langs["zh-Hant"] >= 1250, langs
    assert sum(e.condition != "stroke" for e in real) / len(real) >= 0.60
    assert sum(not e.is_claim for e in real) / len(real) >= 0.45
    assert all(any(c in e.categories for e in real) for c in CATEGORIES)
    assert len({corpus.site_of(e.source_url) for e in real}) >= 150  # many real sites, not a few


def test_every_line_names_its_source_kind_and_condition(real):
    for e in real:
        assert e.source_url.startswith(("http://", "https://")) and e.kind in corpus.KINDS and e.condition in corpus.CONDITIONS


def test_split_is_by_source_domain(real):
    by_site = defaultdict(set)
    for e in real:
        by_site[corpus.site_of(e.source_url)].add(e.split)
    assert all(len(s) == 1 for s in by_site.values())
    for split in corpus.SPLITS:  # every split holds both labels in every language
        for lang in corpus.LANGS:
            assert {e.label for e in real if e.split == split and e.lang == lang} == {"claim", "not_claim"}, (split, lang)


def test_page_set_has_labelled_spans_in_every_language(pages):
    assert len(pages) >= 120
    assert {p.lang for p in pages} == set(corpus.LANGS)
    assert sum(p.expect == "flag" for p in pages) >= 60 and sum(p.expect != "flag" for p in pages) >= 30
    for p in pages:
        assert all(quote in p.text for quote, _ in p.claims), p.id
        assert all(q in p.text for q in p.must_not_quote), p.id
        assert (p.expect == "flag") == bool(p.claims) or p.expect == "no_high", p.id


@pytest.mark.skipif(not GUARD.is_file(), reason="../shared/holdout-guard is not beside this checkout")
def test_holdout_guard_passes_on_the_whole_corpus():
    done = subprocess.run([sys.executable, str(GUARD), str(ROOT / "corpora")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.skipif(not GUARD.is_file(), reason="../shared/holdout-guard is not beside this checkout")
def test_holdout_guard_passes_on_every_page_sentence(pages):
    """The guard scores a whole line; a page is long, so its sentences are scored one by one too."""
    spec = importlib.util.spec_from_file_location("holdout_guard", GUARD)
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    items = [
        {"id": p.id, "text": sentence, "source_url": p.source_url}
        for p in pages
        for sentence in re.split(r"(?<=[.!?。！？\n])", p.text)
        if sentence.strip()
    ]
    refused = [(item["id"], item["text"][:60], reason) for item, reason in guard.check(items)]
    assert refused == []


def test_corpus_check_tool_accepts_every_file():
    files = sorted(str(p) for p in (ROOT / "corpora" / "v2").rglob("*.jsonl"))
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "corpus_check.py"), *files], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("OK"), done.stdout[-3000:]
    assert json.loads  # the tool reads JSON lines; a bad line would have failed above
