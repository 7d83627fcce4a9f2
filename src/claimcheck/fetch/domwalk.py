"""One walk over the lxml tree: the visible text as raw blocks, each with its DOM path and structural region.

Never text: script, style, template and other non-text elements; hidden elements (hidden, aria-hidden,
inline or <style> display:none, hiding classes). Navigation, page footers, menus and cookie banners are
kept, marked as their region, so a caller can check them on request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

SKIP_TAGS = frozenset(
    "script style template noscript iframe frame frameset svg math canvas object embed applet audio video "
    "select option textarea head link meta base input map title".split()
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
_BRACES = re.compile(r"[{}]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_CLASSES = frozenset({"hidden", "d-none", "hide", "is-hidden", "invisible", "display-none"})
_BOILERPLATE = re.compile(
    r"(^|[-_\s])(?:(?P<navigation>nav|navbar|navigation|menu|menubar|breadcrumbs?|skip-?links?|sitemap)|"
    r"(?P<other>cookies?|cookie-?(?:banner|notice|consent)|consent|gdpr|onetrust|share|social)|"
    r"(?P<footer>copyright))([-_\s]|$)",
    re.I,
)
_SIDEBAR = re.compile(
    r"(^|[-_\s])(sidebar|side-?bar|widget|widgets|related|aside|ads?|advert\w*|promo)([-_\s]|$)", re.I
)
_CONTAINERS = frozenset({"body", "main", "article", "html"})
_SECTIONING = frozenset({"article", "main", "section", "blockquote", "figure"})
Hidden = tuple[frozenset[str], frozenset[str]]


@dataclass(frozen=True, slots=True)
class RawBlock:
    """A block of visible text before regions are decided: `hard` regions are never main content."""

    text: str
    kind: str
    path: str
    hint: str
    hard: bool


def clean(text: str) -> str:
    """Collapse whitespace the way a browser renders it."""
    return _SPACE.sub(" ", text).strip()


def walk(root: HtmlElement, hidden: Hidden) -> list[RawBlock]:
    """Depth-first walk without recursion (pages can nest thousands deep)."""
    return _Walker(hidden).run(root)


_ENTER, _LEAVE, _LEAVE_CONTEXT = 0, 1, 2


class _Walker:
    def __init__(self, hidden: Hidden) -> None:
        self.hidden = hidden
        self.blocks: list[RawBlock] = []
        self.buffer: list[str] = []
        self.alts: list[RawBlock] = []

    def run(self, root: HtmlElement) -> list[RawBlock]:
        contexts = [("body", "/html/body", "main", False)]
        stack: list[tuple[HtmlElement, str, int]] = [(root, "/html/body", _ENTER)]
        while stack:
            node, path, state = stack.pop()
            if state != _ENTER:
                if state == _LEAVE_CONTEXT:
                    self.flush(*contexts.pop())
                if node is not root:
                    self.text(node.tail)
                continue
            name = node.tag.lower() if isinstance(node.tag, str) else ""
            if node is not root and (not name or name in SKIP_TAGS or is_hidden(node, self.hidden)):
                self.text(node.tail)
                continue
            hint, hard = contexts[-1][2], contexts[-1][3]
            if hint == "main" and node is not root:
                hint, hard = region_of(node)
            if name == "img":
                alt = clean(str(node.get("alt") or ""))
                if alt:
                    self.alts.append(RawBlock(alt, "alt", path, hint, hard))
                self.text(node.tail)
                continue
            if name in ("td", "th") and "".join(self.buffer).strip():
                self.buffer.append(" | ")
            state = _LEAVE
            if node is not root and (name in BLOCK_TAGS or hint != contexts[-1][2]):
                self.flush(*contexts[-1])
                contexts.append((name, path, hint, hard))
                state = _LEAVE_CONTEXT
            stack.append((node, path, state))
            self.text(node.text)
            stack.extend(reversed(_children(node, path)))
        self.flush(*contexts[-1])
        return self.blocks

    def text(self, piece: str | None) -> None:
        if piece:
            self.buffer.append(_CJK_BREAK.sub("", piece) if "\n" in piece else piece)

    def flush(self, kind: str, path: str, hint: str, hard: bool) -> None:
        text = clean("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.blocks.append(RawBlock(text, kind, path, hint, hard))
        self.blocks.extend(self.alts)
        self.alts.clear()


def _children(node: HtmlElement, path: str) -> list[tuple[HtmlElement, str, int]]:
    counts: dict[str, int] = {}
    children = []
    for child in node:
        tag = child.tag if isinstance(child.tag, str) else ""
        counts[tag] = counts.get(tag, 0) + 1
        ident = child.get("id") if tag else None
        step = f"{tag}[@id='{ident}']" if ident else f"{tag}[{counts[tag]}]"
        children.append((child, f"{path}/{step}", _ENTER))
    return children


def hidden_selectors(root: HtmlElement) -> Hidden:
    """Classes and ids that top-level <style> rules hide (rules inside @media are left alone)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for style in root.iter("style"):
        for selectors, body in _top_level_rules(style.text or ""):
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
    for brace in _BRACES.finditer(css):
        i, ch = brace.start(), brace.group()
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


def is_hidden(node: HtmlElement, hidden: Hidden) -> bool:
    """Hidden by attribute, inline style, a hiding class, or a <style> rule."""
    attrib = node.attrib
    if not attrib:
        return False
    if "hidden" in attrib or attrib.get("aria-hidden", "").lower() == "true":
        return True
    if attrib.get("type", "").lower() == "hidden":
        return True
    style = attrib.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    classes = attrib.get("class", "").split()
    if any(c in _HIDDEN_CLASSES or c in hidden[0] for c in classes):
        return True
    ident = attrib.get("id")
    return bool(ident and ident in hidden[1])


def region_of(node: HtmlElement) -> tuple[str, bool]:
    """The region an element opens, and whether it is certainly boilerplate (`hard`) or only likely.

    <nav>, menus by role and page footers (a footer inside a quote or figure is its attribution) are hard;
    class and id names (menu, cookie-banner, sidebar, ...), page headers and asides are soft: main content
    when the extractor says so, for a name is only a hint.
    """
    name = node.tag.lower()
    role = node.get("role", "").lower()
    if name == "nav" or role in ("navigation", "menubar", "menu"):
        return "navigation", True
    if name == "footer" or role == "contentinfo":
        return ("main", False) if _inside(node, _SECTIONING) else ("footer", True)
    if name in _CONTAINERS:
        return "main", False
    marks = " ".join([node.get("class", ""), node.get("id", "")]).strip()
    m = _BOILERPLATE.search(marks) if marks else None
    if m:
        return next(name for name in ("navigation", "other", "footer") if m.group(name)), False
    if name == "aside" or role == "complementary" or (marks and _SIDEBAR.search(marks)):
        return "sidebar", False
    if (name == "header" or role == "banner") and not _inside(node, _SECTIONING):
        return "header", False
    return "main", False


def _inside(node: HtmlElement, names: frozenset[str]) -> bool:
    return any(isinstance(a.tag, str) and a.tag in names for a in node.iterancestors())
