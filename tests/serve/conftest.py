"""Real servers on 127.0.0.1: the API under uvicorn in a thread, and a plain http.server for URL checks."""

from __future__ import annotations

import functools
import socket
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import uvicorn
from serve_support import EXAMPLES

from claimcheck.serve.app import create_app


class ApiServer:
    """uvicorn serving one app on a socket bound to a free port, in a daemon thread."""

    def __init__(self, app) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ApiServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the API server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


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
