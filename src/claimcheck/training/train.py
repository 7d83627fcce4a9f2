"""Training the claim classifier reproducibly (`claimcheck train`): fixed seeds, group-wise folds.

Train on the train split, choose C and the threshold on dev, report on test; write the skops bundle, its
inference export (scored without scikit-learn) and a model card (data hash, seed, settings, metrics, file
hashes) into claimcheck/models/.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck.resources import models_dir
from claimcheck.score.classify import (
    CARD_FILE,
    FORMAT,
    TRUSTED_TYPES,
    ClaimModel,
    CompactTfidfVectorizer,
    embed_rows,
    en_texts,
    export_path,
    file_sha256,
    save,
    zh_texts,
)

FEATURE_SETS = ("ngrams", "embed", "both")
EMBED_SCALE = 1.0  # the embedding branch's weight beside the l2-normalised n-gram branches (see embed.MEAN_SCALE)


def build_features(kind: str = "both") -> Any:
    """The feature union: n-gram branches select their language's rows, then vectorize them; the embedding
    branch (static multilingual sentence vectors) reads every row. `kind` picks ngrams, embed or both."""
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    def branch(select, **options) -> Pipeline:
        tfidf = CompactTfidfVectorizer(min_df=2, sublinear_tf=True, **options)
        return Pipeline([("select", FunctionTransformer(select)), ("tfidf", tfidf)])

    ngrams = [
        ("en_words", branch(en_texts, ngram_range=(1, 2), max_features=20_000)),
        ("en_chars", branch(en_texts, analyzer="char_wb", ngram_range=(2, 5), max_features=30_000)),
        ("zh_chars", branch(zh_texts, analyzer="char", ngram_range=(1, 3), max_features=30_000)),
    ]
    embedding = [("embed", Pipeline([("embed", FunctionTransformer(embed_rows, kw_args={"scale": EMBED_SCALE}))]))]
    return FeatureUnion({"ngrams": ngrams, "embed": embedding, "both": ngrams + embedding}[kind])



def default_name(today: date | None = None) -> str:
    today = today or date.today()
    return f"claimcheck-linear-{today:%Y.%m}"


C_GRID = (0.1, 0.3, 1.0, 3.0)
CATEGORY_C_GRID = (1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(0.05 + 0.01 * i, 2) for i in range(91))  # 0.05 .. 0.95
MIN_PRECISION = 0.90  # the operating point: best F1 among thresholds with at least this precision on dev


def rows_of(examples) -> list[tuple[str, str]]:
    """(normalized text, 'en'|'zh'): exactly what the checker hands the model as Sentence.norm and lang."""
    from claimcheck.text.normalize import fold

    return [(fold(e.text).text, e.model_lang) for e in examples]


def _claim_model(c: float, seed: int, folds: list) -> Any:
    """A linear SVM (fast on sparse n-grams) with Platt scaling fitted on group-wise out-of-fold scores."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    base = LinearSVC(C=c, class_weight="balanced", random_state=seed)
    return CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)


def _group_folds(x, y, groups: list[str], seed: int) -> list:
    """Calibration folds by group, so a paraphrase never calibrates its own family."""
    from sklearn.model_selection import GroupKFold

    n_splits = min(5, len(set(groups)))
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return [(train.astype("int32"), test.astype("int32")) for train, test in splitter.split(x, y, groups)]


