"""Small WARC files built with warcio's writer from the project's own page fixtures (tests and benchmarks)."""

from __future__ import annotations

import io
from pathlib import Path

from testpaths import DATA

PAGES = DATA / "pages"
SITES = DATA / "sites"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _record(writer, url: str, body: bytes, content_type: str | None, *, status: str = "200 OK", kind: str = "response"):
    from warcio.statusandheaders import StatusAndHeaders

    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders(status, headers + [("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    return writer.create_warc_record(url, kind, payload=io.BytesIO(body), http_headers=http)


def write_warc(path: Path, entries: list[tuple], *, gzip: bool = True, truncate: int = 0) -> Path:
    """Write (url, body, content_type[, status]) responses, plus a warcinfo and a request record; cut
    `truncate` bytes off the end to leave a torn last record."""
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "claimcheck tests"}))
    for url, body, content_type, *status in entries:
        writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        writer.write_record(_record(writer, url, body, content_type, status=status[0] if status else "200 OK"))
    data = buf.getvalue()
    path.write_bytes(data[: len(data) - truncate] if truncate else data)
    return path


def clinic_entries() -> list[tuple]:
    """Clinic pages in three scripts, plus records a crawl holds that are not HTML pages."""
    return [
        ("https://clinic-a.example/en", (PAGES / "clinic2_en.html").read_bytes(), "text/html; charset=utf-8"),
        ("https://clinic-a.example/zh-hans", (PAGES / "clinic2_zh_hans.html").read_bytes(), "text/html"),
        ("https://www.clinic-a.example/zh-hant", (PAGES / "clinic2_zh_hant.html").read_bytes(), None),  # sniffed
        ("https://clinic-a.example/logo.png", PNG, "image/png"),
        ("https://clinic-a.example/brochure.pdf", b"%PDF-1.4\n" + bytes(300), "application/pdf"),
        (
            "https://clinic-a.example/missing",
            b"<html><body>stem cells cure stroke</body></html>",
            "text/html",
            "404 Not Found",
        ),
        ("https://clinic-a.example/binary", PNG, "text/html"),  # a binary body that says it is HTML
        ("https://cordblood.example/", (PAGES / "cordblood_en.html").read_bytes(), "text/html; charset=utf-8"),
    ]


def warning_entries() -> list[tuple]:
    """News, warnings and education that use the same words, and Chinese pages in legacy encodings."""
    return [
        ("https://news.example/trial", (PAGES / "news_trial_en.html").read_bytes(), "text/html"),
        ("https://news.example/trial-hant", (PAGES / "news_trial_zh_hant.html").read_bytes(), "text/html"),
        ("https://rehab.example/en", (PAGES / "stroke_rehab_en.html").read_bytes(), "text/html"),
        ("https://rehab.example/zh", (PAGES / "stroke_rehab_zh_hans.html").read_bytes(), "text/html"),
        ("https://trial.example/en", (PAGES / "trial_recruit_en.html").read_bytes(), "text/html"),
        ("https://gbk.example/meta", (SITES / "gbk_meta.html").read_bytes(), "text/html"),
        ("https://gbk.example/undeclared", (SITES / "gbk_undeclared.html").read_bytes(), "text/html"),
        ("https://big5.example/meta", (SITES / "big5_meta.html").read_bytes(), "text/html"),
        ("https://big5.example/undeclared", (SITES / "big5_undeclared.html").read_bytes(), "text/html; charset=big5"),
    ]


def site_entries() -> list[tuple]:
    """The loopback test site's pages, as a crawler would have captured them."""
    clinic = SITES / "clinic"
    return [
        (f"https://clinic-b.example/{p.stem}", p.read_bytes(), "text/html; charset=utf-8")
        for p in sorted(clinic.glob("*.html"))
    ]


def build_set(folder: Path) -> list[Path]:
    """Three archives: clinics (gzip), warnings (plain WARC), the test site with a torn last record."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_warc(folder / "a-clinics.warc.gz", clinic_entries()),
        write_warc(folder / "b-warnings.warc", warning_entries(), gzip=False),
        write_warc(folder / "c-site.warc.gz", site_entries(), truncate=200),
    ]
