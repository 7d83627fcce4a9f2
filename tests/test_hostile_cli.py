"""Hostile names and texts through the CLI as a user runs it (a subprocess): markup, terminal escapes, caches."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fetch"))
from siteserver import SiteServer  # noqa: E402

CLI = [sys.executable, "-m", "claimcheck"]
ESCAPES = (
    "Our stem cell therapy \x1b]0;pwned\x07 is FDA approved\x1b[2J for stroke. \x9b31m \x1b]8;;http://evil/\x1b\\link"
)


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, timeout=180, cwd=cwd, env=env)


@pytest.mark.parametrize("name", ["no[/]such.txt", "a[bold]b.txt", "dir[/]x/[red]y.txt"])
def test_markup_in_a_missing_file_name_is_printed_as_written(tmp_path, name):
    """Row 8: `[/]` raised rich's MarkupError (traceback, exit 1 = "flagged"); `[bold]` was swallowed."""
    result = run("check", name, cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err and f"no such file: {name}" in err


def test_markup_in_a_directory_name(tmp_path):
    folder = tmp_path / "[bold]x"
    folder.mkdir()
    result = run("check", str(folder))
    err = result.stderr.decode()
    assert result.returncode == 2 and "is a directory" in err and "[bold]x is" in err, err


def test_markup_in_a_redirect_target(tmp_path):
    site = SiteServer()
    try:
        site.redirect("/go", "/gone[/]here[bold]")
        result = run("check", site.url("/go"), "--allow-private")
    finally:
        site.close()
    err = result.stderr.decode()
    assert result.returncode == 3 and "Traceback" not in err, err
    assert "/gone[/]here[bold]" in err


def test_terminal_escapes_in_text_are_shown_not_obeyed(tmp_path):
    """Row 9: ESC, OSC (title, hyperlink), BEL and C1 CSI reached the terminal raw from checked text."""
    path = tmp_path / "page.txt"
    path.write_text(ESCAPES, encoding="utf-8")
    for fmt in ("text", "markdown"):
        result = run("check", str(path), "--format", fmt)
        assert result.returncode == 1, result.stderr.decode()
        out = result.stdout
        assert not any(c in out for c in (b"\x1b", b"\x07", b"\xc2\x9b")), (fmt, out[:400])
        assert "FDA approved" in out.decode() and "␛]0;pwned␇" in out.decode()


def test_terminal_escapes_from_an_html_page_are_shown_not_obeyed(tmp_path):
    """A fetched or saved page can smuggle ESC as a character reference (&#27;)."""
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><h1>Stem cells</h1><p>Our stem cell therapy &#27;]0;pwned&#7; cures stroke &#27;[2J now.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    result = run("check", str(path))
    assert result.returncode == 1, result.stderr.decode()
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    assert "cures stroke" in result.stdout.decode()


def test_visible_keeps_offsets():
    from claimcheck.report.terminal import visible

    text = "a\x1b[2Jb\x07c\x9bd\te\nf"
    shown = visible(text)
    assert len(shown) == len(text) and shown[0] == "a" and shown.endswith("\te\nf")
    assert not any(ord(c) < 32 and c not in "\t\n" or 127 <= ord(c) < 160 for c in shown)


def _planted_cache(path: Path) -> None:
    """A jieba marshal cache in which the whole sentence is one word (real segmentation splits it)."""
    word = "干细胞治疗中风"
    freq = {word[:i]: 0 for i in range(1, len(word))} | {word: 10**9}
    path.write_bytes(marshal.dumps((freq, 10**9)))


def test_no_planted_jieba_cache_can_change_a_check(tmp_path):
    """Row 12: jieba loaded $TMPDIR/jieba.cache with marshal; a planted file changed segmentation. The
    checker now needs no word segmentation at all: jieba is never imported, whatever caches are planted."""
    import json

    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    _planted_cache(shared / "jieba.cache")
    code = (
        "import sys, json; from claimcheck import check_text; "
        "r = check_text('本院干细胞治疗中风已获国家批准，有效率高达95%，无任何副作用。'); "
        "print(json.dumps([[f.quote for f in r.findings], 'jieba' in sys.modules]))"
    )
    results = []
    for cache in (tmp_path / "own-cache", tmp_path / "shared-cache"):
        env = {**os.environ, "TMPDIR": str(shared), "CLAIMCHECK_CACHE_DIR": str(cache)}
        if cache.name == "shared-cache":  # a cache folder others may write to is not trusted either
            cache.mkdir(mode=0o777)
            cache.chmod(0o777)
            _planted_cache(cache / "jieba.cache")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=180, env=env)
        assert result.returncode == 0, result.stderr.decode()
        quotes, jieba_loaded = json.loads(result.stdout)
        assert quotes and not jieba_loaded
        results.append(quotes)
    assert results[0] == results[1]


_DENSE = """
import resource, sys
limit = 3 << 30
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from claimcheck.checker import Checker

def peak_mb():  # VmHWM: this process's peak (ru_maxrss carries the parent's over exec)
    return int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024

line = ("Our stem cell therapy for stroke is approved in Japan and has a {p}% success rate with no side effects. "
        "Patients walk again within weeks. Book now: only {n} places left! "
        "本院干细胞治疗中风已获国家批准，有效率高达{p}%，无任何副作用。 Ref {n}.")
text = "\\n".join(line.format(p=50 + n % 50, n=n) for n in range(int(sys.argv[1])))
checker = Checker().warm()
before = peak_mb()
report = checker.check_text(text)
print(len(text), len(report.findings), before, peak_mb())
"""


def test_claim_dense_text_costs_memory_per_finding_not_per_finding_times_fact_text():
    """Row 3: 2 MB of claim-dense text took 2.35 GB (about 35 KB per finding). Every line here is unique
    (no sharing from repetition); findings share their facts, context and explanation templates, and long
    texts are detected and decided window by window: under 1.2 KB per finding (0.8 KB measured)."""
    run = subprocess.run([sys.executable, "-c", _DENSE, "12000"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    chars, findings, before, peak = run.stdout.split()
    assert int(chars) > 2_500_000 and int(findings) > 50_000
    assert (float(peak) - float(before)) * 1024 / int(findings) < 1.2, run.stdout
