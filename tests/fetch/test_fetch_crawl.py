"""Same-site relevant link selection: URL and link words in English and Chinese, most relevant first."""

from __future__ import annotations

import pytest

from claimcheck.fetch.crawl import normalize_url, relevance, same_site, select_links, site_key
from claimcheck.fetch.extract import Link


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("https://c.test/services", "Stem cell therapy"),
        ("https://c.test/stroke-recovery", ""),
        ("https://c.test/p?id=7", "干细胞治疗中风"),
        ("https://c.test/p?id=8", "幹細胞治療中風"),
        ("https://c.test/%E5%8D%92%E4%B8%AD", ""),  # /卒中
        ("https://c.test/a", "脑梗后遗症案例"),
        ("https://c.test/price-list", ""),
        ("https://c.test/b", "费用"),
        ("https://c.test/c", "患者見證"),
    ],
)
def test_relevant_links(url, text):
    assert relevance(url, text) > 0


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("https://c.test/about-us", "About us"),
        ("https://c.test/careers", "Join us"),
        ("https://c.test/blog/picnic", "Picnic"),
    ],
)
def test_irrelevant_links(url, text):
    assert relevance(url, text) == 0


def test_topic_words_outrank_generic_ones():
    assert relevance("https://c.test/x", "Stem cell stroke treatment") > relevance("https://c.test/y", "Prices")
    assert relevance("https://c.test/x", "干细胞治疗中风") > relevance("https://c.test/y", "费用")


def test_select_links_filters_and_orders():
    links = [
        Link("https://www.clinic.test/prices", "Prices"),
        Link("https://clinic.test/stem-cell-stroke", "Stem cell stroke treatment"),
        Link("https://clinic.test/stem-cell-stroke#top", "again"),
        Link("https://shop.clinic.test/stroke-package", "Stroke package"),
        Link("https://other.test/stem-cells", "Stem cells"),
        Link("https://clinic.test/brochure.pdf", "Stem cell brochure"),
        Link("https://clinic.test/login?next=/stroke", "Stroke login"),
        Link("ftp://clinic.test/stem", "Stem cells"),
        Link("https://clinic.test/about", "About"),
        Link("https://clinic.test/stroke?utm_source=x", "Stroke"),
    ]
    chosen = select_links(links, {site_key("https://www.clinic.test/")})
    urls = [u for u, _ in chosen]
    assert urls[0] == "https://clinic.test/stem-cell-stroke"
    assert set(urls) == {
        "https://clinic.test/stem-cell-stroke",
        "https://www.clinic.test/prices",
        "https://shop.clinic.test/stroke-package",
        "https://clinic.test/stroke",
    }
    scores = [s for _, s in chosen]
    assert scores == sorted(scores, reverse=True)


def test_normalize_and_same_site():
    assert normalize_url("HTTPS://Clinic.Test:443/a?utm_source=x&id=1#frag") == "https://clinic.test/a?id=1"
    assert normalize_url("http://clinic.test:8080") == "http://clinic.test:8080/"
    assert same_site("https://m.clinic.test/x", {"clinic.test"})
    assert not same_site("https://clinic.test.evil.example/x", {"clinic.test"})
    assert not same_site("https://notclinic.test/x", {"clinic.test"})
