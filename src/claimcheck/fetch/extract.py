"""HTML -> the readable text a visitor sees, as blocks with locators (offsets, region, nearest heading, path).

The page is parsed once (lxml, nesting capped: fetch/htmltree.py) and walked once (fetch/domwalk.py);
trafilatura votes on which blocks are main content (fetch/mainpart.py). Text outside the main content is
kept as its region (navigation, header, footer, sidebar, other) and left out of `text` unless asked for.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml.html import HtmlElement

from claimcheck.errors import InputError
from claimcheck.fetch.domwalk import HEADINGS, RawBlock, clean, hidden_selectors, walk
from claimcheck.fetch.htmltree import parse_html
from claimcheck.fetch.mainpart import main_content_text, mark_main

MAIN = "main"
REGIONS = ("main", "navigation", "header", "footer", "sidebar", "other")
Regions = str | Iterable[str] | None  # "main" (the default), "all", or region names
_MAX_TRAFILATURA_BLOCKS = 20_000  # a page with more blocks keeps its structural regions only
_HEADED_TEXT = 10  # a heading followed by this much main text in its own section is that text's heading
_LONG_TEXT = 40
_LIST_ITEM = re.compile(r"^(.*)/(?:ul|ol|dl)\[[^]]*\]/(?:li|dt|dd)\[[^]]*\]$")
_TEASER_IMAGE = re.compile(r"/(?:a|figure)\[[^]]*\]/")
_QUOTE = re.compile(r".*/(?:blockquote|figure)\[[^]]*\]")


@dataclass(frozen=True, slots=True)
class Block:
    """One block of extracted text: [start, end) in Extracted.text, its kind, nearest heading, DOM path, region."""

    start: int
    end: int
    kind: str
    heading: str | None
    path: str
    region: str = MAIN


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink on the page: absolute URL (fragment dropped) and the words a visitor sees for it."""

    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Extracted:
    """The page's readable text (the regions asked for) and how to find any offset of it back on the page.

    `outside` counts the characters of each region left out of `text`, so a report can say what was not read.
    """

    text: str
    title: str
    description: str
    lang: str
    blocks: tuple[Block, ...]
    links: tuple[Link, ...]
    regions: tuple[str, ...] = (MAIN,)
    outside: tuple[tuple[str, int], ...] = ()

    def locate(self, offset: int) -> Block | None:
        """The block containing (or, between blocks, preceding) `offset`."""
        starts = [b.start for b in self.blocks]
        i = bisect.bisect_right(starts, offset) - 1
        return self.blocks[i] if i >= 0 else None


def parse_regions(value: Regions) -> tuple[str, ...]:
    """'main' (the default), 'all', or a comma-separated list of region names -> a tuple of regions."""
    if value is None:
        return (MAIN,)
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip().lower() for n in names if n.strip()]
    if "all" in names:
        return REGIONS
    unknown = [n for n in names if n not in REGIONS]
    if unknown or not names:
        raise InputError(f"unknown region {', '.join(unknown) or '(none)'}: use all or {', '.join(REGIONS)}")
    return tuple(r for r in REGIONS if r in names)


def extract_html(html: str, base_url: str | None = None, *, regions: Regions = None) -> Extracted:
    """Parse `html` and return the text of the chosen regions (main content by default), blocks and links."""
    chosen = parse_regions(regions)
    root = parse_html(html)
    if root is None:
        return Extracted("", "", "", "", (), (), chosen)
    title = _title(root)
    description = _meta_description(root)
    lang = str(root.get("lang") or "") if root.tag == "html" else ""
    body = root.find("body")
    raw = walk(body if body is not None else root, hidden_selectors(root))
    decided = _decide_regions(root, raw, base_url)
    head = [
        (t, k, p, MAIN)
        for t, k, p in (
            (title, "title", "/html/head/title"),
            (description, "description", "/html/head/meta[@name='description']"),
        )
        if t
    ]
    text, blocks, outside = _assemble([*head, *decided], chosen)
    base = _base_url(root, base_url)
    links = _links(root, base) if base else ()
    return Extracted(text, title, description, lang, blocks, links, chosen, outside)


def extract_plain(text: str) -> Extracted:
    """A text/plain page: the text as it is, one block per non-empty line."""
    blocks, pos = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            blocks.append(Block(pos, pos + len(line.rstrip("\r\n")), "line", None, ""))
        pos += len(line)
    return Extracted(text, "", "", "", tuple(blocks), ())


def _decide_regions(root: HtmlElement, raw: list[RawBlock], url: str | None) -> list[tuple[str, str, str, str]]:
    """(text, kind, path, region) per block: hard boilerplate keeps its region; trafilatura decides the rest."""
    soft = [b for b in raw if not b.hard and b.kind != "alt"]
    main_text = main_content_text(root, url) if 0 < len(soft) <= _MAX_TRAFILATURA_BLOCKS else None
    votes = _with_headings_and_quotes(soft, mark_main([b.text for b in soft], main_text)) if main_text else None
    out: list[tuple[str, str, str, str]] = []
    previous = MAIN
    i = 0
    for b in raw:
        if b.hard:
            region = b.hint
        elif b.kind == "alt":
            # a linked or captioned image is a teaser, an ad or a photo credit more often than a statement
            region = (
                previous
                if b.hint == MAIN and not _TEASER_IMAGE.search(b.path)
                else (b.hint if b.hint != MAIN else "other")
            )
        else:
            # without trafilatura's answer everything not certainly boilerplate is read
            region = MAIN if votes is None or votes[i] else (b.hint if b.hint != MAIN else "other")
            i += 1
        if b.kind != "alt":
            previous = region
        out.append((b.text, b.kind, b.path, region))
    return out


