"""Hostile site lists: a line that is no URL is reported with its line number and the audit goes on."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from rich.console import Console

sys.path.insert(0, str(Path(__file__).parent / "fetch"))
from siteserver import SiteServer  # noqa: E402

from claimcheck.siteaudit import audit, parse_sites, run_cli  # noqa: E402

BAD = ["http://[::1", "garbage !!@@##", "http://"]


@pytest.fixture
def site():
    s = SiteServer()
    s.page("/", "<html><body><h1>Stem cells</h1><p>Our stem cell therapy cures stroke.</p></body></html>")
    yield s
    s.close()


def read_lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_bad_site_lines_do_not_stop_the_audit(tmp_path, site, monkeypatch):
    """Row 6 and the soft item: `http://[::1` used to abort every run (exit 70, no sites.csv); `garbage !!@@##`
    and `http://` were merged into one site `https:///`. Now each keeps its own line and the rest is audited."""
    sites = tmp_path / "sites.txt"
    sites.write_text("\n".join(["# clinics", BAD[0], site.url("/"), BAD[1], "", BAD[2]]) + "\n")
    monkeypatch.setenv("CLAIMCHECK_HOST_DELAY", "0")
    out = tmp_path / "out"
    err = io.StringIO()
    code = run_cli(sites, out, max_pages=2, depth=0, allow_private=True, console=Console(file=err, width=400))
    assert code == 1  # the good site is flagged
    log = err.getvalue()
    for number, line in ((2, BAD[0]), (4, BAD[1]), (6, BAD[2])):
        assert f"sites.txt:{number}:" in log and repr(line) in log, log
    with (out / "sites.csv").open(encoding="utf-8") as fh:
        rows = {r["site"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {site.url("/"), *BAD}  # each bad line under its own name, nothing under "https:///"
    assert all(rows[b]["errors"] == "bad_url" for b in BAD) and rows[site.url("/")]["flagged"] == "yes"
    errors = read_lines(out / "errors.jsonl")
    assert {e["url"] for e in errors} == set(BAD) and all(e["reason"] == "bad_url" for e in errors)
    assert all(b in (out / "report.html").read_text(encoding="utf-8") for b in ("garbage !!@@##", "http://[::1"))

    before = read_lines(out / "results.jsonl")
    assert run_cli(sites, out, max_pages=2, depth=0, allow_private=True, console=Console(file=io.StringIO())) == 1
    assert read_lines(out / "results.jsonl") == before  # a rerun resumes: nothing fetched or recorded twice


def test_library_audit_reports_bad_urls_as_results(site, checker):
    from claimcheck.fetch.client import FetchOptions

    results = list(
        audit(
            [*BAD, site.url("/")], checker=checker, max_pages=1, options=FetchOptions(allow_private=True, host_delay=0)
        )
    )
    by_url = {r.url: r for r in results}
    assert set(by_url) == {*BAD, site.url("/")}
    assert all(by_url[b].status == "error" and by_url[b].error["reason"] == "bad_url" for b in BAD)
    assert by_url[site.url("/")].flagged


def test_parse_sites_keeps_what_it_cannot_normalize():
    from claimcheck.siteaudit.engine import bad_site_lines

    lines = ["example.org", "garbage !!@@##", "http://", "ftp://files.test", "https://exa mple.org/"]
    assert parse_sites(lines) == [
        "https://example.org/",
        "garbage !!@@##",
        "http://",
        "ftp://files.test/",
        "https://exa mple.org/",
    ]
    assert [(n, line) for n, line, _ in bad_site_lines(lines)] == [
        (2, "garbage !!@@##"),
        (3, "http://"),
        (4, "ftp://files.test/"),
        (5, "https://exa mple.org/"),
    ]
