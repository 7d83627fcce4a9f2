"""Measure the rules alone, the classifier alone and their combination on the labeled sentence corpus.

Sentence level: a system flags a sentence or not (claim vs not_claim), and names categories. Scores are
precision, recall and F1 overall, per language (en, zh-Hans, zh-Hant) and per category, plus a confusion
matrix. `rules` is Checker(model=False); `model` is the classifier at its dev-chosen threshold; `combined`
is the full Checker with the model, exactly what users run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimcheck import corpus
from claimcheck.corpus import LANGS, Example
from claimcheck.errors import InputError
from claimcheck.model import CATEGORIES

SYSTEMS: tuple[str, ...] = ("rules", "model", "combined")


@dataclass(frozen=True, slots=True)
class Prediction:
    """One system's verdict on one sentence."""

    flagged: bool
    categories: frozenset[str]
    p_claim: float | None = None  # the classifier's probability, when the system is the classifier


def predict_checker(checker, examples: Sequence[Example]) -> list[Prediction]:
    """Run a Checker on each sentence as a text of its own; categories are those of its findings."""
    predictions = []
    for e in examples:
        report = checker.check_text(e.text)
        predictions.append(Prediction(report.flagged, frozenset(report.categories)))
    return predictions


def predict_model(model, examples: Sequence[Example]) -> list[Prediction]:
    """Score every sentence in one batch; a sentence is flagged when p_claim reaches the model's threshold."""
    from claimcheck.text.normalize import fold

    scores = model.score([fold(e.text).text for e in examples], [e.model_lang for e in examples])
    predictions = []
    for s in scores:
        flagged = s.p_claim >= model.threshold
        cats = frozenset([s.category]) if flagged and s.category else frozenset()
        predictions.append(Prediction(flagged, cats, s.p_claim))
    return predictions


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def confusion(examples: Sequence[Example], predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Rows are the gold label, columns the prediction, both in the order (claim, not_claim)."""
    pairs = [(e.is_claim, p.flagged) for e, p in zip(examples, predictions, strict=True)]
    tp = sum(g and f for g, f in pairs)
    fn = sum(g and not f for g, f in pairs)
    fp = sum(f and not g for g, f in pairs)
    tn = len(pairs) - tp - fn - fp
    return {"labels": ["claim", "not_claim"], "matrix": [[tp, fn], [fp, tn]], "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def score_system(examples: Sequence[Example], predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Overall, per-language and per-category precision/recall/F1 plus the confusion matrix."""
    matrix = confusion(examples, predictions)
    result: dict[str, Any] = prf(matrix["tp"], matrix["fp"], matrix["fn"])
    result["support"] = matrix["tp"] + matrix["fn"]
    result["confusion"] = matrix
    result["per_language"] = {}
    for lang in LANGS:
        idx = [i for i, e in enumerate(examples) if e.lang == lang]
        if idx:
            m = confusion([examples[i] for i in idx], [predictions[i] for i in idx])
            result["per_language"][lang] = prf(m["tp"], m["fp"], m["fn"]) | {"support": m["tp"] + m["fn"], "n": len(idx)}
    result["per_category"] = {}
    for cat in CATEGORIES:
        tp = sum(cat in e.categories and cat in p.categories for e, p in zip(examples, predictions, strict=True))
        fp = sum(cat not in e.categories and cat in p.categories for e, p in zip(examples, predictions, strict=True))
        support = sum(cat in e.categories for e in examples)
        result["per_category"][cat] = prf(tp, fp, support - tp) | {"support": support}
    scored = [v["f1"] for v in result["per_category"].values() if v["support"]]
    result["macro_f1_categories"] = round(sum(scored) / len(scored), 4) if scored else 0.0
    return result


def evaluate(examples: Sequence[Example], *, model: Any = True, checkers: dict[str, Any] | None = None) -> dict[str, Any]:
    """Score the three systems on `examples`. `model=True` uses the shipped classifier; None means none.

    Each Checker is built once (the slow part) and shares the loaded rules and facts.
    """
    from claimcheck.checker import Checker
    from claimcheck.classify import ClaimModel

    if not examples:
        raise InputError("no sentences to evaluate")
    if model is True:
        model = ClaimModel.load_default()
    checkers = dict(checkers or {})
    if "rules" not in checkers:
        checkers["rules"] = Checker(model=False)
    if "combined" not in checkers:
        base = checkers["rules"]
        checkers["combined"] = Checker(rules=base.rules, kb=base.kb, model=model if model is not None else False)
    result: dict[str, Any] = {
        "sentences": len(examples),
        "per_language_sentences": {lang: sum(e.lang == lang for e in examples) for lang in LANGS},
        "model_name": getattr(model, "name", None),
        "model_threshold": getattr(model, "threshold", None),
    }
    result["rules"] = score_system(examples, predict_checker(checkers["rules"], examples))
    result["model"] = score_system(examples, predict_model(model, examples)) if model is not None else None
    result["combined"] = score_system(examples, predict_checker(checkers["combined"], examples))
    return result


def render_text(result: dict[str, Any], console) -> None:
    """Tables for a terminal: the summary by language, F1 by category, and one confusion matrix per system."""
    from rich.table import Table

    systems = [s for s in SYSTEMS if result.get(s)]
    title = f"{result['split']} split: {result['sentences']} sentences" if "split" in result else f"{result['sentences']} sentences"
    summary = Table("system", "precision", "recall", "F1", *(f"F1 {lang}" for lang in LANGS), title=title)
    for s in systems:
        r = result[s]
        per = [f"{r['per_language'][lang]['f1']:.3f}" if lang in r["per_language"] else "-" for lang in LANGS]
        summary.add_row(s, f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}", *per)
    console.print(summary)

    by_lang = Table("language", "system", "precision", "recall", "F1", "claims", "sentences", title="per language")
    for lang in LANGS:
        for s in systems:
            row = result[s]["per_language"].get(lang)
            if row:
                by_lang.add_row(lang, s, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["support"]), str(row["n"]), end_section=s == systems[-1])
    console.print(by_lang)

    cats = Table("category", "system", "precision", "recall", "F1", "support", title="per category")
    for cat in CATEGORIES:
        for i, s in enumerate(systems):
            row = result[s]["per_category"][cat]
            cats.add_row(cat if i == 0 else "", s, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["support"]), end_section=i == len(systems) - 1)
    console.print(cats)

    for s in systems:
        (tp, fn), (fp, tn) = result[s]["confusion"]["matrix"]
        matrix = Table("gold \\ predicted", "claim", "not_claim", title=f"confusion: {s}")
        matrix.add_row("claim", str(tp), str(fn))
        matrix.add_row("not_claim", str(fp), str(tn))
        console.print(matrix)
    if result.get("model") is None:
        console.print("no trained model: the classifier was not evaluated (run `claimcheck train`)")
    else:
        console.print(f"model: {result['model_name']} (threshold {result['model_threshold']})")


def eval_cli(corpus_path: Path | None, split: str, fmt: str, console) -> int:
    """`claimcheck eval`: load the corpus, keep one split, score the three systems, print text or JSON."""
    examples = corpus.select(corpus.load(corpus_path), split)
    if not examples:
        raise InputError(f"the {split} split of this corpus is empty")
    result = {"split": split} | evaluate(examples)
    if fmt == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        render_text(result, console)
    return 0
