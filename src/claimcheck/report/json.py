"""Report -> JSON (the stable machine format; schema documented in README)."""

from __future__ import annotations

import json

from claimcheck.model import Report


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
