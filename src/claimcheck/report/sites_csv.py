"""Audit page lines -> one summary per site, and sites.csv (pure functions of the results.jsonl lines)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from claimcheck.model import CATEGORIES, SEVERITY_RANK

WORST_KEPT = 5


@dataclass(slots=True)
class SiteSummary:
    """What an audit found on one site; `findings` counts distinct flagged statements (a banner repeated on
    every page counts once)."""

    site: str
    pages_checked: int = 0
    pages_failed: int = 0
    pages_skipped: int = 0
    flagged_pages: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    max_severity: str | None = None
    risk: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    error_pages: list[dict[str, Any]] = field(default_factory=list)
    worst: list[dict[str, Any]] = field(default_factory=list)
    facts_as_of: str = ""
    outside_main: int = 0  # distinct findings in menus, headers, footers or sidebars (audits run with all regions)

    @property
    def findings(self) -> int:
        return sum(self.categories.values())

    @property
    def flagged(self) -> bool:
        return self.flagged_pages > 0

    @property
    def pages(self) -> int:
        return self.pages_checked + self.pages_failed + self.pages_skipped

    def error_text(self) -> str:
        return "; ".join(f"{reason}×{n}" if n > 1 else reason for reason, n in sorted(self.errors.items()))


def summarize(lines: Iterable[dict[str, Any]], sites: Iterable[str] | None = None) -> list[SiteSummary]:
    """One summary per site (in `sites` order when given, else first-seen order), riskiest first."""
    order = list(dict.fromkeys(sites)) if sites is not None else None
    by_site: dict[str, SiteSummary] = {s: SiteSummary(s) for s in order or []}
    seen: dict[str, set[tuple[str, str]]] = {}
    candidates: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        site = str(line.get("site"))
        if order is not None and site not in by_site:
            continue
        summary = by_site.setdefault(site, SiteSummary(site))
        _add_page(summary, line, seen.setdefault(site, set()), candidates.setdefault(site, []))
    for site, summary in by_site.items():
        summary.worst = sorted(candidates.get(site, []), key=_badness, reverse=True)[:WORST_KEPT]
    return sorted(by_site.values(), key=lambda s: (-s.risk, -s.findings, s.site))


def _add_page(
    summary: SiteSummary, line: dict[str, Any], seen: set[tuple[str, str]], worst: list[dict[str, Any]]
) -> None:
    status = line.get("status")
    if status != "checked":
        if status == "skipped":
            summary.pages_skipped += 1
        else:
            summary.pages_failed += 1
        reason = str((line.get("error") or {}).get("reason") or "error")
        summary.errors[reason] += 1
        summary.error_pages.append({"url": line.get("url"), **(line.get("error") or {})})
        return
    summary.pages_checked += 1
    summary.facts_as_of = max(summary.facts_as_of, str(line.get("facts_as_of") or ""))
    findings = line.get("findings") or []
    if findings:
        summary.flagged_pages += 1
    summary.risk = max(summary.risk, float(line.get("risk") or 0.0))
    for f in findings:
        key = (str(f.get("category")), " ".join(str(f.get("sentence", "")).split()))
        if key in seen:
            continue
        seen.add(key)
        summary.categories[key[0]] += 1
        summary.outside_main += (f.get("location") or {}).get("region") not in (None, "main")
        sev = f.get("severity")
        if sev in SEVERITY_RANK and (
            summary.max_severity is None or SEVERITY_RANK[sev] > SEVERITY_RANK[summary.max_severity]
        ):
            summary.max_severity = sev
        worst.append(f | {"page_url": line.get("final_url") or line.get("url"), "page_language": line.get("language")})


def _badness(f: dict[str, Any]) -> tuple[int, float]:
    return SEVERITY_RANK.get(f.get("severity", ""), -1), float(f.get("confidence") or 0.0)


def csv_header() -> list[str]:
    return [
        "site",
        "pages_checked",
        "pages_failed",
        "pages_skipped",
        "flagged_pages",
        "findings",
        *CATEGORIES,
        "max_severity",
        "risk",
        "flagged",
        "errors",
    ]


def render_csv(summaries: Iterable[SiteSummary]) -> str:
    """sites.csv: one row per site, riskiest first."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(csv_header())
    for s in summaries:
        writer.writerow(
            [
                s.site,
                s.pages_checked,
                s.pages_failed,
                s.pages_skipped,
                s.flagged_pages,
                s.findings,
                *(s.categories.get(c, 0) for c in CATEGORIES),
                s.max_severity or "",
                f"{s.risk:.3f}",
                "yes" if s.flagged else "no",
                s.error_text(),
            ]
        )
    return buf.getvalue()
