"""Real servers on 127.0.0.1: the API under uvicorn in a thread, and a plain http.server for URL checks."""

from __future__ import annotations

import datetime as dt
import functools
import socket
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from serve_support import CHROMIUM, CHROMIUM_ARGS, EXAMPLES, ApiServer

from claimcheck.serve.app import create_app


@pytest.fixture(scope="session")
def api(checker) -> Iterator[str]:
    """Base URL of the API as deployed by default: private addresses refused."""
    with ApiServer(create_app(checker=checker)) as server:
        yield server.url


@pytest.fixture(scope="session")
def private_api(checker) -> Iterator[str]:
    """Base URL of an API started with --allow-private (so it may fetch from 127.0.0.1)."""
    with ApiServer(create_app(checker=checker, allow_private=True)) as server:
        yield server.url


@pytest.fixture()
def client(api) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api, timeout=60) as c:
        yield c


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """A real web server on 127.0.0.1 serving examples/ (clinic pages, caution articles)."""
    handler = functools.partial(_QuietHandler, directory=str(EXAMPLES))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LATE = dt.date(2099, 1, 1)  # a pinned "today" on which every fact is past its recheck date
EARLY = dt.date(2026, 1, 1)  # and one on which none is


@pytest.fixture(scope="session")
def late_api(checker) -> Iterator[str]:
    """The API with "today" pinned after every fact's recheck date."""
    with ApiServer(create_app(checker=checker, today=LATE)) as server:
        yield server.url


@pytest.fixture(scope="session")
def early_api(checker) -> Iterator[str]:
    """The API with "today" pinned before every fact's recheck date."""
    with ApiServer(create_app(checker=checker, today=EARLY)) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium for the web page tests (test_page.py, test_page_web_user.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
