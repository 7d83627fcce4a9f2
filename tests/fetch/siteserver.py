"""A real HTTP server on a loopback address for tests: static routes, redirects, slow, endless and bomb bodies.

Also a pytest plugin (server and fast fixtures); PYTEST_DONT_REWRITE (it is imported before it is registered).
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from claimcheck.fetch.client import FetchOptions

Handler = Callable[[BaseHTTPRequestHandler], None]
DATA = Path(__file__).resolve().parents[1] / "data"
SITES = DATA / "sites"
EXAMPLES = DATA.parents[1] / "examples"


@pytest.fixture
def server():
    """A fresh loopback server per test (import this fixture into the test module)."""
    s = SiteServer()
    yield s
    s.close()


@pytest.fixture
def fast() -> FetchOptions:
    """Loopback allowed, no politeness delay, short timeouts and backoff: the suite stays quick."""
    return FetchOptions(
        allow_private=True, host_delay=0.0, connect_timeout=2, read_timeout=2, total_timeout=5, backoff=0.01
    )


class SiteServer:
    """ThreadingHTTPServer with a route table; counts hits per path and the most requests in flight at once."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[float, float, str]] = []  # (start, end, path) of every request
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def page(
        self,
        path: str,
        body: str | bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body

        def send(h: BaseHTTPRequestHandler) -> None:
            h.send_response(status)
            if content_type:
                h.send_header("Content-Type", content_type)
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)

        self.routes[path] = send

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.page(path, b"", content_type="", status=status, headers={"Location": location})

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        start = time.monotonic()
        with self._lock:
            self.hits[path] += 1
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            handler = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
            if handler is None:
                body = b"<html><body><h1>Not found</h1></body></html>"
                h.send_response(404)
                h.send_header("Content-Type", "text/html")
                h.send_header("Content-Length", str(len(body)))
                h.end_headers()
                h.wfile.write(body)
            else:
                handler(h)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self._lock:
                self.active -= 1
                self.log.append((start, time.monotonic(), path))


def slow(seconds: float, body: bytes = b"<p>late</p>") -> Handler:
    """Answers only after `seconds`."""

    def send(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return send


def endless(h: BaseHTTPRequestHandler) -> None:
    """An HTML body that never ends (no Content-Length): the client must stop reading."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    chunk = b"<p>" + b"stem cells " * 6000 + b"</p>\n"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        h.wfile.write(chunk)


@cache
def gzip_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    """`size` bytes of HTML-ish filler that gzip to a few hundred kilobytes."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1024 * 1024)
    out = [comp.compress(b"<html><body><p>")]
    out += [comp.compress(block) for _ in range(size // len(block))]
    out.append(comp.flush())
    return b"".join(out)


def bomb(h: BaseHTTPRequestHandler) -> None:
    data = gzip_bomb()
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    h.wfile.write(data)


def gzipped(body: bytes, content_type: str = "text/html; charset=utf-8") -> Handler:
    data = gzip.compress(body)

    def send(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    return send


def flaky(status: int, failures: int, body: bytes = b"<p>ok now</p>", retry_after: str | None = "0") -> Handler:
    """Answers `status` (with Retry-After) the first `failures` times, then 200."""
    count = {"n": 0}

    def send(h: BaseHTTPRequestHandler) -> None:
        count["n"] += 1
        if count["n"] <= failures:
            h.send_response(status)
            if retry_after is not None:
                h.send_header("Retry-After", retry_after)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return send
