"""The inference export: numpy-only scoring that equals the skops model, guarded by the skops file's hash."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.errors import ModelError
from claimcheck.resources import models_dir
from claimcheck.score import classify, inference
from claimcheck.score.classify import ClaimModel, is_fragment, route
from claimcheck.training import corpus
from claimcheck.training import train as training

SKOPS = models_dir() / classify.MODEL_FILE
EXPORT = models_dir() / classify.EXPORT_FILE


@pytest.fixture(scope="module")
def bundle() -> dict:
    return classify.load_trusted(SKOPS)


@pytest.fixture(scope="module")
def scorer() -> inference.Scorer:
    return inference.Scorer.load(EXPORT)


@pytest.fixture(scope="module")
def rows() -> list[tuple[str, str]]:
    return training.rows_of(corpus.load())


def _csr(scorer: inference.Scorer, rows):
    """The scorer's whole feature matrix: its sparse n-gram part, then the dense embedding block."""
    import numpy as np
    import scipy.sparse as sp

    from claimcheck.score import embed

    data, indices, indptr = scorer.transform(rows)
    sparse = sp.csr_matrix((data, indices, indptr), shape=(len(rows), scorer.sparse_width))
    if scorer.dense is None:
        return sparse
    _, size, scale = scorer.dense
    dense = embed.embed([text for text, _ in rows]).astype(np.float64) * scale
    return sp.hstack([sparse, sp.csr_matrix(dense)], format="csr")


def test_export_features_equal_the_sklearn_transform_on_the_whole_corpus(scorer, bundle, rows):
    ours, theirs = _csr(scorer, rows), bundle["features"].transform(rows)
    assert ours.shape == theirs.shape and abs(ours.nnz - theirs.nnz) <= 0  # same n-grams, same dense block
    assert abs(ours - theirs).max() < 1e-6  # float32 embeddings, float64 n-grams


def test_export_probabilities_equal_predict_proba_on_the_whole_corpus(scorer, bundle, rows):
    p_claim, p_cat = scorer.predict(rows)
    x = bundle["features"].transform(rows)
    assert abs(p_claim - bundle["claim"].predict_proba(x)[:, 1]).max() < 1e-9
    assert abs(p_cat - bundle["category"].predict_proba(x)).max() < 1e-9
    assert scorer.categories == [str(c) for c in bundle["category"].classes_]
    assert (scorer.name, scorer.threshold) == (bundle["name"], bundle["threshold"])


TRICKY = [
    ("", "en"),
    ("a", "en"),
    ("I'm  OK\t\tREALLY\u3000ok ,  x y z", "en"),
    ("Café STEM-cells: 100% curé!! naïve résumé", "en"),
    ("\u00a0\u00a0 stem\u2003cells \n\n cure stroke   ", "en"),
    ("superlongwordwithoutspaces" * 3, "en"),
    ("干细胞  治疗\t\t中风 ABC 根治 Stem Cells", "zh"),
    ("中 风", "zh"),
    ("  ", "zh"),
    ("１００％ 治愈！！", "zh"),
]


def test_analyzers_match_sklearn_on_awkward_text(scorer, bundle):
    """Whitespace runs and odd spaces, case, accents, one-letter words, Latin inside Chinese."""
    ours, theirs = _csr(scorer, TRICKY), bundle["features"].transform(TRICKY)
    assert ours.nnz == theirs.nnz and abs(ours - theirs).max() < 1e-6
    p_claim, _ = scorer.predict(TRICKY)
    assert abs(p_claim - bundle["claim"].predict_proba(theirs)[:, 1]).max() < 1e-9


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAbZé é \t\n\u3000\u00a0中风-'.1_")), max_size=40))
def test_ngram_helpers_equal_sklearns_analyzers(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()
    wb = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3)).build_analyzer()
    tokens = re.findall(r"(?u)\b\w\w+\b", text.lower())
    assert inference.word_ngrams(tokens, 1, 2) == words(text)
    assert [g for w in text.lower().split() for g in inference.char_wb_word_ngrams(w, 2, 5)] == wb(text)
    assert inference.char_ngrams(text.lower(), 1, 3) == chars(text)


