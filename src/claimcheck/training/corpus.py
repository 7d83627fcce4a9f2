"""The labeled sentence corpus: load it, validate it against corpora/SCHEMA.md, and split it by source.

Two generations live in corpora/: the authored v1 sentences (corpora/sentences/, split by group) and the
real-style v2 sentences (corpora/v2/sentences/, each modelled on a real page named by `source_url`, split by
that page's domain). The split is derived from a stable hash, never stored, so every paraphrase family (v1)
and every source site (v2) stays on one side and the same corpus always gives the same train/dev/test sets.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.model import CATEGORIES

LANGS: tuple[str, ...] = ("en", "zh-Hans", "zh-Hant")
LABELS: tuple[str, ...] = ("claim", "not_claim")
KINDS: tuple[str, ...] = (
    "clinic_ad",
    "clinic_faq",
    "testimonial_page",
    "caution",
    "regulator",
    "news_trial",
    "recruitment",
    "stroke_care",
    "approved_other",
    "education",
    "clinic_neutral",
    # v2 (real-style) kinds
    "clinic_blog",
    "press_release",
    "cord_blood_ad",
    "tourism_broker",
    "approved_use",
    "forum",
)
CONDITIONS: tuple[str, ...] = (
    "stroke", "brain_injury", "autism", "cerebral_palsy", "multiple_sclerosis", "als", "parkinsons", "dementia",
    "spinal_cord_injury", "orthopedic", "lung", "diabetes", "liver", "heart", "kidney", "erectile_dysfunction",
    "hair_loss", "skin_aesthetic", "anti_aging", "eye", "autoimmune", "cancer", "blood_disorders", "gvhd",
    "limbal_cornea", "long_covid", "infertility", "general", "none",
)
SPLITS: tuple[str, ...] = ("train", "dev", "test")
_REQUIRED = {"id": str, "text": str, "lang": str, "label": str, "categories": list, "kind": str}
_OPTIONAL = {"note": str, "group": str, "condition": str, "source_url": str}


@dataclass(frozen=True, slots=True)
class Example:
    """One labeled sentence of the corpus."""

    id: str
    text: str
    lang: str  # en | zh-Hans | zh-Hant
    label: str  # claim | not_claim
    categories: tuple[str, ...]
    group: str
    kind: str
    note: str = ""
    condition: str = "stroke"  # v1 lines are all about stroke
    source_url: str = ""  # v2: the real page the line was modelled on

    @property
    def real_style(self) -> bool:
        """A v2 line, modelled on a real page (what thresholds are chosen and accuracy is judged on)."""
        return bool(self.source_url)

    @property
    def is_claim(self) -> bool:
        return self.label == "claim"

    @property
    def model_lang(self) -> str:
        """The language as the checker names it on a Sentence: 'en' or 'zh'."""
        return "en" if self.lang == "en" else "zh"

    @property
    def split(self) -> str:
        return split_of("site:" + site_of(self.source_url)) if self.source_url else split_of(self.group)


def split_of(group: str) -> str:
    """'train', 'dev' or 'test' (70/15/15) from a stable hash of the group id."""
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def site_of(url: str) -> str:
    """The source domain of a URL (host without www.): the unit of the v2 split."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def default_corpus_dir() -> Path:
    """The bundled corpus at the top of the source checkout."""
    path = Path(__file__).resolve().parents[3] / "corpora"  # src/claimcheck/training/corpus.py -> the checkout
    if not path.is_dir():
        raise InputError("the bundled corpus is not available (corpora/ ships only with the source checkout)")
    return path


def corpus_files(path: Path | None = None) -> list[Path]:
    """The .jsonl files of a corpus folder (its sentences/ and v2/sentences/ subfolders if present), or the
    one file given."""
    path = Path(path) if path is not None else default_corpus_dir()
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"no such corpus file or folder: {path}")
    folders = [f for f in (path / "sentences", path / "v2" / "sentences") if f.is_dir()] or [path]
    files = sorted(f for folder in folders for f in folder.glob("*.jsonl"))
    folder = path
    if not files:
        raise InputError(f"no .jsonl files in {folder}")
    return files


def load(path: Path | None = None, *, validate: bool = True) -> list[Example]:
    """Every example of the corpus, in file and line order; raise InputError listing schema problems."""
    examples: list[Example] = []
    problems: list[str] = []
    for file in corpus_files(path):
        for lineno, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{file.name}:{lineno}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: invalid JSON ({exc.msg})")
                continue
            found = record_problems(record)
            if found:
                problems.extend(f"{where}: {p}" for p in found)
                continue
            examples.append(_example(record))
    if validate:
        problems.extend(corpus_problems(examples))
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(f"the corpus does not match corpora/SCHEMA.md:\n  {shown}{more}")
    return examples


