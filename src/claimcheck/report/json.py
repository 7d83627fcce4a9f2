"""Report -> JSON (the stable machine format; schema in claimcheck/schema/report.schema.json and README)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from claimcheck.model import Report
from claimcheck.model import past_recheck as is_past
from claimcheck.report.staleness import stale_facts


def to_dict(report: Report, *, today: dt.date | None = None) -> dict[str, Any]:
    """`report.to_dict()` plus what depends on the day it is read: each cited fact's `stale` flag and the
    report's `stale_facts` count (distinct cited facts past `recheck_by`). Additive: schema_version stays."""
    day = today or dt.date.today()
    data = report.to_dict()
    for finding in data["findings"]:
        for fact in finding["facts"]:
            fact["stale"] = is_past(fact.get("recheck_by", ""), day)
    data["stale_facts"] = len(stale_facts(report, day))
    return data


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every report this module writes validates against."""
    from importlib.resources import files

    return json.loads(files("claimcheck").joinpath("schema", "report.schema.json").read_text(encoding="utf-8"))


def render(report: Report, *, today: dt.date | None = None) -> str:
    return json.dumps(to_dict(report, today=today), ensure_ascii=False, indent=2)
