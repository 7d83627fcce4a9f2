"""README.md's examples, run as written: every command-line line and Python block of its fenced code, each in
a fresh `bash` with the venv's bin on PATH, from the repository root (as a reader who ran the quick start).

A command that would reach the internet runs against a server on 127.0.0.1 instead (SUBSTITUTES, each with
the command actually run) and a few are not run at all (SKIPPED, each with its reason); a test fails when
either list names a command README no longer has, and when README gains a block of an unknown kind. The
first test is the quick start itself: the demo, then README's next commands in a new shell.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from testpaths import EXAMPLES, ROOT

README = ROOT / "README.md"
VENV_BIN = Path(sys.executable).parent
PLAIN_PATH = "/usr/local/bin:/usr/bin:/bin"  # a new shell: no venv activated
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
COMMENT = re.compile(r"\s+#\s.*$")

SKIPPED = {
    "bash scripts/test.sh": "runs this whole test suite (it would run itself)",
    "claimcheck train && claimcheck eval": "rewrites the shipped model files in place and takes minutes; "
    "tests/test_classify.py and tests/test_evaluate.py train and evaluate in temporary folders",
    "pip install 'claimcheck[crawl]'": "installs from the package registry; the test extra already includes crawl",
    "claimcheck audit --warc 's3://bucket/crawl/*.warc.gz' --out /shared/audit --engine dask --scheduler tcp://10.0.0.5:8786": "needs S3 and a running Dask cluster",
    ".venv/bin/python benchmarks/extraction.py /path/to/trafilatura/tests": "needs a local copy of trafilatura's evaluation data, which is not in this repository",
    ".venv/bin/python benchmarks/extraction.py /path/to/trafilatura/tests --only claimcheck,trafilatura": "as above",
}
SKIPPED_PREFIXES = {
    ".venv/bin/python benchmarks/": "a benchmark (README's Benchmarks section): minutes of measurement, not a test",
}
# command (as README writes it, comment removed) -> (what is run instead, why); {site} is a server on 127.0.0.1
SUBSTITUTES = {
    "claimcheck check https://example.org/page": (
        "claimcheck check --allow-private {site}/clinic_en.html",
        "fetches the internet; the same check of a page on 127.0.0.1 (so --allow-private)",
    ),
    "claimcheck audit sites.txt --out audit/": (
        "claimcheck audit sites.txt --out audit/ --allow-private",
        "audits sites on the internet; sites.txt lists pages on 127.0.0.1 (so --allow-private)",
    ),
    "claimcheck audit sites.txt --out audit/ --regions all": (
        "claimcheck audit sites.txt --out audit/ --regions all --allow-private",
        "as above",
    ),
}
# commands too slow for every run (none today: the Dask example takes about 10 s); run them with CLAIMCHECK_README_SLOW=1
SLOW: dict[str, str] = {}
IN_SCRATCH = ("claimcheck audit",)  # commands that write audit/ run in a scratch folder, not in the checkout


@dataclass(frozen=True)
class Example:
    kind: str  # "bash" (one line) or "python" (a whole block)
    code: str
    line: int

    @property
    def key(self) -> str:
        return COMMENT.sub("", self.code).strip() if self.kind == "bash" else self.code

    @property
    def id(self) -> str:
        return f"L{self.line}:{self.key[:60] if self.kind == 'bash' else 'python'}"


def readme_examples() -> list[Example]:
    text = README.read_text(encoding="utf-8")
    out = []
    for match in FENCE.finditer(text):
        lang, body = match.group(1), match.group(2)
        first = text.count("\n", 0, match.start(2)) + 1
        if lang == "python":
            out.append(Example("python", body, first))
        elif lang == "bash":
            for n, line in enumerate(body.splitlines()):
                if line.strip() and not line.lstrip().startswith("#"):
                    out.append(Example("bash", line.strip(), first + n))
    return out


EXAMPLES_RUN = [e for e in readme_examples() if e.key not in SKIPPED]


def env(path_first: bool = True) -> dict[str, str]:
    """A fresh shell's environment: no VIRTUAL_ENV, the venv's bin first on PATH, pip offline."""
    base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    path = f"{VENV_BIN}:{PLAIN_PATH}" if path_first else PLAIN_PATH
    return base | {"PATH": path, "PIP_NO_INDEX": "1", "CLAIMCHECK_HOST_DELAY": "0", "NO_COLOR": "1"}


def run(code: str, cwd: Path, *, stdin: str | None = None, new_shell: bool = False, timeout: int = 300):
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", code],
        input=stdin,
        cwd=cwd,
        env=env(path_first=not new_shell),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The example pages on a real server on 127.0.0.1."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(EXAMPLES)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def scratch(tmp_path, site) -> Path:
    """A folder with what the audit examples read: sites.txt (pages on 127.0.0.1) and crawl/*.warc.gz."""
    (tmp_path / "sites.txt").write_text(f"{site}/clinic_en.html\n{site}/caution_en.txt\n", encoding="utf-8")
    (tmp_path / "examples").symlink_to(EXAMPLES)
    from warc_fixtures import clinic_entries, write_warc

    (tmp_path / "crawl").mkdir()
    write_warc(tmp_path / "crawl" / "clinics.warc.gz", clinic_entries())
    return tmp_path


def _ok(result: subprocess.CompletedProcess, allowed: tuple[int, ...] = (0, 1)) -> None:
    assert result.returncode in allowed, f"exit {result.returncode}\n{result.stdout[-1500:]}\n{result.stderr[-2500:]}"
    assert "Traceback" not in result.stderr, result.stderr[-2500:]


# --- the quick start, then README's next commands in a new shell ---


def test_quick_start_demo_then_next_commands_in_a_new_shell():
    """`bash scripts/demo.sh` sets up, checks the example and says how to run claimcheck; a new shell that
    follows README (`source .venv/bin/activate`) can then run README's commands, the service included."""
    demo = run("bash scripts/demo.sh", ROOT, new_shell=True)
    _ok(demo, (0,))
    assert "red-flag claim" in demo.stdout and "source .venv/bin/activate" in demo.stdout
    assert "install -q -e '.[serve]'" in (ROOT / "scripts" / "demo.sh").read_text(encoding="utf-8")
    quick = README.read_text(encoding="utf-8").split("## Quick start")[1].split("## Three ways")[0]
    assert "source .venv/bin/activate" in quick
    first_block = next(b for b in FENCE.finditer(README.read_text(encoding="utf-8").split("### Command line")[1]))
    first, second = first_block.group(2).splitlines()[:2]
    assert first.startswith("source .venv/bin/activate")
    after = run(f"{first}\n{second}\nclaimcheck serve --help >/dev/null\n", ROOT, new_shell=True)
    _ok(after)
    assert "claimcheck: command not found" not in after.stderr and "截至" in after.stdout


# --- every example ---


def test_every_skip_and_substitute_names_a_readme_command():
    keys = {e.key for e in readme_examples()}
    assert set(SKIPPED) <= keys, set(SKIPPED) - keys
    assert set(SUBSTITUTES) <= keys, set(SUBSTITUTES) - keys
    assert set(SLOW) <= keys, set(SLOW) - keys
    text = README.read_text(encoding="utf-8")
    assert {m.group(1) for m in FENCE.finditer(text)} <= {"bash", "python", "yaml", ""}


def _skip_reason(example: Example) -> str | None:
    for prefix, why in SKIPPED_PREFIXES.items():
        if example.key.startswith(prefix):
            return why
    if example.key in SLOW and not os.environ.get("CLAIMCHECK_README_SLOW"):
        return SLOW[example.key]
    if example.key == "bash scripts/demo.sh":
        return "run by test_quick_start_demo_then_next_commands_in_a_new_shell"
    return None


@pytest.mark.parametrize("example", EXAMPLES_RUN, ids=[e.id for e in EXAMPLES_RUN])
def test_readme_example_runs_as_written(example: Example, site: str, scratch: Path):
    reason = _skip_reason(example)
    if reason:
        pytest.skip(reason)
    if example.kind == "python":
        result = run("python -", ROOT, stdin=example.code)
        _ok(result, (0,))
        return
    if example.key.startswith("claimcheck serve"):
        return _serve(example.code)
    code = example.code
    if example.key in SUBSTITUTES:
        code = SUBSTITUTES[example.key][0].format(site=site)
    cwd = scratch if example.key.startswith(IN_SCRATCH) else ROOT
    result = run(code, cwd)
    _ok(result)
    if example.key in SUBSTITUTES and example.key.startswith("claimcheck check"):
        assert f"{site}/clinic_en.html" in result.stdout and "Solterra" in result.stdout  # the report names the page


def _serve(code: str) -> None:
    """Start `claimcheck serve --port N` as written (another free port only if N is taken), use it, stop it."""
    port = int(re.search(r"--port (\d+)", code).group(1))
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", port)) == 0:
            with socket.socket() as free:
                free.bind(("127.0.0.1", 0))
                new = free.getsockname()[1]
            code, port = code.replace(f"--port {port}", f"--port {new}"), new
    proc = subprocess.Popen(
        ["bash", "-c", f"exec {code}"], cwd=ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stdout.read()[-2000:]
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.5)
        assert "<title>claimcheck</title>" in httpx.get(base + "/", timeout=10).text
        report = httpx.post(base + "/v1/check", json={"text": "Our stem cells cure stroke!"}, timeout=60).json()
        assert report["flagged"] and "stale_facts" in report
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_readme_lists_what_it_does_not_run():
    """The reasons are part of the test's output: print them so a reader of the log sees what was not run."""
    shown = {**SKIPPED, **{k: v[1] for k, v in SUBSTITUTES.items()}, **SLOW, **SKIPPED_PREFIXES}
    assert all(reason.strip() for reason in shown.values())
    print("\nREADME examples not run as written:")
    for command, reason in shown.items():
        print(f"  {command}\n      -> {reason}")
    assert shutil.which("bash")