def test_the_shipped_export_is_derived_from_the_shipped_skops_file(bundle, tmp_path):
    meta = inference.read_meta(EXPORT)
    assert meta["skops_sha256"] == classify.file_sha256(SKOPS)
    # Regenerating it from the skops file gives the same bytes: the export is current and reproducible.
    again = inference.write_export(bundle, tmp_path / classify.EXPORT_FILE, skops_sha256=meta["skops_sha256"])
    assert again.read_bytes() == EXPORT.read_bytes()


def test_scoring_imports_neither_sklearn_nor_scipy_nor_skops(tmp_path):
    code = (
        "import json, sys\n"
        "from claimcheck.score.classify import ClaimModel\n"
        "m = ClaimModel.load_default()\n"
        "s = m.score(['Our stem cells cure stroke, guaranteed.', '干细胞疗法根治中风，无任何副作用', '3.'], ['en', 'zh', 'en'])\n"
        "print(json.dumps([[x.p_claim for x in s], sorted(k for k in ('sklearn', 'scipy', 'skops') if k in sys.modules)]))\n"
    )
    env = {**os.environ, "CLAIMCHECK_CACHE_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    p_claim, heavy = json.loads(run.stdout.strip().splitlines()[-1])
    assert heavy == []
    assert p_claim[0] > 0.5 and p_claim[1] > 0.5 and p_claim[2] == 0.0


def _models_copy(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copy(SKOPS, folder / classify.MODEL_FILE)
    return folder


def test_an_export_is_used_only_while_it_matches_the_skops_file(bundle, tmp_path):
    folder = _models_copy(tmp_path)
    sha = classify.file_sha256(folder / classify.MODEL_FILE)
    inference.write_export({**bundle, "name": "from-the-export"}, folder / classify.EXPORT_FILE, skops_sha256=sha)
    assert ClaimModel.load(folder).name == "from-the-export"  # a matching export is preferred
    assert ClaimModel.load(folder / classify.MODEL_FILE).name == "from-the-export"
    assert ClaimModel.load(folder, use_export=False).name == bundle["name"]

    inference.write_export({**bundle, "name": "stale"}, folder / classify.EXPORT_FILE, skops_sha256="0" * 64)
    with pytest.warns(UserWarning, match="derived from another"):
        model = ClaimModel.load(folder)
    assert model.name == bundle["name"]  # fell back to the skops file
    assert model.score(["stem cells cure stroke forever"], ["en"])[0].p_claim > 0.5


class Boom:
    """Unpickling this would record it: the export loader must never get that far."""

    def __reduce__(self):
        return (UNPICKLED.append, ("unpickled",))


UNPICKLED: list = []


def test_an_export_with_an_object_array_is_refused_without_unpickling(bundle, tmp_path):
    folder = _models_copy(tmp_path)
    meta, _ = inference.export_arrays(bundle)
    meta["skops_sha256"] = classify.file_sha256(folder / classify.MODEL_FILE)
    crafted = folder / classify.EXPORT_FILE
    with crafted.open("wb") as f:  # np.savez pickles object arrays: the loader must refuse to read them
        np.savez(f, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), claim_coef=np.array([Boom()], dtype=object))
    with pytest.raises(ModelError, match="cannot load the inference export"):
        inference.read_export(crafted)
    with pytest.warns(UserWarning, match="cannot load the inference export"):
        model = ClaimModel.load(folder)  # the hash matches, the arrays do not load: fall back to skops
    assert model.name == bundle["name"]
    assert UNPICKLED == []


def test_garbage_and_malformed_exports_raise_model_error(bundle, tmp_path):
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file at all")
    with pytest.raises(ModelError):
        inference.read_export(garbage)
    with pytest.raises(ModelError):
        inference.read_export(tmp_path / "absent.npz")
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, x=np.arange(3.0))
    with pytest.raises(ModelError):
        inference.read_meta(foreign)
    meta, arrays = inference.export_arrays(bundle)
    arrays["claim_coef"] = arrays["claim_coef"][:, :-1]
    with pytest.raises(ModelError, match="do not match the features"):
        inference.Scorer(meta, arrays)


