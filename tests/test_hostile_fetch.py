"""Hostile pages and addresses through the library's real entry point (check_url) against loopback servers."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fetch"))
from siteserver import SiteServer  # noqa: E402

from claimcheck.errors import FetchError  # noqa: E402
from claimcheck.fetch.client import FetchOptions  # noqa: E402
from claimcheck.fetch.decode import decode_page  # noqa: E402
from claimcheck.fetch.page import check_url  # noqa: E402

CLAIM_HANT = "本院幹細胞療法已獲日本厚生勞動省核准，可根治中風，無任何副作用。歡迎預約諮詢，專業醫療團隊為您服務。"
CLAIM_HANS = "本院干细胞疗法已获日本厚生劳动省核准，可根治中风，无任何副作用。欢迎预约咨询，专业医疗团队为您服务。"
PAGE = "<html><head><title>Clinic</title></head><body><h1>Stem cells</h1><p>{}</p></body></html>"


@pytest.fixture
def server():
    s = SiteServer()
    yield s
    s.close()


def dripping(seconds: float, status: int = 200, location: str | None = None, body: bytes = b""):
    """Answers after `seconds`, just under the per-request limit."""

    def send(h) -> None:
        time.sleep(seconds)
        h.send_response(status)
        if location:
            h.send_header("Location", location)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return send


def test_one_deadline_covers_robots_redirects_and_body(server, checker):
    """Row 4: robots.txt and three redirects each just under the per-request limit; the check ends at its deadline."""
    server.route("/robots.txt", dripping(1.2, body=b"User-agent: *\nAllow: /\n"))
    for n in range(3):
        server.route(f"/r{n}", dripping(1.2, 302, f"/r{n + 1}"))
    server.route("/r3", dripping(1.2, body=b"stem cells cure stroke"))
    options = FetchOptions(allow_private=True, host_delay=0, read_timeout=2, total_timeout=2, deadline=3)
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        check_url(server.url("/r0"), checker=checker, options=options)
    elapsed = time.monotonic() - started
    assert err.value.reason == "timeout" and "together" in str(err.value)
    assert elapsed < 3 + 1.5, elapsed  # the old per-request limit alone let this run for 6 s


def test_a_fast_chain_within_the_deadline_still_works(server, checker):
    server.redirect("/a", "/b")
    server.page("/b", PAGE.format("Our stem cell therapy cures stroke."))
    options = FetchOptions(allow_private=True, host_delay=0, deadline=5)
    report = check_url(server.url("/a"), checker=checker, options=options)
    assert report.flagged and report.source["final_url"] == server.url("/b")


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.0.8/",  # IETF protocol assignments, 192.0.0.0/24
        "http://[2002:7f00:1::1]/",  # 6to4 wrapping 127.0.0.1
        "http://[2002:a00:1::]/",  # 6to4 wrapping 10.0.0.1
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo, client 127.0.0.1
        "http://[64:ff9b::7f00:1]/",  # NAT64 well-known prefix wrapping 127.0.0.1
        "http://192.88.99.1/",  # deprecated 6to4 relay anycast
    ],
)
def test_special_purpose_and_wrapped_addresses_are_refused(url, checker):
    """Row 7: refused before any connection is tried, whatever Python's is_global says."""
    options = FetchOptions(host_delay=0, connect_timeout=0.5, total_timeout=3, obey_robots=False)
    with pytest.raises(FetchError) as err:
        check_url(url, checker=checker, options=options)
    assert err.value.reason == "blocked_address", err.value


def test_wrapped_public_addresses_stay_allowed():
    import ipaddress

    from claimcheck.fetch.guard import blocked_reason

    for text in ("2002:808:808::1", "64:ff9b::808:808", "::ffff:8.8.8.8", "8.8.8.8"):
        assert blocked_reason(ipaddress.ip_address(text)) is None, text
    assert "loopback" in blocked_reason(ipaddress.ip_address("2002:7f00:1::1"))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("label", ["utf-16", "UTF-16{}"])
def test_utf16_page_named_by_its_header_is_decoded(server, checker, encoding, label):
    """Row 11: no BOM, NUL bytes everywhere; the Content-Type's charset says what it is."""
    label = label.format(encoding[-2:].upper())
    body = PAGE.format("Our stem cell therapy cures stroke. 本院幹細胞療法可根治中風。").encode(encoding)
    server.page("/u16", body, content_type=f"text/html; charset={label}")
    options = FetchOptions(allow_private=True, host_delay=0)
    report = check_url(server.url("/u16"), checker=checker, options=options)
    assert report.flagged and report.source["encoding"] == encoding
    assert any("cures stroke" in f.quote for f in report.findings)


def test_utf16_without_any_declaration_is_still_refused_as_binary():
    with pytest.raises(FetchError) as err:
        decode_page(PAGE.format("stem cells").encode("utf-16-le"))
    assert err.value.reason == "binary"


def test_big5_served_as_gbk_is_read_as_big5(server, checker):
    """Soft: Big5 bytes decode as GBK without an error, into mojibake; the cleaner reading wins."""
    server.page("/b5", PAGE.format(CLAIM_HANT).encode("big5"), content_type="text/html; charset=gbk")
    report = check_url(server.url("/b5"), checker=checker, options=FetchOptions(allow_private=True, host_delay=0))
    assert report.source["encoding"] == "big5hkscs"
    assert report.flagged and any("根治中風" in f.quote or "核准" in f.quote for f in report.findings)


def test_gbk_page_with_a_few_bad_bytes_is_read_as_gbk(server, checker):
    """Soft: undeclared GBK with two invalid bytes used to decode as UTF-8 (all mojibake)."""
    raw = CLAIM_HANS.encode("gbk")
    body = (
        PAGE.format("")
        .encode()
        .replace(b"<p></p>", b"<p>" + raw[:20] + b"\xff" + raw[20:40] + b"\x80" + raw[40:] + b"</p>")
    )
    server.page("/gbk", body, content_type="text/html")
    report = check_url(server.url("/gbk"), checker=checker, options=FetchOptions(allow_private=True, host_delay=0))
    assert report.source["encoding"] == "gb18030"
    assert report.flagged and any("根治中风" in f.quote or "核准" in f.quote for f in report.findings)


def test_gbk_served_as_gbk_is_unchanged():
    data = PAGE.format(CLAIM_HANS).encode("gbk")
    decoded = decode_page(data, header_charset="gbk")
    assert (decoded.encoding, decoded.source) == ("gb18030", "header") and CLAIM_HANS in decoded.text
