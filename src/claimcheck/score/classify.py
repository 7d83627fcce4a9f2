"""The claim classifier: small linear models that score normalized sentences (claim or not; which category).

Features suit each language: English gets word 1-2-grams and char_wb 2-5-grams, Chinese character 1-3-grams
(jieba words added nothing measurable on the real-style splits and cost a third of a check); every n-gram
branch sees only its own language's sentences, and static multilingual sentence vectors read every sentence.
One shared feature union feeds two models: a linear SVM calibrated with CalibratedClassifierCV (sigmoid, group-wise folds) for
claim vs not, and a multinomial logistic regression for the category of a claim. Everything is persisted
with skops and loaded against an explicit list of trusted types, never with pickle.

Scoring needs neither scikit-learn nor skops: beside the skops file, training writes an inference export
(claimcheck.npz, plain numpy arrays, see claimcheck.score.inference) that records the skops file's sha256 and is
used only while that hash matches.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimcheck.errors import ModelError
from claimcheck.resources import models_dir

if TYPE_CHECKING:
    from claimcheck.score.inference import Scorer

MODEL_FILE = "claimcheck.skops"
EXPORT_FILE = "claimcheck.npz"  # the inference export of MODEL_FILE, beside it
CARD_FILE = "card.json"
FORMAT = 1

# The types a claimcheck model holds beyond skops' defaults (sklearn's public estimators, numpy, builtins).
# Loading passes exactly this list: a file holding any other type is refused with ModelError.
TRUSTED_TYPES: tuple[str, ...] = (
    "claimcheck.score.classify.CompactTfidfVectorizer",
    "claimcheck.score.classify.en_texts",
    "claimcheck.score.classify.zh_texts",
    "claimcheck.score.classify.embed_rows",
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


def embed_rows(rows: list[tuple[str, str]], scale: float = 1.0) -> Any:
    """Static multilingual sentence vectors of every row (any language), times `scale` (see claimcheck.score.embed):
    the one feature branch that generalises across conditions and languages."""
    from claimcheck.score import embed

    vectors = embed.embed([text for text, _ in rows])
    return vectors * scale if scale != 1.0 else vectors


MIN_LETTERS = 3
BATCH = 1024  # sentences per feature pass: a score never depends on its batch (tested), memory stays bounded
_NO_WORDS = SentenceScore(0.0, None, 0.0)
# Every character str.isalpha() accepts, and a few numerals it does not (\w is isalnum() or "_"; letters are
# never decimal digits): the regex skips everything else at C speed, isalpha() then decides.
_LETTER_LIKE = re.compile(r"[^\W\d_]")
_HAN = re.compile("[\u3400-\u9fff]")


def is_fragment(norm: str) -> bool:
    """List numbers, citation marks, bare punctuation: too few letters to be a claim.

    Without this, l2 normalization gives the one or two n-grams of "3." or "[5]" full weight and the model
    can score them as confidently as a real sentence.
    """
    letters = 0
    for m in _LETTER_LIKE.finditer(norm):
        if m.group().isalpha():
            letters += 1
            if letters >= MIN_LETTERS:
                return False
    return True


def route(norm: str, lang: str) -> str:
    """'en' or 'zh' for the feature branches; other languages go by whether the text holds Han characters."""
    if lang == "en" or lang == "zh":
        return lang
    return "zh" if _HAN.search(norm) else "en"


_class_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    """CompactTfidfVectorizer subclasses scikit-learn's vectorizer: it is defined on first use (training,
    loading a skops file), so that scoring never imports scikit-learn."""
    if name != "CompactTfidfVectorizer":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _class_lock:
        if name not in globals():
            globals()[name] = _compact_tfidf_vectorizer()
    return globals()[name]


def _compact_tfidf_vectorizer() -> type:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

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

    CompactTfidfVectorizer.__qualname__ = "CompactTfidfVectorizer"  # skops and pickle find it by this name
    return CompactTfidfVectorizer


class ClaimModel:
    """The claim model and (optionally) the category model, scored with numpy (see claimcheck.score.inference).
    """

    _default: ClaimModel | None = None
    _default_loaded = False
    _lock = threading.Lock()

    def __init__(self, source: dict[str, Any] | Scorer, *, path: Path | None = None) -> None:
        """From a fitted skops bundle (as training builds it) or a loaded Scorer."""
        from claimcheck.score.inference import Scorer

        self.scorer = source if isinstance(source, Scorer) else Scorer.from_bundle(source)
        self.threshold = self.scorer.threshold  # the dev-chosen operating point for p_claim
        self.name = self.scorer.name
        self.path = path
        self.categories = list(self.scorer.categories)

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
    def load(cls, path: Path, *, use_export: bool = True) -> ClaimModel:
        """Load a .skops model (or the folder holding one).

        The inference export beside it (same name, .npz) is used when it records this skops file's sha256:
        no scikit-learn needed. Otherwise (or with use_export=False) the skops file is loaded, refusing any
        type not in TRUSTED_TYPES.
        """
        path = Path(path)
        if path.is_dir():
            path = path / MODEL_FILE
        scorer = _matching_export(path) if use_export else None
        try:
            model = cls(scorer if scorer is not None else load_trusted(path), path=path)
            model.score(["stem cells cure stroke"], ["en"])  # a model that loads but cannot score fails here
        except ModelError:
            raise
        except Exception as exc:  # a model that loads but cannot run is as unusable as a missing one
            raise ModelError(f"the model in {path} is incompatible with this installation: {exc}") from exc
        return model

    def score(self, norms: list[str], langs: list[str]) -> list[SentenceScore]:
        """Score normalized sentences (Sentence.norm) in one batch: one feature pass and one matrix product.

        A sentence repeated within the batch is scored once; nothing is kept between calls (a cache would
        only flatter repeated text). Fragments without words score 0 (see is_fragment).
        """
        if len(norms) != len(langs):
            raise ValueError("norms and langs must have the same length")
        rows = list(zip(norms, map(route, norms, langs), strict=True))
        distinct = [r for r in dict.fromkeys(rows) if not is_fragment(r[0])]
        scored = dict.fromkeys(rows, _NO_WORDS)
        for i in range(0, len(distinct), BATCH):  # batches bound the feature arrays of a long text
            batch = distinct[i : i + BATCH]
            p_claim, p_cat = self.scorer.predict(batch)
            if p_cat is None:
                scored.update((r, SentenceScore(p, None, 0.0)) for r, p in zip(batch, p_claim.tolist(), strict=True))
                continue
            best = p_cat.argmax(axis=1)
            p_best = p_cat[range(len(batch)), best].tolist()
            names = [self.categories[b] for b in best.tolist()]
            scored.update(
                (r, SentenceScore(p, c, pc)) for r, p, c, pc in zip(batch, p_claim.tolist(), names, p_best, strict=True)
            )
        return [scored[r] for r in rows]

    def is_claim(self, score: SentenceScore) -> bool:
        """Whether a score passes the operating point chosen on the dev split."""
        return score.p_claim >= self.threshold


def _matching_export(skops_path: Path) -> Scorer | None:
    """The Scorer of the export beside `skops_path` if it was derived from exactly that file, else None.

    A stale export (the skops file changed since) or an unreadable one is never used: say so and fall back.
    """
    from claimcheck.score import inference

    export = export_path(skops_path)
    if not export.is_file() or not skops_path.is_file():
        return None
    try:
        recorded = inference.read_meta(export).get("skops_sha256")
        if recorded != file_sha256(skops_path):
            warnings.warn(f"{export} was derived from another {skops_path.name}: loading the skops file", stacklevel=3)
            return None
        return inference.Scorer.load(export)
    except (ModelError, OSError) as exc:
        warnings.warn(f"{exc}; loading {skops_path.name} instead", stacklevel=3)
        return None


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
    """Write the bundle with skops, check at once that it loads back under the trusted list, and write
    its inference export beside it (EXPORT_FILE). Returns the skops file's path."""
    import skops.io as sio

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MODEL_FILE
    sio.dump(bundle, path, compression=zipfile.ZIP_DEFLATED)
    write_export(path)
    return path


def export_path(skops_path: Path) -> Path:
    """Where the inference export of a skops file lives: beside it, same name, .npz."""
    return Path(skops_path).with_suffix(".npz")


def write_export(skops_path: Path) -> Path:
    """(Re)write the inference export of a skops file, derived from what the file holds under the trusted
    list (no retraining) and stamped with its sha256. Returns the export's path."""
    from claimcheck.score import inference

    skops_path = Path(skops_path)
    bundle = load_trusted(skops_path)
    return inference.write_export(bundle, export_path(skops_path), skops_sha256=file_sha256(skops_path))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
