"""The same WARC audit on Dask: identical per-site results to the local engine, one Checker per worker,
and a worker killed mid-archive loses nothing and doubles nothing."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("warcio")
pytest.importorskip("pyarrow")
pytest.importorskip("distributed")

from claimcheck.siteaudit.crawl_engine import WarcOptions, run_dask
from claimcheck.siteaudit.parquet import read_pages
from claimcheck.siteaudit.warc_audit import run_warc_cli, write_crawl_outputs
from warc_fixtures import build_set, clinic_entries, site_entries, warning_entries, write_warc

DERIVED = ("results.jsonl", "errors.jsonl", "sites.csv")


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("warc")
    entries = clinic_entries() + warning_entries() + site_entries()
    extra = [write_warc(folder / f"d{i}.warc.gz", entries[i::3]) for i in range(3)]
    return build_set(folder) + extra


@pytest.fixture(scope="module")
def local_run(archives, tmp_path_factory, checker) -> Path:
    out = tmp_path_factory.mktemp("local")
    assert run_warc_cli([str(p) for p in archives], out, engine="local") == 1
    return out


def manifests(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "warc").glob("*.done.json"))]


def assert_same_outputs(a: Path, b: Path) -> None:
    for name in DERIVED:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert read_pages(a).sort_by("url").equals(read_pages(b).sort_by("url"))
    totals = [json.loads((d / "crawl.json").read_text())["totals"] for d in (a, b)]
    assert totals[0] == totals[1]


def test_dask_gives_the_local_results_with_one_checker_per_worker(archives, local_run, tmp_path):
    out = tmp_path / "dask"
    assert run_warc_cli([str(p) for p in archives], out, engine="dask", workers=2) == 1
    assert_same_outputs(local_run, out)
    workers = [m["worker"] for m in manifests(out)]
    assert len({w["pid"] for w in workers}) == 2 != len(workers)  # both workers used, each for several archives
    assert {w["checker_builds"] for w in workers} == {1}  # built once per worker, not per archive or record
    assert os.getpid() not in {w["pid"] for w in workers}


def test_a_worker_killed_mid_archive_is_retried_and_nothing_is_lost(archives, local_run, tmp_path):
    from dask.distributed import Client, LocalCluster

    out = tmp_path / "killed"
    killed: list[int] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40) as cluster:
        with Client(cluster) as client:
            client.run(lambda: __import__("claimcheck").default_checker() is not None)  # warm both before timing the kill
            pids = client.run(os.getpid)

            def kill_a_busy_worker() -> None:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not killed:
                    busy = [addr for addr, tasks in client.processing().items() if tasks]
                    tmp = list((out / "pages").glob("*/.part-0.parquet.tmp")) if (out / "pages").exists() else []
                    if busy and tmp:
                        killed.append(pids[busy[0]])
                        os.kill(pids[busy[0]], signal.SIGKILL)
                    time.sleep(0.01)

            killer = threading.Thread(target=kill_a_busy_worker)
            killer.start()
            done: dict[str, dict] = {}
            sources = [str(p) for p in archives]
            run_dask(
                sources,
                out,
                WarcOptions(),
                lambda m: done.__setitem__(m["source"], m),
                scheduler=cluster.scheduler_address,
            )
            killer.join()
    assert killed, "a worker must have been killed mid-archive"
    failed = [m for m in done.values() if "failed" in m]
    if failed:  # retries exhausted: a rerun redoes exactly those archives
        assert run_warc_cli(sources, out) == 1
    else:
        write_crawl_outputs(out, sources, done)
    assert_same_outputs(local_run, out)
