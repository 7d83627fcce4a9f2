"""WARC input: which records become pages, damage counted not raised, outputs, resume, kill and rerun."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("warcio")
pytest.importorskip("pyarrow")

from claimcheck.siteaudit import crawl_engine
from claimcheck.siteaudit.crawl_engine import WarcOptions, on_topic, process_file
from claimcheck.siteaudit.parquet import read_pages
from claimcheck.siteaudit.warc import ReadStats, expand_sources, html_type, iter_pages
from claimcheck.siteaudit.warc_audit import run_warc_cli
from testpaths import ROOT
from warc_fixtures import PAGES, build_set, clinic_entries, site_entries, warning_entries, write_warc

DERIVED = ("results.jsonl", "errors.jsonl", "sites.csv")


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    return build_set(tmp_path_factory.mktemp("warc"))


@pytest.fixture(scope="module")
def audited(archives, tmp_path_factory, checker):
    out = tmp_path_factory.mktemp("out")
    code = run_warc_cli([str(p) for p in archives], out)
    return out, code


def read(path: Path, stats: ReadStats | None = None, **kw):
    stats = stats if stats is not None else ReadStats()
    with path.open("rb") as fh:
        return list(iter_pages(fh, stats, size=path.stat().st_size, **kw)), stats


def lines(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def test_only_html_responses_become_pages(archives):
    pages, stats = read(archives[0])
    assert [p.url.rsplit("/", 1)[-1] for p in pages] == ["en", "zh-hans", "zh-hant", "binary", ""]
    assert stats.skipped == {"not_response": 9, "not_html": 2, "http_status": 1}  # warcinfo + 8 requests; png, pdf; 404
    assert not stats.faults and stats.records == 17
    sniffed = pages[2]
    assert sniffed.content_type == "text/html" and sniffed.body == (PAGES / "clinic2_zh_hant.html").read_bytes()


def test_offsets_point_at_their_records(archives):
    from warcio.archiveiterator import ArchiveIterator

    pages, _ = read(archives[0])
    with archives[0].open("rb") as fh:
        for page in pages:
            fh.seek(page.offset)
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Target-URI") == page.url


@pytest.mark.parametrize("gzip", [True, False])
def test_a_torn_last_record_is_counted_and_the_rest_kept(tmp_path, gzip):
    whole = write_warc(tmp_path / "whole.warc", site_entries(), gzip=gzip)
    torn = write_warc(tmp_path / "torn.warc", site_entries(), gzip=gzip, truncate=200)
    full, full_stats = read(whole)
    kept, stats = read(torn)
    assert not full_stats.faults and stats.faults == {"truncated": 1}
    assert [p.url for p in kept] == [p.url for p in full[:-1]]
    assert all(a.body == b.body for a, b in zip(kept, full, strict=False))


def test_garbage_is_a_fault_not_an_exception(tmp_path):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"this is not a web archive\n" * 50)
    pages, stats = read(bad)
    assert pages == [] and sum(stats.faults.values()) == 1
    head = write_warc(tmp_path / "mixed.warc.gz", clinic_entries()[:1])
    mixed = tmp_path / "mixed2.warc.gz"
    mixed.write_bytes(head.read_bytes() + os.urandom(3000))
    pages, stats = read(mixed)
    assert len(pages) == 1 and sum(stats.faults.values()) == 1


def test_html_sniffing_is_for_missing_or_generic_types_only():
    assert html_type("text/html", b"")
    assert html_type("", b"\xef\xbb\xbf  <!DOCTYPE html><html>")
    assert html_type("application/octet-stream", b"<html lang=zh>")
    assert not html_type("", b"%PDF-1.4")
    assert not html_type("image/png", b"<html>")
    assert not html_type("text/plain", b"stem cells cure stroke")


def test_a_huge_record_is_skipped_with_a_reason(tmp_path, checker):
    path = write_warc(tmp_path / "big.warc.gz", clinic_entries()[:2])
    pages, _ = read(path, cap=5000)
    assert [p.too_large for p in pages] == [True, False]
    assert pages[0].body == b""  # never held whole
    out = tmp_path / "out"
    manifest = process_file(str(path), str(out), WarcOptions(max_record_bytes=5000))
    assert manifest["skipped"]["too_large"] == 1 and manifest["checked"] == 1
    (first, second), _ = crawl_engine.parts_paths(out, str(path))[0].read_text().splitlines(), None
    assert json.loads(first)["error"]["reason"] == "too_large" and json.loads(second)["status"] == "checked"


def test_prefilter_words_in_three_scripts():
    assert on_topic("Our Stem-Cell programme") and on_topic("MSC infusion")
    assert on_topic("本院干细胞疗法") and on_topic("本院幹細胞療法") and on_topic("臍帶間充質")
    assert not on_topic("Stroke rehabilitation: physiotherapy and speech therapy") and not on_topic("中风康复训练")


def test_prefilter_skips_only_pages_nothing_would_flag(archives, tmp_path, audited, checker):
    out = tmp_path / "pre"
    assert run_warc_cli([str(p) for p in archives], out, prefilter=True) == 1
    totals = json.loads((out / "crawl.json").read_text())["totals"]
    assert totals["skipped"]["off_topic"] > 0
    flagged = {x["url"] for x in lines(audited[0]) if x["flagged"]}
    assert flagged == {x["url"] for x in lines(out) if x["flagged"]}
    assert (
        totals["checked"] + totals["skipped"]["off_topic"]
        == json.loads((audited[0] / "crawl.json").read_text())["totals"]["checked"]
    )


def test_outputs_per_host(audited):
    out, code = audited
    assert code == 1
    rows = {r.split(",")[0]: r.split(",") for r in (out / "sites.csv").read_text().splitlines()[1:]}
    assert (
        rows["clinic-a.example"][-2] == "yes"
        and rows["rehab.example"][-2] == "no"
        and rows["trial.example"][-2] == "no"
    )
    assert "www.clinic-a.example" not in rows  # a host is one site with or without www.
    by_url = {x["url"]: x for x in lines(out)}
    assert by_url["https://gbk.example/undeclared"]["source"]["encoding"] == "gb18030"
    assert by_url["https://big5.example/meta"]["source"]["encoding"] == "big5hkscs"
    assert by_url["https://gbk.example/undeclared"]["flagged"] and by_url["https://big5.example/undeclared"]["flagged"]
    assert by_url["https://clinic-a.example/binary"]["error"]["reason"] == "binary"
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["url"] for e in errors] == ["https://clinic-a.example/binary"]
    totals = json.loads((out / "crawl.json").read_text())["totals"]
    assert totals["faults"] == {"binary": 1, "truncated": 1} and totals["failed"] == 0
    assert totals["checked"] == len(clinic_entries()) - 4 + len(warning_entries()) + len(site_entries()) - 1
    assert "clinic-a.example" in (out / "report.html").read_text()


def test_parquet_rows_match_the_json_lines(audited):
    out, _ = audited
    table = read_pages(out).to_pylist()
    assert len({r["warc_file"] for r in table}) == 3
    expected = lines(out)
    table.sort(key=lambda r: [x["url"] for x in expected].index(r["url"]))
    for row, line in zip(table, expected, strict=True):
        assert (row["site"], row["status"], row["flagged"], row["categories"]) == (
            line["site"],
            line["status"],
            line["flagged"],
            line.get("categories", []),
        )
        assert [f["quote"] for f in row["findings"]] == [f["quote"] for f in line["findings"]]
        assert row["warc_offset"] == line["warc"]["offset"]


def test_rerun_skips_complete_archives_and_redoes_changed_ones(archives, tmp_path, checker, capsys):
    out = tmp_path / "out"
    assert run_warc_cli([str(p) for p in archives], out) == 1
    first = {name: (out / name).read_bytes() for name in DERIVED}
    parts = sorted((out / "warc").glob("*.done.json"))
    stamps = [p.stat().st_mtime_ns for p in parts]
    calls = []
    real = crawl_engine.process_file
    crawl_engine.process_file = lambda *a: calls.append(a[0]) or real(*a)
    try:
        assert run_warc_cli([str(p) for p in archives], out) == 1
        assert calls == [] and [p.stat().st_mtime_ns for p in parts] == stamps
        assert {name: (out / name).read_bytes() for name in DERIVED} == first
        write_warc(archives[2].with_name("c2.warc.gz"), site_entries()[:2])
        changed = archives[2].with_name("c2.warc.gz")
        os.replace(changed, tmp_path / "c-site.warc.gz")
        moved = [str(archives[0]), str(archives[1]), str(tmp_path / "c-site.warc.gz")]
        assert run_warc_cli(moved, out) == 1
        assert calls == [str(tmp_path / "c-site.warc.gz")]  # a new path is a new archive: only it is checked
    finally:
        crawl_engine.process_file = real
    assert "resuming: 3 of 3" in capsys.readouterr().err


def test_missing_extra_is_a_usage_error(monkeypatch, tmp_path, archives):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "warcio" else real(name, *a))
    from rich.console import Console

    console = Console(file=io.StringIO(), width=200)
    assert run_warc_cli([str(archives[0])], tmp_path / "o", console=console) == 2
    assert "pip install 'claimcheck[crawl]'" in console.file.getvalue() and "warcio" in console.file.getvalue()


def test_importing_the_cli_and_warc_modules_loads_no_crawl_dependency():
    code = (
        "import sys, claimcheck.cli, claimcheck.siteaudit.warc_audit, claimcheck.siteaudit.warc, "
        "claimcheck.siteaudit.crawl_engine\n"
        "print(sorted(m for m in ('warcio', 'pyarrow', 'dask', 'distributed') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_globs_and_missing_paths(archives, tmp_path):
    folder = archives[0].parent
    assert expand_sources([str(folder / "*.warc*")]) == [str(p) for p in sorted(archives)]
    assert expand_sources([str(archives[0]), str(folder / "a-*")]) == [str(archives[0])]  # merged
    from claimcheck.errors import InputError

    with pytest.raises(InputError, match="no WARC file matches"):
        expand_sources([str(tmp_path / "*.warc.gz")])


def _kill_set(folder: Path) -> list[Path]:
    """Enough archives that a run is still going when the first one finishes."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = clinic_entries() + warning_entries() + site_entries()
    return [write_warc(folder / f"k{i}.warc.gz", entries[i::3] + entries[:2]) for i in range(6)]


