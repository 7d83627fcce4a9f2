"""Boilerplate is a region, not a loss: main content is checked by default, `regions="all"` checks the rest too."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from siteserver import DATA

import claimcheck
from claimcheck.errors import InputError
from claimcheck.fetch.extract import REGIONS, extract_html
from claimcheck.fetch.page import check_html
from claimcheck.siteaudit import audit

pytest_plugins = ["siteserver"]  # the server and fast fixtures

PAGE = DATA / "pages" / "warning_sidebar_en.html"
SIDEBAR_CLAIMS = ["cures stroke", "FDA approved", "no side effects"]


def test_a_claim_laden_sidebar_is_not_checked_by_default(checker):
    report = check_html(PAGE.read_text(encoding="utf-8"), checker=checker, url="https://news.test/a")
    assert not report.flagged
    assert report.source["regions"] == ["main"]
    assert report.source["outside_characters"]["sidebar"] > 100  # the sidebar was seen, and left out


def test_regions_all_checks_the_sidebar_and_marks_each_finding_with_its_region(checker):
    html = PAGE.read_text(encoding="utf-8")
    report = check_html(html, checker=checker, url="https://news.test/a", regions="all")
    text = extract_html(html, "https://news.test/a", regions="all").text
    quotes = [f.quote for f in report.findings]
    assert all(any(claim in q for q in quotes) for claim in SIDEBAR_CLAIMS), quotes
    for f in report.findings:
        assert text[f.start : f.end] == f.quote
        assert f.location["region"] == "sidebar" and f.location["path"].startswith("/html/body/div")


def test_every_region_keeps_offsets_paths_and_never_hidden_text():
    html = PAGE.read_text(encoding="utf-8")
    everything = extract_html(html, "https://news.test/", regions="all")
    main = extract_html(html, "https://news.test/")
    assert "Hidden promo" not in everything.text and "Hidden promo" not in main.text
    assert {b.region for b in everything.blocks} == {"main", "navigation", "sidebar", "footer", "other"}
    assert all(b.region in REGIONS and b.path.startswith("/html") for b in everything.blocks)
    main_blocks = [everything.text[b.start : b.end] for b in everything.blocks if b.region == "main"]
    assert [main.text[b.start : b.end] for b in main.blocks] == main_blocks
    assert "No stem cell therapy has been approved for stroke" in main.text
    assert "Our stem cell therapy cures stroke" not in main.text
    left_out = dict(main.outside)
    for region in ("navigation", "sidebar", "footer"):
        blocks = [b for b in everything.blocks if b.region == region]
        assert left_out[region] == sum(b.end - b.start for b in blocks)


def test_a_region_list_selects_only_those_regions():
    e = extract_html(PAGE.read_text(encoding="utf-8"), regions="main,sidebar")
    assert {b.region for b in e.blocks} == {"main", "sidebar"} and e.regions == ("main", "sidebar")
    with pytest.raises(InputError):
        extract_html("<p>x</p>", regions="main,sidebars")


@pytest.mark.parametrize("encoding", ["gbk", "big5", "utf-16"])
def test_public_extract_decodes_bytes_with_our_charset_rules(encoding):
    text, menu = (
        ("本院幹細胞療法可根治中風，無任何副作用。", "首頁")
        if encoding == "big5"
        else ("本院干细胞疗法可根治中风。", "首页")
    )
    meta = "" if encoding == "utf-16" else f'<meta charset="{encoding}">'
    html = f"<html><head>{meta}</head><body><nav>{menu}</nav><p>{text}</p></body></html>"
    e = claimcheck.extract(html.encode(encoding), "https://clinic.test/")
    assert text in e.text and menu not in e.text
    assert "extract" in claimcheck.__all__


def test_public_extract_refuses_binary_bytes():
    with pytest.raises(InputError):
        claimcheck.extract(bytes(range(256)) * 40)


def test_cli_checks_the_sidebar_only_with_regions_all(tmp_path):
    page = tmp_path / "warning.html"
    page.write_bytes(PAGE.read_bytes())
    run = [sys.executable, "-m", "claimcheck", "check", str(page), "--format", "json"]
    default = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert default.returncode == 0, default.stderr
    everything = subprocess.run([*run, "--regions", "all"], capture_output=True, text=True, timeout=300)
    assert everything.returncode == 1, everything.stderr
    findings = json.loads(everything.stdout)["findings"]
    assert findings and {f["location"]["region"] for f in findings} == {"sidebar"}
    bad = subprocess.run([*run, "--regions", "menus"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "menus" in bad.stderr


def test_audit_counts_findings_outside_the_main_content(server, fast, checker, tmp_path):
    server.page("/", PAGE.read_text(encoding="utf-8"))
    results = list(audit([server.url("/")], checker=checker, options=fast, max_pages=1, regions="all", out=tmp_path))
    assert results and results[0].flagged
    assert {f.location["region"] for f in results[0].report.findings} == {"sidebar"}
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    outside = len(results[0].report.findings)
    assert f"<b>{outside}</b> findings outside the main content" in report
    default = list(audit([server.url("/")], checker=checker, options=fast, max_pages=1, out=tmp_path / "default"))
    assert default and not default[0].flagged


def test_alignment_keeps_a_menu_item_that_repeats_a_heading_out():
    from claimcheck.fetch.mainpart import mark_main

    main_text = "Stem cells\nNo stem cell therapy is approved for stroke.\n- item one"
    blocks = ["Stem cells", "Stem cells", "No stem cell therapy is approved for stroke.", "item one", "Contact"]
    assert mark_main(blocks, main_text) == [True, False, True, True, False]
