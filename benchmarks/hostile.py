"""Hostile inputs (issue #17): wall time, peak RSS and outcome of each, every one in its own subprocess.

Run: .venv/bin/python benchmarks/hostile.py [CASE ...] [--limit-gb 4] [--timeout 900] [--list]
Each case runs as `hostile.py --one CASE` under an address-space limit (RLIMIT_AS), so a regression that
would eat the machine ends as a MemoryError or a kill instead; peak RSS comes from os.wait4, so it is
measured even for a worker that dies. Servers are local (127.0.0.1). The slow-drip case takes about a minute
(the default 60 s deadline), the service case 80 s, the 20 MB claim-dense text about 4 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "fetch"))

CLAIM_EN = "Our stem cell therapy is FDA approved and cures stroke with a 98% success rate and no side effects. "
CLAIM_ZH = "本院干细胞疗法已获国家批准，可根治中风，有效率98%，无任何副作用。"
NEUTRAL_EN = "Our clinic is open Monday to Saturday; please bring your medical records to the first visit. "
CASES: dict[str, Callable[[], str]] = {}


def case(fn: Callable[[], str]) -> Callable[[], str]:
    CASES[fn.__name__] = fn
    return fn


def _checker():
    from claimcheck import default_checker

    return default_checker()


def _outcome(fn: Callable[[], object]) -> str:
    """'ok: ...' with what came back, or the exception's type and reason."""
    try:
        return f"ok: {fn()}"
    except Exception as exc:
        reason = getattr(exc, "reason", "")
        return f"{type(exc).__name__}{f' ({reason})' if reason else ''}: {str(exc)[:120]}"


def _report(report) -> str:
    return f"{len(report.findings)} finding(s), {report.characters:,} chars"


def _server():
    from siteserver import SiteServer

    return SiteServer()


# --- rows 1-3: the checking path (measured only; fixed elsewhere) -------------------------------------------


@case
def nested_div_100k() -> str:
    """Row 1: a 1.1 MB page of 100,000 nested, unclosed <div>."""
    from claimcheck.fetch.page import check_html

    html = "<html><body>" + "<div>" * 100_000 + "Our stem cells cure stroke." + "</body></html>"
    return _outcome(lambda: _report(check_html(html, checker=_checker(), url="http://example.test/")))


@case
def long_line_fdfa() -> str:
    """Row 2: one line of 199,932 U+FDFA (18x under NFKC: over spaCy's 1,000,000-character limit)."""
    text = "\ufdfa" * 199_932
    return _outcome(lambda: _report(_checker().check_text(text)))


