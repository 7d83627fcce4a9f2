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

from claimcheck.errors import InputError
from claimcheck.model import CATEGORIES
from claimcheck.training import corpus
from claimcheck.training.corpus import LANGS, Example

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
    result["per_condition"] = {}
    for cond in sorted({e.condition for e in examples}):
        idx = [i for i, e in enumerate(examples) if e.condition == cond]
        m = confusion([examples[i] for i in idx], [predictions[i] for i in idx])
        result["per_condition"][cond] = prf(m["tp"], m["fp"], m["fn"]) | {"support": m["tp"] + m["fn"], "n": len(idx)} | {
            k: m[k] for k in ("tp", "fp", "fn", "tn")
        }
    result["errors"] = [
        {"id": e.id, "lang": e.lang, "condition": e.condition, "gold": e.label, "text": e.text, "p_claim": p.p_claim}
        for e, p in zip(examples, predictions, strict=True)
        if e.is_claim != p.flagged
    ]
    return result


def evaluate(examples: Sequence[Example], *, model: Any = True, checkers: dict[str, Any] | None = None) -> dict[str, Any]:
    """Score the three systems on `examples`. `model=True` uses the shipped classifier; None means none.

    Each Checker is built once (the slow part) and shares the loaded rules and facts.
    """
    from claimcheck.checker import Checker
    from claimcheck.score.classify import ClaimModel

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
    conds = Table("condition", "system", "precision", "recall", "F1", "claims", "sentences", title="per condition")
    for cond in result["combined"]["per_condition"]:
        for i, s in enumerate(systems):
            row = result[s]["per_condition"][cond]
            conds.add_row(cond if i == 0 else "", s, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["support"]), str(row["n"]), end_section=i == len(systems) - 1)
    console.print(conds)
    errors = sorted(result["combined"]["errors"], key=lambda e: -abs((e["p_claim"] or 0.5) - 0.5))[:15]
    if errors:
        worst = Table("gold", "lang", "condition", "text", title="errors of the combined system (first 15)")
        for e in errors:
            worst.add_row(e["gold"], e["lang"], e["condition"], e["text"][:110])
        console.print(worst)
    pages = result.get("pages")
    if pages:
        console.print(
            f"page set ({pages['pages']} pages): {pages['spans_found']}/{pages['claim_spans']} claim spans found "
            f"({pages['span_recall']:.3f}; {pages['span_recall_per_language']}); cautionary pages with a high finding: "
            f"{len(pages['cautionary_with_high'])} of {pages['cautionary_pages']}; clean pages flagged: "
            f"{len(pages['clean_pages_flagged'])}; must-not-quote strings flagged: {len(pages['must_not_quote_flagged'])}"
        )
    if result.get("model") is None:
        console.print("no trained model: the classifier was not evaluated (run `claimcheck train`)")
    else:
        console.print(f"model: {result['model_name']} (threshold {result['model_threshold']})")


SUBSETS = ("real", "authored", "all")


def eval_cli(corpus_path: Path | None, split: str, fmt: str, console, *, subset: str = "real", pages: bool = True) -> int:
    """`claimcheck eval`: load the corpus, keep one split of one subset, score the three systems (and the
    page set's split), print text or JSON."""
    if subset not in SUBSETS:
        raise InputError(f"unknown set {subset!r}: use {', '.join(SUBSETS)}")
    examples = corpus.select(corpus.load(corpus_path), split)
    if subset != "all":
        examples = [e for e in examples if e.real_style == (subset == "real")]
    if not examples:
        raise InputError(f"the {split} split of the {subset} set is empty")
    result = {"split": split, "set": subset} | evaluate(examples)
    if pages and corpus_path is None:
        chosen = [p for p in load_pages() if split == "all" or p.split == split]
        if chosen:
            result["pages"] = evaluate_pages(chosen)
    if fmt == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        render_text(result, console)
    return 0


# --- the page set: page-length documents with labelled claim spans (corpora/v2/pages/) ---


@dataclass(frozen=True, slots=True)
class Page:
    """A labelled page-length document."""

    id: str
    text: str
    lang: str
    kind: str
    condition: str
    expect: str  # flag | clean | no_high
    claims: tuple[tuple[str, tuple[str, ...]], ...]  # (quote, categories)
    must_not_quote: tuple[str, ...]
    source_url: str = ""

    @property
    def split(self) -> str:
        return corpus.split_of("site:" + corpus.site_of(self.source_url)) if self.source_url else "test"


def load_pages(path: Path | None = None) -> list[Page]:
    """Every page of corpora/v2/pages/*.jsonl (or the file or folder given)."""
    path = Path(path) if path is not None else corpus.default_corpus_dir() / "v2" / "pages"
    files = [path] if path.is_file() else sorted(path.glob("*.jsonl"))
    pages = []
    for file in files:
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                pages.append(
                    Page(
                        id=d["id"], text=d["text"], lang=d["lang"], kind=d["kind"], condition=d["condition"],
                        expect=d["expect"], claims=tuple((c["quote"], tuple(c["categories"])) for c in d["claims"]),
                        must_not_quote=tuple(d["must_not_quote"]), source_url=d.get("source_url", ""),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{file.name}:{n}: not a page record ({exc})") from exc
    return pages


def _overlaps(findings, start: int, end: int) -> list:
    return [f for f in findings if f.start < end and start < f.end]


def evaluate_pages(pages: Sequence[Page], checker=None) -> dict[str, Any]:
    """Span recall on seller pages, and what was flagged where nothing (clean) or nothing high (no_high,
    cautionary pages) may be; must-not-quote strings that a finding touched. Each page is checked whole."""
    from claimcheck.checker import Checker

    checker = checker or Checker()
    spans = found = 0
    cautionary_high, clean_flagged, touched, missed = [], [], [], []
    per_lang: dict[str, list[int]] = {}
    for page in pages:
        report = checker.check_text(page.text)
        for quote, _cats in page.claims:
            start = page.text.find(quote)
            hit = bool(_overlaps(report.findings, start, start + len(quote)))
            spans += 1
            found += hit
            per_lang.setdefault(page.lang, [0, 0])[0] += hit
            per_lang[page.lang][1] += 1
            if not hit:
                missed.append({"page": page.id, "quote": quote})
        for quote in page.must_not_quote:
            start = page.text.find(quote)
            for f in _overlaps(report.findings, start, start + len(quote)):
                touched.append({"page": page.id, "quote": quote, "finding": f.quote, "category": f.category, "severity": f.severity})
        if page.expect in ("clean", "no_high"):
            high = [f.quote for f in report.findings if f.severity == "high"]
            if high:
                cautionary_high.append({"page": page.id, "quotes": high})
        if page.expect == "clean" and report.findings:
            clean_flagged.append({"page": page.id, "quotes": [f.quote for f in report.findings]})
    return {
        "pages": len(pages),
        "claim_spans": spans,
        "spans_found": found,
        "span_recall": round(found / spans, 4) if spans else 0.0,
        "span_recall_per_language": {k: round(v[0] / v[1], 4) for k, v in sorted(per_lang.items()) if v[1]},
        "cautionary_pages": sum(p.expect != "flag" for p in pages),
        "cautionary_with_high": cautionary_high,
        "clean_pages_flagged": clean_flagged,
        "must_not_quote_flagged": touched,
        "missed_spans": missed,
    }
