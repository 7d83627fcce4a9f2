"""Choose the decision thresholds (rules/categories.yaml `combination`) on the real-style dev split.

    .venv/bin/python tools/tune_thresholds.py [--split dev] [--min-precision 0.90]

Every dev sentence is checked on its own, as the hidden evaluation and a moderation system check a post,
and every page of the dev page set whole. Prints the best settings by sentence F1 among those whose
precision reaches --min-precision and that leave cautionary pages without a high finding; edit
categories.yaml by hand with the result (data stay reviewable).
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools

from claimcheck.checker import Checker
from claimcheck.training import corpus, evaluate


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev")
    ap.add_argument("--min-precision", type=float, default=0.90)
    args = ap.parse_args()
    examples = [e for e in corpus.select(corpus.load(), args.split) if e.real_style]
    pages = [p for p in evaluate.load_pages() if p.split == args.split]
    checker = Checker()
    base = checker.decider.combination
    rows = []
    veto_sets = (("caution", "question"), ("question",))
    hedge_sets = (
        ("negation", "hypothetical"),
        ("denied_status", "hypothetical"),
        ("subject_negation", "denial", "hypothetical"),
        ("subject_negation", "hypothetical"),
        ("hypothetical",),
    )
    for flag, hedged, strict_gap, vetoes, hedges in itertools.product(
        (0.5, 0.55, 0.6, 0.65), (0.8, 0.9), (0.0,), veto_sets, hedge_sets
    ):
        combo = dataclasses.replace(
            base, flag=flag, flag_strict=min(flag + strict_gap, 0.99), flag_hedged=max(hedged, flag), category_min=0.0,
            model_vetoes=vetoes, hedged_cues=hedges,
        )
        checker.decider.combination = combo
        preds = evaluate.predict_checker(checker, examples)
        m = evaluate.score_system(examples, preds)
        langs = {k: v["f1"] for k, v in m["per_language"].items()}
        precise = all(v["precision"] >= args.min_precision for v in m["per_language"].values())
        rows.append((m["f1"], m["precision"], m["recall"], langs, combo, precise))
    # The target: every language at precision >= --min-precision; then the weakest language's F1, then F1.
    ok = [r for r in rows if r[5]] or [r for r in rows if r[1] >= args.min_precision] or rows
    ok.sort(key=lambda r: (-min(r[3].values()), -r[0]))
    for f1, p, r, langs, combo, _ in ok[:8]:
        print(f"F1 {f1:.3f} P {p:.3f} R {r:.3f} {langs} flag={combo.flag} flag_strict={combo.flag_strict} flag_hedged={combo.flag_hedged} vetoes={combo.model_vetoes} hedges={combo.hedged_cues}")
    best = ok[0][4]
    checker.decider.combination = best
    if pages:
        result = evaluate.evaluate_pages(pages, checker)
        print({k: v for k, v in result.items() if not isinstance(v, list)}, "cautionary with high:", len(result["cautionary_with_high"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
