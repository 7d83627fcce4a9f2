"""The claim classifier: small linear models that score normalized sentences (claim or not; which category).

Features suit each language: English gets word 1-2-grams and char_wb 2-5-grams, Chinese gets jieba words
(1-2-grams) and character 1-3-grams; every branch sees only its own language's sentences. One shared feature
union feeds two models: a linear SVM calibrated with CalibratedClassifierCV (sigmoid, group-wise folds) for
claim vs not, and a multinomial logistic regression for the category of a claim. Everything is persisted
with skops and loaded against an explicit list of trusted types, never with pickle.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import warnings
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from claimcheck.errors import ModelError
from claimcheck.resources import models_dir

MODEL_FILE = "claimcheck.skops"
CARD_FILE = "card.json"
FORMAT = 1

# The types a claimcheck model holds beyond skops' defaults (sklearn's public estimators, numpy, builtins).
# Loading passes exactly this list: a file holding any other type is refused with ModelError.
TRUSTED_TYPES: tuple[str, ...] = (
    "claimcheck.classify.CompactTfidfVectorizer",
    "claimcheck.classify.en_texts",
    "claimcheck.classify.zh_texts",
    "claimcheck.classify.zh_words",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)


@dataclass(frozen=True, slots=True)
class SentenceScore:
    """The model's view of one sentence."""

    p_claim: float  # calibrated probability the sentence is a red-flag claim
    category: str | None  # most likely category among CATEGORIES (None without a category model)
    p_category: float  # its probability


# Module-level functions, so skops can persist them by name (they are in TRUSTED_TYPES).
def en_texts(rows: list[tuple[str, str]]) -> list[str]:
    """The texts of English rows; other rows become empty so English features never fire on them."""
    return [text if lang == "en" else "" for text, lang in rows]


def zh_texts(rows: list[tuple[str, str]]) -> list[str]:
    """The texts of Chinese rows (already Simplified by normalization); other rows become empty."""
    return [text if lang == "zh" else "" for text, lang in rows]


def zh_words(text: str) -> list[str]:
    """jieba words of a normalized Chinese sentence, whitespace dropped."""
    import jieba

    return [w for w in jieba.lcut(text) if not w.isspace()]


MIN_LETTERS = 3
_NO_WORDS = SentenceScore(0.0, None, 0.0)


def is_fragment(norm: str) -> bool:
    """List numbers, citation marks, bare punctuation: too few letters to be a claim.

    Without this, l2 normalization gives the one or two n-grams of "3." or "[5]" full weight and the model
    can score them as confidently as a real sentence.
    """
    return sum(c.isalpha() for c in norm) < MIN_LETTERS


def route(norm: str, lang: str) -> str:
    """'en' or 'zh' for the feature branches; other languages go by whether the text holds Han characters."""
    if lang in ("en", "zh"):
        return lang
    return "zh" if any("\u3400" <= c <= "\u9fff" for c in norm) else "en"


class CompactTfidfVectorizer(TfidfVectorizer):
    """TfidfVectorizer whose vocabulary is persisted as one array of terms (index = position).

    skops writes a dict as one node per entry: tens of thousands of terms made the file slow to write and
    to load. The array form loads in milliseconds; the vectorizer behaves exactly like its parent.
    """

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())  # object.__getstate__ may return the live __dict__
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            state["terms_"] = np.array(sorted(vocabulary, key=vocabulary.__getitem__), dtype=str)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        terms = state.pop("terms_", None)
        if terms is not None:
            state["vocabulary_"] = {str(term): i for i, term in enumerate(terms.tolist())}
        super().__setstate__(state)


