"""The typed library surface: check_url, audit and audit_async name their options (keyword-only, documented,
no **options), and each option reaches the fetcher (real server on 127.0.0.1)."""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import claimcheck
from claimcheck.fetch.client import FetchOptions

FETCH_KEYWORDS = {"allow_private", "timeout", "max_bytes", "user_agent", "lang", "regions", "options"}
PAGE = b"<html><head><title>Clinic</title></head><body><p>Our stem cell therapy cures stroke.</p></body></html>"
FAST = FetchOptions(host_delay=0.0)


class Recorder(BaseHTTPRequestHandler):
    agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/slow":
            time.sleep(3)
        body = b"User-agent: *\nAllow: /\n" if self.path == "/robots.txt" else PAGE
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("func", [claimcheck.check_url, claimcheck.audit, claimcheck.audit_async])
def test_options_are_named_keyword_only_and_documented(func):
    params = list(inspect.signature(func).parameters.values())
    assert params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    rest = params[1:]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in rest), [(p.name, p.kind) for p in rest]
    assert FETCH_KEYWORDS <= {p.name for p in rest}
    assert all(p.annotation is not inspect.Parameter.empty for p in params)
    doc = inspect.getdoc(func) or ""
    documented = inspect.getdoc(claimcheck.audit) if func is claimcheck.audit_async else doc
    assert all(f"`{p.name}`" in documented for p in rest), [p.name for p in rest if f"`{p.name}`" not in documented]


def test_audit_and_audit_async_take_the_same_keywords():
    names = lambda f: list(inspect.signature(f).parameters)  # noqa: E731
    assert names(claimcheck.audit) == names(claimcheck.audit_async)


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError):
        claimcheck.check_url("http://127.0.0.1:9/", allow_privat=True)  # type: ignore[call-arg]


def test_private_addresses_are_refused_by_default(server, checker):
    with pytest.raises(claimcheck.FetchError) as info:
        claimcheck.check_url(server + "/page", options=FAST)
    assert info.value.reason == "blocked_address"


def test_user_agent_and_allow_private_reach_the_fetcher(server, checker):
    Recorder.agents.clear()
    report = claimcheck.check_url(server + "/page", allow_private=True, user_agent="ReadmeBot/1.0", options=FAST)
    assert report.flagged and report.source["title"] == "Clinic"
    assert Recorder.agents and set(Recorder.agents) == {"ReadmeBot/1.0"}


def test_max_bytes_limits_the_body(server, checker):
    with pytest.raises(claimcheck.FetchError) as info:
        claimcheck.check_url(server + "/page", allow_private=True, max_bytes=20, options=FAST)
    assert info.value.reason == "too_large"


def test_timeout_bounds_the_whole_fetch(server, checker):
    started = time.monotonic()
    with pytest.raises(claimcheck.FetchError) as info:
        claimcheck.check_url(server + "/slow", allow_private=True, timeout=1.0, options=FAST)
    assert info.value.reason == "timeout" and time.monotonic() - started < 2.8


def test_audit_passes_the_same_keywords(server, checker):
    Recorder.agents.clear()
    results = list(
        claimcheck.audit([server + "/page"], allow_private=True, user_agent="AuditBot/2", max_pages=1, options=FAST)
    )
    assert [r.status for r in results] == ["checked"]
    assert set(Recorder.agents) == {"AuditBot/2"}
