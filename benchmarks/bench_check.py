"""Checker speed on unique real-style text: throughput against spaCy + jieba segmentation, latency, cold start
and memory, in one run (issue 14).

Usage: .venv/bin/python benchmarks/bench_check.py [--skip-memory] [--generated MB]   (needs the `bench` extra)

The corpus is the page set of the accuracy issue (corpora/v2/pages) plus the reference article: page-length
documents, nothing repeated, as a moderation system sees posts. The baseline merely segments the same
documents: spaCy blank("en") or blank("zh") with jieba, plus the sentencizer, line by line (the pipeline
chosen by whether the line holds Han characters), both pipelines and jieba's dictionary loaded beforehand.
Each side is timed three times, interleaved; the best run counts. Prints figures; no assertions.
--generated MB also runs the older generated corpus (benchmarks/corpus_gen.py), whose menus and footers repeat.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_gen import pages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
_HAN = re.compile("[\u3400-\u9fff]")
SHORT = (  # 300 characters of mixed English and Chinese clinic copy
    "Our stem cell therapy for stroke is approved in Japan and has a 95% success rate with no side effects. "
    "Patients walk again within weeks. Book now: only 3 places left this month! "
    "本院干细胞治疗中风已获国家批准，有效率高达95%，无任何副作用。"
    " Call our team today for a free consultation, price list and travel package for you and your family!"
)


ZH_SHORT = "本院干细胞治疗中风已获国家批准，有效率高达95%，无任何副作用。名额有限，立即预约免费咨询！"


def real_documents() -> list[str]:
    """The page set's documents and the reference article, each once."""
    docs = [
        json.loads(line)["text"]
        for f in sorted((ROOT / "corpora" / "v2" / "pages").glob("*.jsonl"))
        for line in f.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    reference = ROOT.parent / "shared" / "reference" / "000_a6ce9696bd472be0.txt"
    if reference.is_file():
        docs.append(reference.read_text(encoding="utf-8"))
    return docs


def spacy_pipelines() -> dict:
    """spaCy blank en and zh (jieba) with the sentencizer, warmed up (jieba's dictionary loaded)."""
    import spacy

    nlp = {"en": spacy.blank("en"), "zh": spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})}
    for pipeline in nlp.values():
        pipeline.add_pipe("sentencizer")
        list(pipeline("Warm up. 预热。").sents)
    return nlp


def segment_with_spacy(nlp: dict, docs: list[str]) -> int:
    """Sentences of every non-empty line: the work the baseline does."""
    n = 0
    for doc in docs:
        for line in doc.splitlines():
            if line.strip():
                n += sum(1 for _ in nlp["zh" if _HAN.search(line) else "en"](line).sents)
    return n


def throughput(docs: list[str], label: str) -> None:
    from claimcheck.checker import Checker

    chars = sum(map(len, docs))
    nlp = spacy_pipelines()
    checker = Checker().warm()
    base, ours, n_sent, findings = [], [], 0, 0
    for _ in range(3):
        t = time.perf_counter()
        n_sent = segment_with_spacy(nlp, docs)
        base.append(time.perf_counter() - t)
        t = time.perf_counter()
        findings = sum(len(checker.check_text(d).findings) for d in docs)
        ours.append(time.perf_counter() - t)
    b, o = min(base), min(ours)
    print(f"corpus: {len(docs)} documents, {chars / 1e6:.2f} M characters ({label})")
    print(f"spaCy + jieba segmentation: {b:.3f} s  ({chars / b / 1e3:.0f} K chars/s, {n_sent} sentences)")
    print(f"Checker.check_text:         {o:.3f} s  ({chars / o / 1e3:.0f} K chars/s, {findings} findings)")
    print(f"throughput ratio (checker / segmentation): {b / o:.2f}x")


def latency(docs: list[str], size: int = 300, runs: int = 2000) -> None:
    """Distinct 300-character windows of the real-style documents (no text checked twice)."""
    from claimcheck.checker import Checker

    checker = Checker().warm()
    texts = [d[i : i + size] for d in docs for i in range(0, max(1, len(d) - size), size // 3)]
    texts = [t for t in dict.fromkeys(texts) if len(t) == size][: runs + 50]
    for text in texts[:50]:
        checker.check_text(text)
    times = []
    for text in texts[50:]:
        t = time.perf_counter()
        checker.check_text(text)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    print(
        f"latency of {len(times)} distinct {size}-char windows: p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms, "
        f"mean {statistics.mean(times):.2f} ms"
    )


def cold_start(runs: int = 5) -> None:
    """import + first check against import spacy, jieba + first segmentation, each in a fresh interpreter."""
    exe = sys.executable

    def timed(code: str) -> float:
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([exe, "-c", code], capture_output=True, check=True)
            samples.append(time.perf_counter() - t)
        return statistics.median(samples)

    for name, text in (("English", SHORT[:300]), ("Chinese", ZH_SHORT)):
        lang = "zh" if _HAN.search(text[:20]) else "en"
        config = ', config={"nlp": {"tokenizer": {"segmenter": "jieba"}}}' if lang == "zh" else ""
        base_code = (
            f"import spacy, jieba; nlp = spacy.blank({lang!r}{config}); nlp.add_pipe('sentencizer'); "
            f"list(nlp({text!r}).sents)"
        )
        ours_code = f"from claimcheck import check_text; check_text({text!r})"
        timed(ours_code)  # the first run builds the per-user caches (rule analysis)
        base, ours = timed(base_code), timed(ours_code)
        cli = Path(exe).with_name("claimcheck")
        cli_s = statistics.median(
            [_run_time([str(cli), "check", "--text", text]) for _ in range(runs)]
        )
        print(
            f"cold start, {name}: import spacy, jieba + first segmentation {base:.2f} s; import claimcheck + first "
            f"check {ours:.2f} s (ratio {ours / base:.2f}x); claimcheck check --text {cli_s:.2f} s"
        )


def _run_time(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False)
    return time.perf_counter() - t


def memory(mb: int = 20) -> None:
    """Peak RSS checking one 20 MB file: claim-dense text (every line a claim) and a generated page mix."""
    dense_unit = SHORT + "\n"
    cases = {
        "claim-dense": dense_unit * (mb * 1_000_000 // len(dense_unit.encode())),
        "generated pages": "\n".join(pages(mb * 1_000_000, seed=11)),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in cases.items():
            path = Path(tmp) / "big.txt"
            path.write_text(text, encoding="utf-8")
            code = (
                "import resource; from claimcheck import check_text; from claimcheck.inputs import read_file; "
                f"r = check_text(read_file({str(path)!r})); "
                "print(len(r.findings), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
            )
            t = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            print(
                f"memory, {name}: a {path.stat().st_size / 1e6:.1f} MB file: peak RSS {out[1]} MB, {out[0]} findings, "
                f"{time.perf_counter() - t:.1f} s"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument("--generated", type=float, default=0, help="also the generated corpus of this many MB")
    args = ap.parse_args()
    docs = real_documents()
    throughput(docs, "unique real-style documents: the page set and the reference article")
    if args.generated:
        throughput(pages(int(args.generated * 1_000_000)), "generated: menus and footers repeat")
    latency(docs)
    if not args.skip_cold:
        cold_start()
    if not args.skip_memory:
        memory()


if __name__ == "__main__":
    main()
