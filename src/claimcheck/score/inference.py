"""The claim classifier without scikit-learn: its inference export and a numpy-only scorer.

Training writes the canonical model with skops (claimcheck.skops) and, beside it, an inference export
(claimcheck.npz): the same fitted numbers as plain arrays (each branch's vocabulary and idf weights, the
calibrated linear SVM's coefficients and sigmoid calibrators, the category model's coefficients) plus JSON
metadata naming the analyzers and the sha256 of the skops file they came from. The export is read with
np.load(allow_pickle=False), so it holds no code; the analyzers below reproduce scikit-learn's
(lowercase, token pattern, word n-grams, char and char_wb n-grams, sublinear tf, idf, l2 norm) and tests
check features and probabilities against the skops model on the whole corpus.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import chain, repeat
from operator import add
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck.errors import ModelError
from claimcheck.score.ngrams import WHITE_SPACES, NgramBranch

EXPORT_FORMAT = 1
ANALYZERS = ("word", "char", "char_wb")
LANGS = {"en_texts": "en", "zh_texts": "zh"}  # row selectors of the feature branches, by name

_GATHER_ROWS = 20_000  # term occurrences up to which a batch gathers whole rows of weights (about 2 MB)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member times: the same model gives the same bytes


# --- scikit-learn's analyzers (sklearn/feature_extraction/text.py), for the options claimcheck uses ---


def word_ngrams(tokens: list[str], min_n: int, max_n: int) -> list[str]:
    """_VectorizerMixin._word_ngrams without stop words."""
    if max_n == 1:
        return tokens
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n + 1, len(tokens) + 1)):
        grams.extend(map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False)))  # " ".join(tokens[i : i + n])
    return grams


def char_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """_VectorizerMixin._char_ngrams: n-grams over the whole text, whitespace runs made one space. Each
    n-gram is an (n-1)-gram plus the next character (str.__add__ over two sequences, twice as fast as
    slicing)."""
    text = WHITE_SPACES.sub(" ", text)
    grams = list(text) if min_n == 1 else []
    shorter: Iterable[str] = text
    for n in range(2, min(max_n, len(text)) + 1):
        shorter = list(map(add, shorter, text[n - 1 :]))
        if n >= min_n:
            grams += shorter
    return grams


def char_wb_word_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """_VectorizerMixin._char_wb_ngrams for one word (no whitespace): n-grams of the space-padded word."""
    w = " " + word + " "
    w_len = len(w)
    grams = []
    for n in range(min_n, max_n + 1):
        offset = 0
        grams.append(w[offset : offset + n])
        while offset + n < w_len:
            offset += 1
            grams.append(w[offset : offset + n])
        if offset == 0:  # count a short word (w_len < n) only once
            break
    return grams


def _column_ids(spec: dict[str, Any], vocabulary: dict[str, int]) -> Callable[[str], list[int]]:
    """text -> the vocabulary column of each term occurrence (-1 for a term outside the vocabulary), as the
    fitted vectorizer counts them. Plain lists: a batch's columns become one array in `Scorer.transform`."""
    get = vocabulary.get
    min_n, max_n = spec["ngram_range"]
    lower = spec["lowercase"]
    unknown = repeat(-1)

    def columns(terms: list[str]) -> list[int]:
        return list(map(get, terms, unknown))

    analyzer = spec["analyzer"]
    if analyzer == "word":
        if spec.get("tokenizer"):  # exports of models with a jieba word branch (before 2026-12)
            raise ModelError(f"unknown tokenizer {spec['tokenizer']!r} in the inference export: retrain the model")
        tokenize = re.compile(spec["token_pattern"]).findall
        return lambda text: columns(word_ngrams(tokenize(text.lower() if lower else text), min_n, max_n))
    if analyzer == "char":
        return lambda text: columns(char_ngrams(text.lower() if lower else text, min_n, max_n))

    # char_wb n-grams never cross a word boundary: cache each word's columns, so a common word costs one
    # lookup instead of dozens of n-grams. (Splitting on whitespace is what sklearn does after it
    # collapses whitespace runs.)
    @lru_cache(maxsize=50_000)
    def word_columns(word: str) -> tuple[int, ...]:
        return tuple(map(get, char_wb_word_ngrams(word, min_n, max_n), unknown))

    def char_wb(text: str) -> list[int]:
        return list(chain.from_iterable(map(word_columns, (text.lower() if lower else text).split())))

    return char_wb


