"""Crawl results as Parquet: one row per page, one Hive-style partition per archive, a fixed schema.

Rows are written in batches (bounded memory) to a temporary file that `commit` renames into place, so a
partition is either whole or absent. Read them back with `pyarrow.dataset.dataset(OUT / "pages",
partitioning="hive")`, Dask, DuckDB or Spark.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

BATCH_ROWS = 500

FINDING = pa.struct(
    [
        ("category", pa.string()),
        ("severity", pa.string()),
        ("confidence", pa.float64()),
        ("rule_id", pa.string()),
        ("quote", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
    ]
)
SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("site", pa.string()),
        ("fetched_at", pa.string()),
        ("warc_path", pa.string()),
        ("warc_offset", pa.int64()),
        ("status", pa.string()),
        ("error_reason", pa.string()),
        ("flagged", pa.bool_()),
        ("risk", pa.float64()),
        ("max_severity", pa.string()),
        ("categories", pa.list_(pa.string())),
        ("language", pa.string()),
        ("characters", pa.int64()),
        ("encoding", pa.string()),
        ("findings", pa.list_(FINDING)),
    ]
)


def to_row(line: dict[str, Any]) -> dict[str, Any]:
    """A results.jsonl line -> a row of SCHEMA (the full report stays in the JSON lines)."""
    warc = line.get("warc") or {}
    source = line.get("source") or {}
    return {
        "url": line.get("url"),
        "site": line.get("site"),
        "fetched_at": line.get("fetched_at"),
        "warc_path": warc.get("file"),
        "warc_offset": warc.get("offset"),
        "status": line.get("status"),
        "error_reason": (line.get("error") or {}).get("reason"),
        "flagged": bool(line.get("flagged")),
        "risk": float(line.get("risk") or 0.0),
        "max_severity": line.get("max_severity"),
        "categories": list(line.get("categories") or []),
        "language": line.get("language"),
        "characters": line.get("characters"),
        "encoding": source.get("encoding"),
        "findings": [{k: f.get(k) for k in FINDING.names} for f in line.get("findings") or []],
    }


class PartWriter:
    """Write one partition: `add` rows, then `commit` (after the `with` block) to publish it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")
        self._rows: list[dict[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None

    def __enter__(self) -> PartWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(self.tmp, SCHEMA, compression="zstd")
        return self

    def add(self, line: dict[str, Any]) -> None:
        self._rows.append(to_row(line))
        if len(self._rows) >= BATCH_ROWS:
            self._flush()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._writer is None:
            return
        if kind is None:
            self._flush()
        self._writer.close()
        self._writer = None
        if kind is not None:
            with contextlib.suppress(OSError):
                self.tmp.unlink()

    def commit(self) -> None:
        """Publish the partition (an empty table when the archive held no HTML page)."""
        self.tmp.replace(self.path)

    def _flush(self) -> None:
        if self._rows and self._writer is not None:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=SCHEMA))
            self._rows = []


def read_pages(out: Path) -> pa.Table:
    """Every page row of a crawl audit, with its `warc_file` partition column."""
    import pyarrow.dataset as ds

    return ds.dataset(out / "pages", format="parquet", partitioning="hive").to_table()
