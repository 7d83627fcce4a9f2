"""The service under many slow URL checks (uvicorn and a slow site, both on 127.0.0.1)."""

from __future__ import annotations

import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

pytest.importorskip("uvicorn")
import uvicorn  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent / "fetch"))
from siteserver import SiteServer, slow  # noqa: E402

from claimcheck.serve.app import create_app  # noqa: E402

SLOW_SECONDS = 1.5


class _Api:
    """uvicorn serving one app on a free loopback port, in a daemon thread."""

    def __init__(self, app) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> _Api:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the API did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


@pytest.fixture
def site():
    s = SiteServer()
    s.route("/slow", slow(SLOW_SECONDS, b"<p>Our stem cell therapy cures stroke.</p>"))
    yield s
    s.close()


def test_slow_url_checks_cannot_starve_text_checks(checker, site):
    """Row 5: 50 slow URL checks at once; text checks still answer fast, the queue overflows into 503 +
    Retry-After, and the slow origin never sees more than `per_origin` connections from us."""
    from claimcheck.serve.urlchecks import UrlLimits

    limits = UrlLimits(active=4, waiting=6, per_origin=2)
    app = create_app(checker=checker, allow_private=True, url_limits=limits)
    with _Api(app) as api, ThreadPoolExecutor(50) as pool, httpx.Client(timeout=120) as client:

        def url_check(_: int) -> httpx.Response:
            return httpx.post(f"{api.url}/v1/check", json={"url": site.url("/slow")}, timeout=120)

        futures = [pool.submit(url_check, i) for i in range(50)]
        time.sleep(0.5)  # the URL checks are all in
        latencies = []
        for n in range(20):
            started = time.monotonic()
            r = client.post(f"{api.url}/v1/check", json={"text": f"Our stem cell therapy cures stroke ({n})."})
            latencies.append(time.monotonic() - started)
            assert r.status_code == 200 and r.json()["flagged"]
        answers = [f.result() for f in futures]
    latencies.sort()
    assert latencies[int(0.95 * len(latencies)) - 1] < 1.0, latencies
    statuses = [r.status_code for r in answers]
    assert statuses.count(200) == limits.active + limits.waiting, statuses
    busy = [r for r in answers if r.status_code == 503]
    assert len(busy) == 50 - limits.active - limits.waiting
    assert busy[0].json()["error"]["code"] == "busy" and busy[0].headers["retry-after"] == str(limits.retry_after)
    assert site.max_active <= limits.per_origin, site.max_active


def test_a_url_check_waiting_behind_slow_sites_ends_at_its_deadline(checker, site):
    """The deadline counts the wait for a place as well as the fetch: nobody queues for minutes."""
    import asyncio

    from claimcheck.errors import FetchError
    from claimcheck.fetch.client import FetchOptions
    from claimcheck.serve.urlchecks import UrlChecks, UrlLimits

    async def two_checks() -> list[object]:
        gate = UrlChecks(UrlLimits(active=1, waiting=1), FetchOptions(host_delay=0, deadline=0.8))
        url = site.url("/slow")
        jobs = [gate.check(url, checker=checker, lang=None, allow_private=True) for _ in range(2)]
        return await asyncio.gather(*jobs, return_exceptions=True)

    started = time.monotonic()
    outcomes = asyncio.run(two_checks())
    assert time.monotonic() - started < 0.8 + 1.0
    assert all(isinstance(o, FetchError) and o.reason == "timeout" for o in outcomes), outcomes