def _example(record: dict) -> Example:
    return Example(
        id=record["id"],
        text=record["text"],
        lang=record["lang"],
        label=record["label"],
        categories=tuple(record["categories"]),
        group=record.get("group") or record.get("source_url", ""),
        kind=record["kind"],
        note=record.get("note", ""),
        condition=record.get("condition", "stroke"),
        source_url=record.get("source_url", ""),
    )


def record_problems(record: object) -> list[str]:
    """What is wrong with one JSON record (empty when it follows the schema)."""
    if not isinstance(record, dict):
        return ["not a JSON object"]
    problems = [f"missing field {k!r}" for k in _REQUIRED if k not in record]
    problems += [f"unknown field {k!r}" for k in record if k not in _REQUIRED and k not in _OPTIONAL]
    for key, kind in (_REQUIRED | _OPTIONAL).items():
        if key in record and not isinstance(record[key], kind):
            problems.append(f"{key!r} must be a {kind.__name__}")
    if "group" not in record and not record.get("source_url"):
        problems.append("missing field 'group'")  # a v1 line names its group; a v2 line's page is its group
    if record.get("source_url") and not str(record["source_url"]).startswith(("http://", "https://")):
        problems.append("source_url must be an http(s) URL")
    if problems:
        return problems
    if record.get("condition", "stroke") not in CONDITIONS:
        problems.append(f"condition {record['condition']!r} is not a known condition")
    if not record["text"].strip():
        problems.append("empty text")
    if record["lang"] not in LANGS:
        problems.append(f"lang {record['lang']!r} is not one of {', '.join(LANGS)}")
    if record["label"] not in LABELS:
        problems.append(f"label {record['label']!r} is not claim or not_claim")
    if record["kind"] not in KINDS:
        problems.append(f"kind {record['kind']!r} is not a known source kind")
    unknown = [c for c in record["categories"] if c not in CATEGORIES]
    if unknown:
        problems.append(f"unknown categories {unknown}")
    if record["label"] == "claim" and not record["categories"]:
        problems.append("a claim needs at least one category")
    if record["label"] == "not_claim" and record["categories"]:
        problems.append("a not_claim must have no categories")
    if len(set(record["categories"])) != len(record["categories"]):
        problems.append("repeated category")
    return problems


def corpus_problems(examples: Sequence[Example]) -> list[str]:
    """Problems across records: repeated ids, and one text in two splits (after normalization)."""
    problems = [f"id {i!r} is used {n} times" for i, n in Counter(e.id for e in examples).items() if n > 1]
    problems += [f"text appears in several splits: {t[:60]!r}" for t in cross_split_duplicates(examples)]
    return problems


def cross_split_duplicates(examples: Iterable[Example]) -> list[str]:
    """Normalized texts that occur in more than one split (near-duplicates must share a group)."""
    from claimcheck.text.normalize import fold

    seen: dict[str, set[str]] = {}
    for e in examples:
        seen.setdefault(" ".join(fold(e.text).text.split()), set()).add(e.split)
    return [text for text, splits in seen.items() if len(splits) > 1]


def select(examples: Iterable[Example], split: str) -> list[Example]:
    """The examples of one split ('train', 'dev', 'test') or all of them ('all')."""
    if split == "all":
        return list(examples)
    if split not in SPLITS:
        raise InputError(f"unknown split {split!r}: use train, dev, test or all")
    return [e for e in examples if e.split == split]


def fingerprint(examples: Iterable[Example]) -> str:
    """A sha256 over the labeled content, independent of file layout and line order."""
    digest = hashlib.sha256()
    for e in sorted(examples, key=lambda e: e.id):
        record = [e.id, e.text, e.lang, e.label, list(e.categories), e.group]
        if e.source_url:
            record += [e.condition, e.source_url]
        digest.update(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    return digest.hexdigest()


def summary(examples: Sequence[Example]) -> dict:
    """Counts the issue asks for: size, share of Chinese, categories, claims vs hard negatives, per split."""
    claims = sum(e.is_claim for e in examples)
    chinese = sum(e.lang != "en" for e in examples)
    return {
        "sentences": len(examples),
        "chinese_share": round(chinese / len(examples), 3) if examples else 0.0,
        "claims": claims,
        "not_claims": len(examples) - claims,
        "groups": len({e.group for e in examples}),
        "per_language": dict(sorted(Counter(e.lang for e in examples).items())),
        "per_category": {c: sum(c in e.categories for e in examples) for c in CATEGORIES},
        "per_split": {s: sum(e.split == s for e in examples) for s in SPLITS},
        "real_style": sum(e.real_style for e in examples),
        "not_stroke_share": round(sum(e.condition != "stroke" for e in examples) / len(examples), 3) if examples else 0.0,
        "per_condition": dict(Counter(e.condition for e in examples).most_common()),
        "sites": len({site_of(e.source_url) for e in examples if e.source_url}),
    }