def _dense(size: int) -> str:
    unit = CLAIM_EN + CLAIM_ZH + "\n"
    return unit * (size // len(unit))


@case
def dense_2mb() -> str:
    """Row 3: 2 MB of claim-dense text."""
    return _outcome(lambda: _report(_checker().check_text(_dense(2_000_000))))


@case
def dense_20mb() -> str:
    """Row 3: 20 MB of claim-dense text."""
    return _outcome(lambda: _report(_checker().check_text(_dense(20_000_000))))


@case
def neutral_20mb() -> str:
    """The 20 MB baseline: ordinary text, nothing to flag."""
    text = (NEUTRAL_EN + "\n") * (20_000_000 // (len(NEUTRAL_EN) + 1))
    return _outcome(lambda: _report(_checker().check_text(text)))


# --- rows 4-12 ------------------------------------------------------------------------------------------------


def _drip_headers(seconds: float, status: int, extra: list[tuple[str, str]]):
    """Status line, then one header every 5 s for `seconds`: under every per-read timeout."""

    def send(h) -> None:
        h.send_response(status)
        h.flush_headers()
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            h.send_header("X-Drip", "1")
            h.flush_headers()
            time.sleep(5)
        for name, value in extra:
            h.send_header(name, value)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return send


@case
def slow_drip_chain() -> str:
    """Row 4: robots.txt and 3 redirects each drip for ~55 s; one check must end at its 60 s deadline."""
    from claimcheck.fetch.page import check_url

    site = _server()
    site.route("/robots.txt", _drip_headers(55, 404, []))
    for n in range(3):
        site.route(f"/r{n}", _drip_headers(55, 302, [("Location", f"/r{n + 1}")]))
    site.page("/r3", "<p>stem cells cure stroke</p>")
    started = time.monotonic()
    out = _outcome(lambda: _report(check_url(site.url("/r0"), checker=_checker(), allow_private=True)))
    return f"{out} after {time.monotonic() - started:.1f} s"


@case
def serve_50_slow_urls() -> str:
    """Row 5: 50 concurrent slow URL checks against the service (default limits); text-check p95 meanwhile."""
    import socket
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    import uvicorn
    from siteserver import slow

    from claimcheck.serve.app import create_app

    site = _server()
    site.route("/slow", slow(15, b"<p>stem cells cure stroke</p>"))  # under the 20 s read timeout
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(create_app(checker=_checker(), allow_private=True), log_level="error"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    with ThreadPoolExecutor(50) as pool:
        futures = [
            pool.submit(httpx.post, f"{base}/v1/check", json={"url": site.url("/slow")}, timeout=300) for _ in range(50)
        ]
        time.sleep(1)
        latencies = []
        with httpx.Client(timeout=120) as client:
            for n in range(40):
                started = time.monotonic()
                client.post(f"{base}/v1/check", json={"text": f"Our stem cells cure stroke ({n})."})
                latencies.append(time.monotonic() - started)
        statuses = [f.result().status_code for f in futures]
    server.should_exit = True
    latencies.sort()
    p95 = latencies[int(0.95 * len(latencies)) - 1]
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    return f"text p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; URL answers {counts}; most at once on the slow origin {site.max_active}"


def _cli(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claimcheck", *args], capture_output=True, timeout=600, cwd=cwd)


@case
def site_list_bad_lines() -> str:
    """Row 6 and soft: `http://[::1`, `garbage !!@@##` and `http://` in a site list beside a good site."""
    site = _server()
    site.page("/", "<p>Our stem cell therapy cures stroke.</p>")
    with tempfile.TemporaryDirectory() as tmp:
        sites = Path(tmp) / "sites.txt"
        sites.write_text(f"http://[::1\n{site.url('/')}\ngarbage !!@@##\nhttp://\n")
        os.environ["CLAIMCHECK_HOST_DELAY"] = "0"
        result = _cli("audit", str(sites), "--out", str(Path(tmp) / "out"), "--allow-private")
        made = sorted(p.name for p in (Path(tmp) / "out").glob("*")) if (Path(tmp) / "out").exists() else []
    return f"exit {result.returncode}; wrote {made}"


@case
def special_addresses() -> str:
    """Row 7: 192.0.0.8 and 6to4 forms of 127.0.0.1 / 10.0.0.1."""
    from claimcheck.fetch.client import FetchOptions
    from claimcheck.fetch.page import check_url

    options = FetchOptions(connect_timeout=2, total_timeout=5, obey_robots=False, host_delay=0)
    outs = []
    for url in ("http://192.0.0.8/", "http://[2002:7f00:1::1]/", "http://[2002:a00:1::]/"):
        outs.append(
            _outcome(lambda url=url: _report(check_url(url, checker=_checker(), options=options))).split(":")[0]
        )
    return "; ".join(outs)


@case
def markup_names() -> str:
    """Row 8: a missing file named `no[/]such[bold].txt`."""
    with tempfile.TemporaryDirectory() as tmp:
        result = _cli("check", "no[/]such[bold].txt", cwd=tmp)
    err = result.stderr.decode()
    return f"exit {result.returncode}; traceback: {'Traceback' in err}; name intact: {'no[/]such[bold].txt' in err}"


@case
def terminal_escapes() -> str:
    """Row 9: ESC/OSC/BEL/C1 sequences in checked text, text output."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.txt"
        path.write_text("Our stem cells \x1b]0;pwned\x07 cure stroke.\x1b[2J \x9b31m", encoding="utf-8")
        result = _cli("check", str(path))
    raw = sum(result.stdout.count(c) for c in (b"\x1b", b"\x07", b"\xc2\x9b"))
    return f"exit {result.returncode}; raw control bytes in output: {raw}"


@case
def lone_surrogate() -> str:
    """Row 10: a lone surrogate in library input, then the JSON report encoded as UTF-8."""
    from claimcheck.report.json import render

    return _outcome(lambda: len(render(_checker().check_text("Stem cells cure stroke \ud800 now.")).encode()))


@case
def utf16_page() -> str:
    """Row 11: a UTF-16LE page whose Content-Type names the charset (no BOM)."""
    from claimcheck.fetch.page import check_url

    site = _server()
    body = "<html><body><p>Our stem cell therapy cures stroke.</p></body></html>".encode("utf-16-le")
    site.page("/", body, content_type="text/html; charset=utf-16")
    return _outcome(lambda: _report(check_url(site.url("/"), checker=_checker(), allow_private=True)))


@case
def planted_jieba_cache() -> str:
    """Row 12: a marshal jieba.cache planted in $TMPDIR (the checker no longer segments words at all)."""
    code = (
        "import sys; from claimcheck import check_text; "
        "r = check_text('本院干细胞治疗中风已获国家批准，无任何副作用。'); print(len(r.findings), 'jieba' in sys.modules)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        import marshal

        word = "干细胞治疗中风"
        freq = {word[:i]: 0 for i in range(1, len(word))} | {word: 10**9}
        (Path(tmp) / "jieba.cache").write_bytes(marshal.dumps((freq, 10**9)))
        env = {**os.environ, "TMPDIR": tmp, "CLAIMCHECK_CACHE_DIR": str(Path(tmp) / "own")}
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=120)
    findings, loaded = (result.stdout.decode().split() + ["?", "?"])[:2]
    return f"{findings} findings; jieba {'loaded' if loaded == 'True' else 'never loaded'}: planted cache ignored"


# --- the runner -----------------------------------------------------------------------------------------------


def run_one(name: str, limit_gb: float, timeout: float) -> tuple[float, float, str]:
    """(wall s, peak RSS MB, outcome) of one case in a fresh subprocess under the address-space limit."""
    limit = int(limit_gb * 2**30)

    def lower_limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--one", name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lower_limit,
    )
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = out.decode(errors="replace").strip().splitlines()
    if proc.returncode == 0 and lines:
        outcome = lines[-1]
    else:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
        outcome = f"worker died (exit {proc.returncode}): {tail[0][:120]}"
    return wall, usage.ru_maxrss / 1024, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--limit-gb", type=float, default=4.0, help="address-space limit per case (default 4 GB)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a case is killed (default 900)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    args = parser.parse_args()
    if args.one:
        print(CASES[args.one](), flush=True)
        return
    if args.list:
        for name, fn in CASES.items():
            print(f"{name:22} {(fn.__doc__ or '').strip()}")
        return
    names = args.cases or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)} (see --list)")
    print(
        f"{'case':22} {'wall s':>8} {'peak MB':>8}  outcome   (limit {args.limit_gb:g} GB, timeout {args.timeout:g} s)"
    )
    for name in names:
        wall, rss, outcome = run_one(name, args.limit_gb, args.timeout)
        print(f"{name:22} {wall:8.1f} {rss:8.0f}  {outcome}", flush=True)
    print(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
