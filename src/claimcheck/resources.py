"""Where the shipped data lives: inside the installed package, or at the top of a source checkout."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    """Folder of rule packs, lexicons and facts (package data when installed, ./rules in a checkout)."""
    for candidate in (_PACKAGE / "_data" / "rules", _PACKAGE.parents[1] / "rules"):
        if (candidate / "lexicon.yaml").is_file():
            return candidate
    raise FileNotFoundError("claimcheck's rule files are missing: reinstall the package")


def models_dir() -> Path:
    """Folder of trained models shipped with the package."""
    return _PACKAGE / "models"


class DataFileError(ValueError):
    """A data file that is not valid YAML (callers need not import yaml, which most runs never load)."""


def load_yaml(path: Path):
    """Parse a YAML data file (libyaml's safe loader), through a per-user JSON cache of the result.

    JSON parses several times faster than YAML, which matters for a one-off check's start-up. The cache is
    keyed by the file's exact text; dates, the only YAML type JSON lacks, are tagged and restored.
    """
    text = path.read_bytes().decode("utf-8")

    def parse():
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
        except yaml.YAMLError as exc:
            raise DataFileError(str(exc)) from exc

    return cached_json(f"yaml-{path.stem}", [text], parse, lambda data: True, encode=_date_tag, decode=_undate)


def _date_tag(value: object) -> dict[str, str]:
    import datetime as dt

    if isinstance(value, dt.datetime):
        raise TypeError("datetimes are not cached")
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    raise TypeError(f"cannot cache {type(value).__name__}")


def _undate(obj: dict):
    if len(obj) == 1 and "__date__" in obj:
        import datetime as dt

        return dt.date.fromisoformat(obj["__date__"])
    return obj


def cache_dir() -> Path | None:
    """A per-user folder for caches derived from shipped data (None if it cannot be created).

    CLAIMCHECK_CACHE_DIR overrides it; otherwise $XDG_CACHE_HOME/claimcheck or ~/.cache/claimcheck.
    Everything in it can be deleted at any time: it is rebuilt on the next run.
    """
    import os

    base = os.environ.get("CLAIMCHECK_CACHE_DIR")
    if base:
        folder = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        folder = (Path(xdg) if xdg else Path.home() / ".cache") / "claimcheck"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK | os.R_OK) else None


def cached_json(kind: str, sources: list[str], compute, valid=lambda data: isinstance(data, dict), *, encode=None, decode=None):
    """`compute()`, cached per user under `kind` as JSON, keyed by the exact `sources` and the Python
    version; of the other files of the same kind only the most recently used are kept (KEEP_VERSIONS in
    all). `encode`/`decode` are json's `default`/`object_hook` for other types. If `compute` raises, or
    its result cannot be written as JSON, nothing is cached."""
    import hashlib
    import json
    import sys

    key = hashlib.sha256("\0".join([kind, sys.version, *sources]).encode()).hexdigest()[:24]
    folder = cache_dir()
    path = folder / f"{kind}-{key}.json" if folder else None
    if path is not None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"), object_hook=decode)
            if valid(data):
                _touch(path)
                return data
        except (OSError, ValueError):
            pass
    data = compute()
    if path is not None:
        try:
            encoded = json.dumps(data, ensure_ascii=False, default=encode).encode("utf-8")
        except (TypeError, ValueError):  # a type JSON cannot hold: no cache
            return data
        write_atomic(path, encoded)
        _evict(path, f"{kind}-")
    return data


KEEP_VERSIONS = 3  # cache files kept per kind: two checkouts or versions side by side do not evict each other


def _touch(path: Path) -> None:
    """Mark a cache file as just used (its age decides eviction); best effort."""
    import os

    try:
        os.utime(path)
    except OSError:
        pass


def _evict(current: Path, prefix: str) -> None:
    """Remove all but the KEEP_VERSIONS most recently used files of one kind (`current` among them)."""
    try:
        others = [p for p in current.parent.glob(f"{prefix}*.json") if p != current]
        others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in others[KEEP_VERSIONS - 1 :]:
        old.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file and a rename; False (and nothing written) on error."""
    import os
    import tempfile

    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError:
        return False
    return True
