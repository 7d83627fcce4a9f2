"""Issue 18, a newcomer's first hour at the command line: the real CLI in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fetch"))
from siteserver import SITES, SiteServer  # noqa: E402

from claimcheck import errors  # noqa: E402

CLI = [sys.executable, "-m", "claimcheck"]
COMMANDS = ("check", "audit", "facts", "serve", "train", "eval", "rules list", "rules test")


def run(*args: str, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, timeout=300, env=env)


@pytest.mark.parametrize("text", ["", "   \n\t ", "\u200b\u00a0\n"])
def test_empty_or_blank_text_is_bad_input(text):
    p = run("check", "--text", text)
    err = p.stderr.decode()
    assert p.returncode == 2 and "nothing to check" in err and "No red-flag" not in p.stdout.decode(), err
    assert "Traceback" not in err


def test_empty_stdin_and_empty_file_are_bad_input(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n \n")
    for p in (run("check", "-", stdin=b""), run("check", str(empty))):
        assert p.returncode == 2 and b"nothing to check" in p.stderr, p.stderr


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "gopher://example.org/"])
def test_other_schemes_are_named_not_taken_for_missing_files(url):
    p = run("check", url)
    err = p.stderr.decode()
    assert p.returncode == 2 and "only http and https URLs are fetched" in err and "no such file" not in err, err


def test_a_host_without_scheme_is_told_to_add_one():
    p = run("check", "example.org/page")
    assert p.returncode == 2 and b"give its URL: https://example.org/page" in p.stderr, p.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_type_on_flags(command):
    p = run(*command.split(), "--help")
    out = p.stdout.decode()
    assert p.returncode == 0 and "--help" in out, p.stderr
    assert "<bool>" not in out and "BOOLEAN" not in out, out


def _listed_codes(help_text: str) -> set[int]:
    block = help_text[help_text.index("Exit codes:") :]
    return {int(m) for m in re.findall(r"^\s+(\d+)\s{2,}\S", block, re.M)}


def test_check_help_lists_every_exit_code_check_can_return():
    out = run("check", "--help").stdout.decode()
    raised = {cls.exit_code for cls in (errors.InputError, errors.FetchError, errors.RuleError, errors.ModelError)}
    possible = raised | {errors.EXIT_CLEAN, errors.EXIT_FLAGGED, errors.EXIT_INTERNAL, errors.EXIT_INTERRUPTED}
    assert _listed_codes(out) == possible, out


def test_audit_and_facts_help_list_their_exit_codes():
    audit = _listed_codes(run("audit", "--help").stdout.decode())
    assert {0, 1, 2, errors.EXIT_SOME_UNCHECKED, errors.EXIT_NONE_CHECKED, 74, 130} <= audit
    assert _listed_codes(run("facts", "--help").stdout.decode()) >= {0, 1, 2}


def test_facts_offers_only_formats_it_implements():
    p = run("facts", "--format", "markdown")
    out = p.stdout.decode()
    assert p.returncode == 0 and out.startswith("| id | as of | recheck by |"), out[:300]
    assert "| `no_stroke_approval` |" in out and "](https://" in out
    assert out.count("\n") == 2 + len(json.loads(run("facts", "--format", "json").stdout))
    for args in (("facts", "--format", "claimreview"), ("eval", "--format", "markdown")):
        p = run(*args)
        assert p.returncode == 2 and b"Traceback" not in p.stderr, p.stderr


def test_facts_stale_exit_code_with_a_pinned_today():
    """For a scheduled job: 1 when any fact is past its recheck date, 0 when none; today pinned, not the calendar."""
    facts = json.loads(run("facts", "--format", "json").stdout)
    first_recheck = min(f["recheck_by"] for f in facts)
    last_recheck = max(f["recheck_by"] for f in facts)
    fresh = run("facts", "--stale", "--today", first_recheck)
    assert fresh.returncode == 0 and b"0 fact(s) past their recheck date" in fresh.stdout, fresh.stdout
    stale = run("facts", "--stale", "--format", "json", env={**os.environ, "CLAIMCHECK_TODAY": "2099-01-01"})
    assert stale.returncode == 1 and len(json.loads(stale.stdout)) == len(facts)
    one_day_late = run("facts", "--stale", "--format", "json", "--today", "2099-01-01")
    assert one_day_late.returncode == 1
    some = run("facts", "--stale", "--format", "json", "--today", last_recheck)
    assert some.returncode == (1 if first_recheck < last_recheck else 0)
    bad = run("facts", "--stale", "--today", "tomorrow")
    assert bad.returncode == 2 and b"2026-12-31" in bad.stderr and b"Traceback" not in bad.stderr


def test_check_judges_staleness_by_a_pinned_today_and_verbose_is_the_long_form():
    args = ("check", "--text", "Our stem cell therapy is FDA approved for stroke.")
    later = run(*args, "--format", "json", env={**os.environ, "CLAIMCHECK_TODAY": "2099-01-01"})
    now = run(*args, "--format", "json", "--today", "2000-01-01")
    assert later.returncode == now.returncode == 1, later.stderr
    assert json.loads(later.stdout)["stale_facts"] > 0 and json.loads(now.stdout)["stale_facts"] == 0
    short, long = run(*args, "--today", "2000-01-01"), run(*args, "--today", "2000-01-01", "--verbose")
    assert short.returncode == long.returncode == 1 and len(long.stdout) > len(short.stdout), long.stderr


def test_a_message_naming_an_extra_prints_it_literally(tmp_path):
    """`pip install 'claimcheck[serve]'` must not lose `[serve]` to rich markup (serve extra made missing)."""
    fake = tmp_path / "fastapi"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('No module named fastapi')\n")
    p = run("serve", "--port", "1", env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert p.returncode == 2 and b"pip install 'claimcheck[serve]'" in p.stderr, p.stderr


@pytest.mark.parametrize("warc", [False, True])
def test_audit_out_naming_an_existing_file_exits_74(tmp_path, warc):
    out = tmp_path / "out"
    out.write_text("I am a file")
    sites = tmp_path / "sites.txt"
    sites.write_text("https://example.test/\n")
    args = ("--warc", str(tmp_path / "x.warc.gz")) if warc else (str(sites),)
    p = run("audit", *args, "--out", str(out))
    assert p.returncode == 74 and b"existing file" in p.stderr and b"Traceback" not in p.stderr, p.stderr
    assert out.read_text() == "I am a file"


def test_audit_of_a_bad_list_exits_2_and_a_refused_one_6_with_the_fix(tmp_path):
    sites = tmp_path / "sites.txt"
    sites.write_text("not a url\nftp://x.org\n")
    p = run("audit", str(sites), "--out", str(tmp_path / "a"))
    err = p.stderr.decode()
    assert p.returncode == 2 and "sites.txt:1:" in err and "sites.txt:2: only http and https" in err, err
    server = SiteServer()
    server.page("/", "<p>Stroke rehabilitation helps.</p>")
    try:
        sites.write_text(f"{server.url('/')}\n{server.url('/b')}\n")
        p = run("audit", str(sites), "--out", str(tmp_path / "b"))
    finally:
        server.close()
    err = p.stderr.decode()
    assert p.returncode == errors.EXIT_NONE_CHECKED, err
    assert "2 pages refused: loopback address; pass --allow-private to audit local servers" in err, err


def test_audit_progress_lines_in_a_log(tmp_path):
    """stderr redirected (cron, nohup): plain progress lines as pages finish, no live bar."""
    servers = []
    for _ in range(3):
        s = SiteServer()
        for line in (SITES / "clinic" / "ROUTES.txt").read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                path, name = line.split()
                ctype = "text/plain" if name.endswith(".txt") else "text/html; charset=utf-8"
                s.page(path, (SITES / "clinic" / name).read_bytes(), content_type=ctype)
        servers.append(s)
    sites = tmp_path / "sites.txt"
    sites.write_text("".join(s.url("/") + "\n" for s in servers))
    log = tmp_path / "audit.log"
    try:
        with log.open("wb") as fh:
            code = subprocess.run(
                [*CLI, "audit", str(sites), "--out", str(tmp_path / "out"), "--allow-private"],
                stdout=subprocess.DEVNULL,
                stderr=fh,
                timeout=300,
                env={**os.environ, "CLAIMCHECK_HOST_DELAY": "0"},
            ).returncode
    finally:
        for s in servers:
            s.close()
    text = log.read_text(encoding="utf-8")
    assert code == 1, text
    progress = re.findall(r"^progress: (\d)/3 sites done, (\d+) pages, \d+ findings, \d+ not checked", text, re.M)
    assert progress and int(progress[0][1]) == 10, text
    assert text.index("progress:") < text.index("3 site(s), ") and "━" not in text and "\x1b[" not in text


def test_check_format_html_is_one_self_contained_page_naming_what_was_checked():
    """Every format the help offers works: --format html is the single-page report (report/page_html.py)."""
    p = run("check", "--format", "html", "--text", "Our stem cell therapy cures stroke, approved in Japan!")
    assert p.returncode == 1, p.stderr.decode()
    page = p.stdout.decode()
    assert page.lstrip().lower().startswith("<!doctype html") and "approved in Japan" in page
    assert "<script src=" not in page  # self-contained: nothing loaded from elsewhere
