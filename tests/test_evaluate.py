"""`claimcheck eval`: the arithmetic, the JSON shape, and the command as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from claimcheck.model import CATEGORIES
from claimcheck.training import corpus, evaluate
from claimcheck.training.evaluate import Prediction


def _example(i: int, lang: str, label: str, cats: tuple[str, ...] = ()) -> corpus.Example:
    return corpus.Example(f"x-g{i:03d}-01", f"sentence {i}", lang, label, cats, f"x-g{i:03d}", "clinic_ad")


def test_scores_and_confusion_are_counted_right():
    examples = [
        _example(1, "en", "claim", ("cure_claim",)),
        _example(2, "en", "claim", ("urgency", "price_tourism")),
        _example(3, "zh-Hans", "not_claim"),
        _example(4, "zh-Hant", "not_claim"),
        _example(5, "zh-Hant", "claim", ("cure_claim",)),
    ]
    predictions = [
        Prediction(True, frozenset({"cure_claim"})),
        Prediction(True, frozenset({"urgency"})),
        Prediction(True, frozenset({"cure_claim"})),
        Prediction(False, frozenset()),
        Prediction(False, frozenset()),
    ]
    r = evaluate.score_system(examples, predictions)
    assert r["confusion"]["matrix"] == [[2, 1], [1, 1]]
    assert (r["precision"], r["recall"]) == (pytest.approx(2 / 3, abs=1e-4), pytest.approx(2 / 3, abs=1e-4))
    assert r["per_language"]["en"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2, "n": 2}
    assert r["per_language"]["zh-Hant"]["recall"] == 0.0
    cure = r["per_category"]["cure_claim"]
    assert (cure["precision"], cure["recall"], cure["support"]) == (0.5, 0.5, 2)
    assert r["per_category"]["price_tourism"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert set(r["per_category"]) == set(CATEGORIES)


@pytest.fixture(scope="module")
def small_test_file(tmp_path_factory):
    """A slice of the test split, so the command runs in a few seconds."""
    test = corpus.select(corpus.load(), "test")[::6]
    path = tmp_path_factory.mktemp("eval") / "slice.jsonl"
    lines = [json.dumps({f: list(v) if f == "categories" else v for f in corpus.Example.__slots__ for v in [getattr(e, f)]}, ensure_ascii=False) for e in test]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, len(test)


def test_eval_json_has_the_three_systems(small_test_file):
    path, n = small_test_file
    p = subprocess.run([sys.executable, "-m", "claimcheck", "eval", str(path), "--format", "json", "--set", "all"], capture_output=True, timeout=180)
    assert p.returncode == 0, p.stderr.decode()
    data = json.loads(p.stdout)
    assert data["sentences"] == n and data["split"] == "test"
    for system in ("rules", "model", "combined"):
        r = data[system]
        assert {"f1", "precision", "recall", "per_language", "per_category", "confusion"} <= set(r)
        assert all(0.0 <= r[k] <= 1.0 for k in ("f1", "precision", "recall"))
        assert sum(map(sum, r["confusion"]["matrix"])) == n
        assert set(r["per_category"]) == set(CATEGORIES)
        assert set(r["per_language"]) <= {"en", "zh-Hans", "zh-Hant"}


def test_eval_text_prints_tables_and_confusion(small_test_file, checker):
    from rich.console import Console

    from claimcheck.checker import Checker

    path, _ = small_test_file
    examples = corpus.load(path)
    rules_only = Checker(rules=checker.rules, kb=checker.kb, model=False)
    result = {"split": "test"} | evaluate.evaluate(examples, model=checker.model, checkers={"rules": rules_only, "combined": checker})
    console = Console(record=True, width=160)
    evaluate.render_text(result, console)
    out = console.export_text()
    for needle in ("rules", "model", "combined", "confusion: combined", "zh-Hant", "cure_claim", "gold \\ predicted"):
        assert needle in out


def test_eval_rejects_an_unknown_split(small_test_file):
    path, _ = small_test_file
    p = subprocess.run([sys.executable, "-m", "claimcheck", "eval", str(path), "--split", "holdout"], capture_output=True, timeout=180)
    assert p.returncode == 2 and b"holdout" in p.stderr
