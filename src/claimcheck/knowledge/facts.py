"""The knowledge base: dated, sourced facts loaded from rules/facts.yaml, validated, looked up by id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from claimcheck.errors import RuleError
from claimcheck.model import Fact
from claimcheck.resources import DataFileError, load_yaml, rules_dir

_REQUIRED = ("id", "topic", "statement", "as_of", "recheck_by", "confidence", "sources")
_CONFIDENCE = ("verified", "secondary")


class KnowledgeBase:
    """Immutable set of facts keyed by id."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self._facts = {f.id: f for f in facts}
        self._many: dict[tuple[str, ...], tuple[Fact, ...]] = {}

    @classmethod
    def load(cls, path: Path | None = None, *, conditions: Path | None = None) -> KnowledgeBase:
        """The facts of rules/facts.yaml (or `path`), with the per-condition facts of rules/conditions.yaml and
        the advertising-law facts of rules/jurisdictions.yaml (or only `conditions`, when a custom `path` is
        given)."""
        extra = [conditions] if conditions is not None else []
        if conditions is None and path is None:
            extra = [rules_dir() / "conditions.yaml", rules_dir() / "jurisdictions.yaml"]
        path = path or rules_dir() / "facts.yaml"
        facts = [_parse(entry, path) for entry in _fact_entries(path, required=True)]
        for more in extra:
            if more.is_file():
                facts += [_parse(entry, more) for entry in _fact_entries(more, required=False)]
        ids = [f.id for f in facts]
        if len(ids) != len(set(ids)):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            raise RuleError(f"{path}: duplicate fact ids {dupes}")
        return cls(facts)

    def __contains__(self, fact_id: str) -> bool:
        return fact_id in self._facts

    def __len__(self) -> int:
        return len(self._facts)

    def __iter__(self):
        return iter(self._facts.values())

    def get(self, fact_id: str) -> Fact:
        try:
            return self._facts[fact_id]
        except KeyError:
            raise RuleError(f"unknown fact id {fact_id!r}") from None

    def many(self, ids: Iterable[str]) -> tuple[Fact, ...]:
        """The facts of `ids`, as one tuple shared by every finding that cites the same ones."""
        key = tuple(ids)
        found = self._many.get(key)
        if found is None:
            found = tuple(self.get(i) for i in key)
            if len(self._many) < 4096:  # bounded: the combinations a rule set can cite are few
                self._many[key] = found
        return found

    def stale(self, today: dt.date | None = None) -> list[Fact]:
        """Facts whose recheck_by date has passed."""
        today = today or dt.date.today()
        return [f for f in self._facts.values() if f.stale_on(today)]

    def as_of(self, ids: Iterable[str] | None = None) -> str:
        """The newest as_of among the given facts (or all): what a report says it is current to."""
        chosen = self.many(ids) if ids is not None else tuple(self._facts.values())
        return max((f.as_of for f in chosen), default="")


def _fact_entries(path: Path, *, required: bool) -> list:
    try:
        data = load_yaml(path)
    except (OSError, DataFileError) as exc:
        raise RuleError(f"cannot read facts file {path}: {exc}") from exc
    entries = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        if required or entries is not None:
            raise RuleError(f"{path}: expected a mapping with a 'facts' list")
        return []
    return entries


def _parse(entry: object, path: Path) -> Fact:
    if not isinstance(entry, dict):
        raise RuleError(f"{path}: every fact must be a mapping")
    missing = [k for k in _REQUIRED if k not in entry]
    fid = entry.get("id", "?")
    if missing:
        raise RuleError(f"{path}: fact {fid} lacks {missing}")
    statement = entry["statement"]
    if not isinstance(statement, dict) or not statement.get("en") or not statement.get("zh"):
        raise RuleError(f"{path}: fact {fid} needs statement.en and statement.zh")
    if entry["confidence"] not in _CONFIDENCE:
        raise RuleError(f"{path}: fact {fid} confidence must be one of {_CONFIDENCE}")
    as_of, recheck = _date(entry["as_of"], fid, path), _date(entry["recheck_by"], fid, path)
    if recheck <= as_of:
        raise RuleError(f"{path}: fact {fid} recheck_by must come after as_of")
    sources = entry["sources"]
    if not sources or not all(isinstance(s, dict) and s.get("url") for s in sources):
        raise RuleError(f"{path}: fact {fid} needs sources with a url each")
    return Fact(
        id=str(fid),
        topic=str(entry["topic"]),
        statement_en=str(statement["en"]).strip(),
        statement_zh=str(statement["zh"]).strip(),
        as_of=as_of.isoformat(),
        recheck_by=recheck.isoformat(),
        confidence=entry["confidence"],
        sources=tuple({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in s.items()} for s in sources),
        jurisdictions=tuple(entry.get("jurisdictions") or ()),
        note=str(entry.get("note") or "").strip(),
        condition=str(entry.get("condition") or ""),
    )


def _date(value: object, fid: object, path: Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(f"{path}: fact {fid} has a bad date {value!r}") from None