def test_is_fragment_counts_letters_exactly():
    # Every character str.isalpha() accepts is a candidate of the regex that is_fragment scans with.
    candidate = classify._LETTER_LIKE
    assert not [c for c in map(chr, range(sys.maxunicode + 1)) if c.isalpha() and not candidate.match(c)]
    for text in ["", "3.", "[5]", "ab", "ab1", "abc", "²³¹ab", "ⅫⅫⅫ", "a_b_c", "中风", "中风了", "١٢٣ab", "é.e.é"]:
        assert is_fragment(text) == (sum(c.isalpha() for c in text) < classify.MIN_LETTERS), text


def test_route_goes_by_han_characters_for_other_languages():
    assert route("anything", "zh") == "zh" and route("中风", "en") == "en"
    assert route("中风 stroke", "other") == "zh" and route("㐀", "ja") == "zh"
    assert route("stroke", "other") == "en" and route("\u9fff", "ko") == "zh" and route("\ua000", "x") == "en"


def test_checking_chinese_loads_neither_jieba_nor_spacy():
    """One pass: no feature needs words and sentences are split by rule, so a check imports neither
    (issue 14), and no jieba cache is ever read (issue 17, row 12)."""
    import subprocess
    import sys

    code = (
        "import sys; from claimcheck import check_text; "
        "r = check_text('本院干细胞治疗中风已获国家批准，有效率高达95%。幹細胞療法無任何副作用。Stem cells cure stroke.'); "
        "assert r.findings; print(sorted(m for m in ('jieba', 'spacy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"



@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*"aAbZé é \t\n\u3000\u00a0\x00中风治疗干细胞-'.1_😀", "stem", "cell", " cure", "治愈"]), max_size=20).map("".join),
        max_size=6,
    ),
)
def test_vectorised_ngram_columns_equal_the_python_analyzers(scorer, texts):
    """Every branch's batch lookup (claimcheck.score.ngrams) finds the same term occurrences, text by text,
    as the sklearn-equal Python analyzer, whatever the batch holds (NUL, emoji, empty texts, odd spaces)."""
    from collections import Counter


    for branch in (a for analyzers in scorer.by_lang.values() for _, a in analyzers):
        assert isinstance(branch, inference.NgramBranch) and branch.supported
        spec = {"analyzer": branch.analyzer, "ngram_range": [branch.min_n, branch.max_n], "lowercase": branch.lower}
        if branch.analyzer == "word":
            spec["token_pattern"] = r"(?u)\b\w\w+\b"
        terms = _terms_of(scorer, branch)
        python = inference._column_ids(spec, terms)
        owner, columns = branch.occurrences(texts)
        for i, text in enumerate(texts):
            expected = Counter(c for c in python(text) if c >= 0)
            assert Counter(columns[owner == i].tolist()) == expected


def _terms_of(scorer, branch) -> dict[str, int]:
    """The vocabulary (term -> column of the union) of one branch, from the shipped export."""
    meta, arrays = inference.read_export(EXPORT)
    offset = 0
    for i, spec in enumerate(meta["branches"]):
        if spec["analyzer"] == "embedding":
            continue
        terms = arrays[f"branch{i}_terms"].tolist()
        if offset == branch.first_column:
            return {t: offset + j for j, t in enumerate(terms)}
        offset += len(terms)
    raise AssertionError("branch not found")


def test_a_vocabulary_holding_a_term_twice_is_refused_and_one_with_nul_keeps_the_python_analyzer():
    meta, arrays = inference.read_export(EXPORT)
    zh = next(i for i, b in enumerate(meta["branches"]) if b.get("analyzer") == "char")
    terms = arrays[f"branch{zh}_terms"].copy()
    terms[1] = terms[0]
    with pytest.raises(ModelError, match="appears twice"):
        inference.Scorer(meta, {**arrays, f"branch{zh}_terms": terms})
    terms = arrays[f"branch{zh}_terms"].copy()
    terms[0] = "干\x00细"  # the separator inside a term: the vectorised keys cannot hold it
    scorer = inference.Scorer(meta, {**arrays, f"branch{zh}_terms": terms})
    analyzers = [a for _, a in scorer.by_lang["zh"]]
    assert [type(a).__name__ for a in analyzers] == ["_PythonAnalyzer"]
    p_claim, _ = scorer.predict([("干细胞治疗中风，有效率高达95%", "zh")])
    assert 0.0 <= p_claim[0] <= 1.0