def _with_headings_and_quotes(soft: list[RawBlock], votes: list[bool]) -> list[bool]:
    """A heading belongs to the main content it heads; a quote's attribution or caption goes with its quote;
    a plain list followed, in its own section, by main text is part of it ("Conditions we treat: ...")."""
    _lists_before_main_text(soft, votes)
    for i in range(len(soft) - 2, -1, -1):
        parent = soft[i].path.rsplit("/", 1)[0] + "/"
        following = soft[i + 1]
        if (
            not votes[i]
            and soft[i].kind in HEADINGS
            and votes[i + 1]
            and following.kind not in HEADINGS
            and len(following.text) >= _HEADED_TEXT
            and following.path.startswith(parent)
        ):
            votes[i] = True
    for i in range(1, len(soft)):
        quote = _QUOTE.search(soft[i].path)
        if not votes[i] and votes[i - 1] and quote and soft[i - 1].path.startswith(soft[i].path[: quote.end()]):
            votes[i] = True
    return votes


def _assemble(
    parts: list[tuple[str, str, str, str]], chosen: tuple[str, ...]
) -> tuple[str, tuple[Block, ...], tuple[tuple[str, int], ...]]:
    """Join the chosen regions' blocks into one text; a heading or a change of region starts a paragraph."""
    pieces: list[str] = []
    blocks: list[Block] = []
    outside: dict[str, int] = {}
    pos, heading, last_region = 0, None, None
    for text, kind, path, region in parts:
        if region not in chosen:
            outside[region] = outside.get(region, 0) + len(text)
            continue
        paragraph = kind in HEADINGS or (last_region is not None and region != last_region)
        sep = ("\n\n" if paragraph else "\n") if pieces else ""
        pieces += [sep, text]
        pos += len(sep)
        if kind in HEADINGS:
            heading = text
        blocks.append(Block(pos, pos + len(text), kind, heading, path, region))
        pos += len(text)
        last_region = region
    return "".join(pieces), tuple(blocks), tuple(sorted(outside.items()))


def _lists_before_main_text(soft: list[RawBlock], votes: list[bool]) -> None:
    i = 0
    while i < len(soft):
        m = _LIST_ITEM.match(soft[i].path)
        if votes[i] or m is None or soft[i].hint != MAIN:
            i += 1
            continue
        j = i + 1
        while j < len(soft) and (n := _LIST_ITEM.match(soft[j].path)) is not None and n.group(1) == m.group(1):
            j += 1
        after = soft[j] if j < len(soft) else None
        if after is not None and votes[j] and after.kind not in HEADINGS and len(after.text) >= _LONG_TEXT:
            if after.path.startswith(m.group(1) + "/"):
                votes[i:j] = [True] * (j - i)
        i = j


def _title(root: HtmlElement) -> str:
    found = next(root.iter("title"), None)
    return clean(found.text_content()) if found is not None else ""


def _base_url(root: HtmlElement, page_url: str | None) -> str | None:
    for base in root.iter("base"):
        href = base.get("href")
        if href is not None and page_url:
            return urljoin(page_url, href.strip())
    return page_url


def _meta_description(root: HtmlElement) -> str:
    for meta in root.iter("meta"):
        if str(meta.get("name", "")).lower() == "description":
            return clean(str(meta.get("content") or ""))
    return ""


def _links(root: HtmlElement, base: str) -> tuple[Link, ...]:
    """Every <a href> (menus included: they lead to the relevant pages) plus a meta refresh target."""
    found: list[Link] = []
    for a in root.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        words = [" ".join(a.itertext()), str(a.get("title") or "")]
        words += [str(img.get("alt") or "") for img in a.iter("img")]
        try:
            url = urljoin(base, href).split("#", 1)[0]
        except ValueError:
            continue
        found.append(Link(url, clean(" ".join(words))))
    for meta in root.iter("meta"):
        if str(meta.get("http-equiv", "")).lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\";]+)", str(meta.get("content") or ""), re.I)
            if m:
                found.append(Link(urljoin(base, m.group(1).strip()).split("#", 1)[0], "refresh"))
    return tuple(found)


def extract(html: str | bytes, url: str | None = None, *, regions: Regions = None) -> Extracted:
    """What the checker reads on a page: bytes are decoded as a fetched page would be (BOM, meta, GBK, Big5, ...).

    `regions` is 'main' (default), 'all' or a list of region names; InputError for binary bytes or a bad region.
    """
    from claimcheck.errors import FetchError
    from claimcheck.fetch.decode import decode_page

    if isinstance(html, bytes):
        try:
            html = decode_page(html, is_html=True).text
        except FetchError as exc:
            raise InputError(str(exc)) from exc
    return extract_html(html, url, regions=regions)
