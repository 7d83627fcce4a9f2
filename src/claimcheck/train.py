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

from claimcheck.classify import (
    CARD_FILE,
    FORMAT,
    TRUSTED_TYPES,
    ClaimModel,
    CompactTfidfVectorizer,
    en_texts,
    export_path,
    file_sha256,
    save,
    zh_texts,
    zh_words,
)
from claimcheck.resources import models_dir


def build_features() -> Any:
    """The feature union: each branch selects its language's rows, then vectorizes them."""
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    def branch(select, **options) -> Pipeline:
        tfidf = CompactTfidfVectorizer(min_df=2, sublinear_tf=True, **options)
        return Pipeline([("select", FunctionTransformer(select)), ("tfidf", tfidf)])

    return FeatureUnion(
        [
            ("en_words", branch(en_texts, ngram_range=(1, 2), max_features=20_000)),
            ("en_chars", branch(en_texts, analyzer="char_wb", ngram_range=(2, 5), max_features=30_000)),
            ("zh_words", branch(zh_texts, tokenizer=zh_words, token_pattern=None, lowercase=False, ngram_range=(1, 2), max_features=20_000)),
            ("zh_chars", branch(zh_texts, analyzer="char", ngram_range=(1, 3), max_features=30_000)),
        ]
    )



def default_name(today: date | None = None) -> str:
    today = today or date.today()
    return f"claimcheck-linear-{today:%Y.%m}"


C_GRID = (0.1, 0.3, 1.0, 3.0)
CATEGORY_C_GRID = (1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(0.1 + 0.05 * i, 2) for i in range(17))  # 0.10 .. 0.90


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


def best_threshold(y, p) -> tuple[float, float]:
    """(threshold, F1) maximizing F1; ties resolved to the middle of the best run of thresholds."""
    from sklearn.metrics import f1_score

    scores = [f1_score(y, p >= t, zero_division=0.0) for t in THRESHOLDS]
    top = max(scores)
    tied = [t for t, s in zip(THRESHOLDS, scores, strict=True) if s == top]
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
    train_ex, dev_ex, seed: int = 0, *, c_grid=C_GRID, category_c_grid=CATEGORY_C_GRID
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit the features and both models on train, choosing C and the threshold on dev: (bundle, choices)."""
    features = build_features()
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


def train(
    corpus_dir: Path | None, out_dir: Path, seed: int = 0, *, c_grid=C_GRID, category_c_grid=CATEGORY_C_GRID
) -> dict[str, Any]:
    """Train on the train split, choose C and the threshold on dev, report on test; write model and card.

    Returns the model card (also written as card.json): data hash, seed, chosen parameters, dev and test
    metrics. The same data and seed give the same model.
    """
    import sklearn
    import skops

    from claimcheck import corpus
    from claimcheck.errors import InputError

    examples = corpus.load(corpus_dir)
    splits = {s: corpus.select(examples, s) for s in corpus.SPLITS}
    for s in ("train", "dev"):
        if len({e.label for e in splits[s]}) < 2:
            raise InputError(f"the {s} split needs both claims and non-claims to train")
    bundle, choices = fit_models(splits["train"], splits["dev"], seed=seed, c_grid=c_grid, category_c_grid=category_c_grid)
    model = ClaimModel(bundle)
    metrics: dict[str, Any] = {}
    for s in ("dev", "test"):
        if splits[s]:
            scores = model.score([n for n, _ in rows_of(splits[s])], [e.model_lang for e in splits[s]])
            p = np.array([sc.p_claim for sc in scores])
            metrics[s] = claim_metrics(splits[s], p, model.threshold, [sc.category for sc in scores])
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
        "features": {name: len(branch[-1].vocabulary_) for name, branch in bundle["features"].transformer_list},
        "categories": model.categories,
        "metrics": metrics,
        "files": {p.name: {"bytes": p.stat().st_size, "sha256": file_sha256(p)} for p in (path, export_path(path))},
        "trusted_types": list(TRUSTED_TYPES),
    }
    (Path(out_dir) / CARD_FILE).write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return card


def train_cli(corpus: Path | None, out: Path | None, console) -> int:
    """`claimcheck train`: rebuild the shipped model (or one in --out) and print its metrics."""
    from rich.table import Table

    out_dir = Path(out) if out is not None else models_dir()
    card = train(corpus, out_dir, seed=0)
    table = Table("split", "language", "precision", "recall", "F1", "n", title=f"{card['name']} (claim vs not)")
    for split, m in card["metrics"].items():
        for lang, row in [("all", m), *m["per_language"].items()]:
            table.add_row(split, lang, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["n"]))
    console.print(table)
    params = card["params"]
    console.print(f"C={params['C']}  threshold={params['threshold']}  category C={params['category_C']}")
    for split, m in card["metrics"].items():
        console.print(f"{split}: category top-1 on claims {m.get('category_top1', 0):.3f}, Brier {m['brier']:.4f}")
    files = ", ".join(f"{out_dir / name} ({f['bytes'] / 1024:.0f} KiB)" for name, f in card["files"].items())
    console.print(f"wrote {files} and {CARD_FILE}; data sha256 {card['data']['sha256'][:12]}")
    if out is None:
        ClaimModel._default_loaded = False  # the rebuilt shipped model is picked up on next use
    return 0


