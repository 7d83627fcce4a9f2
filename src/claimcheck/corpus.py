"""The labeled sentence corpus: load it, validate it against corpora/SCHEMA.md, and split it by source group.

The split is derived from a stable hash of the group id, never stored, so every paraphrase family stays on
one side and the same corpus always gives the same train/dev/test sets.
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
)
SPLITS: tuple[str, ...] = ("train", "dev", "test")
_REQUIRED = {"id": str, "text": str, "lang": str, "label": str, "categories": list, "group": str, "kind": str}
_OPTIONAL = {"note": str}


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

    @property
    def is_claim(self) -> bool:
        return self.label == "claim"

    @property
    def model_lang(self) -> str:
        """The language as the checker names it on a Sentence: 'en' or 'zh'."""
        return "en" if self.lang == "en" else "zh"

    @property
    def split(self) -> str:
        return split_of(self.group)


def split_of(group: str) -> str:
    """'train', 'dev' or 'test' (70/15/15) from a stable hash of the group id."""
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def default_corpus_dir() -> Path:
    """The bundled corpus at the top of the source checkout."""
    path = Path(__file__).resolve().parents[2] / "corpora"
    if not path.is_dir():
        raise InputError("the bundled corpus is not available (corpora/ ships only with the source checkout)")
    return path


def corpus_files(path: Path | None = None) -> list[Path]:
    """The .jsonl files of a corpus folder (its sentences/ subfolder if present), or the one file given."""
    path = Path(path) if path is not None else default_corpus_dir()
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"no such corpus file or folder: {path}")
    folder = path / "sentences" if (path / "sentences").is_dir() else path
    files = sorted(folder.glob("*.jsonl"))
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
        group=record["group"],
        kind=record["kind"],
        note=record.get("note", ""),
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
    if problems:
        return problems
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
    }