class ClaimModel:
    """A trained feature union plus a calibrated claim model and (optionally) a category model."""

    _default: ClaimModel | None = None
    _default_loaded = False
    _lock = threading.Lock()

    def __init__(self, bundle: dict[str, Any], *, path: Path | None = None) -> None:
        self.features = bundle["features"]
        self.claim = bundle["claim"]
        self.category = bundle.get("category")
        self.threshold = float(bundle["threshold"])  # the dev-chosen operating point for p_claim
        self.name = str(bundle["name"])
        self.path = path
        self.categories = [str(c) for c in self.category.classes_] if self.category is not None else []
        self._fast = FastFeatures(self.features)
        self._linear = LinearHeads(self.claim, self.category)

    @classmethod
    def load_default(cls) -> ClaimModel | None:
        """The model shipped in claimcheck/models/ (loaded once per process), or None if none is shipped."""
        if not cls._default_loaded:
            with cls._lock:
                if not cls._default_loaded:
                    path = models_dir() / MODEL_FILE
                    cls._default = cls.load(path) if path.is_file() else None
                    cls._default_loaded = True
        return cls._default

    @classmethod
    def load(cls, path: Path) -> ClaimModel:
        """Load a .skops model (or the folder holding one), refusing any type not in TRUSTED_TYPES."""
        path = Path(path)
        if path.is_dir():
            path = path / MODEL_FILE
        bundle = load_trusted(path)
        try:
            model = cls(bundle, path=path)
            model.score(["stem cells cure stroke"], ["en"])  # English only: keeps jieba unloaded
        except Exception as exc:  # a model that loads but cannot run is as unusable as a missing one
            raise ModelError(f"the model in {path} is incompatible with this installation: {exc}") from exc
        return model

    def score(self, norms: list[str], langs: list[str]) -> list[SentenceScore]:
        """Score normalized sentences (Sentence.norm) in one batch: one predict_proba call per model.

        Repeated sentences (boilerplate, menus) are scored once; fragments without words score 0.
        """
        if len(norms) != len(langs):
            raise ValueError("norms and langs must have the same length")
        rows = [(n, route(n, lang)) for n, lang in zip(norms, langs, strict=True)]
        unique = list(dict.fromkeys(r for r in rows if not is_fragment(r[0])))
        if not unique:
            return [_NO_WORDS] * len(rows)
        x = self._fast.transform(unique)
        p_claim, p_cat = self._linear.predict(x)
        if p_cat is None:
            scored = [SentenceScore(float(p), None, 0.0) for p in p_claim]
        else:
            best = p_cat.argmax(axis=1)
            scored = [SentenceScore(float(p), self.categories[b], float(row[b])) for p, b, row in zip(p_claim, best, p_cat, strict=True)]
        by_row = dict(zip(unique, scored, strict=True))
        return [by_row.get(r, _NO_WORDS) for r in rows]

    def is_claim(self, score: SentenceScore) -> bool:
        """Whether a score passes the operating point chosen on the dev split."""
        return score.p_claim >= self.threshold


class LinearHeads:
    """The fitted models' probabilities as one sparse matrix product each, without scikit-learn's per-call
    input validation (~5 ms a call here): the calibrated linear SVM (decision function, then its sigmoid
    calibrator) and the multinomial logistic regression (softmax). Tests check they equal predict_proba.
    """

    def __init__(self, claim: Any, category: Any | None) -> None:
        self.fallback = claim
        self.claim_heads: list[tuple[np.ndarray, float, float, float]] = []
        if type(claim).__name__ == "CalibratedClassifierCV" and list(claim.classes_) == [False, True]:
            for cc in claim.calibrated_classifiers_:
                est, (cal,) = cc.estimator, cc.calibrators
                self.claim_heads.append((est.coef_.ravel().astype(np.float64), float(est.intercept_[0]), float(cal.a_), float(cal.b_)))
        self.category = category
        self.cat_coef = category.coef_.T.astype(np.float64) if category is not None else None
        self.cat_bias = category.intercept_.astype(np.float64) if category is not None else None

    def predict(self, x: Any) -> tuple[np.ndarray, np.ndarray | None]:
        if self.claim_heads:
            p_claim = np.mean([1.0 / (1.0 + np.exp(a * (x @ w + b) + c)) for w, b, a, c in self.claim_heads], axis=0)
        else:  # an unexpected model shape: let scikit-learn do it
            p_claim = self.fallback.predict_proba(x)[:, 1]
        if self.cat_coef is None:
            return p_claim, None
        z = x @ self.cat_coef + self.cat_bias
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return p_claim, z / z.sum(axis=1, keepdims=True)