def test_kill_mid_run_then_rerun_equals_an_uninterrupted_run(tmp_path, checker):
    files = [str(p) for p in _kill_set(tmp_path / "in")]
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    assert run_warc_cli(files, clean) == 1
    cmd = [sys.executable, "-m", "claimcheck", "audit", "--warc", *files, "--out", str(killed)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while not list((killed / "warc").glob("*.done.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # into the next archive
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    done = len(list((killed / "warc").glob("*.done.json")))
    assert 1 <= done < len(files), "the kill must land mid-run"
    assert not (killed / "results.jsonl").exists()
    assert run_warc_cli(files, killed) == 1
    for name in DERIVED:
        assert (killed / name).read_bytes() == (clean / name).read_bytes(), name
    assert read_pages(killed).sort_by("url").equals(read_pages(clean).sort_by("url"))


def test_cli_usage_errors_are_one_line_exit_2(archives, tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "claimcheck", "audit", *args, "--out", str(tmp_path / "o")]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)

    for args, message in [
        (("--warc", str(tmp_path / "none.warc.gz")), "no such WARC file"),
        (("--warc", str(archives[0]), "--engine", "spark"), "--engine must be one of local, dask"),
        (("--warc", str(archives[0]), "--scheduler", "tcp://127.0.0.1:8786"), "--scheduler needs --engine dask"),
        ((), "give one sites file"),
    ]:
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr


class FailingStream(io.BytesIO):
    def read(self, size: int = -1) -> bytes:
        if self.tell() > 2000:
            raise ConnectionResetError("the network went away")
        return super().read(min(size, 500) if size and size > 0 else 500)


def test_an_io_error_fails_the_archive_so_the_next_run_redoes_it(archives, tmp_path, checker, monkeypatch):
    with pytest.raises(OSError):
        list(iter_pages(FailingStream(archives[0].read_bytes()), ReadStats()))
    sources = [str(archives[0]), str(archives[1])]
    out = tmp_path / "out"
    real = crawl_engine.open_source

    def lost(source: str):
        if source == sources[0]:
            raise ConnectionResetError("the network went away")
        return real(source)

    monkeypatch.setattr(crawl_engine, "open_source", lost)
    assert run_warc_cli(sources, out) == 1
    crawl = json.loads((out / "crawl.json").read_text())
    assert crawl["totals"]["failed"] == 1 and "ConnectionResetError" in crawl["archives"][0]["failed"]
    assert len(list((out / "warc").glob("*.done.json"))) == 1
    assert "clinic-a.example" not in {x["site"] for x in lines(out)}
    monkeypatch.setattr(crawl_engine, "open_source", real)
    assert run_warc_cli(sources, out) == 1
    assert json.loads((out / "crawl.json").read_text())["totals"]["failed"] == 0
    assert {x["site"] for x in lines(out)} >= {"clinic-a.example", "news.example"}
