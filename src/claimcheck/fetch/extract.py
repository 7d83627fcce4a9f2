"""HTML -> the readable text a visitor sees, as blocks with locators (offsets, nearest heading, path) and links.

Dropped: script, style, template and other non-text elements; hidden elements (hidden, aria-hidden,
inline or <style> display:none); navigation, page footers, menus and cookie banners.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

SKIP_TAGS = frozenset(
    "script style template noscript iframe frame frameset svg math canvas object embed applet audio video "
    "select option textarea head link meta base input map".split()
)
BLOCK_TAGS = frozenset(
    "p div section article main header aside blockquote li dt dd ul ol dl h1 h2 h3 h4 h5 h6 tr table thead "
    "tbody tfoot figure figcaption caption pre address form fieldset legend details summary body center hr br "
    "nav footer dialog hgroup menu".split()
)
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_SPACE = re.compile(r"\s+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n\s*(?=[{_CJK}])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_CLASSES = frozenset({"hidden", "d-none", "hide", "is-hidden", "invisible", "display-none"})
_BOILERPLATE = re.compile(
    r"(^|[-_\s])(nav|navbar|navigation|menu|menubar|breadcrumbs?|skip-?links?|sitemap|cookies?|"
    r"cookie-?(banner|notice|consent)|consent|gdpr|onetrust|share|social|copyright)([-_\s]|$)",
    re.I,
)
_CONTAINERS = frozenset({"body", "main", "article", "html"})
Hidden = tuple[frozenset[str], frozenset[str]]


@dataclass(frozen=True, slots=True)
class Block:
    """One block of extracted text: [start, end) in Extracted.text, its kind, nearest heading and DOM path."""

    start: int
    end: int
    kind: str
    heading: str | None
    path: str


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink on the page: absolute URL (fragment dropped) and the words a visitor sees for it."""

    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Extracted:
    """The page's readable text and how to find any offset of it back on the page."""

    text: str
    title: str
    description: str
    lang: str
    blocks: tuple[Block, ...]
    links: tuple[Link, ...]

    def locate(self, offset: int) -> Block | None:
        """The block containing (or, between blocks, preceding) `offset`."""
        starts = [b.start for b in self.blocks]
        i = bisect.bisect_right(starts, offset) - 1
        return self.blocks[i] if i >= 0 else None


def extract_html(html: str, base_url: str | None = None) -> Extracted:
    """Parse `html` and return its readable text, blocks and links."""
    soup = BeautifulSoup(html, "lxml")
    base = _base_url(soup, base_url)
    title = _clean(soup.title.get_text()) if soup.title else ""
    description = _meta_description(soup)
    root = soup.body or soup
    html_tag = soup.find("html")
    lang = str(html_tag.get("lang") or "") if isinstance(html_tag, Tag) else ""
    builder = _Builder()
    if title:
        builder.add(title, "title", "/html/head/title")
    if description:
        builder.add(description, "description", "/html/head/meta[@name='description']")
    _walk(root, builder, hidden_selectors(soup))
    links = _links(soup, base) if base else ()
    return Extracted(builder.text(), title, description, lang, tuple(builder.blocks), links)


def extract_plain(text: str) -> Extracted:
    """A text/plain page: the text as it is, one block per non-empty line."""
    blocks, pos = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            blocks.append(Block(pos, pos + len(line.rstrip("\r\n")), "line", None, ""))
        pos += len(line)
    return Extracted(text, "", "", "", tuple(blocks), ())


