"""Paths and markers shared by the service tests (a plain module: `conftest` names are ambiguous to import)."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FETCH_READY = importlib.util.find_spec("claimcheck.fetch") is not None and (
    importlib.util.find_spec("claimcheck.fetch.page") is not None
)
needs_fetch = pytest.mark.skipif(
    not FETCH_READY, reason="claimcheck.fetch.page (the safe fetcher) is not in this checkout yet"
)


def read_example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


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


CHROMIUM = "/usr/bin/chromium"  # Debian's chromium, driven by Playwright (no browser download)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