def best_threshold(y, p, min_precision: float = MIN_PRECISION) -> tuple[float, float]:
    """(threshold, F1) maximizing F1 among thresholds whose precision reaches `min_precision` (all
    thresholds if none does); ties resolved to the middle of the best run of thresholds."""
    from sklearn.metrics import f1_score, precision_score

    scores = [f1_score(y, p >= t, zero_division=0.0) for t in THRESHOLDS]
    precise = [precision_score(y, p >= t, zero_division=0.0) >= min_precision for t in THRESHOLDS]
    allowed = precise if any(precise) else [True] * len(THRESHOLDS)
    top = max(s for s, ok in zip(scores, allowed, strict=True) if ok)
    tied = [t for t, s, ok in zip(THRESHOLDS, scores, allowed, strict=True) if ok and s == top]
    return tied[len(tied) // 2], float(top)


def claim_metrics(examples, p, threshold: float, categories: list[str] | None = None) -> dict[str, Any]:
    """Precision, recall, F1 overall and per language; Brier score; top-1 category hits on true claims."""
    from sklearn.metrics import brier_score_loss, precision_recall_fscore_support

    y = np.array([e.is_claim for e in examples])
    langs = np.array([e.lang for e in examples])

    def prf(mask) -> dict[str, float]:
        pr, rc, f1, _ = precision_recall_fscore_support(y[mask], p[mask] >= threshold, average="binary", zero_division=0.0)
        return {"precision": round(float(pr), 4), "recall": round(float(rc), 4), "f1": round(float(f1), 4), "n": int(mask.sum())}

    out: dict[str, Any] = prf(np.ones(len(y), dtype=bool))
    out["brier"] = round(float(brier_score_loss(y, p)), 4)
    out["per_language"] = {lang: prf(langs == lang) for lang in sorted(set(langs))}
    if categories is not None:
        hits = [cat in e.categories for e, cat in zip(examples, categories, strict=True) if e.is_claim]
        out["category_top1"] = round(sum(hits) / len(hits), 4) if hits else 0.0
    return out


def fit_models(
    train_ex, dev_ex, seed: int = 0, *, c_grid=C_GRID, category_c_grid=CATEGORY_C_GRID, feature_set: str = "both"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit the features and both models on train, choosing C and the threshold on dev: (bundle, choices)."""
    features = build_features(feature_set)
    x_train = features.fit_transform(rows_of(train_ex))
    x_dev = features.transform(rows_of(dev_ex))
    for _, branch in features.transformer_list:
        if hasattr(branch[-1], "stop_words_"):
            del branch[-1].stop_words_  # only needed for introspection; it would bloat the file
    claim, c, threshold = _fit_claim(x_train, train_ex, x_dev, dev_ex, seed, c_grid)
    category, category_c = _fit_category(x_train, train_ex, x_dev, dev_ex, category_c_grid)
    bundle = {
        "format": FORMAT,
        "name": default_name(),
        "threshold": threshold,
        "features": features,
        "claim": claim,
        "category": category,
    }
    return bundle, {"C": c, "category_C": category_c, "threshold": threshold}


def _fit_claim(x_train, train_ex, x_dev, dev_ex, seed: int, c_grid) -> tuple[Any, float, float]:
    """The calibrated claim model with the C and threshold that give the best F1 on dev."""
    y_train = np.array([e.is_claim for e in train_ex])
    y_dev = np.array([e.is_claim for e in dev_ex])
    folds = _group_folds(x_train, y_train, [e.group for e in train_ex], seed)
    best = None
    for c in c_grid:
        model = _claim_model(c, seed, folds).fit(x_train, y_train)
        threshold, f1 = best_threshold(y_dev, model.predict_proba(x_dev)[:, 1])
        if best is None or f1 > best[0]:
            best = (f1, model, c, threshold)
    _, model, c, threshold = best
    return model, c, float(threshold)


def _fit_category(x_train, train_ex, x_dev, dev_ex, c_grid) -> tuple[Any, float | None]:
    """Multinomial logistic regression on claims (target: the first listed category), C chosen on dev claims."""
    from sklearn.linear_model import LogisticRegression

    claims = [i for i, e in enumerate(train_ex) if e.is_claim]
    dev_claims = [i for i, e in enumerate(dev_ex) if e.is_claim]
    primary = [train_ex[i].categories[0] for i in claims]
    if len(set(primary)) < 2:
        return None, None
    best = None
    for c in c_grid:
        model = LogisticRegression(C=c, solver="newton-cg", class_weight="balanced", max_iter=1000)
        model.fit(x_train[claims], primary)
        guesses = model.predict(x_dev[dev_claims]) if dev_claims else []
        hits = sum(g in dev_ex[i].categories for g, i in zip(guesses, dev_claims, strict=True))
        if best is None or hits > best[0]:
            best = (hits, model, c)
    return best[1], best[2]


def compare_features(splits: dict[str, list], seed: int = 0) -> dict[str, Any]:
    """The issue's comparison, on the real-style test split (grouped by source domain) and across
    conditions (trained on stroke lines only, tested on real-style lines about every other condition):
    F1 at the dev-chosen threshold with precision >= MIN_PRECISION, for each feature set and for hashed
    character 1-4-grams. Logistic regression throughout, so only the features differ."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, precision_score, recall_score
    from sklearn.pipeline import make_pipeline

    def hashed() -> Any:
        hv = HashingVectorizer(analyzer="char", ngram_range=(1, 4), n_features=2**20, alternate_sign=False, norm=None)
        return make_pipeline(_Texts(), hv, TfidfTransformer(sublinear_tf=True))

    examples = splits["train"] + splits["dev"] + splits["test"]
    stroke = [e for e in examples if e.condition == "stroke"]
    other = [e for e in splits["dev"] + splits["test"] if e.condition != "stroke"]
    other_dev, other_test = other[::2], other[1::2]
    settings = {
        "domain split": (splits["train"], splits["dev"], splits["test"]),
        "stroke -> other conditions": (stroke, other_dev, other_test),
    }
    out: dict[str, Any] = {}
    for setting, (train_ex, dev_ex, test_ex) in settings.items():
        y = {k: np.array([e.is_claim for e in v]) for k, v in (("train", train_ex), ("dev", dev_ex), ("test", test_ex))}
        for name in (*FEATURE_SETS, "hashed_char_1_4"):
            features = hashed() if name == "hashed_char_1_4" else build_features(name)
            x_train = features.fit_transform(rows_of(train_ex))
            model = LogisticRegression(C=3.0, max_iter=3000, class_weight="balanced", random_state=seed).fit(x_train, y["train"])
            p_dev = model.predict_proba(features.transform(rows_of(dev_ex)))[:, 1]
            p_test = model.predict_proba(features.transform(rows_of(test_ex)))[:, 1]
            t, _ = best_threshold(y["dev"], p_dev)
            guess = p_test >= t
            out.setdefault(setting, {})[name] = {
                "threshold": t,
                "precision": round(float(precision_score(y["test"], guess, zero_division=0.0)), 4),
                "recall": round(float(recall_score(y["test"], guess, zero_division=0.0)), 4),
                "f1": round(float(f1_score(y["test"], guess, zero_division=0.0)), 4),
                "n_test": len(test_ex),
            }
    return out


class _Texts:
    """The texts of (text, lang) rows, for the hashed comparison (a stateless transformer)."""

    def fit(self, rows, y=None):
        return self

    def transform(self, rows):
        return [text for text, _ in rows]

    def fit_transform(self, rows, y=None):
        return self.transform(rows)


def training_splits(examples) -> dict[str, list]:
    """train / dev / test. With real-style (v2) lines present, dev and test are their dev and test splits
    (by source domain) and every authored v1 line trains: thresholds are chosen, and accuracy judged, on
    text modelled on real pages only. Without v2 lines, the v1 splits as before."""
    from claimcheck.training import corpus

    if not any(e.real_style for e in examples):
        return {s: corpus.select(examples, s) for s in corpus.SPLITS}
    return {
        "train": [e for e in examples if not e.real_style or e.split == "train"],
        "dev": [e for e in examples if e.real_style and e.split == "dev"],
        "test": [e for e in examples if e.real_style and e.split == "test"],
    }


def embed_width() -> int:
    from claimcheck.score import embed

    return embed.default().dims


def _embedding_card() -> dict[str, Any]:
    """How the static piece table was made (see claimcheck.score.embed and tools/build_static_embeddings.py)."""
    from claimcheck.score import embed

    table = embed.default()
    return {
        "file": embed.TABLE_FILE,
        "teacher": table.teacher,
        "method": "each SentencePiece piece of the teacher embedded alone ([BOS, piece, EOS]); pieces outside "
        "CJK, CJK punctuation and the most probable pure-ASCII pieces dropped; PCA to the stored width; int8 "
        "with one scale per row; a sentence is the SIF-weighted (a=1e-3) mean of its pieces times "
        f"{embed.MEAN_SCALE} (not L2-normalised, so that scoring projects the table on the model once)",
        "pieces": int(len(table.weights) - 1),
        "dims": table.dims,
        "scale_in_features": EMBED_SCALE,
    }


def train(
    corpus_dir: Path | None,
    out_dir: Path,
    seed: int = 0,
    *,
    c_grid=C_GRID,
    category_c_grid=CATEGORY_C_GRID,
    feature_set: str = "both",
    compare: bool = False,
) -> dict[str, Any]:
    """Train on the train split, choose C and the threshold on dev, report on test; write model and card.

    Returns the model card (also written as card.json): data hash, seed, chosen parameters, dev and test
    metrics. The same data and seed give the same model.
    """
    import sklearn
    import skops

    from claimcheck.errors import InputError
    from claimcheck.training import corpus

    examples = corpus.load(corpus_dir)
    splits = training_splits(examples)
    for s in ("train", "dev"):
        if len({e.label for e in splits[s]}) < 2:
            raise InputError(f"the {s} split needs both claims and non-claims to train")
    bundle, choices = fit_models(
        splits["train"], splits["dev"], seed=seed, c_grid=c_grid, category_c_grid=category_c_grid, feature_set=feature_set
    )
    model = ClaimModel(bundle)
    metrics: dict[str, Any] = {}
    for s in ("dev", "test"):
        if splits[s]:
            scores = model.score([n for n, _ in rows_of(splits[s])], [e.model_lang for e in splits[s]])
            p = np.array([sc.p_claim for sc in scores])
            metrics[s] = claim_metrics(splits[s], p, model.threshold, [sc.category for sc in scores])
    comparison = compare_features(splits, seed) if compare and any(e.real_style for e in examples) else None
    path = save(bundle, Path(out_dir))  # the skops file and its inference export
    card = {
        "name": bundle["name"],
        "format": FORMAT,
        "trained": date.today().isoformat(),
        "seed": seed,
        "sklearn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": np.__version__,
        "data": {
            "sha256": corpus.fingerprint(examples),
            "train_sha256": corpus.fingerprint(splits["train"]),
            "sentences": {s: len(v) for s, v in splits.items()},
        },
        "params": choices,
        "features": {
            name: len(getattr(branch[-1], "vocabulary_", ())) or embed_width()
            for name, branch in bundle["features"].transformer_list
        },
        "categories": model.categories,
        "metrics": metrics,
        "feature_comparison": comparison,
        "embedding": _embedding_card() if feature_set != "ngrams" else None,
        "files": {p.name: {"bytes": p.stat().st_size, "sha256": file_sha256(p)} for p in (path, export_path(path))},
        "trusted_types": list(TRUSTED_TYPES),
    }
    (Path(out_dir) / CARD_FILE).write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return card


def train_cli(corpus: Path | None, out: Path | None, console, *, compare: bool = True) -> int:
    """`claimcheck train`: rebuild the shipped model (or one in --out) and print its metrics."""
    from rich.table import Table

    out_dir = Path(out) if out is not None else models_dir()
    card = train(corpus, out_dir, seed=0, compare=compare)
    table = Table("split", "language", "precision", "recall", "F1", "n", title=f"{card['name']} (claim vs not)")
    for split, m in card["metrics"].items():
        for lang, row in [("all", m), *m["per_language"].items()]:
            table.add_row(split, lang, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["n"]))
    console.print(table)
    params = card["params"]
    console.print(f"C={params['C']}  threshold={params['threshold']}  category C={params['category_C']}")
    for split, m in card["metrics"].items():
        console.print(f"{split}: category top-1 on claims {m.get('category_top1', 0):.3f}, Brier {m['brier']:.4f}")
    for setting, rows in (card.get("feature_comparison") or {}).items():
        comp = Table("features", "precision", "recall", "F1", title=f"feature comparison: {setting} (F1 at precision >= {MIN_PRECISION} on dev)")
        for name, row in rows.items():
            comp.add_row(name, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}")
        console.print(comp)
    files = ", ".join(f"{out_dir / name} ({f['bytes'] / 1024:.0f} KiB)" for name, f in card["files"].items())
    console.print(f"wrote {files} and {CARD_FILE}; data sha256 {card['data']['sha256'][:12]}")
    if out is None:
        ClaimModel._default_loaded = False  # the rebuilt shipped model is picked up on next use
    return 0


