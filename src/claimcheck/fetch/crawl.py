"""Same-site link selection: which links of a page look like they lead to stem-cell/stroke treatment pages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from claimcheck.errors import FetchError
from claimcheck.fetch.extract import Link
from claimcheck.fetch.guard import check_scheme

# (pattern, weight): topic words weigh most; commercial pages (price, cases) next.
RELEVANT: tuple[tuple[str, float], ...] = (
    (r"stem[\s_-]*cells?|\bmsc\b|mesenchymal|umbilical|cord[\s_-]*blood|regenerat", 3.0),
    (r"干细胞|幹細胞|间充质|間充質|脐带|臍帶|再生医学|再生醫學|再生医疗|再生醫療", 3.0),
    (r"stroke|hemipleg|paralys|brain[\s_-]*injur|cerebral|neuro", 2.5),
    (r"中风|中風|卒中|脑梗|腦梗|脑出血|腦出血|偏瘫|偏癱|半身不遂|脑血管|腦血管|后遗症|後遺症", 2.5),
    (r"treat|therap|cure|clinic|protocol|procedure|infusion|program", 1.5),
    (r"治疗|治療|疗法|療法|疗程|療程|康复|康復|复健|復健|门诊|門診", 1.5),
    (r"price|pricing|cost|fee|package|payment", 1.2),
    (r"费用|費用|价格|價格|价目|價目|收费|收費|套餐|方案", 1.2),
    (r"\bcases?\b|stor(?:y|ies)|testimonial|review|result|success|patient|before[\s_-]*after", 1.2),
    (r"案例|病例|见证|見證|心声|心聲|患者|疗效|療效|成功", 1.2),
    (r"approv|certif|licen[cs]|trial|research|faq", 0.8),
    (r"批准|核准|认证|認證|资质|資質|临床|臨床|研究|问答|問答", 0.8),
)
_RELEVANT = tuple((re.compile(p, re.I), w) for p, w in RELEVANT)
SKIP_EXTENSIONS = (
    ".pdf .jpg .jpeg .png .gif .webp .svg .ico .bmp .tif .tiff .mp3 .mp4 .avi .mov .wmv .webm .zip .rar .7z .gz "
    ".tar .exe .dmg .apk .doc .docx .xls .xlsx .ppt .pptx .css .js .json .xml .rss .woff .woff2 .ttf".split()
)
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|msclkid|spm|_ga)$", re.I)
_PAGE_WORDS = re.compile(r"login|logout|register|signin|signup|cart|checkout|account|wp-admin|print", re.I)
_BAD_HOST_CHARS = re.compile(r"""[\s!"#$%&'()*+,;<=>?@\[\\\]^`{|}]""")


def url_problem(url: str) -> FetchError | None:
    """Why `url` can never be fetched (not http(s), no host, unparseable, a host no DNS name can have), or None."""
    try:
        check_scheme(url)
    except FetchError as exc:
        return exc
    host = urlsplit(url).hostname or ""
    if ":" not in host and _BAD_HOST_CHARS.search(host):
        return FetchError(f"not a valid host name: {host[:100]!r}", "bad_url")
    return None


def normalize_url(url: str) -> str:
    """A canonical form for de-duplication: lower-case scheme and host, no default port, fragment or trackers."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower().rsplit("@", 1)[-1]
    for default in ((":80", "http"), (":443", "https")):
        if scheme == default[1] and netloc.endswith(default[0]):
            netloc = netloc[: -len(default[0])]
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def site_key(url: str) -> str:
    """The host a site is known by: lower case, without a leading 'www.'."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def same_site(url: str, hosts: Iterable[str]) -> bool:
    """True when `url` is on one of `hosts` (site keys) or a subdomain of one."""
    key = site_key(url)
    return any(key == h or key.endswith("." + h) for h in hosts)


def relevance(url: str, text: str) -> float:
    """How much a link looks like it leads to treatment marketing, from its URL path and its words (0 = not)."""
    parts = urlsplit(url)
    haystack_url = unquote(parts.path + " " + parts.query).replace("-", " ").replace("_", " ")
    score = 0.0
    for pattern, weight in _RELEVANT:
        if pattern.search(text):
            score += weight
        if pattern.search(haystack_url):
            score += weight * 0.8
    return round(score, 3)


def select_links(links: Iterable[Link], hosts: Iterable[str]) -> list[tuple[str, float]]:
    """Relevant same-site http(s) links of a page, normalized and de-duplicated, most relevant first."""
    hosts = tuple(hosts)
    best: dict[str, float] = {}
    for link in links:
        url = link.url
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not same_site(url, hosts):
            continue
        path = parts.path.lower()
        if path.endswith(tuple(SKIP_EXTENSIONS)) or _PAGE_WORDS.search(path):
            continue
        score = relevance(url, link.text)
        if score <= 0:
            continue
        key = normalize_url(url)
        best[key] = max(best.get(key, 0.0), score)
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))