class _PythonAnalyzer:
    """A branch the vectorised path cannot key (see claimcheck.score.ngrams): its Python analyzer."""

    def __init__(self, column_ids: Callable[[str], list[int]]) -> None:
        self.column_ids = column_ids

    def occurrences(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        found = [self.column_ids(t) for t in texts]
        columns = np.fromiter(chain.from_iterable(found), dtype=np.int64)
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), [len(f) for f in found])
        known = columns >= 0
        return owner[known], columns[known]


_Analyzer = NgramBranch | _PythonAnalyzer


# --- the export: from a fitted skops bundle, to and from an .npz file ---


def export_arrays(bundle: dict[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(metadata, arrays) of a fitted claimcheck bundle; ModelError for a shape this scorer cannot run.

    Reads only the fitted attributes (no scikit-learn import); skops_sha256 is left for write_export.
    """
    branches, arrays = [], {}
    for i, (name, pipeline) in enumerate(bundle["features"].transformer_list):
        if getattr(pipeline[0], "func", None) is not None and pipeline[0].func.__name__ == "embed_rows":
            branches.append(_embedding_spec(str(name), pipeline))
            continue
        select, tfidf = pipeline[0].func, pipeline[-1]
        spec = _branch_spec(str(name), select, tfidf)
        terms = sorted(tfidf.vocabulary_, key=tfidf.vocabulary_.__getitem__)
        if [tfidf.vocabulary_[t] for t in terms] != list(range(len(terms))) or any(t.endswith("\0") for t in terms):
            raise ModelError(f"cannot export the vocabulary of feature branch {name!r}")
        arrays[f"branch{i}_terms"] = np.array(terms, dtype=str) if terms else np.zeros(0, dtype="<U1")
        arrays[f"branch{i}_idf"] = np.asarray(tfidf.idf_, dtype=np.float64)
        spec["size"] = len(terms)
        branches.append(spec)
    width = sum(b["size"] for b in branches)

    claim = bundle["claim"]
    if type(claim).__name__ != "CalibratedClassifierCV" or [bool(c) for c in claim.classes_] != [False, True]:
        raise ModelError("cannot export the claim model: expected a CalibratedClassifierCV over [False, True]")
    heads = []
    for cc in claim.calibrated_classifiers_:
        coef = np.asarray(cc.estimator.coef_, dtype=np.float64)
        if cc.method != "sigmoid" or len(cc.calibrators) != 1 or coef.shape != (1, width):
            raise ModelError("cannot export the claim model: expected sigmoid-calibrated linear folds")
        cal = cc.calibrators[0]
        heads.append((coef[0], float(cc.estimator.intercept_[0]), float(cal.a_), float(cal.b_)))
    arrays["claim_coef"] = np.array([h[0] for h in heads])
    for j, key in enumerate(("intercept", "a", "b"), start=1):
        arrays[f"claim_{key}"] = np.array([h[j] for h in heads], dtype=np.float64)

    category = bundle.get("category")
    if category is not None:
        coef = np.asarray(category.coef_, dtype=np.float64)
        bias = np.asarray(category.intercept_, dtype=np.float64)
        classes = [str(c) for c in category.classes_]
        if len(classes) == 2 and coef.shape[0] == 1:  # binary: p = expit(z), the same as softmax([0, z])
            coef, bias = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], bias])
        if coef.shape != (len(classes), width) or bias.shape != (len(classes),):
            raise ModelError("cannot export the category model: unexpected coefficient shapes")
        arrays["category_coef"], arrays["category_intercept"] = coef, bias
        arrays["category_classes"] = np.array(classes, dtype=str)
    meta = {
        "format": EXPORT_FORMAT,
        "name": str(bundle["name"]),
        "threshold": float(bundle["threshold"]),
        "branches": branches,
        "skops_sha256": None,
    }
    return meta, arrays


def _embedding_spec(name: str, pipeline: Any) -> dict[str, Any]:
    """The static-embedding branch: no vocabulary, a dense block of the shipped table's width."""
    from claimcheck.score import embed

    step = pipeline[0]
    if len(pipeline) != 1 or step.func.__module__ != "claimcheck.score.classify":
        raise ModelError(f"cannot export feature branch {name!r}: unexpected embedding pipeline")
    scale = float((step.kw_args or {}).get("scale", 1.0))
    return {"name": name, "analyzer": "embedding", "lang": "all", "size": embed.default().dims, "scale": scale}


def _branch_spec(name: str, select: Any, tfidf: Any) -> dict[str, Any]:
    """The analyzer settings of one fitted TfidfVectorizer, refusing any this module does not reproduce."""
    lang = LANGS.get(getattr(select, "__name__", ""))
    problems = [
        lang is None and "row selector",
        tfidf.analyzer not in ANALYZERS and "analyzer",
        tfidf.input != "content" and "input",
        tfidf.preprocessor is not None and "preprocessor",
        tfidf.strip_accents is not None and "strip_accents",
        tfidf.stop_words is not None and "stop_words",
        tfidf.binary and "binary",
        not (tfidf.sublinear_tf and tfidf.use_idf and tfidf.norm == "l2") and "weighting (sublinear tf, idf, l2)",
        tfidf.tokenizer is not None and "tokenizer",
    ]
    if any(problems):
        raise ModelError(f"cannot export feature branch {name!r}: unsupported {', '.join(p for p in problems if p)}")
    return {
        "name": name,
        "lang": lang,
        "analyzer": tfidf.analyzer,
        "ngram_range": [int(n) for n in tfidf.ngram_range],
        "lowercase": bool(tfidf.lowercase),
        "token_pattern": tfidf.token_pattern,
        "tokenizer": None,
    }


def write_export(bundle: dict[str, Any], path: Path, *, skops_sha256: str) -> Path:
    """Write the inference export of `bundle` (derived from the skops file with that sha256) to `path`."""
    meta, arrays = export_arrays(bundle)
    meta["skops_sha256"] = skops_sha256
    members = {"meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8), **arrays}
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            for key, array in members.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
                info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, buffer.getvalue())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_meta(path: Path) -> dict[str, Any]:
    """The export's JSON metadata only (cheap: the arrays stay unread); ModelError if unreadable."""
    return _read(path, meta_only=True)[0]


def read_export(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(metadata, arrays) of an export, loaded without pickle; ModelError if unreadable or malformed."""
    return _read(path, meta_only=False)


def _read(path: Path, *, meta_only: bool) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
            if not isinstance(meta, dict) or meta.get("format") != EXPORT_FORMAT:
                raise ValueError(f"not a claimcheck inference export (format {EXPORT_FORMAT})")
            arrays = {} if meta_only else {key: npz[key] for key in npz.files if key != "meta"}
    except Exception as exc:  # np.load refuses object arrays (ValueError) before anything is unpickled
        raise ModelError(f"cannot load the inference export {path}: {type(exc).__name__}: {exc}") from exc
    for key, array in arrays.items():
        if array.dtype.kind not in "fU":
            raise ModelError(f"{path}: array {key!r} has unexpected dtype {array.dtype}")
    return meta, arrays


# --- the scorer ---


class Scorer:
    """The fitted feature union, claim model and category model as numpy arrays.

    Each branch finds its n-grams for the whole batch at once (claimcheck.score.ngrams); counting, sublinear
    tf, idf, the l2 norm of each branch and both linear models run once per batch in numpy. Claim: the mean over calibrated folds of
    1 / (1 + exp(a * (x.w + b) + c)), as CalibratedClassifierCV with sigmoid calibrators. Category: the
    softmax of x.W + B, as multinomial LogisticRegression.
    """

    def __init__(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        try:
            self._build(meta, arrays)
        except ModelError:
            raise
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"malformed inference export: {type(exc).__name__}: {exc}") from exc

    def _build(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.name = str(meta["name"])
        self.threshold = float(meta["threshold"])
        self.skops_sha256 = meta.get("skops_sha256")
        self.by_lang: dict[str, list[tuple[int, _Analyzer]]] = {"en": [], "zh": []}  # (branch number, analyzer)
        self.dense: tuple[int, int, float] | None = None  # (first column, width, scale) of the embedding
        self._projected = None
        idf, offset = [], 0
        for i, spec in enumerate(meta["branches"]):
            if spec["analyzer"] == "embedding":
                if self.dense is not None or i != len(meta["branches"]) - 1:
                    raise ModelError("the embedding branch must be the last and only one")
                self.dense = (offset, int(spec["size"]), float(spec["scale"]))
                offset += int(spec["size"])
                continue
            terms, weights = arrays[f"branch{i}_terms"], arrays[f"branch{i}_idf"]
            if not len(terms) == spec.get("size", len(terms)) or weights.shape != (len(terms),):
                raise ModelError(f"feature branch {spec.get('name')!r}: inconsistent vocabulary and idf")
            if spec["analyzer"] not in ANALYZERS or spec["lang"] not in self.by_lang:
                raise ModelError(f"feature branch {spec.get('name')!r}: unsupported analyzer or language")
            analyzer: _Analyzer = NgramBranch(spec, terms, offset)
            if analyzer.supported:
                if analyzer.has_duplicates():
                    raise ModelError(f"feature branch {spec.get('name')!r}: a term appears twice in the vocabulary")
            else:
                words = terms.tolist()
                vocabulary = {term: offset + j for j, term in enumerate(words)}  # columns of the whole union
                if len(vocabulary) != len(words):
                    raise ModelError(f"feature branch {spec.get('name')!r}: a term appears twice in the vocabulary")
                analyzer = _PythonAnalyzer(_column_ids(spec, vocabulary))
            self.by_lang[spec["lang"]].append((len(idf), analyzer))
            idf.append(weights)
            offset += len(terms)
        self.width = offset
        self.sparse_width = self.dense[0] if self.dense else offset
        self.sparse_branches = max(len(idf), 1)
        self.idf = np.concatenate(idf).astype(np.float64) if idf else np.zeros(0)

        coef = arrays["claim_coef"]
        heads = [arrays[f"claim_{key}"] for key in ("intercept", "a", "b")]
        self.folds = len(coef)
        if coef.ndim != 2 or coef.shape[1] != self.width or self.folds == 0 or any(h.shape != (self.folds,) for h in heads):
            raise ModelError("malformed inference export: claim model shapes do not match the features")
        self.claim_a, self.claim_b = heads[1], heads[2]
        blocks, bias = [coef], [heads[0]]
        self.categories: list[str] = []
        if "category_coef" in arrays:
            cat_coef, cat_bias = arrays["category_coef"], arrays["category_intercept"]
            self.categories = arrays["category_classes"].tolist()
            if cat_coef.shape != (len(self.categories), self.width) or cat_bias.shape != (len(self.categories),):
                raise ModelError("malformed inference export: category model shapes do not match the features")
            blocks.append(cat_coef)
            bias.append(cat_bias)
        # One (features x outputs) matrix: a batch's decision values are one gather and one segmented sum.
        self.weights = np.ascontiguousarray(np.vstack(blocks).T, dtype=np.float64)
        self.weights_by_output = np.ascontiguousarray(self.weights[: self.sparse_width].T)  # one row per output
        self.bias = np.concatenate(bias).astype(np.float64)

    @classmethod
    def from_bundle(cls, bundle: dict[str, Any]) -> Scorer:
        """The scorer of a fitted skops bundle (the same numbers the export would hold)."""
        meta, arrays = export_arrays(bundle)
        return cls(meta, arrays)

    @classmethod
    def load(cls, path: Path) -> Scorer:
        return cls(*read_export(path))

    def transform(self, rows: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(text, 'en'|'zh') rows -> the feature union's tf-idf matrix as CSR parts (data, indices, indptr),
        columns sorted within each row. Each branch reads all rows of its language at once."""
        indptr = np.zeros(len(rows) + 1, dtype=np.intp)
        nb, width = self.sparse_branches, self.sparse_width
        keys = []  # segment (row x branch) * width + column, for every term occurrence
        for lang, branches in self.by_lang.items():
            picked = [r for r, row in enumerate(rows) if row[1] == lang]
            if not picked or not branches:
                continue
            texts = [rows[r][0] for r in picked]
            segment_of = np.array(picked, dtype=np.int64) * nb
            for b, analyzer in branches:
                owner, columns = analyzer.occurrences(texts)
                keys.append((segment_of[owner] + b) * width + columns)
        key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        if not len(key):
            return np.zeros(0), np.zeros(0, dtype=np.intp), indptr
        key.sort()  # counting each (segment, column) pair: sort, then run lengths
        bounds = _run_bounds(key)
        unique = key[bounds[:-1]]
        segment = unique // width
        columns = unique - segment * width
        data = np.log((bounds[1:] - bounds[:-1]).astype(np.float64))  # sublinear tf: 1 + log(count), times idf
        data += 1.0
        data *= self.idf[columns]
        first = _run_bounds(segment)  # then l2 per segment
        squares = np.add.reduceat(data * data, first[:-1])
        data /= np.repeat(np.sqrt(squares), np.diff(first))
        np.cumsum(np.bincount(segment // nb, minlength=len(rows)), out=indptr[1:])
        return data, columns.astype(np.intp, copy=False), indptr

    def _projection(self):
        """The shipped piece table projected on the embedding branch's weights (built on first use)."""
        if self._projected is None:
            from claimcheck.score import embed

            first, size, scale = self.dense
            self._projected = embed.default().projection(self.weights[first : first + size] * scale)
        return self._projected

    def predict(self, rows: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray | None]:
        """(p_claim of each row, category probabilities of each row or None without a category model)."""
        data, columns, indptr = self.transform(rows)
        z = np.tile(self.bias, (len(rows), 1))
        if len(data):
            starts = indptr[:-1]
            filled = indptr[1:] > starts  # reduceat would give an empty row its next row's first value
            at = starts[filled]
            if len(data) <= _GATHER_ROWS:  # the gathered rows fit in cache: one gather for all outputs
                z[filled] += np.add.reduceat(self.weights.take(columns, axis=0) * data[:, None], at, axis=0)
            else:  # a large batch: output by output, gathering from one row of weights at a time
                for j, w in enumerate(self.weights_by_output):
                    z[filled, j] += np.add.reduceat(w.take(columns) * data, at)
        if self.dense is not None and rows:
            z += self._projection()([text for text, _ in rows])
        k = self.folds
        p_folds = 1.0 / (1.0 + np.exp(self.claim_a * z[:, :k] + self.claim_b))
        p_claim = p_folds[:, 0] if k == 1 else p_folds.sum(axis=1) / k
        if not self.categories:
            return p_claim, None
        scores = z[:, k:]
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return p_claim, scores


def _run_bounds(sorted_values: np.ndarray) -> np.ndarray:
    """The start of each run of equal values in a sorted, non-empty array, then the array's length."""
    change = np.empty(len(sorted_values) + 1, dtype=bool)
    change[0] = change[-1] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=change[1:-1])
    return np.flatnonzero(change)
