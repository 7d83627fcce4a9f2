"""Which cited facts are past their `recheck_by` date: every format says so beside the fact and in its summary."""

from __future__ import annotations

import datetime as dt

from claimcheck.model import Fact, Report


def is_stale(fact: Fact, today: dt.date) -> bool:
    return fact.stale_on(today)


def cited_facts(report: Report) -> list[Fact]:
    """Every fact the findings cite, once each, in order of first citation."""
    seen: dict[str, Fact] = {}
    for f in report.findings:
        for fact in f.facts:
            seen.setdefault(fact.id, fact)
    return list(seen.values())


def stale_facts(report: Report, today: dt.date | None = None) -> list[Fact]:
    """The cited facts past their recheck date on `today` (default: the real today)."""
    day = today or dt.date.today()
    return [fact for fact in cited_facts(report) if is_stale(fact, day)]


def summary_en(n: int) -> str:
    """'2 cited facts are past their recheck date' (the summary line every format prints when n > 0)."""
    return "1 cited fact is past its recheck date" if n == 1 else f"{n} cited facts are past their recheck date"


def summary_zh(n: int) -> str:
    return f"引用的 {n} 条事实已过复核日期"


def marker_en(recheck_by: str) -> str:
    """The note shown beside a stale fact."""
    return f"past its recheck date ({recheck_by}): may be out of date"


def marker_zh(recheck_by: str) -> str:
    return f"已过复核日期（{recheck_by}），可能已过时"
