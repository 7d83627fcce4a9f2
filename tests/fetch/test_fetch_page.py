"""One URL end to end: fetch, decode, extract, check; every finding located; script text never flagged."""

from __future__ import annotations

import json

import pytest
from siteserver import DATA, EXAMPLES, SITES

from claimcheck.errors import FetchError
from claimcheck.fetch.page import check_html, check_url

pytest_plugins = ["siteserver"]  # the server and fast fixtures

NEVER_FLAGGED = [
    "FDA approved stem cells - 100% safe",
    "guaranteed_recovery",
    "Cure your stroke in 7 days",
    "彻底治愈中风-100%安全-国家批准",
    "一针见效 包治百病",
    "一次施打永久根治中風，無效退費",
    "reverse your stroke in one visit",
    "包治包好，三天见效",
    "中風包醫好",
]


def _assert_located(report, url):
    assert report.findings
    for f in report.findings:
        loc = f.location
        assert loc["url"] == url and (loc["start"], loc["end"]) == (f.start, f.end)
        assert loc["block"] and loc["path"].startswith("/html")
        assert "heading" in loc


@pytest.mark.parametrize("name", ["clinic_en.html", "clinic_zh_hans.html", "clinic_zh_hant.html"])
def test_example_pages_are_flagged_located_and_script_text_is_never_flagged(checker, name):
    report = check_html((EXAMPLES / name).read_text(encoding="utf-8"), checker=checker, url=f"file:///{name}")
    _assert_located(report, f"file:///{name}")
    assert any(f.location["heading"] for f in report.findings)
    for f in report.findings:
        for needle in NEVER_FLAGGED:
            assert needle not in f.sentence


def test_labelled_pages_never_flag_hidden_or_script_text(checker):
    labels = DATA / "pages" / "labels.json"
    if not labels.exists():
        pytest.skip("no labelled pages yet")
    for entry in json.loads(labels.read_text(encoding="utf-8")):
        if entry["file"].endswith(".html"):
            report = check_html((labels.parent / entry["file"]).read_text(encoding="utf-8"), checker=checker)
            sentences = " ".join(f.sentence for f in report.findings)
            for needle in NEVER_FLAGGED:
                assert needle not in sentences, (entry["file"], needle)


def test_check_url_fetches_and_locates(server, checker):
    server.page("/clinic", (EXAMPLES / "clinic_en.html").read_bytes(), content_type="text/html")
    server.redirect("/go", "/clinic", 301)
    report = check_url(server.url("/go"), checker=checker, allow_private=True)
    _assert_located(report, server.url("/clinic"))
    src = report.source
    assert src["kind"] == "url" and src["url"] == server.url("/go") and src["final_url"] == server.url("/clinic")
    assert src["redirects"] == [server.url("/clinic")] and src["encoding_source"] == "meta"
    assert src["title"].startswith("Stem Cell Therapy for Stroke")
    heading = {f.location["heading"] for f in report.findings}
    assert "Why Stroke Survivors Choose Solterra" in heading


@pytest.mark.parametrize("name", ["gbk_meta.html", "big5_meta.html", "gbk_undeclared.html", "big5_undeclared.html"])
def test_chinese_legacy_encodings_are_checked(server, checker, name):
    server.page("/p", (SITES / name).read_bytes(), content_type="text/html")
    report = check_url(server.url("/p"), checker=checker, allow_private=True)
    assert report.language == "zh" and report.flagged
    for f in report.findings:
        assert "根治中風，無效退費" not in f.sentence and "100%安全-国家批准" not in f.sentence


def test_plain_text_page(server, checker):
    server.page("/t.txt", (EXAMPLES / "clinic_en.txt").read_bytes(), content_type="text/plain; charset=utf-8")
    report = check_url(server.url("/t.txt"), checker=checker, allow_private=True)
    assert report.flagged and all(f.location["block"] == "line" for f in report.findings)


def test_check_url_refuses_loopback_by_default(server, checker):
    server.page("/", "<p>x</p>")
    with pytest.raises(FetchError) as err:
        check_url(server.url("/"), checker=checker)
    assert err.value.reason == "blocked_address" and server.hits["/"] == 0


def test_cli_check_url(server, checker):
    """The `check URL` command (in-process, sharing the session's checker): JSON with located findings, exit 1."""
    from typer.testing import CliRunner

    from claimcheck.cli import app

    server.page("/clinic", (EXAMPLES / "clinic_zh_hans.html").read_bytes(), content_type="text/html")
    result = CliRunner().invoke(app, ["check", server.url("/clinic"), "--allow-private", "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["source"]["final_url"] == server.url("/clinic")
    assert all(f["location"]["url"] == server.url("/clinic") for f in data["findings"])
