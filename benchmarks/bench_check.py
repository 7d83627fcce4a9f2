"""Checker speed: throughput vs plain spaCy segmentation, latency, cold start and memory.

Usage: .venv/bin/python benchmarks/bench_check.py [--mb 5] [--skip-memory] [--unique] [--real]
Prints figures; no assertions (targets are in issues 7 and 14). --real also measures throughput on unique
page-length real-style documents (corpora/v2/pages and the reference article: nothing repeated), which is
what a moderation system sees; the generated corpus repeats menus and footers.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_gen import pages  # noqa: E402

SHORT = (  # 300 characters of mixed English and Chinese clinic copy
    "Our stem cell therapy for stroke is approved in Japan and has a 95% success rate with no side effects. "
    "Patients walk again within weeks. Book now: only 3 places left this month! "
    "本院干细胞治疗中风已获国家批准，有效率高达95%，无任何副作用。"
    " Call our team today for a free consultation, price list and travel package for you and your family!"
)


ZH_SHORT = "本院干细胞治疗中风已获国家批准，有效率高达95%，无任何副作用。名额有限，立即预约免费咨询！"


def real_documents() -> list[str]:
    """The page set's documents and the reference article, each once."""
    import json

    root = Path(__file__).resolve().parents[1]
    docs = [json.loads(line)["text"] for f in sorted((root / "corpora" / "v2" / "pages").glob("*.jsonl")) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    reference = root.parent / "shared" / "reference" / "000_a6ce9696bd472be0.txt"
    if reference.is_file():
        docs.append(reference.read_text(encoding="utf-8"))
    return docs


def throughput(mb: float, unique: bool = False, docs: list[str] | None = None) -> None:
    from claimcheck.checker import Checker
    from claimcheck.text.lang import detect_language
    from claimcheck.text.normalize import fold
    from claimcheck.text.segment import Segmenter, split_units

    real = docs is not None
    docs = docs if real else pages(int(mb * 1_000_000), unique=unique)
    chars = sum(map(len, docs))
    checker = Checker().warm()  # compile every pattern, build both pipelines, load the model and jieba
    checker.check_text(docs[0])
    seg = Segmenter()
    seg.sentences("热身。", "zh")
    seg.sentences("Warm up.", "en")

    t = time.perf_counter()
    n_sent = 0
    for d in docs:
        for s, e in split_units(d):
            f = fold(d[s:e])
            n_sent += len(seg.sentences(f.text, detect_language(f.text)))
    base = time.perf_counter() - t

    t = time.perf_counter()
    findings = sum(len(checker.check_text(d).findings) for d in docs)
    ours = time.perf_counter() - t
    kind = "unique real-style documents" if real else "every ordinary line unique" if unique else "menus and footers repeat, as on real sites"
    print(f"corpus: {len(docs)} pages, {chars / 1e6:.2f} M characters ({kind})")
    print(f"spaCy segmentation only: {base:.2f} s  ({chars / base / 1e6:.2f} M chars/s, {n_sent} sentences)")
    print(f"Checker.check_text:      {ours:.2f} s  ({chars / ours / 1e6:.2f} M chars/s, {findings} findings)")
    print(f"throughput ratio (checker / segmentation): {base / ours:.2f}x")


def latency(runs: int = 2000) -> None:
    """Distinct texts each run (a price and a count vary), so per-text caches cannot flatter the figure."""
    from claimcheck.checker import Checker

    checker = Checker().warm()
    texts = [SHORT[:300].replace("95%", f"{50 + i % 50}%").replace("3 places", f"{i} places") for i in range(runs + 50)]
    for text in texts[:50]:
        checker.check_text(text)
    times = []
    for text in texts[50:]:
        t = time.perf_counter()
        checker.check_text(text)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    print(f"latency of distinct {len(texts[50])}-char texts over {runs} runs: p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms, mean {statistics.mean(times):.2f} ms")


def cold_start(runs: int = 5) -> None:
    exe = Path(sys.executable)
    cli = exe.with_name("claimcheck")

    def timed(cmd: list[str]) -> float:
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False)
            samples.append(time.perf_counter() - t)
        return statistics.median(samples)

    timed([str(cli), "check", "--text", ZH_SHORT])  # first run: builds the per-user caches (rules, jieba)
    base = timed([str(exe), "-c", "import spacy, jieba"])
    ours = timed([str(cli), "check", "--text", SHORT[:300]])
    zh = timed([str(cli), "check", "--text", ZH_SHORT])
    print(f"cold start: python -c 'import spacy, jieba' {base:.2f} s; claimcheck check --text {ours:.2f} s; ratio {ours / base:.2f}x")
    print(f"cold start, a Chinese text (jieba's dictionary loads): claimcheck check --text {zh:.2f} s; ratio {zh / base:.2f}x")


def memory(mb: int = 20) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        text = "\n".join(pages(mb * 1_000_000, seed=11))
        path.write_text(text, encoding="utf-8")
        code = (
            "import resource, sys; from claimcheck import check_text; from claimcheck.inputs import read_file;"
            f"r = check_text(read_file({str(path)!r})); "
            "print(len(r.findings), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
        )
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        print(f"memory: checking a {path.stat().st_size / 1e6:.1f} MB file: peak RSS {out[1]} MB, {out[0]} findings, {time.perf_counter() - t:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=5)
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--unique", action="store_true", help="also measure a corpus whose ordinary lines never repeat")
    ap.add_argument("--real", action="store_true", help="also measure unique page-length real-style documents")
    args = ap.parse_args()
    throughput(args.mb)
    if args.unique:
        throughput(args.mb, unique=True)
    if args.real:
        throughput(0, docs=real_documents())
    latency()
    cold_start()
    if not args.skip_memory:
        memory()


if __name__ == "__main__":
    main()
