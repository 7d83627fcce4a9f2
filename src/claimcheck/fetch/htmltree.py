"""HTML -> an lxml tree, with nesting capped so that no page can make the tree (or a walk over it) explode.

libxml2 silently drops everything nested deeper than 256 elements, which would hide a claim from the
checker. A page that deep is parsed again through a target that keeps every character but flattens
elements below MAX_DEPTH into their ancestor: the structure is capped, the text is not.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from lxml.html import HtmlElement, HTMLParser

MAX_DEPTH = 200
_FLATTENED_BLOCKS = frozenset("p div li td th tr br h1 h2 h3 h4 h5 h6 section article blockquote dd dt".split())


def parse_html(html: str | bytes) -> HtmlElement | None:
    """The document's root element, or None for an empty document."""
    data = html.encode("utf-8", "replace") if isinstance(html, str) else html
    if not data.strip():
        return None
    parser = _parser()
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        root = None
    if _too_deep(parser):
        return _parse_capped(data)
    return root if isinstance(root, HtmlElement) else None


def _parser(**options: Any) -> HTMLParser:
    """A fresh parser per document: lxml parsers must not be shared between threads."""
    return HTMLParser(
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        **options,
    )


def _too_deep(parser: HTMLParser) -> bool:
    return any("depth" in entry.message.lower() for entry in parser.error_log)


class _CappedBuilder:
    """A parser target that forwards events to lxml's TreeBuilder, flattening elements past MAX_DEPTH."""

    def __init__(self) -> None:
        self.builder = etree.TreeBuilder(parser=_parser())
        self.depth = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        if self.depth <= MAX_DEPTH:
            self.builder.start(tag, attrib)
        elif tag in _FLATTENED_BLOCKS:
            self.builder.data(" ")  # keep the words of flattened blocks apart

    def end(self, tag: str) -> None:
        self.depth -= 1
        if self.depth < MAX_DEPTH:
            self.builder.end(tag)
        elif tag in _FLATTENED_BLOCKS:
            self.builder.data(" ")

    def data(self, text: str) -> None:
        self.builder.data(text)

    def close(self) -> Any:
        return self.builder.close()


def _parse_capped(data: bytes) -> HtmlElement | None:
    parser = _parser(target=_CappedBuilder())
    try:
        parser.feed(data)
        root = parser.close()
    except etree.XMLSyntaxError:
        return None
    return root if isinstance(root, HtmlElement) else None