class _Builder:
    """Accumulates inline text into blocks and joins blocks into one text with offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.blocks: list[Block] = []
        self.pos = 0
        self.heading: str | None = None
        self.buffer: list[str] = []
        self.pending_alts: list[tuple[str, str]] = []

    def add(self, text: str, kind: str, path: str) -> None:
        if not text:
            return
        is_heading = kind in HEADINGS
        sep = ("\n\n" if is_heading else "\n") if self.parts else ""
        self.parts.append(sep)
        self.pos += len(sep)
        if is_heading:
            self.heading = text
        self.blocks.append(Block(self.pos, self.pos + len(text), kind, self.heading, path))
        self.parts.append(text)
        self.pos += len(text)

    def flush(self, kind: str, path: str) -> None:
        text = _clean("".join(self.buffer))
        self.buffer.clear()
        self.add(text, kind, path)
        for alt, alt_path in self.pending_alts:
            self.add(alt, "alt", alt_path)
        self.pending_alts.clear()

    def text(self) -> str:
        return "".join(self.parts)


def _walk(root: Tag, builder: _Builder, hidden: tuple[frozenset[str], frozenset[str]]) -> None:
    """Depth-first walk without recursion (pages can nest thousands deep)."""
    block_stack: list[tuple[str, str]] = [(root.name or "body", "/html/body")]
    stack: list[tuple[object, str, bool]] = [(root, "/html/body", False)]
    while stack:
        node, path, leaving = stack.pop()
        if leaving:
            assert isinstance(node, Tag)
            builder.flush(*block_stack[-1])
            block_stack.pop()
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):
                builder.buffer.append(_CJK_BREAK.sub("", str(node)))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if node is not root and (name in SKIP_TAGS or is_hidden(node, hidden) or is_boilerplate(node)):
            continue
        if name == "img":
            alt = _clean(str(node.get("alt") or ""))
            if alt:
                builder.pending_alts.append((alt, path))
            continue
        if name in ("td", "th") and "".join(builder.buffer).strip():
            builder.buffer.append(" | ")
        if name in BLOCK_TAGS and node is not root:
            builder.flush(*block_stack[-1])
            block_stack.append((name, path))
            stack.append((node, path, True))
        counts: dict[str, int] = {}
        children: list[tuple[object, str, bool]] = []
        for child in node.children:
            child_path = path
            if isinstance(child, Tag):
                counts[child.name] = counts.get(child.name, 0) + 1
                ident = child.get("id")
                child_path = f"{path}/{child.name}" + (f"[@id='{ident}']" if ident else f"[{counts[child.name]}]")
            children.append((child, child_path, False))
        stack.extend(reversed(children))
    builder.flush(*block_stack[-1])


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _base_url(soup: BeautifulSoup, page_url: str | None) -> str | None:
    base = soup.find("base", href=True)
    if isinstance(base, Tag) and page_url:
        return urljoin(page_url, str(base["href"]).strip())
    return page_url


def _meta_description(soup: BeautifulSoup) -> str:
    for meta in soup.find_all("meta"):
        if str(meta.get("name", "")).lower() == "description":
            return _clean(str(meta.get("content") or ""))
    return ""


def _links(soup: BeautifulSoup, base: str) -> tuple[Link, ...]:
    """Every <a href> (menus included: they lead to the relevant pages) plus a meta refresh target."""
    found: list[Link] = []
    for a in soup.find_all(["a", "area"], href=True):
        href = str(a["href"]).strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        words = [a.get_text(" "), str(a.get("title") or "")]
        words += [str(img.get("alt") or "") for img in a.find_all("img")]
        try:
            url = urljoin(base, href).split("#", 1)[0]
        except ValueError:
            continue
        found.append(Link(url, _clean(" ".join(words))))
    for meta in soup.find_all("meta"):
        if str(meta.get("http-equiv", "")).lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\";]+)", str(meta.get("content") or ""), re.I)
            if m:
                found.append(Link(urljoin(base, m.group(1).strip()).split("#", 1)[0], "refresh"))
    return tuple(found)


def hidden_selectors(soup: BeautifulSoup) -> Hidden:
    """Classes and ids that top-level <style> rules hide (rules inside @media are left alone)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for style in soup.find_all("style"):
        for selectors, body in _top_level_rules(style.get_text()):
            if not _HIDDEN_STYLE.search(body):
                continue
            for sel in selectors.split(","):
                m = re.fullmatch(r"\s*(?:[a-zA-Z][\w-]*)?([.#])([\w-]+)\s*", sel)
                if m:
                    (classes if m.group(1) == "." else ids).add(m.group(2))
    return frozenset(classes), frozenset(ids)


def _top_level_rules(css: str) -> list[tuple[str, str]]:
    """(selectors, declarations) of rules at brace depth 0; nested blocks such as @media are skipped."""
    rules, depth, start, open_at = [], 0, 0, 0
    nested = False
    for i, ch in enumerate(css):
        if ch == "{":
            if depth == 0:
                open_at, nested = i, False
            else:
                nested = True
            depth += 1
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                if not nested:
                    rules.append((css[start:open_at], css[open_at + 1 : i]))
                start = i + 1
    return rules


def is_hidden(node: Tag, hidden: Hidden) -> bool:
    """Hidden by attribute, inline style, a hiding class, or a <style> rule."""
    if node.has_attr("hidden") or str(node.get("aria-hidden", "")).lower() == "true":
        return True
    if str(node.get("type", "")).lower() == "hidden":
        return True
    style = node.get("style")
    if style and _HIDDEN_STYLE.search(str(style)):
        return True
    classes = node.get("class") or []
    if any(c in _HIDDEN_CLASSES or c in hidden[0] for c in classes):
        return True
    ident = node.get("id")
    return bool(ident and ident in hidden[1])


def is_boilerplate(node: Tag) -> bool:
    """Navigation, page footers, menus and cookie banners (a footer inside a quote is its attribution)."""
    name = node.name
    if name == "nav" or str(node.get("role", "")).lower() in ("navigation", "contentinfo", "menubar", "menu"):
        return True
    if name == "footer":
        return node.find_parent(["blockquote", "figure"]) is None
    if name in _CONTAINERS:
        return False
    marks = " ".join([*(node.get("class") or []), str(node.get("id") or "")])
    return bool(marks.strip()) and _BOILERPLATE.search(marks) is not None
