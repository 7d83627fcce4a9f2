"""What a report was made from (URL, final URL, title, fetch time, file), as labelled lines for every format."""

from __future__ import annotations

from typing import Any

from claimcheck.model import Report
from claimcheck.report import i18n

# label key -> (English, Simplified Chinese)
LABELS = {
    "url": ("URL", "网址"),
    "final_url": ("final URL", "最终网址"),
    "title": ("page title", "页面标题"),
    "fetched_at": ("fetched", "抓取时间"),
    "file": ("file", "文件"),
    "input": ("input", "输入"),
}
_INPUTS = {"text": ("text", "文本"), "stdin": ("standard input", "标准输入")}


def checked_items(source: dict[str, Any]) -> list[tuple[str, str]]:
    """(label key, value) pairs naming what was checked; a redirect's final URL only when it differs."""
    kind = source.get("kind")
    items: list[tuple[str, str]] = []
    url = source.get("url")
    if kind == "file":
        items.append(("file", str(source.get("path", ""))))
    elif isinstance(url, str) and url.startswith("file:"):
        items.append(("file", url))
    elif url:
        items.append(("url", str(url)))
    final = source.get("final_url")
    if final and final != url:
        items.append(("final_url", str(final)))
    if source.get("title"):
        items.append(("title", " ".join(str(source["title"]).split())))
    if source.get("fetched_at"):
        items.append(("fetched_at", str(source["fetched_at"])))
    if not items and kind in _INPUTS:
        items.append(("input", "stdin" if kind == "stdin" else "text"))
    return items


def label(key: str, zh: bool, report: Report | None = None) -> str:
    """The label in the reader's language (Chinese in the checked text's script when `report` is given)."""
    en, cn = LABELS[key]
    return (i18n.zh(cn, report) if report else cn) if zh else en


def value(key: str, raw: str, zh: bool, report: Report | None = None) -> str:
    """The value as shown: plain inputs are named in the reader's language."""
    if key == "input":
        en, cn = _INPUTS[raw]
        return (i18n.zh(cn, report) if report else cn) if zh else en
    return raw


def checked_lines(report: Report, zh: bool = False) -> list[tuple[str, str]]:
    """(label, value) pairs ready to print."""
    return [(label(k, zh, report), value(k, v, zh, report)) for k, v in checked_items(report.source)]
