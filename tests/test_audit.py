"""Site audits against real loopback servers: relevant-link crawl, outputs, failures, resume after Ctrl-C/kill -9."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fetch"))
from rich.console import Console  # noqa: E402
from siteserver import SITES, SiteServer  # noqa: E402

from claimcheck.fetch.client import FetchOptions  # noqa: E402
from claimcheck.siteaudit import parse_sites, run_cli  # noqa: E402
from claimcheck.siteaudit.store import ResultStore  # noqa: E402

CLINIC = SITES / "clinic"
ZH = "/zh/%E5%B9%B2%E7%BB%86%E8%83%9E%E6%B2%BB%E7%96%97"
EXPECTED = {"/", "/stem-cell-stroke-treatment", ZH, "/prices", "/patient-stories", "/stroke-faq"}
IRRELEVANT = {"/about-us", "/careers", "/blog/company-picnic", "/stroke-case-archive", "/privacy", "/brochure.pdf"}
FAST = FetchOptions(allow_private=True, host_delay=0.0, connect_timeout=2, read_timeout=3, total_timeout=10)


def clinic_server() -> SiteServer:
    s = SiteServer()
    for line in (CLINIC / "ROUTES.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            path, name = line.split()
            ctype = "text/plain" if name.endswith(".txt") else "text/html; charset=utf-8"
            s.page(path, (CLINIC / name).read_bytes(), content_type=ctype)
    return s


def clean_server() -> SiteServer:
    s = SiteServer()
    s.page("/", (CLINIC / "clean_index.html").read_bytes())
    s.page("/stroke-rehab-programme", (CLINIC / "clean_programme.html").read_bytes())
    return s


@pytest.fixture
def servers():
    made = [clinic_server(), clean_server(), SiteServer()]  # the last one answers 404 to everything
    yield made
    for s in made:
        s.close()


def closed_port() -> int:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"


def test_parse_sites_ignores_comments_and_merges_duplicates():
    text = "# my list\n\nhttps://Clinic.test/\nclinic.test\nhttps://clinic.test/#top\n  http://other.test/a?utm_source=x \n"
    assert parse_sites(text.splitlines()) == ["https://clinic.test/", "http://other.test/a"]


def test_audit_crawls_relevant_pages_and_writes_every_output(tmp_path, servers, monkeypatch, checker):
    clinic, clean, missing = servers
    dead = f"http://127.0.0.1:{closed_port()}/"
    sites = tmp_path / "sites.txt"
    sites.write_text(
        f"# audit list\n{clinic.url('/')}\n\n{clean.url('/')}\n{missing.url('/')}\n{dead}\nftp://files.test/\n{clinic.url('/')}\n"
    )
    out = tmp_path / "out"
    monkeypatch.setenv("CLAIMCHECK_HOST_DELAY", "0")
    code = run_cli(sites, out, max_pages=20, depth=2, concurrency=3, allow_private=True)
    assert code == 1

    lines = read_lines(out / "results.jsonl")
    clinic_lines = [x for x in lines if x["site"] == clinic.url("/")]
    assert {path_of(x["url"]) for x in clinic_lines} == EXPECTED
    assert [path_of(x["url"]) for x in clinic_lines[:2]] == ["/", "/stem-cell-stroke-treatment"]  # most relevant first
    assert all(clinic.hits[p] == 0 for p in IRRELEVANT) and clinic.hits["/patient-stories"] == 0
    assert len({(x["site"], x["url"]) for x in lines}) == len(lines)
    for x in lines:
        assert {"url", "site", "fetched_at", "status"} <= x.keys()
        if x["status"] == "checked":
            assert {"schema_version", "findings", "risk", "source"} <= x.keys()
            for f in x["findings"]:
                assert (
                    "100% safe, cure stroke guaranteed" not in f["sentence"]
                    and "Cure your stroke in 7 days" not in f["sentence"]
                )
                assert f["location"]["url"] == x["final_url"]
    by_path = {path_of(x["url"]): x for x in clinic_lines}
    assert by_path["/patient-stories"]["status"] == "skipped"
    assert by_path["/patient-stories"]["error"]["reason"] == "robots_disallowed"
    assert by_path["/stem-cell-stroke-treatment"]["flagged"]

    rows = {r["site"]: r for r in csv.DictReader((out / "sites.csv").open(encoding="utf-8"))}
    assert len(rows) == 5
    assert rows[clinic.url("/")]["flagged"] == "yes" and int(rows[clinic.url("/")]["pages_checked"]) == 5
    assert rows[clean.url("/")]["flagged"] == "no" and rows[clean.url("/")]["max_severity"] == ""
    assert rows[missing.url("/")]["errors"] == "http_404" and rows[dead]["errors"] == "connect"
    assert rows["ftp://files.test/"]["errors"] == "bad_scheme"
    assert float(rows[clinic.url("/")]["risk"]) > 0 and rows[clinic.url("/")]["max_severity"] in ("medium", "high")

    errors = read_lines(out / "errors.jsonl")
    assert {e["reason"] for e in errors} == {"http_404", "connect", "bad_scheme", "robots_disallowed"}

    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and 'class="sortable"' in html and "Content-Security-Policy" in html
    assert "<link" not in html and 'src="http' not in html and "@import" not in html
    assert clinic.url("/") in html and "http_404" in html

    hits_before = sum(clinic.hits.values())
    assert run_cli(sites, out, max_pages=20, depth=2, concurrency=3, allow_private=True) == 1  # resume: nothing left
    assert sum(clinic.hits.values()) == hits_before
    assert len(read_lines(out / "results.jsonl")) == len(lines)
    assert len(read_lines(out / "errors.jsonl")) == len(errors)


def test_page_and_depth_limits(tmp_path, servers, monkeypatch, checker):
    clinic = servers[0]
    sites = tmp_path / "sites.txt"
    sites.write_text(clinic.url("/") + "\n")
    monkeypatch.setenv("CLAIMCHECK_HOST_DELAY", "0")
    run_cli(sites, tmp_path / "two", max_pages=2, depth=2, concurrency=1, allow_private=True)
    assert [path_of(x["url"]) for x in read_lines(tmp_path / "two" / "results.jsonl")] == [
        "/",
        "/stem-cell-stroke-treatment",
    ]
    run_cli(sites, tmp_path / "flat", max_pages=20, depth=0, concurrency=1, allow_private=True)
    assert [path_of(x["url"]) for x in read_lines(tmp_path / "flat" / "results.jsonl")] == ["/"]


def test_clean_sites_exit_0_and_private_sites_need_the_flag(tmp_path, servers, monkeypatch, checker):
    clean = servers[1]
    sites = tmp_path / "sites.txt"
    sites.write_text(clean.url("/") + "\n")
    monkeypatch.setenv("CLAIMCHECK_HOST_DELAY", "0")
    assert run_cli(sites, tmp_path / "a", allow_private=True) == 0
    console = Console(record=True, width=300)
    assert run_cli(sites, tmp_path / "b", allow_private=False, console=console) == 6  # no page could be checked
    (line,) = read_lines(tmp_path / "b" / "results.jsonl")
    assert line["status"] == "error" and line["error"]["reason"] == "blocked_address"
    text = console.export_text()
    assert "1 page refused: loopback address; pass --allow-private to audit local servers" in text, text


def test_some_pages_not_checked_exit_5_with_the_reasons_grouped(tmp_path, servers, monkeypatch, checker):
    """Nothing flagged but a page failed: 5, not 0 (a clean result is not proven); the reason closes the log."""
    clean, missing = servers[1], servers[2]
    dead = f"http://127.0.0.1:{closed_port()}/"
    sites = tmp_path / "sites.txt"
    sites.write_text(f"{clean.url('/')}\n{missing.url('/')}\n{dead}\n")
    monkeypatch.setenv("CLAIMCHECK_HOST_DELAY", "0")
    console = Console(record=True, width=300)
    assert run_cli(sites, tmp_path / "out", allow_private=True, console=console) == 5
    text = console.export_text()
    tail = text[text.index("not checked, by reason") :]
    assert f"1 page answered HTTP 404 (e.g. {missing.url('/')})" in tail, text
    assert "1 page unreachable: connection refused or failed; check that the site is up" in tail, text


def test_bad_site_lines_are_reported_up_front_and_a_bare_host_gets_https(tmp_path, monkeypatch):
    """Every bad line by number and reason before any fetch; a bare host is audited as https:// and the log
    says so; a list with no usable line is bad usage (2) and writes nothing."""
    lines = ["# list", "not a url", "ftp://x.org", "http://[::1", "garbage !!@@##", "http://", "mailto:a@b.org"]
    sites = tmp_path / "sites.txt"
    sites.write_text("\n".join(lines) + "\n")
    console = Console(record=True, width=300)
    assert run_cli(sites, tmp_path / "out", console=console) == 2
    text = console.export_text()
    assert not (tmp_path / "out").exists()
    for number, reason in (
        (2, "neither a URL nor a host name"),
        (3, "only http and https URLs are fetched, not 'ftp'"),
        (4, "not a valid URL"),
        (5, "neither a URL nor a host name"),
        (6, "the URL has no host"),
        (7, "only http and https URLs are fetched, not 'mailto'"),
    ):
        assert f"sites.txt:{number}: {reason}" in text, text
    assert "no line of" in text and "is a usable http(s) URL" in text

    sites.write_text("not a url\nlocalhost:1\n")
    console = Console(record=True, width=300)
    assert run_cli(sites, tmp_path / "out", console=console) == 6  # localhost is refused: loopback
    text = console.export_text()
    assert "sites.txt:2: no scheme given; auditing https://localhost:1/" in text, text
    assert "1 page rejected: not a valid URL; correct those lines of the site list" in text, text
    assert "1 page refused: loopback address; pass --allow-private to audit local servers" in text, text


def test_plain_progress_lines_when_stderr_is_not_a_terminal(tmp_path, monkeypatch, checker):
    """cron, CI, nohup: no live bar, but a line every few seconds even while one slow page is fetched."""
    import io

    from siteserver import slow

    server = SiteServer()
    server.route("/", slow(1.5, b"<h1>Stroke rehabilitation</h1><p>Physiotherapy helps.</p>"))
    sites = tmp_path / "sites.txt"
    sites.write_text(server.url("/") + "\n")
    monkeypatch.setenv("CLAIMCHECK_HOST_DELAY", "0")
    err = io.StringIO()
    try:
        code = run_cli(sites, tmp_path / "out", allow_private=True, console=Console(file=err), progress_seconds=0.4)
    finally:
        server.close()
    assert code == 0
    log = err.getvalue()
    assert log.count("progress: 0/1 sites done, 0 pages") >= 2, log
    assert "\x1b[" not in log and "━" not in log


def test_library_sync_and_async(servers, checker):
    import claimcheck

    clinic = servers[0]
    results = list(claimcheck.audit([clinic.url("/")], max_pages=3, options=FAST))
    assert [path_of(r.url) for r in results][:2] == ["/", "/stem-cell-stroke-treatment"] and len(results) == 3
    assert any(r.flagged for r in results) and results[0].to_dict()["site"] == clinic.url("/")

    async def collect():
        return [r async for r in claimcheck.audit_async([clinic.url("/")], max_pages=3, options=FAST)]

    assert [r.url for r in asyncio.run(collect())] == [r.url for r in results]


def test_library_with_an_output_directory_stores_and_resumes(tmp_path, servers, checker):
    from claimcheck.siteaudit import audit

    clinic = servers[0]
    first = list(audit([clinic.url("/")], checker=checker, out=tmp_path, max_pages=2, options=FAST))
    assert len(first) == 2 and (tmp_path / "report.html").exists() and (tmp_path / "sites.csv").exists()
    more = list(audit([clinic.url("/")], checker=checker, out=tmp_path, max_pages=4, options=FAST))
    assert len(more) == 2 and not {r.url for r in more} & {r.url for r in first}  # only the new pages
    assert len(read_lines(tmp_path / "results.jsonl")) == 4


def test_library_stops_cleanly_when_the_consumer_stops(servers, checker):
    import claimcheck

    gen = claimcheck.audit([servers[0].url("/")], max_pages=20, options=FAST)
    first = next(gen)
    gen.close()
    assert first.depth == 0


def test_torn_last_line_is_cut_on_resume(tmp_path):
    good = json.dumps({"site": "s", "url": "u", "status": "checked"})
    (tmp_path / "results.jsonl").write_text(good + "\n" + '{"site": "s", "url": "v", "stat')
    store = ResultStore(tmp_path)
    assert [x["url"] for x in store.open()] == ["u"]
    store.close()
    assert (tmp_path / "results.jsonl").read_text() == good + "\n"


def test_disk_full_is_one_line_and_a_distinct_exit_code(tmp_path, servers, monkeypatch, checker):
    from rich.console import Console

    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    out = tmp_path / "out"
    out.mkdir()
    (out / "errors.jsonl").symlink_to("/dev/full")
    sites = tmp_path / "sites.txt"
    sites.write_text(servers[2].url("/") + "\n")  # a 404: its error line hits the full disk
    monkeypatch.setenv("CLAIMCHECK_HOST_DELAY", "0")
    console = Console(record=True, width=200)
    assert run_cli(sites, out, allow_private=True, console=console) == 74
    text = console.export_text()
    assert "No space left on device" in text and "Traceback" not in text


CLI = [sys.executable, "-m", "claimcheck", "audit"]


@pytest.mark.parametrize(
    ("setup", "needle"),
    [
        ("missing", "no such file"),
        ("empty", "lists no URLs"),
        ("out_is_file", "cannot use output directory"),
    ],
)
def test_usage_errors_exit_2_in_one_line(tmp_path, setup, needle):
    from rich.console import Console

    sites = tmp_path / "sites.txt"
    out = tmp_path / "out"
    if setup != "missing":
        sites.write_text("# nothing\n\n" if setup == "empty" else "https://example.test/\n")
    if setup == "out_is_file":
        out.write_text("I am a file")
    console = Console(record=True, width=300)
    assert run_cli(sites, out, console=console) == (74 if setup == "out_is_file" else 2)  # README: 74 for output
    text = console.export_text()
    assert needle in text and "Traceback" not in text and text.count("\n") == 1


def test_cli_usage_error_exit_code(tmp_path):
    p = subprocess.run(
        [*CLI, str(tmp_path / "none.txt"), "--out", str(tmp_path / "o")], capture_output=True, timeout=60
    )
    assert b"no such file" in p.stderr and b"Traceback" not in p.stderr
    assert p.returncode == 2


def _run_until(args: list[str], out: Path, lines: int, sig: int, env: dict) -> int:
    """Start the real CLI, wait until `lines` pages are stored, then send `sig`; return the exit code."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    results = out / "results.jsonl"
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if results.exists() and results.read_bytes().count(b"\n") >= lines:
                proc.send_signal(sig)
                break
            time.sleep(0.02)
        return proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_ctrl_c_and_kill_9_then_resume_match_an_uninterrupted_run(tmp_path, monkeypatch, checker):
    """The real CLI interrupted twice (Ctrl-C, then kill -9), then rerun: the same set of page lines as an
    uninterrupted run, no duplicates, and no finished page fetched again."""
    env = {**os.environ, "CLAIMCHECK_HOST_DELAY": "0.15"}
    monkeypatch.setenv("CLAIMCHECK_HOST_DELAY", "0")
    ref_servers = [clinic_server() for _ in range(3)]
    servers = [clinic_server() for _ in range(3)]
    codes = {}
    try:

        def sites_file(group, name):
            path = tmp_path / f"{name}.txt"
            path.write_text("".join(s.url("/") + "\n" for s in group))
            return path

        ref_out, out = tmp_path / "ref", tmp_path / "run"
        codes["uninterrupted"] = run_cli(sites_file(ref_servers, "ref"), ref_out, concurrency=2, allow_private=True)
        cli = [*CLI, str(sites_file(servers, "run")), "--out", str(out), "--concurrency", "2", "--allow-private"]
        codes["ctrl-c"] = _run_until(cli, out, 3, signal.SIGINT, env)
        first = len(read_lines(out / "results.jsonl"))
        assert first < 3 * len(EXPECTED), "the run finished before it could be interrupted"
        codes["kill -9"] = _run_until(cli, out, first + 3, signal.SIGKILL, env)
        with (out / "results.jsonl").open("ab") as fh:  # what kill -9 in the middle of a write leaves
            fh.write(b'{"url": "http://torn')
        codes["resumed"] = run_cli(tmp_path / "run.txt", out, concurrency=2, allow_private=True)
    finally:
        for s in ref_servers + servers:
            s.close()

    def page_set(out_dir, group):
        index = {s.url("/"): n for n, s in enumerate(group)}
        lines = read_lines(out_dir / "results.jsonl")
        keys = [(index[x["site"]], path_of(x["url"]), x["status"]) for x in lines]
        assert len(keys) == len(set(keys)), "duplicate page lines"
        return set(keys)

    assert page_set(out, servers) == page_set(ref_out, ref_servers)
    assert len(page_set(out, servers)) == 3 * len(EXPECTED)
    refetched = sum(n - 1 for s in servers for path, n in s.hits.items() if path != "/robots.txt" and n > 1)
    assert refetched <= 4  # at most the pages in flight (2 sites at once) when each interruption hit
    for name in ("sites.csv", "report.html", "errors.jsonl"):
        assert (out / name).exists()
    assert codes == {"uninterrupted": 1, "ctrl-c": 130, "kill -9": -signal.SIGKILL, "resumed": 1}
