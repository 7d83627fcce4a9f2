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


def load_yaml(path: Path):
    """Parse a YAML data file with libyaml's safe loader when available (several times faster)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader


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
