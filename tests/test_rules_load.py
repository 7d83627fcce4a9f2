"""Loading rule packs: pattern checks at load time, the per-user analysis cache, lazy compilation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claimcheck.detect.prefilter import Prefilter
from claimcheck.detect.rules import RuleSet
from claimcheck.errors import RuleError
from claimcheck.resources import rules_dir
from claimcheck.text import literals

PACK = """
rules:
  - id: demo.cure
    category: cure_claim
    severity: high
    patterns:
      en: ['{pattern}']
    message: {{en: "A cure claim.", zh: "治愈声明。"}}
    examples:
      match: ["stem cells <m>cure stroke</m>"]
      no_match: ["nothing here"]
"""


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(folder))
    return folder


def _folder(tmp_path: Path, pattern: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    shutil.copy(rules_dir() / "lexicon.yaml", folder / "lexicon.yaml")
    (folder / "demo.yaml").write_text(PACK.format(pattern=pattern), encoding="utf-8")
    return folder


@pytest.mark.parametrize("pattern", ["^cure stroke", "cure stroke$", r"\Acure"])
def test_anchored_patterns_are_refused(tmp_path, cache, pattern):
    with pytest.raises(RuleError, match="may not use"):
        RuleSet.load(_folder(tmp_path, pattern))


@pytest.mark.parametrize("pattern", ["cure (stroke", r"(?<=a+)cure stroke"])
def test_bad_patterns_are_refused_at_load_time(tmp_path, cache, pattern):
    with pytest.raises(RuleError, match=r"demo.yaml:demo.cure: en: bad pattern"):
        RuleSet.load(_folder(tmp_path, pattern))


def test_analysis_is_cached_and_reused(tmp_path, cache, monkeypatch):
    folder = _folder(tmp_path, "cure (?:stroke|strokes)")
    first = RuleSet.load(folder)
    files = list(cache.glob("rules-*.json"))
    assert len(files) == 1

    def no_parsing(pattern):
        raise AssertionError("a cached analysis must not parse patterns again")

    monkeypatch.setattr(literals, "requirements", no_parsing)
    monkeypatch.setattr(literals, "has_anchor", no_parsing)
    second = RuleSet.load(folder)
    pattern = second.by_id["demo.cure"].patterns["en"]
    (item,) = second.by_id["demo.cure"].items["en"]
    assert second.requirements(pattern.pattern) == first.requirements(pattern.pattern) == [[{"cure stroke"}]]
    assert pattern._compiled is None and item._compiled is None  # compiled on first use only
    pf = Prefilter.from_rules(second)
    assert pf is not None and pf.keep("our stem cells cure stroke") and not pf.keep("a quiet garden")
    assert item._compiled is not None and pattern._compiled is None  # the prefilter runs items, not the whole


def test_an_edited_pack_gets_a_fresh_analysis(tmp_path, cache, monkeypatch):
    import os
    import time

    from claimcheck.resources import KEEP_VERSIONS

    made: list = []  # cache files in the order the versions were first loaded

    def load(word: str) -> RuleSet:
        rules = RuleSet.load(_folder(tmp_path, f"{word} stroke"))
        made.extend(p for p in cache.glob("rules-*.json") if p not in made)
        for age, path in enumerate(reversed(made)):  # the newest youngest, a second apart
            if path.exists():
                os.utime(path, (time.time() - age, time.time() - age))
        return rules

    load("cure")
    rules = load("heal")
    assert rules.requirements(rules.by_id["demo.cure"].patterns["en"].pattern) == [[{"heal stroke"}]]
    assert len(list(cache.glob("rules-*.json"))) == 2  # the earlier version stays (another checkout may use it)
    for word in ["mend", "fix", "undo", "end"]:
        load(word)
    assert len(list(cache.glob("rules-*.json"))) == KEEP_VERSIONS  # but not forever: the oldest go
    assert [p.exists() for p in made] == [False] * (len(made) - KEEP_VERSIONS) + [True] * KEEP_VERSIONS

    def no_parsing(pattern):
        raise AssertionError("a kept version must be reused")

    RuleSet.load(_folder(tmp_path, "undo stroke"))  # a version still kept: read, not recomputed
    monkeypatch.setattr(literals, "requirements", no_parsing)
    RuleSet.load(_folder(tmp_path, "end stroke"))


def test_a_corrupt_cache_is_rebuilt(tmp_path, cache):
    folder = _folder(tmp_path, "cure stroke")
    RuleSet.load(folder)
    (path,) = cache.glob("rules-*.json")
    path.write_text("{not json", encoding="utf-8")
    rules = RuleSet.load(folder)
    assert rules.requirements(rules.by_id["demo.cure"].patterns["en"].pattern) == [[{"cure stroke"}]]
    assert path.read_text(encoding="utf-8").startswith("{")


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(blocker / "sub"))  # cannot be created
    rules = RuleSet.load(_folder(tmp_path, "cure stroke"))
    assert rules.by_id["demo.cure"].patterns["en"].search("cure stroke")


def test_shipped_rules_with_and_without_cache_agree(tmp_path, cache):
    cold = RuleSet.load()
    warm = RuleSet.load()
    for a, b in zip(cold.rules, warm.rules, strict=True):
        for lang, p in a.patterns.items():
            assert cold.requirements(p.pattern) == warm.requirements(b.patterns[lang].pattern)


def test_yaml_cache_returns_exactly_what_yaml_parses(cache):
    import yaml

    from claimcheck.resources import load_yaml

    for path in sorted(rules_dir().glob("*.yaml")):
        expected = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert load_yaml(path) == expected  # parsed, then cached
        assert load_yaml(path) == expected  # from the cache (dates restored as dates)
    assert len(list(cache.glob("yaml-*.json"))) == len(list(rules_dir().glob("*.yaml")))


def test_an_edited_yaml_file_is_parsed_again(tmp_path, cache):
    from claimcheck.resources import load_yaml

    path = tmp_path / "data.yaml"
    path.write_text("as_of: 2026-06-30\nitems: [a, b]\n", encoding="utf-8")
    first = load_yaml(path)
    path.write_text("as_of: 2026-07-01\nitems: [c]\n", encoding="utf-8")
    second = load_yaml(path)
    assert str(first["as_of"]) == "2026-06-30" and second == {"as_of": __import__("datetime").date(2026, 7, 1), "items": ["c"]}
    assert len(list(cache.glob("yaml-data-*.json"))) == 2  # each version's cache (a few are kept)
    assert load_yaml(path) == second


def test_a_bad_cue_pattern_fails_at_load_time_even_with_caches(tmp_path, cache):
    from claimcheck.decide.context import load_cues

    load_cues()  # fills the caches for the shipped cues
    bad = tmp_path / "context.yaml"
    bad.write_text((rules_dir() / "context.yaml").read_text(encoding="utf-8").replace("beware", "bew(are", 1), encoding="utf-8")
    with pytest.raises(RuleError, match="invalid context file"):
        load_cues(bad)
    cues = load_cues()  # the shipped file still loads, from the cache, and its patterns work
    assert cues["en"].caution.search("beware of clinics") is not None