class FastFeatures:
    """The fitted feature union's transform without scikit-learn's per-call validation overhead.

    Same analyzers, vocabularies and idf weights, same arithmetic (counts, sublinear tf, idf, l2 norm per
    branch), one CSR matrix built directly: tests check it equals `features.transform`.
    """

    def __init__(self, union: Any) -> None:
        self.branches: list[tuple[str, Any, list[float], int]] = []
        offset = 0
        for _, branch in union.transformer_list:
            select, tfidf = branch[0].func, branch[-1]
            lang = {en_texts: "en", zh_texts: "zh"}[select]
            if not (tfidf.sublinear_tf and tfidf.use_idf and tfidf.norm == "l2"):
                raise ModelError("the feature branches must use sublinear tf, idf and l2 norm")
            idf = [float(v) for v in tfidf.idf_]
            self.branches.append((lang, _columns_of(tfidf), idf, offset))
            offset += len(idf)
        self.width = offset
        self._row = lru_cache(maxsize=50_000)(self._row_uncached)  # menus and boilerplate repeat across pages

    def transform(self, rows: list[tuple[str, str]]) -> Any:
        """(normalized text, 'en'|'zh') rows to the tf-idf matrix the linear models expect."""
        import scipy.sparse as sp

        indptr, indices, values = [0], [], []
        for row in rows:
            cols, vals = self._row(row)
            indices.extend(cols)
            values.extend(vals)
            indptr.append(len(indices))
        return sp.csr_matrix(
            (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
            shape=(len(rows), self.width),
        )

    def _row_uncached(self, row: tuple[str, str]) -> tuple[tuple[int, ...], tuple[float, ...]]:
        text, row_lang = row
        indices: list[int] = []
        values: list[float] = []
        for lang, columns, idf, offset in self.branches:
            if lang == row_lang:
                self._add_branch(columns(text), idf, offset, indices, values)
        return tuple(indices), tuple(values)

    @staticmethod
    def _add_branch(column_ids, idf, offset, indices, values) -> None:
        found: dict[int, int] = {}
        for j in column_ids:
            found[j] = found.get(j, 0) + 1
        if not found:
            return
        columns = sorted(found)
        weights = [(math.log(found[j]) + 1.0) * idf[j] for j in columns]
        norm = math.sqrt(sum(w * w for w in weights))
        indices.extend(offset + j for j in columns)
        values.extend(w / norm for w in weights)


def _columns_of(tfidf: Any):
    """text -> vocabulary columns of its terms. For char_wb n-grams, which sklearn builds word by word, each
    word's columns are cached, so common words cost one lookup instead of dozens of n-grams."""
    vocabulary = tfidf.vocabulary_
    if tfidf.analyzer != "char_wb":
        analyze = tfidf.build_analyzer()
        return lambda text: [j for t in analyze(text) if (j := vocabulary.get(t)) is not None]
    preprocess = tfidf.build_preprocessor()

    @lru_cache(maxsize=200_000)
    def word_columns(word: str) -> tuple[int, ...]:
        return tuple(j for g in tfidf._char_wb_ngrams(word) if (j := vocabulary.get(g)) is not None)

    return lambda text: [j for w in preprocess(text).split() for j in word_columns(w)]


def load_trusted(path: Path) -> dict[str, Any]:
    """skops.io.load with the explicit trusted list; ModelError if missing, unexpected or malformed."""
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    if not path.is_file():
        raise ModelError(f"no model file at {path}: run `claimcheck train`")
    _warn_on_version_change(path)
    try:
        bundle = sio.load(path, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as exc:
        unexpected = sorted(set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES))
        raise ModelError(f"{path} contains types claimcheck does not trust: {', '.join(unexpected) or exc}") from exc
    except Exception as exc:
        raise ModelError(f"cannot load the model in {path}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT or not {"features", "claim"} <= set(bundle):
        raise ModelError(f"{path} is not a claimcheck model (format {FORMAT})")
    return bundle


def _warn_on_version_change(path: Path) -> None:
    """Say so when the model was trained with another scikit-learn (it may still load and run)."""
    import sklearn

    card = path.parent / CARD_FILE
    try:
        trained_with = json.loads(card.read_text(encoding="utf-8")).get("sklearn")
    except (OSError, ValueError):
        return
    if trained_with and trained_with.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        warnings.warn(
            f"the model was trained with scikit-learn {trained_with}, this is {sklearn.__version__}; "
            "run `claimcheck train` if it misbehaves",
            stacklevel=3,
        )


def save(bundle: dict[str, Any], out_dir: Path) -> Path:
    """Write the bundle with skops and check at once that it loads back under the trusted list."""
    import skops.io as sio

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MODEL_FILE
    sio.dump(bundle, path, compression=zipfile.ZIP_DEFLATED)
    load_trusted(path)
    return path


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
