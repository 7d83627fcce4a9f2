"""Where a check's time goes against the 3x target of issue 14, stage by stage, with the parts no Python
rewrite of the pipeline could remove.

Usage: .venv/bin/python benchmarks/budget_check.py   (needs the `bench` extra: spaCy and jieba for the baseline)

On the unique real-style documents of bench_check.py (the page set and the reference article), in one process:
- the baseline (spaCy + jieba segmentation of the same documents) and the budget it sets: a third of its time;
- the Checker's stages as `Checker.check_text` runs them, document by document: prepare, the rules (with the
  prefilter), the classifier, decide;
- floors: the classifier's fixed parts on ONE batch of every sentence (its cheapest possible case), the
  SentencePiece encoding alone (C++), the n-gram features alone (numpy), and the prefilter's Aho-Corasick pass
  alone (C), none of which a reorganisation of the Python around them removes.
CPU time (time.process_time), best of five. Prints figures; no assertions.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import real_documents, segment_with_spacy, spacy_pipelines  # noqa: E402


def best(work: Callable[[], object], runs: int = 5) -> float:
    """The fastest of `runs` runs of `work`, in ms of CPU time."""
    times = []
    for _ in range(runs):
        t = time.process_time()
        work()
        times.append(time.process_time() - t)
    return min(times) * 1e3


def stages(checker, docs: list[str]) -> dict[str, float]:
    """ms per stage over all documents, each document going through the stages check_text runs, in order."""
    from claimcheck.text.segment import prepare_windows

    spent = dict.fromkeys(("prepare", "rules", "classifier", "decide"), 0.0)
    model = checker.model
    for text in docs:
        t0 = time.process_time()
        windows = list(prepare_windows(text, None, checker.window))
        t1 = time.process_time()
        spent["prepare"] += t1 - t0
        page = None
        for doc in windows:
            t1 = time.process_time()
            hits = checker._rule_hits(doc)
            t2 = time.process_time()
            scores = checker._scores(doc, model) if doc.sentences else None
            t3 = time.process_time()
            page = checker.decider.decide(doc, hits, scores, model_name=model.name, page=page).page
            t4 = time.process_time()
            spent["rules"] += t2 - t1
            spent["classifier"] += t3 - t2
            spent["decide"] += t4 - t3
    return {k: v * 1e3 for k, v in spent.items()}


def main() -> None:
    from claimcheck.checker import Checker
    from claimcheck.score import embed
    from claimcheck.text.segment import prepare

    docs = real_documents()
    chars = sum(map(len, docs))
    nlp = spacy_pipelines()
    checker = Checker().warm()
    model = checker.model
    base = best(lambda: segment_with_spacy(nlp, docs))
    whole = best(lambda: [checker.check_text(d) for d in docs])
    budget = base / 3
    print(f"corpus: {len(docs)} documents, {chars / 1e3:.0f} K characters")
    print(f"spaCy + jieba segmentation {base:.0f} ms; the 3x target leaves {budget:.0f} ms for a whole check")
    print(f"Checker.check_text {whole:.0f} ms ({base / whole:.2f}x the baseline)")

    runs = [stages(checker, docs) for _ in range(5)]
    spent = {k: min(r[k] for r in runs) for k in runs[0]}
    print("stages, document by document: " + ", ".join(f"{k} {v:.0f} ms ({v / budget:.1f}x the budget)" for k, v in spent.items()))

    sentences = [s for d in docs for s in prepare(d).sentences]
    norms, langs = [s.norm for s in sentences], [s.lang for s in sentences]
    rows = list(zip(norms, langs, strict=True))
    encode = embed.default().sp.encode
    automaton = checker.prefilter._auto
    floors = {
        "classifier on one batch of all sentences": best(lambda: model.score(norms, langs)),
        "of which SentencePiece alone": best(lambda: [encode(t) for t in norms]),
        "of which n-gram features alone": best(lambda: model.scorer.transform(rows)),
        "prefilter automaton pass alone": best(lambda: [list(automaton.iter(t)) for t in norms]),
    }
    n = len(sentences)
    print(f"floors over {n} sentences (budget {budget / n * 1e3:.0f} us per sentence):")
    for name, ms in floors.items():
        print(f"  {name}: {ms:.0f} ms ({ms / n * 1e3:.0f} us per sentence, {ms / budget:.0%} of the budget)")
    floor = floors["classifier on one batch of all sentences"] + floors["prefilter automaton pass alone"]
    print(f"classifier (one batch) + automaton pass alone: {floor:.0f} ms, {floor / budget:.0%} of the budget, "
          "before any sentence is split, any rule runs or any finding is decided")

    # Small texts: what a check costs whatever its length (the 300-character p50 target is 2 ms).
    one = "The clinic is open on Monday."
    fixed = best(lambda: [checker.check_text(one) for _ in range(200)]) / 200
    scored = best(lambda: [model.score([one], ["en"]) for _ in range(200)]) / 200
    windows = [d[i : i + 300] for d in docs for i in range(150, max(151, len(d) - 300), 700)]
    spent = stages(checker, windows)
    print(f"one short sentence: check {fixed * 1e3:.0f} us, of which the classifier {scored * 1e3:.0f} us")
    print(f"{len(windows)} distinct 300-char windows, mean per window: "
          + ", ".join(f"{k} {v / len(windows) * 1e3:.0f} us" for k, v in spent.items()))


if __name__ == "__main__":
    main()
