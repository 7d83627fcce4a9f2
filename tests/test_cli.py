"""The CLI as a user runs it: a real subprocess, real files, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from testpaths import EXAMPLES

CLI = [sys.executable, "-m", "claimcheck"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, timeout=120)


def test_flagged_text_exits_1_with_json():
    p = run("check", "--text", "Our stem cell therapy cures stroke and is FDA approved.", "--format", "json")
    assert p.returncode == 1, p.stderr
    data = json.loads(p.stdout)
    assert data["flagged"] and data["findings"]


def test_clean_text_exits_0():
    p = run("check", "--text", "No stem cell therapy is approved for stroke.")
    assert p.returncode == 0, p.stderr


def test_terminal_report_quotes_and_explains():
    p = run("check", str(EXAMPLES / "clinic_zh_hans.txt"))
    out = p.stdout.decode()
    assert p.returncode == 1
    assert "截至" in out and "http" in out


def test_markdown_format():
    p = run("check", "--text", "Our stem cells cure stroke with no side effects!", "--format", "markdown")
    assert p.returncode == 1 and b"## 1." in p.stdout


def test_stdin():
    p = run("check", "-", "--format", "json", stdin="我们的干细胞疗法能根治中风，无任何副作用。".encode())
    assert p.returncode == 1 and json.loads(p.stdout)["language"] == "zh"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("check",), b"exactly one"),
        (("check", "/nonexistent/file.txt"), b"no such file"),
        (("check", "--text", "x", "--lang", "fr"), b"fr"),
        (("check", "--text", "x", "--format", "pdf"), b"pdf"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args, needle):
    p = run(*args)
    assert p.returncode == 2
    assert needle in p.stderr.lower() or needle in p.stdout.lower()
    assert b"Traceback" not in p.stderr


def test_binary_file_is_refused(tmp_path):
    f = tmp_path / "x.bin"
    f.write_bytes(bytes(range(256)) * 10)
    p = run("check", str(f))
    assert p.returncode == 2 and b"binary" in p.stderr and b"Traceback" not in p.stderr


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_legacy_chinese_encodings_are_decoded(tmp_path, encoding):
    text = (
        "本院幹細胞療法已獲日本政府核准，可根治中風。"
        if encoding == "big5"
        else "本院干细胞疗法已获日本政府批准，可根治中风。"
    )
    f = tmp_path / f"page.{encoding}.txt"
    f.write_bytes(text.encode(encoding))
    p = run("check", str(f), "--format", "json")
    assert p.returncode == 1, p.stderr
    data = json.loads(p.stdout)
    assert any(x["quote"] in text for x in data["findings"])


def test_twenty_megabyte_file_is_handled(tmp_path):
    f = tmp_path / "big.txt"
    line = "Stroke rehabilitation helps many patients regain movement over months of physiotherapy.\n"
    f.write_text(line * (20_000_000 // len(line)), encoding="utf-8")
    p = run("check", str(f), "--format", "json")
    assert p.returncode == 0, p.stderr[-500:]
    assert json.loads(p.stdout)["flagged"] is False


def test_rules_test_and_list():
    p = run("rules", "test", "approval")
    assert p.returncode == 0, p.stdout[-2000:]
    assert b"0 failed" in p.stdout
    p = run("rules", "list")
    assert p.returncode == 0 and b"approval.regulator_approved" in p.stdout


def test_facts_and_stale():
    p = run("facts", "--format", "json")
    assert p.returncode == 0
    ids = {f["id"] for f in json.loads(p.stdout)}
    assert "no_stroke_approval" in ids
    first_recheck = min(f["recheck_by"] for f in json.loads(run("facts", "--format", "json").stdout))
    p = run("facts", "--stale", "--today", first_recheck)  # pinned: the calendar must not fail the test
    assert p.returncode == 0 and b"0 fact(s) past their recheck date" in p.stdout
