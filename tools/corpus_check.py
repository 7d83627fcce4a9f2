"""Validate corpus v2 files (sentences and page documents) and run the hold-out guard on them.

    python3 tools/corpus_check.py corpora/v2/sentences/en_neuro.jsonl [more files...]

Prints counts (lines, claims, per condition/kind) and every problem; exit 1 when any problem is found.
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from collections import Counter

LANGS = {"en", "zh-Hans", "zh-Hant"}
CATEGORIES = {
    "approval_claim", "trial_as_approval", "cure_claim", "efficacy_guarantee", "success_rate",
    "safety_absolute", "testimonial", "panacea", "paid_trial", "price_tourism", "urgency",
}
KINDS = {
    "clinic_ad", "clinic_faq", "clinic_blog", "testimonial_page", "press_release", "cord_blood_ad",
    "tourism_broker", "caution", "regulator", "news_trial", "recruitment", "approved_use", "education",
    "clinic_neutral", "forum",
}
CONDITIONS = {
    "stroke", "brain_injury", "autism", "cerebral_palsy", "multiple_sclerosis", "als", "parkinsons",
    "dementia", "spinal_cord_injury", "orthopedic", "lung", "diabetes", "liver", "heart", "kidney",
    "erectile_dysfunction", "hair_loss", "skin_aesthetic", "anti_aging", "eye", "autoimmune", "cancer",
    "blood_disorders", "gvhd", "limbal_cornea", "long_covid", "infertility", "general", "none",
}
PAGE_EXPECT = {"flag", "clean", "no_high"}
ROOT = pathlib.Path(__file__).resolve().parents[1]
GUARD = ROOT.parent / "shared" / "holdout-guard" / "guard.py"


def check_sentence(obj: dict) -> list[str]:
    errs = []
    for key in ("id", "text", "lang", "label", "categories", "kind", "condition", "source_url"):
        if key not in obj:
            errs.append(f"missing {key}")
    if errs:
        return errs
    if obj["lang"] not in LANGS:
        errs.append(f"lang {obj['lang']!r}")
    if obj["label"] not in {"claim", "not_claim"}:
        errs.append(f"label {obj['label']!r}")
    cats = obj["categories"]
    if obj["label"] == "claim" and not cats:
        errs.append("claim without categories")
    if obj["label"] == "not_claim" and cats:
        errs.append("not_claim with categories")
    if any(c not in CATEGORIES for c in cats):
        errs.append(f"unknown category in {cats}")
    if obj["kind"] not in KINDS:
        errs.append(f"kind {obj['kind']!r}")
    if obj["condition"] not in CONDITIONS:
        errs.append(f"condition {obj['condition']!r}")
    if not str(obj["source_url"]).startswith(("http://", "https://")):
        errs.append("source_url must be an http(s) URL")
    if not obj["text"].strip() or len(obj["text"]) > 600:
        errs.append("text empty or over 600 characters")
    return errs


def check_page(obj: dict) -> list[str]:
    errs = []
    for key in ("id", "text", "lang", "kind", "condition", "source_url", "expect", "claims", "must_not_quote"):
        if key not in obj:
            errs.append(f"missing {key}")
    if errs:
        return errs
    if obj["lang"] not in LANGS:
        errs.append(f"lang {obj['lang']!r}")
    if obj["expect"] not in PAGE_EXPECT:
        errs.append(f"expect {obj['expect']!r}")
    if obj["kind"] not in KINDS or obj["condition"] not in CONDITIONS:
        errs.append("kind/condition not in the vocabulary")
    text = obj["text"]
    for claim in obj["claims"]:
        quote = claim.get("quote", "")
        if not quote or quote not in text:
            errs.append(f"claim quote not in text: {quote[:40]!r}")
        if not claim.get("categories") or any(c not in CATEGORIES for c in claim["categories"]):
            errs.append(f"claim categories {claim.get('categories')}")
    for quote in obj["must_not_quote"]:
        if quote not in text:
            errs.append(f"must_not_quote not in text: {quote[:40]!r}")
    if obj["expect"] == "flag" and not obj["claims"]:
        errs.append("expect flag but no claims")
    if obj["expect"] == "clean" and obj["claims"]:
        errs.append("expect clean but has claims")
    return errs


def _guard_page_sentences(paths: list[str]) -> int:
    """The guard scores whole lines; a page is long, so also score each of its sentences."""
    import importlib.util
    import re

    spec = importlib.util.spec_from_file_location("holdout_guard", GUARD)
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    items = []
    for path in paths:
        if "/pages/" not in str(pathlib.Path(path).resolve()):
            continue
        for line in pathlib.Path(path).read_text("utf-8").splitlines():
            if line.strip():
                page = json.loads(line)
                for sent in re.split(r"(?<=[.!?。！？\n])", page.get("text", "")):
                    if sent.strip():
                        items.append({"id": page.get("id"), "text": sent, "source_url": page.get("source_url", "")})
    bad = list(guard.check(items))
    for item, reason in bad:
        print(f"page {item['id']}: sentence {item['text'][:50]!r}: {reason}")
    return len(bad)


def main(paths: list[str]) -> int:
    problems = 0
    for path in paths:
        lines = pathlib.Path(path).read_text("utf-8").splitlines()
        is_page = "/pages/" in str(pathlib.Path(path).resolve())
        stats: Counter = Counter()
        conds: Counter = Counter()
        ids = set()
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{path}:{n}: bad JSON: {exc}")
                problems += 1
                continue
            errs = check_page(obj) if is_page else check_sentence(obj)
            if obj.get("id") in ids:
                errs.append(f"duplicate id {obj.get('id')}")
            ids.add(obj.get("id"))
            for e in errs:
                print(f"{path}:{n}: {e}")
            problems += len(errs)
            stats[obj.get("label", obj.get("expect"))] += 1
            conds[obj.get("condition")] += 1
        print(f"{path}: {sum(stats.values())} items {dict(stats)}; conditions {dict(conds.most_common())}")
    problems += _guard_page_sentences(paths)
    guard = subprocess.run([sys.executable, str(GUARD), *paths], capture_output=True, text=True)
    print(guard.stdout.strip() or "guard: clean", guard.stderr.strip())
    if guard.returncode != 0:
        problems += 1
    print("OK" if problems == 0 else f"{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
