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
