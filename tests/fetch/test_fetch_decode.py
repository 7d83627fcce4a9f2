"""Charset: BOM, then the HTTP header, then a meta tag, then UTF-8, then detection (GBK/GB18030, Big5)."""

from __future__ import annotations

import asyncio
import codecs

import pytest
from siteserver import SITES

from claimcheck.errors import FetchError
from claimcheck.fetch.client import Fetcher
from claimcheck.fetch.decode import decode_page, normalize_label, sniff_meta_charset

HANS = "本中心干细胞治疗中风技术已获国家批准，安全合规。"
HANT = "本療程由日本厚生勞動省核准，是合法的正規醫療。"

pytest_plugins = ["siteserver"]  # the server and fast fixtures


@pytest.mark.parametrize(
    ("name", "encoding", "source", "needle"),
    [
        ("gbk_meta.html", "gb18030", "meta", HANS),
        ("big5_meta.html", "big5hkscs", "meta", HANT),
        ("gbk_undeclared.html", "gb18030", "detected", HANS),
        ("big5_undeclared.html", "big5hkscs", "detected", HANT),
    ],
)
def test_fixture_pages_decode(name, encoding, source, needle):
    decoded = decode_page((SITES / name).read_bytes())
    assert (decoded.encoding, decoded.source) == (encoding, source)
    assert needle in decoded.text


def test_header_beats_meta_when_the_bytes_agree():
    data = '<meta charset="big5"><p>干细胞</p>'.encode("gbk")
    decoded = decode_page(data, header_charset="GBK")
    assert (decoded.source, "干细胞" in decoded.text) == ("header", True)


def test_a_wrong_declaration_is_not_trusted():
    data = "<meta charset='utf-8'><p>干细胞治疗中风，彻底治愈，无任何毒副作用，国家批准。</p>".encode("gbk")
    decoded = decode_page(data, header_charset="utf-8")
    assert decoded.source == "detected" and "干细胞治疗中风" in decoded.text


def test_server_default_latin1_does_not_hide_the_meta_charset():
    data = '<meta charset="gb2312"><p>干细胞治疗中风</p>'.encode("gbk")
    decoded = decode_page(data, header_charset="ISO-8859-1")
    assert decoded.source == "meta" and "干细胞治疗中风" in decoded.text


def test_bom_and_xml_declaration():
    assert decode_page(codecs.BOM_UTF8 + "<p>幹細胞</p>".encode()).source == "bom"
    xml = '<?xml version="1.0" encoding="big5"?><html><p>幹細胞治療</p></html>'.encode("big5")
    assert "幹細胞治療" in decode_page(xml).text


def test_meta_inside_a_comment_is_ignored():
    assert sniff_meta_charset(b'<!-- <meta charset="big5"> --><meta charset="gbk">') == "gbk"


def test_labels_widen_to_supersets():
    assert normalize_label("gb2312") == "gb18030"
    assert normalize_label("GBK") == "gb18030"
    assert normalize_label("big5") == "big5hkscs"
    assert normalize_label("iso-8859-1") == "cp1252"
    assert normalize_label("no-such-charset") is None


def test_binary_is_refused():
    with pytest.raises(FetchError) as err:
        decode_page(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    assert err.value.reason == "binary"


def test_plain_utf8_without_any_declaration():
    assert decode_page("<p>Stem cells — café</p>".encode()).source == "utf-8"


@pytest.mark.parametrize("name", ["gbk_meta.html", "big5_meta.html", "gbk_undeclared.html", "big5_undeclared.html"])
def test_served_pages_without_a_header_charset(server, fast, name):
    """Served as bare text/html: the meta tag (or detection) must decide."""
    server.page("/p", (SITES / name).read_bytes(), content_type="text/html")

    async def go():
        async with Fetcher(fast) as f:
            return await f.fetch(server.url("/p"))

    fetched = asyncio.run(go())
    assert fetched.charset is None
    text = decode_page(fetched.body, header_charset=fetched.charset).text
    assert HANS in text or HANT in text
